"""The CLI contract: exit codes, JSON shape, bilingual messages, no tracebacks."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from photocheck import cli

PHOTO_IDS = ["format", "file_size", "dimensions", "color", "face", "face_position", "head_size", "tilt",
             "background", "exposure", "sharpness", "pose", "eyes", "expression", "glasses", "head_covering",
             "occlusion", "accessories", "compression", "recency"]


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def jpeg(path, w=390, h=567, colour=(250, 250, 250)):
    Image.new("RGB", (w, h), colour).save(path, "JPEG", quality=90)
    return path


def test_usage_errors_exit_2(capsys):
    code, _, err = run(capsys, "check")
    assert code == 2 and "参数错误" in err and "usage error" in err
    code, _, _ = run(capsys, "check", "--bogus", "x.jpg")
    assert code == 2
    code, _, err = run(capsys, "check", "--rules", "no-such-pack", "x.jpg")
    assert code == 2 and "no-such-pack" in err


@pytest.mark.parametrize("content,code_name", [(b"", "empty"), (b"not an image at all", "unsupported")])
def test_unreadable_input_exit_3_with_json_error(capsys, tmp_path, content, code_name):
    p = tmp_path / "bad.jpg"
    p.write_bytes(content)
    code, out, err = run(capsys, "check", "--json", str(p))
    assert code == 3
    rep = json.loads(out)[0]
    assert rep["passed"] is False and rep["checks"] == [] and rep["error"]["code"] == code_name
    assert err.strip()  # a message on stderr too


def test_folder_passed_as_file_exit_3(capsys, tmp_path):
    code, out, err = run(capsys, "check", "--json", str(tmp_path))
    assert code == 3 and json.loads(out)[0]["error"]["code"] == "not_a_file"


def test_png_named_jpg_fails_format_and_says_png(capsys, tmp_path, need_models):
    p = tmp_path / "photo.jpg"
    Image.new("RGB", (390, 567), (255, 255, 255)).save(p, "PNG")
    code, out, _ = run(capsys, "check", "--json", "--lang", "en", str(p))
    rep = json.loads(out)[0]
    fmt = next(c for c in rep["checks"] if c["id"] == "format")
    assert code == 1 and fmt["status"] == "fail" and "PNG" in fmt["message"]
    assert [c["id"] for c in rep["checks"]] == PHOTO_IDS


def test_json_shape_follows_contract(capsys, tmp_path, need_models):
    p = jpeg(tmp_path / "blank.jpg")
    code, out, _ = run(capsys, "check", "--json", str(p))
    rep = json.loads(out)[0]
    assert set(rep) == {"path", "kind", "passed", "rules", "elapsed_ms", "checks", "document", "error"}
    assert rep["kind"] == "photo" and rep["document"] is None and rep["rules"].startswith("nmec-2024-hubei@")
    for c in rep["checks"]:
        assert set(c) == {"id", "status", "measured", "limit", "message", "hint", "region"}
        assert c["status"] in ("pass", "warn", "fail")
    face = next(c for c in rep["checks"] if c["id"] == "face")
    assert face["status"] == "fail" and code == 1  # a blank page has no face


def test_fix_refuses_to_overwrite_its_input(capsys, tmp_path):
    p = jpeg(tmp_path / "me.jpg")
    before = p.read_bytes()
    code, _, err = run(capsys, "fix", str(p), "-o", str(p))
    assert code == 3 and "原图" in err
    assert p.read_bytes() == before


def test_fix_into_unwritable_location_exit_3(capsys, tmp_path, need_models):
    p = jpeg(tmp_path / "me.jpg")
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    code, _, err = run(capsys, "fix", str(p), "-o", str(blocker / "sub" / "out.jpg"))
    assert code == 3 and err.strip()
    assert not (blocker / "sub").exists()


def test_verify_exit_codes(capsys, tmp_path):
    from photocheck.fix.seal import add_seal

    plain = jpeg(tmp_path / "plain.jpg")
    sealed = tmp_path / "sealed.jpg"
    sealed.write_bytes(add_seal(plain.read_bytes(), "nmec-2024-hubei@2024.1"))
    assert run(capsys, "verify", str(sealed))[0] == 0
    assert run(capsys, "verify", str(plain))[0] == 4
    code, out, _ = run(capsys, "verify", "--json", str(sealed), str(plain))
    rows = json.loads(out)
    assert code == 4 and [r["seal"] for r in rows] == ["intact", "absent"]
    assert run(capsys, "verify", str(tmp_path / "missing.jpg"))[0] == 3


def test_english_only_under_lang_en(capsys, tmp_path):
    code, _, err = run(capsys, "check", "--lang", "en", str(tmp_path / "missing.jpg"))
    assert code == 3 and "file not found" in err and "找不到" not in err


def test_errors_survive_a_process_boundary():
    import pickle

    from photocheck.errors import FixRefused
    from photocheck.text import Text

    e = pickle.loads(pickle.dumps(FixRefused(Text("甲", "a"), code="crown_cut", hint=Text("乙", "b"),
                                             failing=["head_size"])))
    assert (type(e), e.code, e.failing, e.text.zh, e.hint.en, e.exit_code) == (FixRefused, "crown_cut",
                                                                                ["head_size"], "甲", "b", 1)


def test_parallel_batch_reports_every_file_and_the_highest_code(capsys, tmp_path):
    files = [jpeg(tmp_path / f"ok{i}.jpg") for i in range(4)]
    bad = tmp_path / "cut.jpg"
    bad.write_bytes(files[0].read_bytes()[:-200])
    code, out, err = run(capsys, "check", "--json", "--jobs", "2", *map(str, files), str(bad))
    reps = json.loads(out)
    assert len(reps) == 5 and reps[-1]["error"]["code"] == "truncated"
    assert code == 3 and "意外" not in err
