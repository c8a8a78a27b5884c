"""Run a pure per-file function on a Dask cluster (optional extra: ``dask[distributed]``).

Imported only when ``--engine dask`` is asked for, so the default path never loads
Dask. With no scheduler address (``--scheduler`` or ``PHOTOCHECK_DASK_SCHEDULER``)
a ``LocalCluster`` of single-threaded worker processes is started for the run.

Results are yielded in input order with a bounded window of tasks in flight, so the
client's memory does not grow with the batch and the CSV is identical to a local run.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ..errors import InputError, UsageError
from ..text import Text

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "PHOTOCHECK_DASK_SCHEDULER"


def require_dask():
    try:
        from dask import distributed
    except ImportError:
        raise UsageError(
            Text('未安装 Dask，无法使用 --engine dask。请安装：pip install "dask[distributed]"，或改用默认的 --engine local',
                 'Dask is not installed, so --engine dask is unavailable. Install it with '
                 'pip install "dask[distributed]", or use the default --engine local'),
            code="dask_missing") from None
    return distributed


def run_dask(fn: Callable[[T], R], items: Sequence[T], *, workers: int | None = None, scheduler: str | None = None,
             progress: Callable[[int, int, Any], None] | None = None, window_per_worker: int = 8) -> Iterator[R]:
    distributed = require_dask()
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    cluster = None
    if address:
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as e:
            raise InputError(Text(f"无法连接 Dask 调度器：{address}", f"cannot reach the Dask scheduler: {address} ({e})"),
                             code="dask_unreachable") from None
    else:
        n = workers or max(1, os.cpu_count() or 1)
        cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        window = max(4, nworkers * window_per_worker)
        total = len(items)
        pending: deque = deque()
        it = iter(enumerate(items))
        done = 0

        def submit_next() -> bool:
            nxt = next(it, None)
            if nxt is None:
                return False
            i, item = nxt
            pending.append((item, client.submit(fn, item, key=f"photocheck-{i}-{id(items)}", pure=False)))
            return True

        while len(pending) < window and submit_next():
            pass
        while pending:
            item, fut = pending.popleft()
            result = fut.result()
            fut.release()
            done += 1
            if progress:
                progress(done, total, item)
            submit_next()
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
