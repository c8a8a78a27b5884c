"""报名材料: the candidate's upload list, as the registration site shows it.

A short questionnaire gives the slots (from the catalogue of the rule pack); then
each slot takes images by dialog or drag and drop, shows thumbnails with status
badges, a "−" on each image (or the Delete key), and stops accepting when full.
提交审核 locks everything after a confirmation; reviewer feedback appears at the
top, and the returned slots unlock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QScrollArea, QSizePolicy, QStackedWidget, QToolButton,
                               QVBoxLayout, QWidget)

from ...errors import PhotocheckError
from ...text import Text
from .. import i18n
from .. import settings as S
from ..controller import AppController
from ..dialogs import MATERIAL_SUFFIXES, Dialogs, material_filter
from ..materials_session import AddOutcome, FileView, FixOutcome, MaterialsSession, PackageView, SlotView, Staged, SubmitCheck
from ..settings import Settings
from ..tables import badged
from ..widgets import Banner, FileDrops, ProgressRow, split_dropped


def make_materials_page(app: AppController, settings: Settings, dialogs: Dialogs) -> "MaterialsPage":
    return MaterialsPage(app, MaterialsSession(app), settings, dialogs)


STATE_STYLES = {"unlocked": ("#e3f2fd", "#0d47a1"), "locked": ("#eceff1", "#37474f"), "returned": ("#ffebee", "#b71c1c")}


class ThumbTile(QFrame):
    """One image of a slot: picture with badge, name, and the "−" in its top-right corner."""

    removeRequested = Signal()

    def __init__(self, side: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.side = side
        self.minus = QToolButton()
        self.minus.setText("−")
        self.minus.setAutoRaise(True)
        f = QFont(self.minus.font())
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.minus.setFont(f)
        self.minus.clicked.connect(self.removeRequested.emit)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.caption.setMaximumWidth(side)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addStretch(1)
        top.addWidget(self.minus)
        v = QVBoxLayout(self)
        v.setContentsMargins(4, 2, 4, 4)
        v.setSpacing(2)
        v.addLayout(top)
        v.addWidget(self.picture)
        v.addWidget(self.caption)

    def set_content(self, image, verdict: str, mark: str, caption: str, tip: str, removable: bool,  # noqa: ANN001
                    staged: bool = False) -> None:
        self.picture.setPixmap(badged(image, self.side, verdict, mark, self.devicePixelRatioF()))
        self.caption.setText(caption)
        self.setToolTip(tip)
        self.minus.setVisible(removable)
        self.minus.setToolTip(self.tr("删除这张图片（Delete 键）"))
        self.setStyleSheet("ThumbTile { border: 2px dashed #c62828; }" if staged else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not self.minus.isHidden():
            self.removeRequested.emit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


class SlotCard(QFrame):
    """One material: name, count, state, description, reasons, thumbnails, add button."""

    addRequested = Signal(str, list)          # slot id, files ([] = ask with a dialog)
    removeRequested = Signal(str, int)        # slot id, 1-based index
    unstageRequested = Signal(str, str)       # slot id, staged path
    emptyFolderDropped = Signal(str)          # a dropped folder with no image or PDF in it

    def __init__(self, number: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = number
        self.slot: SlotView | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.drops = FileDrops(self, self._dropped)
        fm = self.fontMetrics()
        self.thumb_side = fm.height() * 7
        self.title = QLabel()
        f = QFont(self.title.font())
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.title.setFont(f)
        self.count = QLabel()
        self.state = QLabel()
        self.add_btn = QPushButton()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #546e7a;")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setStyleSheet("color: #b71c1c;")
        self.tiles_box = QWidget()
        self.tiles = QHBoxLayout(self.tiles_box)
        self.tiles.setContentsMargins(0, 0, 0, 0)
        self.tiles.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.tiles_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.empty = QLabel()
        self.empty.setStyleSheet("color: #78909c;")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.count)
        head.addWidget(self.state)
        head.addStretch(1)
        head.addWidget(self.add_btn)
        v = QVBoxLayout(self)
        v.addLayout(head)
        v.addWidget(self.description)
        v.addWidget(self.reasons)
        v.addWidget(self.empty)
        v.addWidget(self.scroll)
        self.add_btn.clicked.connect(lambda: self.addRequested.emit(self.slot.id, []) if self.slot else None)
        self._tile_widgets: list[ThumbTile] = []

    def tile_count(self) -> int:
        return len(self._tile_widgets)

    def tile(self, i: int) -> ThumbTile:
        return self._tile_widgets[i]

    def show_slot(self, slot: SlotView) -> None:
        self.slot = slot
        for w in self._tile_widgets:
            self.tiles.removeWidget(w)
            w.deleteLater()
        self._tile_widgets = []
        for f in slot.files:
            self._add_tile_for_file(slot, f)
        for st in slot.staged:
            self._add_tile_for_staged(slot, st)
        self.retranslate()

    def _insert(self, tile: ThumbTile) -> None:
        self.tiles.insertWidget(self.tiles.count() - 1, tile)
        self._tile_widgets.append(tile)

    def _add_tile_for_file(self, slot: SlotView, f: FileView) -> None:
        tile = ThumbTile(self.thumb_side)
        tile.removeRequested.connect(lambda idx=f.index: self.removeRequested.emit(slot.id, idx))
        tile.file = f  # type: ignore[attr-defined]
        self._insert(tile)

    def _add_tile_for_staged(self, slot: SlotView, st: Staged) -> None:
        tile = ThumbTile(self.thumb_side)
        tile.removeRequested.connect(lambda p=st.path: self.unstageRequested.emit(slot.id, p))
        tile.staged = st  # type: ignore[attr-defined]
        self._insert(tile)

    def retranslate(self) -> None:
        slot = self.slot
        self.add_btn.setText(self.tr("+ 添加图片"))
        if slot is None:
            return
        self.title.setText(f"{self.number}. {i18n.pick(slot.name)}")
        self.count.setText(i18n.fmt(self.tr("（%1，已上传 %2 张）"), i18n.pick(slot.count_text), len(slot.files)))
        bg, fg = STATE_STYLES.get(slot.state, STATE_STYLES["locked"])
        pad = max(2, self.fontMetrics().height() // 6)
        self.state.setText(i18n.pick(slot.state_label))
        self.state.setStyleSheet(f"QLabel {{ background: {bg}; color: {fg}; border-radius: {pad * 2}px; "
                                 f"padding: {pad}px {pad * 3}px; }}")
        self.description.setText(i18n.pick(slot.description))
        self.description.setVisible(bool(slot.description.zh))
        lines = []
        for idx, reason in slot.reasons:
            where = i18n.fmt(self.tr("第 %1 张"), idx) if idx else self.tr("整项")
            lines.append(i18n.fmt(self.tr("审核意见（%1）：%2"), where, i18n.pick(reason)))
        if slot.reasons and slot.editable and slot.full:
            # the add button is disabled: say how to replace what was sent back
            lines.append(self.tr("要换掉被退回的图片：先点它右上角的“−”删除，再点“+ 添加图片”或把新图片拖到这里。"))
        for st in slot.staged:
            lines.append(i18n.fmt(self.tr("未加入 %1：%2"), st.path.rsplit("/", 1)[-1],
                                  "；".join(i18n.pick(t) for t in st.problems) or self.tr("未通过检测")))
        self.reasons.setText("\n".join(lines))
        self.reasons.setVisible(bool(lines))
        if not slot.editable:
            self.add_btn.setToolTip(self.tr("已锁定：提交审核后不能修改；被审核退回的材料会重新解锁"))
        elif slot.full:
            self.add_btn.setToolTip(self.tr("已满：这一项只能上传 %n 张。要换图片，请先点图片右上角的“−”删除", "",
                                            slot.max))
        else:
            self.add_btn.setToolTip(self.tr("选择图片，也可以把图片拖到这一栏"))
        self.add_btn.setEnabled(slot.editable and not slot.full)
        self.empty.setText(self.tr("还没有图片。点击“+ 添加图片”，或把图片拖到这里。") if slot.editable
                           else self.tr("没有图片。"))
        self.empty.setVisible(not slot.files and not slot.staged)
        self.scroll.setVisible(bool(slot.files or slot.staged))
        for tile in self._tile_widgets:
            f = getattr(tile, "file", None)
            if f is not None:
                self._fill_file_tile(tile, slot, f)
            else:
                self._fill_staged_tile(tile, slot, tile.staged)  # type: ignore[attr-defined]
        if self._tile_widgets:
            tallest = max(t.sizeHint().height() for t in self._tile_widgets)
            self.scroll.setFixedHeight(tallest + self.scroll.horizontalScrollBar().sizeHint().height() + 4)

    def _fill_file_tile(self, tile: ThumbTile, slot: SlotView, f: FileView) -> None:
        verdict = ("warn" if f.warnings else "pass") if f.passed else "fail"
        mark = {"accepted": self.tr("✔ 通过"), "rejected": self.tr("↩ 退回")}.get(f.decision or "", "")
        tip = [f.original, self.tr("✓ 已通过检测") if f.passed else i18n.fmt(self.tr("✗ 未通过：%1"), ", ".join(f.failing))]
        if f.fixed:
            tip.append(self.tr("已自动修复"))
        if f.decision == "accepted":
            tip.append(self.tr("审核通过"))
        elif f.decision == "rejected":
            tip.append(i18n.fmt(self.tr("审核退回：%1"), i18n.pick(f.reason)))
        tip += [i18n.pick(w) for w in f.warnings]
        tile.set_content(f.thumb, verdict, mark, f"{f.index}. {_short(f.original)}", "\n".join(tip), slot.editable)

    def _fill_staged_tile(self, tile: ThumbTile, slot: SlotView, st: Staged) -> None:
        tip = [st.path] + [i18n.pick(t) for t in st.problems] + [self.tr("点击“一键修复”，修复后加入")]
        tile.set_content(st.thumb, "fail", "", self.tr("未加入"), "\n".join(tip), True, staged=True)

    # -- drag and drop onto this slot -----------------------------------------------------------
    def _dropped(self, paths: list[str]) -> None:
        """Files go in as they are; a folder gives its images and PDFs (sorted by name)."""
        if self.slot is None:
            return
        files, folders = split_dropped(paths)
        for folder in folders:
            inside = sorted(str(f) for f in Path(folder).iterdir() if f.is_file() and f.suffix.lower() in MATERIAL_SUFFIXES)
            if not inside:
                self.emptyFolderDropped.emit(folder)
            files += inside
        if files:
            self.addRequested.emit(self.slot.id, files)


def _short(name: str, n: int = 14) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


class MaterialsPage(QWidget):
    def __init__(self, app: AppController, session: MaterialsSession, settings: Settings, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app, self.session, self.settings, self.dialogs = app, session, settings, dialogs
        session.setParent(self)
        self.drops = FileDrops(self, self.drop_paths)   # a slot card takes its own drops first
        self.cards: list[SlotCard] = []
        self._profile_ok = True

        # -- start: questionnaire --------------------------------------------------------------
        self.start = QWidget()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.questions = QGroupBox()
        self.form = QFormLayout(self.questions)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)   # see _fit_questions
        self.questions.installEventFilter(self)
        # its width comes from the page, not from the rows (which then fit themselves to it)
        self.questions.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.name_label = QLabel()
        self.name_edit = QLineEdit()
        self.combos: dict[str, QComboBox] = {}
        self.combo_labels: dict[str, QLabel] = {}
        self.preview_box = QGroupBox()
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pv = QVBoxLayout(self.preview_box)
        pv.addWidget(self.preview)
        pv.addStretch(1)
        self.create_btn = QPushButton()
        self.open_btn = QPushButton()
        for b in (self.create_btn, self.open_btn):
            b.setMinimumHeight(b.fontMetrics().height() * 2)
        cols = QHBoxLayout()
        left = QVBoxLayout()
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name_edit, 1)
        left.addLayout(name_row)
        left.addWidget(self.questions)
        left.addStretch(1)
        cols.addLayout(left, 1)
        cols.addWidget(self.preview_box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_btn)
        buttons.addWidget(self.open_btn)
        buttons.addStretch(1)
        # the questions and the list scroll; the intro above and the buttons below stay in
        # view on a short screen (the buttons are how the candidate goes on)
        answers = QWidget()
        av = QVBoxLayout(answers)
        av.setContentsMargins(0, 0, 0, 0)
        av.addLayout(cols, 1)
        self.start_scroll = QScrollArea()
        self.start_scroll.setWidget(answers)
        self.start_scroll.setWidgetResizable(True)
        self.start_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sv = QVBoxLayout(self.start)
        sv.addWidget(self.intro)
        sv.addWidget(self.start_scroll, 1)
        sv.addLayout(buttons)

        # -- the package --------------------------------------------------------------------------
        self.pkg_panel = QWidget()
        self.banner = Banner()
        self.fix_btn = QPushButton()
        self.submit_btn = QPushButton()
        self.other_btn = QPushButton()
        for b in (self.fix_btn, self.submit_btn):
            b.setMinimumHeight(b.fontMetrics().height() * 2)
        head = QHBoxLayout()
        head.addWidget(self.banner, 1)
        head.addWidget(self.fix_btn)
        head.addWidget(self.submit_btn)
        head.addWidget(self.other_btn)
        # 一键修复 over a whole package takes seconds: progress and cancel
        self.fix_row = ProgressRow(margins=False)
        self.fix_label, self.fix_progress, self.fix_cancel_btn = self.fix_row.label, self.fix_row.bar, self.fix_row.cancel
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setStyleSheet("QLabel { background: #ffebee; color: #b71c1c; border: 1px solid #e57373; "
                                    "border-radius: 4px; padding: 6px; }")
        self.cards_box = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_box)
        self.cards_layout.addStretch(1)
        self.cards_scroll = QScrollArea()
        self.cards_scroll.setWidget(self.cards_box)
        self.cards_scroll.setWidgetResizable(True)
        pvl = QVBoxLayout(self.pkg_panel)
        pvl.setContentsMargins(0, 0, 0, 0)
        pvl.addLayout(head)
        pvl.addWidget(self.fix_row)
        pvl.addWidget(self.feedback)
        pvl.addWidget(self.cards_scroll, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.start)
        self.stack.addWidget(self.pkg_panel)
        root = QVBoxLayout(self)
        root.addWidget(self.stack)

        # -- wiring --------------------------------------------------------------------------------------
        self.create_btn.clicked.connect(self.request_create)
        self.open_btn.clicked.connect(self.request_open)
        self.other_btn.clicked.connect(self.request_open)
        self.fix_btn.clicked.connect(self.request_fix)
        self.fix_cancel_btn.clicked.connect(self._cancel_fix)
        self.submit_btn.clicked.connect(self.session.check_submit)
        session.loaded.connect(self._on_loaded)
        session.added.connect(self._on_added)
        session.fixedAll.connect(self._on_fixed)
        session.fixProgress.connect(self._on_fix_progress)
        session.fixCancelled.connect(self._on_fix_cancelled)
        session.submitChecked.connect(self._on_submit_checked)
        session.submitted.connect(lambda: self.app.status.emit(self.tr("已提交审核，全部材料已锁定。")))
        session.busyChanged.connect(lambda _b: self._refresh_buttons())
        session.failed.connect(self._on_failed)
        app.packChanged.connect(lambda _p: self._build_questions())
        self._build_questions()
        self.retranslate()

    @property
    def busy(self) -> bool:
        return self.session.busy

    # -- questionnaire ------------------------------------------------------------------------------------
    def _catalogue(self):  # noqa: ANN202
        from ... import catalogue

        return catalogue.load(self.app.pack)

    def _build_questions(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        self.combo_labels.clear()
        try:
            cat = self._catalogue()
        except PhotocheckError as e:
            self.preview.setText(i18n.pick(e.text))
            return
        for k in cat.keys():
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            for v in k.values:
                combo.addItem("", v)
            combo.setCurrentIndex(k.values.index(k.default))
            combo.currentIndexChanged.connect(lambda _i: self._update_preview())
            label = QLabel()
            self.combos[k.id] = combo
            self.combo_labels[k.id] = label
            self.form.addRow(label, combo)
        self._retranslate_questions()
        self._update_preview()

    def _fit_questions(self) -> None:
        """Answers beside their questions when every row fits, else every answer under its
        question: never a mix (long English questions and options wrapped some rows only)."""
        if not self.combos:
            return
        fm = self.fontMetrics()
        m = self.form.contentsMargins()
        label_w = max(lab.sizeHint().width() for lab in self.combo_labels.values())
        combo_w = max(c.sizeHint().width() for c in self.combos.values())
        frame = self.questions.width() - self.questions.contentsRect().width() + m.left() + m.right()
        self.questions.setMinimumWidth(max(label_w, combo_w) + frame)   # what the wrapped form needs
        need = label_w + combo_w + max(self.form.horizontalSpacing(), fm.height() // 2) + frame
        wrap = need > self.questions.width()
        policy = QFormLayout.RowWrapPolicy.WrapAllRows if wrap else QFormLayout.RowWrapPolicy.DontWrapRows
        if self.form.rowWrapPolicy() != policy:
            self.form.setRowWrapPolicy(policy)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.questions and event.type() == QEvent.Type.Resize:
            self._fit_questions()
        return super().eventFilter(watched, event)

    def profile(self) -> dict[str, str]:
        return {k: c.currentData() for k, c in self.combos.items()}

    def _retranslate_questions(self) -> None:
        try:
            cat = self._catalogue()
        except PhotocheckError:
            return
        for k in cat.keys():
            combo = self.combos.get(k.id)
            if combo is None:
                continue
            self.combo_labels[k.id].setText(i18n.pick(k.name))
            for i, v in enumerate(k.values):
                combo.setItemText(i, i18n.pick(k.label(v)))
        self._fit_questions()

    def _update_preview(self) -> None:
        try:
            cat = self._catalogue()
            prof = cat.parse_profile(self.profile())
        except PhotocheckError as e:
            self._profile_ok = False
            self.preview.setText(i18n.pick(e.text))
            self.preview.setStyleSheet("color: #b71c1c;")
            self.create_btn.setEnabled(False)
            return
        self._profile_ok = True
        self.preview.setStyleSheet("")
        lines = []
        for n, s in enumerate(cat.required_slots(prof), 1):
            lines.append(f"{n}. {i18n.pick(s.name)} — {i18n.pick(s.count_text())}")
            if s.description.zh:
                lines.append("    " + i18n.pick(s.description))
        self.preview.setText("\n".join(lines))
        self.create_btn.setEnabled(True)

    # -- opening and creating ------------------------------------------------------------------------------
    def request_create(self) -> None:
        if not self._profile_ok:
            return
        parent = self.dialogs.open_dir(self, self.tr("新建材料包：选择存放的文件夹"), self.settings.get(S.LAST_PACKAGE_FOLDER))
        if parent and self._folder_ready(parent):
            self.settings.set(S.LAST_PACKAGE_FOLDER, parent)
            self.session.create(parent, self.name_edit.text().strip(), self.profile())

    def _folder_ready(self, folder: str) -> bool:
        """The folder to keep a new package in exists, or is made after asking; a file in
        its place, or a folder that cannot be made, is refused with the reason."""
        path = Path(folder)
        if path.is_dir():
            return True
        if path.exists():
            self.dialogs.error(self, Text(f"“{path}”是一个文件，不是文件夹。请选择或新建一个文件夹。",
                                          f"“{path}” is a file, not a folder. Choose or make a folder."))
            return False
        if not self.dialogs.confirm(self, self.tr("新建文件夹"),
                                    i18n.fmt(self.tr("文件夹“%1”还不存在。要新建它，并把材料包存放在里面吗？"), str(path)),
                                    default_yes=True):
            return False
        try:
            path.mkdir(parents=True)
        except OSError as e:
            self.dialogs.error(self, Text(f"无法新建文件夹“{path}”：{e.strerror}",
                                          f"cannot make the folder “{path}”: {e.strerror}"))
            return False
        return True

    def request_open(self) -> None:
        path = self.dialogs.open_dir(self, self.tr("打开材料包（选择材料包文件夹）"), self.settings.get(S.LAST_PACKAGE_FOLDER))
        if path:
            self.open_paths([path])

    def open_paths(self, paths: list[str]) -> None:
        if paths:
            self.session.open(paths[0])

    def drop_paths(self, paths: list[str]) -> None:
        """Dropped beside the slots: a folder opens as a package; files belong on a slot."""
        files, folders = split_dropped(paths)
        if folders:
            self.open_paths(folders[:1])
            return
        if self.stack.currentWidget() is self.pkg_panel:
            text = self.tr("请把图片拖到对应的材料项上（例如“身份证明”那一栏），每项会分别检测。")
        else:
            text = self.tr("请先新建或打开材料包，再把图片拖到对应的材料项上。")
        self.dialogs.info(self, self.tr("放到哪一项？"), text)

    def _empty_folder_dropped(self, folder: str) -> None:
        self.dialogs.info(self, self.tr("文件夹里没有图片"),
                          i18n.fmt(self.tr("“%1”里没有图片或 PDF 文件（JPG、PNG、HEIC、WebP、BMP、TIFF、PDF）。"),
                                   Path(folder).name))

    # -- session signals -------------------------------------------------------------------------------------
    def _on_loaded(self, view: PackageView) -> None:
        self.stack.setCurrentWidget(self.pkg_panel)
        if [c.slot.id for c in self.cards if c.slot] != [s.id for s in view.slots]:
            for c in self.cards:
                self.cards_layout.removeWidget(c)
                c.deleteLater()
            self.cards = []
            for n, s in enumerate(view.slots, 1):
                card = SlotCard(n)
                card.addRequested.connect(self._add_requested)
                card.removeRequested.connect(self.session.remove)
                card.unstageRequested.connect(self.session.unstage)
                card.emptyFolderDropped.connect(self._empty_folder_dropped)
                self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
                self.cards.append(card)
        for card, s in zip(self.cards, view.slots):
            card.show_slot(s)
        self._refresh_header()

    def card(self, slot_id: str) -> SlotCard | None:
        return next((c for c in self.cards if c.slot and c.slot.id == slot_id), None)

    def _add_requested(self, slot_id: str, files: list[str]) -> None:
        if not files:
            files = self.dialogs.open_files(self, self.tr("添加图片"), self.settings.get(S.LAST_FOLDER), material_filter())
            if not files:
                return
        from ..dialogs import folder_of

        self.settings.set(S.LAST_FOLDER, folder_of(files[0]))
        self.session.add(slot_id, files)

    def _on_added(self, out: AddOutcome) -> None:
        if out.staged:
            self.app.status.emit(self.tr("%n 张图片未通过检测，暂未加入。点击“一键修复”修复后加入。", "", len(out.staged)))
        for w in out.warnings:
            self.dialogs.info(self, self.tr("请确认"), i18n.pick(w))

    def request_fix(self) -> None:
        if not self.session.fixable or self.session.fixing:
            return
        self.fix_progress.setRange(0, 0)
        self.fix_label.setText(self.tr("正在一键修复…"))
        self.fix_cancel_btn.setEnabled(True)
        self.fix_row.show()
        self.session.fix_all()
        self.fix_row.setVisible(self.session.fixing)

    def _on_fix_progress(self, done: int, total: int, name: str) -> None:
        self.fix_row.show()
        self.fix_progress.setRange(0, max(1, total))
        self.fix_progress.setValue(done)
        self.fix_label.setText(i18n.fmt(self.tr("正在一键修复：%1 / %2  %3"), done, total, name))

    def _cancel_fix(self) -> None:
        self.fix_cancel_btn.setEnabled(False)      # the file being fixed finishes first
        self.session.cancel_fix()

    def _on_fix_cancelled(self) -> None:
        self.fix_row.hide()
        self.app.status.emit(self.tr("一键修复已取消；已修复的图片保留在材料包中，其余的仍未加入。"))

    def _on_fixed(self, out: FixOutcome) -> None:
        self.fix_row.hide()
        self.app.status.emit(i18n.fmt(self.tr("一键修复：加入 %1 张，替换 %2 张。"), out.added, out.replaced))

    def _on_submit_checked(self, chk: SubmitCheck) -> None:
        problems = chk.integrity + chk.reasons
        if problems:
            self.dialogs.info(self, self.tr("还不能提交审核"), self.tr("以下材料还不符合要求，请补齐后再提交："),
                              "\n".join("• " + i18n.pick(t) for t in problems))
            return
        details = self.tr("提交后全部材料将被锁定（已锁定），审核期间不能修改。")
        if chk.empty_optional:
            details += "\n" + i18n.fmt(self.tr("未上传的可选材料：%1"), "、".join(i18n.pick(t) for t in chk.empty_optional))
        if self.dialogs.confirm(self, self.tr("提交审核"), self.tr("材料已齐全。确定提交审核吗？"), details):
            self.session.submit()

    def _on_failed(self, e: PhotocheckError) -> None:
        self.fix_row.setVisible(self.session.fixing)
        self.dialogs.error(self, e)

    # -- showing ------------------------------------------------------------------------------------------------
    def _refresh_header(self) -> None:
        v = self.session.view
        if v is None:
            return
        missing = [s for s in v.slots if not s.complete and s.editable]
        if v.state == "submitted":
            self.banner.set_state("neutral", self.tr("已锁定：材料已提交，正在等待审核。审核期间不能修改。"))
        elif v.state == "accepted":
            self.banner.set_state("pass", self.tr("审核通过。"))
        elif v.state == "needs_changes":
            self.banner.set_state("fail", self.tr("需修改：审核人员退回了部分材料，已为你解锁。请按审核意见修改后重新提交。"))
        elif missing:
            self.banner.set_state("warn", self.tr("未锁定：还差 %n 项材料。全部上传后点击“提交审核”。", "", len(missing)))
        else:
            self.banner.set_state("pass", self.tr("未锁定：材料已齐全，可以提交审核。"))
        lines = []
        for s in v.returned:
            for idx, reason in s.reasons:
                where = i18n.fmt(self.tr("%1 第 %2 张"), i18n.pick(s.name), idx) if idx else i18n.pick(s.name)
                lines.append(f"• {where}：{i18n.pick(reason)}" if i18n.current() != "en" else f"• {where}: {i18n.pick(reason)}")
        self.feedback.setText(self.tr("审核意见：") + "\n" + "\n".join(lines) if lines else "")
        self.feedback.setVisible(bool(lines))
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        v = self.session.view
        busy = self.session.busy
        editable = v is not None and any(s.editable for s in v.slots)
        self.fix_btn.setEnabled(not busy and self.session.fixable)
        self.submit_btn.setEnabled(not busy and editable)
        self.create_btn.setEnabled(not busy and self._profile_ok)

    # -- language ---------------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.intro.setText(self.tr("回答下面几个问题，右侧会列出你需要上传的报名材料。然后新建一个材料包，"
                                   "按项添加图片；全部齐全后点击“提交审核”。"))
        self.questions.setTitle(self.tr("你的情况"))
        self.name_label.setText(self.tr("姓名（可不填）"))
        self.preview_box.setTitle(self.tr("需要上传的材料"))
        self.create_btn.setText(self.tr("新建材料包…"))
        self.open_btn.setText(self.tr("打开已有材料包…"))
        self.fix_btn.setText(self.tr("一键修复"))
        self.fix_btn.setToolTip(self.tr("修复所有可以自动修复的图片（方向、大小、格式、照片白底等），修复后重新检测"))
        self.submit_btn.setText(self.tr("提交审核"))
        self.submit_btn.setToolTip(self.tr("提交后全部材料锁定；被审核退回的材料会重新解锁"))
        self.other_btn.setText(self.tr("打开其他材料包…"))
        self.fix_cancel_btn.setText(self.tr("取消"))
        self.fix_cancel_btn.setToolTip(self.tr("停止修复；已修复的图片保留"))
        self._retranslate_questions()
        self._update_preview()
        for c in self.cards:
            c.retranslate()
        self._refresh_header()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.height() * 60, fm.height() * 40)

    def layout_parts(self) -> dict[str, QWidget]:
        """What must be on screen whatever its size: the package's state and its slots."""
        if self.stack.currentWidget() is self.pkg_panel:
            return {"verdict": self.banner, "slots": self.cards_scroll}
        return {"create": self.create_btn}
