"""The global exception hook: an unexpected error becomes a plain dialog and a log entry.

The traceback goes only to the rotating log (``photocheck.logsetup``); the user
sees what happened in plain words, that the app can go on, and where the log is.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ..errors import PhotocheckError
from ..logsetup import log_file, setup_logging
from ..text import Text
from .dialogs import Dialogs

log = logging.getLogger("photocheck.gui")


def unexpected_text(exc_type: type[BaseException]) -> Text:
    path = setup_logging() or log_file()
    return Text(f"发生了意外错误（{exc_type.__name__}）。程序可以继续使用。详情已记入日志：{path}",
                f"An unexpected error occurred ({exc_type.__name__}). You can keep working. "
                f"Details are in the log: {path}")


class ExceptHook:
    """Install with ``install()``; ``uninstall()`` restores the previous hooks."""

    def __init__(self, dialogs: Dialogs, parent: Callable[[], QWidget | None]):
        self.dialogs = dialogs
        self.parent = parent
        self._showing = False
        self._prev = sys.excepthook
        self._prev_thread = threading.excepthook

    def install(self) -> None:
        self._prev = sys.excepthook
        self._prev_thread = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = lambda a: self.handle(a.exc_type, a.exc_value, a.exc_traceback)  # type: ignore[arg-type]

    def uninstall(self) -> None:
        sys.excepthook = self._prev
        threading.excepthook = self._prev_thread

    def handle(self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        if isinstance(exc, PhotocheckError):  # a known error that escaped a handler: still plain words
            log.warning("unhandled PhotocheckError: %s", exc.text.en, exc_info=(exc_type, exc, tb))
            message: PhotocheckError | Text = exc
        else:
            log.error("unexpected error", exc_info=(exc_type, exc, tb))
            message = unexpected_text(exc_type)
        if self._showing or threading.current_thread() is not threading.main_thread():
            return  # never stack dialogs; worker threads report through their tasks
        self._showing = True
        try:
            self.dialogs.error(self.parent(), message)
        finally:
            self._showing = False
