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
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel,
                               QLineEdit, QMessageBox, QVBoxLayout, QWidget)

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

    def unsaved(self, parent: QWidget | None, title: str, text: str, details: str = "") -> str:
        """Save, discard or cancel: "save" | "discard" | "cancel" (headless: cancel, nothing is lost)."""
        self.shown.append(text)
        if self.headless:
            return "cancel"
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, title, text, B.Save | B.Discard | B.Cancel, parent)
        box.button(B.Save).setText(QCoreApplication.translate("Dialogs", "导出"))
        box.button(B.Discard).setText(QCoreApplication.translate("Dialogs", "放弃这些意见"))
        box.button(B.Cancel).setText(QCoreApplication.translate("Dialogs", "取消"))
        if details:
            box.setInformativeText(details)
        box.setDefaultButton(B.Save)
        answer = box.exec()
        return {B.Save: "save", B.Discard: "discard"}.get(answer, "cancel")  # type: ignore[call-overload]

    def reason(self, parent: QWidget | None, title: str, text: str, templates: list[tuple[str, str]]
               ) -> tuple[str, str] | None:
        """A send-back reason: (template id or "", free text), at least one of them given;
        ``templates`` are (id, label). None when cancelled. Nothing is preselected."""
        self.shown.append(text)
        if self.headless:
            return None
        d = ReasonDialog(parent, title, text, templates)
        try:
            return d.answer() if d.exec() == QDialog.DialogCode.Accepted else None
        finally:
            d.deleteLater()

    def open_report(self, parent: QWidget | None, path: str) -> bool:
        """Open a file in its default program (the browser for a report); where none opens,
        show where it is with a button that copies the path. True when it opened."""
        self.shown.append(path)
        if self.headless:
            return False
        if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            return True
        self.copyable(parent, QCoreApplication.translate("Dialogs", "打开报告"),
                      QCoreApplication.translate("Dialogs", "没有能打开报告的浏览器。报告在这里："), path)
        return False

    def copyable(self, parent: QWidget | None, title: str, text: str, path: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent)
        box.setInformativeText(path)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = box.addButton(QCoreApplication.translate("Dialogs", "复制路径"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(path))
        box.exec()

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

    def open_package(self, parent: QWidget | None, title: str, folder: str) -> str:
        """A package: a .zip file or a package folder (one holding manifest.json)."""
        if self.headless:
            return ""
        filters = QCoreApplication.translate("Dialogs", "材料包 (*.zip manifest.json);;所有文件 (*)")
        d = file_dialog(parent, title, folder, filters, QFileDialog.FileMode.ExistingFile, cls=PackageDialog)
        return next(iter(_run(d)), "")

    def open_dir(self, parent: QWidget | None, title: str, folder: str) -> str:
        """A folder; it may be one the user typed that does not exist yet (FolderDialog):
        the caller creates it after asking, or refuses with the reason."""
        if self.headless:
            return ""
        return next(iter(_run(file_dialog(parent, title, folder, "", QFileDialog.FileMode.Directory))), "")


class ReasonDialog(QDialog):
    """Why a file goes back: a template (none chosen at first) and/or a note; OK only with one."""

    def __init__(self, parent: QWidget | None, title: str, text: str, templates: list[tuple[str, str]]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.combo = QComboBox()
        self.combo.addItem(QCoreApplication.translate("Dialogs", "（请选择理由）"), "")
        for tid, label in templates:
            self.combo.addItem(label, tid)
        self.combo.setCurrentIndex(0)
        self.note = QLineEdit()
        self.note.setPlaceholderText(QCoreApplication.translate("Dialogs", "写给考生的具体说明（没有合适的模板时必填）"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(QCoreApplication.translate("Dialogs", "退回"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Dialogs", "取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        label = QLabel(text)
        label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Dialogs", "退回理由："), self.combo)
        form.addRow(QCoreApplication.translate("Dialogs", "补充说明："), self.note)
        v = QVBoxLayout(self)
        v.addWidget(label)
        v.addLayout(form)
        v.addWidget(self.buttons)
        self.combo.currentIndexChanged.connect(self._update)
        self.note.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.answer() is not None)

    def answer(self) -> tuple[str, str] | None:
        tid, note = self.combo.currentData() or "", self.note.text().strip()
        return (tid, note) if tid or note else None


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


class PackageDialog(QFileDialog):
    """Opens a package either way it comes: a .zip is a file, a package folder is chosen by
    selecting it (or standing in it, or picking its manifest.json) and pressing Open;
    other folders are entered as usual."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.typed = ""
        self._shown = False
        # a package folder, once highlighted, names itself in the file name box (Qt leaves
        # the box empty for folders, which keeps Open disabled); entering it opens it
        self.currentChanged.connect(self._highlighted)
        self.directoryEntered.connect(self._entered)

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        self._shown = True

    def _highlighted(self, path: str) -> None:
        edit = self.findChild(QLineEdit, "fileNameEdit")
        if edit is not None and Path(path).is_dir() and self.package_of(path):
            edit.setText(Path(path).name)

    def _entered(self, path: str) -> None:
        if self._shown and self.package_of(path):
            self.typed = self.package_of(path)
            self.done(QDialog.DialogCode.Accepted)

    @staticmethod
    def package_of(path: str) -> str:
        """The package a chosen path stands for, or ''."""
        from ..submission.store import MANIFEST

        p = Path(path)
        if p.is_dir() and (p / MANIFEST).is_file():
            return str(p)
        if p.is_file() and p.name == MANIFEST:
            return str(p.parent)
        if p.is_file() and p.suffix.lower() == ".zip":
            return str(p)
        return ""

    def accept(self) -> None:
        chosen = [self.package_of(f) for f in self.selectedFiles()]
        edit = self.findChild(QLineEdit, "fileNameEdit")
        if not (edit is not None and edit.text().strip()):
            chosen.append(self.package_of(self.directory().absolutePath()))
        pkg = next((c for c in chosen if c), "")
        if pkg:
            self.typed = pkg
            self.done(QDialog.DialogCode.Accepted)
            return
        super().accept()

    def chosen(self) -> list[str]:
        return [self.typed] if self.typed else self.selectedFiles()


def file_dialog(parent: QWidget | None, title: str, folder: str, filters: str, mode: QFileDialog.FileMode,
                accept: QFileDialog.AcceptMode = QFileDialog.AcceptMode.AcceptOpen,
                cls: type[QFileDialog] | None = None) -> QFileDialog:
    """The file dialog every question about files goes through (see ``native_dialogs``)."""
    cls = cls or (FolderDialog if mode == QFileDialog.FileMode.Directory else QFileDialog)
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
        return d.chosen() if isinstance(d, (FolderDialog, PackageDialog)) else d.selectedFiles()
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
