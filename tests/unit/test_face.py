"""Face detection and landmarks on real faces (packaged public-domain photos, corpus)."""

from __future__ import annotations

import json
import math
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from faces import astronaut, corpus_dir, grace_hopper, read_image, require_models  # noqa: E402

from photocheck.vision import face as facemod  # noqa: E402
from photocheck.vision.face import Face, get_detector, upright_rotation  # noqa: E402


@pytest.fixture(autouse=True)
def _models():
    require_models()


def detect(img, **kw) -> list[Face]:
    return get_detector().detect(img, **kw)


def rotate(img, angle_deg):
    """cv2 rotation about the centre (positive = counter-clockwise), white border."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


def near(p, q, tol):
    return math.dist(p, q) <= tol


# --------------------------------------------------------------------------- single faces


@pytest.mark.parametrize("load, eye_l, eye_r, chin", [
    # positions read off the photos (eye centres, menton), in pixels
    (astronaut, (204, 102), (247, 104), (221, 177)),
    (grace_hopper, (219, 193), (309, 188), (272, 334)),
])
def test_one_face_with_landmarks_in_place(load, eye_l, eye_r, chin):
    img = load()
    faces = detect(img)
    assert len(faces) == 1
    f = faces[0]
    iod = math.dist(eye_l, eye_r)
    assert near(f.eye_left, eye_l, 0.12 * iod)
    assert near(f.eye_right, eye_r, 0.12 * iod)
    assert near(f.chin, chin, 0.2 * iod)
    assert f.score > 0.8 and f.landmark_score > 0.9
    assert f.landmarks is not None and f.landmarks.shape == (468, 2)
    assert f.landmarks.dtype == np.float32
    # anatomy in image coordinates (y down)
    assert f.eye_left[0] < f.nose[0] < f.eye_right[0]
    assert f.forehead[1] < min(f.eye_left[1], f.eye_right[1]) < f.nose[1] < f.mouth[1] < f.chin[1]
    assert f.face_left_x < f.eye_left[0] and f.eye_right[0] < f.face_right_x
    x, y, w, h = f.box
    assert x <= f.face_left_x + 1 and f.face_right_x <= x + w + 1
    assert y <= f.forehead[1] + 1 and f.chin[1] <= y + h + 1
    assert abs(f.roll_deg) < 6 and abs(f.yaw) < 0.15


def test_detection_is_deterministic_and_thread_safe():
    img = astronaut()
    ref = detect(img)[0]
    results: list[Face] = []
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(3):
                results.append(detect(img)[0])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 12
    for r in results:
        assert r.box == ref.box and r.roll_deg == ref.roll_deg
        np.testing.assert_array_equal(r.landmarks, ref.landmarks)


def test_coordinates_refer_to_the_input_image_at_any_size():
    img = astronaut()
    small = detect(img)[0]
    big = detect(cv2.resize(img, (2048, 2048), interpolation=cv2.INTER_CUBIC))[0]
    for a, b in ((small.eye_left, big.eye_left), (small.chin, big.chin)):
        assert near((a[0] * 4, a[1] * 4), b, 0.06 * big.eye_distance)
    assert big.box[2] == pytest.approx(4 * small.box[2], rel=0.06)


def test_grey_and_bgra_inputs_are_accepted_and_bad_input_rejected():
    img = astronaut()
    assert len(detect(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))) == 1
    assert len(detect(cv2.cvtColor(img, cv2.COLOR_BGR2BGRA))) == 1
    with pytest.raises(ValueError):
        detect(img.astype(np.float32))
    with pytest.raises(ValueError):
        detect(np.zeros((0, 0, 3), np.uint8))


# --------------------------------------------------------------------------- roll and yaw


@pytest.mark.parametrize("angle", [-14, -10, -5, 5, 10, 14])
@pytest.mark.parametrize("load", [astronaut, grace_hopper])
def test_roll_follows_a_known_rotation(load, angle):
    img = load()
    base = detect(img)[0].roll_deg
    faces = detect(rotate(img, angle))
    assert len(faces) == 1
    # cv2's positive angle turns the picture counter-clockwise; roll is positive
    # clockwise, so the measured roll drops by the angle.
    assert faces[0].roll_deg == pytest.approx(base - angle, abs=1.5)


def test_roll_sign_convention_levels_the_eyes():
    img = rotate(astronaut(), -12)  # clockwise on screen: right-hand eye goes down
    f = detect(img)[0]
    assert f.roll_deg > 10
    assert f.eye_right[1] > f.eye_left[1]
    h, w = img.shape[:2]
    level = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), f.roll_deg, 1.0), (w, h),
                           borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    assert abs(detect(level)[0].roll_deg) < 1.5


def test_mirror_image_swaps_sides_and_flips_yaw_and_roll():
    img = grace_hopper()
    f = detect(img)[0]
    m = detect(np.ascontiguousarray(img[:, ::-1]))[0]
    w = img.shape[1]
    assert near(m.eye_left, (w - f.eye_right[0], f.eye_right[1]), 0.08 * f.eye_distance)
    assert m.roll_deg == pytest.approx(-f.roll_deg, abs=1.5)
    assert m.yaw == pytest.approx(-f.yaw, abs=0.1)


# --------------------------------------------------------------------------- counts


def test_two_people_give_two_faces_largest_first():
    a = astronaut()
    g = cv2.resize(grace_hopper(), (427, 500))
    canvas = np.full((520, 960, 3), 235, np.uint8)
    canvas[0:512, 0:512] = a
    canvas[10:510, 525:952] = g
    faces = detect(canvas)
    assert len(faces) == 2
    areas = [f.box[2] * f.box[3] for f in faces]
    assert areas == sorted(areas, reverse=True)
    xs = sorted(f.center[0] for f in faces)
    assert xs[0] < 512 < xs[1]


@pytest.mark.parametrize("face_frac", [0.07, 0.1])
def test_small_faces_in_a_big_frame_are_found(face_frac):
    """Full-length or group shots: faces down to ~min_face_frac of the short side."""
    a = astronaut()[10:250, 110:350]  # head and shoulders
    face_w = detect(a)[0].face_right_x - detect(a)[0].face_left_x
    canvas = np.full((1080, 1920, 3), (90, 110, 120), np.uint8)
    scale = face_frac * 1080 / face_w
    small = cv2.resize(a, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    spots = [(60, 100), (700, 350), (1500, 600), (300, 800)]
    for x, y in spots:
        h, w = small.shape[:2]
        canvas[y:y + h, x:x + w] = small
    faces = detect(canvas)
    assert len(faces) == len(spots)
    for f in faces:
        assert f.face_right_x - f.face_left_x == pytest.approx(face_frac * 1080, rel=0.25)


@pytest.mark.parametrize("shape", [(675, 900), (900, 675), (567, 390), (800, 800), (3000, 4000)])
def test_coarse_face_frac_is_where_the_second_level_stops(shape):
    det = get_detector()
    frac = det.coarse_face_frac(shape)
    work = facemod._work_image(np.zeros((*shape, 3), np.uint8))[0].shape[:2]
    assert work == facemod._work_shape(shape)
    assert len(facemod._level_scales(work, frac * min(work))) == 1
    assert len(facemod._level_scales(work, 0.97 * frac * min(work))) == 2


def test_coarse_first_search_adds_small_faces_only_when_the_main_face_is_small():
    a = astronaut()[10:250, 110:350]  # head and shoulders
    canvas = np.full((900, 1200, 3), (90, 110, 120), np.uint8)
    canvas[100:340, 100:340] = a  # main face ~10% of the short side: too small for the coarse level alone
    small = cv2.resize(a, None, fx=0.55, fy=0.55, interpolation=cv2.INTER_AREA)
    canvas[500:500 + small.shape[0], 800:800 + small.shape[1]] = small
    det = get_detector()
    full = det.detect(canvas)
    both = det.detect_coarse_first(canvas, rival_area=0.25)
    assert len(full) == len(both) == 2
    for a_, b_ in zip(full, both):
        assert np.hypot(*(np.array(a_.center) - np.array(b_.center))) < 3.0


def test_coarse_search_finds_a_large_face_as_the_full_search_does():
    img = cv2.copyMakeBorder(astronaut(), 100, 0, 150, 150, cv2.BORDER_CONSTANT, value=(200, 200, 200))
    det = get_detector()
    coarse = det.detect(img, min_face_frac=det.coarse_face_frac(img.shape), any_orientation=False)
    full = det.detect(img)
    assert len(coarse) == 1 and len(full) >= 1
    for a, b in ((coarse[0].eye_left, full[0].eye_left), (coarse[0].eye_right, full[0].eye_right),
                 (coarse[0].chin, full[0].chin)):
        assert np.hypot(a[0] - b[0], a[1] - b[1]) < 3.0


def test_faces_below_min_face_frac_are_not_reported():
    a = astronaut()
    canvas = np.full((1080, 1920, 3), 200, np.uint8)
    small = cv2.resize(a, (128, 128), interpolation=cv2.INTER_AREA)  # face ~24 px wide
    canvas[500:628, 900:1028] = small
    assert detect(canvas, min_face_frac=0.06) == []


def _document() -> np.ndarray:
    page = np.full((1100, 800, 3), 250, np.uint8)
    for i, y in enumerate(range(80, 1050, 38)):
        cv2.putText(page, f"Line {i}: 2024 medical exam registration form ID 4201{i:04d}",
                    (40, y), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (30, 30, 30), 2)
    cv2.rectangle(page, (560, 120), (740, 360), (40, 40, 40), 2)
    return page


@pytest.mark.parametrize("make", [
    lambda: np.full((480, 640, 3), 255, np.uint8),
    lambda: np.zeros((600, 400, 3), np.uint8),
    lambda: np.random.default_rng(1).integers(0, 256, (480, 640, 3), dtype=np.uint8),
    lambda: np.tile(np.linspace(0, 255, 640, dtype=np.uint8)[None, :, None], (480, 1, 3)),
    _document,
], ids=["white", "black", "noise", "gradient", "document"])
def test_no_face_is_hallucinated(make):
    assert detect(make()) == []


@pytest.mark.parametrize("name", ["chelsea", "coffee", "rocket", "brick", "text", "page",
                                  "hubble_deep_field", "coins"])
def test_no_face_in_packaged_pictures_without_people(name):
    data = pytest.importorskip("skimage.data")

    img = getattr(data, name)()
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    assert detect(img) == []


# --------------------------------------------------------------------------- orientation


@pytest.mark.parametrize("k", [1, 2, 3])
def test_turned_photo_face_is_found_with_its_real_roll(k):
    img = astronaut()
    base = detect(img)[0].roll_deg
    turned = np.ascontiguousarray(np.rot90(img, k))
    faces = detect(turned)
    assert len(faces) == 1
    # np.rot90 turns counter-clockwise by 90 k degrees
    expected = (base - 90 * k + 180) % 360 - 180
    assert (faces[0].roll_deg - expected + 180) % 360 - 180 == pytest.approx(0, abs=3)
    assert detect(turned, any_orientation=False) == []
    assert upright_rotation(turned) == (4 - k) % 4


def test_upright_rotation_of_upright_and_faceless_images():
    assert upright_rotation(grace_hopper()) == 0
    assert upright_rotation(np.full((300, 200, 3), 255, np.uint8)) == 0


def test_upside_down_face_is_not_taken_for_an_upright_one():
    img = np.ascontiguousarray(np.rot90(astronaut(), 2))
    faces = detect(img)
    assert len(faces) == 1 and abs(faces[0].roll_deg) > 170
    assert upright_rotation(img) == 2


def test_anchor_layout_matches_blazeface_short_range():
    a = facemod._anchors(128, 128)
    assert a.shape == (896, 2)
    assert tuple(a[0]) == (4.0, 4.0) and tuple(a[1]) == (4.0, 4.0)  # 2 per stride-8 cell
    assert tuple(a[512]) == (8.0, 8.0) and tuple(a[517]) == (8.0, 8.0)  # 6 per stride-16 cell
    assert tuple(a[-1]) == (120.0, 120.0)
    assert facemod._anchors(128, 256).shape == (16 * 32 * 2 + 8 * 16 * 6, 2)


# --------------------------------------------------------------------------- corpus

CASES = ("cases", "photos")


@pytest.mark.corpus
@pytest.mark.slow
def test_labelled_cases_face_counts_and_orientation():
    folder = corpus_dir(*CASES)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    wrong = []
    for name in sorted(labels):
        img = read_image(folder / name)
        faces = detect(img)
        expected = 2 if "twofaces" in name else 0 if "noface" in name else 1
        if len(faces) != expected:
            wrong.append(f"{name}: {len(faces)} faces, expected {expected}")
            continue
        if name.startswith("rot90_"):
            k = upright_rotation(img)
            if k not in (1, 3):
                wrong.append(f"{name}: upright_rotation {k}")
            elif abs(abs(faces[0].roll_deg) - 90) > 10:
                wrong.append(f"{name}: roll {faces[0].roll_deg:.1f}, expected about +-90")
        elif name.startswith("tilt14_") and not 8 <= abs(faces[0].roll_deg) <= 20:
            wrong.append(f"{name}: roll {faces[0].roll_deg:.1f}, expected about 14")
        elif expected == 1 and abs(faces[0].roll_deg) > 8 and not name.startswith("tilt"):
            wrong.append(f"{name}: roll {faces[0].roll_deg:.1f} on an upright photo")
    assert not wrong, "\n".join(wrong)


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_portraits_all_have_a_face_and_groups_have_several():
    folder = corpus_dir("portraits")
    several = {"deepface_couple.jpg": 2, "fr_two_people.jpg": 2, "fr_kit_with_rose.jpg": 2,
               "deepface_selfie-many-people.jpg": 4}
    wrong = []
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
    for path in images:
        faces = detect(read_image(path))
        want = several.get(path.name, 1)
        if len(faces) < want:
            wrong.append(f"{path.name}: {len(faces)} faces, expected at least {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.corpus
def test_yaw_sign_on_a_turned_couple():
    img = read_image(corpus_dir("portraits") / "deepface_couple.jpg")
    faces = detect(img)
    assert len(faces) == 2
    # both look toward the image's right: the nose sits right of the cheek midline
    assert all(f.yaw > 0.3 for f in faces)
    mirrored = detect(np.ascontiguousarray(img[:, ::-1]))
    assert all(f.yaw < -0.3 for f in mirrored)
