"""Frozen entry point of the console executable ``photocheck`` (see photocheck.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # batch.run uses a spawn pool; in a frozen app the workers re-run this executable,
    # and freeze_support() turns those runs into pool workers.
    multiprocessing.freeze_support()
    from photocheck.cli import main

    sys.exit(main())
