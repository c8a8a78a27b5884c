"""Entry point of the desktop app (``photocheck-gui``).

    photocheck-gui [FILE|PACKAGE ...]
    photocheck-gui --screenshot OUT.png [--page photo|materials|review] [--lang zh_CN|en] [FILE|PACKAGE ...]
    photocheck-gui --screenshot OUT.png --on-screen ...

Screenshot mode renders offscreen (it sets the platform itself), loads the given
files, waits until all background work has finished, saves the window as PNG
and exits 0. It never reads or writes the user's settings. With ``--on-screen`` it
uses the real display instead (Xvfb in the tests), lets the window open at the size
a user would get, saves the whole screen, and writes OUT.json beside the PNG: where
the screen, the window and the page's key parts (verdict, result table) lie.

Before Qt starts, ``display.problem`` checks that a window can open at all; when
Qt's xcb plugin misses system libraries, the app names them and their Debian
packages and exits 3 instead of letting Qt abort.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .controller import AppController
    from .crash import ExceptHook
    from .mainwindow import MainWindow
    from .settings import Settings

log = logging.getLogger("photocheck.gui")

SCREENSHOT_TIMEOUT_S = 120.0


class _Args(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}（usage error: {message}）", file=sys.stderr)
        raise SystemExit(2)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = _Args(prog="photocheck-gui", description="医考报名照片与材料检测（桌面版）/ exam photo and document checker")
    p.add_argument("--screenshot", metavar="OUT.png", help="render offscreen, save a screenshot, exit / 截图后退出")
    p.add_argument("--page", choices=["photo", "materials", "review"], default=None, help="page to show / 显示的页面")
    p.add_argument("--lang", default=None, help="zh_CN or en / 界面语言")
    p.add_argument("--rules", default=None, metavar="NAME|PATH", help="rule pack / 规则包")
    p.add_argument("--size", default="1280x800", help="screenshot window size in device-independent pixels")
    p.add_argument("--on-screen", action="store_true",
                   help="screenshot on the real display at the start-up size, with a layout report (OUT.json)")
    p.add_argument("--fix", action="store_true", help="photo page: run the one-click fix after the check / 检测后一键修复")
    p.add_argument("files", nargs="*", metavar="FILE|PACKAGE")
    args, unknown = p.parse_known_args(list(argv))
    # Qt's own options (-style, -platform ...) are left for QApplication.
    bad = [u for u in unknown if not u.startswith("-")]
    if bad:
        p.error(f"unrecognized arguments: {' '.join(bad)}")
    args.qt_args = unknown
    return args


@dataclass
class Gui:
    """Everything ``build`` puts together (the test harness uses it too)."""

    qapp: "QApplication"
    window: "MainWindow"
    controller: "AppController"
    settings: "Settings"
    hook: "ExceptHook"
    tmp: tempfile.TemporaryDirectory | None
    shown_ms: float


def build(args: argparse.Namespace, t0: float | None = None) -> Gui:
    """Create the application, the window and its controllers, and show the window."""
    t0 = time.perf_counter() if t0 is None else t0
    if args.screenshot and not args.on_screen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if args.files:
        # the libraries the first check needs load on the second core while Qt starts
        import threading

        threading.Thread(target=_preload, name="preload", daemon=True).start()
    from ..logsetup import setup_logging

    setup_logging()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from . import i18n, qtfix
    from . import settings as S
    from .settings import Settings

    tmp = tempfile.TemporaryDirectory(prefix="photocheck-gui-") if args.screenshot else None
    settings = Settings.at(Path(tmp.name) / "settings.ini") if tmp else Settings()
    # the language is known before Qt starts, so that Qt's own dialogs format dates in it
    lang = args.lang or settings.get(S.LANGUAGE) or i18n.env_lang()
    if lang and QApplication.instance() is None:
        i18n.align_system_locale(lang)
    qtfix.apply()
    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    qapp = QApplication.instance() or QApplication([sys.argv[0], *args.qt_args])
    qapp.setOrganizationName("photocheck")
    qapp.setApplicationName("photocheck")
    from .. import __version__

    qapp.setApplicationVersion(__version__)

    from .controller import AppController
    from .crash import ExceptHook
    from .dialogs import Dialogs
    from .mainwindow import MainWindow

    if args.rules:
        settings.set(S.RULE_PACK, args.rules)
    translators = i18n.Translators(qapp)
    translators.apply(lang or i18n.system_lang())

    dialogs = Dialogs(headless=bool(args.screenshot))
    controller = AppController(settings)
    window = MainWindow(controller, settings, translators, dialogs)
    hook = ExceptHook(dialogs, lambda: window)
    hook.install()
    if args.screenshot and not args.on_screen:
        w, _, h = args.size.partition("x")
        window.resize(int(w), int(h))
    window.show()
    shown_ms = (time.perf_counter() - t0) * 1000
    log.info("window shown after %.0f ms", shown_ms)
    if not args.files:
        warm_up(controller)   # a file given here loads the models itself, without waiting
    if args.fix:
        session = window.photo_session
        session.opened.connect(lambda r: session.fix() if r.report.error is None and session.result is None else None)
    window.open_paths([os.path.abspath(f) for f in args.files], args.page)
    return Gui(qapp, window, controller, settings, hook, tmp, shown_ms)


def main(argv: Sequence[str] | None = None) -> int:
    t0 = time.perf_counter()
    if argv is None:  # the photocheck-gui process itself: C libraries' output goes to the log
        from ..logsetup import divert_native_stderr

        divert_native_stderr()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_args(argv)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else 2
    if not args.screenshot or args.on_screen:
        from ..logsetup import setup_logging
        from .display import EXIT_NO_DISPLAY, problem

        setup_logging()
        why = problem(args.qt_args)
        if why is not None:
            log.error("no window: %s", why.en)
            print(f"{why.zh}\n\n{why.en}", file=sys.stderr)
            return EXIT_NO_DISPLAY
    gui = build(args, t0)
    if args.screenshot:
        shooter = Screenshot(gui.qapp, gui.window, gui.controller, Path(args.screenshot), on_screen=args.on_screen)
        shooter.start()
    code = gui.qapp.exec()
    gui.hook.uninstall()
    if gui.tmp:
        gui.tmp.cleanup()
    return code


def _preload() -> None:
    """Import what checking a photo needs (about 180 ms, mostly cv2 and numpy). A failure
    here changes nothing: the check imports the same modules again and reports it."""
    try:
        from .. import core  # noqa: F401
        from ..checks import photo  # noqa: F401
        from ..vision import face, segment  # noqa: F401
    except Exception:  # noqa: BLE001
        log.debug("preload failed", exc_info=True)


def warm_up(controller) -> None:  # noqa: ANN001
    """Load the models once, in the background, so the first check is quick.

    A missing model is reported right away, in a dialog, instead of at the first photo."""
    from ..errors import ModelMissingError

    def report(result: object) -> None:
        err = getattr(result, "error", None)
        if isinstance(err, ModelMissingError):
            controller.failed.emit(err)

    controller.tasks.submit(_warm_up_check, controller.pack, done=report, error=lambda e: log.warning(
        "warm-up failed: %s", e.text.en))


def _warm_up_check(pack):  # noqa: ANN001, ANN202
    import cv2
    import numpy as np

    from .. import core

    img = np.full((567, 390, 3), 255, np.uint8)
    cv2.circle(img, (195, 250), 80, (150, 170, 200), -1)
    ok, buf = cv2.imencode(".jpg", img)
    return core.check_file(buf.tobytes(), kind="photo", pack=pack, label="<warm-up>")


class Screenshot:
    """Waits until every page has settled and no task runs, then saves the window."""

    def __init__(self, qapp, window, controller, out: Path, on_screen: bool = False):  # noqa: ANN001
        from PySide6.QtCore import QTimer

        self.qapp, self.window, self.controller, self.out = qapp, window, controller, out
        self.on_screen = on_screen
        self.deadline = time.monotonic() + SCREENSHOT_TIMEOUT_S
        self.quiet = 0
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.timer.start()

    def _busy(self) -> bool:
        pages = (self.window.photo_page, self.window.materials_page, self.window.review_page)
        handle = self.window.windowHandle()
        return (self.controller.tasks.busy or self.controller.batch_tasks.busy
                or any(getattr(p, "busy", False) for p in pages)
                or (self.on_screen and (handle is None or not handle.isExposed())))

    def _tick(self) -> None:
        timed_out = time.monotonic() > self.deadline
        self.quiet = 0 if self._busy() else self.quiet + 1
        if self.quiet < 3 and not timed_out:  # stay idle for a few event-loop turns
            return
        self.timer.stop()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if self.on_screen:
            screen = self.window.screen()
            ok = screen.grabWindow(0).save(str(self.out))
            self.out.with_suffix(".json").write_text(json.dumps(layout_report(self.window), indent=1))
        else:
            ok = self.window.grab().save(str(self.out))
        if timed_out:
            log.warning("screenshot: work did not finish within %.0f s", SCREENSHOT_TIMEOUT_S)
        print(f"{'✓' if ok and not timed_out else '✗'} {self.out}", file=sys.stderr)
        self.qapp.exit(0 if ok and not timed_out else 1)


def layout_report(window) -> dict:  # noqa: ANN001
    """Where the screen, the window and the current page's key parts lie, in device-
    independent pixels: each part's rectangle and the part of it actually visible (not
    clipped by a scroll area or the window edge)."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QTableView

    def rect(r: QRect) -> list[int]:
        return [r.x(), r.y(), r.width(), r.height()]

    screen = window.screen()
    page = window.page(window.current_page_name())
    parts = {}
    for name, w in (page.layout_parts() if hasattr(page, "layout_parts") else {}).items():
        top_left = w.mapToGlobal(QPoint(0, 0))
        seen = w.visibleRegion().boundingRect() if w.isVisible() else QRect()
        parts[name] = {"rect": rect(QRect(top_left, w.size())),
                       "visible": rect(seen.translated(top_left)) if not seen.isEmpty() else [0, 0, 0, 0]}
        if isinstance(w, QTableView):
            parts[name].update(table_report(w))
    return {"dpr": screen.devicePixelRatio(), "screen": rect(screen.geometry()),
            "available": rect(screen.availableGeometry()), "window": rect(window.frameGeometry()),
            "page": window.current_page_name(), "parts": parts}


def table_report(table) -> dict:  # noqa: ANN001
    """How readable a table is as shown: its rows, how many of them are wholly in view,
    and the column headers whose text does not fit their column (cut or elided, as a
    squeezed "Details" shown as "etai")."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle

    model = table.model()
    rows = model.rowCount() if model is not None else 0
    height = table.viewport().height()
    shown = 0
    for r in range(rows):
        if table.isRowHidden(r):
            continue
        y = table.rowViewportPosition(r)
        if y >= 0 and y + table.rowHeight(r) <= height:
            shown += 1
    hh = table.horizontalHeader()
    cut = []
    if model is not None and not hh.isHidden():
        fm = hh.fontMetrics()
        margin = 2 * hh.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, hh)
        width = hh.viewport().width()
        for col in range(model.columnCount()):
            if hh.isSectionHidden(col):
                continue
            text = str(model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            x, size = hh.sectionViewportPosition(col), hh.sectionSize(col)
            if text and (fm.horizontalAdvance(text) + margin > size or x < 0 or x + size > width):
                cut.append(text)
    return {"rows": rows, "rows_shown": shown, "headers_cut": cut}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
