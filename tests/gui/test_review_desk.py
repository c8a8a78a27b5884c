"""The reviewer's desk (issue 18): what the package knows is shown, decisions are
deliberate and never lost, zips open, the open set is reported without a second check."""

from __future__ import annotations

import json
import shutil

import pytest
import samples
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from photocheck.submission import audit, package

DEGREE_SPECS = None


def _open(window, path):
    page = window.review_page
    window.show_page("review")
    page.open_paths([str(path)])
    return page


def _degree_specs():
    from photocheck.submission.slots import SlotSpec
    from photocheck.text import Text

    return [SlotSpec("photo", Text("报名照片", "Registration photo"), 1, 1),
            SlotSpec("degree", Text("学位证书", "Degree certificate"), 1, 1, kinds=("degree",)),
            SlotSpec("other", Text("其他材料", "Other documents"), 0, 2, required=False)]


@pytest.fixture
def wrong_kind_package(tmp_path, drawn, catalogue):
    """A submitted package with a graduation certificate in the degree slot (the package
    stores a wrong-kind warning for it) and an empty optional slot."""
    catalogue(_degree_specs())
    path = tmp_path / "wrong-kind"
    with package.create(path, candidate_name="李华") as pkg:
        pkg.add("photo", [str(drawn["photo"])])
        pkg.add("degree", [str(drawn["diploma"])])
        pkg.submit()
    entry = package.open_package(path).manifest.slot("degree").files[0]
    assert entry.warnings, "the package must store the wrong-kind warning"
    return path


def _degree_item(page):
    return next(it for it in page.session.set.items if it.slot == "degree")


# --- 1. what the package knows is shown first ----------------------------------------------------

def test_wrong_kind_is_a_warning_not_a_green_pass(window, wrong_kind_package):
    page = _open(window, wrong_kind_package)
    item = _degree_item(page)
    assert item.checked and item.row.verdict == "pass"       # the checks themselves pass
    assert item.wrong_kind and page.model.verdict(item) == "warn"
    assert "✓ 合格" != page.model.check_text(item) and "类型不符" in page.model.check_text(item)
    assert "类型不符" in page.model.tags(item)                   # its own mark on the thumbnail
    # the header counts it (with any other file that warns), never "0 个有问题" alone
    warned = sum(page.model.verdict(it) == "warn" for it in page.session.set.items)
    assert warned >= 1 and f"{warned} 个有提醒" in page.banner.text()
    # the detail pane: the stored warning, the kind by its Chinese name, never the key
    page.grid.setCurrentIndex(page.model.index(page.session.set.items.index(item), 0))
    text = page.integrity_label.text()
    assert "看起来是“毕业证书”" in text and "毕业证书" in page.model.kind_text(item)
    assert "diploma" not in page.model.kind_text(item) and "diploma</" not in text


def test_failing_checks_are_named_by_their_titles(window, package_copy):
    page = _open(window, package_copy)
    item = page.session.set.items[1]
    item.row.verdict, item.row.failing = "fail", ["sharpness", "orientation"]
    text = page.model.check_text(item)
    assert "清晰度" in text and "方向" in text and "sharpness" not in text and "orientation" not in text


# --- 2. decisions are deliberate and never lost ---------------------------------------------------

def test_send_back_asks_a_reason_with_none_preselected(window, package_copy, dialogs, qtbot):
    page = _open(window, package_copy)
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    assert dialogs.reasons_asked and not page.session.pending       # cancelled: nothing sent back
    assert page.model.item(page.grid.currentIndex().row()).target == "photo:1"
    dialogs.reason_answers.append(("", "请换一张近期照片"))           # a note alone is a reason
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    d = page.session.pending["photo:1"]
    assert d.action == "reject" and d.reason.zh == "请换一张近期照片" and d.reason_id is None
    assert page.model.item(page.grid.currentIndex().row()).target == "id_card:1"   # R moves on too


def test_send_back_asks_before_overriding_an_accept(window, package_copy, dialogs, qtbot):
    page = _open(window, package_copy)
    qtbot.keyClick(page.grid, Qt.Key.Key_A)
    assert page.session.pending["photo:1"].action == "accept"
    qtbot.keyClick(page.grid, Qt.Key.Key_Left)
    dialogs.confirm_answers.append(False)                 # "改为退回？" - no
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    assert dialogs.confirms and "已有不同的审核意见" in dialogs.confirms[-1]
    assert not dialogs.reasons_asked and page.session.pending["photo:1"].action == "accept"
    dialogs.confirm_answers.append(True)
    dialogs.reason_answers.append(("background", ""))
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    assert page.session.pending["photo:1"].action == "reject"


def test_quitting_with_unexported_decisions_asks(window, package_copy, dialogs, settings):
    page = _open(window, package_copy)
    page.session.decide("accept", "photo", 1)
    dialogs.unsaved_answers.append("cancel")
    window.close()
    assert window.isVisible() and dialogs.unsaved_asked and page.session.pending
    # save: the reviewer is needed first
    page.reviewer_edit.setText("")
    dialogs.unsaved_answers.append("save")
    window.close()
    assert window.isVisible() and page.session.pending and "审核人" in dialogs.infos[-1]
    page.reviewer_edit.setText("审核员 王")
    dialogs.unsaved_answers.append("save")
    window.close()
    assert not window.isVisible()
    m = json.loads((package_copy / "manifest.json").read_text(encoding="utf-8"))
    rev = next(s for s in m["slots"] if s["id"] == "photo")["files"][0]["review"]
    assert rev["decision"] == "accepted" and rev["by"] == "审核员 王"


def test_opening_another_package_with_unexported_decisions_asks(window, package_copy, tmp_path, dialogs):
    other = tmp_path / "other"
    shutil.copytree(package_copy, other)
    page = _open(window, package_copy)
    page.session.decide("accept", "photo", 1)
    dialogs.unsaved_answers.append("cancel")
    page.open_paths([str(other)])
    assert page.session.set.path == str(package_copy) and page.session.pending
    dialogs.unsaved_answers.append("discard")
    page.open_paths([str(other)])
    assert page.session.set.path == str(other) and not page.session.pending


def test_export_needs_a_reviewer_and_remembers_it(window, package_copy, dialogs, settings):
    from photocheck.gui import settings as S

    page = _open(window, package_copy)
    before = (package_copy / "manifest.json").read_bytes()
    page.session.decide("accept", "photo", 1)
    page.reviewer_edit.setText("  ")
    assert page.apply_btn.isEnabled()
    page.apply_btn.click()
    assert (package_copy / "manifest.json").read_bytes() == before and page.session.pending
    assert "审核人" in dialogs.infos[-1]
    page.reviewer_edit.setText("审核员 赵")
    dialogs.confirm_answers.append(True)
    page.apply_btn.click()
    assert not page.session.pending and settings.get(S.REVIEWER) == "审核员 赵"
    history = json.loads((package_copy / "manifest.json").read_text(encoding="utf-8"))
    assert "null" not in json.dumps([e.get("by", "") for e in history.get("history", []) if "by" in e])


# --- 4. zip packages open on the review tab ---------------------------------------------------------

def test_ctrl_o_opens_a_zip_package(window, package_copy, tmp_path, dialogs, qtbot):
    z = samples.zip_of(package_copy, tmp_path / "pkg.zip")
    window.show_page("review")
    dialogs.package_answers.append(str(z))
    window.open_action.trigger()                       # Ctrl+O
    rs = window.review_page.session.set
    assert rs is not None and rs.is_package and rs.path == str(z)
    assert len(rs.items) == 4 and all(it.checked and not it.tampered for it in rs.items)
    window.review_page.grid.setCurrentIndex(window.review_page.model.index(1, 0))
    assert window.review_page.view.has_image()


def test_package_dialog_takes_a_zip_or_a_package_folder(qapp, qtbot, package_copy, tmp_path, timeout):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit, QListView

    from photocheck.gui.dialogs import PackageDialog, file_dialog

    z = samples.zip_of(package_copy, tmp_path / "pkg.zip")
    assert PackageDialog.package_of(str(z)) == str(z)
    assert PackageDialog.package_of(str(package_copy)) == str(package_copy)
    assert PackageDialog.package_of(str(package_copy / "manifest.json")) == str(package_copy)
    assert PackageDialog.package_of(str(tmp_path)) == ""

    def dialog():
        d = file_dialog(None, "t", str(tmp_path), "*.zip manifest.json", QFileDialog.FileMode.ExistingFile,
                        cls=PackageDialog)
        qtbot.addWidget(d)
        d.show()
        lv = d.findChild(QListView, "listView")

        def names():
            root = lv.rootIndex()
            return {lv.model().index(r, 0, root).data(): lv.model().index(r, 0, root)
                    for r in range(lv.model().rowCount(root))}

        # the file system model lists the folder in the background
        qtbot.waitUntil(lambda: {package_copy.name, "pkg.zip"} <= set(names()), timeout=timeout)
        return d, lv, names(), d.findChild(QDialogButtonBox).buttons()[0]

    # a package folder: click it, then Open (Qt alone keeps Open disabled for a folder)
    d, lv, names, ok = dialog()
    lv.setCurrentIndex(names[package_copy.name])
    assert d.findChild(QLineEdit, "fileNameEdit").text() == package_copy.name and ok.isEnabled()
    ok.click()
    assert d.result() == 1 and d.chosen() == [str(package_copy)]
    # a zip: click it, then Open
    d, lv, names, ok = dialog()
    lv.setCurrentIndex(names["pkg.zip"])
    ok.click()
    assert d.result() == 1 and d.chosen() == [str(z)]


# --- 5. the open set is reported without checking again ----------------------------------------------

def test_audit_of_the_open_folder_reuses_its_results(window, tmp_path, drawn, dialogs, monkeypatch):
    folder = tmp_path / "loose"
    folder.mkdir()
    for k in ("photo", "id_back", "diploma"):
        shutil.copy(drawn[k], folder / drawn[k].name)
    page = _open(window, folder)
    assert page.session.fully_checked
    calls = []
    real = audit.audit_one
    monkeypatch.setattr(audit, "audit_one", lambda job: (calls.append(job.label), real(job))[1])
    dialogs.confirm_answers.append(True)                    # report the folder already open
    dialogs.save_answers.append(str(tmp_path / "r.html"))
    page.audit_btn.click()
    assert calls == [] and not dialogs.dir_answers
    csv_rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_rows[0] == ",".join(audit.CSV_COLUMNS) and len(csv_rows) == 4
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count("data:image/jpeg;base64,") >= 3     # the thumbnails came along
    assert dialogs.reports_opened == [str(tmp_path / "r.html")]


# --- 6. layout and feedback ---------------------------------------------------------------------------

def test_slot_list_shows_every_slot_with_state_and_count(window, wrong_kind_package, dialogs):
    page = _open(window, wrong_kind_package)
    tree = page.slot_tree
    assert tree.isVisible() and tree.topLevelItemCount() == 3
    rows = {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1) for i in range(3)}
    other = next(k for k in rows if k.startswith("其他材料"))
    assert rows[other] == "空（可选）" and other.endswith("0/≤2")
    degree = next(k for k in rows if k.startswith("学位证书"))
    assert rows[degree] == "齐全" and degree.endswith("1/1")
    assert "恰好 1 张" in tree.topLevelItem(1).toolTip(0) or "1 张" in tree.topLevelItem(1).toolTip(0)
    assert tree.topLevelItem(1).childCount() == 1
    dialogs.reason_answers.append(("blurry", ""))
    page.grid.setCurrentIndex(page.model.index(1, 0))
    page.reject_file_btn.click()
    assert tree.topLevelItem(1).text(1) == "退回"
    # clicking a file in the list shows it
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    assert page.grid.currentIndex().row() == 0


def test_grid_has_focus_on_open_and_buttons_name_their_keys(window, package_copy, qtbot):
    page = _open(window, package_copy)
    assert QApplication.focusWidget() is page.grid
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)          # no click needed first
    assert page.grid.currentIndex().row() == 1
    assert "(A)" in page.accept_file_btn.text() and "(R)" in page.reject_file_btn.text()
    page.accept_file_btn.click()                          # the button moves on as A does
    assert page.grid.currentIndex().row() == 2 and QApplication.focusWidget() is page.grid


def test_decision_and_check_marks_differ_in_shape_and_label(window, package_copy):
    page = _open(window, package_copy)
    page.session.decide("reject", "photo", 1, reason=None)
    item = page.session.set.items[0]
    decision, _r, _p = page.model.decision_of(item)
    assert decision == "rejected"
    from photocheck.gui.tables import VERDICT_SYMBOLS, badged

    img = page.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole).pixmap(112, 112).toImage()
    plain = badged(item.thumb, 112, page.model.verdict(item), "", dpr=img.devicePixelRatio()).toImage()
    # the decision is a tag across the top left, the verdict stays a round badge
    assert img.pixelColor(6, 4) != plain.pixelColor(6, 4)
    assert VERDICT_SYMBOLS["pass"] not in "↩ 退回" and "退回" in page.model.decision_text(item)


def test_cancel_says_cancelled_and_header_says_checking(window, tmp_path, drawn, qtbot):
    folder = tmp_path / "loose"
    folder.mkdir()
    for i in range(5):
        shutil.copy(drawn["id_back"], folder / f"{i}.jpg")
    page = window.review_page
    seen = []
    page.session.itemChecked.connect(lambda _r: seen.append(page.banner.text()))
    page.session.itemChecked.connect(lambda _r: page.cancel_btn.click() if len(seen) == 2 else None)
    _open(window, folder)
    assert "检查中" in seen[0] and "0 个有问题" not in seen[0]
    assert page.session.cancelled and "已取消" in page.progress_label.text() and page.progress_row.isVisible()
    unchecked = [it for it in page.session.set.items if not it.checked]
    assert unchecked and page.model.check_text(unchecked[0]) == "未检测（已取消）"
    assert "已取消" in page.banner.text()


def test_report_that_cannot_open_shows_its_path_to_copy(qapp, monkeypatch, tmp_path):
    from PySide6.QtGui import QDesktopServices

    from photocheck.gui.dialogs import Dialogs

    shown = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    d = Dialogs()
    monkeypatch.setattr(d, "copyable", lambda parent, title, text, path: shown.append(path))
    assert d.open_report(None, str(tmp_path / "r.html")) is False
    assert shown == [str(tmp_path / "r.html")]


def test_check_table_shows_many_rows_at_the_default_size(window, package_copy):
    page = _open(window, package_copy)
    table = page.table
    assert page.checklist.rowCount() >= 8
    rows_visible = table.viewport().height() / max(1, table.verticalHeader().defaultSectionSize())
    assert rows_visible >= 7, rows_visible
