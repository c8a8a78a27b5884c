"""Every persisted setting, declared once with its key, type, default and title.

Values live in ``QSettings`` (the registry on Windows, an ini file elsewhere).
Tests and screenshot mode pass their own ``QSettings`` so nothing of the user's
is read or changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QSettings

from ..rules import DEFAULT_PACK

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T
    title: str           # translatable, context "Settings"

    def label(self) -> str:
        return QCoreApplication.translate("Settings", self.title)


LAST_FOLDER: Setting[str] = Setting("paths/last_folder", str, "",
                                    QT_TRANSLATE_NOOP("Settings", "上次打开的文件夹"))
LAST_PACKAGE_FOLDER: Setting[str] = Setting("paths/last_package_folder", str, "",
                                            QT_TRANSLATE_NOOP("Settings", "上次打开的材料包文件夹"))
GEOMETRY: Setting[QByteArray] = Setting("window/geometry", QByteArray, QByteArray(),
                                        QT_TRANSLATE_NOOP("Settings", "窗口位置和大小"))
LANGUAGE: Setting[str] = Setting("ui/language", str, "",
                                 QT_TRANSLATE_NOOP("Settings", "界面语言（空为跟随系统）"))
RULE_PACK: Setting[str] = Setting("rules/pack", str, DEFAULT_PACK,
                                  QT_TRANSLATE_NOOP("Settings", "规则包（考试、考区、年份）"))
SHOW_OVERLAY: Setting[bool] = Setting("photo/show_overlay", bool, True,
                                      QT_TRANSLATE_NOOP("Settings", "在照片上标出检测结果"))
REVIEWER: Setting[str] = Setting("review/reviewer", str, "",
                                 QT_TRANSLATE_NOOP("Settings", "审核人员姓名"))
LAST_PAGE: Setting[str] = Setting("ui/last_page", str, "photo",
                                  QT_TRANSLATE_NOOP("Settings", "上次使用的页面"))

ALL: tuple[Setting[Any], ...] = (LAST_FOLDER, LAST_PACKAGE_FOLDER, GEOMETRY, LANGUAGE,
                                 RULE_PACK, SHOW_OVERLAY, REVIEWER, LAST_PAGE)


class Settings:
    """Typed access to the declared settings."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else QSettings("photocheck", "photocheck")

    @classmethod
    def at(cls, path: str | Path) -> "Settings":
        """Settings kept in an ini file of their own (tests, screenshot mode)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, s: Setting[T]) -> T:
        if s.type is bool:
            v = self.store.value(s.key, s.default)
            if isinstance(v, str):
                return (v.lower() in ("1", "true", "yes")) if v else s.default  # type: ignore[return-value]
            return bool(v)  # type: ignore[return-value]
        if s.type is QByteArray:
            v = self.store.value(s.key, s.default)
            return v if isinstance(v, QByteArray) else s.default
        v = self.store.value(s.key, s.default)
        try:
            return s.type(v) if v is not None else s.default  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return s.default

    def set(self, s: Setting[T], value: T) -> None:
        self.store.setValue(s.key, value)

    def sync(self) -> None:
        self.store.sync()
