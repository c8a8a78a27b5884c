"""``lazy``: a per-instance cached property without a lock; ``shared``: one instance
per process, built on first use.

``functools.cached_property`` in Python 3.11 holds one lock per property for *all*
instances while it computes. Batch checks run one Context per thread, so two threads
asking for, say, ``faces`` of two different photos took turns instead of running in
parallel. The values cached here are pure functions of the instance, so the worst a
race can do is compute one twice; no lock is needed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class lazy(Generic[T]):  # noqa: N801 - used like the decorator it replaces
    """Compute on first access, then store the value in the instance's ``__dict__``
    (which then shadows this non-data descriptor: later reads are plain lookups)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "lazy[T]": ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


def shared(factory: Callable[[], T]) -> Callable[[], T]:
    """A getter for the one ``factory()`` object of this process (a loaded model, say),
    built on the first call, under a lock so two threads never build it twice."""
    lock = threading.Lock()
    box: list[T] = []

    def get() -> T:
        if not box:
            with lock:
                if not box:
                    box.append(factory())
        return box[0]

    get.__doc__ = f"The shared {getattr(factory, '__name__', 'object')} of this process (built on first use)."
    return get
