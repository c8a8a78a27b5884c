"""The reviewer's session: a package (or a folder of loose files), its re-checks,
the decisions being prepared, and batch audits.

Checks re-run through ``photocheck.submission.audit`` (hash, seal and every rule, on
all cores, streaming rows); decisions go through ``photocheck.submission.review``,
the module the CLI uses, so the GUI refuses exactly what the CLI refuses.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ..errors import PhotocheckError
from ..text import Text
from .controller import AppController, Inspected, inspect
from .workers import Job

log = logging.getLogger("photocheck.gui")


@dataclass
class ReviewItem:
    """One file under review."""

    label: str                       # the audit label (path, or package path + member)
    source: str                      # the file, or the package holding it
    member: str | None = None        # stored name inside the package
    slot: str | None = None
    slot_name: Text | None = None
    index: int | None = None         # 1-based within the slot
    count: int | None = None         # files in the slot
    original: str = ""
    kind: str = "auto"
    row: Any = None                  # audit.AuditRow once checked
    thumb: QImage | None = None
    decision: str | None = None      # the decision recorded in the package (accepted / rejected)
    reason: Text | None = None
    warnings: list[Text] = field(default_factory=list)   # what the package stored when the file was added
    stored_kind: str | None = None   # the document kind recognised when it was added
    spec: Any = None                 # the slot's SlotSpec (the kinds it expects)

    @property
    def target(self) -> str | None:
        if self.slot is None:
            return None
        return self.slot if self.index is None else f"{self.slot}:{self.index}"

    @property
    def checked(self) -> bool:
        return self.row is not None

    @property
    def tampered(self) -> bool:
        return self.row is not None and self.row.error_code == "tampered"

    @property
    def document_kind(self) -> str | None:
        """The kind recognised by the re-check, else the one stored in the package."""
        return (self.row.document_kind if self.row is not None and self.row.document_kind else None) \
            or self.stored_kind

    @property
    def wrong_kind(self) -> bool:
        """The file looks like a document the slot does not expect (stored or re-checked)."""
        if self.spec is None or not hasattr(self.spec, "kind_conflict"):
            return False
        return any(self.spec.kind_conflict(k) for k in (self.stored_kind, self.document_kind) if k)

    @property
    def notes(self) -> list[Text]:
        """Every warning on the file: the package's stored ones, then the re-check's."""
        out = list(self.warnings)
        if self.row is not None:
            out += [Text(zh, en) for _cid, status, zh, en in self.row.messages if status == "warn"]
        return out

    @property
    def seal_ok(self) -> bool | None:
        """None when no seal is required for this file."""
        if self.row is None or self.kind != "photo" or self.member is None:
            return None
        return "seal" not in self.row.failing and not self.tampered


@dataclass
class SlotInfo:
    """One slot of a package as the review tab lists it."""

    id: str
    name: Text
    spec: Any                          # SlotSpec: the count rule, the kinds
    state: str = "unlocked"            # SlotState value
    decision: str | None = None        # a decision on the whole slot
    files: int = 0


@dataclass
class ReviewSet:
    path: str
    is_package: bool
    items: list[ReviewItem] = field(default_factory=list)
    state: Text | None = None               # package state label
    state_value: str = ""
    candidate: str = ""
    slots: list[SlotInfo] = field(default_factory=list)
    rules: str | None = None                # None: the package's own rule pack
    pack: Any = None                        # the RulePack the files are judged by


@dataclass
class AuditSummary:
    files: int
    counts: dict[str, int]
    html: str
    csv: str


def thumb_from_row(row: Any) -> QImage | None:
    uri = getattr(row, "thumb", None)
    if not uri or "," not in uri:
        return None
    img = QImage()
    img.loadFromData(base64.b64decode(uri.split(",", 1)[1]))
    return None if img.isNull() else img


# --- work functions -------------------------------------------------------------------------

def load_set(path: str, rules: str) -> tuple[ReviewSet, list]:
    """Read a package's manifest (no lock) or list a folder; the audit jobs to re-check it.

    A package is judged by its own rule pack (the one its files were added under);
    loose files by ``rules``, the pack chosen in the window."""
    from ..submission import audit
    from ..submission.package import open_package
    from ..submission.store import MANIFEST, is_zip_path

    p = Path(path)
    is_pkg = (p.is_dir() and (p / MANIFEST).is_file()) or (p.is_file() and is_zip_path(p))
    if not is_pkg:
        if not p.is_dir():
            from ..errors import InputError

            raise InputError(Text(f"不是材料包或文件夹：{p}", f"not a package or a folder: {p}"), code="not_found")
        jobs = audit.collect([str(p)], kind="auto", rules=rules, thumbs=True)
        items = [ReviewItem(j.label, j.source, j.member, j.slot, kind=j.kind if j.kind != "auto" else "auto",
                            original=Path(j.member or j.label).name) for j in jobs]
        from ..rules import load_pack

        return ReviewSet(str(p), False, items, rules=rules, pack=load_pack(rules)), jobs
    pkg = open_package(p)
    try:
        m = pkg.manifest
        jobs = audit.collect([str(p)], thumbs=True)
        by_member = {j.member: j for j in jobs}
        items: list[ReviewItem] = []
        for slot in m.slots:
            for i, f in enumerate(slot.files, 1):
                j = by_member.get(f.name)
                items.append(ReviewItem(j.label if j else f"{p}/{f.name}", str(p), f.name, slot.id, slot.spec.name, i,
                                        len(slot.files), f.original, slot.spec.check_kind,
                                        decision=f.review.decision if f.review else None,
                                        reason=f.review.reason if f.review else None,
                                        warnings=list(f.warnings), stored_kind=f.document_kind, spec=slot.spec))
        slots = [SlotInfo(s.id, s.spec.name, s.spec, s.state.value, s.review.decision if s.review else None,
                          len(s.files)) for s in m.slots]
        rs = ReviewSet(str(p), True, items, m.state.label, m.state.value, m.candidate_name or "", slots,
                       rules=None, pack=pkg.pack)
    finally:
        pkg.close()
    return rs, jobs


def recheck(job: Job, jobs: list) -> int:
    """Re-check every file (hash, seal, rules) on all cores; rows stream back as they finish."""
    from ..submission import audit

    done = 0
    for row in audit.run(jobs, progress=lambda d, t, _item: job.progress(d, t)):
        job.partial(row)
        done += 1
    return done


def read_item(item: ReviewItem) -> bytes:
    from .. import io as pio

    if item.member is None:
        return pio.read_bytes(item.source)[0]
    from ..submission.package import open_package

    with open_package(item.source) as pkg:
        return pkg.store.read(item.member)


def inspect_item(item: ReviewItem, pack: Any) -> Inspected:
    data = read_item(item)
    kind = item.kind if item.kind in ("photo", "material") else (item.row.kind if item.row else "material")
    return inspect(data, pack, kind or "material", label=item.label)


def apply_decisions(path: str, decisions: list, reviewer: str | None, rules: str | None, key: Any = None) -> Any:
    """Record the decisions under ``reviewer``'s name, signed with ``key`` (a
    ``signing.ReviewerKey``; default: this user's reviewer key, made on first use)."""
    from ..submission import review, signing
    from ..submission.package import open_package

    key = key if key is not None else signing.load_or_create()
    with open_package(path, write=True, rules=rules) as pkg:
        return review.apply(pkg, decisions, reviewer=reviewer, key=key)


def audit_to_report(job: Job, paths: list[str], html: str, csv: str, rules: str | None, lang: str,
                    rows: list | None = None) -> AuditSummary:
    """The batch audit: every file checked on all cores, an HTML and a CSV report at the end.
    ``rows``: the audit rows of the set already open and checked (in audit order), reported
    as they are instead of checking every file again."""
    from ..submission import audit

    sinks = [audit.HtmlReport(Path(html), lang=lang, rules=rules), audit.CsvReport(Path(csv))]
    if rows is not None:
        def replay():
            for i, row in enumerate(rows, 1):
                job.progress(i, len(rows), Path(str(row.path)).name)
                yield row

        counts, _code = audit.feed(replay(), sinks)
        return AuditSummary(len(rows), counts, html, csv)
    jobs = audit.collect(paths, rules=rules, thumbs=True)
    it = audit.run(jobs, progress=lambda d, t, _item: job.progress(d, t, Path(str(_item.label)).name))
    counts, _code = audit.feed(it, sinks)
    return AuditSummary(len(jobs), counts, html, csv)


# --- the session ------------------------------------------------------------------------------

class ReviewSession(QObject):
    loaded = Signal(object)            # ReviewSet
    itemChecked = Signal(int)          # index into set.items
    progress = Signal(int, int)
    checksDone = Signal()
    checksCancelled = Signal()
    detailReady = Signal(int, object)  # (item index, Inspected)
    decisionsChanged = Signal()
    applied = Signal(object)           # review.ReviewOutcome
    auditProgress = Signal(int, int, str)
    auditDone = Signal(object)         # AuditSummary
    auditCancelled = Signal()
    busyChanged = Signal(bool)
    failed = Signal(object)            # PhotocheckError for a dialog

    def __init__(self, app: AppController, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self.set: ReviewSet | None = None
        self.pending: dict[str, Any] = {}     # target -> review.Decision
        self._by_label: dict[str, int] = {}
        self._check_job: Job | None = None
        self._audit_job: Job | None = None
        self._gen = 0
        self.cancelled = False          # the last re-check was cancelled before the end

    @property
    def checking(self) -> bool:
        return self._check_job is not None

    @property
    def auditing(self) -> bool:
        return self._audit_job is not None

    # -- opening -------------------------------------------------------------------------------
    def open(self, path: str) -> None:
        self.cancel_checks()
        self._gen += 1
        gen = self._gen
        self.app.tasks.submit(load_set, str(path), self._rules(),
                              done=lambda r: self._loaded(gen, *r), error=self.failed.emit)

    def _rules(self) -> str:
        return self.app.pack_key()

    def reload(self) -> None:
        if self.set is not None:
            self.open(self.set.path)

    def _loaded(self, gen: int, rs: ReviewSet, jobs: list) -> None:
        if gen != self._gen:
            return
        self.set = rs
        self.pending.clear()
        self.cancelled = False
        self._by_label = {it.label: i for i, it in enumerate(rs.items)}
        self.loaded.emit(rs)
        self.decisionsChanged.emit()
        if not jobs:
            self.checksDone.emit()
            return
        self.busyChanged.emit(True)
        self.app.batch_tasks.submit(
            recheck, jobs, with_job=True, started=lambda j: setattr(self, "_check_job", j), partial=lambda row: self._row(gen, row),
            progress=lambda d, t, _l: self.progress.emit(d, t) if gen == self._gen else None,
            done=lambda _n: self._checks_over(gen), cancelled=lambda: self._checks_over(gen, cancelled=True),
            error=lambda e: (self._checks_over(gen), self.failed.emit(e)))

    def _row(self, gen: int, row: Any) -> None:
        if gen != self._gen or self.set is None:
            return
        i = self._by_label.get(row.path)
        if i is None:
            return
        item = self.set.items[i]
        item.row = row
        item.thumb = thumb_from_row(row)   # the data URI stays on the row, for a report of this set
        if item.kind == "auto":
            item.kind = row.kind
        self.itemChecked.emit(i)

    def _checks_over(self, gen: int, cancelled: bool = False) -> None:
        if gen != self._gen:
            return
        self._check_job = None
        self.cancelled = cancelled
        self.busyChanged.emit(self.auditing)
        if cancelled:
            self.checksCancelled.emit()
        self.checksDone.emit()

    @property
    def fully_checked(self) -> bool:
        return self.set is not None and not self.checking and all(it.checked for it in self.set.items)

    def rows(self) -> list | None:
        """The audit rows of the open set, in audit order, when every file has one."""
        if not self.fully_checked or self.set is None:
            return None
        return sorted((it.row for it in self.set.items), key=lambda r: r.path)

    def cancel_checks(self) -> None:
        if self._check_job is not None:
            self._check_job.cancel()

    # -- one file in detail --------------------------------------------------------------------------
    def show(self, index: int) -> None:
        if self.set is None or not 0 <= index < len(self.set.items):
            return
        item = self.set.items[index]
        gen = self._gen
        self.app.tasks.submit(inspect_item, item, self.set.pack or self.app.pack,
                              done=lambda r: self.detailReady.emit(index, r) if gen == self._gen else None,
                              error=self.failed.emit)

    # -- decisions ---------------------------------------------------------------------------------
    @property
    def can_decide(self) -> bool:
        return self.set is not None and self.set.is_package

    def decide(self, action: str, slot: str, index: int | None, reason: Text | None = None,
               reason_id: str | None = None) -> None:
        from ..submission import review

        d = review.Decision(action, slot, index, reason, reason_id)
        # a slot decision replaces the pending decisions on its files, and the other way round
        if index is None:
            for t in [t for t in self.pending if t.startswith(slot + ":")]:
                del self.pending[t]
        else:
            self.pending.pop(slot, None)
        self.pending[d.target] = d
        self.decisionsChanged.emit()

    def undo(self, target: str) -> None:
        if self.pending.pop(target, None) is not None:
            self.decisionsChanged.emit()

    def apply(self, reviewer: str | None, key: Any = None) -> None:
        """Write every pending decision into the package at once (or none, with every reason),
        signed with ``key`` (default: this user's reviewer key)."""
        if self.set is None or not self.pending:
            return
        decisions = list(self.pending.values())
        self.app.tasks.submit(apply_decisions, self.set.path, decisions, reviewer or None, self.set.rules, key,
                              done=self._applied, error=self.failed.emit)

    def _applied(self, outcome: Any) -> None:
        self.pending.clear()
        self.applied.emit(outcome)
        self.reload()

    # -- batch audit ---------------------------------------------------------------------------------
    def audit(self, paths: list[str], html: str, csv: str, lang: str, reuse: bool = False) -> None:
        """Loose files are judged by the chosen pack; package members by their package's.
        ``reuse``: report the rows of the set already open instead of checking again."""
        rows = self.rows() if reuse else None
        self.busyChanged.emit(True)
        self.app.batch_tasks.submit(
            audit_to_report, paths, html, csv, self._rules(), lang, rows,
            with_job=True,
            started=lambda j: setattr(self, "_audit_job", j),
            progress=self.auditProgress.emit, done=self._audit_done, cancelled=self._audit_cancelled,
            error=self._audit_failed)

    def cancel_audit(self) -> None:
        if self._audit_job is not None:
            self._audit_job.cancel()

    def _audit_over(self) -> None:
        self._audit_job = None
        self.busyChanged.emit(self.checking)

    def _audit_done(self, summary: AuditSummary) -> None:
        self._audit_over()
        self.auditDone.emit(summary)

    def _audit_cancelled(self) -> None:
        self._audit_over()
        self.auditCancelled.emit()

    def _audit_failed(self, e: PhotocheckError) -> None:
        self._audit_over()
        self.failed.emit(e)
