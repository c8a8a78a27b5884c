"""Rotating log file in the platform's log folder; unexpected errors go there, and so do
Python warnings (a library's ``UserWarning`` on a damaged EXIF block, say) and, in the
command-line and desktop processes, whatever C libraries print on the standard error
(libjpeg's "Corrupt JPEG data ...", pdfium, OpenCV): the user sees only our messages."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
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
        _capture_warnings(logging.NullHandler())
        return None
    handler.setFormatter(MaskingFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("photocheck")
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False  # never let a traceback reach the console
    _capture_warnings(handler)
    _configured = path
    return path


def _capture_warnings(handler: logging.Handler) -> None:
    """Python warnings go to the log, never to the console."""
    logging.captureWarnings(True)
    warn = logging.getLogger("py.warnings")
    if handler not in warn.handlers:
        warn.addHandler(handler)
    warn.propagate = False


NATIVE_LOG = "native-stderr.log"
NATIVE_LOG_MAX = 1_000_000
_diverted = False


def divert_native_stderr() -> Path | None:
    """Point file descriptor 2, where C libraries write, at ``native-stderr.log`` in the
    log folder, and keep Python's ``sys.stderr`` (our messages, the progress bar) on the
    original standard error. For the processes of ``photocheck`` and ``photocheck-gui``
    only: a library caller keeps its own descriptors. Returns the file, or None when
    nothing was changed."""
    global _diverted
    if _diverted:
        return None
    try:
        path = log_file().with_name(NATIVE_LOG)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > NATIVE_LOG_MAX:
            path.unlink()
        sys.stderr.flush()
        keep = os.dup(2)
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except (OSError, ValueError, AttributeError):
        return None
    enc, errors = getattr(sys.stderr, "encoding", None) or "utf-8", getattr(sys.stderr, "errors", None)
    os.dup2(target, 2)
    os.close(target)
    sys.stderr = os.fdopen(keep, "w", encoding=enc, errors=errors or "backslashreplace", buffering=1)
    _diverted = True
    return path
