"""Rotating log file in the platform's log folder; unexpected errors go there."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .privacy import MaskingFormatter
from .resources import user_log_dir

_configured: Path | None = None


def log_file() -> Path:
    return user_log_dir() / "photocheck.log"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Attach a rotating file handler once. Returns the log path, or None if it cannot be written."""
    global _configured
    if _configured is not None:
        return _configured
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(MaskingFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("photocheck")
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False  # never let a traceback reach the console
    _configured = path
    return path
