"""The labelled document cases in ../shared/corpus/cases/docs (skipped when absent).

- every defect is caught: at least one of its listed check ids fails;
- every good file passes, and its document kind is right;
- every fixable case is fixed: upright like the good original, <= 500,000 bytes, long
  side >= 1200 px when the source had it; blurred, tiny and fake-extension files are
  refused with a reason.

Nothing here is tuned to these files; the thresholds live in the rule pack.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from photocheck import core
from photocheck import io as pio
from photocheck.errors import FixRefused
from photocheck.vision.text import orient

DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "cases" / "docs"
LABELS = json.loads((DOCS / "labels.json").read_text(encoding="utf-8")) if (DOCS / "labels.json").exists() else {}
KINDS = {"idfront": "id_card_front", "idback": "id_card_back", "diploma": "diploma", "report": "education_report"}
UNFIXABLE = ("blur", "lowres", "fakeext")

pytestmark = [pytest.mark.corpus, pytest.mark.usefixtures("need_models")]


def _docs() -> Path:
    if not LABELS:
        pytest.skip(f"document corpus not available at {DOCS}")
    return DOCS


def _stem(name: str) -> tuple[str, str]:
    """("diploma1", "rot90") for diploma1_rot90.jpg; ("diploma1", "webp") for diploma1.webp."""
    m = re.match(r"([a-z]+\d+)(?:_([a-z0-9]+))?\.", name)
    assert m, name
    return m.group(1), m.group(2) or Path(name).suffix.lstrip(".")


@pytest.fixture(scope="module")
def reports():
    d = _docs()
    return {name: core.check_file(d / name, kind="material") for name in sorted(LABELS)}


@pytest.mark.parametrize("name", sorted(LABELS) or ["<none>"])
def test_case_verdict(reports, name):
    rep = reports[name]
    want = LABELS[name]
    assert rep.error is None, rep.error and rep.error.text.en
    if want:
        assert set(want) & set(rep.failing), f"{name}: expected one of {want} to fail, got {rep.failing}"
    else:
        assert rep.passed, f"{name}: should pass, fails {rep.failing}"


@pytest.mark.parametrize("name", sorted(LABELS) or ["<none>"])
def test_document_kind(reports, name):
    doc, _ = _stem(name)
    rep = reports[name]
    assert rep.document is not None and rep.document.kind == KINDS[re.match(r"[a-z]+", doc).group(0)]


def test_reports_show_their_verification_code(reports):
    for name, rep in reports.items():
        doc, variant = _stem(name)
        if doc.startswith("report") and variant in ("good", "rot180", "mirror", "exif6", "camera"):
            code = rep.document.verification_code
            assert code and re.fullmatch(r"[A-Z0-9]{16}", code), (name, code)


def _similar(a: np.ndarray, b: np.ndarray) -> float:
    ga = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gb = cv2.cvtColor(cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_AREA),
                      cv2.COLOR_BGR2GRAY).astype(np.float32)
    ga -= ga.mean()
    gb -= gb.mean()
    return float((ga * gb).sum() / np.sqrt((ga * ga).sum() * (gb * gb).sum()))


FIXABLE = sorted(n for n in LABELS if not _stem(n)[1] in UNFIXABLE)


@pytest.mark.parametrize("name", FIXABLE or ["<none>"])
def test_fixable_case_is_fixed_upright(tmp_path, name):
    d = _docs()
    doc, _ = _stem(name)
    src = d / name
    res = core.fix_file(src, tmp_path / "out.jpg", kind="material")
    assert res.ok, f"{name}: {res.error and res.error.text.en}"
    out = pio.probe(res.outputs[0])
    assert out.size_bytes <= 500_000 and out.exif_orientation == 1 and out.format == "jpeg"
    src_info = pio.probe(src)
    if max(src_info.width, src_info.height) >= 1200:
        assert max(out.width, out.height) >= 1200
    # same content orientation as the good original: it matches the good file best upright
    good = pio.load(d / f"{doc}_good.jpg").bgr
    fixed = pio.decode(out).bgr
    score = {c: _similar(orient(good, c), fixed) for c in range(1, 9)
             if (orient(good, c).shape[0] > orient(good, c).shape[1]) == (fixed.shape[0] > fixed.shape[1])}
    assert max(score, key=score.get) == 1 and score[1] > 0.8, (name, score)


@pytest.mark.parametrize("name", sorted(n for n in LABELS if _stem(n)[1] in UNFIXABLE) or ["<none>"])
def test_unfixable_case_is_refused_with_a_reason(tmp_path, name):
    d = _docs()
    res = core.fix_file(d / name, tmp_path / "out.jpg", kind="material")
    assert not res.ok and isinstance(res.error, FixRefused)
    assert res.error.text.zh and res.error.text.en and res.error.hint is not None
    assert not (tmp_path / "out.jpg").exists()
