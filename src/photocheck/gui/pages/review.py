"""审核: a reviewer opens a package (or a folder), goes through its files in a grid
with a large zoomable view, sees seal, hash and check status per file, accepts or
sends back files or whole items with a reason, and writes the feedback into the
package. Batch audits of whole folders produce the HTML report.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from ...text import Text
from .. import i18n
from .. import settings as S
from ..controller import AppController, Inspected
from ..dialogs import Dialogs
from ..review_session import AuditSummary, ReviewItem, ReviewSession, ReviewSet
from ..settings import Settings
from ..tables import ChecklistModel, ReviewItemsModel
from ..widgets import Banner, ImageView, ProgressRow, local_files


def make_review_page(app: AppController, settings: Settings, dialogs: Dialogs) -> "ReviewPage":
    return ReviewPage(app, ReviewSession(app), settings, dialogs)


class ReviewPage(QWidget):
    def __init__(self, app: AppController, session: ReviewSession, settings: Settings, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app, self.session, self.settings, self.dialogs = app, session, settings, dialogs
        session.setParent(self)
        self.setAcceptDrops(True)
        self._current = -1
        self._detail: Inspected | None = None

        # -- top row -----------------------------------------------------------------------
        self.open_btn = QPushButton()
        self.folder_btn = QPushButton()
        self.audit_btn = QPushButton()
        self.banner = Banner()
        top = QHBoxLayout()
        top.addWidget(self.open_btn)
        top.addWidget(self.folder_btn)
        top.addWidget(self.audit_btn)
        top.addWidget(self.banner, 1)

        # -- grid ----------------------------------------------------------------------------
        self.model = ReviewItemsModel(self)
        self.grid = QListView()
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setWordWrap(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setIconSize(QSize(ReviewItemsModel.THUMB, ReviewItemsModel.THUMB))
        fm = self.fontMetrics()
        self.grid.setGridSize(QSize(ReviewItemsModel.THUMB + fm.height() * 2, ReviewItemsModel.THUMB + fm.height() * 3))
        self.grid.setSpacing(4)
        # two columns of thumbnails at any DPI
        self.grid.setMinimumWidth(self.grid.gridSize().width() * 2 + self.grid.verticalScrollBar().sizeHint().width()
                                  + fm.height())

        # -- large view ------------------------------------------------------------------------
        self.view = ImageView()
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.fit_btn = QPushButton()
        self.zoom_in_btn = QPushButton("+")
        self.zoom_out_btn = QPushButton("−")
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.file_label, 1)
        for b in (self.zoom_out_btn, self.fit_btn, self.zoom_in_btn):
            zoom_row.addWidget(b)
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.view, 1)
        cv.addLayout(zoom_row)

        # -- right: status, checklist, decision ----------------------------------------------------
        self.integrity_label = QLabel()
        self.integrity_label.setWordWrap(True)
        self.checklist = ChecklistModel(self)
        self.table = QTableView()
        self.table.setModel(self.checklist)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(ChecklistModel.COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(ChecklistModel.COL_TITLE, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(ChecklistModel.COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        for col in (ChecklistModel.COL_MESSAGE, ChecklistModel.COL_MEASURED, ChecklistModel.COL_LIMIT):
            self.table.setColumnHidden(col, True)

        self.decide_box = QGroupBox()
        self.reason_combo = QComboBox()
        self.reason_edit = QLineEdit()
        self.accept_file_btn = QPushButton()
        self.reject_file_btn = QPushButton()
        self.accept_slot_btn = QPushButton()
        self.reject_slot_btn = QPushButton()
        self.reason_label = QLabel()
        self.free_label = QLabel()
        form = QFormLayout()
        form.addRow(self.reason_label, self.reason_combo)
        form.addRow(self.free_label, self.reason_edit)
        row1 = QHBoxLayout()
        row1.addWidget(self.accept_file_btn)
        row1.addWidget(self.reject_file_btn)
        row2 = QHBoxLayout()
        row2.addWidget(self.accept_slot_btn)
        row2.addWidget(self.reject_slot_btn)
        dv = QVBoxLayout(self.decide_box)
        dv.addLayout(form)
        dv.addLayout(row1)
        dv.addLayout(row2)

        self.pending_box = QGroupBox()
        self.pending_list = QListWidget()
        self.pending_list.setMaximumHeight(fm.height() * 7)
        self.undo_btn = QPushButton()
        self.reviewer_label = QLabel()
        self.reviewer_edit = QLineEdit(settings.get(S.REVIEWER))
        self.apply_btn = QPushButton()
        pv = QVBoxLayout(self.pending_box)
        pv.addWidget(self.pending_list)
        rrow = QHBoxLayout()
        rrow.addWidget(self.reviewer_label)
        rrow.addWidget(self.reviewer_edit, 1)
        pv.addLayout(rrow)
        arow = QHBoxLayout()
        arow.addWidget(self.undo_btn)
        arow.addWidget(self.apply_btn, 1)
        pv.addLayout(arow)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.integrity_label)
        rv.addWidget(self.table, 1)
        rv.addWidget(self.decide_box)
        rv.addWidget(self.pending_box)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.grid, centre, right):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(False)

        # -- progress row --------------------------------------------------------------------------
        self.progress_row = ProgressRow()
        self.progress_label, self.progress, self.cancel_btn = (self.progress_row.label, self.progress_row.bar,
                                                               self.progress_row.cancel)

        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.splitter, 1)
        root.addWidget(self.progress_row)

        # -- wiring ----------------------------------------------------------------------------------
        self.open_btn.clicked.connect(self.request_open)
        self.folder_btn.clicked.connect(self.request_open_folder)
        self.audit_btn.clicked.connect(self.request_audit)
        self.fit_btn.clicked.connect(self.view.fit)
        self.zoom_in_btn.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_btn.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.grid.selectionModel().currentChanged.connect(lambda cur, _p: self._select(cur))
        # The grid would take A and R for its keyboard search; they are accept / reject here.
        self.grid.installEventFilter(self)
        self.accept_file_btn.clicked.connect(lambda: self._decide("accept", per_file=True))
        self.reject_file_btn.clicked.connect(lambda: self._decide("reject", per_file=True))
        self.accept_slot_btn.clicked.connect(lambda: self._decide("accept", per_file=False))
        self.reject_slot_btn.clicked.connect(lambda: self._decide("reject", per_file=False))
        self.undo_btn.clicked.connect(self._undo)
        self.apply_btn.clicked.connect(self.request_apply)
        self.reviewer_edit.editingFinished.connect(lambda: settings.set(S.REVIEWER, self.reviewer_edit.text().strip()))
        self.cancel_btn.clicked.connect(self._cancel)
        session.loaded.connect(self._on_loaded)
        session.itemChecked.connect(self._on_item_checked)
        session.progress.connect(self._on_progress)
        session.checksDone.connect(self._on_checks_done)
        session.detailReady.connect(self._on_detail)
        session.decisionsChanged.connect(self._on_decisions)
        session.applied.connect(self._on_applied)
        session.auditProgress.connect(self._on_audit_progress)
        session.auditDone.connect(self._on_audit_done)
        session.auditCancelled.connect(self._on_audit_cancelled)
        session.failed.connect(lambda e: self.dialogs.error(self, e))
        self.retranslate()

    @property
    def busy(self) -> bool:
        return self.session.checking or self.session.auditing

    # -- opening -------------------------------------------------------------------------------
    def request_open(self) -> None:
        """Ctrl+O: a package folder (choose the folder) or a .zip package."""
        folder = self.settings.get(S.LAST_PACKAGE_FOLDER)
        path = self.dialogs.open_dir(self, self.tr("打开材料包（选择材料包文件夹）"), folder)
        if path:
            self.open_paths([path])

    def request_open_folder(self) -> None:
        path = self.dialogs.open_dir(self, self.tr("打开文件夹（检查其中的所有图片）"),
                                     self.settings.get(S.LAST_PACKAGE_FOLDER))
        if path:
            self.open_paths([path])

    def open_paths(self, paths: list[str]) -> None:
        if paths:
            self.settings.set(S.LAST_PACKAGE_FOLDER, str(Path(paths[0]).parent))
            self.session.open(paths[0])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event)
        if files:
            event.acceptProposedAction()
            self.open_paths(files)

    # -- session signals -------------------------------------------------------------------------
    def _on_loaded(self, rs: ReviewSet) -> None:
        self._current = -1
        self._detail = None
        self.model.set_items(rs.items)
        self.view.set_image(None)
        self.checklist.set_report(None)
        self._refresh_header()
        if rs.items:
            self.progress_row.show()
            self.progress.setRange(0, len(rs.items))
            self.progress.setValue(0)
            self.progress_label.setText(self.tr("正在重新检测…"))
            self.grid.setCurrentIndex(self.model.index(0, 0))
        self._refresh_controls()

    def _on_item_checked(self, row: int) -> None:
        self.model.item_changed(row)
        if row == self._current:
            self._refresh_item_status()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress_label.setText(i18n.fmt(self.tr("正在重新检测：%1 / %2"), done, total))

    def _on_checks_done(self) -> None:
        if not self.session.auditing:
            self.progress_row.hide()
        self._refresh_header()

    def _select(self, index: QModelIndex) -> None:
        self._current = index.row() if index.isValid() else -1
        self._detail = None
        self.checklist.set_report(None)
        self.view.set_image(None)
        item = self.model.item(self._current)
        if item is not None:
            self.view.set_placeholder(self.tr("正在载入…"))
            self.session.show(self._current)
        self._refresh_item_status()
        self._refresh_controls()

    def _on_detail(self, row: int, r: Inspected) -> None:
        if row != self._current:
            return
        self._detail = r
        self.view.set_image(r.image)
        self.view.set_shapes(r.shapes)
        if r.image is None:
            self.view.set_placeholder(self.tr("无法显示这个文件"))
        self.checklist.set_report(r.report)
        self.table.resizeRowsToContents()

    def _on_decisions(self) -> None:
        self.model.set_pending(self.session.pending)
        self.pending_list.clear()
        for target, d in self.session.pending.items():
            text = self.tr("通过 %1") if d.action == "accept" else self.tr("退回 %1：%2")
            it = QListWidgetItem(i18n.fmt(text, self._target_name(target), i18n.pick(d.reason)))
            it.setData(Qt.ItemDataRole.UserRole, target)
            self.pending_list.addItem(it)
        self._refresh_controls()

    def _on_applied(self, outcome: object) -> None:
        state = getattr(outcome, "state", None)
        label = i18n.pick(state.label) if state is not None else ""
        self.app.status.emit(i18n.fmt(self.tr("审核意见已写入材料包。材料包状态：%1"), label))

    # -- decisions --------------------------------------------------------------------------------------
    def _reason(self) -> tuple[Text | None, str | None]:
        tid = self.reason_combo.currentData()
        free = self.reason_edit.text().strip()
        from ...submission import review

        t = next((x for x in review.TEMPLATES if x.id == tid), None)
        if t is not None and free:
            return Text(f"{t.zh}：{free}", f"{t.en}: {free}"), t.id
        if t is not None:
            return t.text, t.id
        if free:
            return Text(free, free), None
        return None, None

    def _decide(self, action: str, *, per_file: bool) -> None:
        item = self.model.item(self._current)
        if item is None or item.slot is None:
            return
        reason, rid = self._reason() if action == "reject" else (None, None)
        if action == "reject" and reason is None:
            self.dialogs.info(self, self.tr("需要退回理由"), self.tr("退回时请选择理由模板，或填写补充说明。"))
            return
        self.session.decide(action, item.slot, item.index if per_file else None, reason, rid)
        self.reason_edit.clear()
        if action == "accept" and per_file:
            self._move(1)

    def _move(self, step: int) -> None:
        nxt = self._current + step
        if 0 <= nxt < self.model.rowCount():
            self.grid.selectionModel().setCurrentIndex(self.model.index(nxt, 0),
                                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _undo(self) -> None:
        it = self.pending_list.currentItem()
        if it is not None:
            self.session.undo(it.data(Qt.ItemDataRole.UserRole))

    def request_apply(self) -> None:
        if not self.session.pending:
            return
        reviewer = self.reviewer_edit.text().strip()
        self.settings.set(S.REVIEWER, reviewer)
        lines = [self.pending_list.item(i).text() for i in range(self.pending_list.count())]
        if not self.dialogs.confirm(self, self.tr("导出审核意见"), self.tr("把以下审核意见写入材料包？"),
                                    "\n".join(lines), default_yes=True):
            return
        self.session.apply(reviewer)

    def _target_name(self, target: str) -> str:
        slot, _, idx = target.partition(":")
        rs = self.session.set
        name = next((i18n.pick(n) for sid, n, _c in (rs.slots if rs else []) if sid == slot), slot)
        return i18n.fmt(self.tr("%1 第 %2 张"), name, idx) if idx else i18n.fmt(self.tr("%1（整项）"), name)

    # -- batch audit --------------------------------------------------------------------------------------
    def request_audit(self) -> None:
        folder = self.dialogs.open_dir(self, self.tr("批量审核：选择要检查的文件夹"), self.settings.get(S.LAST_PACKAGE_FOLDER))
        if not folder:
            return
        default = str(Path(folder) / "审核报告.html")
        html = self.dialogs.save_file(self, self.tr("保存审核报告"), default, self.tr("网页报告 (*.html)"))
        if not html:
            return
        if not html.lower().endswith((".html", ".htm")):
            html += ".html"
        if Path(html).exists() and not self.dialogs.confirm(
                self, self.tr("文件已存在"), i18n.fmt(self.tr("%1 已经存在。要替换它吗？"), Path(html).name)):
            return
        csv = str(Path(html).with_suffix(".csv"))
        self.progress_row.show()
        self.progress.setRange(0, 0)
        self.progress_label.setText(self.tr("正在批量审核…"))
        self._refresh_controls()
        self.session.audit([folder], html, csv, i18n.current())

    def _on_audit_progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress_label.setText(i18n.fmt(self.tr("正在批量审核：%1 / %2  %3"), done, total, name))

    def _on_audit_done(self, s: AuditSummary) -> None:
        self.progress_row.setVisible(self.session.checking)
        self._refresh_controls()
        self.dialogs.info(self, self.tr("批量审核完成"),
                          i18n.fmt(self.tr("共 %1 个文件：通过 %2，不通过 %3，无法检测 %4。"), s.files,
                                   s.counts["pass"], s.counts["fail"], s.counts["error"]),
                          i18n.fmt(self.tr("报告：%1\n表格：%2"), s.html, s.csv))
        QDesktopServices.openUrl(QUrl.fromLocalFile(s.html))

    def _on_audit_cancelled(self) -> None:
        self.progress_row.setVisible(self.session.checking)
        self._refresh_controls()
        self.app.status.emit(self.tr("批量审核已取消，没有生成报告。"))

    def _cancel(self) -> None:
        self.session.cancel_audit()
        self.session.cancel_checks()

    # -- showing ------------------------------------------------------------------------------------------
    def _refresh_header(self) -> None:
        rs = self.session.set
        if rs is None:
            self.banner.set_state("neutral", self.tr("请打开一个材料包或文件夹。"))
            return
        name = Path(rs.path).name
        total = len(rs.items)
        bad = sum(1 for it in rs.items if it.row is not None and it.row.verdict != "pass")
        if rs.is_package:
            state = i18n.pick(rs.state) if rs.state else ""
            text = i18n.fmt(self.tr("材料包 %1 · %2 · 状态：%3 · %4 个文件，%5 个有问题"), name,
                            rs.candidate or "—", state, total, bad)
            colour = {"accepted": "pass", "needs_changes": "warn", "editing": "neutral"}.get(rs.state_value, "neutral")
        else:
            text = i18n.fmt(self.tr("文件夹 %1 · %2 个文件，%3 个有问题"), name, total, bad)
            colour = "neutral"
        if bad and colour == "neutral":
            colour = "warn"
        self.banner.set_state(colour, text)

    def _refresh_item_status(self) -> None:
        item: ReviewItem | None = self.model.item(self._current)
        if item is None:
            self.file_label.clear()
            self.integrity_label.clear()
            return
        where = self.model.index(self._current, ReviewItemsModel.COL_FILE).data()
        self.file_label.setText(where if where == item.original or not item.original else f"{where} · {item.original}")
        lines = [self.model.integrity_text(item), self.model.check_text(item), self.model.decision_text(item)]
        if item.row is not None and item.row.document_kind:
            lines.append(i18n.fmt(self.tr("识别为：%1"), item.row.document_kind))
        self.integrity_label.setText("\n".join(x for x in lines if x and x != "—"))

    def _refresh_controls(self) -> None:
        item = self.model.item(self._current)
        can = self.session.can_decide and item is not None and item.slot is not None
        for b in (self.accept_file_btn, self.reject_file_btn, self.accept_slot_btn, self.reject_slot_btn):
            b.setEnabled(can)
        self.decide_box.setVisible(self.session.set is None or self.session.can_decide)
        self.pending_box.setVisible(self.session.set is None or self.session.can_decide)
        self.apply_btn.setEnabled(bool(self.session.pending))
        self.undo_btn.setEnabled(bool(self.session.pending))
        self.audit_btn.setEnabled(not self.session.auditing)

    def _quick_key(self, event: QKeyEvent) -> bool:
        """A / R: accept / send back the current file (the arrows stay with the grid)."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        if event.key() == Qt.Key.Key_A and self.accept_file_btn.isEnabled():
            self._decide("accept", per_file=True)
            return True
        if event.key() == Qt.Key.Key_R and self.reject_file_btn.isEnabled():
            self._decide("reject", per_file=True)
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.grid and event.type() == QEvent.Type.KeyPress and self._quick_key(event):  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001
        if not self._quick_key(event):
            super().keyPressEvent(event)

    # -- language --------------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: ANN001
        self._fill_reasons()
        super().showEvent(event)

    def _fill_reasons(self) -> None:
        """The reason templates of the review module, loaded when the page is first shown
        (the module pulls in the image libraries; the window must not wait for them)."""
        from ...submission import review

        current = self.reason_combo.currentData()
        self.reason_combo.clear()
        self.reason_combo.addItem(self.tr("（不用模板，只用补充说明）"), "")
        for t in review.TEMPLATES:
            self.reason_combo.addItem(i18n.pick(t.text), t.id)
        i = self.reason_combo.findData(current)
        self.reason_combo.setCurrentIndex(i if i >= 0 else 1)

    def retranslate(self) -> None:
        self.open_btn.setText(self.tr("打开材料包…"))
        self.open_btn.setToolTip(self.tr("选择考生的材料包文件夹（Ctrl+O）；也可以把材料包拖到这里"))
        self.folder_btn.setText(self.tr("打开文件夹…"))
        self.folder_btn.setToolTip(self.tr("检查一个文件夹里的所有图片（不是材料包时只能查看，不能审核）"))
        self.audit_btn.setText(self.tr("批量审核并生成报告…"))
        self.audit_btn.setToolTip(self.tr("检查文件夹中所有材料包和图片，生成网页报告和表格"))
        self.fit_btn.setText(self.tr("适合窗口"))
        self.zoom_in_btn.setToolTip(self.tr("放大（也可按住 Ctrl 滚动鼠标滚轮）"))
        self.zoom_out_btn.setToolTip(self.tr("缩小"))
        self.view.set_placeholder(self.tr("打开材料包后，在左侧选择文件；方向键切换，A 通过，R 退回"))
        self.decide_box.setTitle(self.tr("审核"))
        self.reason_label.setText(self.tr("退回理由："))
        self.free_label.setText(self.tr("补充说明："))
        self.reason_edit.setPlaceholderText(self.tr("可选：写给考生的具体说明"))
        if self.isVisible():
            self._fill_reasons()
        self.accept_file_btn.setText(self.tr("✓ 通过此文件"))
        self.reject_file_btn.setText(self.tr("↩ 退回此文件"))
        self.accept_slot_btn.setText(self.tr("✓ 通过整项"))
        self.reject_slot_btn.setText(self.tr("↩ 退回整项"))
        self.pending_box.setTitle(self.tr("待导出的审核意见"))
        self.undo_btn.setText(self.tr("撤销所选"))
        self.reviewer_label.setText(self.tr("审核人："))
        self.apply_btn.setText(self.tr("导出审核意见到材料包"))
        self.apply_btn.setToolTip(self.tr("一次写入全部意见：被退回的材料项对考生解锁，并显示理由"))
        self.cancel_btn.setText(self.tr("取消"))
        self.model.retranslate()
        self.checklist.retranslate()
        self._refresh_header()
        self._refresh_item_status()
        self._on_decisions()
