"""The review page as a reviewer uses it: open a package, look, send back, export."""

from __future__ import annotations

import json

import pytest

from PySide6.QtCore import Qt

from photocheck.submission.package import open_package


def _open(window, path, qtbot):
    page = window.review_page
    window.show_page("review")
    page.open_paths([str(path)])
    return page


def test_open_package_rechecks_every_file_with_seal_and_hash(window, package_copy, qtbot):
    page = _open(window, package_copy, qtbot)
    items = page.session.set.items
    assert [it.target for it in items] == ["photo:1", "id_card:1", "id_card:2", "diploma:1"]
    assert all(it.checked for it in items)                    # checks re-ran on open
    photo = items[0]
    assert photo.seal_ok is True and not photo.tampered
    assert "印记完好" in page.model.integrity_text(photo)
    assert items[1].seal_ok is None and "哈希一致" in page.model.integrity_text(items[1])
    assert page.model.rowCount() == 4 and not page.progress_row.isVisible()
    # the first file is shown large, with its full checklist
    assert page.view.has_image() and page.checklist.rowCount() >= 6
    # its overlay lines carry their names, as on the photo page
    from photocheck.checks.shapes import CHIN, CROWN

    assert {CROWN, CHIN} <= {s.label for s in page.view.shapes() if s.kind == "hline"}
    assert {"头顶", "下巴"} <= set(page.view.labels())
    assert "已提交" in page.banner.text()


def test_tampered_file_is_flagged(window, package_copy, qtbot):
    pkg = open_package(package_copy)
    entry = pkg.manifest.slot("id_card").files[0]
    (package_copy / entry.name).write_bytes((package_copy / entry.name).read_bytes() + b"x")
    page = _open(window, package_copy, qtbot)
    item = page.session.set.items[1]
    assert item.tampered and "已被改动" in page.model.integrity_text(item)


def test_reject_a_file_and_accept_the_rest_then_export(window, package_copy, dialogs, qtbot):
    page = _open(window, package_copy, qtbot)
    grid = page.grid
    # arrows move through the grid
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert page.model.item(grid.currentIndex().row()).target == "id_card:2"
    dialogs.reason_answers.append(("blurry", "反面反光，看不清有效期"))
    page.reject_file_btn.click()
    assert list(page.session.pending) == ["id_card:2"]
    assert "待导出" in page.model.decision_text(page.model.item(2))
    for target in ("photo", "diploma"):
        page.session.decide("accept", target, None)
    page.reviewer_edit.setText("审核员 李")
    dialogs.confirm_answers.append(True)
    page.apply_btn.click()
    # written into the package by the same module as `photocheck package review`
    m = json.loads((package_copy / "manifest.json").read_text(encoding="utf-8"))
    slots = {s["id"]: s for s in m["slots"]}
    assert slots["id_card"]["state"] == "returned"
    rev = slots["id_card"]["files"][1]["review"]
    assert rev["decision"] == "rejected" and rev["reason_id"] == "blurry" and "有效期" in rev["reason"]["zh"]
    assert rev["by"] == "审核员 李"
    assert slots["photo"]["state"] == "locked"
    assert m["state"] == "needs_changes"
    # the page reloaded: state shown, nothing pending
    assert not page.session.pending and "需修改" in page.banner.text()


def test_reject_needs_a_reason(window, package_copy, dialogs, qtbot):
    page = _open(window, package_copy, qtbot)
    dialogs.reason_answers.append(None)           # the reason dialog cancelled
    page.reject_slot_btn.click()
    assert not page.session.pending and dialogs.reasons_asked


def test_refusals_come_from_the_review_module(window, package_copy, dialogs, qtbot):
    """A decision the CLI refuses is refused here too, with the same reasons, and nothing is written."""
    page = _open(window, package_copy, qtbot)
    before = (package_copy / "manifest.json").read_bytes()
    page.session.decide("reject", "id_card", None, None)   # no reason: review.apply refuses
    page.reviewer_edit.setText("审核员 李")
    dialogs.confirm_answers.append(True)
    page.apply_btn.click()
    assert dialogs.errors and "理由" in dialogs.errors[-1]
    assert (package_copy / "manifest.json").read_bytes() == before


def test_folder_of_loose_files_is_checked_but_not_decided(window, tmp_path, drawn, qtbot):
    import shutil

    folder = tmp_path / "loose"
    folder.mkdir()
    for k in ("photo", "id_back"):
        shutil.copy(drawn[k], folder / drawn[k].name)
    page = _open(window, folder, qtbot)
    assert len(page.session.set.items) == 2 and all(it.checked for it in page.session.set.items)
    assert {it.kind for it in page.session.set.items} == {"photo", "material"}
    assert not page.accept_file_btn.isEnabled() and not page.decide_box.isVisible()


def test_batch_audit_writes_html_report_with_progress(window, tmp_path, drawn, dialogs, qtbot, monkeypatch):
    import shutil

    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    folder = tmp_path / "batch"
    folder.mkdir()
    for k in ("photo", "id_front"):
        shutil.copy(drawn[k], folder / drawn[k].name)
    page = window.review_page
    progress = []
    page.session.auditProgress.connect(lambda d, t, _n: progress.append((d, t)))
    dialogs.dir_answers.append(str(folder))
    dialogs.save_answers.append(str(tmp_path / "report.html"))
    page.audit_btn.click()
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.csv").exists()
    assert progress and progress[-1] == (2, 2)
    assert dialogs.infos and "共 2 个文件" in dialogs.infos[-1]
    assert dialogs.reports_opened == [str(tmp_path / "report.html")]


def test_batch_audit_can_be_cancelled(window, tmp_path, drawn, dialogs, qtbot, monkeypatch):
    import shutil

    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: None)
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(3):
        shutil.copy(drawn["id_back"], folder / f"{i}.jpg")
    page = window.review_page
    cancelled = []
    page.session.auditCancelled.connect(lambda: cancelled.append(True))
    # cancel from the first progress report (the synchronous runner delivers it inline)
    page.session.auditProgress.connect(lambda *_a: page.cancel_btn.click())
    dialogs.dir_answers.append(str(folder))
    dialogs.save_answers.append(str(tmp_path / "r.html"))
    page.audit_btn.click()
    assert cancelled and not (tmp_path / "r.html").exists()


def test_keyboard_review_in_the_grid(window, package_copy, dialogs, qtbot):
    """Arrows move through the grid; A accepts and R sends back the current file while the
    grid has the focus (the grid's own keyboard search must not swallow them)."""
    page = _open(window, package_copy, qtbot)
    grid = page.grid
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Down)                 # two thumbnails per row
    assert page.model.item(grid.currentIndex().row()).target == "id_card:2"
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert page.model.item(grid.currentIndex().row()).target == "photo:1"
    qtbot.keyClick(grid, Qt.Key.Key_A)
    assert list(page.session.pending) == ["photo:1"]
    assert page.model.item(grid.currentIndex().row()).target == "id_card:1"    # moved on
    dialogs.reason_answers.append(("blurry", ""))
    qtbot.keyClick(grid, Qt.Key.Key_R)
    assert page.session.pending["id_card:1"].action == "reject"
    # Ctrl+A is not a decision
    qtbot.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert set(page.session.pending) == {"photo:1", "id_card:1"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_checks_stay_readable_in_a_small_window(window, package_copy, compiled_translations, translators, lang,
                                                qtbot, timeout):
    """1920×1080 at 200 % leaves 960×540: the file's checks still show several whole rows
    and every column header whole (it was one row and "etai" for Details), with pending
    decisions listed too, and the decision buttons stay in view."""
    from photocheck.gui.app import layout_report, table_report

    translators.apply(lang)
    window.resize(960, 540)
    page = _open(window, package_copy, qtbot)
    qtbot.waitUntil(lambda: page.checklist.rowCount() >= 6, timeout=timeout)
    qtbot.wait(50)
    r = table_report(page.table)
    assert r["rows_shown"] >= 3 and not r["headers_cut"], r
    page.session.decide("accept", "photo", 1)
    page.session.decide("accept", "id_card", None)
    qtbot.waitUntil(lambda: page.pending_list.isVisible(), timeout=timeout)
    qtbot.wait(50)
    r = table_report(page.table)
    assert r["rows_shown"] >= 3 and not r["headers_cut"], r
    parts = layout_report(window)["parts"]
    assert parts["decide"]["visible"] == parts["decide"]["rect"], parts["decide"]
    assert parts["table"]["visible"] == parts["table"]["rect"], parts["table"]
