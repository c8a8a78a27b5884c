"""Person segmentation and the guided-filter edge refinement."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from faces import astronaut, corpus_dir, grace_hopper, read_image, require_models  # noqa: E402

from photocheck.vision.face import FACE_OVAL, get_detector  # noqa: E402
from photocheck.vision.segment import get_segmenter, isolate, refine  # noqa: E402


def oval_mask(face, shape) -> np.ndarray:
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(face.landmarks[list(FACE_OVAL)]).astype(np.int32)], 1)
    return m.astype(bool)


# --------------------------------------------------------------------------- refine (no model)


def test_refine_puts_a_sharp_step_where_the_image_has_its_edge():
    h, w = 60, 120
    guide = np.full((h, w, 3), 40, np.uint8)
    guide[:, 60:] = 210  # the true boundary is at x = 60
    x = np.arange(w, dtype=np.float32)
    mask = np.clip((x - 52) / 16 + 0.5, 0, 1)[None, :].repeat(h, 0)  # soft ramp 44..60
    out = refine(mask, guide, radius=8, eps=1e-4, max_side=None)
    assert out.dtype == np.float32 and out.shape == (h, w)
    row = out[h // 2]
    steps = np.diff(row)
    # the input rises 1/16 per pixel everywhere on its ramp; the output jumps at 60
    assert int(np.argmax(steps)) == 59 and steps[59] > 0.25
    assert row[60:].min() > 0.95  # the person side of the edge is solid
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0


def test_refine_keeps_a_mask_where_the_guide_is_flat():
    guide = np.full((80, 80), 128, np.uint8)  # grey guide, no edges
    mask = np.zeros((80, 80), np.float32)
    mask[:, 40:] = 1
    out = refine(mask, guide, radius=4, eps=1e-3, max_side=None)
    assert out[:, :30].max() < 0.05 and out[:, 50:].min() > 0.95
    assert abs(float(out.mean()) - 0.5) < 0.02  # a plain smoothing: mass preserved


def test_refine_fast_path_matches_full_resolution():
    img = grace_hopper()
    mask = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(mask, (256, 330), (150, 220), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 6)
    full = refine(mask, img, radius=8, eps=1e-3, max_side=None)
    fast = refine(mask, img, radius=8, eps=1e-3, max_side=300)
    assert fast.shape == full.shape
    assert float(np.abs(fast - full).mean()) < 0.02


def test_refine_resizes_a_low_resolution_mask_to_the_guide():
    img = astronaut()
    low = np.zeros((64, 64), np.float32)
    low[16:, 16:48] = 1
    out = refine(low, img, radius=6, eps=1e-3)
    assert out.shape == img.shape[:2]
    assert out[-5:, 256].min() > 0.9 and out[:40, :40].max() < 0.1


# --------------------------------------------------------------------------- the model


@pytest.fixture
def seg():
    require_models()
    return get_segmenter()


@pytest.mark.parametrize("load, corners", [
    # corners that show background in these photos (the bottom ones show clothes)
    (astronaut, ((0, 0), (0, -1))),
    (grace_hopper, ((0, 0), (0, -1))),
])
def test_mask_covers_the_face_and_not_the_background(seg, load, corners):
    img = load()
    m = seg.mask(img)
    assert m.shape == img.shape[:2] and m.dtype == np.float32
    assert float(m.min()) >= 0.0 and float(m.max()) <= 1.0
    face = get_detector().detect(img)[0]
    inside = oval_mask(face, img.shape)
    assert (m[inside] > 0.5).mean() > 0.98
    x, y, w, h = (int(v) for v in face.box)
    assert (m[y:y + h, x:x + w] > 0.5).mean() > 0.9
    for cy, cx in corners:
        ys = slice(0, 30) if cy == 0 else slice(-30, None)
        xs = slice(0, 30) if cx == 0 else slice(-30, None)
        assert float(m[ys, xs].max()) < 0.1
    # the area right above the head is background too
    top = int(face.forehead[1] - 0.9 * h)
    if top > 10:
        assert float(m[:top - 5, x:x + w].mean()) < 0.1


def test_mask_is_deterministic_and_takes_grey_and_bgra(seg):
    img = grace_hopper()
    a, b = seg.mask(img), seg.mask(img)
    np.testing.assert_array_equal(a, b)
    grey = seg.mask(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    assert grey.shape == img.shape[:2]
    bgra = seg.mask(cv2.cvtColor(img, cv2.COLOR_BGR2BGRA))
    np.testing.assert_array_equal(bgra, a)
    with pytest.raises(ValueError):
        seg.mask(img.astype(np.float32))


def test_odd_sizes_and_large_images_keep_their_shape(seg):
    img = astronaut()
    for w, h in ((391, 567), (1000, 333), (2400, 2400)):
        out = seg.mask(cv2.resize(img, (w, h)))
        assert out.shape == (h, w)


def test_refined_edge_band_is_thinner_than_the_upsampled_model_output(seg):
    img = cv2.resize(grace_hopper(), (1024, 1200), interpolation=cv2.INTER_CUBIC)
    raw = seg.mask(img, refine_edges=False)
    ref = seg.mask(img)
    soft_raw = ((raw > 0.1) & (raw < 0.9)).mean()
    soft_ref = ((ref > 0.1) & (ref < 0.9)).mean()
    assert soft_ref < 0.6 * soft_raw
    # and the refinement neither grows nor shrinks the person noticeably
    assert abs(float((ref > 0.5).mean()) - float((raw > 0.5).mean())) < 0.02


@pytest.mark.corpus
def test_white_background_cases_segment_the_person(seg):
    """On the labelled compliant photos the background is white, so a reference
    mask is: everything except the white regions reached from the top and side
    edges (a white shirt, enclosed by the jacket and the bottom edge, stays person)."""
    folder = corpus_dir("cases", "photos")
    ious = []
    for path in sorted(folder.glob("good_*.jpg")):
        img = read_image(path)
        white = (img.min(axis=2) >= 225).astype(np.uint8)
        n, lab = cv2.connectedComponents(white)
        edge_labels = set(lab[0, :]) | set(lab[:, 0]) | set(lab[:, -1])
        background = np.isin(lab, [v for v in edge_labels if v != 0]) & (white > 0)
        ref = ~background
        m = seg.mask(img) > 0.5
        ious.append((m & ref).sum() / (m | ref).sum())
    assert ious, "no good_* cases found"
    assert min(ious) > 0.9 and float(np.mean(ious)) > 0.95


def test_isolate_keeps_only_regions_with_a_given_point():
    m = np.zeros((200, 300), np.float32)
    cv2.circle(m, (80, 100), 40, 1.0, -1)  # the subject
    cv2.circle(m, (240, 60), 20, 0.8, -1)  # a detached blob
    m = cv2.GaussianBlur(m, (0, 0), 2)
    out = isolate(m, [(80, 100)])
    assert out[100, 80] == pytest.approx(m[100, 80])
    assert out[60, 240] == 0.0
    assert out[100, 121] == pytest.approx(m[100, 121])  # soft edge of the subject kept
    np.testing.assert_array_equal(isolate(m, [(5, 5), (-10, 400)]), m)  # no usable point
