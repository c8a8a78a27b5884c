"""Submission packages: a candidate's images per slot, with states, checks and history.

A package is a folder (or the same content zipped) holding ``manifest.json`` and the
images under ``files/<slot>/``. See docs/PACKAGE.md for the schema.

Every action is one event appended to the package's hash-chained history, applied
by ``history.apply``, the function a replay uses; opening a package replays its
history and refuses one whose written state disagrees with it. Reviewer decisions
are signed (``photocheck.submission.signing``).

    pkg = package.create("pkg", profile_items=None)          # the most common candidate
    with package.open_package("pkg", write=True) as pkg:      # holds the write lock
        pkg.add("id_card", ["front.jpg", "back.jpg"])
        pkg.submit()
    package.open_package("pkg").verify()                     # read-only, no lock

Every refusal is a ``PackageRefused`` that lists all the reasons at once; its exit
code is the highest among them (1 a file fails its checks, 3 unreadable input,
4 a seal or file is not intact, 5 locked / full / incomplete / in use).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import core
from .. import io as pio
from ..errors import (FixRefused, InputError, IntegrityError, OutputError, PhotocheckError, RefusedError,
                      UsageError)
from ..fix import seal as sealmod
from ..fsutil import ensure_writable_dir
from ..rules import RulePack, load_pack
from ..text import Text
from . import history, signing
from . import manifest as manifestmod
from . import slots as slotsmod
from .manifest import Actor, CheckSummary, Event, FileEntry, Manifest, PackageState, Slot, SlotState, now
from .store import MANIFEST, DirStore, Store, ZipStore, is_zip_path

# A second writer waits this long for the lock before it is told the package is in use.
LOCK_TIMEOUT = 1.0


# --- refusals --------------------------------------------------------------------------------

@dataclass
class Problem:
    """One reason an action is refused, or one finding of verify."""

    text: Text
    exit_code: int
    code: str
    slot: str | None = None
    index: int | None = None      # 1-based file index in the slot
    file: str | None = None       # stored name or the candidate's file
    hint: Text | None = None      # what to do, e.g. the exact fix command

    def to_json(self, lang: str) -> dict:
        return {"code": self.code, "exit_code": self.exit_code, "slot": self.slot, "index": self.index,
                "file": self.file, "message": self.text.get(lang),
                "hint": self.hint.get(lang) if self.hint else None}


class PackageRefused(PhotocheckError):
    """An action refused for one or more reasons, all listed."""

    default_code = "refused"

    def __init__(self, summary: Text, problems: list[Problem], *, code: str | None = None):
        lines_zh = [summary.zh] + [f"  · {p.text.zh}" + (f"\n    → {p.hint.zh}" if p.hint else "") for p in problems]
        lines_en = [summary.en] + [f"  - {p.text.en}" + (f"\n    -> {p.hint.en}" if p.hint else "") for p in problems]
        super().__init__(Text("\n".join(lines_zh), "\n".join(lines_en)), code=code or _main_code(problems))
        self.summary = summary
        self.problems = problems
        self.exit_code = max((p.exit_code for p in problems), default=5)

    def to_json(self, lang: str) -> dict:
        return {"code": self.code, "message": self.summary.get(lang),
                "problems": [p.to_json(lang) for p in self.problems]}


def _main_code(problems: list[Problem]) -> str:
    if not problems:
        return "refused"
    top = max(problems, key=lambda p: p.exit_code)
    return top.code


def shell_command(args: list[str]) -> str:
    """A command line the user can paste into their shell."""
    return subprocess.list2cmdline(args) if os.name == "nt" else shlex.join(args)


def fix_command(package_path: str, slot_id: str, file: str) -> Text:
    cmd = shell_command(["photocheck", "package", "add", package_path, "--slot", slot_id, "--fix", file])
    return Text(f"修复后加入：{cmd}", f"fix it on the way in: {cmd}")


def _blocker(slot: Slot, index: int | None, code: str) -> Problem:
    """The message for one of the state rules that stop a submission (``history.submit_blockers``)."""
    name, n = slot.spec.name, len(slot.files)
    if code == "incomplete":
        text = Text(f"{name.zh}：需要 {slot.spec.count_text().zh}，目前 {n} 张", f"{name.en}: needs {slot.spec.count_text().en}, has {n}")
    elif code == "too_many":
        text = Text(f"{name.zh}：最多 {slot.spec.max} 张，目前 {n} 张", f"{name.en}: at most {slot.spec.max}, has {n}")
    elif code == "returned_unchanged":
        why = slot.review.reason if slot.review and slot.review.reason else Text("", "")
        text = Text(f"{name.zh} 被退回（{why.zh}），尚未修改", f"{name.en} was returned ({why.en}) and has not been changed")
    else:
        f = slot.files[(index or 1) - 1]
        why = f.review.reason if f.review and f.review.reason else Text("", "")
        text = Text(f"{name.zh} 第 {index} 张被退回（{why.zh}），请删除或替换",
                    f"{name.en} image {index} was returned ({why.en}); remove or replace it")
        return Problem(text, 5, code, slot.id, index, f.name)
    return Problem(text, 5, code, slot.id)


# --- helpers ---------------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_EXT = {"jpeg": "jpg", "png": "png"}


def _stored_name(slot_id: str, digest: str, fmt: str) -> str:
    return f"files/{slot_id}/{digest[:16]}.{_EXT.get(fmt, 'bin')}"


def _open_store(path: Path, *, create: bool = False) -> Store:
    if is_zip_path(path):
        if path.is_dir():
            return DirStore(path)
        return ZipStore(path, create=create)
    return DirStore(path)


@dataclass
class Prepared:
    """A file checked (and fixed) on its way into a slot, still in memory."""

    source: str
    data: bytes
    fmt: str
    report: Any
    fixed: bool = False
    seal: str | None = None
    warnings: list[Text] = field(default_factory=list)


@dataclass
class AddResult:
    slot: str
    added: list[FileEntry]
    warnings: list[tuple[str, Text]]   # (source file, warning)
    replaced: FileEntry | None = None


def _kind_label(doc: Any) -> Text:
    label = getattr(doc, "label", None)
    return label if isinstance(label, Text) and label.zh else Text(doc.kind, doc.kind)


# --- the package -----------------------------------------------------------------------------

class Package:
    """An opened package. Mutating methods need ``write=True`` (the lock)."""

    def __init__(self, path: Path, store: Store, manifest: Manifest, pack: RulePack, *, writable: bool):
        self.path = path
        self.store = store
        self.manifest = manifest
        self.pack = pack
        self.writable = writable
        self._lock = None
        self._writes: dict[str, bytes] = {}
        self._specs_for = specs_for(pack)

    # -- context management (the write lock) ---------------------------------------------------
    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def require_seal(self) -> bool:
        return bool(getattr(self.pack.photo, "require_seal", True))

    @property
    def same_pack(self) -> bool:
        """True when the rule pack in use is the one the package was created under."""
        return (self.pack.info.id, self.pack.info.version) == (self.manifest.rules_id, self.manifest.rules_version)

    # -- the history ---------------------------------------------------------------------------
    def record(self, action: str, actor: Actor, *, by: str | None = None, slot: str | None = None,
               index: int | None = None, files: list[dict] | None = None, details: dict | None = None,
               key: signing.ReviewerKey | None = None) -> Event:
        """Append one event to the history and apply it, exactly as a replay would.

        ``key`` signs the event (reviewer decisions). Nothing is written until ``save``."""
        self._require_writable()
        m = self.manifest
        plain = json.loads(json.dumps({"files": files or [], "details": details or {}}, ensure_ascii=False))
        ev = Event(seq=len(m.history) + 1, at=now(), actor=actor, action=action, by=by, slot=slot, index=index,
                   files=plain["files"], details=plain["details"], prev=m.head).seal()
        if key is not None:
            ev.signature = {"alg": signing.ALG, "key": key.public_hex,
                            "sig": key.sign(signing.message(m.package_id, ev.hash))}
        try:
            history.apply(m, ev)
        except BaseException:
            self.manifest = history.replay(m.history, self._specs_for)   # as it was before the event
            raise
        return ev

    # -- look-ups ------------------------------------------------------------------------------
    def slot(self, slot_id: str) -> Slot:
        s = self.manifest.slot(slot_id)
        if s is None:
            ids = ", ".join(x.id for x in self.manifest.slots)
            raise UsageError(Text(f"该材料包没有材料项“{slot_id}”（可用：{ids}）",
                                  f"this package has no slot '{slot_id}' (slots: {ids})"), code="unknown_slot")
        return s

    def file_index(self, slot: Slot, index: int) -> FileEntry:
        if not 1 <= index <= len(slot.files):
            raise UsageError(Text(f"{slot.spec.name.zh} 没有第 {index} 张图片（共 {len(slot.files)} 张）",
                                  f"{slot.spec.name.en} has no image {index} (it has {len(slot.files)})"),
                             code="bad_index")
        return slot.files[index - 1]

    def read_file(self, entry: FileEntry) -> bytes:
        return self.store.read(entry.name)

    # -- state rules ---------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("package opened read-only")

    def editable_problem(self, slot: Slot) -> Problem | None:
        if slot.state is SlotState.LOCKED:
            st = self.manifest.state
            if st is PackageState.ACCEPTED:
                why = Text("材料已审核通过", "the package has been accepted")
            elif slot.accepted:
                why = Text("该项已审核通过", "this item has been accepted")
            else:
                why = Text("已提交审核", "it has been submitted for review")
            return Problem(Text(f"{slot.spec.name.zh} 已锁定（{why.zh}），不能修改",
                                f"{slot.spec.name.en} is locked ({why.en}); it cannot be changed"),
                           5, "locked", slot=slot.id)
        return None

    def _require_editable(self, slot: Slot) -> None:
        p = self.editable_problem(slot)
        if p is not None:
            raise PackageRefused(Text("操作被拒绝", "refused"), [p], code="locked")

    # -- checking a candidate's file --------------------------------------------------------------
    def prepare(self, slot: Slot, source: str, *, fix: bool) -> tuple[list[Prepared], list[Problem]]:
        """Check (or fix, then check) one file for ``slot``. Returns what can go in, or problems."""
        kind = slot.spec.check_kind
        shown = os.path.basename(source) or source
        try:
            info = pio.probe(source)
        except PhotocheckError as e:
            return [], [Problem(Text(f"{shown}：", f"{shown}: ") + e.text, e.exit_code, e.code, slot.id, file=source)]
        items: list[Prepared] = []
        if fix:
            res = core.fix(info, kind=kind, pack=self.pack, label=source)
            if not res.ok:
                err = res.error or FixRefused(Text("修复失败", "the fix failed"))
                return [], [Problem(Text(f"{shown} 无法修复：", f"{shown} cannot be fixed: ") + err.text,
                                    err.exit_code, err.code, slot.id, file=source, hint=err.hint)]
            for out, rep in zip(res.images, res.reports):
                items.append(Prepared(source, out.data, pio.sniff(out.data[:32]) or "jpeg", rep, fixed=True))
        else:
            rep = core.check_info(info, kind=kind, pack=self.pack, label=source)
            items.append(Prepared(source, info.data, info.format, rep))
        problems: list[Problem] = []
        for it in items:
            problems += self._judge(slot, it, shown)
        return items, problems

    def _judge(self, slot: Slot, it: Prepared, shown: str) -> list[Problem]:
        """Refusal reasons and warnings for one prepared file (fills ``it.warnings``)."""
        problems: list[Problem] = []
        rep = it.report
        hint = fix_command(self.label, slot.id, it.source) if not it.fixed else None
        if rep.error is not None:
            problems.append(Problem(Text(f"{shown}：", f"{shown}: ") + rep.error.text, rep.error.exit_code,
                                    rep.error.code, slot.id, file=it.source))
            return problems
        if not rep.passed:
            failing = [c for c in rep.checks if not c.passed]
            zh = "；".join(c.message.zh for c in failing)
            en = "; ".join(c.message.en for c in failing)
            problems.append(Problem(Text(f"{shown} 未通过检测：{zh}", f"{shown} fails its checks: {en}"), 1,
                                    "check_failed", slot.id, file=it.source, hint=hint))
        if slot.spec.check_kind == "photo":
            st = sealmod.verify(it.data)
            it.seal = st.state
            if self.require_seal and not st.intact:
                problems.append(Problem(
                    Text(f"{shown}：报名照片须经本工具检测处理后保存（{st.message.zh}）",
                         f"{shown}: the photo must be saved by the checking tool ({st.message.en})"),
                    4, "seal_" + st.state, slot.id, file=it.source, hint=hint))
        doc = getattr(rep, "document", None)
        if doc is not None and slot.spec.kind_conflict(doc.kind):
            what = _kind_label(doc)
            it.warnings.append(Text(f"{shown} 看起来是“{what.zh}”，与材料项“{slot.spec.name.zh}”不符，请确认",
                                    f"{shown} looks like '{what.en}', not what '{slot.spec.name.en}' expects; "
                                    f"please check"))
        return problems

    def _distinct_warnings(self, slot: Slot, prepared: list[Prepared], replace: int | None) -> None:
        """Slots like id_card want one image of each kind (front and back): warn on a repeat."""
        if not slot.spec.distinct_kinds:
            return
        seen = {f.document_kind for i, f in enumerate(slot.files, 1) if i != replace and f.document_kind}
        for it in prepared:
            doc = getattr(it.report, "document", None)
            kind = doc.kind if doc is not None else None
            if not kind or kind == "unknown" or slot.spec.kind_conflict(kind):
                continue
            if kind in seen:
                what = _kind_label(doc)
                shown = os.path.basename(it.source)
                it.warnings.append(Text(f"{shown} 与该项中已有的一张都是“{what.zh}”，{slot.spec.name.zh} 应各不相同（例如正面和反面）",
                                        f"{shown} is a '{what.en}' like another image here; {slot.spec.name.en} "
                                        f"needs one of each (e.g. front and back)"))
            seen.add(kind)

    def _entry(self, slot: Slot, it: Prepared) -> FileEntry:
        digest = sha256(it.data)
        doc = getattr(it.report, "document", None)
        return FileEntry(name=_stored_name(slot.id, digest, it.fmt), original=os.path.basename(it.source),
                         sha256=digest, size=len(it.data), added_at=now(),
                         check=CheckSummary.from_report(it.report), fixed=it.fixed, seal=it.seal,
                         document_kind=doc.kind if doc is not None else None, warnings=list(it.warnings))

    # -- candidate actions -----------------------------------------------------------------------
    def add(self, slot_id: str, sources: list[str], *, fix: bool = False, replace: int | None = None) -> AddResult:
        """Check each file and add them all, or refuse and add none (every reason listed)."""
        self._require_writable()
        slot = self.slot(slot_id)
        self._require_editable(slot)
        if replace is not None:
            self.file_index(slot, replace)
            if len(sources) != 1:
                raise UsageError(Text("替换时只能给出一个文件", "--replace takes exactly one file"), code="usage")
        existing = len(slot.files) - (1 if replace is not None else 0)
        full = self._count_problem(slot, existing, len(sources))
        if full is not None:
            raise PackageRefused(Text("无法加入", "cannot add"), [full], code="slot_full")
        prepared: list[Prepared] = []
        problems: list[Problem] = []
        for src in sources:
            items, probs = self.prepare(slot, str(src), fix=fix)
            prepared += items
            problems += probs
        full = self._count_problem(slot, existing, len(prepared))
        if full is not None:
            problems.append(full)
        self._distinct_warnings(slot, prepared, replace)
        have = {f.sha256 for i, f in enumerate(slot.files, 1) if i != replace}
        seen: set[str] = set()
        for it in prepared:
            d = sha256(it.data)
            if d in have or d in seen:
                problems.append(Problem(Text(f"{os.path.basename(it.source)} 与该项中已有的图片完全相同",
                                             f"{os.path.basename(it.source)} is identical to an image already in this slot"),
                                        5, "duplicate", slot.id, file=it.source))
            seen.add(d)
        if problems:
            raise PackageRefused(Text(f"未加入任何文件（{slot.spec.name.zh}）：",
                                      f"nothing was added to {slot.spec.name.en}:"), problems)
        entries = [self._entry(slot, it) for it in prepared]
        for e, it in zip(entries, prepared):
            self._writes[e.name] = it.data
        replaced = slot.files[replace - 1] if replace is not None else None
        self.record("replace" if replaced else "add", Actor.CANDIDATE, by=self.manifest.candidate_name, slot=slot.id,
                    index=replace, files=[e.record() for e in entries],
                    details={"replaced": replaced.name} if replaced else None)
        self.save()
        warnings = [(it.source, w) for it in prepared for w in it.warnings]
        return AddResult(slot.id, entries, warnings, replaced)

    def _count_problem(self, slot: Slot, existing: int, adding: int) -> Problem | None:
        mx = slot.spec.max
        if mx is None or existing + adding <= mx:
            return None
        return Problem(Text(f"{slot.spec.name.zh} 最多 {mx} 张，已有 {existing} 张，不能再加 {adding} 张",
                            f"{slot.spec.name.en} takes at most {mx}; it has {existing}, so {adding} more cannot be added"),
                       5, "slot_full", slot.id)

    def remove(self, slot_id: str, index: int) -> FileEntry:
        self._require_writable()
        slot = self.slot(slot_id)
        self._require_editable(slot)
        entry = self.file_index(slot, index)
        self.record("remove", Actor.CANDIDATE, by=self.manifest.candidate_name, slot=slot.id, index=index,
                    details={"name": entry.name, "original": entry.original})
        self.save()
        return entry

    def submission_problems(self, fresh: dict[str, CheckSummary] | None = None) -> tuple[list[Problem], list[Problem]]:
        """(integrity problems, other reasons) that stop a submission, all of them.

        ``fresh`` receives the re-check summary of every file the submission locks."""
        integrity: list[Problem] = []
        reasons: list[Problem] = []
        st = self.manifest.state
        if st is PackageState.SUBMITTED:
            reasons.append(Problem(Text("材料包已提交，正在等待审核", "the package is already submitted and awaits review"),
                                   5, "already_submitted"))
            return integrity, reasons
        if st is PackageState.ACCEPTED:
            reasons.append(Problem(Text("材料包已审核通过，不能再次提交", "the package has been accepted; nothing to submit"),
                                   5, "already_accepted"))
            return integrity, reasons
        reasons += [_blocker(slot, i, code) for slot, i, code in history.submit_blockers(self.manifest)]
        for slot in history.submit_files(self.manifest):
            for i, f in enumerate(slot.files, 1):
                integ, probs = self.check_entry(slot, i, f, recheck=True, fresh=fresh)
                integrity += integ
                reasons += probs
        return integrity, reasons

    def submit(self) -> None:
        self._require_writable()
        fresh: dict[str, CheckSummary] = {}
        integrity, reasons = self.submission_problems(fresh)
        if integrity:
            raise PackageRefused(Text("材料包中的文件已被改动或缺失，无法提交：", "files of the package were changed or are missing:"),
                                 integrity + reasons, code="tampered")
        if reasons:
            for p in reasons:
                p.exit_code = 5  # a refused submission is exit 5, whatever the reason
            raise PackageRefused(Text("无法提交审核，原因如下：", "cannot submit for review:"), reasons,
                                 code="incomplete")
        files = [{"name": f.name, "sha256": f.sha256, "check": fresh[f.name].to_json()}
                 for s in history.submit_files(self.manifest) for f in s.files]
        self.record("submit", Actor.CANDIDATE, by=self.manifest.candidate_name, files=files)
        self.save()

    # -- integrity and re-checks -------------------------------------------------------------------
    def check_entry(self, slot: Slot, index: int, entry: FileEntry, *, recheck: bool,
                    fresh: dict[str, CheckSummary] | None = None) -> tuple[list[Problem], list[Problem]]:
        """(integrity problems, check problems) of one stored file; ``fresh`` receives the re-check's summary."""
        where = Text(f"{slot.spec.name.zh} 第 {index} 张（{entry.name}）", f"{slot.spec.name.en} image {index} ({entry.name})")
        try:
            data = self.store.read(entry.name)
        except IntegrityError as e:
            return [Problem(where + Text("：文件缺失或不安全", ": missing or unsafe"), 4, e.code, slot.id, index,
                            entry.name)], []
        except PhotocheckError as e:
            return [Problem(where + Text("：", ": ") + e.text, e.exit_code, e.code, slot.id, index, entry.name)], []
        if len(data) != entry.size or sha256(data) != entry.sha256:
            return [Problem(where + Text("：内容与提交时不一致（已被改动）", ": content differs from what was added (tampered)"),
                            4, "tampered", slot.id, index, entry.name)], []
        integrity: list[Problem] = []
        problems: list[Problem] = []
        if slot.spec.check_kind == "photo" and self.require_seal:
            st = sealmod.verify(data)
            if not st.intact:
                integrity.append(Problem(where + Text("：", ": ") + st.message, 4, "seal_" + st.state, slot.id, index,
                                         entry.name))
        if recheck:
            rep = core.check_file(data, kind=slot.spec.check_kind, pack=self.pack, label=entry.name)
            if fresh is not None:
                fresh[entry.name] = CheckSummary.from_report(rep)
            if rep.error is not None:
                problems.append(Problem(where + Text("：", ": ") + rep.error.text, rep.error.exit_code, rep.error.code,
                                        slot.id, index, entry.name))
            elif not rep.passed:
                problems.append(Problem(where + Text(f"：未通过检测（{'、'.join(rep.failing)}）",
                                                     f": fails its checks ({', '.join(rep.failing)})"),
                                        1, "check_failed", slot.id, index, entry.name))
        return integrity, problems

    def verify(self, *, recheck: bool = True, trust: signing.TrustList | None = None) -> "VerifyResult":
        """Recompute every hash and seal, re-run every check; name every damaged file.

        The history was replayed when the package was opened. Each review decision in
        effect counts as verified only when ``trust`` lists its key: with a trust list,
        any other decision is a problem (exit 4); without one, every decision is noted
        as unverified."""
        m = self.manifest
        res = VerifyResult(self.label, events=len(m.history), trust_file=trust.source if trust else None)
        for slot in m.slots:
            for i, f in enumerate(slot.files, 1):
                integ, probs = self.check_entry(slot, i, f, recheck=recheck)
                res.problems += integ + probs
                res.files += 1
        res.decisions = self.decisions(trust)
        groups: dict[tuple[int | None, str], list[DecisionCheck]] = {}
        for d in res.decisions:
            if not d.verified:
                groups.setdefault((d.seq, d.status), []).append(d)
        for (seq, status), ds in groups.items():
            what = ", ".join(d.target for d in ds)
            where = Text(f"第 {seq} 条记录", f"history[{seq}]") if seq else Text("旧版记录", "the version 1 record")
            text = Text(f"审核决定未验证（{where.zh}：{what}）：{TRUST_LABELS[status].zh}",
                        f"review decisions unverified ({where.en}: {what}): {TRUST_LABELS[status].en}")
            if trust is not None:
                res.problems.append(Problem(text, 4, "unverified_decision", ds[0].slot))
            else:
                res.notes.append(Problem(text, 0, "unverified_decision", ds[0].slot))
        if m.legacy:
            res.notes.append(Problem(Text("旧版材料包（格式版本 1）：其中的审核决定没有签名，只能视为未验证",
                                          "a version 1 package: its review decisions are unsigned and count as unverified"),
                                     0, "legacy"))
        if not self.same_pack:
            res.notes.append(Problem(Text(f"材料包创建时的规则包是 {m.rules_id}@{m.rules_version}，现在按 {self.pack.label} 检查",
                                          f"the package was made under {m.rules_id}@{m.rules_version}; "
                                          f"it is checked under {self.pack.label}"), 0, "other_pack"))
        known = m.referenced()
        for name in sorted(self.store.names() - known):
            res.notes.append(Problem(Text(f"清单未列出的文件（已忽略）：{name}", f"a file the manifest does not list (ignored): {name}"),
                                     0, "unlisted", file=name))
        return res

    def decisions(self, trust: signing.TrustList | None = None) -> list["DecisionCheck"]:
        """Every review decision in effect (on a slot or on one image), with its trust status."""
        out: list[DecisionCheck] = []
        for s in self.manifest.slots:
            reviews = ([(s.id, None, s.review)] if s.review else []) + \
                [(f"{s.id}:{i}", i, f.review) for i, f in enumerate(s.files, 1) if f.review]
            for target, index, r in reviews:
                if r.key is None:
                    status = "unsigned"
                elif trust is None:
                    status = "unverified"
                else:
                    status = "verified" if trust.trusts(r.key) else "untrusted"
                out.append(DecisionCheck(target, s.id, index, r.decision, r.by, r.at, r.seq, r.key, status,
                                         trust.name(r.key) if trust else None))
        return out

    # -- persistence -----------------------------------------------------------------------------
    def save(self) -> None:
        """Write the history and, beside it, the state a fresh replay of it gives."""
        self._require_writable()
        fresh = history.replay(self.manifest.history, self._specs_for)
        self.manifest = fresh
        keep = fresh.referenced()
        writes = {n: d for n, d in self._writes.items() if n in keep}
        self.store.commit(writes, fresh.dumps(), keep)
        self._writes.clear()

    # -- views -----------------------------------------------------------------------------------
    def status_json(self, lang: str = "zh_CN", trust: signing.TrustList | None = None) -> dict:
        m = self.manifest
        checks = {d.target: d for d in self.decisions(trust)}
        slots = []
        for s in m.slots:
            slots.append({
                "id": s.id, "name": s.spec.name.get(lang), "required": s.spec.required, "min": s.spec.min,
                "max": s.spec.max, "count": len(s.files), "state": s.state.value, "state_label": s.state.label.get(lang),
                "state_zh": s.state.label.zh, "accepted": s.accepted,
                "review_status": checks[s.id].status if s.id in checks else None,
                "reasons": [{"index": i, "reason": r.get(lang)} for i, r in s.reasons],
                "files": [{"index": i, "name": f.name, "original": f.original, "sha256": f.sha256, "size": f.size,
                           "passed": f.check.passed, "failing": f.check.failing, "seal": f.seal,
                           "document_kind": f.document_kind, "fixed": f.fixed,
                           "warnings": [w.get(lang) for w in f.warnings],
                           "review": f.review.decision if f.review else None,
                           "review_status": checks[f"{s.id}:{i}"].status if f.review else None,
                           "reason": f.review.reason.get(lang) if f.review and f.review.reason else None}
                          for i, f in enumerate(s.files, 1)],
            })
        return {"path": self.label, "package_id": m.package_id, "state": m.state.value,
                "state_label": m.state.label.get(lang), "state_zh": m.state.label.zh,
                "candidate": {"name": m.candidate_name, "registration_no": m.registration_no},
                "profile": m.profile, "rules": {"id": m.rules_id, "version": m.rules_version},
                "rules_in_use": self.pack.label, "require_seal": self.require_seal, "slots": slots,
                "legacy": m.legacy, "trust_file": trust.source if trust else None,
                "decisions": [d.to_json(lang) for d in checks.values()],
                "decisions_verified": bool(checks) and all(d.verified for d in checks.values()),
                "history": [h.to_json() for h in m.history]}


# How a decision's signature stands: only "verified" means an exam office's key signed it.
TRUST_LABELS = {
    "verified": Text("已验证", "verified"),
    "untrusted": Text("签名密钥不在审核人信任文件中", "the signing key is not in the reviewer trust file"),
    "unverified": Text("没有审核人信任文件，无法验证", "there is no reviewer trust file to check it against"),
    "unsigned": Text("旧版材料包，没有签名", "an old package: it is not signed"),
}


@dataclass
class DecisionCheck:
    """One review decision in effect, and whether a trusted reviewer's key signed it."""

    target: str                 # SLOT or SLOT:N
    slot: str
    index: int | None
    decision: str               # accepted | rejected
    by: str | None
    at: str
    seq: int | None             # the history event; None for a version 1 decision
    key: str | None             # the signing key (hex); None: unsigned
    status: str                 # verified | untrusted | unverified | unsigned (TRUST_LABELS)
    signer: str | None = None   # the trust file's name for the key

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def label(self) -> Text:
        if self.verified:
            who = self.signer or self.by or ""
            return Text(f"已验证（{who}）" if who else "已验证", f"verified ({who})" if who else "verified")
        t = TRUST_LABELS[self.status]
        return Text(f"未验证：{t.zh}", f"unverified: {t.en}")

    def to_json(self, lang: str) -> dict:
        return {"target": self.target, "decision": self.decision, "by": self.by, "at": self.at, "event": self.seq,
                "key": self.key, "fingerprint": signing.fingerprint(self.key) if self.key else None,
                "status": self.status, "verified": self.verified, "signer": self.signer,
                "label": self.label.get(lang)}


@dataclass
class VerifyResult:
    path: str
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    events: int = 0
    trust_file: str | None = None
    decisions: list[DecisionCheck] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not any(p.exit_code == 4 for p in self.problems)

    @property
    def exit_code(self) -> int:
        return max((p.exit_code for p in self.problems), default=0)

    def to_json(self, lang: str) -> dict:
        return {"path": self.path, "files": self.files, "events": self.events, "intact": self.intact,
                "ok": not self.problems, "trust_file": self.trust_file,
                "decisions": [d.to_json(lang) for d in self.decisions],
                "problems": [p.to_json(lang) for p in self.problems], "notes": [p.to_json(lang) for p in self.notes]}


# --- opening and creating --------------------------------------------------------------------

def _pack_for(rules_id: str | None, rules: str | RulePack | None) -> RulePack:
    if isinstance(rules, RulePack):
        return rules
    return load_pack(rules or rules_id)


def specs_for(pack: RulePack) -> history.SpecsFor:
    """The slots (counts, kinds) a profile gets from ``pack``'s catalogue: never from the manifest."""
    def derive(profile: dict) -> list[slotsmod.SlotSpec]:
        try:
            prof, _ = slotsmod.parse_profile(profile, pack)
        except UsageError as e:
            raise IntegrityError(Text("材料包中的考生情况无效：", "the package's candidate profile is invalid: ") + e.text,
                                 code="damaged") from None
        return slotsmod.slots_for(pack, prof)
    return derive


def load(store: Store, label: str, rules: str | RulePack | None = None) -> tuple[Manifest, RulePack]:
    """Read a package's manifest, replay its history, and hold the written state against it."""
    doc = manifestmod.parse(store.read_manifest(), label)
    legacy = doc["version"] == manifestmod.LEGACY_VERSION
    events = [manifestmod.legacy_import(doc, label)] if legacy else manifestmod.events_from(doc, label)
    first = events[0].details.get("rules") if events else None
    rules_id = first.get("id") if isinstance(first, dict) and isinstance(first.get("id"), str) else None
    pack = _pack_for(rules_id, rules)
    try:
        m = history.replay(events, specs_for(pack))
        if not legacy:
            same = (pack.info.id, pack.info.version) == (m.rules_id, m.rules_version)
            history.compare(m, doc, specs=same)
    except IntegrityError as e:
        e.text = Text(f"{e.text.zh}（{label}）", f"{e.text.en} ({label})")
        raise
    m.updated, m.tool = str(doc.get("updated", "")), str(doc.get("tool", ""))
    return m, pack


def open_package(path: str | os.PathLike, *, write: bool = False, rules: str | RulePack | None = None,
                 timeout: float = LOCK_TIMEOUT) -> Package:
    """Open a package; with ``write=True`` the write lock is taken first (``RefusedError`` if busy).

    Readers take no lock: the manifest is replaced atomically, so they see a whole state.
    Either way the history is replayed and a package that disagrees with it is refused (exit 4)."""
    p = Path(path)
    if is_zip_path(p) and not p.exists() and not p.is_symlink():
        raise InputError(Text(f"找不到材料包：{p}", f"package not found: {p}"), code="not_found")
    store = _open_store(p)
    if isinstance(store, DirStore):
        store.scan()              # no link anywhere, before even the lock file is opened
    lock = None
    if write:
        lock = store.lock(timeout)
        lock.acquire()
        if isinstance(store, ZipStore):  # re-read under the lock: another writer may just have finished
            store = ZipStore(p)
    try:
        manifest, pack = load(store, str(p), rules)
        pkg = Package(p, store, manifest, pack, writable=write)
        if write and isinstance(store, DirStore):
            store.collect_garbage(manifest.referenced())
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    pkg._lock = lock
    return pkg


def create(path: str | os.PathLike, *, profile_items: Any = None, rules: str | RulePack | None = None,
           candidate_name: str | None = None, registration_no: str | None = None) -> Package:
    """Create an empty package (a folder, or a ``.zip`` file) for a candidate profile.

    The slots come from the pack's materials catalogue for the profile."""
    p = Path(path)
    pack = rules if isinstance(rules, RulePack) else load_pack(rules)
    _profile, profile_json = slotsmod.parse_profile(profile_items, pack)
    derive = specs_for(pack)
    init = Event(seq=1, at=now(), actor=Actor.CANDIDATE, action="init", by=candidate_name or None, details={
        "package_id": str(uuid.uuid4()),
        "candidate": {"name": candidate_name or None, "registration_no": registration_no or None},
        "profile": profile_json, "rules": {"id": pack.info.id, "version": pack.info.version},
        "slots": [s.id for s in derive(profile_json)]}).seal()
    manifest = history.start(init, derive)
    if is_zip_path(p):
        if p.exists() or p.is_symlink():
            raise OutputError(Text(f"已存在同名文件，未覆盖：{p}", f"a file of that name exists, not overwritten: {p}"),
                              code="exists")
        ensure_writable_dir(p.parent if str(p.parent) else Path("."))
        store: Store = ZipStore(p, create=True)
    else:
        if p.is_symlink() or (p.exists() and not p.is_dir()):
            raise OutputError(Text(f"已存在同名文件：{p}", f"a file of that name exists: {p}"), code="exists")
        if (p / MANIFEST).exists() or (p / MANIFEST).is_symlink():
            raise OutputError(Text(f"这里已经有一个材料包，未覆盖：{p}", f"a package already exists here, not overwritten: {p}"),
                              code="exists")
        if p.is_dir() and any(x for x in p.iterdir() if not x.name.startswith(".")):
            raise OutputError(Text(f"文件夹不是空的，请选择一个新文件夹：{p}", f"the folder is not empty; choose a new one: {p}"),
                              code="not_empty")
        ensure_writable_dir(p)
        store = DirStore(p)
        store.scan()
    lock = store.lock(LOCK_TIMEOUT)
    lock.acquire()
    pkg = Package(p, store, manifest, pack, writable=True)
    pkg._lock = lock
    try:
        pkg.save()
    except BaseException:
        pkg.close()
        raise
    return pkg


__all__ = ["Package", "PackageRefused", "Problem", "VerifyResult", "AddResult", "DecisionCheck", "open_package",
           "create", "load", "specs_for", "fix_command", "shell_command", "RefusedError", "LOCK_TIMEOUT"]
