"""Drag and drop as a file manager does it: a drag enters the widget, then the drop."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent


def drop(widget, paths: list[str | Path]) -> bool:  # noqa: ANN001
    """Drag ``paths`` onto ``widget`` and drop them; True when the widget took the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = QPoint(5, 5)
    with warnings.catch_warnings():   # PySide6 marks Qt's only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QCoreApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    ev = QDropEvent(at.toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QCoreApplication.sendEvent(widget, ev)
    return ev.isAccepted()
