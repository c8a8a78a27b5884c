"""Run a per-file function over many inputs on all cores, in input order.

The function must be a module-level callable (so it pickles) and pure: no shared
state between items. That is what lets the same function run under the local
process pool here or a distributed engine elsewhere.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items the start-up of worker processes (imports, model loads)
# costs more than it saves.
MIN_PARALLEL = 4
# Up to this many items, threads of this process do the work: no start-up at all, and
# the heavy parts (decoding, cv2.dnn, resizing, onnxruntime) release the GIL. Larger
# batches go to processes, which scale fully.
THREADS_UP_TO = 48


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    try:
        import cv2

        cv2.setNumThreads(1)
    except Exception:  # pragma: no cover
        pass


_PRELOAD = ["numpy", "cv2", "PIL.Image", "photocheck.core", "photocheck.checks.photo",
            "photocheck.vision.face", "photocheck.vision.segment", "photocheck.checks.material",
            "photocheck.vision.text", "onnxruntime"]


def _mp_context():
    """Workers start from a server process that has the heavy modules imported already
    (forkserver), so a batch does not pay the imports once per worker. Windows only has
    spawn. Never plain fork: the parent may hold OpenCV or Qt threads."""
    if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _executor(mode: str, jobs: int, count: int) -> Executor:
    if mode == "thread" or (mode == "auto" and count <= THREADS_UP_TO):
        return ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="photocheck-batch")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(), initializer=_init_worker)


def run(fn: Callable[[T], R], items: Iterable[T], *, jobs: int | None = None,
        progress: Callable[[int, int, T], None] | None = None, total: int | None = None,
        mode: str = "auto") -> Iterator[R]:
    """Yield fn(item) for each item, in order, on ``jobs`` workers.

    ``mode``: "process", "thread", or "auto" (threads for small batches, processes
    for large ones). ``fn`` must be module-level and thread-safe either way."""
    items = list(items)
    n = total or len(items)
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(items) < MIN_PARALLEL:
        for i, it in enumerate(items):
            r = fn(it)
            if progress:
                progress(i + 1, n, it)
            yield r
        return
    with _executor(mode, jobs, len(items)) as ex:
        # Bounded look-ahead keeps memory flat for huge batches.
        window = jobs * 4
        pending: list[Any] = []
        it = iter(enumerate(items))
        done = 0
        for idx, item in it:
            pending.append((item, ex.submit(fn, item)))
            if len(pending) >= window:
                break
        while pending:
            item, fut = pending.pop(0)
            r = fut.result()
            done += 1
            if progress:
                progress(done, n, item)
            nxt = next(it, None)
            if nxt is not None:
                pending.append((nxt[1], ex.submit(fn, nxt[1])))
            yield r
