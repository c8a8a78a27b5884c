"""The lock-free cached property used by the check contexts."""

from __future__ import annotations

import threading

from photocheck.lazy import lazy


class Probe:
    calls = 0

    def __init__(self, barrier: threading.Barrier | None = None) -> None:
        self.barrier = barrier

    @lazy
    def value(self) -> int:
        """Docstring kept."""
        Probe.calls += 1
        if self.barrier is not None:
            self.barrier.wait()
        return id(self)


def test_computed_once_per_instance_and_stored():
    Probe.calls = 0
    a, b = Probe(), Probe()
    assert a.value == a.value == id(a)
    assert b.value == id(b)
    assert Probe.calls == 2
    assert a.__dict__["value"] == id(a)
    assert Probe.value.__doc__ == "Docstring kept."


def test_two_instances_compute_at_the_same_time():
    # functools.cached_property (Python 3.11) holds one lock per property for all
    # instances, so the second thread would wait for the first, which waits at the
    # barrier for the second: the barrier would time out.
    barrier = threading.Barrier(2, timeout=5)
    objs = [Probe(barrier), Probe(barrier)]
    errors: list[BaseException] = []

    def read(o: Probe) -> None:
        try:
            o.value
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=read, args=(o,)) for o in objs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert [o.value for o in objs] == [id(o) for o in objs]
