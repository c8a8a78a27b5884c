"""Runs the real app in a fresh process for the measurements the tests make.

    python harness.py startup            -> prints {"shown_ms": ...}
    python harness.py memory FILE...     -> opens each photo in turn, prints RSS after each
    python harness.py dialogs FILE...    -> opens the photos, prints what dialogs would have said
    python harness.py first FILE         -> starts with FILE as the argument, prints when its checklist shows
    python harness.py filedialog LANG DIR [PNG] -> Qt's file dialog in DIR: its labels, a folder's type, dates

A fresh process is the honest measure: the test process has pytest, matplotlib and
scikit-image loaded and its own Qt application.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()
os.environ["QT_QPA_PLATFORM"] = "offscreen"


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    from photocheck.gui import app

    mode, files = sys.argv[1], sys.argv[2:]
    if mode == "filedialog":
        return file_dialog(*files)
    tmp_png = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"harness-{os.getpid()}.png")
    warm_ups = []
    real_warm_up = app.warm_up
    app.warm_up = lambda controller: (warm_ups.append(1), real_warm_up(controller))
    given = files if mode == "first" else []
    gui = app.build(app.parse_args(["--screenshot", tmp_png, *given]), T0)
    shown = time.perf_counter()
    out: dict[str, object] = {"shown_ms": gui.shown_ms, "warm_ups": len(warm_ups)}
    from PySide6.QtCore import QEventLoop, QTimer

    def wait_idle() -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: None if gui.controller.tasks.busy else loop.quit())
        timer.start()
        loop.exec()
        timer.stop()

    if mode == "first":
        wait_idle()
        original = gui.window.photo_session.original
        out["checklist_ms"] = (time.perf_counter() - shown) * 1000
        out["checks"] = len(original.report.checks) if original else 0
    if mode == "dialogs":
        wait_idle()
        for f in files:
            gui.window.photo_page.open_path(f)
            wait_idle()
        out["dialogs"] = list(gui.window.dialogs.shown)
    if mode == "memory":
        wait_idle()
        out["rss_start"] = rss_mb()
        rows = []
        for f in files:
            t = time.perf_counter()
            gui.window.photo_page.open_path(f)
            wait_idle()
            original = gui.window.photo_session.original
            rows.append({"file": f, "ms": (time.perf_counter() - t) * 1000, "rss": rss_mb(),
                         "checks": len(original.report.checks) if original else 0,
                         "error": bool(original and original.report.error)})
        out["rows"] = rows
    gui.controller.shutdown()
    print(json.dumps(out))
    return 0


def file_dialog(lang: str, folder: str, png: str = "") -> int:
    """The open dialog of the photo page as the app builds it, looked at in detail view."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QFileDialog, QLabel, QTreeView

    from photocheck.gui import app
    from photocheck.gui.dialogs import file_dialog, image_filter

    gui = app.build(app.parse_args(["--screenshot", os.devnull, "--lang", lang]), T0)
    d = file_dialog(None, "打开照片文件", folder, image_filter(), QFileDialog.FileMode.ExistingFile)
    d.setViewMode(QFileDialog.ViewMode.Detail)
    d.resize(900, 500)
    d.show()
    view = d.findChild(QTreeView, "treeView")
    model = view.model()
    deadline = time.monotonic() + 20
    while model.rowCount(view.rootIndex()) == 0 and time.monotonic() < deadline:
        gui.qapp.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        gui.qapp.processEvents()
    rows = []
    for r in range(model.rowCount(view.rootIndex())):
        cells = [model.index(r, c, view.rootIndex()).data() for c in range(4)]
        rows.append(cells)
    out = {"labels": {lab.objectName(): lab.text() for lab in d.findChildren(QLabel) if lab.objectName()},
           "native": not d.testOption(QFileDialog.Option.DontUseNativeDialog), "rows": rows,
           "system_locale": QLocale.system().name(), "system_date_format": QLocale.system().dateTimeFormat(
               QLocale.FormatType.ShortFormat)}
    if png:
        d.grab().save(png)
    gui.controller.shutdown()
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
