"""The materials page as a candidate uses it: answer, create, add, delete, fix, submit;
and the refusals, which must be the CLI's own."""

from __future__ import annotations

import json
import shutil
import subprocess

from drops import drop
from PySide6.QtCore import Qt

import samples

from photocheck.fix.seal import verify
from photocheck.submission import package, review
from photocheck.text import Text


def _drop(card, files):
    assert drop(card, files)


def _cli(catalogue, *args):
    """The CLI in a child process, under the stand-in catalogue the test uses."""
    return subprocess.run(samples.cli_argv(*args, specs=catalogue.specs), capture_output=True, text=True, timeout=300)


def test_questionnaire_lists_the_slots_and_creates_the_package(window, dialogs, tmp_path):
    page = window.materials_page
    assert "身份证明" in page.preview.text() and "学位证书" in page.preview.text()
    page.combos["full_time"].setCurrentIndex(page.combos["full_time"].findData("no"))
    assert "学位证书" not in page.preview.text()                      # the catalogue decides
    page.combos["route"].setCurrentIndex(page.combos["route"].findData("3+2"))
    assert "3+2" in page.preview.text() and not page.create_btn.isEnabled()   # contradictory answers
    page.combos["route"].setCurrentIndex(page.combos["route"].findData("standard"))
    assert page.create_btn.isEnabled()
    page.name_edit.setText("张晓明")
    dialogs.dir_answers.append(str(tmp_path))
    page.create_btn.click()
    pkg_dir = tmp_path / "张晓明"
    m = json.loads((pkg_dir / "manifest.json").read_text(encoding="utf-8"))
    ids = [s["id"] for s in m["slots"]]
    assert ids[:4] == ["photo", "id_card", "diploma", "education_report"] and "degree" not in ids
    assert [c.slot.id for c in page.cards] == ids
    assert page.banner.state == "warn" and "还差" in page.banner.text()


def test_add_delete_fix_and_submit(window, dialogs, tmp_path, grace, drawn, qtbot, catalogue):
    from photocheck.submission.slots import SlotSpec

    catalogue([SlotSpec("photo", Text("报名照片", "Photo"), 1, 1), SlotSpec("id_card", Text("身份证明", "ID"), 2, 2)])
    path = tmp_path / "pkg"
    package.create(path).close()
    page = window.materials_page
    page.open_paths([str(path)])
    photo_card, id_card = page.card("photo"), page.card("id_card")

    # an unprocessed phone photo is refused by the package (checks, seal) and staged beside the slot
    dialogs.open_answers.append([grace])
    photo_card.add_btn.click()
    assert photo_card.tile_count() == 1 and getattr(photo_card.tile(0), "staged", None) is not None
    assert page.fix_btn.isEnabled()
    # 一键修复: fixed on the way in, exactly like `package add --fix`
    page.fix_btn.click()
    assert photo_card.tile_count() == 1 and getattr(photo_card.tile(0), "file", None) is not None
    with package.open_package(path) as pkg:
        entry = pkg.manifest.slot("photo").files[0]
        assert entry.fixed and verify(pkg.store.read(entry.name)).intact

    # ID front and back by drag and drop; the slot is then full
    _drop(id_card, [drawn["id_front"], drawn["id_back"]])
    assert id_card.tile_count() == 2 and not id_card.add_btn.isEnabled()
    assert page.banner.state == "pass"

    # "−" deletes; the Delete key too
    id_card.tile(1).minus.click()
    assert id_card.tile_count() == 1
    id_card.tile(0).setFocus()
    qtbot.keyClick(id_card.tile(0), Qt.Key.Key_Delete)
    assert id_card.tile_count() == 0

    # submitting with something missing lists it and does nothing
    dialogs.infos.clear()
    page.submit_btn.click()
    assert dialogs.infos and "身份证明" in dialogs.infos[-1]
    assert json.loads((path / "manifest.json").read_text(encoding="utf-8"))["state"] == "editing"

    _drop(id_card, [drawn["id_front"], drawn["id_back"]])
    dialogs.confirm_answers.append(True)
    page.submit_btn.click()
    assert dialogs.confirms and "锁定" in dialogs.confirms[-1]
    m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "submitted" and all(s["state"] == "locked" for s in m["slots"])
    assert "已锁定" in page.banner.text()
    assert not id_card.add_btn.isEnabled() and id_card.tile(0).minus.isHidden()


def test_full_and_locked_slots_refuse_exactly_like_the_cli(window, dialogs, package_copy, drawn, tmp_path, catalogue):
    page = window.materials_page
    page.open_paths([str(package_copy)])
    # the package is submitted: every slot is locked
    card = page.card("diploma")
    _drop(card, [drawn["diploma"]])
    gui_msg = dialogs.errors[-1]
    cli = _cli(catalogue, "package", "add", package_copy, "--slot", "diploma", drawn["diploma"])
    assert cli.returncode == 5
    assert gui_msg.splitlines()[0].strip() in cli.stderr and "已锁定" in gui_msg

    # a fixed-count slot that is full: unlock by a reviewer's rejection of the whole ID slot
    with package.open_package(package_copy, write=True) as pkg:
        t = review.template("blurry")
        review.apply(pkg, [review.Decision("reject", "id_card", None, t.text, t.id)], reviewer="r")
    page.session.reload()
    id_card = page.card("id_card")
    assert id_card.slot.editable and id_card.slot.full and not id_card.add_btn.isEnabled()
    extra = tmp_path / "third.jpg"
    shutil.copy(drawn["id_front"], extra)
    _drop(id_card, [extra])
    gui_msg = dialogs.errors[-1]
    cli = _cli(catalogue, "package", "add", package_copy, "--slot", "id_card", extra)
    assert cli.returncode == 5
    assert "最多 2 张" in gui_msg and "最多 2 张" in cli.stderr
    assert id_card.tile_count() == 2


def test_reviewer_feedback_is_shown_at_the_top_and_unlocks_the_slot(window, package_copy):
    with package.open_package(package_copy, write=True) as pkg:
        t = review.template("blurry")
        review.apply(pkg, [review.Decision("accept", "photo", None),
                           review.Decision("reject", "id_card", 2, Text(f"{t.zh}：反面反光", f"{t.en}: glare"),
                                           t.id)], reviewer="r")
    page = window.materials_page
    page.open_paths([str(package_copy)])
    assert not page.feedback.isHidden() and "图像不清晰：反面反光" in page.feedback.text()
    assert page.banner.state == "fail" and "需修改" in page.banner.text()
    id_card, photo = page.card("id_card"), page.card("photo")
    assert id_card.slot.state == "returned" and id_card.slot.editable and not id_card.tile(1).minus.isHidden()
    assert photo.slot.state == "locked" and photo.tile(0).minus.isHidden()
    assert "退回" in id_card.state.text() and "已锁定" in photo.state.text()
    # the slot is full, so "+ 添加图片" is off: the card says how to replace the returned image
    assert not id_card.add_btn.isEnabled() and "“−”" in id_card.reasons.text()
    assert "“−”" not in photo.reasons.text()
    # the sent-back mark is not the accepted mark's blue: a returned image never looks accepted
    returned = id_card.tile(1).picture.pixmap().toImage()
    accepted = photo.tile(0).picture.pixmap().toImage()
    dpr = returned.devicePixelRatio()
    side = id_card.thumb_side
    at = (round(side * 0.17 * dpr), round(side * 0.12 * dpr))   # inside the top-left mark, off its glyph
    r, a = returned.pixelColor(*at), accepted.pixelColor(*at)
    assert r.red() > 180 and r.blue() < 80, r.name()
    assert a.blue() > 150 and a.red() < 80, a.name()


def _two_staged(window, dialogs, tmp_path, grace, drawn, catalogue):
    """A package whose photo and diploma slots each hold a staged (failing, fixable) file."""
    from PIL import Image

    from photocheck.submission.slots import SlotSpec

    catalogue([SlotSpec("photo", Text("报名照片", "Photo"), 1, 1), SlotSpec("diploma", Text("毕业证书", "Diploma"), 1, None)])
    path = tmp_path / "pkg"
    package.create(path).close()
    big = tmp_path / "diploma_camera.jpg"          # a phone photo of the diploma: far over the byte limit
    Image.open(drawn["diploma"]).resize((4000, 3000)).save(big, quality=97)
    page = window.materials_page
    page.open_paths([str(path)])
    _drop(page.card("photo"), [grace])
    _drop(page.card("diploma"), [big])
    for sid in ("photo", "diploma"):
        card = page.card(sid)
        assert card.tile_count() == 1 and getattr(card.tile(0), "staged", None) is not None, sid
    return page, path


def test_one_click_fix_reports_progress(window, dialogs, tmp_path, grace, drawn, catalogue):
    page, path = _two_staged(window, dialogs, tmp_path, grace, drawn, catalogue)
    seen = []
    page.session.fixProgress.connect(lambda d, t, name: seen.append((d, t, page.fix_row.isVisibleTo(page))))
    page.fix_btn.click()
    assert seen[0][:2] == (0, 2) and seen[-1][:2] == (2, 2) and all(v for _d, _t, v in seen)
    assert not page.fix_row.isVisibleTo(page)
    with package.open_package(path) as pkg:
        assert [len(s.files) for s in pkg.manifest.slots] == [1, 1]


def test_one_click_fix_can_be_cancelled_and_keeps_what_it_fixed(window, dialogs, tmp_path, grace, drawn, catalogue):
    page, path = _two_staged(window, dialogs, tmp_path, grace, drawn, catalogue)
    cancelled = []
    page.session.fixCancelled.connect(lambda: cancelled.append(True))
    # cancel at the first progress report (the synchronous runner delivers it inline):
    # the file being fixed finishes, the next one is not started
    page.session.fixProgress.connect(lambda *_a: page.fix_cancel_btn.click() if page.fix_cancel_btn.isEnabled() else None)
    page.fix_btn.click()
    assert cancelled and not page.fix_row.isVisibleTo(page)
    with package.open_package(path) as pkg:
        assert len(pkg.manifest.slot("photo").files) == 1 and not pkg.manifest.slot("diploma").files
    photo, diploma = page.card("photo"), page.card("diploma")
    assert getattr(photo.tile(0), "file", None) is not None
    assert getattr(diploma.tile(0), "staged", None) is not None        # still waiting, still fixable
    assert page.fix_btn.isEnabled()
    # a second click finishes the job
    page.session.fixProgress.disconnect()
    page.fix_btn.click()
    with package.open_package(path) as pkg:
        assert len(pkg.manifest.slot("diploma").files) == 1


def test_questionnaire_rows_are_all_beside_or_all_under(window, qtbot, compiled_translations, timeout):
    """Answers sit beside their questions when every row fits (the Chinese questions), else
    every answer sits under its question (the long English ones): never a mix."""
    page = window.materials_page
    window.show_page("materials")

    def placement() -> set[str]:
        out = set()
        for key, combo in page.combos.items():
            label = page.combo_labels[key]
            out.add("under" if combo.geometry().top() >= label.geometry().bottom() else "beside")
        return out

    qtbot.waitUntil(lambda: placement() == {"beside"}, timeout=timeout)
    window.lang_combo.activated.emit(window.lang_combo.findData("en"))
    qtbot.waitUntil(lambda: page.questions.title() == "About you", timeout=timeout)
    qtbot.waitUntil(lambda: placement() == {"under"}, timeout=timeout)
    for combo in page.combos.values():          # nothing cut off: each answer's text fits its box
        assert combo.width() >= combo.sizeHint().width()
    window.lang_combo.activated.emit(window.lang_combo.findData("zh_CN"))
    qtbot.waitUntil(lambda: placement() == {"beside"}, timeout=timeout)


def test_new_package_button_stays_in_view_on_a_short_screen(window, compiled_translations, translators, qtbot):
    """960×540 (1920×1080 at 200 %): the questionnaire scrolls, the buttons that go on
    (new package, open a package) stay under it in view; they were below the fold."""
    from photocheck.gui.app import layout_report

    translators.apply("en")
    window.resize(960, 540)
    window.show_page("materials")
    qtbot.wait(50)
    parts = layout_report(window)["parts"]
    assert set(parts) == {"create"}
    assert parts["create"]["visible"] == parts["create"]["rect"], parts
    page = window.materials_page
    assert page.open_btn.visibleRegion().boundingRect().size() == page.open_btn.size()
    assert page.start_scroll.verticalScrollBar().maximum() > 0     # the questions themselves scroll
