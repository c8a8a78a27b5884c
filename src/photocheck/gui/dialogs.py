"""Every modal dialog of the app goes through one ``Dialogs`` object.

Views receive it from the main window; tests hand in a scripted stand-in, and
screenshot mode uses ``headless=True`` so nothing ever blocks on a modal loop.
Error messages show the current language first and, in the Chinese UI, the
English line under it; never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..errors import PhotocheckError
from ..text import Text
from . import i18n

log = logging.getLogger("photocheck.gui")


def error_lines(err: PhotocheckError | Text) -> tuple[str, str]:
    """(main text, details) of an error for the current language."""
    text = err.text if isinstance(err, PhotocheckError) else err
    hint = err.hint if isinstance(err, PhotocheckError) else None
    main = i18n.pick(text)
    extra = []
    if hint is not None and (hint.zh or hint.en):
        extra.append(i18n.pick(hint))
    if i18n.current() != "en" and text.en and text.en != text.zh:
        extra.append(text.en)
        if hint is not None and hint.en and hint.en != hint.zh:
            extra.append(hint.en)
    return main, "\n".join(extra)


class Dialogs:
    def __init__(self, *, headless: bool = False):
        self.headless = headless
        self.shown: list[str] = []   # what headless mode would have shown (for the log and tests)

    # -- messages -------------------------------------------------------------------------
    def error(self, parent: QWidget | None, err: PhotocheckError | Text, title: str | None = None) -> None:
        main, extra = error_lines(err)
        self._message(parent, QMessageBox.Icon.Warning, title or QCoreApplication.translate("Dialogs", "出错了"), main, extra)

    def info(self, parent: QWidget | None, title: str, text: str, details: str = "") -> None:
        self._message(parent, QMessageBox.Icon.Information, title, text, details)

    def _message(self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, extra: str) -> None:
        self.shown.append(text)
        if self.headless:
            log.info("dialog (headless): %s | %s", text, extra)
            return
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        if extra:
            box.setInformativeText(extra)
        box.exec()

    def confirm(self, parent: QWidget | None, title: str, text: str, details: str = "",
                default_yes: bool = False) -> bool:
        self.shown.append(text)
        if self.headless:
            return default_yes
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        if details:
            box.setInformativeText(details)
        box.setDefaultButton(QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    # -- files ----------------------------------------------------------------------------
    def open_files(self, parent: QWidget | None, title: str, folder: str, filters: str) -> list[str]:
        if self.headless:
            return []
        files, _ = QFileDialog.getOpenFileNames(parent, title, folder, filters)
        return files

    def open_file(self, parent: QWidget | None, title: str, folder: str, filters: str) -> str:
        if self.headless:
            return ""
        path, _ = QFileDialog.getOpenFileName(parent, title, folder, filters)
        return path

    def save_file(self, parent: QWidget | None, title: str, path: str, filters: str) -> str:
        """Ask where to save; the caller asks before overwriting (one place, testable)."""
        if self.headless:
            return ""
        out, _ = QFileDialog.getSaveFileName(parent, title, path, filters, "",
                                             QFileDialog.Option.DontConfirmOverwrite)
        return out

    def open_dir(self, parent: QWidget | None, title: str, folder: str) -> str:
        if self.headless:
            return ""
        return QFileDialog.getExistingDirectory(parent, title, folder)


def image_filter() -> str:
    return QCoreApplication.translate("Dialogs", "图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)")


def material_filter() -> str:
    return QCoreApplication.translate("Dialogs", "图片或 PDF (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff *.pdf);;所有文件 (*)")


def folder_of(path: str) -> str:
    p = Path(path)
    return str(p if p.is_dir() else p.parent)
