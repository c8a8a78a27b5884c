"""Patches of the old background that a person mask kept (vision.patches): a background
of several surfaces, where the segmenter was unsure, and pieces beside the shoulders in
colours the person shows nowhere else. Synthetic masks and images made in code for the
functions; the sample faces for the fixer and the `background` check."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from faces import SAMPLE_PACK, grace_hopper
from photocheck import core
from photocheck import io as pio
from photocheck.checks.base import Status
from photocheck.checks.photo import Context
from photocheck.errors import FixRefused
from photocheck.rules import load_pack
from photocheck.vision.patches import (beside_head, blurred_skin_on_shoulder, built_corners, find_patches, foreign_pieces,
                                      unsure_background)

H, W = 567, 390
PINK = (135, 60, 235)       # BGR
LETTER = (70, 60, 60)
HAIR = (30, 35, 45)
SKIN = (140, 170, 215)
SUIT = (45, 40, 40)


def lab_of(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2Lab).astype(np.float32)


def portrait(bg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A drawn head and shoulders on ``bg`` (BGR colour): image, person mask, face hull."""
    img = np.empty((H, W, 3), np.uint8)
    img[:] = bg
    person = np.zeros((H, W), np.uint8)
    cv2.ellipse(person, (195, 200), (105, 135), 0, 0, 360, 1, -1)          # hair
    cv2.ellipse(person, (195, 640), (230, 220), 0, 0, 360, 1, -1)          # shoulders
    cv2.rectangle(person, (150, 300), (240, 440), 1, -1)                   # neck
    person = person > 0
    img[person] = SUIT
    hair = np.zeros((H, W), np.uint8)
    cv2.ellipse(hair, (195, 200), (105, 135), 0, 0, 360, 1, -1)
    img[hair > 0] = HAIR
    face = np.zeros((H, W), np.uint8)
    cv2.ellipse(face, (195, 225), (80, 105), 0, 0, 360, 1, -1)
    cv2.rectangle(face, (160, 320), (230, 440), 1, -1)
    img[face > 0] = SKIN
    return img, person, cv2.erode(face, np.ones((9, 9), np.uint8)) > 0


def lettered(img: np.ndarray, person: np.ndarray) -> None:
    """Dark letters across the wall: the background is no longer one plain colour."""
    wall = img.copy()
    for y in range(40, H, 90):
        for x in range(10, W, 70):
            cv2.putText(wall, "C", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 2.2, LETTER, 9)
    img[~person] = wall[~person]


def kw(r):
    return dict(delta=r.patch_delta, margin=r.patch_margin, band=r.patch_band, min_area=r.patch_min_area,
                max_spread=r.patch_spread)


@pytest.fixture(scope="module")
def rules():
    return load_pack(SAMPLE_PACK).photo


def test_a_piece_of_a_lettered_wall_kept_by_the_mask_is_found(rules):
    img, person, face = portrait(PINK)
    lettered(img, person)
    blob = np.zeros((H, W), np.uint8)
    cv2.circle(blob, (320, 380), 45, 1, -1)      # beside the hair, above the shoulder
    blob = (blob > 0) & ~person
    img[blob] = PINK                              # the wall, seen through the mask's edge
    mask = person | blob
    found = find_patches(img, mask, np.ones_like(mask), face, **kw(rules.background))
    assert found is not None
    assert found.mask[blob].mean() > 0.8
    assert not found.mask[person].any()           # hair, skin and suit stay
    # The same wall colour on the person's own (a pink top going on into the middle of the
    # torso) is the person's, edge or no edge.
    own = face.copy()
    own[440:, 135:255] = True
    top = person & (np.arange(H)[:, None] > 470)
    img2 = img.copy()
    img2[top] = PINK
    found = find_patches(img2, mask, np.ones_like(mask), face, own=own, **kw(rules.background))
    assert found is None or not found.mask[top].any()


def test_a_piece_of_a_lettered_wall_at_the_frame_edge_is_found(rules):
    """A piece of the wall's colour inside the shoulder, cut by the frame's right edge: the
    mask's edge never crosses it (suit all round), the frame's edge does, and the wall
    shows that colour on the same edge of the frame."""
    img, person, face = portrait(PINK)
    lettered(img, person)
    piece = np.zeros((H, W), np.uint8)
    cv2.circle(piece, (W - 1, 548), 16, 1, -1)
    piece = (piece > 0) & person
    assert piece.sum() > 300
    img[piece] = PINK
    found = find_patches(img, person, np.ones_like(person), face, **kw(rules.background))
    assert found is not None
    assert found.mask[piece].mean() > 0.8
    assert not found.mask[person & ~piece].any()  # hair, skin and suit stay
    # A colour the wall does not show on that edge (a badge, a bag's strap) is the person's.
    img2 = img.copy()
    img2[piece] = (40, 160, 60)
    found = find_patches(img2, person, np.ones_like(person), face, **kw(rules.background))
    assert found is None or not found.mask.any()


def test_a_dark_suit_on_a_dark_stage_is_not_taken_for_the_stage(rules):
    stage = (25, 25, 28)
    img, person, face = portrait(stage)
    lettered(img, person)
    own = face.copy()
    own[440:, 135:255] = True
    found = find_patches(img, person, np.ones_like(person), face, own=own, **kw(rules.background))
    assert found is None or found.mask.sum() < 0.01 * person.sum()


def test_wall_coloured_pixels_where_the_segmenter_was_unsure_are_background(rules):
    img, person, face = portrait((230, 200, 170))
    blur = np.zeros((H, W), np.uint8)
    cv2.rectangle(blur, (300, 380), (389, 430), 1, -1)   # a blurred light beside the collar
    blur = (blur > 0) & ~person
    img[blur] = (225, 205, 175)
    mask = person | blur
    conf = np.where(mask, 1.0, 0.0).astype(np.float32)
    conf[blur] = 0.6
    r = rules.background
    args = dict(sure=r.unsure_below, margin=r.patch_margin, window=r.patch_band, min_area=r.unsure_min_area)
    lab = lab_of(img)
    got = unsure_background(lab, mask, conf, np.ones_like(mask), face, **args)
    assert got[blur].mean() > 0.8 and not got[person].any()
    # Sure pixels are never taken, and unsure pixels of the person's colours stay.
    conf[blur] = 1.0
    assert not unsure_background(lab, mask, conf, np.ones_like(mask), face, **args).any()
    conf[person & (np.arange(H)[:, None] > 480)] = 0.6
    assert not unsure_background(lab, mask, conf, np.ones_like(mask), face, **args).any()


def foreign(img, mask, rules):
    r, hc = rules.background, rules.head_covering
    pts = np.array([[115.0, 120.0], [275.0, 120.0], [195.0, 330.0]])
    return foreign_pieces(lab_of(img), mask, pts, 210.0, 330.0, delta=r.foreign_delta, min_area=r.island_min_area,
                          min_chroma=hc.hair_min_chroma, max_chroma=hc.hair_max_chroma,
                          hue_range=(hc.hair_hue_min, hc.hair_hue_max), light_weight=r.foreign_light_weight)


def test_a_sign_joined_to_the_shoulder_is_foreign_and_hair_ends_are_not(rules):
    img, person, _ = portrait((255, 255, 255))
    sign = np.zeros((H, W), bool)
    sign[380:460, 0:50] = True                   # a red block on the wall, on the shoulder's edge
    img[sign] = (40, 40, 200)
    mask = person | sign
    got = foreign(img, mask, rules)
    assert got[sign].mean() > 0.8 and not got[person & ~sign].any()
    # Long hair whose ends are blond (ombré), beside the shoulders: hair, not foreign.
    img2, person2, _ = portrait((255, 255, 255))
    ends = np.zeros((H, W), bool)
    ends[330:500, 20:80] = True
    img2[ends] = (120, 190, 225)
    assert not foreign(img2, person2 | ends, rules).any()
    # Light falling off across a shoulder of the suit's colour is the suit.
    img3, person3, _ = portrait((255, 255, 255))
    img3[person3 & (np.arange(W)[None, :] > 330) & (np.arange(H)[:, None] > 450)] = (95, 90, 90)
    assert not foreign(img3, person3, rules).any()


def test_people_behind_beside_the_head_are_found_and_long_hair_is_not(rules):
    r = rules.background

    def found(img, mask):
        return beside_head(lab_of(img), mask, 330.0, 115.0, 275.0, 210.0, delta=r.foreign_delta,
                           light_weight=r.foreign_light_weight, min_area=r.island_min_area)

    img, person, _ = portrait((255, 255, 255))
    crowd = np.zeros((H, W), bool)
    crowd[240:420, 0:45] = True                   # beside the cheek, above the chin, down to the shoulder
    img[crowd] = (120, 60, 35)                    # people behind in blue coats
    img[250:290, 5:40] = SKIN                     # a face among them: of the skin's colour, not counted
    got = found(img, person | crowd)
    # what stands above the chin (the part below may be a shoulder) is found
    assert got[240:250, 0:45].mean() > 0.8 and got[290:310, 0:45].mean() > 0.8
    assert not got[person & ~crowd].any()
    # Long hair hanging in a step beside the face, of the hair's colour: hair.
    img2, person2, _ = portrait((255, 255, 255))
    hang = np.zeros((H, W), bool)
    hang[150:330, 300:340] = True
    hang[250:420, 340:375] = True
    img2[hang] = HAIR
    assert not found(img2, person2 | hang).any()


def corners_of(person, rules, valid=None):
    r = rules.background
    core = np.zeros((H, W), np.uint8)
    cv2.ellipse(core, (195, 225), (80, 105), 0, 0, 360, 1, -1)             # the face
    cv2.ellipse(core, (195, 225), (80, 150), 0, 180, 360, 1, -1)           # the skull
    valid = np.ones((H, W), bool) if valid is None else valid
    return built_corners(person, valid, core > 0, 330.0, arm=r.corner_arm, long_arm=r.corner_long,
                         straight=r.corner_straight, turn=r.corner_turn)


def test_a_poster_joined_to_the_hair_has_a_built_corner_and_hair_has_none(rules):
    _, person, _ = portrait((255, 255, 255))
    assert corners_of(person, rules) == []
    # A poster's stripe beside the head, joined to the hair (of the hair's colour or not:
    # only the outline is judged): straight borders meeting at sharp corners.
    poster = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(poster, np.array([[45, 140], [120, 140], [105, 300], [25, 300]], np.int32), 1)
    got = corners_of(person | (poster > 0), rules)
    assert got and any(abs(x - 45) <= 4 and abs(y - 140) <= 4 for x, y, _, _ in got), got
    # Long straight hair hanging from the dome to the shoulders: straight sides, but the
    # outline turns gradually into them, and the shoulders' notch is concave.
    hang = person.copy()
    hang[200:480, 90:301] = True
    assert corners_of(hang, rules) == []
    # A short tuft with a sharp tip (both arms shorter than corner_long): hair.
    tuft = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(tuft, np.array([[250, 80], [300, 70], [285, 110]], np.int32), 1)
    assert corners_of(person | (tuft > 0), rules) == []
    # The straight border of a rotation (no source pixels there) is no man-made thing.
    valid = np.ones((H, W), bool)
    cv2.fillConvexPoly(valid.view(np.uint8), np.array([[0, 0], [200, 0], [0, 150]], np.int32), 0)
    cut = person & valid
    assert corners_of(cut, rules, valid) == []


def test_blurred_skin_of_someone_behind_on_the_shoulder_is_found(rules):
    r = rules.background

    def with_hand(blur: float, hair_over: bool = False):
        img, person, face = portrait((255, 255, 255))
        layer = np.full((H, W, 3), 255, np.uint8)
        hand = np.zeros((H, W), np.uint8)
        cv2.ellipse(hand, (380, 500), (34, 30), 0, 0, 360, 1, -1)     # on the shoulder, at the frame's side
        layer[hand > 0] = SKIN
        a = hand.astype(np.float32)
        if blur:
            layer = cv2.GaussianBlur(layer, (0, 0), blur)              # behind the focus
            a = cv2.GaussianBlur(a, (0, 0), blur)
        joined = (a > 0.5) & ~person
        img[joined] = layer[joined]
        mask = person | joined
        if hair_over:                                                  # hair falls over it
            img[440:475, 330:W] = HAIR
            mask[440:475, 330:W] = True
        return blurred_skin_on_shoulder(lab_of(img), mask, face, min_area=r.island_min_area,
                                        soft_ratio=r.loose_skin_soft), joined

    found, hand = with_hand(4.0)
    assert found[hand].mean() > 0.5 and found[~hand].sum() < 0.2 * found.sum()
    # The same skin in focus: the person's own (an arm, a shoulder), kept.
    assert not with_hand(0.0)[0].any()
    # Under hair (skin-coloured hair ends, a shoulder below long hair): not on the outline.
    assert not with_hand(4.0, hair_over=True)[0].any()


# --------------------------------------------------------------------------- end to end



def _fix(data: bytes):
    return core._run_fixer(pio.probe(data), "photo", core._pack(SAMPLE_PACK))


@pytest.fixture(scope="module")
def compliant() -> np.ndarray:
    from photocheck import models

    if models.verify_all():  # what is missing or wrong (tests/gui has a conftest of its own)
        pytest.skip("models not fetched (run `make setup`)")
    src = cv2.resize(grace_hopper(), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    outs, _ = _fix(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    return cv2.imdecode(np.frombuffer(outs[0].data, np.uint8), cv2.IMREAD_COLOR)


def wall_of(img: np.ndarray) -> np.ndarray:
    """The white background: white pixels joined to the frame's edge (not a white collar)."""
    white = (img.min(axis=2) >= 235).astype(np.uint8)
    n, labels = cv2.connectedComponents(white, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    keep = np.zeros(n, bool)
    keep[edge] = True
    keep[0] = False
    return keep[labels]


def _lettered_wall_fixed(compliant) -> np.ndarray | None:
    """A sample face on a pink wall with lettering (several surfaces, not one plain
    colour), with blobs of the wall's pink joined to the wall over the hair and beside
    the shoulder: the fix whitens them or refuses with the reason."""
    img = cv2.copyMakeBorder(compliant, 60, 0, 80, 80, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    wall = wall_of(img)
    head = Context.from_pixels(img, load_pack(SAMPLE_PACK)).head
    h, w = img.shape[:2]
    blobs = np.zeros((h, w), np.uint8)
    cv2.ellipse(blobs, (int(head.center_x + 0.3 * head.width), int(head.crown_y + 0.03 * h)),
                (int(0.16 * head.width), int(0.035 * h)), 0, 0, 360, 1, -1)
    y = int(min(h - 0.08 * h, head.chin_y + 0.12 * h))
    cv2.circle(blobs, (int(head.center_x + 0.72 * head.width), y), int(0.05 * w), 1, -1)
    painted = img.copy()
    painted[:] = PINK
    for yy in range(30, h, 80):
        for xx in range(5, w, 60):
            cv2.putText(painted, "C", (xx, yy), cv2.FONT_HERSHEY_SIMPLEX, 1.8, LETTER, 7)
    img[wall] = painted[wall]
    img[blobs > 0] = PINK
    try:
        outs, _ = _fix(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    except FixRefused as e:
        assert "background" in e.failing and e.text.zh and e.text.en
        return None
    return cv2.imdecode(np.frombuffer(outs[0].data, np.uint8), cv2.IMREAD_COLOR).astype(int)


def _pink(out: np.ndarray) -> np.ndarray:
    return (np.abs(out - np.array(PINK)).max(axis=2) <= 40)


def test_fixer_whitens_the_bulk_of_a_lettered_wall(compliant):
    out = _lettered_wall_fixed(compliant)
    if out is not None:  # refused with the reason is also right
        assert _pink(out).mean() < 0.005, _pink(out).mean()   # the blobs cover about 1.5 % of the frame


def test_fixer_keeps_no_piece_of_a_lettered_wall(compliant, rules):
    # The blob beside the shoulder leaves a strip of pink enclosed by the suit and the
    # frame's right edge: the mask's edge never crosses it, the frame's edge does. Pieces
    # under the pack's patch_min_area are edge noise by design (the strip was 220 px, this
    # limit about 130; the largest left is 32 px on Linux and 56 under the Windows build).
    out = _lettered_wall_fixed(compliant)
    if out is not None:
        n, _, stats, _ = cv2.connectedComponentsWithStats(_pink(out).astype(np.uint8))
        largest = max([int(a) for a in stats[1:, cv2.CC_STAT_AREA]], default=0)
        assert largest < rules.background.patch_min_area * out.shape[0] * out.shape[1], largest


def test_background_fails_a_sign_joined_to_the_shoulder(compliant):
    """A coloured block on the wall that touches the shoulder at the frame's edge: an
    island of `background` on the photo, whatever the segmenter makes of it."""
    img = compliant.copy()
    head = Context.from_pixels(img, load_pack(SAMPLE_PACK)).head
    h, w = img.shape[:2]
    y0 = int(head.chin_y)
    person_rows = np.nonzero((img[:, 5].min(axis=1) < 200))[0]
    y1 = int(person_rows.min()) + 10 if len(person_rows) else int(0.85 * h)
    y0 = min(y0, y1 - int(0.1 * h))
    img[y0:y1, 0:int(0.12 * w)] = (40, 40, 200)
    rep = core.check_file(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes(), pack=SAMPLE_PACK)
    bg = rep.get("background")
    assert bg.status is Status.FAIL and bg.shapes
    rep = core.check_file(cv2.imencode(".jpg", compliant, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes(),
                          pack=SAMPLE_PACK)
    assert rep.get("background").status is Status.PASS


def test_fixer_does_not_save_a_poster_joined_to_the_hair(compliant):
    """A sample face with a poster's stripe, of a colour near the hair's, drawn on the wall
    beside the head and joined to the hair: the fix refuses with the reason, or the
    output keeps none of it."""
    img = cv2.copyMakeBorder(compliant, 0, 0, 60, 60, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    plain = img.copy()
    head = Context.from_pixels(img, load_pack(SAMPLE_PACK)).head
    h, w = img.shape[:2]
    wall = wall_of(img)
    y_top = int(head.crown_y + 0.25 * head.height)
    x_edge = int(np.argmin(wall[y_top]))                          # the head's outline on the left
    own = img[y_top:y_top + 20, x_edge + 5:x_edge + 25].reshape(-1, 3).astype(int)
    colour = np.clip(np.median(own, axis=0) + (0, 10, 25), 0, 255).astype(np.uint8)  # near the person's
    stripe = np.array([[x_edge - int(0.12 * w), y_top], [x_edge + 8, y_top],
                       [x_edge + 8, y_top + int(0.2 * h)], [x_edge - int(0.2 * w), y_top + int(0.2 * h)]], np.int32)
    poster = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(poster, stripe, 1)
    poster = (poster > 0) & wall
    img[poster] = colour
    try:
        outs, _ = _fix(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    except FixRefused as e:
        assert "background" in e.failing and e.text.zh and e.text.en
        return
    out = cv2.imdecode(np.frombuffer(outs[0].data, np.uint8), cv2.IMREAD_COLOR).astype(int)
    # No more of the stripe's colour beside the head than the fix of the photo without it shows.
    base, _ = _fix(cv2.imencode(".jpg", plain, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())
    base = cv2.imdecode(np.frombuffer(base[0].data, np.uint8), cv2.IMREAD_COLOR)
    base = cv2.resize(base, (out.shape[1], out.shape[0]), interpolation=cv2.INTER_AREA).astype(int)

    def near(a):
        return (np.abs(a - colour.astype(int)).max(axis=2) <= 20)[:int(0.55 * a.shape[0]), :a.shape[1] // 4]

    # (the two crops may differ by a few pixels)
    shown = cv2.dilate(near(base).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    extra = float((near(out) & ~shown).mean())
    assert extra < 0.005, extra


@pytest.mark.parametrize("n_px, n_colours", [(0, 3), (5, 0), (1, 1), (3000, 4), (700, 9), (1500, 600)])
def test_min_dist_equals_one_colour_at_a_time(n_px, n_colours):
    """The blocked, channel-by-channel distance gives exactly what the plain loop over the
    colours gives (float32 differences, squares summed in channel order), for a few
    colours (the palettes) and for many (a frame edge's wall pixels), in several blocks."""
    from photocheck.vision import patches

    rng = np.random.default_rng(n_px * 31 + n_colours)
    px = np.round(rng.uniform(0, 255, (n_px, 3)) * 8).astype(np.float32) / 8
    colours = np.round(rng.uniform(0, 255, (n_colours, 3)) * 8).astype(np.float32) / 8
    want = np.full(n_px, np.inf, np.float32)
    for c in colours:
        d = px - c
        want = np.minimum(want, np.einsum("ij,ij->i", d, d))
    got = patches._min_dist(px, colours)
    assert got.dtype == np.float32 and np.array_equal(got, np.sqrt(want))
    # a block boundary inside the pixels
    if n_colours > 8:
        old = patches.PAIR_BLOCK
        try:
            patches.PAIR_BLOCK = n_colours * 7
            assert np.array_equal(patches._min_dist(px, colours), got)
        finally:
            patches.PAIR_BLOCK = old
