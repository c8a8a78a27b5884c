"""Frozen entry point of the windowed executable ``photocheck-gui`` (see photocheck.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # see entry_cli.py
    from photocheck.gui.app import main

    sys.exit(main())
