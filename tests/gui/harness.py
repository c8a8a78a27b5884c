"""Runs the real app in a fresh process for the measurements the tests make.

    python harness.py startup            -> prints {"shown_ms": ...}
    python harness.py memory FILE...     -> opens each photo in turn, prints RSS after each
    python harness.py dialogs FILE...    -> opens the photos, prints what dialogs would have said
    python harness.py first FILE         -> starts with FILE as the argument, prints when its checklist shows

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


if __name__ == "__main__":
    sys.exit(main())
