"""photocheck: offline checker and fixer for exam registration photos and documents.

The package root stays import-light: `photocheck.core` is the pure validation API
(no Qt), `photocheck.cli` and `photocheck.gui` are thin layers over it.
"""

__version__ = "0.1.0"

import logging as _logging

# A library logs; the application decides where to (see photocheck.logsetup).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
