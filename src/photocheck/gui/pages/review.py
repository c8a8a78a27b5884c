"""审核 (placeholder until the page is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def make_review_page(app, settings, dialogs) -> QWidget:  # noqa: ANN001
    return QLabel("…")
