"""photocheck: offline checker and fixer for exam registration photos and documents.

The package root stays import-light: `photocheck.core` is the pure validation API
(no Qt), `photocheck.cli` and `photocheck.gui` are thin layers over it.
"""

__version__ = "0.1.0"

import logging as _logging
import os as _os
import sys as _sys

# The work runs in OpenCV's thread pool and in worker processes. OpenBLAS threads, woken by
# any large numpy product, spin for about 0.1 s after each call and take the cores from
# OpenCV (a 12 MP check ran 1.5x slower on 2 cores). They read this only when numpy loads, so
# it is set here, before photocheck imports numpy, and never over the user's own choice.
if "numpy" not in _sys.modules:
    _os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# A library logs; the application decides where to (see photocheck.logsetup).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
