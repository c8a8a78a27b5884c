"""照片检测: open a portrait, see every rule's verdict on it, fix it in one click, save it.

The official tool's steps stay visible as the three buttons: ①打开照片文件,
一键修复 (what it never had), ②保存照片文件.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, QLocale, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QTabBar, QTableView, QVBoxLayout,
                               QWidget)

from ...checks.base import FileReport, Status
from ...errors import FixRefused, PhotocheckError
from .. import i18n
from .. import settings as S
from ..controller import AppController, Fixed, Inspected, PhotoSession
from ..dialogs import Dialogs, folder_of, image_filter
from ..settings import Settings
from ..tables import ChecklistColumns, ChecklistModel, min_table_height
from ..widgets import Banner, FileDrops, ImageView, split_dropped


def human_size(n: int | None) -> str:
    """A file's size as shown beside the photo: whole bytes (the rule is in bytes, so no
    rounding can make a passing size look like 30.0 KB), MB rounded down for big files."""
    if n is None:
        return "—"
    if n >= 1_000_000:
        return QLocale().toString(math.floor(n / 100_000) / 10, "f", 1) + " MB"
    return i18n.fmt(QCoreApplication.translate("PhotoPage", "%1 字节"), QLocale().toString(n))


class PhotoPage(QWidget):
    ORIGINAL, RESULT = 0, 1

    def __init__(self, app: AppController, session: PhotoSession, settings: Settings, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app, self.session, self.settings, self.dialogs = app, session, settings, dialogs
        self.drops = FileDrops(self, self.drop_paths)
        self._phase = "empty"          # empty | checking | checked | fixing | fixed | refused | saved
        self._refusal: PhotocheckError | None = None
        self._saved_path = ""

        # -- actions row ------------------------------------------------------------------
        self.open_btn = QPushButton()
        self.fix_btn = QPushButton()
        self.save_btn = QPushButton()
        self.cancel_btn = QPushButton()        # shown while a check or a fix runs
        self.cancel_btn.hide()
        for b in (self.open_btn, self.fix_btn, self.save_btn, self.cancel_btn):
            b.setMinimumHeight(b.fontMetrics().height() * 2)
        self.open_btn.setDefault(True)
        self.overlay_box = QCheckBox()
        self.overlay_box.setChecked(settings.get(S.SHOW_OVERLAY))
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.next_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()
        top.addWidget(self.open_btn)
        top.addWidget(self.fix_btn)
        top.addWidget(self.save_btn)
        top.addWidget(self.cancel_btn)
        top.addSpacing(self.fontMetrics().height())
        top.addWidget(self.next_label, 1)
        top.addWidget(self.overlay_box)

        # -- the two photos ---------------------------------------------------------------
        self.original_view = ImageView()
        self.result_view = ImageView()
        self.original_title = QLabel()
        self.result_title = QLabel()
        for t in (self.original_title, self.result_title):
            f = t.font()
            f.setBold(True)
            t.setFont(f)
        self.original_info = QLabel()
        self.result_info = QLabel()
        for lab in (self.original_info, self.result_info):
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_btn = QPushButton()
        self.open_folder_btn.hide()

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.original_title)
        lv.addWidget(self.original_view, 1)
        lv.addWidget(self.original_info)
        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.addWidget(self.result_title)
        mv.addWidget(self.result_view, 1)
        mv.addWidget(self.result_info)
        mv.addWidget(self.open_folder_btn, 0, Qt.AlignmentFlag.AlignLeft)

        # -- the checklist ----------------------------------------------------------------
        self.banner = Banner()
        self.which = QTabBar()
        self.which.addTab("")
        self.which.addTab("")
        self.which.setTabEnabled(self.RESULT, False)
        self.model = ChecklistModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        # every row as tall as its wrapped text, whatever the column's width: no "…"; the
        # check's name never takes the width the detail needs
        self.table_columns = ChecklistColumns(self.table)
        self.table.setMinimumHeight(min_table_height(self.table, rows=3))
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reminders = QGroupBox()
        self.reminder_text = QLabel()
        self.reminder_text.setWordWrap(True)
        rv = QVBoxLayout(self.reminders)
        rv.addWidget(self.reminder_text)
        # the selected row's detail and the reminders scroll when the screen is short;
        # the verdict and the table above them stay in view
        notes_box = QWidget()
        nv = QVBoxLayout(notes_box)
        nv.setContentsMargins(0, 0, 0, 0)
        nv.addWidget(self.detail)
        nv.addWidget(self.reminders)
        nv.addStretch(1)
        self.notes = QScrollArea()
        self.notes.setWidget(notes_box)
        self.notes.setWidgetResizable(True)
        self.notes.setFrameShape(QFrame.Shape.NoFrame)
        self.notes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes.setMinimumHeight(self.fontMetrics().height() * 3)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.banner)
        rl.addWidget(self.which)
        rl.addWidget(self.table, 3)
        rl.addWidget(self.notes, 2)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (left, middle, right):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setChildrenCollapsible(False)
        self._sized = False

        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.splitter, 1)

        # -- wiring -----------------------------------------------------------------------
        self.open_btn.clicked.connect(self.request_open)
        self.fix_btn.clicked.connect(self.session.fix)
        self.save_btn.clicked.connect(self.request_save)
        self.cancel_btn.clicked.connect(self.request_cancel)
        self.overlay_box.toggled.connect(self._overlay_toggled)
        self.open_folder_btn.clicked.connect(self._open_folder)
        self.which.currentChanged.connect(lambda _i: self._show_checklist())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_detail(cur))
        session.opening.connect(self._on_opening)
        session.opened.connect(self._on_opened)
        session.fixing.connect(self._on_fixing)
        session.fixed.connect(self._on_fixed)
        session.fixFailed.connect(self._on_fix_failed)
        session.saved.connect(self._on_saved)
        session.failed.connect(lambda e: self.dialogs.error(self, e))
        session.cancelled.connect(self._on_cancelled)
        app.packChanged.connect(lambda _p: self._update_reminders())
        self.retranslate()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        if not self._sized:  # photos get a fair share; the table's own size hint would take most
            self._sized = True
            w = max(self.splitter.width(), self.fontMetrics().height() * 40)
            self.splitter.setSizes([w * 28 // 100, w * 28 // 100, w * 44 // 100])

    # -- user actions ---------------------------------------------------------------------
    def request_open(self) -> None:
        path = self.dialogs.open_file(self, self.tr("打开照片文件"), self.settings.get(S.LAST_FOLDER), image_filter())
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        self.settings.set(S.LAST_FOLDER, folder_of(path))
        self.session.open(path)

    def request_fix(self) -> None:
        if self.fix_btn.isEnabled():
            self.session.fix()

    def request_save(self) -> None:
        if not self.session.can_save:
            self.app.status.emit(self._why_no_save())     # Ctrl+S with nothing to save says why
            return
        default = self.session.default_save_path()
        path = self.dialogs.save_file(self, self.tr("保存照片文件"), str(default or ""), self.tr("JPG 照片 (*.jpg)"))
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".jpg", ".jpeg"):
            target = target.with_name(target.name + ".jpg")
        overwrite = False
        if target.exists():
            if not self.dialogs.confirm(self, self.tr("文件已存在"),
                                        i18n.fmt(self.tr("%1 已经存在。要替换它吗？"), target.name),
                                        self.tr("原来的文件会被新的报名照片替换。")):
                return
            overwrite = True
        self.session.save(target, overwrite=overwrite)

    def _overlay_toggled(self, on: bool) -> None:
        self.settings.set(S.SHOW_OVERLAY, on)
        self.original_view.set_overlay_visible(on)
        self.result_view.set_overlay_visible(on)

    def _why_no_save(self) -> str:
        s = self.session
        if self._phase in ("checking", "fixing"):
            return self.tr("正在处理，请稍候；完成后才能保存。")
        if s.original is None:
            return self.tr("还没有可保存的照片：先打开照片，再点击“一键修复”。")
        if s.result is None:
            return self.tr("先点击“一键修复”：生成合格的报名照片后才能保存。")
        return self.tr("修复后的照片仍不合格，不能保存。请按右侧提示重新拍摄。")

    def request_cancel(self) -> None:
        """Stop waiting for the check or the fix: the page is usable again at once (the
        worker finishes the step it is in, and its result is dropped)."""
        if self._phase in ("checking", "fixing"):
            self.session.cancel()

    def _on_cancelled(self) -> None:
        was_fixing = self._phase == "fixing"
        self._phase = "checked" if self.session.original is not None else "empty"
        if not was_fixing:
            self.original_info.clear()
        self.result_view.set_placeholder(self._result_placeholder())
        self.app.status.emit(self.tr("已取消修复。") if was_fixing else self.tr("已取消检测。"))
        self._refresh()
        self._show_checklist()

    def _open_folder(self) -> None:
        if self._saved_path:
            self.dialogs.show_folder(self, str(Path(self._saved_path).parent))

    # -- drag and drop --------------------------------------------------------------------
    def drop_paths(self, paths: list[str]) -> None:
        """Files or folders dropped on the page: the first photo is opened; the rest is said."""
        files, folders = split_dropped(paths)
        if not files:
            self.dialogs.info(self, self.tr("请拖入照片文件"),
                              i18n.fmt(self.tr("“%1”是文件夹。照片检测一次检查一张照片：请把照片文件拖到这里。"),
                                       Path(folders[0]).name))
            return
        if self._phase in ("checking", "fixing"):
            self.app.status.emit(self.tr("正在处理上一张照片，请稍候再拖入，或先点击“取消”。"))
            return
        self.open_path(files[0])
        if len(paths) > 1:
            self.app.status.emit(i18n.fmt(self.tr("一次检测一张照片：已打开 %1，其余 %2 项没有打开。"),
                                          Path(files[0]).name, len(paths) - 1))

    # -- session signals ------------------------------------------------------------------
    def _on_opening(self, path: str) -> None:
        self._phase = "checking"
        self._refusal = None
        self.result_view.set_placeholder(self._result_placeholder())
        self._saved_path = ""
        self.original_view.set_image(None)
        self.result_view.set_image(None)
        self.model.set_report(None)
        self.which.setTabEnabled(self.RESULT, False)
        self.which.setCurrentIndex(self.ORIGINAL)
        self.original_info.setText(Path(path).name)
        self._refresh()

    def _on_opened(self, r: Inspected) -> None:
        self._phase = "checked"
        self.original_view.set_image(r.image)
        self.original_view.set_shapes(r.shapes)
        self._refresh()
        self._show_checklist()

    def _on_fixing(self) -> None:
        self._phase = "fixing"
        self._refusal = None
        self.result_view.set_image(None)
        self.result_view.set_placeholder(self._result_placeholder())
        self._refresh()

    def _on_fixed(self, f: Fixed) -> None:
        self._phase = "fixed"
        self.result_view.set_image(f.result.image)
        self.result_view.set_shapes(f.result.shapes)
        self.which.setTabEnabled(self.RESULT, True)
        self.which.setCurrentIndex(self.RESULT)
        self._refresh()
        self._show_checklist()

    def _on_fix_failed(self, e: PhotocheckError) -> None:
        self._phase = "refused"
        self._refusal = e
        self.result_view.set_placeholder(self._result_placeholder())   # the reason, where the photo would be
        self._refresh()

    def _refusal_text(self) -> str:
        e = self._refusal
        if e is None:
            return ""
        text = i18n.pick(e.text)
        if e.hint:
            text += "\n→ " + i18n.pick(e.hint)
        prefix = self.tr("无法修复：") if isinstance(e, FixRefused) else self.tr("出错了：")
        return prefix + text

    def _result_placeholder(self) -> str:
        if self._phase == "refused" and self._refusal is not None:
            return self._refusal_text()
        if self._phase == "fixing":
            return self.tr("正在修复…")
        return self.tr("点击“一键修复”后，\n合格的报名照片显示在这里")

    def _on_saved(self, path: str) -> None:
        self._phase = "saved"
        self._saved_path = path
        self._refresh()

    # -- showing --------------------------------------------------------------------------
    def current_report(self) -> FileReport | None:
        if self.which.currentIndex() == self.RESULT and self.session.result is not None:
            return self.session.result.result.report
        return self.session.original.report if self.session.original else None

    def _show_checklist(self) -> None:
        showing_result = self.which.currentIndex() == self.RESULT and self.session.result is not None
        self.model.set_report(self.current_report(), fixed=showing_result)
        self.table.resizeRowsToContents()
        row = self.model.first_problem_row()
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self.detail.clear()
        self._refresh_banner()

    def _show_detail(self, index: QModelIndex) -> None:
        if not index.isValid():
            self.detail.clear()
            return
        m = self.model
        row = index.row()
        parts = [f"{m.index(row, m.COL_STATUS).data()} {m.index(row, m.COL_TITLE).data()}: "
                 f"{m.index(row, m.COL_MESSAGE).data()}"]
        check = m.check_at(row)
        if check is not None and check.measured is not None:
            parts.append(m.measured_line(check))
        hint = index.data(ChecklistModel.HintRole)
        if hint:
            parts.append(i18n.fmt(self.tr("怎么办：%1"), hint))
        self.detail.setText("\n".join(parts))

    def _refresh_banner(self) -> None:
        rep = self.current_report()
        showing_result = self.which.currentIndex() == self.RESULT
        if self._phase == "checking":
            self.banner.set_state("busy", self.tr("正在检测…"))
        elif self._phase == "fixing":
            self.banner.set_state("busy", self.tr("正在修复…"))
        elif rep is None:
            self.banner.set_state("neutral", self.tr("还没有打开照片"))
        elif rep.error is not None:
            self.banner.set_state("fail", self.tr("无法检测这个文件"))
        elif not rep.passed:
            n = len(rep.failing)
            text = (self.tr("检测结果照片仍不合格：%n 项未通过", "", n) if showing_result
                    else self.tr("原照片不合格：%n 项未通过", "", n))
            self.banner.set_state("fail", text)
        elif rep.warnings:
            n = len(rep.warnings)
            text = (self.tr("检测结果照片合格（有 %n 项提醒）", "", n) if showing_result
                    else self.tr("原照片合格（有 %n 项提醒）", "", n))
            self.banner.set_state("warn", text)
        else:
            self.banner.set_state("pass", self.tr("检测结果照片合格") if showing_result else self.tr("原照片合格"))

    def _refresh(self) -> None:
        """Enable what can be done next and say it in words."""
        s = self.session
        busy = self._phase in ("checking", "fixing")
        has_photo = s.original is not None and s.original.report.error is None
        self.open_btn.setEnabled(not busy)
        self.cancel_btn.setVisible(busy)
        self.fix_btn.setEnabled(has_photo and not busy)
        self.save_btn.setEnabled(s.can_save and not busy)
        self.open_folder_btn.setVisible(self._phase == "saved")
        self._refresh_banner()
        self._refresh_infos()
        self.next_label.setText(self._next_step())

    def _next_step(self) -> str:
        s = self.session
        rep = s.original.report if s.original else None
        if self._phase == "empty":
            return self.tr("第一步：点击“①打开照片文件”，或把照片拖到窗口里。")
        if self._phase == "checking":
            return self.tr("正在检测照片，请稍候…")
        if self._phase == "fixing":
            return self.tr("正在自动裁剪、换白底并压缩，请稍候…")
        if rep is not None and rep.error is not None:
            return self.tr("这个文件无法检测。请换一张照片（JPG 或 PNG）。")
        if self._phase == "refused":
            return self.tr("无法自动修复这张照片，请按右侧提示重新拍摄。")
        if self._phase == "saved":
            return i18n.fmt(self.tr("已保存：%1。上传报名系统时请选择这个文件。"), self._saved_path)
        if self._phase == "fixed" and s.result is not None:
            if s.result.ok:
                return self.tr("检测结果照片合格。保存前请看一眼：头发和肩膀旁不应留有原背景。然后点击“②保存照片文件”。")
            return self.tr("修复后的照片仍不合格，无法保存。请按右侧提示重新拍摄。")
        if rep is not None and rep.passed:
            return self.tr("原照片合格。点击“一键修复”生成带检测印记的报名照片，然后保存。")
        return self.tr("点击“一键修复”：自动摆正、裁剪、换白底并压缩到规定大小。")

    def _refresh_infos(self) -> None:
        s = self.session
        if s.original is not None:
            o = s.original
            dims = f"{o.pixels[0]} × {o.pixels[1]}" if o.pixels else "—"
            self.original_info.setText(i18n.fmt(self.tr("%1 · %2 · %3 像素"), Path(s.path or o.label).name,
                                                human_size(o.size_bytes), dims))
        elif self._phase == "empty":
            self.original_info.clear()
        if self._phase == "refused" and self._refusal is not None:
            self.result_info.setText(self._refusal_text())
        elif s.result is not None:
            r = s.result
            dims = f"{r.result.pixels[0]} × {r.result.pixels[1]}" if r.result.pixels else "—"
            steps = "；".join(i18n.pick(t) for t in r.steps) if i18n.current() != "en" else \
                "; ".join(i18n.pick(t) for t in r.steps)
            line = i18n.fmt(self.tr("%1 · %2 · %3 像素"), r.result.label, human_size(len(r.data)), dims)
            self.result_info.setText(line + (("\n" + self.tr("已完成：") + steps) if steps else ""))
        else:
            self.result_info.clear()

    def _update_reminders(self) -> None:
        items = self.app.pack.photo.reminders.texts()
        self.reminders.setVisible(bool(items))
        self.reminder_text.setText("\n".join("• " + i18n.pick(t) for t in items))

    # -- language ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.open_btn.setText(self.tr("①打开照片文件"))
        self.open_btn.setToolTip(self.tr("选择一张照片（Ctrl+O），也可以把照片拖到窗口里"))
        self.fix_btn.setText(self.tr("一键修复"))
        self.fix_btn.setToolTip(self.tr("自动摆正、按标准裁剪、换成白色背景，并压缩到规定大小以内"))
        self.save_btn.setText(self.tr("②保存照片文件"))
        self.save_btn.setToolTip(self.tr("保存合格的检测结果照片（Ctrl+S），默认保存在原照片旁边"))
        self.overlay_box.setText(self.tr("在照片上标注"))
        self.overlay_box.setToolTip(self.tr("画出人脸框、眼睛连线、头顶和下巴的位置、头部应在的范围，以及不合格的背景区域"))
        self.open_folder_btn.setText(self.tr("打开所在文件夹"))
        self.original_title.setText(self.tr("原照片"))
        self.result_title.setText(self.tr("检测结果照片"))
        self.which.setTabText(self.ORIGINAL, self.tr("原照片的检测"))
        self.which.setTabText(self.RESULT, self.tr("检测结果照片的检测"))
        self.original_view.set_placeholder(self.tr("把照片拖到这里\n或点击“①打开照片文件”"))
        self.result_view.set_placeholder(self._result_placeholder())
        self.cancel_btn.setText(self.tr("取消"))
        self.cancel_btn.setToolTip(self.tr("不再等待这次检测或修复"))
        self.reminders.setTitle(self.tr("以下几项无法自动检测，请自己确认"))
        self._update_reminders()
        self.model.retranslate()
        self.table.resizeRowsToContents()
        self._show_detail(self.table.currentIndex())
        self._refresh()

    # -- for tests and screenshots ----------------------------------------------------------
    def layout_parts(self) -> dict[str, QWidget]:
        """What must be on screen whatever its size: the verdict and the result table."""
        return {"verdict": self.banner, "table": self.table}

    def status_of(self, check_id: str) -> Status | None:
        rep = self.current_report()
        c = rep.get(check_id) if rep else None
        return c.status if c else None
