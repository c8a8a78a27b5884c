"""审核: a reviewer opens a package (or a folder), goes through its files in a grid
with a large zoomable view, sees seal, hash and check status per file, accepts or
sends back files or whole items with a reason, and writes the feedback into the
package. Batch audits of whole folders produce the HTML report.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView,
                               QListWidget, QListWidgetItem, QPushButton, QSplitter, QTableView, QTreeWidget,
                               QFrame, QScrollArea, QToolButton, QTreeWidgetItem, QVBoxLayout, QWidget)

from ...text import Text
from .. import i18n
from .. import settings as S
from ..controller import AppController, Inspected
from ..dialogs import Dialogs
from ..review_session import AuditSummary, ReviewItem, ReviewSession, ReviewSet, SlotInfo
from ..settings import Settings
from ..tables import VERDICT_COLOURS, ChecklistColumns, ChecklistModel, ReviewItemsModel, min_table_height
from ..widgets import Banner, ImageView, ProgressRow, local_files


def _rule_short(spec) -> str:  # noqa: ANN001
    """A slot's count rule in a few characters: 2, ≥1, 1–3, ≤2."""
    if spec.max is not None and spec.min == spec.max:
        return str(spec.min)
    if spec.max is None:
        return f"≥{spec.min}"
    return f"≤{spec.max}" if not spec.min else f"{spec.min}–{spec.max}"


class _StatusScroll(QScrollArea):
    """Asks for the height of its whole text (up to its maximum); scrolls when given less."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        w = self.widget()
        if w is None:
            return hint
        h = w.heightForWidth(max(1, self.viewport().width())) + 2 * self.frameWidth() + 2
        return QSize(hint.width(), max(self.minimumHeight(), min(h, self.maximumHeight())))

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        # whole lines only: the rest of the height stays blank below them, not a line cut in half
        super().resizeEvent(event)
        step = self.fontMetrics().lineSpacing()
        room = self.height() - 2 * self.frameWidth()
        w = self.widget()
        full = w.heightForWidth(max(1, self.viewport().width())) if w is not None else 0
        spare = 0 if full <= room else room % step
        if self.viewportMargins().bottom() != spare:
            self.setViewportMargins(0, 0, 0, spare)
        self.verticalScrollBar().setSingleStep(step)


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

        # -- slots of a package: state, count against the rule, files ------------------------
        self.slot_tree = QTreeWidget()
        self.slot_tree.setColumnCount(2)
        self.slot_tree.setRootIsDecorated(True)
        self.slot_tree.setUniformRowHeights(True)
        self.slot_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.slot_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.slot_tree.header().setStretchLastSection(False)
        self.slot_tree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # a long item name gives way in its middle: its count (1/≥1) and a file's extension stay
        self.slot_tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(self.slot_tree)
        self.left.addWidget(self.grid)
        self.left.setStretchFactor(0, 1)
        self.left.setStretchFactor(1, 2)
        self.left.setChildrenCollapsible(False)

        # -- large view ------------------------------------------------------------------------
        self.view = ImageView()
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)     # on its own line: never squeezed by the zoom buttons
        self.fit_btn = QToolButton()
        self.zoom_in_btn = QToolButton()
        self.zoom_in_btn.setText("+")
        self.zoom_out_btn = QToolButton()
        self.zoom_out_btn.setText("−")
        self.zoom_label = QLabel()
        zoom_row = QHBoxLayout()
        zoom_row.addStretch(1)
        zoom_row.addWidget(self.zoom_label)
        for b in (self.zoom_out_btn, self.fit_btn, self.zoom_in_btn):
            zoom_row.addWidget(b)
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.file_label)
        cv.addWidget(self.view, 1)
        cv.addLayout(zoom_row)

        # -- right: status, checklist, decision ----------------------------------------------------
        self.integrity_label = QLabel()
        self.integrity_label.setWordWrap(True)
        self.integrity_label.setTextFormat(Qt.TextFormat.RichText)
        self.checklist = ChecklistModel(self)
        self.table = QTableView()
        self.table.setModel(self.checklist)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_columns = ChecklistColumns(self.table)
        # a few rows of checks stay in view however short the screen: the boxes below give way
        self.table.setMinimumHeight(min_table_height(self.table, rows=3))

        self.decide_box = QGroupBox()
        self.accept_file_btn = QPushButton()
        self.reject_file_btn = QPushButton()
        self.accept_slot_btn = QPushButton()
        self.reject_slot_btn = QPushButton()
        row1 = QHBoxLayout()
        row1.addWidget(self.accept_file_btn)
        row1.addWidget(self.reject_file_btn)
        row2 = QHBoxLayout()
        row2.addWidget(self.accept_slot_btn)
        row2.addWidget(self.reject_slot_btn)
        dv = QVBoxLayout(self.decide_box)
        dv.addLayout(row1)
        dv.addLayout(row2)
        compact = (fm.height() // 2, fm.height() // 4, fm.height() // 2, fm.height() // 4)
        dv.setContentsMargins(*compact)

        self.pending_box = QGroupBox()
        self.pending_list = QListWidget()
        self.pending_list.setMaximumHeight(fm.height() * 4)
        self.pending_list.setMinimumHeight(fm.height() * 2)
        self.pending_list.hide()     # shown once there is a decision to list (an empty box says nothing)
        self.undo_btn = QPushButton()
        self.reviewer_label = QLabel()
        self.reviewer_edit = QLineEdit(settings.get(S.REVIEWER))
        self.apply_btn = QPushButton()
        pv = QVBoxLayout(self.pending_box)
        pv.setContentsMargins(*compact)
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
        # the file's status scrolls rather than being cut where the column is short
        self.status_scroll = _StatusScroll()
        self.status_scroll.setWidget(self.integrity_label)
        self.status_scroll.setWidgetResizable(True)
        self.status_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.status_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status_scroll.setMinimumHeight(fm.height() * 3)
        self.status_scroll.setMaximumHeight(fm.height() * 7)
        rv.addWidget(self.status_scroll)
        rv.addWidget(self.table, 1)
        rv.addWidget(self.decide_box)
        rv.addWidget(self.pending_box)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.left, centre, right):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setChildrenCollapsible(False)
        self._sized = False

        # -- progress row --------------------------------------------------------------------------
        self.progress_row = ProgressRow()
        self.progress_label, self.progress, self.cancel_btn = (self.progress_row.label, self.progress_row.bar,
                                                               self.progress_row.cancel)

        root = QVBoxLayout(self)
        root.setContentsMargins(4, 4, 4, 4)
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
        self.view.zoomChanged.connect(self._on_zoom)
        self.slot_tree.currentItemChanged.connect(self._slot_tree_clicked)
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
        self.reviewer_edit.textChanged.connect(lambda _t: self._refresh_controls())
        self.cancel_btn.clicked.connect(self._cancel)
        session.loaded.connect(self._on_loaded)
        session.itemChecked.connect(self._on_item_checked)
        session.progress.connect(self._on_progress)
        session.checksDone.connect(self._on_checks_done)
        session.checksCancelled.connect(self._on_checks_cancelled)
        session.detailReady.connect(self._on_detail)
        session.decisionsChanged.connect(self._on_decisions)
        session.applied.connect(self._on_applied)
        session.auditProgress.connect(self._on_audit_progress)
        session.auditDone.connect(self._on_audit_done)
        session.auditCancelled.connect(self._on_audit_cancelled)
        session.failed.connect(lambda e: self.dialogs.error(self, e))
        self.retranslate()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        if not self._sized:
            # the files at their least width, then the large view and the file's checks
            # about evenly: the checks' text needs the width more than a portrait photo does
            self._sized = True
            total = sum(self.splitter.sizes()) or self.splitter.width()
            left = max(self.left.minimumSizeHint().width(), self.left.minimumWidth(), self.grid.minimumWidth())
            rest = max(0, total - left)
            self.splitter.setSizes([left, rest * 45 // 100, rest - rest * 45 // 100])

    @property
    def busy(self) -> bool:
        return self.session.checking or self.session.auditing

    # -- opening -------------------------------------------------------------------------------
    def request_open(self) -> None:
        """Ctrl+O: a package, as a .zip file or as a package folder."""
        path = self.dialogs.open_package(self, self.tr("打开材料包（.zip 文件或材料包文件夹）"),
                                         self.settings.get(S.LAST_PACKAGE_FOLDER))
        if path:
            self.open_paths([path])

    def request_open_folder(self) -> None:
        path = self.dialogs.open_dir(self, self.tr("打开文件夹（检查其中的所有图片）"),
                                     self.settings.get(S.LAST_PACKAGE_FOLDER))
        if path:
            self.open_paths([path])

    def open_paths(self, paths: list[str]) -> None:
        if paths and self.settle_pending():
            self.settings.set(S.LAST_PACKAGE_FOLDER, str(Path(paths[0]).parent))
            self.session.open(paths[0])

    def settle_pending(self, then=None) -> bool:  # noqa: ANN001
        """Before the decisions not yet exported are lost (quitting, opening another
        package): export them, discard them, or stay. True when it is fine to go on;
        ``then`` is called once an export still running has finished."""
        if not self.session.pending:
            return True
        lines = [self.pending_list.item(i).text() for i in range(self.pending_list.count())]
        answer = self.dialogs.unsaved(self, self.tr("审核意见尚未导出"),
                                      i18n.fmt(self.tr("有 %1 条审核意见还没有导出到材料包。要先导出吗？"),
                                               len(self.session.pending)), "\n".join(lines))
        if answer == "discard":
            self.session.pending.clear()
            self.session.decisionsChanged.emit()
            return True
        if answer == "save":
            if not self._reviewer_ok():
                return False
            self.settings.set(S.REVIEWER, self.reviewer_edit.text().strip())
            self.session.apply(self.reviewer_edit.text().strip())
            if self.session.pending and then is not None:   # still being written: go on when it is
                def once(_outcome: object) -> None:
                    self.session.applied.disconnect(once)
                    then()

                self.session.applied.connect(once)
            return not self.session.pending
        return False

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
        self.model.cancelled = False
        self.model.set_items(rs.items)
        self.view.set_image(None)
        self.checklist.set_report(None)
        self._fill_slots()
        self._refresh_header()
        if rs.items:
            self.progress_row.show()
            self.cancel_btn.show()
            self.progress.setRange(0, len(rs.items))
            self.progress.setValue(0)
            self.progress_label.setText(self.tr("检查中…"))
            self.grid.setCurrentIndex(self.model.index(0, 0))
        self.grid.setFocus()
        self._refresh_controls()

    def _on_item_checked(self, row: int) -> None:
        self.model.item_changed(row)
        if row == self._current:
            self._refresh_item_status()
        self._refresh_slots()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress_label.setText(i18n.fmt(self.tr("检查中：%1 / %2"), done, total))
        self._refresh_header()

    def _on_checks_done(self) -> None:
        if not self.session.auditing and not self.session.cancelled:
            self.progress_row.hide()
        self._refresh_header()
        self._refresh_item_status()

    def _on_checks_cancelled(self) -> None:
        self.model.cancelled = True
        self.model.set_pending(self.session.pending)
        self._show_cancelled(self.tr("已取消：未检测的文件不显示结论。"))

    def _show_cancelled(self, text: str) -> None:
        self.progress_row.show()
        self.cancel_btn.hide()
        self.progress_label.setText(text)
        self.app.status.emit(text)

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
        self._sync_tree()

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
        self._refresh_controls()

    def _on_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%" if self.view.has_image() else "")

    def _on_decisions(self) -> None:
        self.model.set_pending(self.session.pending)
        self.pending_list.clear()
        for target, d in self.session.pending.items():
            text = self.tr("通过 %1") if d.action == "accept" else self.tr("退回 %1：%2")
            it = QListWidgetItem(i18n.fmt(text, self._target_name(target), i18n.pick(d.reason)))
            it.setData(Qt.ItemDataRole.UserRole, target)
            self.pending_list.addItem(it)
        self.pending_list.setVisible(self.pending_list.count() > 0)
        self._refresh_item_status()
        self._refresh_slots()
        self._refresh_controls()

    def _on_applied(self, outcome: object) -> None:
        state = getattr(outcome, "state", None)
        label = i18n.pick(state.label) if state is not None else ""
        self.app.status.emit(i18n.fmt(self.tr("审核意见已写入材料包。材料包状态：%1"), label))

    # -- the slot list --------------------------------------------------------------------------------
    def slot_state(self, info: SlotInfo) -> tuple[str, str]:
        """(state key, label) of a slot, pending decisions included: empty | incomplete |
        complete | returned | accepted."""
        items = [it for it in (self.session.set.items if self.session.set else []) if it.slot == info.id]
        decisions = [self.model.decision_of(it)[0] for it in items]
        pending = self.session.pending.get(info.id)
        slot_decision = ("accepted" if pending.action == "accept" else "rejected") if pending else info.decision
        if info.state == "returned" or slot_decision == "rejected" or "rejected" in decisions:
            return "returned", self.tr("退回")
        if items and (slot_decision == "accepted" or all(d == "accepted" for d in decisions)):
            return "accepted", self.tr("已通过")
        if not items:
            return "empty", self.tr("空（可选）") if not info.spec.min else self.tr("空，缺材料")
        ok = len(items) >= info.spec.min and (info.spec.max is None or len(items) <= info.spec.max)
        return ("complete", self.tr("齐全")) if ok else ("incomplete", self.tr("张数不符"))

    def _fill_slots(self) -> None:
        rs = self.session.set
        self.slot_tree.blockSignals(True)
        self.slot_tree.clear()
        self.slot_tree.blockSignals(False)
        self.slot_tree.setVisible(rs is None or rs.is_package)
        if rs is None or not rs.is_package:
            return
        for info in rs.slots:
            top = QTreeWidgetItem(self.slot_tree)
            top.setData(0, Qt.ItemDataRole.UserRole, ("slot", info.id))
            for row, it in enumerate(rs.items):
                if it.slot == info.id:
                    child = QTreeWidgetItem(top)
                    child.setData(0, Qt.ItemDataRole.UserRole, ("file", row))
            top.setExpanded(True)
        self._refresh_slots()

    def _refresh_slots(self) -> None:
        rs = self.session.set
        if rs is None or not rs.is_package:
            return
        colours = {"returned": "#d84315", "accepted": "#1565c0", "empty": "#78909c", "incomplete": "#c62828",
                   "complete": "#2e7d32"}
        from PySide6.QtGui import QBrush, QColor

        for n, info in enumerate(rs.slots):
            top = self.slot_tree.topLevelItem(n)
            if top is None:
                continue
            key, label = self.slot_state(info)
            top.setText(0, f"{i18n.pick(info.name)}  {info.files}/{_rule_short(info.spec)}")
            top.setText(1, label)
            top.setForeground(1, QBrush(QColor(colours[key])))
            tip = i18n.fmt(self.tr("%1：%2 个文件，要求 %3。%4"), i18n.pick(info.name), info.files,
                           i18n.pick(info.spec.count_text()), label)
            top.setToolTip(0, tip)
            top.setToolTip(1, tip)
            for c in range(top.childCount()):
                child = top.child(c)
                row = child.data(0, Qt.ItemDataRole.UserRole)[1]
                item = rs.items[row]
                child.setText(0, f"{item.index}. {item.original}")
                child.setText(1, self.model.short_text(item))
                child.setForeground(1, QBrush(VERDICT_COLOURS.get(self.model.verdict(item), QColor("black"))))
                child.setToolTip(0, self.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))

    def _slot_tree_clicked(self, cur: QTreeWidgetItem | None, _prev: QTreeWidgetItem | None) -> None:
        data = cur.data(0, Qt.ItemDataRole.UserRole) if cur is not None else None
        if not data:
            return
        kind, value = data
        rs = self.session.set
        if kind == "slot" and rs is not None:
            row = next((i for i, it in enumerate(rs.items) if it.slot == value), None)
        else:
            row = value
        if row is not None and row != self._current:
            self.grid.setCurrentIndex(self.model.index(row, 0))

    def _sync_tree(self) -> None:
        for n in range(self.slot_tree.topLevelItemCount()):
            top = self.slot_tree.topLevelItem(n)
            for c in range(top.childCount()):
                child = top.child(c)
                if child.data(0, Qt.ItemDataRole.UserRole)[1] == self._current:
                    self.slot_tree.blockSignals(True)
                    self.slot_tree.setCurrentItem(child)
                    self.slot_tree.blockSignals(False)
                    return

    # -- decisions --------------------------------------------------------------------------------------
    def _ask_reason(self, target: str) -> tuple[Text, str | None] | None:
        """The send-back reason, asked each time with nothing preselected; None: not sent back."""
        from ...submission import review

        answer = self.dialogs.reason(self, self.tr("退回"), i18n.fmt(self.tr("退回 %1 的理由（考生会看到）："),
                                                                    self._target_name(target)),
                                     [(t.id, i18n.pick(t.text)) for t in review.TEMPLATES])
        if answer is None:
            return None
        tid, free = answer
        t = next((x for x in review.TEMPLATES if x.id == tid), None)
        if t is not None and free:
            return Text(f"{t.zh}：{free}", f"{t.en}: {free}"), t.id
        if t is not None:
            return t.text, t.id
        if free:
            return Text(free, free), None
        return None

    def _earlier(self, item: ReviewItem, per_file: bool) -> list[tuple[str, str]]:
        """(target name, decision) of the decisions the new one would override."""
        rs = self.session.set
        items = [item] if per_file else [it for it in (rs.items if rs else []) if it.slot == item.slot]
        out = []
        for it in items:
            decision, _reason, _pending = self.model.decision_of(it)
            if decision is not None and it.target is not None:
                out.append((self._target_name(it.target), decision))
        return out

    def _decide(self, action: str, *, per_file: bool) -> None:
        item = self.model.item(self._current)
        if item is None or item.slot is None or not self.session.can_decide:
            return
        target = item.target if per_file else item.slot
        want = "accepted" if action == "accept" else "rejected"
        other = [(name, d) for name, d in self._earlier(item, per_file) if d != want]
        if other:
            words = {"accepted": self.tr("已通过"), "rejected": self.tr("已退回")}
            lines = "\n".join(f"{name}：{words[d]}" for name, d in other)
            question = self.tr("改为通过？") if action == "accept" else self.tr("改为退回？")
            if not self.dialogs.confirm(self, self.tr("改变审核意见"),
                                        i18n.fmt(self.tr("%1 已有不同的审核意见。%2"), self._target_name(target),
                                                 question), lines):
                self.grid.setFocus()
                return
        reason, rid = None, None
        if action == "reject":
            got = self._ask_reason(target)
            if got is None:
                self.grid.setFocus()
                return
            reason, rid = got
        self.session.decide(action, item.slot, item.index if per_file else None, reason, rid)
        if per_file:
            self._move(1)
        self.grid.setFocus()

    def _move(self, step: int) -> None:
        nxt = self._current + step
        if 0 <= nxt < self.model.rowCount():
            self.grid.selectionModel().setCurrentIndex(self.model.index(nxt, 0),
                                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _undo(self) -> None:
        it = self.pending_list.currentItem()
        if it is not None:
            self.session.undo(it.data(Qt.ItemDataRole.UserRole))

    def _reviewer_ok(self) -> bool:
        if self.reviewer_edit.text().strip():
            return True
        self.dialogs.info(self, self.tr("需要审核人"), self.tr("请先在“审核人”一栏填写您的姓名，审核记录会写明是谁做的决定。"))
        self.reviewer_edit.setFocus()
        return False

    def request_apply(self) -> None:
        if not self.session.pending or not self._reviewer_ok():
            return
        reviewer = self.reviewer_edit.text().strip()
        self.settings.set(S.REVIEWER, reviewer)
        lines = [self.pending_list.item(i).text() for i in range(self.pending_list.count())]
        if not self.dialogs.confirm(self, self.tr("导出审核意见"),
                                    i18n.fmt(self.tr("以审核人“%1”的名义，把以下审核意见写入材料包？"), reviewer),
                                    "\n".join(lines), default_yes=True):
            return
        self.session.apply(reviewer)

    def _target_name(self, target: str) -> str:
        slot, _, idx = target.partition(":")
        rs = self.session.set
        name = next((i18n.pick(s.name) for s in (rs.slots if rs else []) if s.id == slot), slot)
        return i18n.fmt(self.tr("%1 第 %2 张"), name, idx) if idx else i18n.fmt(self.tr("%1（整项）"), name)

    # -- batch audit --------------------------------------------------------------------------------------
    def request_audit(self) -> None:
        rs = self.session.set
        reuse = False
        if rs is not None and self.session.fully_checked and rs.items and self.dialogs.confirm(
                self, self.tr("批量审核"),
                i18n.fmt(self.tr("为已打开的“%1”生成报告？它的 %2 个文件都已检查过，不用再查一遍。"),
                         Path(rs.path).name, len(rs.items)),
                self.tr("选“否”另选一个文件夹。"), default_yes=True):
            folder, reuse = rs.path, True
        else:
            folder = self.dialogs.open_dir(self, self.tr("批量审核：选择要检查的文件夹"),
                                           self.settings.get(S.LAST_PACKAGE_FOLDER))
        if not folder:
            return
        base = Path(folder).parent if Path(folder).is_file() else Path(folder)
        default = str(base / "审核报告.html")
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
        self.cancel_btn.show()
        self.progress.setRange(0, 0)
        self.progress_label.setText(self.tr("正在批量审核…"))
        self._refresh_controls()
        self.session.audit([folder], html, csv, i18n.current(), reuse=reuse)

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
        self.dialogs.open_report(self, s.html)

    def _on_audit_cancelled(self) -> None:
        self._refresh_controls()
        self._show_cancelled(self.tr("已取消：批量审核没有生成报告。"))

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
        verdicts = [self.model.verdict(it) for it in rs.items]
        bad = sum(1 for v in verdicts if v in ("fail", "error"))
        warn = verdicts.count("warn")
        checked = sum(1 for it in rs.items if it.checked)
        if self.session.checking:
            status = i18n.fmt(self.tr("检查中… %1 / %2"), checked, total)
        elif checked < total:
            status = i18n.fmt(self.tr("已取消，%1 / %2 已检查：%3 个有问题，%4 个有提醒"), checked, total, bad, warn)
        else:
            status = i18n.fmt(self.tr("%1 个有问题，%2 个有提醒"), bad, warn)
        if rs.is_package:
            state = i18n.pick(rs.state) if rs.state else ""
            text = i18n.fmt(self.tr("材料包 %1 · %2 · 状态：%3 · %4 个文件 · %5"), name,
                            rs.candidate or "—", state, total, status)
            colour = {"accepted": "pass", "needs_changes": "warn", "editing": "neutral"}.get(rs.state_value, "neutral")
        else:
            text = i18n.fmt(self.tr("文件夹 %1 · %2 个文件 · %3"), name, total, status)
            colour = "neutral"
        if (bad or warn) and colour == "neutral":
            colour = "warn"
        self.banner.set_state(colour, text)

    def _refresh_item_status(self) -> None:
        import html as _html

        item: ReviewItem | None = self.model.item(self._current)
        if item is None:
            self.file_label.clear()
            self.integrity_label.clear()
            self.status_scroll.updateGeometry()
            return
        where = self.model.index(self._current, ReviewItemsModel.COL_FILE).data()
        self.file_label.setText(where if where == item.original or not item.original else f"{where} · {item.original}")
        v = self.model.verdict(item)
        colour = VERDICT_COLOURS.get(v, QColor("black")).name()
        lines = [f'<b style="color:{colour}">{_html.escape(self.model.check_text(item))}</b>']
        kind = self.model.kind_text(item, self.session.set.pack if self.session.set else None)
        if kind:
            c = VERDICT_COLOURS["warn"].name() if item.wrong_kind else "#37474f"
            lines.append(f'<span style="color:{c}">{_html.escape(kind)}</span>')
        for w in item.notes:
            lines.append(f'<span style="color:{VERDICT_COLOURS["warn"].name()}">! {_html.escape(i18n.pick(w))}</span>')
        for extra in (self.model.integrity_text(item), self.model.decision_text(item)):
            if extra and extra != "—":
                lines.append(_html.escape(extra))
        self.integrity_label.setText("<br>".join(lines))
        self.status_scroll.updateGeometry()

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
        has = self.view.has_image()
        for b in (self.zoom_in_btn, self.zoom_out_btn, self.fit_btn):
            b.setEnabled(has)
        self._on_zoom(self.view.zoom())

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
        if self._quick_key(event):
            return
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}.get(event.key())
        if step is not None and self.model.rowCount():
            # the arrows move between files wherever the focus is on the page
            self.grid.setFocus()
            self._move(step)
            return
        super().keyPressEvent(event)

    def layout_parts(self) -> dict[str, QWidget]:
        """What must be on screen whatever its size: the header, the files, the file's
        caption, its checks and the decision buttons (the file's status scrolls in its own box)."""
        return {"verdict": self.banner, "files": self.grid, "caption": self.file_label, "table": self.table,
                "decide": self.decide_box}

    # -- language --------------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.open_btn.setText(self.tr("打开材料包…"))
        self.open_btn.setToolTip(self.tr("打开考生的材料包：.zip 文件或材料包文件夹（Ctrl+O）；也可以把材料包拖到这里"))
        self.folder_btn.setText(self.tr("打开文件夹…"))
        self.folder_btn.setToolTip(self.tr("检查一个文件夹里的所有图片（不是材料包时只能查看，不能审核）"))
        self.audit_btn.setText(self.tr("批量审核并生成报告…"))
        self.audit_btn.setToolTip(self.tr("检查文件夹中所有材料包和图片，生成网页报告和表格"))
        self.fit_btn.setText(self.tr("适合窗口"))
        self.zoom_in_btn.setToolTip(self.tr("放大（也可按住 Ctrl 滚动鼠标滚轮）"))
        self.zoom_out_btn.setToolTip(self.tr("缩小"))
        self.view.set_placeholder(self.tr("打开材料包后，在左侧选择文件；方向键切换，A 通过，R 退回"))
        self.slot_tree.setHeaderLabels([self.tr("材料项 张数/要求"), self.tr("状态")])
        self.decide_box.setTitle(self.tr("审核当前文件"))
        self.accept_file_btn.setText(self.tr("✔ 通过 (A)"))
        self.accept_file_btn.setToolTip(self.tr("通过当前文件，并转到下一个（A 键）"))
        self.reject_file_btn.setText(self.tr("↩ 退回 (R)"))
        self.reject_file_btn.setToolTip(self.tr("选择退回理由后退回当前文件，并转到下一个（R 键）"))
        self.accept_slot_btn.setText(self.tr("✔ 通过整项"))
        self.accept_slot_btn.setToolTip(self.tr("通过当前文件所在的整个材料项"))
        self.reject_slot_btn.setText(self.tr("↩ 退回整项"))
        self.reject_slot_btn.setToolTip(self.tr("选择退回理由后退回当前文件所在的整个材料项"))
        self.pending_box.setTitle(self.tr("待导出的审核意见"))
        self.undo_btn.setText(self.tr("撤销所选"))
        self.reviewer_label.setText(self.tr("审核人（必填）："))
        self.reviewer_edit.setPlaceholderText(self.tr("您的姓名"))
        self.apply_btn.setText(self.tr("导出审核意见到材料包"))
        self.apply_btn.setToolTip(self.tr("一次写入全部意见：被退回的材料项对考生解锁，并显示理由"))
        self.cancel_btn.setText(self.tr("取消"))
        self.model.retranslate()
        self.checklist.retranslate()
        self._refresh_header()
        self._refresh_item_status()
        self._on_decisions()
