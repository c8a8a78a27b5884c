"""Shared view pieces: the zoomable image view with its overlay, and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QDragEnterEvent, QDropEvent, QFont, QImage, QPainter, QPainterPath,
                           QPen, QPixmap, QPolygonF, QResizeEvent, QWheelEvent)
from PySide6.QtWidgets import (QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSizePolicy, QWidget)

from .i18n import pick
from .overlay import FACE, FAIL, GUIDE, OK, WARN, Shape

if TYPE_CHECKING:
    import numpy as np

ROLE_COLOURS = {
    FACE: QColor(30, 136, 229),
    GUIDE: QColor(46, 125, 50),
    OK: QColor(46, 125, 50),
    WARN: QColor(239, 108, 0),
    FAIL: QColor(198, 40, 40),
}


def bgr_to_qimage(bgr: "np.ndarray") -> QImage:
    """A deep-copied QImage from an HxWx3 BGR array (safe to build on a worker thread)."""
    import numpy as np

    arr = np.ascontiguousarray(bgr[:, :, ::-1])
    h, w = arr.shape[:2]
    return QImage(arr.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def local_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
    md = event.mimeData()
    if not md.hasUrls():
        return []
    return [u.toLocalFile() for u in md.urls() if u.isLocalFile() and u.toLocalFile()]


class FileDrops(QObject):
    """Drag and drop of local files and folders onto a widget, the same on every page.

    ``FileDrops(widget, on_drop)`` makes ``widget`` accept drags that carry local paths
    (files or folders, from a file manager) and calls ``on_drop(paths)`` on a drop;
    the page decides what the paths mean and says so when it cannot use them."""

    def __init__(self, target: QWidget, on_drop: Callable[[list[str]], None]):
        super().__init__(target)
        self.on_drop = on_drop
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if local_files(event):  # type: ignore[arg-type]
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
            return False
        if kind == QEvent.Type.Drop:
            paths = local_files(event)  # type: ignore[arg-type]
            if paths:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                self.on_drop(paths)
                return True
        return False


def split_dropped(paths: list[str]) -> tuple[list[str], list[str]]:
    """(files, folders) among dropped paths, in the order given."""
    folders = [p for p in paths if Path(p).is_dir()]
    return [p for p in paths if p not in folders], folders


class ImageView(QGraphicsView):
    """An image fitted to the view, zoomable (Ctrl+wheel, +/-, double-click to fit),
    with overlay shapes drawn on top in screen pixels (crisp at any DPI and zoom)."""

    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self._shapes: list[Shape] = []
        self._overlay = True
        self._placeholder = ""
        self._fit = True
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setBackgroundBrush(QColor(236, 239, 241))

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.height() * 16, fm.height() * 22)

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.height() * 8, fm.height() * 10)

    # -- content --------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self._item.setPixmap(QPixmap())
            self.scene().setSceneRect(QRectF())
        else:
            self._item.setPixmap(QPixmap.fromImage(image))
            self.scene().setSceneRect(QRectF(0, 0, image.width(), image.height()))
        self._shapes = []
        self.fit()

    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    def set_shapes(self, shapes: Sequence[Shape]) -> None:
        self._shapes = list(shapes)
        self.viewport().update()

    def shapes(self) -> list[Shape]:
        return list(self._shapes)

    def set_overlay_visible(self, on: bool) -> None:
        self._overlay = on
        self.viewport().update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        # the shapes' names are drawn in the current language
        if event.type() == QEvent.Type.LanguageChange:
            self.viewport().update()
        super().changeEvent(event)

    def labels(self) -> list[str]:
        """The names drawn beside the shapes, in the current language."""
        return [t for t in (pick(s.label) for s in self._shapes) if t]

    # -- zoom -----------------------------------------------------------------------------
    def fit(self) -> None:
        self._fit = True
        self.resetTransform()
        if self.has_image():
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoomChanged.emit(self.zoom())

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        if not self.has_image():
            return
        new = self.zoom() * factor
        if new < 0.05 or new > 16:
            return
        self._fit = False
        self.scale(factor, factor)
        self.zoomChanged.emit(self.zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.25 if event.angleDelta().y() > 0 else 0.8)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: ANN001
        self.fit()

    # -- painting -------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        vp = self.viewport().rect()
        if not self.has_image():
            if self._placeholder:
                painter.setPen(QColor(84, 110, 122))
                f = QFont(self.font())
                f.setPointSizeF(f.pointSizeF() * 1.15)
                painter.setFont(f)
                painter.drawText(vp.adjusted(12, 12, -12, -12),
                                 int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._placeholder)
        elif self._overlay and self._shapes:
            self._paint_shapes(painter)
        painter.restore()

    def _map(self, x: float, y: float) -> QPointF:
        return QPointF(self.mapFromScene(QPointF(x, y)))

    def _paint_shapes(self, p: QPainter) -> None:
        img = self.scene().sceneRect()
        tl, br = self._map(img.left(), img.top()), self._map(img.right(), img.bottom())
        fm = p.fontMetrics()
        width = max(1.5, self.devicePixelRatioF() * 1.0 + 0.5)
        for s in self._shapes:
            colour = ROLE_COLOURS.get(s.role, ROLE_COLOURS[GUIDE])
            pen = QPen(colour, width)
            if s.role == GUIDE:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            fill = QColor(colour)
            label = pick(s.label) if (s.label.zh or s.label.en) else ""
            if s.kind == "rect":
                x, y, w, h = s.coords
                a, b = self._map(x, y), self._map(x + w, y + h)
                r = QRectF(a, b).normalized()
                fill.setAlpha(40 if s.role in (FAIL, WARN) else 0)
                p.fillRect(r, fill)
                p.drawRect(r)
                if label:
                    self._tag(p, QPointF(r.left() + 3, r.top() - 3), label, colour)
            elif s.kind in ("hline", "hband"):
                y0 = self._map(0, s.coords[0]).y()
                y1 = self._map(0, s.coords[-1]).y()
                if s.kind == "hband":
                    fill.setAlpha(28)
                    p.fillRect(QRectF(QPointF(tl.x(), y0), QPointF(br.x(), y1)), fill)
                    p.drawLine(QPointF(tl.x(), y0), QPointF(br.x(), y0))
                    p.drawLine(QPointF(tl.x(), y1), QPointF(br.x(), y1))
                else:
                    p.drawLine(QPointF(tl.x(), y0), QPointF(br.x(), y0))
                if label and s.kind == "hline":
                    self._tag(p, QPointF(br.x() - fm.horizontalAdvance(label) - 8, y0 - 2), label, colour)
            elif s.kind in ("vline", "vband"):
                x0 = self._map(s.coords[0], 0).x()
                x1 = self._map(s.coords[-1], 0).x()
                if s.kind == "vband":
                    fill.setAlpha(22)
                    p.fillRect(QRectF(QPointF(x0, tl.y()), QPointF(x1, br.y())), fill)
                    p.drawLine(QPointF(x0, tl.y()), QPointF(x0, br.y()))
                    p.drawLine(QPointF(x1, tl.y()), QPointF(x1, br.y()))
                else:
                    p.drawLine(QPointF(x0, tl.y()), QPointF(x0, br.y()))
            elif s.kind == "line":
                x0, y0, x1, y1 = s.coords
                p.drawLine(self._map(x0, y0), self._map(x1, y1))
            elif s.kind == "polygon":
                pts = [self._map(s.coords[i], s.coords[i + 1]) for i in range(0, len(s.coords) - 1, 2)]
                path = QPainterPath()
                path.addPolygon(QPolygonF(pts))
                path.closeSubpath()
                fill.setAlpha(40 if s.role in (FAIL, WARN) else 0)
                p.fillPath(path, fill)
                p.drawPath(path)
                if label:
                    top = min(pts, key=lambda q: q.y())
                    self._tag(p, QPointF(top.x(), top.y() - 3), label, colour)

    @staticmethod
    def _tag(p: QPainter, at: QPointF, text: str, colour: QColor) -> None:
        fm = p.fontMetrics()
        r = QRectF(at.x() - 3, at.y() - fm.ascent() - 1, fm.horizontalAdvance(text) + 6, fm.height() + 2)
        path = QPainterPath()
        path.addRoundedRect(r, 3, 3)
        bg = QColor(255, 255, 255, 215)
        p.fillPath(path, bg)
        p.setPen(colour)
        p.drawText(at, text)


class Banner(QLabel):
    """A coloured one-line verdict (pass / warn / fail / neutral)."""

    STYLES = {
        "pass": ("#e8f5e9", "#1b5e20"),
        "warn": ("#fff3e0", "#e65100"),
        "fail": ("#ffebee", "#b71c1c"),
        "neutral": ("#eceff1", "#37474f"),
        "busy": ("#e3f2fd", "#0d47a1"),
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 1.2)
        f.setBold(True)
        self.setFont(f)
        self.state = "neutral"
        self.set_state("neutral", "")

    def set_state(self, state: str, text: str) -> None:
        self.state = state
        bg, fg = self.STYLES[state]
        pad = max(4, self.fontMetrics().height() // 3)
        self.setStyleSheet(f"QLabel {{ background: {bg}; color: {fg}; border-radius: {pad}px; padding: {pad}px; }}")
        self.setText(text)


class ProgressRow(QWidget):
    """What a long task shows while it runs: a label, a progress bar and a cancel button.
    Hidden until the task starts."""

    def __init__(self, parent: QWidget | None = None, *, margins: bool = True):
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.cancel = QPushButton()
        row = QHBoxLayout(self)
        if not margins:
            row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        self.hide()


def file_label(path: str | Path) -> str:
    return Path(path).name


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange
