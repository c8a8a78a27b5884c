"""Portrait check part 2 (issue 15): the whole background and its patches, exposure
that judges light and not skin, colour, compression and the crown estimate.

Cases are made in code from the fixer's compliant photos of the public-domain sample
faces; the corpus portraits are read in place and skipped when absent."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from faces import CORPUS, SAMPLE_PACK, astronaut, grace_hopper, read_image
from photocheck import core
from photocheck import io as pio
from photocheck.checks.base import Status
from photocheck.checks.compression import estimate_quality, luma_table
from photocheck.checks.photo import Context
from photocheck.errors import FixRefused
from photocheck.fix.encode import encode_jpeg, encode_under
from photocheck.rules import load_pack

pytestmark = pytest.mark.usefixtures("need_models")


def jpeg(bgr: np.ndarray) -> bytes:
    return encode_under(bgr, 30000, q_min=50, dpi=300).data


def check(data: bytes):
    return core.check_file(data, pack=SAMPLE_PACK)


def fix_bytes(data: bytes):
    return core._run_fixer(pio.probe(data), "photo", core._pack(SAMPLE_PACK))


@pytest.fixture(scope="module", params=["grace_hopper", "astronaut"])
def compliant(request) -> np.ndarray:
    src = grace_hopper() if request.param == "grace_hopper" else astronaut()
    src = cv2.resize(src, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    outs, _ = fix_bytes(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    return cv2.imdecode(np.frombuffer(outs[0].data, np.uint8), cv2.IMREAD_COLOR)


def head_of(img: np.ndarray):
    return Context.from_pixels(img, load_pack(SAMPLE_PACK)).head


# A plain pale green wall (BGR): a colour neither sample face wears.
WALL = (165, 205, 160)


def paint_patches(img: np.ndarray, colour) -> np.ndarray:
    """Blobs of ``colour`` half over the hair at the crown and beside the collar."""
    out = img.copy()
    h, w = img.shape[:2]
    head = head_of(img)
    cv2.ellipse(out, (int(head.center_x + 0.22 * head.width), int(head.crown_y + 0.01 * h)),
                (int(0.13 * head.width), int(0.04 * h)), 0, 0, 360, colour, -1)
    y = int(min(h - 0.08 * h, head.chin_y + 0.18 * h))
    for side in (-1, 1):
        cv2.circle(out, (int(head.center_x + side * 0.62 * head.width), y), int(0.045 * w), colour, -1)
    return out


def test_background_patches_fail_and_the_fixer_leaves_none(compliant):
    patched = paint_patches(compliant, WALL)
    bg = check(jpeg(patched)).get("background")
    assert bg.status is Status.FAIL and bg.shapes  # the islands are drawn
    assert check(jpeg(compliant)).get("background").status is Status.PASS
    # The same patches on a source in front of that wall: whitened, or refused with the reason.
    source = patched.copy()
    source[compliant.min(axis=2) >= 235] = WALL
    try:
        outs, steps = fix_bytes(jpeg(source))
    except FixRefused as e:
        assert "background" in e.failing and e.text.en
        return
    # Grace Hopper's cap badge has pixels of about the wall's colour: the same source
    # without the patches, fixed the same way, gives the share the person has of it
    plain = compliant.copy()
    plain[compliant.min(axis=2) >= 235] = WALL
    own = near_wall_share(fix_bytes(jpeg(plain))[0][0].data)
    near_wall = near_wall_share(outs[0].data)
    assert near_wall < own + 0.001, (near_wall, own)
    assert check(outs[0].data).get("background").status is Status.PASS


def near_wall_share(data: bytes) -> float:
    out = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).astype(int)
    return float((np.abs(out - np.array(WALL)).max(axis=2) <= 12).mean())


def skin_mask(img: np.ndarray, pack: str | None = SAMPLE_PACK) -> np.ndarray:
    """The person minus the highlights (the face's brightest few percent: the light on
    forehead and nose, the eyes' whites) and the white background: what dark skin changes."""
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    person = img.min(axis=2) < 235
    face = Context.from_pixels(img, load_pack(pack)).upper_face
    keep = person.copy()
    if face is not None and face.any():
        keep &= ~(face & (grey >= np.percentile(grey[face], 97)))
    return keep


def test_dark_skin_in_good_light_passes_and_a_dim_photo_fails(compliant):
    factor = 0.45
    dark_skin = compliant.copy()
    m = skin_mask(compliant)
    dark_skin[m] = (compliant[m] * factor).astype(np.uint8)
    rep = check(jpeg(dark_skin))
    ex = rep.get("exposure")
    assert ex.measured["face_median"] < 100  # as dark as the refused face
    assert ex.status is not Status.FAIL, ex.message.en
    dim = cv2.convertScaleAbs(compliant, alpha=factor, beta=0)
    assert check(jpeg(dim)).get("exposure").status is Status.FAIL


def test_real_faces_of_several_skin_tones_are_judged_by_light():
    d = CORPUS / "portraits"
    if not d.is_dir():
        pytest.skip(f"shared corpus not available at {d}")
    pack = None  # the default pack
    judged = 0
    for p in sorted(d.glob("*.jp*g"))[:30]:
        img = read_image(p)
        if max(img.shape[:2]) > 900:
            img = cv2.resize(img, None, fx=900 / max(img.shape[:2]), fy=900 / max(img.shape[:2]),
                             interpolation=cv2.INTER_AREA)
        rep = core.check_file(cv2.imencode(".png", img)[1].tobytes(), pack=pack)
        ex = rep.get("exposure")
        if ex is None or ex.measured is None or ex.status is Status.FAIL:
            continue
        judged += 1
        m = skin_mask(img, pack)
        darker = img.copy()
        darker[m] = (img[m] * 0.55).astype(np.uint8)
        assert core.check_file(cv2.imencode(".png", darker)[1].tobytes(), pack=pack).get(
            "exposure").status is not Status.FAIL, p.name
        dim = cv2.convertScaleAbs(img, alpha=0.3, beta=0)
        assert core.check_file(cv2.imencode(".png", dim)[1].tobytes(), pack=pack).get(
            "exposure").status is Status.FAIL, p.name
    assert judged >= 5


NEED = re.compile(r"(-?\d+(?:\.\d+)?)(%?)[^()]*?[,;] (?:need|at least) (-?\d+(?:\.\d+)?)\2\)")
AT_MOST = re.compile(r"(-?\d+(?:\.\d+)?)(%?)[^()]*?[,;] at most (-?\d+(?:\.\d+)?)\2\)")


def test_messages_never_contradict_their_numbers(compliant):
    """Walk every failing message of many defects: 'v, need m' means v < m and
    'v, at most m' means v > m."""
    grey = cv2.cvtColor(cv2.cvtColor(compliant, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    crushed = compliant.copy()
    crushed[skin_mask(compliant) & (cv2.cvtColor(compliant, cv2.COLOR_BGR2GRAY) < 120)] = 0
    variants = [cv2.convertScaleAbs(compliant, alpha=a, beta=b) for a, b in ((0.3, 0), (0.6, 0), (1.9, 40), (1.3, 60))]
    variants += [grey, crushed, cv2.GaussianBlur(compliant, (0, 0), 4), paint_patches(compliant, WALL)]
    seen = 0
    for img in variants:
        for data in (jpeg(img), encode_jpeg(img, 8)):
            for c in check(data).checks:
                if c.status is Status.PASS:
                    continue
                for v, _, m in NEED.findall(c.message.en):
                    seen += 1
                    assert float(v) < float(m), (c.id, c.message.en)
                for v, _, m in AT_MOST.findall(c.message.en):
                    seen += 1
                    assert float(v) > float(m), (c.id, c.message.en)
    assert seen >= 5


def test_colour_photo_with_pale_face_passes_colour(compliant):
    pale = compliant.copy()
    lab = cv2.cvtColor(pale, cv2.COLOR_BGR2Lab).astype(np.float32)
    face = Context.from_pixels(pale, load_pack(SAMPLE_PACK)).face_region
    lab[..., 1:][face] = 128 + (lab[..., 1:][face] - 128) * 0.2  # a washed-out face
    pale = cv2.cvtColor(lab.astype(np.uint8), cv2.COLOR_Lab2BGR)
    assert check(jpeg(pale)).get("color").status is Status.PASS


def test_heavy_recompression_fails_and_fixed_output_passes_compression(compliant):
    fixed = jpeg(compliant)
    c = check(fixed).get("compression")
    assert c.status is Status.PASS
    crushed = encode_jpeg(compliant, 12)
    rep = check(crushed)
    assert rep.get("compression").status is Status.FAIL
    assert rep.get("compression").measured["quality"] < 35
    ids = [c.id for c in rep.checks]
    assert ids.index("compression") > ids.index("accessories")


def test_quality_estimate_follows_the_encoder():
    img = np.random.default_rng(3).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    for q in (20, 50, 75, 90):
        assert abs(estimate_quality(luma_table(encode_jpeg(img, q))) - q) <= 1.0
    assert luma_table(b"not a jpeg") is None


def test_fixer_output_passes_compression_when_the_cap_is_tight(compliant):
    noisy = cv2.add(compliant, np.random.default_rng(5).integers(0, 25, compliant.shape, dtype=np.uint8))
    big = cv2.resize(noisy, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    outs, _ = fix_bytes(cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    assert check(outs[0].data).get("compression").status is not Status.FAIL


def test_crown_estimate_is_the_skull_top_and_a_vignetted_wall_is_background(compliant):
    pack = load_pack(SAMPLE_PACK)
    assert pack.photo.head.crown_estimate == pytest.approx(0.86)
    # A grey wall darker in its corners than behind the head.
    h, w = compliant.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - 0.3 * h) / h) ** 2
    wall = np.clip(215 - 45 * r2, 0, 255)[..., None].repeat(3, axis=2)
    img = compliant.astype(np.float32)
    bg = compliant.min(axis=2) >= 235
    img[bg] = wall[bg]
    img = img.astype(np.uint8)
    head = Context.from_pixels(img, pack).head
    ref = Context.from_pixels(compliant, pack).head
    assert not head.crown_cut
    assert abs(head.crown_y - ref.crown_y) < 0.03 * h
