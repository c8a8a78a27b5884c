"""Batch audit: job collection, kind decision, CSV contract, HTML report in a real browser,
packages, bad inputs, and the Dask engine giving the same CSV."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import samples  # noqa: E402
from test_package import SPECS  # noqa: E402

from photocheck import cli  # noqa: E402
from photocheck import io as pio  # noqa: E402
from photocheck.rules import load_pack  # noqa: E402
from photocheck.submission import audit, package  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CASES = (REPO / ".." / "shared" / "corpus" / "cases").resolve()
ID_NUMBER = "420106199808221234"


def read_csv(path: Path) -> tuple[bytes, list[dict]]:
    raw = path.read_bytes()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def loose(tmp_path_factory):
    """A small folder of loose files: a real fixed photo, drawn documents, and bad files."""
    if not samples.have_font():
        pytest.skip("fonts-wqy-microhei is not installed")
    from photocheck import models

    if models.verify_all():
        pytest.skip("models not fetched (run `make setup`)")
    d = tmp_path_factory.mktemp("loose")
    samples.fixed_photo(d / "photo_ok.jpg")
    (d / "docs").mkdir()
    samples.write_document(d / "docs" / f"{ID_NUMBER}_front.jpg", "id_front")
    samples.write_document(d / "docs" / "report.jpg", "education_report", size=(1200, 1600))
    samples.blurred_document(d / "docs" / "diploma_blur.jpg", "diploma")
    (d / "docs" / "notes.txt").write_text("not an image")
    (d / "docs" / ".hidden.jpg").write_bytes(b"x")
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    samples.plain_jpeg(d / "blank_portrait.jpg", (250, 250, 250), size=(390, 567))
    return d


# --- small pure pieces ------------------------------------------------------------------------------

def test_mask_ids():
    assert audit.mask_ids(f"公民身份号码 {ID_NUMBER}") == "公民身份号码 4201**********1234"
    assert audit.mask_ids("11010519491231002X") == "1101**********002X"
    assert audit.mask_ids("id 110105491231002 end") == "id 1101*******1002 end"
    assert audit.mask_ids("DA9W4NZHKF9UQPL 2024-06-30 13800138000") == "DA9W4NZHKF9UQPL 2024-06-30 13800138000"


def test_classify_loose_files(loose):
    pack = load_pack()

    def kind(p: Path) -> str:
        info = pio.probe(p)
        return audit.classify(info, pio.decode(info, max_side=audit.CLASSIFY_SIDE).bgr, pack)[0]

    assert kind(loose / "photo_ok.jpg") == "photo"
    assert kind(loose / "blank_portrait.jpg") == "photo"          # faceless, but portrait-shaped and small
    assert kind(loose / "docs" / "report.jpg") == "material"
    assert kind(loose / "docs" / f"{ID_NUMBER}_front.jpg") == "material"
    # the same portrait turned sideways is still a photo
    side = loose / "side.jpg"
    side.write_bytes(samples.jpeg_bytes(Image.open(loose / "photo_ok.jpg").transpose(Image.Transpose.ROTATE_90)))
    try:
        assert kind(side) == "photo"
    finally:
        side.unlink()


def test_camera_sized_file_is_decoded_once(loose, tmp_path, monkeypatch):
    """A 12 MP document: one decode serves the kind decision and the material checks,
    with the same report as checking it on its own."""
    from photocheck import core

    path = samples.write_document(tmp_path / "doc.jpg", "id_back", size=(4000, 3000))
    expected = core.check_file(path, kind="material")
    calls = []
    real = pio.decode
    monkeypatch.setattr(pio, "decode", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    row = audit.audit_one(audit.AuditJob(label=str(path), source=str(path), thumb=True))
    assert len(calls) == 1
    assert (row.kind, row.kind_source) == ("material", "default") and row.thumb
    assert row.failing == list(expected.failing)
    assert row.document_kind == expected.document.kind
    assert [m[:2] for m in row.messages] == [(c.id, c.status.value) for c in expected.checks
                                             if c.status.value != "pass"]


def test_portrait_is_classified_on_the_checks_own_faces(loose, monkeypatch):
    """A portrait whose photo check finds a clear face: one decode and one face detection
    serve the kind decision and the checks, with the report of checking it on its own.
    A faceless portrait-sized file is still classified on the small decode."""
    from photocheck import core
    from photocheck.vision import face

    path = loose / "photo_ok.jpg"
    expected = core.check_file(path)
    decodes, detects = [], []
    real_decode, real_detect = pio.decode, face.FaceDetector.detect
    monkeypatch.setattr(pio, "decode", lambda *a, **kw: decodes.append(kw) or real_decode(*a, **kw))
    monkeypatch.setattr(face.FaceDetector, "detect",
                        lambda self, img, **kw: detects.append(img.shape) or real_detect(self, img, **kw))
    monkeypatch.setattr(audit, "classify", lambda *a: pytest.fail("classified a second time"))
    row = audit.audit_one(audit.AuditJob(label=str(path), source=str(path)))
    assert (row.kind, row.kind_source) == ("photo", "face")
    assert len(decodes) == 1 and len(detects) == 1
    assert row.failing == list(expected.failing)
    assert [m[:2] for m in row.messages] == [(c.id, c.status.value) for c in expected.checks
                                             if c.status.value != "pass"]
    monkeypatch.undo()
    row = audit.audit_one(audit.AuditJob(label="blank", source=str(loose / "blank_portrait.jpg")))
    assert (row.kind, row.kind_source) == ("photo", "shape")


def test_camera_sized_file_is_searched_for_faces_upright_only(monkeypatch):
    """A camera-sized page is never a registration photo lying on its side: one upright
    search; a portrait-sized image is still searched in every quarter turn."""
    from photocheck.vision import face

    seen = []

    class Detector:
        def detect(self, img, *, min_face_frac, any_orientation=True):
            seen.append((img.shape[:2], any_orientation))
            return []

    monkeypatch.setattr(face, "get_detector", lambda: Detector())
    pack = load_pack()
    big = pio.probe(samples.jpeg_bytes(Image.new("RGB", (4000, 3000), (200, 200, 200))))
    assert audit.classify(big, np.zeros((240, 320, 3), np.uint8), pack) == ("material", "default")
    assert seen == [((240, 320), False)]
    seen.clear()
    small = pio.probe(samples.jpeg_bytes(Image.new("RGB", (390, 567), (200, 200, 200))))
    audit.classify(small, np.zeros((567, 390, 3), np.uint8), pack)
    assert len(seen) == 4 and all(any_orientation for _, any_orientation in seen)


def test_collect_walks_folders_and_sorts(loose, tmp_path):
    jobs = audit.collect([loose, tmp_path / "missing.jpg"], kind="auto")
    labels = [j.label for j in jobs]
    assert labels == sorted(labels)
    names = {Path(j.label).name for j in jobs}
    assert "notes.txt" not in names and ".hidden.jpg" not in names
    assert {"photo_ok.jpg", "report.jpg", "broken.jpg", "missing.jpg"} <= names
    missing = next(j for j in jobs if j.label.endswith("missing.jpg"))
    assert missing.error and missing.error[0] == "not_found"


def test_audit_one_is_pure_and_never_raises(loose):
    job = audit.AuditJob(label="x/broken.jpg", source=str(loose / "broken.jpg"))
    row = audit.audit_one(job)
    assert row.verdict == "error" and row.error_code == "truncated" and row.exit_code == 3
    assert audit.audit_one(job).csv_row() == row.csv_row()


# --- CSV and CLI ------------------------------------------------------------------------------------

def test_csv_follows_the_contract(loose, tmp_path, capsys):
    out = tmp_path / "r.csv"
    rc = cli.main(["audit", str(loose), str(tmp_path / "missing.jpg"), "--report", str(out), "--jobs", "1"])
    raw, rows = read_csv(out)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == "path,kind,verdict,failing,document_kind"
    assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)
    by = {Path(r["path"]).name: r for r in rows}
    assert by["photo_ok.jpg"]["kind"] == "photo" and by["photo_ok.jpg"]["verdict"] == "pass"
    assert by["photo_ok.jpg"]["document_kind"] == ""
    assert by["broken.jpg"] == {**by["broken.jpg"], "verdict": "error", "failing": "truncated"}
    assert by["missing.jpg"]["failing"] == "not_found"
    blur = by["diploma_blur.jpg"]
    assert blur["kind"] == "material" and blur["verdict"] == "fail" and "sharpness" in blur["failing"].split(";")
    assert by["report.jpg"]["kind"] == "material"
    assert rc == 3  # the highest code wins: an unreadable file
    assert "Traceback" not in capsys.readouterr().err


# `|` cannot be part of a file name on Windows
FORMULA_NAMES = ("=cmd|' -C calc'!A0.jpg" if os.name != "nt" else "=cmd' -C calc'!A0.jpg", "+1.jpg", "@x.jpg",
                 "-2+3.jpg")


def test_csv_cells_never_start_a_formula(tmp_path, monkeypatch, capsys):
    """Names a spreadsheet would evaluate are written as text (a leading apostrophe)."""
    for name in FORMULA_NAMES:
        samples.plain_jpeg(tmp_path / name, (200, 200, 200), size=(300, 400))
    monkeypatch.chdir(tmp_path)
    cli.main(["audit", "--report", "x.csv", "--jobs", "1", "--", *FORMULA_NAMES])
    _raw, rows = read_csv(tmp_path / "x.csv")
    assert sorted(r["path"] for r in rows) == sorted("'" + n for n in FORMULA_NAMES)
    for r in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values())
    assert "Traceback" not in capsys.readouterr().err


def test_audit_json_and_kind_override(loose, capsys):
    rc = cli.main(["audit", str(loose / "photo_ok.jpg"), "--kind", "material", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["rows"][0]["kind"] == "material" and out["rows"][0]["kind_source"] == "given"
    assert rc in (0, 1)


# --- packages ---------------------------------------------------------------------------------------

@pytest.fixture
def audited_package(tmp_path, monkeypatch):
    samples.install_catalogue(SPECS, monkeypatch.setattr)
    d = tmp_path / "in"
    d.mkdir()
    with pytest.MonkeyPatch.context() as checks:
        samples.install_fake_checks(checks.setattr)
        with package.create(tmp_path / "pkg") as pkg:
            pkg.add("photo", [str(samples.sealed_plain_jpeg(d / "photo.jpg"))])
            pkg.add("id_card", [str(samples.plain_jpeg(d / "idcard_a.jpg", (200, 200, 200))),
                                str(samples.plain_jpeg(d / "idcard_b.jpg", (210, 210, 210)))])
    return tmp_path / "pkg"


def test_package_members_use_their_slot_and_manifest(audited_package, tmp_path):
    p = audited_package
    pkg = package.open_package(p)
    jobs = audit.collect([p])
    assert [(j.slot, j.kind) for j in jobs] == [("id_card", "material"), ("id_card", "material"), ("photo", "photo")]
    assert all(j.label.startswith(str(p) + "/files/") for j in jobs)
    # tamper with one ID image: that row is an error, the others are checked as usual
    victim = pkg.slot("id_card").files[0].name
    (p / victim).write_bytes((p / victim).read_bytes()[:-20] + b"\0" * 18 + b"\xff\xd9")
    rows = {r.slot + str(i): r for i, r in enumerate(audit.run(audit.collect([p]), workers=1))}
    assert rows["id_card0"].verdict == "error" and rows["id_card0"].error_code == "tampered"
    assert rows["id_card0"].exit_code == 4
    assert rows["photo2"].verdict != "error"
    # a photo member without an intact seal fails with the id "seal" (its job says what the manifest holds)
    photo_job = next(j for j in jobs if j.slot == "photo")
    unsealed = samples.jpeg_bytes(Image.new("RGB", (390, 567), (240, 240, 240)))
    (p / photo_job.member).write_bytes(unsealed)
    row = audit.audit_one(dataclasses.replace(photo_job, sha256=package.sha256(unsealed), size=len(unsealed)))
    assert "seal" in row.failing and row.verdict == "fail"
    # a manifest edited by hand makes the whole package one error row (exit 4)
    m = json.loads((p / "manifest.json").read_text("utf-8"))
    m["slots"][0]["files"][0].update(sha256=package.sha256(unsealed), size=len(unsealed))
    (p / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    rows = list(audit.run(audit.collect([p]), workers=1))
    assert [(r.verdict, r.error_code, r.exit_code) for r in rows] == [("error", "tampered", 4)]


def test_bad_packages_become_error_rows(tmp_path, capsys):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../../escape.jpg", b"x")
    bad = tmp_path / "badpkg"
    bad.mkdir()
    (bad / "manifest.json").write_text("{oops", encoding="utf-8")
    out = tmp_path / "r.csv"
    rc = cli.main(["audit", str(tmp_path), "--report", str(out)])
    _, rows = read_csv(out)
    by = {Path(r["path"]).name: r for r in rows}
    assert by["evil.zip"]["verdict"] == "error" and by["evil.zip"]["failing"] == "unsafe_zip"
    assert by["badpkg"]["failing"] == "bad_manifest"
    assert rc == 4
    assert not (tmp_path.parent.parent / "escape.jpg").exists()
    assert "Traceback" not in capsys.readouterr().err


# --- HTML report in a real browser -----------------------------------------------------------------

def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_report_is_self_contained(loose, tmp_path):
    out = tmp_path / "report.html"
    cli.main(["audit", str(loose), "--report", str(out), "--jobs", "1"])
    text = out.read_text("utf-8")
    assert ID_NUMBER not in text and "4201**********1234" in text
    assert not re.search(r'(src|href)="(?!data:|#)', text)  # nothing outside the file
    assert text.count("data:image/jpeg;base64,") >= 5
    assert out.stat().st_size < 200_000
    assert 'data-group="fail:sharpness"' in text and 'data-group="error:truncated"' in text


def test_html_report_names_checks_and_kinds_and_can_be_filtered(tmp_path):
    """No raw keys as labels (issue 18): check ids, kinds and document kinds by their names,
    Chinese first with English; the search box and the three filters are on the page and
    every card carries what they filter on."""
    from photocheck.submission.audit import AuditRow
    from photocheck.submission.report import HtmlReport

    out = tmp_path / "r.html"
    rep = HtmlReport(out)
    rep.add(AuditRow(path="a/back.jpg", kind="material", verdict="fail", failing=["orientation"],
                     document_kind="id_card_back", messages=[("orientation", "fail", "画面颠倒", "upside down")]))
    rep.add(AuditRow(path="a/ok.jpg", kind="photo", verdict="pass",
                     messages=[("exposure", "warn", "略暗", "a little dark")]))
    rep.close()
    text = out.read_text("utf-8")
    assert "orientation (orientation)" not in text and "（orientation）" not in text
    assert "material ·" not in text and "> id_card_back" not in text and "· id_card_back" not in text
    assert "方向 <span class=\"en\">Orientation</span>" in text
    assert "居民身份证（国徽面）" in text and "材料 <span class=\"en\">document</span>" in text
    for fid in ("f-text", "f-verdict", "f-check", "f-doc"):
        assert f'id="{fid}"' in text
    assert '<option value="orientation">方向 / Orientation</option>' in text
    assert '<option value="id_card_back">居民身份证（国徽面）' in text
    assert 'data-verdict="fail" data-checks="orientation" data-doc="id_card_back"' in text
    assert 'class="card pass warn"' in text      # a pass with a warning is marked as such


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_html_report_in_headless_chromium(loose, tmp_path):
    out = tmp_path / "report.html"
    cli.main(["audit", str(loose), "--report", str(out), "--jobs", "1"])
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,1600",
                            f"--screenshot={shot}", "--dump-dom", out.as_uri()],
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
    dom = r.stdout
    assert "批量审核报告" in dom, r.stderr[-2000:]
    imgs = len(re.findall(r"<img ", dom))
    ok = int(re.search(r'data-images-ok="(\d+)"', dom).group(1))
    assert imgs > 0 and ok == imgs and 'data-images-broken="0"' in dom
    counts = {m[0]: int(m[1]) for m in re.findall(r'data-group="([^"]+)">(\d+)<', dom)}
    assert counts["fail:sharpness"] >= 1 and counts["error:truncated"] == 1
    sections = re.findall(r'<section class="group" id="g-([^"]+)" data-count="(\d+)"', dom)
    for key, n in sections:
        assert counts[key] == int(n)
    assert "4201**********1234" in dom and ID_NUMBER not in dom
    assert shot.exists()
    px = np.asarray(Image.open(shot).convert("L"))
    assert px.std() > 10  # something was rendered, not a blank page


# --- engines ----------------------------------------------------------------------------------------

def test_dask_missing_gives_a_clear_message(loose, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask", None)
    rc = cli.main(["audit", str(loose / "photo_ok.jpg"), "--engine", "dask"])
    err = capsys.readouterr().err
    assert rc == 2 and "dask[distributed]" in err and "Traceback" not in err


def test_default_path_never_imports_dask(loose):
    code = ("import sys; from photocheck import cli; cli.main(['audit', sys.argv[1], '--jobs', '1']); "
            "print('dask' in sys.modules, 'distributed' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code, str(loose / "photo_ok.jpg")], capture_output=True, text=True,
                       encoding="utf-8", timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "False False"


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask[distributed] not installed")
def test_dask_and_local_give_the_same_csv(loose, tmp_path):
    a, b = tmp_path / "local.csv", tmp_path / "dask.csv"
    ra = cli.main(["audit", str(loose), "--report", str(a), "--jobs", "2"])
    rb = cli.main(["audit", str(loose), "--report", str(b), "--engine", "dask", "--jobs", "2"])
    assert ra == rb
    assert a.read_bytes() == b.read_bytes()


# --- the shared labelled cases ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_rows(tmp_path_factory):
    """The audit CSV over ../shared/corpus/cases, with each row's expected kind and failing ids."""
    if not CASES.exists():
        pytest.skip(f"corpus not available at {CASES}")
    pytest.importorskip("onnxruntime")   # the document cases are read by the OCR
    out = tmp_path_factory.mktemp("corpus") / "cases.csv"
    cli.main(["audit", str(CASES), "--report", str(out)])
    _, rows = read_csv(out)
    labelled = []
    for sub, kind in (("photos", "photo"), ("docs", "material")):
        labels = json.loads((CASES / sub / "labels.json").read_text("utf-8"))
        mine = [r for r in rows if Path(r["path"]).parent.name == sub]
        assert sorted(Path(r["path"]).name for r in mine) == sorted(labels)
        labelled += [(r, kind, labels[Path(r["path"]).name]) for r in mine]
    return labelled


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_cases_get_the_right_kind(corpus_rows):
    wrong = [(Path(r["path"]).name, r["kind"]) for r, kind, _ in corpus_rows if r["kind"] != kind]
    assert wrong == []


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_verdicts_agree_with_labels(corpus_rows):
    """A defect case counts as caught when one of its labelled ids fails; a clean case must pass."""
    wrong = []
    for r, _, expected in corpus_rows:
        failing = set(r["failing"].split(";")) if r["verdict"] == "fail" else set()
        ok = (r["verdict"] == "pass") if not expected else bool(failing & set(expected))
        if not ok:
            wrong.append((Path(r["path"]).name, expected, r["verdict"], r["failing"]))
    # Every defect must be caught. Of the photos labelled clean, one (a dim, deeply
    # shadowed face) is judged too dark by the pack's shadow rule, as the photo corpus
    # test documents, and one laughs with a wide toothy grin, which the expression rule
    # (mouth closed, as the exit-entry photo rules ask) refuses; its label predates that
    # check. Nothing else may disagree.
    missed = [w for w in wrong if w[1]]
    clean_failed = [w for w in wrong if not w[1]]
    assert missed == []
    assert len(clean_failed) <= 2 and all(w[3] in ("exposure", "expression") for w in clean_failed), clean_failed
