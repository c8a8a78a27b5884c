"""Mends for wine 8.0's gaps, loaded by every Windows CPython process that
`make test-windows` starts under wine (the test run, its subprocesses, pool workers).

Real Windows needs neither; each mend applies only when ntdll is wine's."""

import ctypes


def _under_wine() -> bool:
    try:
        return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")
    except (AttributeError, OSError):
        return False


def _no_wmi() -> None:
    """platform asks WMI for the Windows version and the machine (numpy.testing does, at
    import); wine's WMI service never answers. Windows' own fallback is the registry."""
    import platform

    def _wmi_query(*_keys):
        raise OSError("WMI does not answer under wine")

    platform._wmi_query = _wmi_query


def _wake_with_a_byte() -> None:
    """concurrent.futures wakes the process pool's manager thread with zero-length pipe
    messages. Wine's named pipes report such a message to PeekNamedPipe that ReadFile then
    never returns, so the pool hangs from its second task on. Under wine, wake it with one
    byte instead; the manager discards the message all the same."""
    from concurrent.futures import process

    def wakeup(self) -> None:
        with self._lock:
            if not self._closed:
                self._writer.send_bytes(b"w")

    process._ThreadWakeup.wakeup = wakeup


def _no_links() -> None:
    """Wine 8.0's os.symlink makes a link that its own file calls then cannot find, and it
    has no junctions (ERROR_NOT_SUPPORTED). A test that makes a link skips instead: the
    refusal of links needs a real Windows runner."""
    import os
    import sys

    def unsupported(*_args, **_kw):
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(("pathlib", "os", "shutil")):
            frame = frame.f_back
        caller = frame.f_globals.get("__name__", "") if frame is not None else ""
        if "pytest" in sys.modules and not caller.startswith("_pytest"):   # pytest's own links fall back
            import pytest

            pytest.skip("wine 8.0 makes no symbolic link or junction that Windows calls can see")
        raise OSError(50, "links are not supported under wine")

    os.symlink = unsupported
    try:
        import _winapi

        _winapi.CreateJunction = unsupported
    except ImportError:
        pass


if _under_wine():
    _no_wmi()
    _wake_with_a_byte()
    _no_links()
