"""Every photo check on its pass side and its fail side.

A compliant photo is made by the fixer from public-domain faces shipped in
packages; each defect is then made from it in code, one change at a time."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from faces import SAMPLE_PACK, astronaut, grace_hopper
from photocheck import core
from photocheck import io as pio
from photocheck.checks.base import Status
from photocheck.fix.encode import encode_under

pytestmark = pytest.mark.usefixtures("need_models")


def jpeg(bgr: np.ndarray, q: int | None = None) -> bytes:
    """A baseline JPEG; without q, the best quality under the 30,000-byte cap, so a
    defect made in pixels is not also a size failure."""
    if q is None:
        return encode_under(bgr, 30000, q_min=30, dpi=300).data
    return cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes()


def decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


@pytest.fixture(scope="module", params=["grace_hopper", "astronaut"])
def compliant_bytes(request) -> bytes:
    src = grace_hopper() if request.param == "grace_hopper" else astronaut()
    src = cv2.resize(src, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # the test's own bigger source
    outs, _ = core._run_fixer(pio.probe(jpeg(src, 95)), "photo", core._pack(SAMPLE_PACK))
    return outs[0].data


@pytest.fixture(scope="module")
def compliant(compliant_bytes) -> np.ndarray:
    return decode(compliant_bytes)


def check(data: bytes):
    """The tests' sample pack: the default minus the person checks the sample faces
    honestly fail (astronaut's grin, Grace Hopper's cap; see tests/packs)."""
    return core.check_file(data, pack=SAMPLE_PACK)


def status(rep, cid) -> Status:
    c = rep.get(cid)
    assert c is not None, rep.error
    return c.status


def test_compliant_photo_passes_every_check(compliant_bytes, compliant):
    rep = check(compliant_bytes)
    assert rep.passed, [(c.id, c.message.en) for c in rep.checks if c.status is Status.FAIL]
    rep = check(jpeg(compliant))  # and again after a plain re-encode under the cap
    assert rep.passed, [(c.id, c.message.en) for c in rep.checks if c.status is Status.FAIL]
    assert [c.id for c in rep.checks] == ["format", "file_size", "dimensions", "color", "face", "face_position",
                                          "head_size", "tilt", "background", "exposure", "sharpness",
                                          "pose", "eyes", "glasses", "occlusion", "accessories", "compression",
                                          "recency"]
    for c in rep.checks:  # every check reports what it measured and against what
        assert c.measured is not None and c.limit is not None and c.message.zh


def test_png_fails_format(compliant):
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(compliant, cv2.COLOR_BGR2RGB)).save(buf, "PNG")
    rep = check(buf.getvalue())
    assert status(rep, "format") is Status.FAIL and "PNG" in rep.get("format").message.en


def test_progressive_jpeg_fails_format(compliant):
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(compliant, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", progressive=True, quality=80)
    assert status(check(buf.getvalue()), "format") is Status.FAIL


def test_file_size_limit_is_strict(compliant):
    noisy = cv2.add(compliant, np.random.default_rng(1).integers(0, 30, compliant.shape, dtype=np.uint8))
    big = jpeg(noisy, 100)
    assert len(big) >= 30000
    rep = check(big)
    assert status(rep, "file_size") is Status.FAIL and rep.get("file_size").measured == len(big)
    assert status(check(jpeg(compliant)), "file_size") is Status.PASS


def test_square_and_tiny_fail_dimensions(compliant):
    h, w = compliant.shape[:2]
    square = compliant[(h - w) // 2:(h - w) // 2 + w]
    assert status(check(jpeg(square)), "dimensions") is Status.FAIL
    tiny = cv2.resize(compliant, (150, 218), interpolation=cv2.INTER_AREA)
    rep = check(jpeg(tiny))
    assert status(rep, "dimensions") is Status.FAIL and "150" in rep.get("dimensions").message.en


def replace_background(img: np.ndarray, colour) -> np.ndarray:
    out = img.copy()
    white = (img.min(axis=2) >= 235)
    out[white] = colour
    return out


@pytest.mark.parametrize("colour", [(200, 120, 40), (180, 180, 180)])  # BGR blue, grey
def test_coloured_background_fails_and_names_the_region(compliant, colour):
    rep = check(jpeg(replace_background(compliant, colour)))
    bg = rep.get("background")
    assert bg.status is Status.FAIL and bg.region is not None
    x, y, w, h = bg.region
    assert w > 0 and h > 0


def test_off_centre_face_fails_position(compliant):
    h, w = compliant.shape[:2]
    shift = int(0.15 * w)
    moved = np.full_like(compliant, 255)
    moved[:, shift:] = compliant[:, :w - shift]
    assert status(check(jpeg(moved)), "face_position") is Status.FAIL


def test_small_and_large_head_fail_head_size(compliant):
    h, w = compliant.shape[:2]
    small = np.full_like(compliant, 255)
    s = cv2.resize(compliant, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA)
    y0, x0 = h - s.shape[0], (w - s.shape[1]) // 2
    small[y0:, x0:x0 + s.shape[1]] = s
    rep = check(jpeg(small))
    assert status(rep, "head_size") is Status.FAIL
    assert rep.get("head_size").measured["height"] < 0.55
    big = cv2.resize(compliant, None, fx=1.35, fy=1.35, interpolation=cv2.INTER_CUBIC)
    bh, bw = big.shape[:2]
    big = big[int(0.05 * bh):int(0.05 * bh) + h, (bw - w) // 2:(bw - w) // 2 + w]
    assert status(check(jpeg(big)), "head_size") is Status.FAIL


@pytest.mark.parametrize("angle", [14, -14])
def test_tilted_head_fails_tilt(compliant, angle):
    h, w = compliant.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(compliant, m, (w, h), borderValue=(255, 255, 255))
    rep = check(jpeg(turned))
    assert status(rep, "tilt") is Status.FAIL
    assert abs(abs(rep.get("tilt").measured) - 14) < 3


def test_dark_photo_fails_exposure(compliant):
    lut = (np.linspace(0, 1, 256) ** 2.5 * 255).astype(np.uint8)
    assert status(check(jpeg(cv2.LUT(compliant, lut))), "exposure") is Status.FAIL


def test_stretched_photo_fails_face(compliant):
    # Resized 1.6x wider without keeping proportions, then cut back to the canvas width.
    w = compliant.shape[1]
    wide = cv2.resize(compliant, None, fx=1.6, fy=1.0, interpolation=cv2.INTER_LINEAR)
    x0 = (wide.shape[1] - w) // 2
    rep = check(jpeg(np.ascontiguousarray(wide[:, x0:x0 + w])))
    assert status(rep, "face") is Status.FAIL
    assert rep.get("face").measured > 0.75 and "stretched" in rep.get("face").message.en


def test_black_eye_make_up_is_not_underexposure(compliant):
    # Crushed blacks around the eyes alone (eyeliner, lashes) are not a dark photo:
    # paint the eye and brow outlines pure black on a compliant photo.
    from photocheck.vision.face import EYE_BROW_OUTLINES, get_detector

    img = compliant.copy()
    face = get_detector().detect(img)[0]
    for idx in EYE_BROW_OUTLINES:
        pts = face.landmarks[list(idx)].astype(np.int32)
        cv2.polylines(img, [pts], True, (0, 0, 0), thickness=max(2, img.shape[1] // 120))
    rep = check(jpeg(img))
    assert rep.get("exposure").measured["dark"] > 0.01
    assert status(rep, "exposure") is not Status.FAIL


def test_dim_face_with_even_light_passes_exposure(compliant):
    # Uniformly dimmer (not a gamma curve): no crushed shadows, skin contrast unchanged.
    dim = cv2.convertScaleAbs(compliant, alpha=0.72, beta=0)
    dim[compliant.min(axis=2) >= 245] = 255  # the white background stays white
    rep = check(jpeg(dim))
    assert rep.get("exposure").measured["face_median"] < 160
    assert status(rep, "exposure") is not Status.FAIL


def test_blown_out_photo_fails_exposure(compliant):
    bright = cv2.convertScaleAbs(compliant, alpha=1.9, beta=40)
    assert status(check(jpeg(bright)), "exposure") is Status.FAIL


def test_blur_fails_sharpness(compliant):
    rep_sharp = check(jpeg(compliant))
    rep_blur = check(jpeg(cv2.GaussianBlur(compliant, (0, 0), 4)))
    assert status(rep_blur, "sharpness") is Status.FAIL
    assert rep_blur.get("sharpness").measured < rep_sharp.get("sharpness").measured / 2


def test_greyscale_fails_colour(compliant):
    grey = cv2.cvtColor(cv2.cvtColor(compliant, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert status(check(jpeg(grey)), "color") is Status.FAIL
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(compliant, cv2.COLOR_BGR2GRAY)).save(buf, "JPEG")
    rep = check(buf.getvalue())  # a 1-channel JPEG fails colour and format
    assert status(rep, "color") is Status.FAIL and status(rep, "format") is Status.FAIL


def test_two_faces_and_no_face_fail_face(compliant):
    h, w = compliant.shape[:2]
    half = cv2.resize(compliant, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    two = np.full_like(compliant, 255)
    two[h // 4:h // 4 + half.shape[0], :half.shape[1]] = half
    two[h // 4:h // 4 + half.shape[0], w - half.shape[1]:] = half
    rep = check(jpeg(two))
    assert status(rep, "face") is Status.FAIL and rep.get("face").measured == 2
    blank = np.full_like(compliant, 255)
    rep = check(jpeg(blank))
    assert status(rep, "face") is Status.FAIL and rep.get("face").measured == 0
    # the geometry checks say they cannot measure instead of passing
    assert status(rep, "head_size") is Status.FAIL


def test_sideways_photo_is_caught(compliant):
    rep = check(jpeg(np.ascontiguousarray(np.rot90(compliant))))
    assert {"dimensions", "face"} & set(rep.failing)


def test_other_pack_changes_the_verdict(compliant):
    """Packs drive the checks: a 33x48 photo fails the 35x45 pack's proportions."""
    rep = core.check_file(jpeg(compliant), pack="preset-35x45")
    assert status(rep, "dimensions") is Status.FAIL
    assert rep.rules.startswith("preset-35x45@")
