"""App-wide state and the photo session, exposed as signals.

Views never call each other: they call a controller method and react to its
signals; the main window connects the pieces. All image work happens in the
functions at the top of this module, which run on a ``TaskRunner`` lane.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ..checks.base import FileReport
from ..errors import FixRefused, OutputError, PhotocheckError
from ..fsutil import atomic_write, same_file
from ..rules import DEFAULT_PACK, RulePack, available_packs, load_pack, load_pack_file
from ..text import Text
from . import settings as S
from .overlay import Shape, shapes_for
from .settings import Settings
from .widgets import bgr_to_qimage
from .workers import TaskRunner

if TYPE_CHECKING:  # the image libraries load on the worker thread, after the window shows
    from .. import io as pio
    from ..fix.result import FixResult

log = logging.getLogger("photocheck.gui")

# Materials are previewed larger than photos (text must stay legible when zoomed).
MATERIAL_PREVIEW_SIDE = 1600


# --- work functions (run on worker threads; no widgets) ---------------------------------

@dataclass
class Inspected:
    """One checked image, ready to show."""

    label: str
    report: FileReport
    image: QImage | None = None
    scale: float = 1.0                       # preview pixels per original pixel
    size_bytes: int | None = None
    pixels: tuple[int, int] | None = None    # upright width, height
    shapes: list[Shape] = field(default_factory=list)


def _preview(info: "pio.ImageInfo", pack: RulePack, kind: str) -> tuple[object | None, QImage | None, float]:
    """(pixels for the checks or None, preview image, its scale). A photo's preview *is*
    the decode its checks measure, so it is decoded once."""
    from .. import io as pio

    if info.format == "pdf":
        return None, None, 1.0
    if kind == "photo":
        from ..checks.photo import check_pixels

        dec = check_pixels(info, pack)
        return dec, bgr_to_qimage(dec.bgr), dec.scale
    dec = pio.decode(info, max_side=MATERIAL_PREVIEW_SIDE)
    return None, bgr_to_qimage(dec.bgr), dec.scale


def inspect(src: "pio.Source", pack: RulePack, kind: str = "photo", label: str | None = None,
            report: FileReport | None = None) -> Inspected:
    """Probe, decode a preview and run the checks of ``kind`` (or show ``report``, the
    checks already run on ``src``). Bad input is reported, not raised."""
    from .. import core
    from .. import io as pio

    name = label or (str(src) if isinstance(src, (str, Path)) else "<data>")
    try:
        info = pio.probe(src)
    except PhotocheckError as e:
        return Inspected(name, FileReport(path=name, kind=kind, rules=pack.label, error=e))
    try:
        pixels, image, scale = _preview(info, pack, kind)
    except PhotocheckError as e:
        return Inspected(name, FileReport(path=name, kind=kind, rules=pack.label, error=e),
                         size_bytes=info.size_bytes)
    if report is None:
        report = core.check_info(info, kind=kind, pack=pack, label=name, pixels=pixels)
    return Inspected(name, report, image, scale, info.size_bytes, info.oriented_size, shapes_for(report, scale))


@dataclass
class Fixed:
    """A fix done in memory (``core.fix``): the result and how to show it."""

    fix: "FixResult"
    result: Inspected

    @property
    def ok(self) -> bool:
        return self.fix.ok

    @property
    def data(self) -> bytes:
        return self.fix.images[0].data

    @property
    def steps(self) -> list[Text]:
        return self.fix.steps


def fix_photo(path: str, pack: RulePack) -> Fixed:
    """Fix in memory and re-check (core.fix); the re-check is shown, not run again.
    Raises the refusal when the fixer made no photo."""
    from .. import core

    res = core.fix(path, kind="photo", pack=pack, label=default_photo_name(Path(path)))
    if not res.images:
        raise res.error or FixRefused(Text("修复没有产生照片", "the fix produced no photo"))
    return Fixed(res, inspect(res.images[0].data, pack, "photo", label=res.source, report=res.reports[0]))


def default_photo_name(src: Path) -> str:
    from ..cli import default_fix_name

    return default_fix_name(src, "photo")


# --- the application controller -------------------------------------------------------

def user_rules_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("photocheck", appauthor=False)) / "rules"


@dataclass(frozen=True)
class PackChoice:
    key: str          # a built-in pack id, or the path of an imported pack file
    label: Text
    imported: bool


class AppController(QObject):
    """Rule pack and language; the shared background lanes."""

    packChanged = Signal(object)        # RulePack
    languageChanged = Signal(str)
    packsListed = Signal(object)        # list[PackChoice]
    status = Signal(str)                # a transient message for the status bar
    failed = Signal(object)             # PhotocheckError for a dialog

    def __init__(self, settings: Settings, *, synchronous: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.tasks = TaskRunner(self, threads=1, synchronous=synchronous)          # interactive work
        self.batch_tasks = TaskRunner(self, threads=1, synchronous=synchronous)    # long batches
        self.pack: RulePack = self._initial_pack()

    # -- rule packs -----------------------------------------------------------------------
    def _initial_pack(self) -> RulePack:
        key = self.settings.get(S.RULE_PACK) or DEFAULT_PACK
        try:
            return self._load(key)
        except PhotocheckError as e:
            log.warning("saved rule pack %r unusable (%s); using the default", key, e.text.en)
            return load_pack(DEFAULT_PACK)

    @staticmethod
    def _load(key: str) -> RulePack:
        return load_pack_file(Path(key)) if key.endswith(".toml") else load_pack(key)

    def pack_key(self) -> str:
        return self.pack.source if self.pack.source and Path(self.pack.source).parent == user_rules_dir() \
            else self.pack.id

    def choices(self) -> list[PackChoice]:
        out = []
        for pid in available_packs():
            try:
                p = load_pack(pid)
            except PhotocheckError as e:
                log.warning("built-in pack %s unusable: %s", pid, e.text.en)
                continue
            out.append(PackChoice(pid, p.info.name, False))
        folder = user_rules_dir()
        for f in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                p = load_pack_file(f)
            except PhotocheckError as e:
                log.warning("imported pack %s unusable: %s", f, e.text.en)
                continue
            out.append(PackChoice(str(f), p.info.name, True))
        return out

    def set_pack(self, key: str) -> bool:
        """Switch packs; a broken pack is reported and the current one kept."""
        try:
            pack = self._load(key)
        except PhotocheckError as e:
            self.failed.emit(e)
            return False
        if pack.label == self.pack.label and pack.source == self.pack.source:
            return True
        self.pack = pack
        self.settings.set(S.RULE_PACK, key)
        self.packChanged.emit(pack)
        return True

    def import_pack(self, path: str) -> str | None:
        """Validate a pack file, copy it into the user's rules folder and switch to it."""
        try:
            pack = load_pack_file(Path(path))
            folder = user_rules_dir()
            target = folder / f"{pack.id}@{pack.info.version}.toml"
            if not (target.exists() and same_file(path, target)):
                atomic_write(target, Path(path).read_bytes())
        except PhotocheckError as e:
            self.failed.emit(e)
            return None
        except OSError as e:
            self.failed.emit(OutputError(Text(f"无法读取规则包：{path}", f"cannot read the rule pack: {path} ({e.strerror})")))
            return None
        self.packsListed.emit(self.choices())
        self.set_pack(str(target))
        return str(target)

    # -- language -------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.settings.set(S.LANGUAGE, lang)
        self.languageChanged.emit(lang)

    def shutdown(self) -> None:
        self.tasks.cancel_all()
        self.batch_tasks.cancel_all()
        self.tasks.wait(5000)
        self.batch_tasks.wait(5000)


# --- the photo page's session ---------------------------------------------------------

class PhotoSession(QObject):
    """The photo being worked on: open → check → fix → save."""

    opening = Signal(str)
    opened = Signal(object)          # Inspected (the original)
    fixing = Signal()
    fixed = Signal(object)           # Fixed (result shown whether or not it passes)
    fixFailed = Signal(object)       # PhotocheckError: the fix was refused; shown beside the photo
    saved = Signal(str)
    failed = Signal(object)          # PhotocheckError for a dialog
    cancelled = Signal()             # the running check or fix was abandoned (cancel)

    def __init__(self, app: AppController, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self.path: str | None = None
        self.original: Inspected | None = None
        self.result: Fixed | None = None
        self._gen = 0
        app.packChanged.connect(self._on_pack)

    def _next(self) -> int:
        self._gen += 1
        return self._gen

    def open(self, path: str) -> None:
        self.path = str(path)
        self.original = None
        self.result = None
        gen = self._next()
        self.opening.emit(self.path)
        self.app.tasks.submit(inspect, self.path, self.app.pack, "photo",
                              done=lambda r: self._opened(gen, r), error=lambda e: self._error(gen, e))

    def _opened(self, gen: int, r: Inspected) -> None:
        if gen != self._gen:
            return
        self.original = r
        self.opened.emit(r)
        if r.report.error is not None:
            self.failed.emit(r.report.error)

    def fix(self) -> None:
        if not self.path:
            return
        gen = self._next()
        self.fixing.emit()
        self.app.tasks.submit(fix_photo, self.path, self.app.pack,
                              done=lambda r: self._fixed(gen, r), error=lambda e: self._fix_error(gen, e))

    def _fixed(self, gen: int, r: Fixed) -> None:
        if gen != self._gen:
            return
        self.result = r
        self.fixed.emit(r)

    def _fix_error(self, gen: int, e: PhotocheckError) -> None:
        if gen != self._gen:
            return
        self.result = None
        self.fixFailed.emit(e)
        if not isinstance(e, FixRefused):
            self.failed.emit(e)

    def _error(self, gen: int, e: PhotocheckError) -> None:
        if gen == self._gen:
            self.failed.emit(e)

    def cancel(self) -> None:
        """Abandon the running check or fix: its result, when it comes, is dropped. A photo
        whose check was abandoned is forgotten; an abandoned fix leaves the checked original."""
        self._next()
        if self.original is None:
            self.path = None
        self.result = None
        self.cancelled.emit()

    def _on_pack(self, _pack: RulePack) -> None:
        if self.path:
            self.open(self.path)

    # -- saving ---------------------------------------------------------------------------
    @property
    def can_save(self) -> bool:
        return self.result is not None and self.result.ok

    def default_save_path(self) -> Path | None:
        if not self.path:
            return None
        src = Path(self.path)
        return src.with_name(default_photo_name(src))

    def save(self, target: str | Path, *, overwrite: bool) -> Path | None:
        """Write the sealed result atomically (core.write_fixed). Refuses the original's
        path and, unless ``overwrite``, an existing file (the view asks first)."""
        from .. import core

        if not self.can_save or self.result is None or not self.path:
            return None
        target = Path(target)
        if target.suffix.lower() not in (".jpg", ".jpeg"):
            target = target.with_name(target.name + ".jpg")
        if target.exists() and same_file(self.path, target):
            self.failed.emit(OutputError(Text(f"不能覆盖原照片：{target}，请换一个文件名",
                                              f"refusing to overwrite the original photo: {target}; choose another name"),
                                         code="same_as_input"))
            return None
        res = self.result.fix
        res.outputs.clear()
        core.write_fixed(res, target, source=self.path, overwrite=overwrite)
        if res.error is not None:
            err, res.error = res.error, None  # the fix itself stays good; only this write failed
            self.failed.emit(err)
            return None
        self.saved.emit(str(target))
        return target
