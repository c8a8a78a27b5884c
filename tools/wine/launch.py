"""Runs pytest inside the Windows CPython under wine (tools/windows_test.py starts it).

    wine python.exe tools\\wine\\launch.py LOG [pytest arguments...]

Wine 8.0 cannot give the interpreter a regular file as its standard output, so the
host passes NUL and pytest's report goes to LOG instead. The mends for wine's gaps are
in stubs/sitecustomize.py, which every process loads."""

import sys


def main() -> int:
    log = open(sys.argv[1], "w", encoding="utf-8", buffering=1, errors="backslashreplace")
    sys.stdout = sys.stderr = log
    import sitecustomize  # noqa: F401  - fails loudly if the mends were not loaded

    import pytest

    return pytest.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
