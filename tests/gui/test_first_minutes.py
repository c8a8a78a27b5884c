"""A new user's first ten minutes (issue 17): every number beside its rule, every button
and drop, every state of the result pane, on any screen, in either language.

The start-up on a bare machine is in tests/unit/test_display.py and test_xcb.py; the
screens under Xvfb in test_screens.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from drops import drop
from PySide6.QtCore import QByteArray, Qt

from photocheck.checks.base import CheckResult, FileReport, Status
from photocheck.gui.tables import ChecklistModel
from photocheck.text import FixHint, Text

HERE = Path(__file__).resolve().parent
FIX_WORDS = ("一键修复", "use Fix", "One-click fix", "photocheck fix")
WINDOWS_NATIVE = pytest.mark.skipif(sys.platform == "win32",
                                    reason="Windows shows its own file dialog, in the system's language")


def sized_photo(src: Path, size: int, out: Path) -> Path:
    """``src`` (a JPEG) padded with a comment segment to exactly ``size`` bytes."""
    data = src.read_bytes()
    pad = size - len(data) - 4
    assert 0 <= pad < 65_000, (len(data), size)
    out.write_bytes(data[:2] + b"\xff\xfe" + (pad + 2).to_bytes(2, "big") + b"p" * pad + data[2:])
    return out


# --- 2. the window on a small screen --------------------------------------------------------------

@pytest.mark.parametrize("saved", [False, True], ids=["first start", "saved on a larger screen"])
def test_the_window_never_opens_larger_than_the_screen(qtbot, controller, settings, translators, dialogs, saved):
    from photocheck.gui import settings as S
    from photocheck.gui.mainwindow import MainWindow

    if saved:
        big = MainWindow(controller, settings, translators, dialogs)
        big.setGeometry(0, 0, 2400, 1500)
        settings.set(S.GEOMETRY, big.saveGeometry())
        big.deleteLater()
    else:
        settings.set(S.GEOMETRY, QByteArray())
    w = MainWindow(controller, settings, translators, dialogs)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    avail = w.screen().availableGeometry()      # offscreen: 800×800
    frame = w.frameGeometry()
    assert frame.width() <= avail.width() and frame.height() <= avail.height(), (frame, avail)
    # on it (the offscreen platform draws a 1-pixel frame it places after the show)
    assert avail.adjusted(-1, -1, 1, 1).contains(frame), (frame, avail)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_page_fits_960_by_540_without_growing_the_window(window, translators, compiled_translations,
                                                               qtbot, lang):
    """1920×1080 at 200 % leaves 960×540: the window's minimum fits it; a page that
    needs more scrolls inside its tab."""
    translators.apply(lang)
    qtbot.wait(10)                                       # LanguageChange events are posted
    hint = window.minimumSizeHint()
    assert hint.width() <= 960 and hint.height() <= 540, hint


# --- 3. numbers beside their rules -----------------------------------------------------------------

def test_a_passing_size_is_never_shown_at_or_over_the_byte_limit(window, drawn, tmp_path):
    photo = sized_photo(drawn["photo"], 29_986, tmp_path / "photo.jpg")
    page = window.photo_page
    page.open_path(str(photo))
    rep = page.current_report()
    size = rep.get("file_size")
    assert size.status is Status.PASS and size.measured == 29_986
    row = [c.id for c in rep.checks].index("file_size")
    cell = page.model.index(row, ChecklistModel.COL_DETAIL).data()
    assert "29,986" in cell and "30,000" in cell and "30.0" not in cell, cell
    assert "29,986 字节" in page.original_info.text() and "30.0 KB" not in page.original_info.text()
    assert "29,986" in page.model.measured_line(size) and "30,000" in page.model.measured_line(size)


def test_the_cli_shows_the_same_bytes(drawn, tmp_path, capsys):
    from photocheck.cli import main

    photo = sized_photo(drawn["photo"], 29_986, tmp_path / "photo.jpg")
    main(["check", str(photo), "--lang", "zh_CN"])
    line = next(x for x in capsys.readouterr().out.splitlines() if "file_size" in x)
    assert "29,986 字节" in line and "30,000" in line and "30.0 KB" not in line, line


def test_a_measured_value_beside_its_limit_keeps_its_side(qapp, translators):
    """0.5796 fails a 58 % rule: three significant digits would show it as 0.58."""
    model = ChecklistModel()
    c = CheckResult("head_size", Status.FAIL, {"height": 0.5796, "width": 0.70, "crown": 0.05},
                    {"height": [0.58, 0.69], "height_warn": [0.55, 0.72], "width": [0.64, 0.73], "crown": [0.03, 0.14]},
                    Text("x", "x"))
    line = model.measured_line(c)
    assert "0.5796" in line and "0.58–0.69" in line, line
    c = CheckResult("file_size", Status.FAIL, 30_000, "< 30000", Text("x", "x"))
    assert model.measured_line(c) == "测得：30,000　要求：< 30,000"


# --- 4. every action works or says why ----------------------------------------------------------------

def _pkg_created_in(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if (p / "manifest.json").exists()] if folder.is_dir() else []


def test_new_package_in_a_folder_that_does_not_exist_is_made_after_asking(window, dialogs, tmp_path):
    page = window.materials_page
    target = tmp_path / "还没有" / "报名"
    dialogs.dir_answers.append(str(target))
    dialogs.confirm_answers.append(True)
    page.create_btn.click()
    assert dialogs.confirms and str(target) in dialogs.confirms[-1]
    assert target.is_dir() and len(_pkg_created_in(target)) == 1
    assert page.stack.currentWidget() is page.pkg_panel


def test_new_package_refused_when_the_user_says_no_or_a_file_is_in_the_way(window, dialogs, tmp_path):
    page = window.materials_page
    target = tmp_path / "不要建"
    dialogs.dir_answers.append(str(target))
    dialogs.confirm_answers.append(False)
    page.create_btn.click()
    assert not target.exists() and not dialogs.errors
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    dialogs.dir_answers.append(str(blocker))
    page.create_btn.click()
    assert dialogs.errors and "不是文件夹" in dialogs.errors[-1] and "not a folder" in dialogs.errors[-1]


@WINDOWS_NATIVE
def test_the_folder_dialog_accepts_a_typed_folder_that_does_not_exist(qapp, qtbot, tmp_path):
    """Qt's own folder dialog ignores Enter on such a name (its button is disabled)."""
    from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit

    from photocheck.gui.dialogs import FolderDialog, file_dialog

    d = file_dialog(None, "新建材料包", str(tmp_path), "", QFileDialog.FileMode.Directory)
    assert isinstance(d, FolderDialog)
    qtbot.addWidget(d)
    d.show()
    edit = d.findChild(QLineEdit, "fileNameEdit")
    edit.setText("新文件夹")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.chosen() == [str(tmp_path / "新文件夹")]


def test_save_with_nothing_to_save_says_why(window, controller):
    said = []
    controller.status.connect(said.append)
    window.save_action.trigger()              # Ctrl+S on an empty photo page
    assert said and "一键修复" in said[-1]


def test_the_log_folder_menu_item_opens_a_folder_that_exists(window, dialogs):
    window.log_action.trigger()
    assert dialogs.shown and Path(dialogs.shown[-1]).is_dir()


def test_a_zero_byte_file_is_a_plain_dialog(window, dialogs, tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    page = window.photo_page
    page.open_path(str(empty))
    assert dialogs.errors and "空" in dialogs.errors[-1] and "empty" in dialogs.errors[-1]
    assert page.banner.state == "fail" and not page.fix_btn.isEnabled()


def test_a_running_check_can_be_cancelled(window, controller, grace, monkeypatch):
    """A check (or fix) of a huge photo takes seconds: 取消 makes the page usable at once,
    and the late result is dropped."""
    held = []
    monkeypatch.setattr(controller.tasks, "submit", lambda fn, *a, done=None, **k: held.append((fn, a, done)))
    page = window.photo_page
    page.open_path(str(grace))
    assert page.cancel_btn.isVisibleTo(page) and not page.open_btn.isEnabled()
    page.cancel_btn.click()
    assert not page.cancel_btn.isVisibleTo(page) and page.open_btn.isEnabled()
    fn, args, done = held[0]
    done(fn(*args))                       # the worker finishes after all
    assert page.session.original is None and page.banner.state == "neutral"


# --- 5. no advice to use Fix on a fixed result ------------------------------------------------------------

def _all_texts(page) -> list[str]:
    m = page.model
    out = [page.detail.text(), page.next_label.text(), page.banner.text()]
    for row in range(m.rowCount()):
        idx = m.index(row, ChecklistModel.COL_DETAIL)
        out += [idx.data(), idx.data(Qt.ItemDataRole.ToolTipRole) or "", idx.data(ChecklistModel.HintRole) or ""]
        page.table.selectionModel().setCurrentIndex(idx, page.table.selectionModel().SelectionFlag.ClearAndSelect)
        out.append(page.detail.text())
    return out


def test_no_hint_on_a_fixed_result_advises_the_fix(window, grace, compiled_translations):
    page = window.photo_page
    page.open_path(str(grace))
    fix_hints = [c.hint for c in page.current_report().checks if isinstance(c.hint, FixHint)]
    assert fix_hints                                   # the original is advised to use Fix ...
    page.fix_btn.click()
    assert page.which.currentIndex() == page.RESULT
    texts = _all_texts(page)
    # ... and, to walk every check, the result's checks all failing with those hints
    result = page.session.result.result.report
    result.checks = [CheckResult(c.id, Status.FAIL if i % 2 else Status.WARN, c.measured, c.limit, c.message,
                                 fix_hints[i % len(fix_hints)], c.region, c.title)
                     for i, c in enumerate(result.checks)]
    page._show_checklist()
    texts += _all_texts(page)
    for lang in ("zh_CN", "en"):
        window.translators.apply(lang)
        page.retranslate()
        texts += _all_texts(page)
    window.translators.apply("zh_CN")
    assert not [t for t in texts if any(w in t for w in FIX_WORDS)], [t for t in texts if any(w in t for w in FIX_WORDS)]
    assert any("重新拍摄" in t for t in texts)        # the retake advice takes its place


def test_the_original_still_gets_the_fix_advice(window, grace):
    page = window.photo_page
    page.open_path(str(grace))
    assert any("一键修复" in t for t in _all_texts(page))


# --- 6. Chinese throughout: Qt's own dialog ---------------------------------------------------------------

def _file_dialog(lang: str, folder: Path) -> dict:
    import os

    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_TIME": ""}
    proc = subprocess.run([sys.executable, str(HERE / "harness.py"), "filedialog", lang, str(folder)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@WINDOWS_NATIVE
def test_qts_file_dialog_is_chinese_with_chinese_dates(tmp_path, compiled_translations):
    from PySide6.QtCore import QDateTime, QLocale

    (tmp_path / "子文件夹").mkdir()
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    out = _file_dialog("zh_CN", tmp_path)
    assert not out["native"]
    labels = out["labels"]
    assert labels["lookInLabel"] == "查找范围(&L)：" and labels["fileTypeLabel"] == "文件类型(&T)："
    assert all(not any("a" <= ch.lower() <= "z" for ch in text.replace("&L", "").replace("&T", "").replace("&N", ""))
               for text in labels.values()), labels
    folder = next(r for r in out["rows"] if r[0] == "子文件夹")
    assert folder[2] == "文件夹"
    mtime = QDateTime.fromSecsSinceEpoch(int((tmp_path / "子文件夹").stat().st_mtime))
    assert folder[3] == QLocale("zh_CN").toString(mtime, QLocale.FormatType.ShortFormat), folder


@WINDOWS_NATIVE
def test_qts_file_dialog_in_english_has_english_dates(tmp_path, compiled_translations):
    (tmp_path / "folder").mkdir()
    out = _file_dialog("en", tmp_path)
    assert out["labels"]["lookInLabel"] == "&Look in:"
    folder = next(r for r in out["rows"] if r[0] == "folder")
    assert folder[2] == "Folder" and out["system_date_format"] != "d M yyyy HH:mm"


def test_the_system_locale_is_aligned_before_qt_reads_it(monkeypatch):
    from photocheck.gui import i18n

    monkeypatch.setattr(sys, "platform", "linux")
    env = {"LANG": "C.UTF-8"}
    assert i18n.align_system_locale("zh_CN", env) == "zh_CN.UTF-8" and env["LC_TIME"] == "zh_CN.UTF-8"
    env = {"LANG": "zh_CN.UTF-8"}
    assert i18n.align_system_locale("zh_CN", env) is None and "LC_TIME" not in env
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"}
    assert i18n.align_system_locale("en", env) == "en_US.UTF-8" and env["LC_ALL"] == "en_US.UTF-8"
    assert i18n.env_lang({"LANG": "en_GB.UTF-8"}) == "en" and i18n.env_lang({}) == "zh_CN"
    assert i18n.env_lang({"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}) == "en"


# --- 7. a refused fix says why where the photo would be -----------------------------------------------------

def test_a_refused_fix_shows_its_reason_in_the_result_pane(window, tmp_path, astronaut_bgr):
    import cv2

    small = cv2.resize(astronaut_bgr[20:260, 120:320], (100, 120))   # too few pixels: refused, never enlarged
    path = tmp_path / "small.jpg"
    cv2.imwrite(str(path), small)
    page = window.photo_page
    page.open_path(str(path))
    page.fix_btn.click()
    assert page._phase == "refused"
    shown = page.result_view._placeholder
    assert shown.startswith("无法修复") and "合格的报名照片显示在这里" not in shown
    page.retranslate()                                    # a language change keeps the reason
    assert page.result_view._placeholder == shown
    page.open_path(str(path))                             # a new photo: the usual placeholder again
    assert "合格的报名照片显示在这里" in page.result_view._placeholder


# --- 8. long cells wrap ----------------------------------------------------------------------------------------

def test_long_cells_wrap_to_their_full_text_at_any_width(window, qtbot):
    page = window.photo_page
    long = "背景不是白色：头顶上方只有 12% 为白色（至少 97%；平均颜色 蓝色 RGB(69, 86, 139)），请在白墙前光线均匀处重拍，" * 2
    rep = FileReport("x.jpg", "photo", "r", [CheckResult("background", Status.FAIL, 0.12, 0.97, Text(long, long),
                                                         title=Text("白色背景", "White background"))])
    page.model.set_report(rep)
    for width in (900, 420):
        page.table.resize(width, 400)
        page.table.horizontalHeader().resizeSection(ChecklistModel.COL_DETAIL, width // 2)
        qtbot.wait(20)
        col = page.table.columnWidth(ChecklistModel.COL_DETAIL)
        text = page.model.index(0, ChecklistModel.COL_DETAIL).data()
        need = page.table.fontMetrics().boundingRect(0, 0, col - 8, 10_000, int(Qt.TextFlag.TextWordWrap), text).height()
        assert page.table.rowHeight(0) >= need, (width, page.table.rowHeight(0), need)
    tip = page.model.index(0, ChecklistModel.COL_DETAIL).data(Qt.ItemDataRole.ToolTipRole)
    assert long in tip


# --- 9. the review caption names a file once ------------------------------------------------------------------

def test_the_review_caption_does_not_repeat_a_file_name(window, tmp_path, drawn, qtbot):
    import shutil

    folder = tmp_path / "loose"
    folder.mkdir()
    shutil.copy(drawn["diploma"], folder / "diploma0_blur.jpg")
    page = window.review_page
    window.show_page("review")
    page.open_paths([str(folder)])
    assert page.file_label.text() == "diploma0_blur.jpg"


# --- drag and drop: one handler, files and folders, every page ---------------------------------------------------

def test_drops_on_the_photo_page(window, dialogs, controller, grace, tmp_path):
    page = window.photo_page
    said = []
    controller.status.connect(said.append)
    assert drop(page, [tmp_path])                     # a folder: said, nothing opened
    assert dialogs.infos and "文件夹" in dialogs.infos[-1] and page.session.path is None
    other = tmp_path / "b.jpg"
    other.write_bytes(grace.read_bytes())
    assert drop(page, [grace, other])                 # two photos: the first opens, the rest is said
    assert page.session.path == str(grace) and said and "1" in said[-1]


def test_drops_on_the_materials_page(window, dialogs, tmp_path, drawn):
    import shutil

    from photocheck.submission import package

    page = window.materials_page
    assert drop(page, [drawn["diploma"]])             # an image beside the slots: where to put it
    assert dialogs.infos and "材料包" in dialogs.infos[-1]
    pkg = tmp_path / "pkg"
    package.create(pkg).close()                       # the most common candidate's slots
    assert drop(page, [pkg])                          # a package folder opens
    assert page.stack.currentWidget() is page.pkg_panel and page.session.path == str(pkg)
    images = tmp_path / "扫描件"
    images.mkdir()
    shutil.copy(drawn["diploma"], images / "diploma.jpg")
    (images / "readme.txt").write_text("not an image")
    assert drop(page.card("diploma"), [images])       # a folder onto a slot: its images go in
    with package.open_package(pkg) as p:
        assert [f.original for f in p.manifest.slot("diploma").files] == ["diploma.jpg"]
    empty = tmp_path / "空"
    empty.mkdir()
    assert drop(page.card("diploma"), [empty])
    assert "没有图片" in dialogs.infos[-1]


def test_drops_on_the_review_page(window, dialogs, package_copy, drawn, tmp_path):
    import shutil

    page = window.review_page
    window.show_page("review")
    assert drop(page, [package_copy])                 # a package folder
    assert page.session.set is not None and page.session.set.is_package
    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(drawn["diploma"], loose / "diploma.jpg")
    assert drop(page, [loose])                        # a folder of loose files
    assert not page.session.set.is_package and len(page.session.set.items) == 1
    assert drop(page, [drawn["id_front"]])            # a single file: said, not silently ignored
    assert dialogs.errors and "不是材料包或文件夹" in dialogs.errors[-1]
