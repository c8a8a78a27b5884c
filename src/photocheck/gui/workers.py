"""Background work: every check, fix and audit runs off the GUI thread.

A ``TaskRunner`` owns one thread pool ("lane"). ``submit`` takes a plain
function, runs it on the pool and delivers the result, the error or progress
back on the GUI thread through queued signals, to callbacks given at submit time.
Functions that want progress or cancel take a ``Job`` as their first argument.

Tests can build the runner with ``synchronous=True``: tasks then run inline, in
order, which makes GUI tests deterministic without sleeps.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ..errors import PhotocheckError
from ..text import Text

log = logging.getLogger("photocheck.gui")


class Cancelled(Exception):
    """Raised inside a task when the user pressed cancel."""


class UnexpectedError(PhotocheckError):
    """An error nobody planned for; the details are in the log file."""

    default_code = "internal"


class Job:
    """Handed to task functions that report progress or can be cancelled."""

    def __init__(self, emit_progress: Callable[[int, int, str], None], emit_partial: Callable[[object], None]):
        self._cancel = threading.Event()
        self._emit = emit_progress
        self._partial = emit_partial

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancel was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, label: str = "") -> None:
        self.check()
        self._emit(done, total, label)

    def partial(self, item: object) -> None:
        """Hand one finished piece (e.g. a row of a long batch) to the GUI before the end."""
        self._partial(item)


@dataclass
class _Callbacks:
    done: Callable[[Any], None] | None
    error: Callable[[PhotocheckError], None] | None
    progress: Callable[[int, int, str], None] | None
    cancelled: Callable[[], None] | None
    partial: Callable[[object], None] | None
    job: Job


class _Bridge(QObject):
    """Lives on the GUI thread; worker threads emit, the GUI thread receives."""

    done = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, int, int, str)
    partial = Signal(int, object)
    cancelled = Signal(int)


class _Runnable(QRunnable):
    def __init__(self, task_id: int, bridge: _Bridge, fn: Callable[..., Any], args: tuple, job: Job | None):
        super().__init__()
        self.setAutoDelete(True)
        self.task_id, self.bridge, self.fn, self.args, self.job = task_id, bridge, fn, args, job

    def run(self) -> None:
        _execute(self.task_id, self.bridge, self.fn, self.args, self.job)


def _execute(task_id: int, bridge: _Bridge, fn: Callable[..., Any], args: tuple, job: Job | None) -> None:
    try:
        result = fn(job, *args) if job is not None else fn(*args)
    except Cancelled:
        bridge.cancelled.emit(task_id)
    except PhotocheckError as e:
        bridge.failed.emit(task_id, e)
    except Exception as e:  # noqa: BLE001 - shown as a dialog, logged with the traceback
        log.exception("unexpected error in a background task (%s)", getattr(fn, "__name__", fn))
        bridge.failed.emit(task_id, unexpected(e))
    else:
        bridge.done.emit(task_id, result)


def unexpected(e: BaseException) -> UnexpectedError:
    from ..logsetup import log_file

    path = log_file()
    return UnexpectedError(Text(f"发生意外错误（{type(e).__name__}），详情已记入日志：{path}",
                                f"unexpected error ({type(e).__name__}); details are in the log: {path}"))


class TaskRunner(QObject):
    """One lane of background work (a thread pool of ``threads`` threads)."""

    busyChanged = Signal(bool)
    idle = Signal()

    def __init__(self, parent: QObject | None = None, *, threads: int = 1, synchronous: bool = False):
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, threads))
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
        self._bridge.failed.connect(self._on_failed)
        self._bridge.progress.connect(self._on_progress)
        self._bridge.cancelled.connect(self._on_cancelled)
        self._bridge.partial.connect(self._on_partial)
        self._ids = itertools.count(1)
        self._tasks: dict[int, _Callbacks] = {}

    # -- submitting ---------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None] | None = None,
               error: Callable[[PhotocheckError], None] | None = None,
               progress: Callable[[int, int, str], None] | None = None,
               cancelled: Callable[[], None] | None = None, partial: Callable[[object], None] | None = None,
               with_job: bool = False, started: Callable[[Job], None] | None = None) -> Job:
        """Run ``fn(*args)`` (``fn(job, *args)`` when ``with_job``) in the background.

        ``started(job)`` is called before the work begins, so a caller can keep the
        job (to cancel it) even when the runner is synchronous."""
        task_id = next(self._ids)
        bridge = self._bridge
        job = Job(lambda d, t, label: bridge.progress.emit(task_id, d, t, label),
                  lambda item: bridge.partial.emit(task_id, item))
        self._tasks[task_id] = _Callbacks(done, error, progress, cancelled, partial, job)
        if len(self._tasks) == 1:
            self.busyChanged.emit(True)
        if started is not None:
            started(job)
        if self.synchronous:
            _execute(task_id, bridge, fn, args, job if with_job else None)
        else:
            self._pool.start(_Runnable(task_id, bridge, fn, args, job if with_job else None))
        return job

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def cancel_all(self) -> None:
        for cb in self._tasks.values():
            cb.job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is empty (used on quit and in tests)."""
        return self._pool.waitForDone(msecs)

    # -- delivering (GUI thread) --------------------------------------------------------
    def _finish(self, task_id: int) -> _Callbacks | None:
        return self._tasks.get(task_id)

    def _settle(self, task_id: int) -> None:
        self._tasks.pop(task_id, None)
        if not self._tasks:
            self.busyChanged.emit(False)
            self.idle.emit()

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        cb = self._finish(task_id)
        try:
            if cb and cb.done:
                cb.done(result)
        finally:
            self._settle(task_id)

    @Slot(int, object)
    def _on_failed(self, task_id: int, err: object) -> None:
        cb = self._finish(task_id)
        try:
            if cb and cb.error:
                cb.error(err)  # type: ignore[arg-type]
            elif cb:
                raise err  # type: ignore[misc]  # reaches the global excepthook
        finally:
            self._settle(task_id)

    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, label: str) -> None:
        cb = self._tasks.get(task_id)
        if cb and cb.progress:
            cb.progress(done, total, label)

    @Slot(int, object)
    def _on_partial(self, task_id: int, item: object) -> None:
        cb = self._tasks.get(task_id)
        if cb and cb.partial:
            cb.partial(item)

    @Slot(int)
    def _on_cancelled(self, task_id: int) -> None:
        cb = self._finish(task_id)
        try:
            if cb and cb.cancelled:
                cb.cancelled()
        finally:
            self._settle(task_id)
