"""The person checks (pose, eyes, expression, glasses, head_covering, occlusion,
accessories) on defects made in code on the public-domain sample faces, judged by
the full default rule pack."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from faces import SAMPLE_PACK, astronaut, grace_hopper
from photocheck import core
from photocheck.checks.base import Status, checks_for
from photocheck.checks.photo import Context
from photocheck.errors import UsageError
from photocheck.rules import load_pack, load_pack_file
from photocheck.vision.person import cheek_lab, lens_boxes, measure_eyes

pytestmark = pytest.mark.usefixtures("need_models")

PERSON = ["pose", "eyes", "expression", "glasses", "head_covering", "occlusion", "accessories"]


def report(bgr: np.ndarray, pack=None):
    data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    rep = core.check_file(data, pack=pack)
    assert rep.error is None, rep.error
    return rep


@pytest.fixture(scope="module")
def gh():
    img = grace_hopper()
    return img, Context.from_pixels(img, load_pack()).face


def test_person_checks_follow_the_eleven_in_contract_order():
    ids = [c.id for c in checks_for("photo")]
    assert ids[11:18] == PERSON
    assert ids[:11] == ["format", "file_size", "dimensions", "color", "face", "face_position", "head_size", "tilt",
                        "background", "exposure", "sharpness"]


def test_the_untouched_sample_passes_every_person_check(gh):
    rep = report(gh[0])
    for cid in PERSON:
        c = rep.get(cid)
        assert c.status is not Status.FAIL, (cid, c.message.en)
        assert c.measured is not None and c.limit is not None and c.message.zh and c.message.en


def test_a_toothy_grin_fails_expression_with_the_checks_own_hint():
    rep = report(astronaut())
    c = rep.get("expression")
    assert c.status is Status.FAIL and c.measured["teeth"] >= 0.15
    assert "牙" in c.message.zh and c.hint.zh and c.region is not None
    assert [s.kind for s in c.shapes] == ["polygon", "polygon"]  # the lips, drawn by the overlay
    # the tests' sample pack switches that check off, and only that is different
    rep2 = report(astronaut(), SAMPLE_PACK)
    assert rep2.get("expression") is None and rep2.get("eyes").status is rep.get("eyes").status


def test_dark_lenses_fail_glasses_and_do_not_fail_eyes(gh):
    img, face = gh
    img = img.copy()
    for x, y, w, h in lens_boxes(face):
        cv2.ellipse(img, (int(x + w / 2), int(y + h / 2)), (int(w / 2), int(h / 2)), 0, 0, 360, (25, 22, 20), -1)
    rep = report(img)
    g = rep.get("glasses")
    assert g.status is Status.FAIL and g.measured["eye_contrast"] < 0.35
    assert "墨镜" in g.hint.zh
    assert rep.get("eyes").status is not Status.FAIL  # unsure behind the lenses: a warning at most


def test_closed_eyes_fail_eyes(gh):
    img, face = gh
    eyes = measure_eyes(img, face)
    mask = np.zeros(img.shape[:2], np.uint8)
    for e in eyes:
        cv2.fillPoly(mask, [e.contour.astype(np.int32)], 255)
    shut = cv2.inpaint(img, cv2.dilate(mask, np.ones((5, 5), np.uint8)), 5, cv2.INPAINT_TELEA)
    for e in eyes:  # the lash line of a closed lid
        cv2.polylines(shut, [e.contour[:9].astype(np.int32)], False, (45, 40, 40), 2)
    c = report(shut).get("eyes")
    assert c.status is Status.FAIL and min(c.measured["openness"]) < 0.35
    assert [s.kind for s in c.shapes] == ["polygon", "polygon"]


def test_a_cap_fails_head_covering_unless_the_pack_allows_religious_coverings(gh, tmp_path):
    img, face = gh
    img = img.copy()
    brow = int(face.landmarks[[105, 334], 1].min())
    cx = int((face.face_left_x + face.face_right_x) / 2)
    fw = int(face.face_right_x - face.face_left_x)
    cv2.ellipse(img, (cx, brow), (int(fw * 0.62), int(fw * 0.75)), 0, 180, 360, (30, 30, 200), -1)  # crown
    cv2.ellipse(img, (cx, brow), (int(fw * 0.75), int(fw * 0.12)), 0, 0, 180, (20, 20, 150), -1)    # visor
    c = report(img).get("head_covering")
    assert c.status is Status.FAIL and c.measured["covered"] > 0.85
    pack = tmp_path / "religious.toml"
    pack.write_text('schema = 1\nextends = "nmec-2024-hubei"\n[pack]\nid = "r"\nversion = "1"\nname_zh = "r"\nname_en = "r"\n'
                    '[photo.head_covering]\nreligious_allowed = true\n', encoding="utf-8")
    c2 = report(img, str(pack)).get("head_covering")
    assert c2.status is Status.WARN and "GA 461" in c2.hint.zh


def test_a_patch_over_the_mouth_fails_occlusion(gh):
    img, face = gh
    img = img.copy()
    mx, my = (int(v) for v in face.mouth)
    fw = int(face.face_right_x - face.face_left_x)
    colour = (215, 190, 150)  # a light glove, the colour of a surgical mask
    cv2.ellipse(img, (mx, my), (int(fw * 0.3), int(fw * 0.2)), 0, 0, 360, colour, -1)
    for i in range(4):  # fingers
        cv2.ellipse(img, (mx - int(fw * 0.25) + i * int(fw * 0.15), my - int(fw * 0.2)), (int(fw * 0.06), int(fw * 0.15)),
                    0, 0, 360, colour, -1)
    c = report(img).get("occlusion")
    assert c.status is Status.FAIL and c.measured["covered"] > 0.5 and c.region is not None


def _turned(img: np.ndarray, face, degrees: float) -> np.ndarray:
    """The head turned about a vertical axis: the face mapped onto a cylinder and rotated."""
    h, w = img.shape[:2]
    cx = (face.face_left_x + face.face_right_x) / 2
    r = 0.75 * (face.face_right_x - face.face_left_x)
    xs = np.arange(w, dtype=np.float32)
    phi = np.arcsin(np.clip((xs - cx) / r, -1, 1)) - np.radians(degrees)
    src = np.where(np.abs(xs - cx) < r, cx + r * np.sin(phi), xs).astype(np.float32)
    mapx = np.tile(src, (h, 1))
    mapy = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w))
    return cv2.remap(img, mapx, mapy, cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def test_a_turned_head_fails_pose_in_degrees_and_the_direction_is_named(gh):
    img, face = gh
    # A cylinder is flatter than a head (no nose standing out), so the mesh reads less
    # than the cylinder's turn; what matters is direction, growth and the verdict.
    c = report(_turned(img, face, 50)).get("pose")
    assert c.status is Status.FAIL and c.measured["yaw"] > 15, c.measured
    assert "°" in c.message.zh and "镜头" in c.hint.zh and c.region is not None
    other = report(_turned(img, face, -50)).get("pose")
    assert other.status is not Status.PASS and other.measured["yaw"] < -5
    yaws = [report(_turned(img, face, d)).get("pose").measured["yaw"] for d in (0, 25, 50)]
    assert yaws[0] < yaws[1] < yaws[2]
    assert report(_turned(img, face, 10)).get("pose").status is not Status.FAIL


def test_a_pack_still_using_max_yaw_gets_a_load_error_naming_the_new_keys(tmp_path):
    p = tmp_path / "old.toml"
    p.write_text('schema = 1\nextends = "nmec-2024-hubei"\n[pack]\nid = "o"\nversion = "1"\nname_zh = "o"\nname_en = "o"\n'
                 '[photo]\nmax_yaw = 0.35\n', encoding="utf-8")
    with pytest.raises(UsageError) as e:
        load_pack_file(p)
    assert "fail_yaw_deg" in e.value.text.en and "warn_deg" in e.value.text.zh


def test_a_refused_fix_passes_on_the_person_checks_own_hint(tmp_path):
    src = cv2.resize(astronaut(), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC)
    p = tmp_path / "grin.jpg"
    p.write_bytes(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes())
    res = core.fix_file(p, tmp_path / "out.jpg")
    assert not res.ok and "expression" in res.error.failing and not (tmp_path / "out.jpg").exists()
    assert "闭上嘴" in res.error.hint.zh


def _beanie(img: np.ndarray, face, colour) -> np.ndarray:
    """A knitted cap worn high: it covers the head above the mesh's forehead top and
    leaves the forehead band (brows up to that top) bare."""
    img = img.copy()
    top = int(face.landmarks[10, 1])
    cx = int((face.face_left_x + face.face_right_x) / 2)
    fw = int(face.face_right_x - face.face_left_x)
    cv2.ellipse(img, (cx, top), (int(fw * 0.62), int(fw * 0.7)), 0, 180, 360, colour, -1)
    cv2.rectangle(img, (cx - int(fw * 0.62), top - int(fw * 0.12)), (cx + int(fw * 0.62), top), colour, -1)  # the rolled band
    return img


@pytest.fixture(scope="module")
def astro():
    img = astronaut()
    return img, Context.from_pixels(img, load_pack()).face


def test_a_coloured_cap_worn_high_above_a_bare_forehead_fails_head_covering(astro):
    img, face = astro
    before = report(img).get("head_covering")
    assert before.status is Status.PASS and before.measured["crown"] < 0.9
    c = report(_beanie(img, face, (40, 40, 210))).get("head_covering")   # red wool
    assert c.status is Status.FAIL, c.measured
    assert c.measured["crown"] > 0.97 and c.measured["crown_odd"] > 0.5 and c.measured["covered"] < 0.85
    assert "帽" in c.message.zh and c.region is not None


def test_a_cap_in_a_hair_colour_above_the_forehead_warns_instead_of_failing(astro):
    # black is the colour of most hair: a low black hairline or fringe looks the same there
    img, face = astro
    c = report(_beanie(img, face, (18, 18, 20))).get("head_covering")
    assert c.status is Status.WARN and c.measured["crown"] > 0.97 and c.measured["crown_confidence"] < 0.6
    assert "不大" in c.message.zh or "hair" in c.message.en


def test_dyed_hair_of_a_cap_colour_hanging_beside_the_cheeks_warns_instead_of_failing(astro):
    # vivid red hair on top and hanging down both sides is a hairstyle, not a cap
    img, face = astro
    colour = (40, 40, 210)
    dyed = _beanie(img, face, colour)
    fw = int(face.face_right_x - face.face_left_x)
    top, chin = int(face.landmarks[10, 1]), int(face.chin[1])
    for x in (int(face.face_left_x) - int(0.2 * fw), int(face.face_right_x)):
        cv2.rectangle(dyed, (x, top), (x + int(0.2 * fw), chin), colour, -1)
    c = report(dyed).get("head_covering")
    assert c.status is not Status.FAIL and c.measured["crown_like_hair"], c.measured


def test_darker_skin_and_grey_hair_do_not_fail_the_person_checks(astro):
    img, face = astro
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2Lab).astype(np.float32)
    dark = lab.copy()
    dark[..., 0] *= 0.5                                   # a much darker skin tone (and everything else)
    dark = cv2.cvtColor(np.clip(dark, 0, 255).astype(np.uint8), cv2.COLOR_Lab2BGR)
    grey = img.copy()
    hair = np.zeros(img.shape[:2], bool)
    top = int(face.landmarks[10, 1])
    hair[: top, int(face.face_left_x - 20): int(face.face_right_x + 20)] = True
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    grey[hair] = np.stack([np.clip(g[hair] * 1.6 + 40, 0, 255)] * 3, axis=1).astype(np.uint8)   # grey-white hair
    for variant in (dark, grey):
        rep = report(variant)
        for cid in ("head_covering", "occlusion", "eyes", "glasses", "pose"):
            assert rep.get(cid).status is not Status.FAIL, (cid, rep.get(cid).measured)


def _hand_over_mouth(img: np.ndarray, face, colour) -> np.ndarray:
    """A hand of ``colour`` held flat over the mouth: palm on the chin, four spread
    fingers up across the lips, the thumb out to the side, with soft shading and
    darker creases along its outline."""
    fw = face.face_right_x - face.face_left_x
    mx, my = face.landmarks[14]
    u = fw / 10
    layer = np.zeros(img.shape[:2], np.uint8)
    palm = (int(mx), int(my + 2.2 * u))
    cv2.ellipse(layer, palm, (int(2.3 * u), int(2.0 * u)), 0, 0, 360, 255, -1)
    for dx, dy in ((-2.1, -2.2), (-0.8, -3.0), (0.6, -3.1), (1.9, -2.5)):
        tip = (int(mx + dx * u), int(my + dy * u))
        cv2.line(layer, (int(mx + dx * 0.8 * u), int(my + 1.5 * u)), tip, 255, int(0.9 * u), cv2.LINE_AA)
        cv2.circle(layer, tip, int(0.45 * u), 255, -1, cv2.LINE_AA)
    cv2.line(layer, (int(mx + 1.8 * u), int(my + 2.6 * u)), (int(mx + 3.4 * u), int(my + 0.9 * u)), 255, int(u), cv2.LINE_AA)
    alpha = cv2.GaussianBlur(layer, (0, 0), 0.6).astype(np.float32)[..., None] / 255
    ys, xs = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    shade = 1.0 - 0.18 * np.clip(np.hypot(xs - palm[0], ys - palm[1]) / (4 * u), 0, 1)
    crease = cv2.morphologyEx(layer, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)).astype(np.float32)[..., None] / 255
    hand = np.array(colour, np.float32)[None, None, :] * shade[..., None] * (1 - 0.35 * crease)
    return (img * (1 - alpha) + hand * alpha).astype(np.uint8)


def _skin_bgr(img: np.ndarray, face) -> tuple[int, int, int]:
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2Lab).astype(np.float32)
    return tuple(int(v) for v in cv2.cvtColor(np.uint8([[cheek_lab(lab, face)]]), cv2.COLOR_Lab2BGR)[0, 0])


@pytest.mark.parametrize("sample", ["astro", "gh"])
def test_a_skin_coloured_hand_over_the_mouth_fails_occlusion(sample, request):
    img, face = request.getfixturevalue(sample)
    bare = Context.from_pixels(img, load_pack()).cover
    assert bare.hand is None          # red lips show where the mesh puts them: the hand model does not run
    c = report(_hand_over_mouth(img, face, _skin_bgr(img, face))).get("occlusion")
    assert c.status is Status.FAIL, c.measured
    # the hand has the skin's colour: the colour measures do not see it, the hand model does
    assert c.measured["covered"] < 0.3 and c.measured["off_hue"] < 0.06 and c.measured["hand"] > 0.5
    assert "手" in c.message.zh and c.region is not None and "移开手" in c.hint.zh


def test_a_painted_hand_over_an_eye_fails_occlusion_by_its_hue(astro):
    # glitter-painted fingers over one eye and cheek, away from the mouth: no skin is green-blue
    img, face = astro
    img = img.copy()
    fw = face.face_right_x - face.face_left_x
    ex, ey = face.eye_left
    for i in range(4):
        x = int(ex - 0.2 * fw + i * 0.13 * fw)
        cv2.line(img, (x, int(ey - 0.35 * fw)), (x + int(0.1 * fw), int(ey + 0.45 * fw)), (150, 140, 20), int(0.09 * fw))
    c = report(img).get("occlusion")
    assert c.status is Status.FAIL and c.measured["off_hue"] > 0.15, c.measured
    assert c.region is not None and c.region[0] < ex / Context.from_pixels(img, load_pack()).scale


def test_a_green_blue_cast_lit_skin_does_not_count_as_off_hue(astro):
    # a cooler white balance shifts the whole picture; the skin stays redder than neutral
    img, face = astro
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2Lab).astype(np.float32)
    lab[..., 1] -= 6
    lab[..., 2] -= 10
    cool = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_Lab2BGR)
    c = report(cool).get("occlusion")
    assert c.status is Status.PASS, c.measured


def _peaked_cap(img: np.ndarray, face, colour) -> np.ndarray:
    """A dark peaked (uniform or baseball) cap: a dome over the head and a brim across
    the upper forehead, its underside in shade."""
    img = img.copy()
    top = int(face.landmarks[10, 1])
    cx = int((face.face_left_x + face.face_right_x) / 2)
    fw = int(face.face_right_x - face.face_left_x)
    cv2.ellipse(img, (cx, top + int(0.05 * fw)), (int(fw * 0.6), int(fw * 0.65)), 0, 180, 360, colour, -1)
    cv2.ellipse(img, (cx, top + int(0.05 * fw)), (int(fw * 0.62), int(fw * 0.12)), 0, 0, 180,
                tuple(int(c * 0.8) for c in colour), -1)
    return img


@pytest.mark.parametrize("sample", ["astro", "gh"])
def test_a_dark_navy_cap_with_its_brim_on_the_forehead_fails_head_covering(sample, request):
    img, face = request.getfixturevalue(sample)
    c = report(_peaked_cap(img, face, (70, 35, 25))).get("head_covering")
    assert c.status is Status.FAIL, c.measured
    assert c.measured["covered"] > 0.85 and not c.measured["like_hair"] and "帽" in c.message.zh


def test_a_colourless_photo_runs_the_hand_model_and_a_bare_face_passes(astro):
    # no colour tells the lips from the skin, so the hand model looks; a bare face scores near 0
    img, face = astro
    grey = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    c = report(grey).get("occlusion")
    assert c.status is Status.PASS and c.measured["hand"] is not None and c.measured["hand"] < 0.25, c.measured
    c = report(_hand_over_mouth(grey, face, _skin_bgr(grey, face))).get("occlusion")
    assert c.status is Status.FAIL and c.measured["hand"] > 0.5, c.measured


def _pulled_down(img: np.ndarray, face, colour, depth: float) -> np.ndarray:
    """A cap worn low: a dome over the head and its band or brim down across ``depth`` of
    the forehead band (the mesh's forehead top down to the brows)."""
    img = img.copy()
    top = int(face.landmarks[10, 1])
    brow = int(face.landmarks[[105, 334], 1].min())
    low = top + int(depth * (brow - top))
    cx = int((face.face_left_x + face.face_right_x) / 2)
    fw = int(face.face_right_x - face.face_left_x)
    cv2.ellipse(img, (cx, low), (int(fw * 0.6), int(fw * 0.75) + low - top), 0, 180, 360, colour, -1)
    return img


def _temple_hair(img: np.ndarray, face) -> tuple[int, int, int]:
    """The median colour (BGR) of the darkest half of what lies beside the temples: the hair."""
    fw = face.face_right_x - face.face_left_x
    y0 = int(face.landmarks[[105, 334], 1].min())
    y1 = int((face.eye_left[1] + face.eye_right[1]) / 2)
    zones = [img[y0:y1, int(face.face_left_x - 0.16 * fw):int(face.face_left_x - 0.04 * fw)],
             img[y0:y1, int(face.face_right_x + 0.04 * fw):int(face.face_right_x + 0.16 * fw)]]
    px = np.concatenate([z.reshape(-1, 3) for z in zones]).astype(np.float64)
    dark = px[px.sum(axis=1) <= np.median(px.sum(axis=1))]
    return tuple(int(v) for v in np.median(dark, axis=0))


def test_a_black_cap_pulled_down_onto_the_forehead_fails_head_covering(astro):
    # black is a hair colour, so the crown band alone only warns; with the cap's band over
    # most of the forehead as well, in a colour unlike the hair beside the face, it is sure
    img, face = astro
    c = report(_pulled_down(img, face, (18, 18, 20), 0.45)).get("head_covering")
    assert c.status is Status.FAIL, c.measured
    assert c.measured["cap_pulled_down"] and c.measured["crown_odd"] < 0.5 and 0.5 <= c.measured["covered"] <= 0.85
    assert "帽" in c.message.zh and "pulled down" in c.message.en
    # worn high (the forehead band bare) the same black cap still only warns
    high = report(_pulled_down(img, face, (18, 18, 20), -0.1)).get("head_covering")
    assert high.status is Status.WARN and not high.measured["cap_pulled_down"], high.measured


def test_a_fringe_in_the_colour_of_the_hair_beside_the_face_does_not_fail_head_covering(astro):
    # the same shape in the colour of the hair at the temples is a fringe, not a cap
    img, face = astro
    c = report(_pulled_down(img, face, _temple_hair(img, face), 0.45)).get("head_covering")
    assert c.measured["like_hair"] and not c.measured["cap_pulled_down"], c.measured
    assert c.status is not Status.FAIL, c.measured


def test_pose_degrees_never_read_minus_nought():
    from photocheck.checks.person import _signed_degrees
    assert [_signed_degrees(v) for v in (-0.3, 0.4, 2.6, -4.4, -0.5)] == ["0", "0", "+3", "-4", "0"]
