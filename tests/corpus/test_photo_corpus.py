"""The shared corpus (../shared/corpus), read in place; skipped when absent.

- cases/photos: every labelled defect is caught (one listed id fails) and good
  files pass;
- portraits: the fixer either saves a photo that passes an independent re-check or
  refuses with a reason; it never saves anything else.
"""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from conftest import corpus_dir
from photocheck import core

pytestmark = [pytest.mark.usefixtures("need_models"), pytest.mark.corpus]


def labelled_cases():
    d = corpus_dir("cases", "photos")
    return d, json.loads((d / "labels.json").read_text(encoding="utf-8"))


def test_labelled_photo_cases():
    d, labels = labelled_cases()
    missed_defects, failed_good = [], []
    for name, want in sorted(labels.items()):
        rep = core.check_file(d / name)
        failing = set(rep.failing) | ({"format"} if rep.error else set())
        if want and not failing & set(want):
            missed_defects.append((name, want, sorted(failing)))
        if not want and not rep.passed:
            failed_good.append((name, sorted(failing)))
    assert not missed_defects, missed_defects
    goods = [n for n, w in labels.items() if not w]
    # One good case (a dim, deeply shadowed face) is judged too dark by the
    # shadow rule; see the exposure section of the rule pack.
    assert len(failed_good) <= max(1, len(goods) // 8), failed_good


def independent_recheck(data: bytes) -> list[str]:
    """Re-check a saved photo without photocheck's own checks (except head size)."""
    problems = []
    im = Image.open(io.BytesIO(data))
    if im.format != "JPEG" or im.mode != "RGB" or im.info.get("progressive"):
        problems.append("format")
    if len(data) >= 30000:
        problems.append("size")
    w, h = im.size
    if abs(w / h - 33 / 48) / (33 / 48) > 0.02 or w < 190 or h < 254:
        problems.append("proportions")
    rgb = np.asarray(im.convert("RGB")).astype(int)
    band = rgb[: max(2, int(0.03 * h))]
    if (band.min(axis=2) < 230).mean() > 0.03:
        problems.append("background")
    grey = cv2.cvtColor(rgb.astype(np.uint8), cv2.COLOR_RGB2GRAY)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    faces = cascade.detectMultiScale(grey, 1.1, 6, minSize=(int(0.3 * w), int(0.3 * w)))
    if len(faces) != 1:
        problems.append(f"faces={len(faces)}")
    else:
        x, y, fw, fh = faces[0]
        if abs((x + fw / 2) - w / 2) / w > 0.08:
            problems.append("centre")
    rep = core.check_file(data, only=["head_size"])
    if rep.get("head_size").status.value == "fail":
        problems.append("head_size")
    return problems


ALLOWED_REFUSALS = {"several_faces", "crown_cut", "source_too_short", "source_too_narrow", "too_small", "background_patch",
                    "not_frontal", "no_face", "fix_refused"}


@pytest.mark.slow
def test_fixing_real_portraits(tmp_path):
    d = corpus_dir("portraits")
    files = sorted(p for p in d.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    saved, refused = [], []
    refusal_failing: dict[str, list[str]] = {}
    for p in files:
        out = tmp_path / (p.stem + ".jpg")
        res = core.fix_file(p, out)
        if res.ok:
            problems = independent_recheck(out.read_bytes())
            assert not problems, (p.name, problems)
            saved.append(p.name)
        else:
            assert not out.exists()
            assert res.error is not None and res.error.text.zh and res.error.text.en, p.name
            assert res.error.code in ALLOWED_REFUSALS, (p.name, res.error.code)
            refused.append((p.name, res.error.code))
            refusal_failing[p.name] = list(getattr(res.error, "failing", []) or [])
    # Regression guard on the share fixed (most refusals are heads cut by the top
    # edge, or several people); see the closing notes for the breakdown. A refusal by a
    # check of the person (a toothy grin, a turned head) is right and no loss of the fixer.
    person = {"pose", "eyes", "expression", "glasses", "head_covering", "occlusion"}
    by_person = [n for n, code in refused if code == "fix_refused" and set(refusal_failing[n]) & person]
    # So is a refusal because the old background could not be separated cleanly (people or
    # a sign joined to the shoulders): saving it would leave a patch of it (issue 15).
    by_background = [n for n, code in refused if code == "background_patch"
                     or (code == "fix_refused" and refusal_failing[n] == ["background"])]
    assert len(saved) + len(by_person) + len(by_background) >= 0.55 * len(files), refused
