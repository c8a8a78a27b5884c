"""A reviewer's decisions: accept / reject per file or slot, reasons, package state."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import samples  # noqa: E402
from test_package import SPECS, filled, run_cli  # noqa: E402

from photocheck.errors import UsageError  # noqa: E402
from photocheck.submission import package, review  # noqa: E402
from photocheck.submission.manifest import PackageState, SlotState  # noqa: E402


@pytest.fixture
def fake(monkeypatch):
    samples.install_fake_checks(monkeypatch.setattr)
    samples.install_catalogue(SPECS, monkeypatch.setattr)


@pytest.fixture
def submitted(tmp_path, fake):
    d = tmp_path / "in"
    d.mkdir()
    files = {
        "photo": samples.sealed_plain_jpeg(d / "photo.jpg"),
        "front": samples.plain_jpeg(d / "idcard_front.jpg", (200, 210, 220)),
        "back": samples.plain_jpeg(d / "idcard_back.jpg", (210, 220, 230)),
        "back2": samples.plain_jpeg(d / "idcard_back2.jpg", (180, 190, 200)),
        "diploma": samples.plain_jpeg(d / "diploma_1.jpg", (230, 225, 215)),
    }
    p = filled(tmp_path / "p", files)
    assert run_cli("package", "submit", str(p)) == 0
    return p, files


def decide(pkg_path, *decisions, reviewer="李审核"):
    with package.open_package(pkg_path, write=True) as pkg:
        return review.apply(pkg, list(decisions), reviewer=reviewer)


def test_templates_and_free_text():
    assert review.reason_text("blurry")[0].zh == "图像不清晰"
    assert review.reason_text("背景不是白色") == (review.template("background").text, "background")
    assert review.reason_text("The document has expired")[1] == "expired"
    t, rid = review.reason_text("请上传反面")
    assert (t.zh, t.en, rid) == ("请上传反面", "请上传反面", None)
    with pytest.raises(UsageError):
        review.reason_text("  ")
    ids = [t.id for t in review.TEMPLATES]
    assert len(ids) == len(set(ids))
    assert all(t.zh and t.en for t in review.TEMPLATES)
    for zh in ("背景不是白色", "图像不清晰", "方向不正", "材料不符", "照片未经检测工具处理", "证件过期"):
        assert review.template(zh) is not None


def test_parse_target():
    assert review.parse_target("id_card:2") == ("id_card", 2)
    assert review.parse_target("photo") == ("photo", None)
    for bad in ("id_card:0", "id_card:x", ":2", "id_card:-1"):
        with pytest.raises(UsageError):
            review.parse_target(bad)


def test_reject_one_file_unlocks_only_that_slot(submitted):
    p, files = submitted
    out = decide(p, review.Decision("reject", "id_card", 2, *review.reason_text("blurry")),
                 review.Decision("accept", "photo"))
    assert out.state is PackageState.NEEDS_CHANGES
    pkg = package.open_package(p)
    ids = pkg.slot("id_card")
    assert ids.state is SlotState.RETURNED
    assert ids.reasons[0][0] == 2 and ids.reasons[0][1].zh == "图像不清晰"
    assert pkg.slot("photo").state is SlotState.LOCKED and pkg.slot("photo").accepted
    assert pkg.slot("diploma").state is SlotState.LOCKED
    h = pkg.manifest.history[-1]
    assert (h.actor.value, h.action, h.by) == ("reviewer", "review", "李审核")
    assert [(d["action"], d["slot"], d["index"]) for d in h.details["decisions"]] == [
        ("reject", "id_card", 2), ("accept", "photo", None)]
    assert h.details["decisions"][0]["reason"]["zh"] == "图像不清晰"
    assert h.details["decisions"][0]["files"] == [{"name": ids.files[1].name, "sha256": ids.files[1].sha256}]
    assert h.signature is not None and h.signature["alg"] == "ed25519"
    # the candidate can change the returned slot, and only it
    with package.open_package(p, write=True) as w:
        with pytest.raises(package.PackageRefused):
            w.remove("diploma", 1)
        with pytest.raises(package.PackageRefused) as e:
            w.submit()  # the rejected file is still there
        assert [x.code for x in e.value.problems] == ["returned_file"]
        w.add("id_card", [str(files["back2"])], replace=2)
        w.submit()
    pkg = package.open_package(p)
    assert pkg.manifest.state is PackageState.SUBMITTED
    assert pkg.slot("id_card").state is SlotState.LOCKED
    out = decide(p, review.Decision("accept", "id_card"), review.Decision("accept", "diploma", 1))
    assert out.state is PackageState.ACCEPTED
    assert package.open_package(p).manifest.state.label.zh == "审核通过"


def test_reject_whole_slot_needs_a_change_before_resubmit(submitted):
    p, files = submitted
    decide(p, review.Decision("reject", "diploma", None, *review.reason_text("材料不完整，请补充学位证")))
    with package.open_package(p, write=True) as w:
        with pytest.raises(package.PackageRefused) as e:
            w.submit()
        assert [x.code for x in e.value.problems] == ["returned_unchanged"]
        w.add("diploma", [str(files["back2"])])
        w.submit()
    assert package.open_package(p).slot("diploma").state is SlotState.LOCKED


def test_accepting_every_required_slot_accepts_the_package(submitted, capsys):
    p, _ = submitted
    assert run_cli("package", "review", str(p), "--accept", "photo", "--accept", "id_card:1",
                   "--accept", "id_card:2") == 0
    assert package.open_package(p).manifest.state is PackageState.SUBMITTED  # diploma still pending
    capsys.readouterr()
    assert run_cli("package", "review", str(p), "--accept", "diploma", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["state"] == "accepted"
    # accepted means locked: the candidate cannot change anything
    assert run_cli("package", "remove", str(p), "--slot", "photo", "--index", "1") == 5


def test_review_refusals(tmp_path, submitted, capsys):
    p, _ = submitted
    # reject without a reason, unknown slot, bad index, contradictory decisions: usage errors
    assert run_cli("package", "review", str(p), "--reject", "id_card:2") == 2
    assert run_cli("package", "review", str(p), "--reason", "blurry", "--reject", "id_card:2") == 2
    assert run_cli("package", "review", str(p), "--accept", "passport") == 2
    assert run_cli("package", "review", str(p), "--accept", "id_card:3") == 2
    assert run_cli("package", "review", str(p), "--accept", "id_card:1", "--reject", "id_card:1",
                   "--reason", "blurry") == 2
    # a slot that is with the candidate cannot be reviewed
    decide(p, review.Decision("reject", "id_card", 1, *review.reason_text("blurry")))
    assert run_cli("package", "review", str(p), "--accept", "id_card") == 5
    # a package never submitted cannot be reviewed
    with package.create(tmp_path / "draft"):
        pass
    assert run_cli("package", "review", str(tmp_path / "draft"), "--accept", "photo") == 5
    assert "Traceback" not in capsys.readouterr().err


def test_reviewer_cannot_accept_a_tampered_file(submitted, capsys):
    p, _ = submitted
    name = package.open_package(p).slot("diploma").files[0].name
    data = bytearray((p / name).read_bytes())
    data[100] ^= 0x55
    (p / name).write_bytes(bytes(data))
    before = (p / "manifest.json").read_bytes()
    assert run_cli("package", "review", str(p), "--accept", "photo", "--accept", "diploma") == 4
    assert name in capsys.readouterr().err
    assert (p / "manifest.json").read_bytes() == before  # nothing applied


def test_list_reasons(capsys):
    assert run_cli("package", "review", "--list-reasons", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id": "blurry", "zh": "图像不清晰", "en": "The image is not clear"} in rows
