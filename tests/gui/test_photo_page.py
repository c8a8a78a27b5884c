"""The photo page as a candidate uses it: open, read the checklist, fix, save."""

from __future__ import annotations


import pytest
from drops import drop
from PySide6.QtCore import Qt

from photocheck.checks.base import Status
from photocheck.fix.seal import verify
from photocheck.checks.shapes import CHIN, CROWN
from photocheck.gui.overlay import FACE, FAIL
from photocheck.gui.tables import ChecklistModel


def test_open_by_button_shows_checklist_and_overlay(window, dialogs, grace):
    page = window.photo_page
    dialogs.open_answers.append(grace)
    page.open_btn.click()
    rep = page.current_report()
    assert rep is not None and rep.error is None
    # every rule of the pack has a row, with its symbol and a message
    ids = [c.id for c in rep.checks]
    assert page.model.rowCount() == len(ids) >= 11
    for row, c in enumerate(rep.checks):
        assert page.model.index(row, ChecklistModel.COL_STATUS).data() == c.status.symbol
        assert page.model.index(row, ChecklistModel.COL_DETAIL).data()
    # grace_hopper.jpg is 512x600, 61 KB, on a flag: size, proportions and background fail
    for cid in ("file_size", "dimensions", "background"):
        assert page.status_of(cid) is Status.FAIL
    assert page.banner.state == "fail"
    # the first failing row is selected and its fix hint is shown in the detail pane
    assert page.table.currentIndex().row() == page.model.first_problem_row()
    assert "→" in page.model.index(page.model.first_problem_row(), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert page.detail.text()
    # overlay: face box, crown and chin lines, failing background regions
    shapes = page.original_view.shapes()
    assert any(s.kind == "rect" and s.role == FACE for s in shapes)
    assert {CROWN, CHIN} <= {s.label for s in shapes if s.kind == "hline"}
    assert any(s.kind == "rect" and s.role == FAIL for s in shapes)
    assert page.fix_btn.isEnabled() and not page.save_btn.isEnabled()
    assert window.settings.get(__import__("photocheck.gui.settings", fromlist=["x"]).LAST_FOLDER) == str(grace.parent)


def test_fix_then_save_next_to_original_without_overwriting(window, dialogs, grace):
    page = window.photo_page
    page.open_path(str(grace))
    page.fix_btn.click()
    result = page.session.result
    assert result is not None and result.ok, page.result_info.text()
    assert page.which.currentIndex() == page.RESULT and page.banner.state in ("pass", "warn")
    assert page.result_view.has_image()
    assert page.save_btn.isEnabled()

    # ②保存照片文件: the dialog proposes 原名_报名照片.jpg beside the original
    expected = grace.with_name("grace_报名照片.jpg")
    dialogs.save_answers.append(str(expected))
    window.save_action.trigger()            # Ctrl+S
    assert dialogs.last_save_default == str(expected)
    assert expected.exists()
    data = expected.read_bytes()
    assert len(data) < 30_000 and verify(data).intact
    assert grace.read_bytes()[:2] == b"\xff\xd8" and grace.stat().st_size != len(data)  # original untouched

    # saving again to the same name asks first; "No" leaves the file alone
    expected.write_bytes(b"keep me")
    dialogs.save_answers.append(str(expected))
    dialogs.confirm_answers.append(False)
    page.request_save()
    assert dialogs.confirms and expected.read_bytes() == b"keep me"
    # "Yes" replaces it
    dialogs.save_answers.append(str(expected))
    dialogs.confirm_answers.append(True)
    page.request_save()
    assert verify(expected.read_bytes()).intact


def test_refuses_to_save_over_the_original(window, dialogs, grace):
    page = window.photo_page
    page.open_path(str(grace))
    page.session.fix()
    before = grace.read_bytes()
    dialogs.save_answers.append(str(grace))
    dialogs.confirm_answers.append(True)       # even if the user says yes to replacing
    page.request_save()
    assert grace.read_bytes() == before
    assert any("原照片" in e for e in dialogs.errors)


def test_unwritable_folder_is_a_plain_dialog(window, dialogs, grace, tmp_path):
    page = window.photo_page
    page.open_path(str(grace))
    page.session.fix()
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the folder should be")   # unwritable even for root
    dialogs.save_answers.append(str(blocker / "out.jpg"))
    page.request_save()
    assert dialogs.errors and "Traceback" not in dialogs.errors[-1]
    assert "文件夹" in dialogs.errors[-1] and "folder" in dialogs.errors[-1]
    assert page._phase != "saved"


def test_bad_file_is_a_dialog_not_a_traceback(window, dialogs, tmp_path):
    bad = tmp_path / "not_a_photo.jpg"
    bad.write_bytes(b"this is text, not a JPEG")
    page = window.photo_page
    page.open_path(str(bad))
    assert dialogs.errors and "不是可识别的图片文件" in dialogs.errors[-1]
    assert "not a recognised image file" in dialogs.errors[-1]          # English under the Chinese
    assert page.model.rowCount() == 1 and page.banner.state == "fail"
    assert not page.fix_btn.isEnabled() and not page.save_btn.isEnabled()
    assert "换一张照片" in page.next_label.text()


def test_pdf_on_the_photo_page_points_to_materials_and_the_next_photo_opens(window, dialogs, tmp_path, grace):
    import hostile

    pdf = tmp_path / "证书.pdf"
    pdf.write_bytes(hostile.pdf_plain())
    page = window.photo_page
    page.open_path(str(pdf))
    assert dialogs.errors and "PDF" in dialogs.errors[-1] and "报名材料" in dialogs.errors[-1]
    assert "ZeroDivisionError" not in dialogs.errors[-1] and "内部错误" not in dialogs.errors[-1]
    assert not page.fix_btn.isEnabled()
    page.open_path(str(grace))  # the page goes on with the next file
    rep = page.current_report()
    assert rep is not None and rep.error is None and rep.checks


def test_fix_refused_is_explained_beside_the_photo(window, dialogs, tmp_path, astronaut_bgr):
    import cv2

    # A small crop of a face leaves too few pixels: the fix must refuse, never enlarge.
    small = cv2.resize(astronaut_bgr[20:260, 120:320], (100, 120))
    path = tmp_path / "small.jpg"
    cv2.imwrite(str(path), small)
    page = window.photo_page
    page.open_path(str(path))
    page.fix_btn.click()
    assert page.session.result is None or not page.session.result.ok
    assert not page.save_btn.isEnabled()
    assert page.result_info.text() or page.session.result is not None
    assert "Traceback" not in page.result_info.text()


def test_drag_and_drop_opens_the_photo(window, grace):
    page = window.photo_page
    assert drop(page, [grace])
    assert page.session.path == str(grace) and page.current_report() is not None


def test_overlay_toggle_is_remembered(window, settings):
    from photocheck.gui import settings as S

    page = window.photo_page
    page.overlay_box.setChecked(False)
    assert settings.get(S.SHOW_OVERLAY) is False
    assert page.original_view._overlay is False


def test_reminders_come_from_the_pack(window):
    page = window.photo_page
    texts = window.app.pack.photo.reminders.texts()
    assert texts and all(t.zh in page.reminder_text.text() for t in texts)


def test_background_thread_keeps_the_window_responsive(qtbot, settings, translators, dialogs, grace, timeout):
    """With real worker threads the check runs off the GUI thread and arrives by signal."""
    from photocheck.gui.controller import AppController
    from photocheck.gui.mainwindow import MainWindow

    ctl = AppController(settings, synchronous=False)
    w = MainWindow(ctl, settings, translators, dialogs)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.photo_session.opened, timeout=timeout):
        w.photo_page.open_path(str(grace))
        assert w.photo_page.banner.state == "busy"    # returned at once; work is in flight
    with qtbot.waitSignal(w.photo_session.fixed, timeout=timeout):
        w.photo_page.fix_btn.click()
    qtbot.waitUntil(lambda: not ctl.tasks.busy, timeout=timeout)
    assert w.photo_page.save_btn.isEnabled()
    ctl.shutdown()


def test_stale_results_are_dropped(window, grace, tmp_path, astronaut_bgr):
    """Opening B while A is still being checked must never show A's result for B."""
    import cv2

    other = tmp_path / "astro.jpg"
    cv2.imwrite(str(other), astronaut_bgr)
    s = window.photo_session
    s._gen += 0
    seen = []
    s.opened.connect(lambda r: seen.append(r.label))
    gen_a = s._next()
    s.open(str(other))
    s._opened(gen_a, s.original)   # a late delivery for an older request
    assert seen == [str(other)]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_checklist_stays_readable_in_a_small_window(window, grace, compiled_translations, translators, lang, qtbot):
    """At 960×540 (1920×1080 at 200 %) the fixed photo's checklist shows several whole rows
    and whole headers, the problem row selected: a long measured line is left to the
    detail pane and the tooltip, and the check's name keeps to its share of the width."""
    from photocheck.gui.app import table_report

    translators.apply(lang)
    window.resize(960, 540)
    page = window.photo_page
    page.open_path(str(grace))
    page.fix_btn.click()
    qtbot.wait(50)
    r = table_report(page.table)
    assert r["rows"] >= 6 and r["rows_shown"] >= 3 and not r["headers_cut"], r
    title = page.table.columnWidth(ChecklistModel.COL_TITLE)
    assert title <= page.table.viewport().width() * 0.4 < page.table.columnWidth(ChecklistModel.COL_DETAIL)
    from photocheck.gui.tables import DETAIL_MEASURED_MAX

    for row in range(page.model.rowCount()):
        c, index = page.model.check_at(row), page.model.index(row, ChecklistModel.COL_DETAIL)
        if c is not None and c.status is not Status.PASS and c.measured is not None:
            line = page.model.measured_line(c)
            assert line in index.data(Qt.ItemDataRole.ToolTipRole)
            assert (line in index.data()) == (len(line) <= DETAIL_MEASURED_MAX)
