"""The candidate's materials: a package on disk, its slots, and the files on their way in.

Every change goes through ``photocheck.submission.package`` (the module behind
``photocheck package ...``): the GUI never decides itself whether a slot is full,
locked or complete; it shows what the module says.

Files the module refuses because they fail their checks are kept "staged" beside
their slot, with the reasons, so that 一键修复 can fix them on the way in
(``add(..., fix=True)``), the same as ``photocheck package add --fix``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ..errors import PhotocheckError
from ..text import Text
from .controller import AppController
from .widgets import bgr_to_qimage
from .workers import Job

log = logging.getLogger("photocheck.gui")

THUMB_SIDE = 320  # enough for a sharp tile at 200% scaling
# Problem codes that the candidate can cure with the fix (checks failed, photo not sealed).
FIXABLE = {"check_failed", "seal_absent", "seal_broken", "seal_not_jpeg"}


@dataclass
class FileView:
    index: int                      # 1-based
    name: str                       # stored name
    original: str
    passed: bool
    failing: list[str]
    thumb: QImage | None
    decision: str | None = None     # accepted / rejected
    reason: Text | None = None
    warnings: list[Text] = field(default_factory=list)
    fixed: bool = False


@dataclass
class Staged:
    """A file the package refused; kept beside its slot until fixed or removed."""

    path: str
    problems: list[Text]
    fixable: bool
    thumb: QImage | None = None


@dataclass
class SlotView:
    id: str
    name: Text
    description: Text
    count_text: Text
    min: int
    max: int | None
    state: str                      # unlocked | locked | returned
    state_label: Text
    files: list[FileView]
    reasons: list[tuple[int | None, Text]]
    editable: bool
    staged: list[Staged] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.max is not None and len(self.files) >= self.max

    @property
    def complete(self) -> bool:
        return len(self.files) >= self.min and (self.max is None or len(self.files) <= self.max)


@dataclass
class PackageView:
    path: str
    state: str
    state_label: Text
    candidate: str
    slots: list[SlotView]
    rules: str

    def slot(self, slot_id: str) -> SlotView | None:
        return next((s for s in self.slots if s.id == slot_id), None)

    @property
    def returned(self) -> list[SlotView]:
        return [s for s in self.slots if s.reasons]


# --- work functions (worker threads) ------------------------------------------------------------

def thumbnail(data: bytes | str) -> QImage | None:
    from .. import io as pio

    try:
        info = pio.probe(data)
        if info.format == "pdf":
            return None
        return bgr_to_qimage(pio.decode(info, max_side=THUMB_SIDE).bgr)
    except PhotocheckError:
        return None


def _descriptions(pack: Any) -> dict[str, Text]:
    try:
        from .. import catalogue

        return {s.id: s.description for s in catalogue.load(pack).slots}
    except PhotocheckError:
        return {}


def snapshot(path: str) -> PackageView:
    from ..submission.package import open_package

    with open_package(path) as pkg:
        m = pkg.manifest
        desc = _descriptions(pkg.pack)
        slots = []
        for s in m.slots:
            files = []
            for i, f in enumerate(s.files, 1):
                try:
                    thumb = thumbnail(pkg.store.read(f.name))
                except PhotocheckError:
                    thumb = None
                files.append(FileView(i, f.name, f.original, f.check.passed, list(f.check.failing), thumb,
                                      f.review.decision if f.review else None,
                                      f.review.reason if f.review else None, list(f.warnings), f.fixed))
            slots.append(SlotView(s.id, s.spec.name, desc.get(s.id, Text("", "")), s.spec.count_text(), s.spec.min,
                                  s.spec.max, s.state.value, s.state.label, files, s.reasons,
                                  pkg.editable_problem(s) is None))
        return PackageView(str(path), m.state.value, m.state.label, m.candidate_name or "", slots, pkg.pack.label)


def create_package(parent: str, name: str, profile: dict[str, str], rules: str) -> str:
    from ..submission import package

    base = Path(parent) / (name or "报名材料")
    path, n = base, 2
    while path.exists():
        path = base.with_name(f"{base.name}-{n}")
        n += 1
    with package.create(path, profile_items=profile, rules=rules, candidate_name=name or None):
        pass
    return str(path)


@dataclass
class AddOutcome:
    slot: str
    added: int
    warnings: list[Text]
    staged: list[Staged]            # refused for reasons the fix can cure
    refusal: PhotocheckError | None  # refused for other reasons (full, locked, unreadable, duplicate ...)


def add_files(path: str, slot_id: str, files: list[str], fix: bool) -> AddOutcome:
    """``package.add`` for one slot; a refusal for failing checks stages the files instead."""
    from ..submission.package import PackageRefused, open_package

    with open_package(path, write=True) as pkg:
        try:
            res = pkg.add(slot_id, files, fix=fix)
        except PackageRefused as e:
            if fix or any(p.code not in FIXABLE for p in e.problems):
                return AddOutcome(slot_id, 0, [], [], e)
            staged = []
            for f in files:
                mine = [p.text for p in e.problems if p.file == f]
                staged.append(Staged(f, mine, True, thumbnail(f)))
            return AddOutcome(slot_id, 0, [], staged, None)
    return AddOutcome(slot_id, len(res.added), [w for _src, w in res.warnings], [], None)


def remove_file(path: str, slot_id: str, index: int) -> None:
    from ..submission.package import open_package

    with open_package(path, write=True) as pkg:
        pkg.remove(slot_id, index)


@dataclass
class FixOutcome:
    added: int
    replaced: int
    refusals: list[PhotocheckError]


def fix_all(job: Job, path: str, staged: dict[str, list[str]]) -> FixOutcome:
    """Fix every staged file on its way in, and replace every stored file that now fails.

    Progress goes per file; cancel takes effect between files. Each add is saved at
    once, so what was fixed before a cancel stays in the package. ``job.partial``
    names each slot whose staged files were dealt with (added or refused)."""
    from ..submission.package import PackageRefused, open_package

    out = FixOutcome(0, 0, [])
    with open_package(path, write=True) as pkg:
        failing = [(slot, i, entry) for slot in pkg.manifest.slots if pkg.editable_problem(slot) is None
                   for i, entry in enumerate(slot.files, 1) if not entry.check.passed]
        total = sum(len(files) for files in staged.values()) + len(failing)
        done = 0
        for slot_id, files in staged.items():
            job.progress(done, total, os.path.basename(files[0]) if files else "")
            try:
                out.added += len(pkg.add(slot_id, files, fix=True).added)
            except PackageRefused as e:
                out.refusals.append(e)
            done += len(files)
            job.partial(slot_id)
        for slot, i, entry in failing:
            job.progress(done, total, entry.original or Path(entry.name).name)
            with tempfile.TemporaryDirectory(prefix="photocheck-fix-") as tmp:
                src = Path(tmp) / (entry.original or Path(entry.name).name)
                src.write_bytes(pkg.store.read(entry.name))
                try:
                    pkg.add(slot.id, [str(src)], fix=True, replace=i)
                    out.replaced += 1
                except PackageRefused as e:
                    out.refusals.append(e)
            done += 1
        job.progress(done, total, "")
    return out


@dataclass
class SubmitCheck:
    reasons: list[Text]
    integrity: list[Text]
    empty_optional: list[Text]


def submit_check(path: str) -> SubmitCheck:
    """What would stop a submission (the module's own list), before asking the candidate."""
    from ..submission.package import open_package

    with open_package(path) as pkg:
        integrity, reasons = pkg.submission_problems()
        optional = [s.spec.name for s in pkg.manifest.slots if s.spec.min == 0 and not s.files]
    return SubmitCheck([p.text for p in reasons], [p.text for p in integrity], optional)


def submit(path: str) -> None:
    from ..submission.package import open_package

    with open_package(path, write=True) as pkg:
        pkg.submit()


# --- the session ---------------------------------------------------------------------------------

class MaterialsSession(QObject):
    loaded = Signal(object)            # PackageView
    added = Signal(object)             # AddOutcome
    fixedAll = Signal(object)          # FixOutcome
    submitChecked = Signal(object)     # SubmitCheck
    submitted = Signal()
    fixProgress = Signal(int, int, str)   # done, total, file name
    fixCancelled = Signal()
    busyChanged = Signal(bool)
    failed = Signal(object)            # PhotocheckError for a dialog

    def __init__(self, app: AppController, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self.view: PackageView | None = None
        self.staged: dict[str, list[Staged]] = {}
        self._busy = 0
        self._fix_job: Job | None = None

    @property
    def path(self) -> str | None:
        return self.view.path if self.view else None

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _run(self, fn: Any, *args: Any, done: Any = None, reload_on_error: bool = True,
             cancelled: Any = None, over: Any = None, **job_kw: Any) -> Job:
        """Run ``fn`` on the interactive lane (package writes stay in order). ``over`` runs
        first however the task ends; ``job_kw`` (with_job, progress, partial, started) go
        to the runner as they are."""
        self._busy += 1
        if self._busy == 1:
            self.busyChanged.emit(True)

        def finish() -> None:
            if over is not None:
                over()
            self._busy -= 1
            if self._busy == 0:
                self.busyChanged.emit(False)

        def ok(result: Any) -> None:
            finish()
            if done is not None:
                done(result)

        def bad(e: PhotocheckError) -> None:
            finish()
            self.failed.emit(e)
            if reload_on_error:
                self.reload()

        def stopped() -> None:
            finish()
            if cancelled is not None:
                cancelled()

        return self.app.tasks.submit(fn, *args, done=ok, error=bad, cancelled=stopped, **job_kw)

    # -- opening -----------------------------------------------------------------------------------
    def open(self, path: str) -> None:
        if self.view is None or os.path.abspath(path) != os.path.abspath(self.view.path):
            self.staged.clear()
        self._run(snapshot, str(path), done=self._loaded, reload_on_error=False)

    def reload(self) -> None:
        if self.view is not None:
            self._run(snapshot, self.view.path, done=self._loaded, reload_on_error=False)

    def _loaded(self, view: PackageView) -> None:
        self.view = view
        for s in view.slots:
            s.staged = list(self.staged.get(s.id, []))
        self.loaded.emit(view)

    def create(self, parent: str, name: str, profile: dict[str, str]) -> None:
        self.staged.clear()
        self._run(create_package, parent, name, profile, self.app.pack_key(), done=self.open,
                  reload_on_error=False)

    # -- candidate actions ---------------------------------------------------------------------------
    def add(self, slot_id: str, files: list[str], fix: bool = False) -> None:
        if self.view is None or not files:
            return
        self._run(add_files, self.view.path, slot_id, [str(f) for f in files], fix, done=self._added)

    def _added(self, out: AddOutcome) -> None:
        if out.staged:
            have = {s.path for s in self.staged.get(out.slot, [])}
            self.staged.setdefault(out.slot, []).extend(s for s in out.staged if s.path not in have)
        self.added.emit(out)
        if out.refusal is not None:
            self.failed.emit(out.refusal)
        self.reload()

    def remove(self, slot_id: str, index: int) -> None:
        if self.view is not None:
            self._run(remove_file, self.view.path, slot_id, index, done=lambda _r: self.reload())

    def unstage(self, slot_id: str, path: str) -> None:
        items = self.staged.get(slot_id, [])
        self.staged[slot_id] = [s for s in items if s.path != path]
        if self.view is not None:
            self._loaded(self.view)

    @property
    def fixing(self) -> bool:
        return self._fix_job is not None

    def fix_all(self) -> None:
        if self.view is None or self.fixing:
            return
        staged = {sid: [s.path for s in items] for sid, items in self.staged.items() if items}
        self._run(fix_all, self.view.path, staged, done=self._fixed, cancelled=self._fix_cancelled,
                  over=lambda: setattr(self, "_fix_job", None), with_job=True, started=lambda j: setattr(self, "_fix_job", j),
                  progress=self.fixProgress.emit, partial=self._fix_partial)

    def cancel_fix(self) -> None:
        if self._fix_job is not None:
            self._fix_job.cancel()

    def _fix_partial(self, slot_id: object) -> None:
        self.staged.pop(str(slot_id), None)    # added, or refused with its reasons in a dialog

    def _fixed(self, out: FixOutcome) -> None:
        self.fixedAll.emit(out)
        for e in out.refusals:
            self.failed.emit(e)
        self.reload()

    def _fix_cancelled(self) -> None:
        """What was fixed stays in the package; the rest stays staged."""
        self.fixCancelled.emit()
        self.reload()

    @property
    def fixable(self) -> bool:
        v = self.view
        if v is None:
            return False
        return any(self.staged.values()) or any(not f.passed for s in v.slots if s.editable for f in s.files)

    def check_submit(self) -> None:
        if self.view is not None:
            self._run(submit_check, self.view.path, done=self.submitChecked.emit)

    def submit(self) -> None:
        if self.view is not None:
            self._run(submit, self.view.path, done=lambda _r: (self.submitted.emit(), self.reload()))
