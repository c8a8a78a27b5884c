"""Runs pytest inside the Windows CPython under wine (tools/windows_test.py starts it).

    wine python.exe tools\\wine\\launch.py LOG [pytest arguments...]

Wine 8.0 cannot give the interpreter a regular file as its standard output, so the
host passes NUL and pytest's report goes to LOG instead."""

import sys


def under_wine() -> bool:
    import ctypes

    try:
        return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")
    except (AttributeError, OSError):
        return False


def mend_wine_pipes() -> None:
    """concurrent.futures wakes its manager thread with zero-length pipe messages. Wine 8.0's
    named pipes then report a message to PeekNamedPipe that ReadFile never returns, so the
    process pool hangs on its second task. Windows does not; under wine, wake it with one
    byte instead, which the manager discards all the same."""
    from concurrent.futures import process

    def wakeup(self) -> None:
        with self._lock:
            if not self._closed:
                self._writer.send_bytes(b"w")

    process._ThreadWakeup.wakeup = wakeup


def main() -> int:
    log = open(sys.argv[1], "w", encoding="utf-8", buffering=1, errors="backslashreplace")
    sys.stdout = sys.stderr = log
    if under_wine():
        mend_wine_pipes()
    import pytest

    return pytest.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
