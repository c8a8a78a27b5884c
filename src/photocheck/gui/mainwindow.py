"""The main window: three pages, the rule-pack and language choosers, menus, status bar.

It owns the views and connects them to the controllers; views never call each other.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QRect, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton,
                               QScrollArea, QTabWidget, QVBoxLayout, QWidget)

from .. import __version__
from ..logsetup import log_file
from ..resources import resource_path
from ..rules import RulePack
from ..text import Text
from . import i18n
from . import settings as S
from .controller import AppController, PackChoice, PhotoSession
from .dialogs import Dialogs
from .pages.photo import PhotoPage
from .settings import Settings
from .widgets import FileDrops

log = logging.getLogger("photocheck.gui")

PAGES = ("photo", "materials", "review")


class MainWindow(QMainWindow):
    def __init__(self, app: AppController, settings: Settings, translators: i18n.Translators, dialogs: Dialogs):
        super().__init__()
        self.app, self.settings, self.translators, self.dialogs = app, settings, translators, dialogs
        self.setWindowIcon(_app_icon())

        # -- pages ------------------------------------------------------------------------
        self.photo_session = PhotoSession(app, self)
        self.photo_page = PhotoPage(app, self.photo_session, settings, dialogs)
        from .pages.materials import make_materials_page
        from .pages.review import make_review_page

        self.materials_page = make_materials_page(app, settings, dialogs)
        self.review_page = make_review_page(app, settings, dialogs)
        # every page takes dropped files and folders through the one FileDrops (the review
        # page's own drop handlers are bypassed by it)
        self.review_drops = FileDrops(self.review_page, self.review_page.open_paths)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page in (self.photo_page, self.materials_page, self.review_page):
            self.tabs.addTab(_scrolling(page), "")   # a page larger than a small screen scrolls

        # -- header: rule pack and language ---------------------------------------------------
        self.pack_label = QLabel()
        self.pack_combo = QComboBox()
        self.pack_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.import_btn = QPushButton()
        self.lang_label = QLabel()
        self.lang_combo = QComboBox()
        for code in i18n.LANGS:
            self.lang_combo.addItem(i18n.LANG_NAMES[code], code)
        header = QHBoxLayout()
        header.addWidget(self.pack_label)
        header.addWidget(self.pack_combo)
        header.addWidget(self.import_btn)
        header.addStretch(1)
        header.addWidget(self.lang_label)
        header.addWidget(self.lang_combo)

        central = QWidget()
        v = QVBoxLayout(central)
        v.addLayout(header)
        v.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        # -- status bar ---------------------------------------------------------------------
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(self.fontMetrics().height() * 8)
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)

        # -- actions and menus ------------------------------------------------------------------
        self.open_action = QAction(self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._open_current)
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self._save_current)
        self.import_action = QAction(self)
        self.import_action.triggered.connect(self.request_import_pack)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.log_action = QAction(self)
        self.log_action.triggered.connect(self._show_log_folder)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.file_menu = self.menuBar().addMenu("")
        for a in (self.open_action, self.save_action, self.import_action):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.log_action)
        self.help_menu.addAction(self.about_action)

        # -- wiring -------------------------------------------------------------------------
        self.import_btn.clicked.connect(self.request_import_pack)
        self.pack_combo.activated.connect(self._pack_chosen)
        self.lang_combo.activated.connect(self._lang_chosen)
        app.packsListed.connect(self._fill_packs)
        app.packChanged.connect(lambda _p: self._select_current_pack())
        app.failed.connect(lambda e: self.dialogs.error(self, e))
        app.status.connect(lambda s: self.statusBar().showMessage(s, 8000))
        app.languageChanged.connect(self._apply_language)
        for runner in (app.tasks, app.batch_tasks):
            runner.busyChanged.connect(lambda _b: self.busy_bar.setVisible(app.tasks.busy or app.batch_tasks.busy))
        self.tabs.currentChanged.connect(self._page_changed)

        self._fill_packs(app.choices())
        self._select_lang(translators.lang or "zh_CN")
        geo = settings.get(S.GEOMETRY)
        if geo.isEmpty() or not self.restoreGeometry(geo):
            self.resize(self._default_size(self.screen().availableGeometry()))
        self._wanted = self.size()          # what fit_to_screen aims at once the frame is known
        self.fit_to_screen()
        self._fitted_shown = False
        self.show_page(settings.get(S.LAST_PAGE))
        self.retranslate()

    # -- pages ------------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        return {"photo": self.photo_page, "materials": self.materials_page, "review": self.review_page}[name]

    def show_page(self, name: str) -> None:
        if name in PAGES:
            self.tabs.setCurrentIndex(PAGES.index(name))

    def current_page_name(self) -> str:
        return PAGES[self.tabs.currentIndex()]

    def _page_changed(self, index: int) -> None:
        self.settings.set(S.LAST_PAGE, PAGES[index])
        page = self.page(PAGES[index])
        self.save_action.setEnabled(hasattr(page, "request_save"))

    def open_paths(self, paths: list[str], page: str | None = None) -> None:
        """Files from the command line (or the screenshot tool) go to a page."""
        name = page or self.current_page_name()
        self.show_page(name)
        target = self.page(name)
        if not paths:
            return
        if name == "photo":
            self.photo_page.open_path(paths[0])
        elif hasattr(target, "open_paths"):
            target.open_paths(paths)

    def _open_current(self) -> None:
        page = self.page(self.current_page_name())
        if hasattr(page, "request_open"):
            page.request_open()

    def _save_current(self) -> None:
        page = self.page(self.current_page_name())
        if hasattr(page, "request_save"):
            page.request_save()

    # -- size on screen ---------------------------------------------------------------------
    def _default_size(self, avail: QRect) -> QSize:
        """Roomy on a large screen (four fifths of it), never below a comfortable size
        unless the screen itself is smaller (fit_to_screen then takes over)."""
        fm = self.fontMetrics().height()
        return QSize(max(fm * 80, avail.width() * 4 // 5), max(fm * 48, avail.height() * 4 // 5))

    def fit_to_screen(self, want: QSize | None = None) -> None:
        """At most ``want`` (the current size by default), never larger than the screen's
        available area, frame included, and on it.

        Before the first show the frame is not known; a title bar's worth (and a border's)
        is kept free, and showEvent fits again with the real frame."""
        screen = self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        if self.isVisible():
            extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
        else:
            extra_w, extra_h = self.fontMetrics().height(), self.fontMetrics().height() * 2
        want = want or self.size()
        w = min(want.width(), avail.width() - extra_w)
        h = min(want.height(), avail.height() - extra_h)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        frame = self.frameGeometry()
        x = min(max(frame.x(), avail.x()), avail.right() + 1 - frame.width())
        y = min(max(frame.y(), avail.y()), avail.bottom() + 1 - frame.height())
        if not self.isVisible() and self.settings.get(S.GEOMETRY).isEmpty():
            x = avail.x() + (avail.width() - frame.width()) // 2     # first start: centred
            y = avail.y() + (avail.height() - frame.height()) // 2
        if (x, y) != (frame.x(), frame.y()):
            self.move(max(x, avail.x()), max(y, avail.y()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The offscreen platform (tests, screenshot mode) has a nominal 800×600 screen and
        # windows sized on purpose; a real screen gets the window fitted to it.
        if not self._fitted_shown and QGuiApplication.platformName() != "offscreen":
            self._fitted_shown = True
            QTimer.singleShot(0, self._fit_once_shown)

    def _fit_once_shown(self) -> None:
        self.fit_to_screen(self._wanted)     # the window manager's frame is known by now

    # -- rule packs -------------------------------------------------------------------------
    def _fill_packs(self, choices: list[PackChoice]) -> None:
        self._choices = list(choices)
        self.pack_combo.clear()
        for c in self._choices:
            text = i18n.pick(c.label)
            if c.imported:
                text = i18n.fmt(self.tr("%1（已导入）"), text)
            self.pack_combo.addItem(text, c.key)
        self._select_current_pack()

    def _select_current_pack(self) -> None:
        i = self.pack_combo.findData(self.app.pack_key())
        if i >= 0:
            self.pack_combo.setCurrentIndex(i)
        self.pack_combo.setToolTip(i18n.fmt(self.tr("规则来源：%1（版本 %2）"),
                                            i18n.pick(_source(self.app.pack)), self.app.pack.info.version))

    def _pack_chosen(self, index: int) -> None:
        key = self.pack_combo.itemData(index)
        if key and not self.app.set_pack(key):
            self._select_current_pack()

    def request_import_pack(self) -> None:
        path = self.dialogs.open_file(self, self.tr("导入规则包"), "", self.tr("规则包 (*.toml)"))
        if path and self.app.import_pack(path):
            self.statusBar().showMessage(i18n.fmt(self.tr("已导入规则包：%1"), i18n.pick(self.app.pack.info.name)), 8000)

    # -- language -----------------------------------------------------------------------------
    def _lang_chosen(self, index: int) -> None:
        self.app.set_language(self.lang_combo.itemData(index))

    def _apply_language(self, lang: str) -> None:
        if not self.translators.apply(lang):
            self.dialogs.error(self, _missing_catalogue())
        self._select_lang(self.translators.lang)

    def _select_lang(self, lang: str) -> None:
        i = self.lang_combo.findData(lang)
        if i >= 0:
            self.lang_combo.setCurrentIndex(i)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(i18n.fmt(self.tr("医考报名照片与材料检测 %1"), __version__))
        self.tabs.setTabText(0, self.tr("照片检测"))
        self.tabs.setTabText(1, self.tr("报名材料"))
        self.tabs.setTabText(2, self.tr("审核"))
        self.pack_label.setText(self.tr("规则："))
        self.import_btn.setText(self.tr("导入规则包…"))
        self.import_btn.setToolTip(self.tr("从文件导入其他考试、考区或年份的规则包（无需联网）"))
        self.lang_label.setText(self.tr("语言："))
        self.file_menu.setTitle(self.tr("文件(&F)"))
        self.help_menu.setTitle(self.tr("帮助(&H)"))
        self.open_action.setText(self.tr("打开…"))
        self.save_action.setText(self.tr("保存…"))
        self.import_action.setText(self.tr("导入规则包…"))
        self.quit_action.setText(self.tr("退出"))
        self.log_action.setText(self.tr("打开日志文件夹"))
        self.about_action.setText(self.tr("关于"))
        if hasattr(self, "_choices"):
            self._fill_packs(self._choices)

    def _show_log_folder(self) -> None:
        folder = log_file().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)      # no log written yet: still a folder to show
        except OSError as e:
            self.dialogs.error(self, Text(f"无法打开日志文件夹“{folder}”：{e.strerror}",
                                          f"cannot open the log folder “{folder}”: {e.strerror}"))
            return
        self.dialogs.show_folder(self, str(folder))

    def _about(self) -> None:
        self.dialogs.info(self, self.tr("关于"), i18n.fmt(self.tr("医考报名照片与材料检测 %1"), __version__),
                          i18n.fmt(self.tr("离线运行，不上传任何文件。当前规则：%1"), i18n.pick(self.app.pack.info.name)))

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.review_page.settle_pending(then=self.close):
            self.show_page("review")
            event.ignore()
            return
        self.settings.set(S.GEOMETRY, self.saveGeometry())
        self.settings.sync()
        self.app.shutdown()
        super().closeEvent(event)


class PageScroll(QScrollArea):
    """A page fills the tab and scrolls only below its minimum size.

    QScrollArea's own resizing gives a page with word-wrapped labels its preferred
    height for the width (heightForWidth), which scrolls a page that would fit; here
    the page gets the viewport, or its minimum size where the viewport is smaller."""

    def __init__(self, page: QWidget):
        super().__init__()
        self.setWidget(page)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page.installEventFilter(self)

    def _fit(self) -> None:
        page = self.widget()
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        size = self.viewport().size().expandedTo(least)
        if page.size() != size:
            page.resize(size)

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self._fit)   # dropped if this scroll area is gone by then
        return super().eventFilter(watched, event)


def _scrolling(page: QWidget) -> QScrollArea:
    return PageScroll(page)


def _source(pack: RulePack) -> Text:
    return Text(pack.info.source_zh or pack.info.name_zh, pack.info.source_en or pack.info.name_en)


def _missing_catalogue() -> Text:
    return Text("英文界面的翻译文件缺失，请运行 make translations（界面保持中文）",
                "The English translation file is missing; run `make translations` (the UI stays Chinese).")


def _app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "photocheck.png")))
