"""The package manifest (``manifest.json``): a versioned schema, typed in memory.

The schema is documented in docs/PACKAGE.md. Reading validates every field and
raises ``IntegrityError`` (exit 4) for a damaged manifest, or ``InputError``
(exit 3) for one written by a newer photocheck (unknown schema version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .. import __version__
from ..errors import InputError, IntegrityError
from ..text import Text
from .slots import SlotSpec, spec_from_json
from .store import check_member_name

SCHEMA = "photocheck-package"
VERSION = 1


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

    def to_json(self) -> dict:
        return {"decision": self.decision, "by": self.by, "at": self.at, "reason": text_json(self.reason),
                "reason_id": self.reason_id}

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


@dataclass
class HistoryEntry:
    at: str
    actor: Actor
    action: str
    by: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"at": self.at, "actor": self.actor.value, "by": self.by, "action": self.action,
                "details": self.details}

    @classmethod
    def from_json(cls, d: Any, where: str) -> "HistoryEntry":
        _need(d, dict, where)
        try:
            actor = Actor(d.get("actor"))
        except ValueError:
            raise _bad(f"{where}.actor") from None
        details = d.get("details", {})
        _need(details, dict, f"{where}.details")
        return cls(at=_str(d.get("at"), f"{where}.at"), actor=actor, action=_str(d.get("action"), f"{where}.action"),
                   by=_opt_str(d.get("by"), f"{where}.by"), details=details)


@dataclass
class Manifest:
    package_id: str
    created: str
    rules_id: str
    rules_version: str
    profile: dict[str, Any]
    slots: list[Slot]
    candidate_name: str | None = None
    registration_no: str | None = None
    state: PackageState = PackageState.EDITING
    history: list[HistoryEntry] = field(default_factory=list)
    updated: str = ""
    tool: str = f"photocheck {__version__}"

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for s in self.slots if s.id == slot_id), None)

    def referenced(self) -> set[str]:
        return {f.name for s in self.slots for f in s.files}

    def log(self, actor: Actor, action: str, by: str | None = None, **details: Any) -> None:
        self.history.append(HistoryEntry(now(), actor, action, by, details))

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA, "version": VERSION, "package_id": self.package_id, "tool": self.tool,
            "created": self.created, "updated": self.updated,
            "candidate": {"name": self.candidate_name, "registration_no": self.registration_no},
            "profile": self.profile,
            "rules": {"id": self.rules_id, "version": self.rules_version},
            "state": self.state.value,
            "slots": [s.to_json() for s in self.slots],
            "history": [h.to_json() for h in self.history],
        }

    def dumps(self) -> bytes:
        self.updated = now()
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def loads(cls, data: bytes, label: str) -> "Manifest":
        try:
            d = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as e:
            raise IntegrityError(Text(f"材料包清单 manifest.json 已损坏，无法解析（{label}）",
                                      f"manifest.json is damaged and cannot be parsed ({label}): {e}"),
                                 code="bad_manifest") from None
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
        try:
            return cls._from(d)
        except IntegrityError as e:
            e.text = Text(f"{e.text.zh}（{label}）", f"{e.text.en} ({label})")
            raise

    @classmethod
    def _from(cls, d: dict) -> "Manifest":
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
        return cls(package_id=_str(d.get("package_id"), "package_id"), created=_str(d.get("created"), "created"),
                   rules_id=_str(rules.get("id"), "rules.id"), rules_version=_str(rules.get("version"), "rules.version"),
                   profile=profile, slots=parsed, candidate_name=_opt_str(cand.get("name"), "candidate.name"),
                   registration_no=_opt_str(cand.get("registration_no"), "candidate.registration_no"),
                   state=state, history=[HistoryEntry.from_json(h, f"history[{i}]") for i, h in enumerate(history, 1)],
                   updated=str(d.get("updated", "")), tool=str(d.get("tool", "")))


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
