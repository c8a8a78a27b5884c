"""A guard against a reference-count bug of PySide6 6.12 on CPython 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call of a wrapped
C++ method that returns ``void`` gives back ``None`` without taking a reference,
and every ``SignalInstance.emit()`` does the same with ``True``. Each call thus
removes one reference from the ``None`` / ``True`` singletons; after some tens of
thousands of calls (a few minutes of a reviewer's session) CPython aborts with
"Fatal Python error: none_dealloc" or "bool_dealloc".

From CPython 3.12 on these singletons are immortal and the bug is harmless. On
3.11 the guard gives them a reserve of references so large that the leak can never
use it up. Those objects are static and never freed, so extra references cost nothing.
Nothing here runs at import time; ``app.build`` (and the GUI tests) call ``apply``.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("photocheck.gui")

RESERVE = 1 << 40


def leaks_singleton_refs() -> bool:
    """True when void Qt calls or signal emits lose references (measured, not assumed)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    n_none, n_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(64):
        probe.setObjectName("probe")
        probe.ping.emit()
    return sys.getrefcount(None) < n_none - 32 or sys.getrefcount(True) < n_true - 32


def apply() -> bool:
    """Give None, True and False a reserve of references if this build leaks them."""
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return False  # immortal singletons, or a debug build with a different object layout
    if not leaks_singleton_refs():
        return False
    for obj in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))   # ob_refcnt is the first field of PyObject
        if refcnt.value < RESERVE:
            refcnt.value += RESERVE
    log.warning("PySide6 leaks references to None/True on this Python; singleton reserve applied")
    return True
