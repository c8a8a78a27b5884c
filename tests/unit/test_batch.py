"""batch.run: ordered results, both worker kinds, progress; per-thread dnn nets."""

from __future__ import annotations

import os
import threading

import pytest

from photocheck import batch


def _square_and_pid(x: int) -> tuple[int, int, str]:
    return x * x, os.getpid(), threading.current_thread().name


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_results_keep_input_order_and_progress_counts_every_item(mode):
    seen = []
    items = list(range(23))
    out = list(batch.run(_square_and_pid, items, jobs=2, mode=mode,
                         progress=lambda done, total, item: seen.append((done, total))))
    assert [r[0] for r in out] == [i * i for i in items]
    assert [d for d, _ in seen] == list(range(1, 24)) and {t for _, t in seen} == {23}


def test_process_mode_runs_in_other_processes():
    out = list(batch.run(_square_and_pid, range(8), jobs=2, mode="process"))
    assert os.getpid() not in {r[1] for r in out}


def test_auto_uses_threads_for_a_small_batch_and_processes_for_a_large_one():
    small = list(batch.run(_square_and_pid, range(8), jobs=2))
    assert {r[1] for r in small} == {os.getpid()}
    assert all(r[2].startswith("photocheck-batch") for r in small)
    large = list(batch.run(_square_and_pid, range(batch.THREADS_UP_TO + 1), jobs=2))
    assert os.getpid() not in {r[1] for r in large}


def test_tiny_batches_run_inline():
    out = list(batch.run(_square_and_pid, range(batch.MIN_PARALLEL - 1), jobs=2))
    assert {r[2] for r in out} == {threading.current_thread().name}


def test_each_thread_gets_its_own_net(need_models):
    from photocheck.vision._nets import get_net
    from photocheck.vision.face import MESH_MODEL

    ids = {}

    def grab(tag):
        with get_net(MESH_MODEL) as a, get_net(MESH_MODEL) as b:
            ids[tag] = (a, b)  # kept alive, so identity is meaningful

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ids[0][0] is ids[0][1] and ids[1][0] is ids[1][1]  # reused within a thread
    assert ids[0][0] is not ids[1][0]                          # never shared across threads
