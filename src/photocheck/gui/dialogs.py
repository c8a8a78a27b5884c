"""Every modal dialog of the app goes through one ``Dialogs`` object.

Views receive it from the main window; tests hand in a scripted stand-in, and
screenshot mode uses ``headless=True`` so nothing ever blocks on a modal loop.
Error messages show the current language first and, in the Chinese UI, the
English line under it; never a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QMessageBox, QWidget

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

    def show_folder(self, parent: QWidget | None, folder: str) -> None:
        """Open a folder in the file manager; where none opens, say where the folder is."""
        self.shown.append(folder)
        if self.headless:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.info(parent, QCoreApplication.translate("Dialogs", "打开文件夹"),
                      QCoreApplication.translate("Dialogs", "没有能打开文件夹的程序。文件夹在这里："), folder)

    # -- files ----------------------------------------------------------------------------
    def open_files(self, parent: QWidget | None, title: str, folder: str, filters: str) -> list[str]:
        if self.headless:
            return []
        return _run(file_dialog(parent, title, folder, filters, QFileDialog.FileMode.ExistingFiles))

    def open_file(self, parent: QWidget | None, title: str, folder: str, filters: str) -> str:
        if self.headless:
            return ""
        return next(iter(_run(file_dialog(parent, title, folder, filters, QFileDialog.FileMode.ExistingFile))), "")

    def save_file(self, parent: QWidget | None, title: str, path: str, filters: str) -> str:
        """Ask where to save; the caller asks before overwriting (one place, testable)."""
        if self.headless:
            return ""
        d = file_dialog(parent, title, path, filters, QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave)
        d.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
        return next(iter(_run(d)), "")

    def open_dir(self, parent: QWidget | None, title: str, folder: str) -> str:
        """A folder; it may be one the user typed that does not exist yet (FolderDialog):
        the caller creates it after asking, or refuses with the reason."""
        if self.headless:
            return ""
        return next(iter(_run(file_dialog(parent, title, folder, "", QFileDialog.FileMode.Directory))), "")


def native_dialogs() -> bool:
    """Windows' own file dialogs, in the system's language, where they exist; elsewhere Qt's
    own dialog, which the app's translators (qtbase and i18n.QtGaps) put in the app's language
    (a desktop's native dialog, such as GTK's, would follow the desktop's language instead)."""
    return sys.platform == "win32"


class FolderDialog(QFileDialog):
    """Qt's folder chooser, but a typed folder that does not exist is an answer.

    Qt disables its button for such a name and ignores Enter, so nothing happens and
    nothing is said. Here Enter accepts the typed path; ``chosen`` gives it."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.typed = ""
        self._edit: QLineEdit | None = None

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        if self._edit is None:
            self._edit = self.findChild(QLineEdit, "fileNameEdit")
            if self._edit is not None:
                self._edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self._edit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            text = self._edit.text().strip() if self._edit else ""
            if text:
                path = Path(os.path.expanduser(text))
                if not path.is_absolute():
                    path = Path(self.directory().absolutePath()) / path
                if not path.exists():
                    self.typed = str(path)
                    self.done(QDialog.DialogCode.Accepted)
                    return True
        return super().eventFilter(watched, event)

    def chosen(self) -> list[str]:
        return [self.typed] if self.typed else self.selectedFiles()


def file_dialog(parent: QWidget | None, title: str, folder: str, filters: str, mode: QFileDialog.FileMode,
                accept: QFileDialog.AcceptMode = QFileDialog.AcceptMode.AcceptOpen) -> QFileDialog:
    """The file dialog every question about files goes through (see ``native_dialogs``)."""
    cls = FolderDialog if mode == QFileDialog.FileMode.Directory else QFileDialog
    d = cls(parent, title, folder, filters)
    if not native_dialogs():
        d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    d.setFileMode(mode)
    d.setAcceptMode(accept)
    if mode == QFileDialog.FileMode.Directory:
        d.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return d


def _run(d: QFileDialog) -> list[str]:
    try:
        if d.exec() != QDialog.DialogCode.Accepted:
            return []
        return d.chosen() if isinstance(d, FolderDialog) else d.selectedFiles()
    finally:
        d.deleteLater()


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".tif", ".tiff")
MATERIAL_SUFFIXES = IMAGE_SUFFIXES + (".pdf",)


def image_filter() -> str:
    return QCoreApplication.translate("Dialogs", "图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)")


def material_filter() -> str:
    return QCoreApplication.translate("Dialogs", "图片或 PDF (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff *.pdf);;所有文件 (*)")


def folder_of(path: str) -> str:
    p = Path(path)
    return str(p if p.is_dir() else p.parent)
