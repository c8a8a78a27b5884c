"""Qt item models over the library's result dataclasses (named columns, custom roles)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QEvent, QLocale, QModelIndex,
                            QObject, QPersistentModelIndex, Qt, QTimer)
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QPixmap

from .. import numbers
from ..checks.base import CheckResult, FileReport, Status
from ..text import Text, after_fix
from . import i18n

Index = QModelIndex | QPersistentModelIndex

STATUS_COLOURS = {Status.PASS: QColor("#2e7d32"), Status.WARN: QColor("#ef6c00"), Status.FAIL: QColor("#c62828")}

# Readable names for the keys of measured/limit dicts (per check id where a key means
# different things); anything else is shown as is.
_KEYS = {
    "width": QT_TRANSLATE_NOOP("Values", "宽"),
    "height": QT_TRANSLATE_NOOP("Values", "高"),
    "ratio": QT_TRANSLATE_NOOP("Values", "宽高比"),
    "min_width": QT_TRANSLATE_NOOP("Values", "最小宽"),
    "min_height": QT_TRANSLATE_NOOP("Values", "最小高"),
    "tolerance": QT_TRANSLATE_NOOP("Values", "允许误差"),
    "white_fraction": QT_TRANSLATE_NOOP("Values", "白色比例"),
    "min_channel": QT_TRANSLATE_NOOP("Values", "最低亮度"),
    "max_chroma": QT_TRANSLATE_NOOP("Values", "最大色度"),
    "min_fraction": QT_TRANSLATE_NOOP("Values", "最低白色比例"),
    "max_std": QT_TRANSLATE_NOOP("Values", "最大不均匀度"),
    "face_mean": QT_TRANSLATE_NOOP("Values", "脸部亮度"),
    "dark": QT_TRANSLATE_NOOP("Values", "过暗比例"),
    "bright": QT_TRANSLATE_NOOP("Values", "过亮比例"),
    "glare": QT_TRANSLATE_NOOP("Values", "反光"),
    "glare_warn": QT_TRANSLATE_NOOP("Values", "反光提醒"),
    "uneven": QT_TRANSLATE_NOOP("Values", "光线不均"),
    "uneven_warn": QT_TRANSLATE_NOOP("Values", "光线不均提醒"),
    "min": QT_TRANSLATE_NOOP("Values", "最低"),
    "warn_below": QT_TRANSLATE_NOOP("Values", "低于此值提醒"),
}
_HEAD_KEYS = {
    "height": QT_TRANSLATE_NOOP("Values", "头高"),
    "height_warn": QT_TRANSLATE_NOOP("Values", "头高（提醒）"),
    "width": QT_TRANSLATE_NOOP("Values", "头宽"),
    "crown": QT_TRANSLATE_NOOP("Values", "头顶"),
}

# The person checks' shared keys: the measure's confidence and the warn / fail limits.
_SURE = {
    "confidence": QT_TRANSLATE_NOOP("Values", "把握"),
    "warn": QT_TRANSLATE_NOOP("Values", "提醒"),
    "fail": QT_TRANSLATE_NOOP("Values", "不合格"),
}

# head_covering's measured and limit keys (without names they showed as identifiers,
# "like_hair ✗", in both languages)
_COVER_KEYS = {
    **_SURE,
    "covered": QT_TRANSLATE_NOOP("Values", "额头遮住"),
    "like_hair": QT_TRANSLATE_NOOP("Values", "像头发"),
    "crown": QT_TRANSLATE_NOOP("Values", "头顶遮住"),
    "crown_odd": QT_TRANSLATE_NOOP("Values", "头顶异色"),
    "crown_like_hair": QT_TRANSLATE_NOOP("Values", "头顶像头发"),
    "crown_confidence": QT_TRANSLATE_NOOP("Values", "头顶把握"),
    "cap_pulled_down": QT_TRANSLATE_NOOP("Values", "帽子压到额头"),
    "cap_forehead": QT_TRANSLATE_NOOP("Values", "压帽额头遮住"),
    "warn_crown": QT_TRANSLATE_NOOP("Values", "头顶提醒"),
    "fail_crown": QT_TRANSLATE_NOOP("Values", "头顶不合格"),
    "religious_allowed": QT_TRANSLATE_NOOP("Values", "允许宗教头饰"),
}
# Every other check's own keys (a test walks the reports of drawn defects: no key may
# reach the table as an identifier).
_OWN_KEYS = {
    "background": {
        "island_min_area": QT_TRANSLATE_NOOP("Values", "斑块最小面积"),
        "islands": QT_TRANSLATE_NOOP("Values", "斑块数"),
    },
    "exposure": {
        "face_median": QT_TRANSLATE_NOOP("Values", "脸部亮度中位数"),
        "highlight": QT_TRANSLATE_NOOP("Values", "高光亮度"),
        "background": QT_TRANSLATE_NOOP("Values", "背景亮度"),
        "shadow_ratio": QT_TRANSLATE_NOOP("Values", "暗侧与亮侧之比"),
        "dim_dark": QT_TRANSLATE_NOOP("Values", "暗光时过暗比例"),
        "dim_ratio": QT_TRANSLATE_NOOP("Values", "暗光时明暗比"),
        "dim_below": QT_TRANSLATE_NOOP("Values", "暗光高光上限"),
        # a material's exposure: the paper and the writing
        "paper": QT_TRANSLATE_NOOP("Values", "纸面亮度"),
        "ink": QT_TRANSLATE_NOOP("Values", "字迹亮度"),
        "contrast": QT_TRANSLATE_NOOP("Values", "对比度"),
        "min_paper": QT_TRANSLATE_NOOP("Values", "最低纸面亮度"),
        "max_ink": QT_TRANSLATE_NOOP("Values", "最高字迹亮度"),
        "min_contrast": QT_TRANSLATE_NOOP("Values", "最低对比度"),
    },
    "compression": {
        "quality": QT_TRANSLATE_NOOP("Values", "估计质量"),
        "blockiness": QT_TRANSLATE_NOOP("Values", "方块感"),
        "warn_quality": QT_TRANSLATE_NOOP("Values", "质量提醒"),
        "fail_quality": QT_TRANSLATE_NOOP("Values", "质量不合格"),
        "max_blockiness": QT_TRANSLATE_NOOP("Values", "最大方块感"),
    },
    "recency": {
        "taken": QT_TRANSLATE_NOOP("Values", "拍摄日期"),
        "from": QT_TRANSLATE_NOOP("Values", "来源"),
        "age_days": QT_TRANSLATE_NOOP("Values", "距今天数"),
        "warn_months": QT_TRANSLATE_NOOP("Values", "提醒月数"),
    },
    "pose": {
        **_SURE,
        "yaw": QT_TRANSLATE_NOOP("Values", "左右转头"),
        "pitch": QT_TRANSLATE_NOOP("Values", "抬头低头"),
    },
    "eyes": {
        **_SURE,
        "openness": QT_TRANSLATE_NOOP("Values", "睁眼程度"),
    },
    "expression": {
        **_SURE,
        "opening": QT_TRANSLATE_NOOP("Values", "张嘴程度"),
        "teeth": QT_TRANSLATE_NOOP("Values", "露齿"),
        "dark": QT_TRANSLATE_NOOP("Values", "口中暗区"),
    },
    "glasses": {
        **_SURE,
        "eye_contrast": QT_TRANSLATE_NOOP("Values", "眼部对比"),
        "under_eye_darkness": QT_TRANSLATE_NOOP("Values", "镜片暗度"),
        "warn_eye_contrast": QT_TRANSLATE_NOOP("Values", "眼部对比提醒"),
        "tint": QT_TRANSLATE_NOOP("Values", "镜片色度"),
    },
    "occlusion": {
        **_SURE,
        "covered": QT_TRANSLATE_NOOP("Values", "口鼻遮住"),
        "off_hue": QT_TRANSLATE_NOOP("Values", "非肤色"),
        "hand": QT_TRANSLATE_NOOP("Values", "手"),
        "warn_off_hue": QT_TRANSLATE_NOOP("Values", "非肤色提醒"),
        "fail_off_hue": QT_TRANSLATE_NOOP("Values", "非肤色不合格"),
        "warn_hand": QT_TRANSLATE_NOOP("Values", "手（提醒）"),
        "fail_hand": QT_TRANSLATE_NOOP("Values", "手（不合格）"),
    },
    "orientation": {
        "exif_orientation": QT_TRANSLATE_NOOP("Values", "EXIF 方向"),
        "content": QT_TRANSLATE_NOOP("Values", "内容方向"),
        "evidence": QT_TRANSLATE_NOOP("Values", "依据强度"),
    },
}
_CHECK_KEYS = {"head_size": _HEAD_KEYS, "head_covering": _COVER_KEYS, **_OWN_KEYS}


def _key_name(key: str, check_id: str) -> str:
    own = _CHECK_KEYS.get(check_id, {})
    names = own if key in own else _KEYS
    return QCoreApplication.translate("Values", names[key]) if key in names else str(key)


def number_text(v: float, bounds: list[float] | None = None) -> str:
    """A number in the current locale; beside its limit (``bounds``) with the decimals it
    needs never to look equal to, or across, a bound it is not equal to (photocheck.numbers)."""
    loc = QLocale()
    if isinstance(v, int):
        return loc.toString(v)
    if bounds is None:   # a limit itself: exact, as the rule pack has it
        d = numbers.exact_digits(v)
    else:
        d = numbers.value_digits(v, bounds)
    return numbers.trim(loc.toString(float(v), "f", d), loc.decimalPoint())


def format_value(v: Any, check_id: str = "", against: Any = None) -> str:
    """A measured value (``against`` its limit) or a limit, as one short line."""
    measured = against is not None
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        v = v.item()  # numpy scalar
    if isinstance(v, (int, float)):
        return number_text(v, numbers.numbers_in(against) if measured else None)
    if isinstance(v, str):
        return v if measured else numbers.group_in(v)
    if isinstance(v, (list, tuple)):
        if len(v) == 2 and all(isinstance(x, (int, float)) for x in v):
            return f"{format_value(v[0], check_id, against)}–{format_value(v[1], check_id, against)}"
        return ", ".join(format_value(x, check_id, against) for x in v)
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            if isinstance(x, dict):
                continue  # nested detail (per region) is too much for one cell
            if isinstance(x, (list, tuple)) and (not x or any(isinstance(i, dict) for i in x)):
                x = len(x)  # a list of found things (the background's islands): how many
            bound = (against.get(k, against) if isinstance(against, dict) else against) if measured else None
            parts.append(f"{_key_name(str(k), check_id)} {format_value(x, check_id, bound)}")
        return "，".join(parts) if i18n.current() != "en" else ", ".join(parts)
    return str(v)


# A "measured / limit" line longer than this (characters) would make its row many lines
# tall in a narrow checklist; the cell leaves it to the tooltip (and the photo page's
# detail pane under the table), which always show it.
DETAIL_MEASURED_MAX = 90


class ChecklistModel(QAbstractTableModel):
    """One row per check of a FileReport (or one row for a file that could not be read)."""

    # COL_DETAIL is the message plus, for a rule that is not met, the measured value
    # and the limit on a second line: the column a narrow checklist shows.
    COL_STATUS, COL_TITLE, COL_MESSAGE, COL_MEASURED, COL_LIMIT, COL_DETAIL = range(6)
    COLUMNS = 6
    CheckRole = Qt.ItemDataRole.UserRole + 1      # the CheckResult (None for an error row)
    StatusRole = Qt.ItemDataRole.UserRole + 2     # Status, or None for an error row
    HintRole = Qt.ItemDataRole.UserRole + 3       # the fix hint, current language

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._report: FileReport | None = None
        self._fixed = False

    # -- data in --------------------------------------------------------------------------
    def set_report(self, report: FileReport | None, *, fixed: bool = False) -> None:
        """``fixed``: the report of a fix's own result, where advice to use Fix is no advice."""
        self.beginResetModel()
        self._report = report
        self._fixed = fixed
        self.endResetModel()

    def hint(self, c: CheckResult) -> str:
        """What to do about a check that is not met, in the current language ('' when met)."""
        if c.status is Status.PASS:
            return ""
        return i18n.pick(after_fix(c.hint) if self._fixed else c.hint)

    @property
    def report(self) -> FileReport | None:
        return self._report

    def retranslate(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.COLUMNS - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)

    def first_problem_row(self) -> int:
        rep = self._report
        if rep is None:
            return -1
        if rep.error is not None:
            return 0
        for status in (Status.FAIL, Status.WARN):
            for i, c in enumerate(rep.checks):
                if c.status is status:
                    return i
        return 0 if rep.checks else -1

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return 1 if self._report.error is not None else len(self._report.checks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = {
            self.COL_STATUS: self.tr("结果"),
            self.COL_TITLE: self.tr("检测项目"),
            self.COL_MESSAGE: self.tr("说明"),
            self.COL_MEASURED: self.tr("测得"),
            self.COL_LIMIT: self.tr("要求"),
            self.COL_DETAIL: self.tr("说明"),
        }
        return names.get(section)

    def measured_line(self, c: CheckResult) -> str:
        return i18n.fmt(self.tr("测得：%1　要求：%2"), format_value(c.measured, c.id, against=c.limit),
                        format_value(c.limit, c.id))

    def check_at(self, row: int) -> CheckResult | None:
        rep = self._report
        if rep is None or rep.error is not None or not 0 <= row < len(rep.checks):
            return None
        return rep.checks[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._report is None:
            return None
        rep, col = self._report, index.column()
        if rep.error is not None:
            return self._error_data(col, role)
        c = rep.checks[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_STATUS:
                return c.status.symbol
            if col == self.COL_TITLE:
                return i18n.pick(c.title) or c.id
            if col == self.COL_MESSAGE:
                return i18n.pick(c.message)
            if col == self.COL_DETAIL:
                text = i18n.pick(c.message)
                if c.status is not Status.PASS and c.measured is not None:
                    line = self.measured_line(c)
                    if len(line) <= DETAIL_MEASURED_MAX:   # a longer one is in the tooltip and the detail pane
                        text += "\n" + line
                return text
            if col == self.COL_MEASURED:
                return format_value(c.measured, c.id, against=c.limit)
            if col == self.COL_LIMIT:
                return format_value(c.limit, c.id)
        elif role == Qt.ItemDataRole.ToolTipRole:
            lines = [i18n.pick(c.message)]
            if c.measured is not None:
                lines.append(self.measured_line(c))
            hint = self.hint(c)
            if hint:
                lines.append("→ " + hint)
            return "\n".join(lines)
        elif role == Qt.ItemDataRole.ForegroundRole and col in (self.COL_STATUS, self.COL_TITLE):
            return QBrush(STATUS_COLOURS[c.status])
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_STATUS:
            return int(Qt.AlignmentFlag.AlignCenter)
        elif role == self.CheckRole:
            return c
        elif role == self.StatusRole:
            return c.status
        elif role == self.HintRole:
            return self.hint(c)
        return None

    def _error_data(self, col: int, role: int) -> Any:
        err = self._report.error  # type: ignore[union-attr]
        assert err is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_STATUS:
                return Status.FAIL.symbol
            if col == self.COL_TITLE:
                return self.tr("无法检测")
            if col in (self.COL_MESSAGE, self.COL_DETAIL):
                return i18n.pick(err.text)
            return "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            return i18n.pick(err.text) + (f"\n→ {i18n.pick(err.hint)}" if err.hint else "")
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.COL_STATUS, self.COL_TITLE):
            return QBrush(STATUS_COLOURS[Status.FAIL])
        if role == self.HintRole:
            return i18n.pick(err.hint) if err.hint else ""
        if role == self.StatusRole:
            return None
        return None


class ChecklistColumns(QObject):
    """Keeps a checklist table (ChecklistModel) readable at any width: the result column
    as wide as its symbol and header, the check's name at most ``title_share`` of the
    width (wrapping beyond that, never cut), the detail column all the rest, and every
    row as tall as its wrapped text."""

    def __init__(self, table: Any, title_share: float = 0.34):
        super().__init__(table)
        from PySide6.QtWidgets import QHeaderView

        self.table, self.title_share = table, title_share
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(ChecklistModel.COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(ChecklistModel.COL_TITLE, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(ChecklistModel.COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        hh.setStretchLastSection(True)
        for col in (ChecklistModel.COL_MESSAGE, ChecklistModel.COL_MEASURED, ChecklistModel.COL_LIMIT):
            table.setColumnHidden(col, True)   # shown together in COL_DETAIL
        table.setWordWrap(True)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._pending = False
        table.installEventFilter(self)
        model = table.model()
        for sig in (model.modelReset, model.layoutChanged, model.dataChanged, model.headerDataChanged):
            sig.connect(self.refit_later)
        self.refit()

    def refit_later(self, *_args: Any) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.refit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.refit_later()
        return False

    def refit(self) -> None:
        self._pending = False
        t = self.table
        hh = t.horizontalHeader()
        model = t.model()
        fm = hh.fontMetrics()
        margin = hh.style().pixelMetric(hh.style().PixelMetric.PM_HeaderMargin, None, hh) * 2 + fm.height() // 2
        head = fm.horizontalAdvance(str(model.headerData(ChecklistModel.COL_TITLE, Qt.Orientation.Horizontal) or ""))
        want = max(t.sizeHintForColumn(ChecklistModel.COL_TITLE), head + margin)
        room = t.viewport().width() - t.columnWidth(ChecklistModel.COL_STATUS)
        width = max(head + margin, min(want, int(room * self.title_share)))
        if t.columnWidth(ChecklistModel.COL_TITLE) != width:
            t.setColumnWidth(ChecklistModel.COL_TITLE, width)
        t.resizeRowsToContents()


def min_table_height(table: Any, rows: int = 3, lines: int = 2) -> int:
    """The height of a table's header and ``rows`` rows of ``lines`` lines of text each."""
    fm = table.fontMetrics()
    return (table.horizontalHeader().sizeHint().height() + rows * (lines * fm.lineSpacing() + fm.height() // 2)
            + 2 * table.frameWidth())


# --- thumbnails with status badges ---------------------------------------------------------------

VERDICT_COLOURS = {"pass": QColor("#2e7d32"), "fail": QColor("#c62828"), "error": QColor("#6a1b9a"),
                   "pending": QColor("#78909c"), "warn": QColor("#ef6c00"), "cancelled": QColor("#78909c")}
VERDICT_SYMBOLS = {"pass": "✓", "fail": "✗", "error": "?", "pending": "…", "warn": "!", "cancelled": "–"}
# The reviewer's decision is a labelled tag (a rectangle with a word), the checks' verdict a
# round badge with a symbol: two shapes, two kinds of label, so they never read as one another
# without colour either. Accepted in blue, sent back in deep orange.
DECISION_COLOURS = {"accepted": QColor("#1565c0"), "rejected": QColor("#d84315")}
TAG_COLOUR = QColor("#ef6c00")


def _tag(p: Any, text: str, colour: QColor, x: float, y: float, height: float, right: bool = False) -> float:
    """A filled rounded rectangle with white text at (x, y) (its right edge at x when
    ``right``); returns its width."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QFontMetricsF

    f = QFont()
    f.setPixelSize(max(8, int(height * 0.72)))
    f.setBold(True)
    w = QFontMetricsF(f).horizontalAdvance(text) + height * 0.6
    r = QRectF(x - w if right else x, y, w, height)
    p.setPen(QColor("white"))
    p.setBrush(colour)
    p.drawRoundedRect(r, height * 0.2, height * 0.2)
    p.setFont(f)
    p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
    return w


def badged(image: QImage | None, side: int, verdict: str, decision: str = "", dpr: float | None = None,
           tags: list[str] | tuple[str, ...] = ()) -> QPixmap:
    """A square thumbnail: the checks' verdict as a round badge (bottom right), the reviewer's
    decision as a labelled tag (top left, ``decision`` is its word) and warning tags such as
    a wrong document kind or a broken seal (bottom left, stacked upwards).

    ``side`` is in device-independent pixels; the pixmap carries the screen's pixel
    ratio, so it stays sharp at 150% and 200% scaling."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QGuiApplication, QPainter

    if dpr is None:
        app = QGuiApplication.instance()
        dpr = app.devicePixelRatio() if app is not None else 1.0  # type: ignore[union-attr]
    pm = QPixmap(round(side * dpr), round(side * dpr))
    pm.setDevicePixelRatio(dpr)
    pm.fill(QColor(245, 247, 248))
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if image is not None and not image.isNull():
        scaled = image.scaled(round(side * dpr), round(side * dpr), Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(dpr)
        w, h = scaled.width() / dpr, scaled.height() / dpr
        p.drawImage(QRectF((side - w) / 2, (side - h) / 2, w, h), scaled)
    r = side * 0.15
    cx = cy = side - r - 2
    p.setPen(QColor("white"))
    p.setBrush(VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["error"]))
    p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
    f = QFont()
    f.setPixelSize(max(8, int(r * 1.3)))
    f.setBold(True)
    p.setFont(f)
    p.drawText(QRectF(cx - r, cy - r, 2 * r, 2 * r), int(Qt.AlignmentFlag.AlignCenter),
               VERDICT_SYMBOLS.get(verdict, "?"))
    th = side * 0.16
    if decision:
        colour = DECISION_COLOURS["rejected" if decision.startswith("↩") else "accepted"]
        _tag(p, decision, colour, 2, 2, th)
    y = side - th - 2
    for t in tags:
        _tag(p, t, TAG_COLOUR, 2, y, th)
        y -= th + 2
    p.end()
    return pm


class ReviewItemsModel(QAbstractTableModel):
    """The files under review: thumbnail grid (column 0) and a details table."""

    COL_FILE, COL_SLOT, COL_CHECK, COL_INTEGRITY, COL_DECISION = range(5)
    COLUMNS = 5
    ItemRole = Qt.ItemDataRole.UserRole + 1
    VerdictRole = Qt.ItemDataRole.UserRole + 2
    THUMB = 112

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._items: list[Any] = []
        self._pending: dict[str, Any] = {}
        self._icons: dict[int, QIcon] = {}

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._icons.clear()
        self.endResetModel()

    def set_pending(self, pending: dict[str, Any]) -> None:
        self._pending = dict(pending)
        self._icons.clear()
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.COLUMNS - 1))

    def item_changed(self, row: int) -> None:
        self._icons.pop(row, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMNS - 1))

    def retranslate(self) -> None:
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.COLUMNS - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)

    def item(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {self.COL_FILE: self.tr("文件"), self.COL_SLOT: self.tr("材料项"), self.COL_CHECK: self.tr("检测"),
                self.COL_INTEGRITY: self.tr("完整性"), self.COL_DECISION: self.tr("审核")}.get(section)

    cancelled = False      # the re-check was cancelled: unchecked files are not "being checked"

    def verdict(self, item: Any) -> str:
        """pending | cancelled | pass | warn | fail | error; a pass with any warning (a
        wrong document kind, a stored or re-checked warning) is ``warn``, never plain pass."""
        if item.row is None:
            return "cancelled" if self.cancelled else "pending"
        v = item.row.verdict
        if v == "pass" and (item.wrong_kind or item.notes):
            return "warn"
        return v

    def decision_of(self, item: Any) -> tuple[str | None, Text | None, bool]:
        """(accepted/rejected/None, reason, pending?) with pending decisions taking precedence."""
        for target in (item.target, item.slot):
            d = self._pending.get(target) if target else None
            if d is not None:
                return ("accepted" if d.action == "accept" else "rejected"), d.reason, True
        return item.decision, item.reason, False

    def check_text(self, item: Any) -> str:
        from ..labels import check_title

        v = self.verdict(item)
        if v == "pending":
            return self.tr("检测中…")
        if v == "cancelled":
            return self.tr("未检测（已取消）")
        if v == "pass":
            return self.tr("✓ 合格")
        if v == "warn":
            return self.tr("! 合格，但有提醒") if not item.wrong_kind else self.tr("! 检测合格，但材料类型不符")
        if v == "error":
            return self.tr("? 无法检测")
        names = [i18n.pick(check_title(c)) for c in item.row.failing]
        return i18n.fmt(self.tr("✗ 不合格：%1"), "、".join(names) if i18n.current() != "en" else ", ".join(names))

    def short_text(self, item: Any) -> str:
        """The verdict in a word, for narrow lists."""
        v = self.verdict(item)
        words = {"pending": self.tr("检测中…"), "cancelled": self.tr("未检测"), "pass": self.tr("✓ 合格"),
                 "warn": self.tr("! 提醒"), "fail": self.tr("✗ 不合格"), "error": self.tr("? 无法检测")}
        return words.get(v, v)

    def kind_text(self, item: Any, pack: Any = None) -> str:
        """What the document looks like, by the pack's name, and whether the slot expects it."""
        from ..labels import document_kind_name

        kind = item.document_kind
        if not kind:
            return ""
        name = i18n.pick(document_kind_name(kind, pack))
        if item.wrong_kind:
            return i18n.fmt(self.tr("! 识别为：%1（与材料项“%2”不符）"), name, i18n.pick(item.slot_name))
        return i18n.fmt(self.tr("识别为：%1"), name)

    def tags(self, item: Any) -> list[str]:
        """The short warning tags of a thumbnail."""
        out = []
        if item.wrong_kind:
            out.append(self.tr("类型不符"))
        if item.tampered:
            out.append(self.tr("已改动"))
        elif item.seal_ok is False:
            out.append(self.tr("无印记"))
        if item.notes and not item.wrong_kind:
            out.append(self.tr("有提醒"))
        return out

    def integrity_text(self, item: Any) -> str:
        if item.member is None:
            return "—"
        if item.row is None:
            return self.tr("检测中…")
        if item.tampered:
            return self.tr("✗ 已被改动")
        seal = item.seal_ok
        if seal is None:
            return self.tr("✓ 哈希一致")
        return self.tr("✓ 哈希一致，印记完好") if seal else self.tr("✓ 哈希一致，✗ 印记缺失或损坏")

    def decision_text(self, item: Any) -> str:
        decision, reason, pending = self.decision_of(item)
        if decision is None:
            return self.tr("未审核")
        text = self.tr("通过") if decision == "accepted" else i18n.fmt(self.tr("退回：%1"), i18n.pick(reason))
        return i18n.fmt(self.tr("%1（待导出）"), text) if pending else text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        it = self._items[index.row()]
        col = index.column()
        if role == self.ItemRole:
            return it
        if role == self.VerdictRole:
            return self.verdict(it)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_FILE:
                if it.slot_name is not None:
                    return f"{i18n.pick(it.slot_name)} {it.index}/{it.count}"
                return it.original
            if col == self.COL_SLOT:
                return i18n.pick(it.slot_name) if it.slot_name else "—"
            if col == self.COL_CHECK:
                return self.check_text(it)
            if col == self.COL_INTEGRITY:
                return self.integrity_text(it)
            if col == self.COL_DECISION:
                return self.decision_text(it)
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_FILE:
            icon = self._icons.get(index.row())
            if icon is None:
                decision, _r, _p = self.decision_of(it)
                mark = {"accepted": self.tr("✔ 通过"), "rejected": self.tr("↩ 退回")}.get(decision or "", "")
                icon = QIcon(badged(it.thumb, self.THUMB, self.verdict(it), mark, tags=self.tags(it)))
                self._icons[index.row()] = icon
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(x for x in [it.original or it.label, self.check_text(it), self.kind_text(it),
                                          *(i18n.pick(w) for w in it.notes), self.integrity_text(it),
                                          self.decision_text(it)] if x)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_CHECK:
            return QBrush(VERDICT_COLOURS.get(self.verdict(it), QColor("black")))
        return None
