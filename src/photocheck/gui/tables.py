"""Qt item models over the library's result dataclasses (named columns, custom roles)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..checks.base import CheckResult, FileReport, Status
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


def _key_name(key: str, check_id: str) -> str:
    names = _HEAD_KEYS if check_id == "head_size" and key in _HEAD_KEYS else _KEYS
    return QCoreApplication.translate("Values", names[key]) if key in names else str(key)


def format_value(v: Any, check_id: str = "") -> str:
    """A measured value or limit as one short line."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        v = v.item()  # numpy scalar
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, (list, tuple)):
        if len(v) == 2 and all(isinstance(x, (int, float)) for x in v):
            return f"{format_value(v[0])}–{format_value(v[1])}"
        return ", ".join(format_value(x) for x in v)
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            if isinstance(x, dict):
                continue  # nested detail (per region) is too much for one cell
            parts.append(f"{_key_name(str(k), check_id)} {format_value(x)}")
        return "，".join(parts) if i18n.current() != "en" else ", ".join(parts)
    return str(v)


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

    # -- data in --------------------------------------------------------------------------
    def set_report(self, report: FileReport | None) -> None:
        self.beginResetModel()
        self._report = report
        self.endResetModel()

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
        return i18n.fmt(self.tr("测得：%1　要求：%2"), format_value(c.measured, c.id), format_value(c.limit, c.id))

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
                    text += "\n" + self.measured_line(c)
                return text
            if col == self.COL_MEASURED:
                return format_value(c.measured, c.id)
            if col == self.COL_LIMIT:
                return format_value(c.limit, c.id)
        elif role == Qt.ItemDataRole.ToolTipRole:
            lines = [i18n.pick(c.message)]
            if c.measured is not None:
                lines.append(self.measured_line(c))
            hint = i18n.pick(c.hint) if c.status is not Status.PASS else ""
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
            return i18n.pick(c.hint) if c.status is not Status.PASS else ""
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
