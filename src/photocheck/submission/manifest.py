"""The package manifest (``manifest.json``): a versioned schema, typed in memory.

The schema is documented in docs/PACKAGE.md. Version 2 holds a hash-chained
``history`` of events; everything else a package says (its state, its slots'
states, files and review decisions) is replayed from that history by
``photocheck.submission.history``, and the ``state`` and ``slots`` written beside it
are a view that must agree with the replay. Slot counts come from the rule pack
and the candidate's profile, never from the file.

Reading validates every field and raises ``IntegrityError`` (exit 4) for a
damaged manifest (malformed, too large, nested too deeply, a field of the wrong
type), or ``InputError`` (exit 3) for one written by a newer photocheck. A version
1 manifest (before the history was chained) still loads: ``legacy_import`` turns
it into a single ``import`` event, and its decisions stay unsigned.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .. import __version__
from ..errors import InputError, IntegrityError
from ..text import Text
from .slots import SlotSpec, spec_from_json
from .store import MANIFEST_MAX_BYTES, check_member_name

SCHEMA = "photocheck-package"
VERSION = 2
LEGACY_VERSION = 1
MAX_BYTES = MANIFEST_MAX_BYTES   # a real manifest is tens of KB
MAX_DEPTH = 32                   # the schema nests 7 deep; details a little more


class SlotState(str, Enum):
    UNLOCKED = "unlocked"     # 未锁定: the candidate can add, replace, delete
    LOCKED = "locked"         # 已锁定: submitted, or accepted by a reviewer
    RETURNED = "returned"     # 退回: sent back with a reason; unlocked for the candidate

    @property
    def label(self) -> Text:
        return {"unlocked": Text("未锁定", "unlocked"), "locked": Text("已锁定", "locked"),
                "returned": Text("退回", "returned")}[self.value]


class PackageState(str, Enum):
    EDITING = "editing"                 # 编辑中
    SUBMITTED = "submitted"             # 已提交
    ACCEPTED = "accepted"               # 审核通过
    NEEDS_CHANGES = "needs_changes"     # 需修改

    @property
    def label(self) -> Text:
        return {"editing": Text("编辑中", "editing"), "submitted": Text("已提交", "submitted"),
                "accepted": Text("审核通过", "accepted"),
                "needs_changes": Text("需修改", "needs changes")}[self.value]


class Actor(str, Enum):
    CANDIDATE = "candidate"
    REVIEWER = "reviewer"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def text_json(t: Text | None) -> dict | None:
    return None if t is None else {"zh": t.zh, "en": t.en}


def text_from(d: Any, where: str) -> Text | None:
    if d is None:
        return None
    if not isinstance(d, dict) or not isinstance(d.get("zh"), str) or not isinstance(d.get("en"), str):
        raise _bad(where)
    return Text(d["zh"], d["en"])


@dataclass
class Review:
    decision: str                 # "accepted" | "rejected"
    by: str | None
    at: str
    reason: Text | None = None
    reason_id: str | None = None
    seq: int | None = None        # the history event that recorded it
    key: str | None = None        # the public key (hex) that signed that event; None: unsigned (version 1)

    def to_json(self) -> dict:
        return {"decision": self.decision, "by": self.by, "at": self.at, "reason": text_json(self.reason),
                "reason_id": self.reason_id, "event": self.seq, "key": self.key}

    @classmethod
    def from_json(cls, d: Any, where: str) -> "Review | None":
        if d is None:
            return None
        _need(d, dict, where)
        dec = d.get("decision")
        if dec not in ("accepted", "rejected"):
            raise _bad(f"{where}.decision")
        return cls(dec, _opt_str(d.get("by"), f"{where}.by"), _str(d.get("at"), f"{where}.at"),
                   text_from(d.get("reason"), f"{where}.reason"), _opt_str(d.get("reason_id"), f"{where}.reason_id"))


@dataclass
class CheckSummary:
    kind: str
    passed: bool
    rules: str
    failing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    checked_at: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "passed": self.passed, "rules": self.rules, "failing": list(self.failing),
                "warnings": list(self.warnings), "error": self.error, "checked_at": self.checked_at}

    @classmethod
    def from_report(cls, rep: Any) -> "CheckSummary":
        return cls(kind=rep.kind, passed=bool(rep.passed), rules=rep.rules, failing=list(rep.failing),
                   warnings=list(rep.warnings), error=rep.error.code if rep.error is not None else None,
                   checked_at=now())

    @classmethod
    def from_json(cls, d: Any, where: str) -> "CheckSummary":
        _need(d, dict, where)
        return cls(kind=_str(d.get("kind"), f"{where}.kind"), passed=_bool(d.get("passed"), f"{where}.passed"),
                   rules=_str(d.get("rules"), f"{where}.rules"),
                   failing=_strs(d.get("failing", []), f"{where}.failing"),
                   warnings=_strs(d.get("warnings", []), f"{where}.warnings"),
                   error=_opt_str(d.get("error"), f"{where}.error"), checked_at=str(d.get("checked_at", "")))


@dataclass
class FileEntry:
    name: str                     # files/<slot>/<sha256[:16]>.<ext>, relative to the package
    original: str                 # the file name the candidate chose (no folders)
    sha256: str
    size: int
    added_at: str
    check: CheckSummary
    fixed: bool = False
    seal: str | None = None       # photo slot: intact | absent | broken | not_jpeg
    document_kind: str | None = None
    warnings: list[Text] = field(default_factory=list)
    review: Review | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "original": self.original, "sha256": self.sha256, "size": self.size,
                "added_at": self.added_at, "fixed": self.fixed, "check": self.check.to_json(), "seal": self.seal,
                "document_kind": self.document_kind, "warnings": [text_json(w) for w in self.warnings],
                "review": self.review.to_json() if self.review else None}

    def record(self) -> dict:
        """What a history event keeps of the file: everything but the review."""
        d = self.to_json()
        del d["review"]
        return d

    @classmethod
    def from_json(cls, d: Any, where: str) -> "FileEntry":
        _need(d, dict, where)
        name = _str(d.get("name"), f"{where}.name")
        if not check_member_name(name):
            raise _bad(f"{where}.name", name)
        sha = _str(d.get("sha256"), f"{where}.sha256")
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise _bad(f"{where}.sha256")
        size = d.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad(f"{where}.size")
        warns = d.get("warnings", [])
        _need(warns, list, f"{where}.warnings")
        return cls(name=name, original=_str(d.get("original"), f"{where}.original"), sha256=sha, size=size,
                   added_at=_str(d.get("added_at"), f"{where}.added_at"),
                   check=CheckSummary.from_json(d.get("check"), f"{where}.check"),
                   fixed=bool(d.get("fixed", False)), seal=_opt_str(d.get("seal"), f"{where}.seal"),
                   document_kind=_opt_str(d.get("document_kind"), f"{where}.document_kind"),
                   warnings=[text_from(w, f"{where}.warnings") for w in warns],  # type: ignore[misc]
                   review=Review.from_json(d.get("review"), f"{where}.review"))


@dataclass
class Slot:
    spec: SlotSpec
    state: SlotState = SlotState.UNLOCKED
    files: list[FileEntry] = field(default_factory=list)
    review: Review | None = None          # a decision on the whole slot
    changed_since_return: bool = False

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def accepted(self) -> bool:
        if self.review is not None and self.review.decision == "accepted":
            return True
        return bool(self.files) and all(f.review is not None and f.review.decision == "accepted" for f in self.files)

    @property
    def reasons(self) -> list[tuple[int | None, Text]]:
        """Reviewer reasons shown to the candidate: (1-based file index or None, reason)."""
        out: list[tuple[int | None, Text]] = []
        if self.review is not None and self.review.decision == "rejected" and self.review.reason:
            out.append((None, self.review.reason))
        for i, f in enumerate(self.files, 1):
            if f.review is not None and f.review.decision == "rejected" and f.review.reason:
                out.append((i, f.review.reason))
        return out

    def to_json(self) -> dict:
        return {**self.spec.to_json(), "state": self.state.value,
                "review": self.review.to_json() if self.review else None,
                "changed_since_return": self.changed_since_return,
                "files": [f.to_json() for f in self.files]}

    @classmethod
    def from_json(cls, d: Any, where: str) -> "Slot":
        _need(d, dict, where)
        try:
            spec = spec_from_json(d)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _bad(where) from None
        try:
            state = SlotState(d.get("state"))
        except ValueError:
            raise _bad(f"{where}.state") from None
        files = d.get("files", [])
        _need(files, list, f"{where}.files")
        return cls(spec=spec, state=state,
                   files=[FileEntry.from_json(f, f"{where}.files[{i}]") for i, f in enumerate(files, 1)],
                   review=Review.from_json(d.get("review"), f"{where}.review"),
                   changed_since_return=bool(d.get("changed_since_return", False)))


def canonical(obj: Any) -> bytes:
    """The bytes an event's hash is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class Event:
    """One entry of the hash-chained history.

    ``seq`` counts from 1; ``prev`` is the hash of the event before ("" for the
    first); ``hash`` is the SHA-256 of the canonical JSON of every other field but
    ``signature``. A reviewer's event carries an Ed25519 ``signature`` of its hash
    (``{"alg", "key", "sig"}``, see ``photocheck.submission.signing``)."""

    seq: int
    at: str
    actor: Actor
    action: str     # init | import | add | replace | remove | submit | review
    by: str | None = None
    slot: str | None = None
    index: int | None = None
    files: list[dict] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    prev: str = ""
    hash: str = ""
    signature: dict[str, str] | None = None

    def body(self) -> dict:
        return {"seq": self.seq, "at": self.at, "actor": self.actor.value, "by": self.by, "action": self.action,
                "slot": self.slot, "index": self.index, "files": self.files, "details": self.details,
                "prev": self.prev}

    def digest(self) -> str:
        return hashlib.sha256(canonical(self.body())).hexdigest()

    def seal(self) -> "Event":
        self.hash = self.digest()
        return self

    @property
    def label(self) -> str:
        return f"history[{self.seq}] ({self.action})"

    def to_json(self) -> dict:
        return {**self.body(), "hash": self.hash, "signature": self.signature}

    @classmethod
    def from_json(cls, d: Any, where: str) -> "Event":
        _need(d, dict, where)
        try:
            actor = Actor(d.get("actor"))
        except ValueError:
            raise _bad(f"{where}.actor") from None
        seq = d.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise _bad(f"{where}.seq")
        index = d.get("index")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise _bad(f"{where}.index")
        files = d.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            raise _bad(f"{where}.files")
        details = d.get("details", {})
        _need(details, dict, f"{where}.details")
        sig = d.get("signature")
        if sig is not None and (not isinstance(sig, dict) or not all(isinstance(sig.get(k), str)
                                                                     for k in ("alg", "key", "sig"))):
            raise _bad(f"{where}.signature")
        return cls(seq=seq, at=_str(d.get("at"), f"{where}.at"), actor=actor,
                   action=_str(d.get("action"), f"{where}.action"), by=_opt_str(d.get("by"), f"{where}.by"),
                   slot=_opt_str(d.get("slot"), f"{where}.slot"), index=index, files=files, details=details,
                   prev=_str(d.get("prev"), f"{where}.prev"), hash=_str(d.get("hash"), f"{where}.hash"),
                   signature={k: sig[k] for k in ("alg", "key", "sig")} if sig else None)


@dataclass
class Manifest:
    """A package as replayed from its history (``history.replay`` builds it)."""

    package_id: str
    created: str
    rules_id: str
    rules_version: str
    profile: dict[str, Any]
    slots: list[Slot]
    candidate_name: str | None = None
    registration_no: str | None = None
    state: PackageState = PackageState.EDITING
    history: list[Event] = field(default_factory=list)
    updated: str = ""
    tool: str = f"photocheck {__version__}"
    legacy: bool = False          # converted from a version 1 manifest: its decisions are unsigned

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for s in self.slots if s.id == slot_id), None)

    def referenced(self) -> set[str]:
        return {f.name for s in self.slots for f in s.files}

    @property
    def head(self) -> str:
        return self.history[-1].hash if self.history else ""

    def header_json(self) -> dict:
        return {"package_id": self.package_id, "created": self.created,
                "candidate": {"name": self.candidate_name, "registration_no": self.registration_no},
                "profile": self.profile, "rules": {"id": self.rules_id, "version": self.rules_version}}

    def view_json(self) -> dict:
        """The replayed state, written beside the history for readers of the file."""
        return {"state": self.state.value, "slots": [s.to_json() for s in self.slots]}

    def to_json(self) -> dict:
        return {"schema": SCHEMA, "version": VERSION, "tool": self.tool, "updated": self.updated,
                **self.header_json(), **self.view_json(), "history": [e.to_json() for e in self.history]}

    def dumps(self) -> bytes:
        self.updated = now()
        self.tool = f"photocheck {__version__}"
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- reading --------------------------------------------------------------------------------

def _damaged(label: str, zh: str, en: str) -> IntegrityError:
    return IntegrityError(Text(f"材料包清单 manifest.json 已损坏：{zh}（{label}）",
                               f"manifest.json is damaged: {en} ({label})"), code="damaged")


def _too_deep(obj: Any, limit: int) -> bool:
    """True when lists and objects nest deeper than ``limit`` (walked without recursion)."""
    stack = [(obj, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth > limit:
                return True
            stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    return False


def parse(data: bytes, label: str) -> dict:
    """The manifest's JSON object, its schema and version checked; nothing else yet."""
    if len(data) > MAX_BYTES:
        raise _damaged(label, f"文件过大（超过 {MAX_BYTES // 1048576} MB）",
                       f"it is too large (more than {MAX_BYTES // 1048576} MB)")
    try:
        d = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise _damaged(label, "嵌套层数过多", "it nests too deeply") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise IntegrityError(Text(f"材料包清单 manifest.json 已损坏，无法解析（{label}）",
                                  f"manifest.json is damaged and cannot be parsed ({label}): {e}"),
                             code="bad_manifest") from None
    if _too_deep(d, MAX_DEPTH):
        raise _damaged(label, "嵌套层数过多", "it nests too deeply")
    if not isinstance(d, dict):
        raise _bad("manifest", label=label)
    if d.get("schema") != SCHEMA:
        raise InputError(Text(f"不是 photocheck 材料包清单（schema={d.get('schema')!r}）：{label}",
                              f"not a photocheck package manifest (schema={d.get('schema')!r}): {label}"),
                         code="not_a_package")
    ver = d.get("version")
    if not isinstance(ver, int) or isinstance(ver, bool) or ver < 1:
        raise _bad("version", label=label)
    if ver > VERSION:
        raise InputError(Text(f"材料包格式版本 {ver} 由更新版本的 photocheck 创建（本程序支持到 {VERSION}），请升级后再打开：{label}",
                              f"package format version {ver} was written by a newer photocheck "
                              f"(this one reads up to {VERSION}); update photocheck: {label}"),
                         code="unsupported_version")
    return d


def events_from(d: dict, label: str) -> list[Event]:
    """The history of a version 2 manifest, each event's fields typed (the chain is checked on replay)."""
    history = d.get("history")
    if not isinstance(history, list):
        raise _bad("history", label=label)
    try:
        return [Event.from_json(h, f"history[{i}]") for i, h in enumerate(history, 1)]
    except IntegrityError as e:
        e.text = Text(f"{e.text.zh}（{label}）", f"{e.text.en} ({label})")
        raise


def legacy_import(d: dict, label: str) -> Event:
    """A version 1 manifest as the one event that starts a history: its claims, unsigned.

    Every field is validated as version 1 defined it; the slot counts it copied are
    kept only as a record (replay takes counts from the rule pack)."""
    try:
        cand = d.get("candidate") or {}
        _need(cand, dict, "candidate")
        rules = d.get("rules")
        _need(rules, dict, "rules")
        slots = d.get("slots")
        _need(slots, list, "slots")
        history = d.get("history", [])
        _need(history, list, "history")
        profile = d.get("profile", {})
        _need(profile, dict, "profile")
        try:
            state = PackageState(d.get("state"))
        except ValueError:
            raise _bad("state") from None
        parsed = [Slot.from_json(s, f"slots[{i}]") for i, s in enumerate(slots, 1)]
        ids = [s.id for s in parsed]
        if len(set(ids)) != len(ids):
            raise _bad("slots", "duplicate slot id")
        names = [f.name for s in parsed for f in s.files]
        if len(set(names)) != len(names):
            raise _bad("slots", "a file is listed twice")
        for i, h in enumerate(history, 1):
            _need(h, dict, f"history[{i}]")
        header = {"package_id": _str(d.get("package_id"), "package_id"), "created": _str(d.get("created"), "created"),
                  "candidate": {"name": _opt_str(cand.get("name"), "candidate.name"),
                                "registration_no": _opt_str(cand.get("registration_no"), "candidate.registration_no")},
                  "profile": profile,
                  "rules": {"id": _str(rules.get("id"), "rules.id"), "version": _str(rules.get("version"), "rules.version")}}
    except IntegrityError as e:
        e.text = Text(f"{e.text.zh}（{label}）", f"{e.text.en} ({label})")
        raise
    snapshot = {"state": state.value,
                "slots": [{"id": s.id, "state": s.state.value, "review": s.review.to_json() if s.review else None,
                           "changed_since_return": s.changed_since_return,
                           "files": [f.to_json() for f in s.files]} for s in parsed],
                "history": history, "tool": str(d.get("tool", ""))}
    return Event(seq=1, at=header["created"], actor=Actor.CANDIDATE, action="import",
                 by=header["candidate"]["name"], details={**header, "version1": snapshot}).seal()


# --- field validation ----------------------------------------------------------------------

def _bad(where: str, detail: str = "", label: str = "") -> IntegrityError:
    extra_zh = f"（{label}）" if label else ""
    extra_en = f" ({label})" if label else ""
    d = f": {detail}" if detail else ""
    return IntegrityError(Text(f"材料包清单 manifest.json 内容无效：{where}{d}{extra_zh}",
                               f"manifest.json is invalid at {where}{d}{extra_en}"), code="bad_manifest")


def _need(v: Any, tp: type, where: str) -> None:
    if not isinstance(v, tp):
        raise _bad(where)


def _str(v: Any, where: str) -> str:
    if not isinstance(v, str):
        raise _bad(where)
    return v


def _opt_str(v: Any, where: str) -> str | None:
    return None if v is None else _str(v, where)


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise _bad(where)
    return v


def _strs(v: Any, where: str) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _bad(where)
    return list(v)
