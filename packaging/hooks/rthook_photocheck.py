"""PyInstaller runtime hook: the frozen-only set-up that must happen before any import.

Paths to resources and models are not handled here but in photocheck.resources,
the one module that knows about the bundle layout.
"""

import os
import sys


def _setup() -> None:
    # A windowed executable has no console: sys.stdout/sys.stderr are None, and any
    # print() or logging.StreamHandler would raise. Send them to the null device.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))

    # Linux: let fontconfig (and so Qt) see the CJK font shipped in <bundle>/fonts,
    # in addition to the system fonts. The user's own setting wins.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and sys.platform.startswith("linux"):
        conf = os.path.join(bundle, "fonts", "fonts.conf")
        if os.path.isfile(conf) and "FONTCONFIG_FILE" not in os.environ:
            os.environ["FONTCONFIG_FILE"] = conf


_setup()
del _setup
