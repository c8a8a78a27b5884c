"""The one identity-number masker, used by the checks, JSON, logs and reports.

A resident identity number has 18 characters (15 on old cards), the last of which
may be X. OCR can drop or add a digit, so every run of 15 or more digits (the last
one possibly X) is masked, whatever surrounds it: ``4201**********1234``. Runs are
found between non-digits only, so letters next to a number (``id420106…``) do not
protect it from masking.
"""

from __future__ import annotations

import logging
import re

_RUN = re.compile(r"(?<![0-9])[0-9]{14,}[0-9Xx](?![0-9])")


def mask_id(number: str) -> str:
    """``420196251648298251`` -> ``4201**********8251`` (the first and last 4 kept)."""
    n = len(number)
    if n <= 8:
        return "*" * n
    return number[:4] + "*" * (n - 8) + number[-4:]


def mask_ids(text: str) -> str:
    """``text`` with every identity-number-like run masked."""
    return _RUN.sub(lambda m: mask_id(m.group(0)), text)


class MaskingFormatter(logging.Formatter):
    """A log formatter that masks identity numbers in the whole record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids(super().format(record))
