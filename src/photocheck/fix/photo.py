"""The portrait fix pipeline.

1. Decode upright (EXIF; a sideways photo without EXIF is turned by where the face is).
2. Find exactly one usable face; measure roll, crown and chin.
3. Level the roll and crop to the pack's proportions and head geometry in one affine warp:
   the head height, crown margin and (when a height in the pass band reaches it) the
   advised head width all inside their bands, where the source has room.
4. Refuse where the crop would need content the source does not have (the person
   cut by the source's edge); plain background may be extended with white.
5. Segment the person; composite on pure white with edge-aware alpha and colour
   decontamination, so hair keeps no halo and no fringe of the old background.
6. Resize to the preset, never enlarging; below the pack minimum, refuse.
7. Encode a baseline JPEG strictly under the byte cap, seal included; add the seal.

The caller (core.fix_file) re-runs every check on the result before writing it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .. import io as pio
from .result import FixOutput
from ..errors import FixRefused
from ..geometry import Head, main_person, measure_head
from ..rules import RulePack
from ..text import Text
from . import seal
from .encode import encode_under

DETECT_SIDE = 900
# Decode so the crop has at least this many times the output height (quality of the
# final downscale), when the source has it.
OVERSAMPLE = 1.5
# ... but the half-size decode is used as it is when it gives at least this much.
MIN_OVERSAMPLE = 1.0
# A chosen head geometry closer than this to a pass-band edge is verified on the crop.
REAIM_MARGIN = 0.02
# The crop aims this far (fraction of the width) inside the advised head-width band,
# and this far (fraction of the height) inside the head-height pass band.
WIDTH_MARGIN = 0.02
HEIGHT_MARGIN = 0.015
# A height chosen for the width stays this far inside the height pass band (the check's
# height differs from the fixer's by up to about 2% of the height).
WIDTH_AIM_HEIGHT_MARGIN = 0.03
# Another face at least this large (area, relative to the main face) means a photo
# of several people, which is refused outright rather than cropped.
RIVAL_FACE_AREA = 0.25
# At most this fraction of the crop, in the torso's corners below the chin, may be
# left white where the source has no pixels (see _coverage_problem).
MAX_TORSO_FILL = 0.05
# A sideways photo that was squeezed into an upright canvas (turned, then resized to
# the old width and height) shows a face far wider than any real one: above the pack's
# max_face_proportion (vision.face.face_width_ratio; real frontal faces measure about
# 0.47-0.63). Such a photo is un-stretched when that brings the face inside this band.
NORMAL_RATIO = (0.45, 0.68)
UNSTRETCH_MAX_SIDE = 2400


@dataclass
class Plan:
    """Crop geometry in the coordinates of the working image."""

    matrix: np.ndarray     # 2x3 affine: working image -> crop (rotation about the face + translation)
    crop_w: int
    crop_h: int
    roll_deg: float


def _refuse(code: str, zh: str, en: str, hint: Text | None = None, failing: list[str] | None = None) -> FixRefused:
    return FixRefused(Text(zh, en), code=code, hint=hint, failing=failing or [])


def _patch_refusal(zh: str, en: str, hint: Text) -> FixRefused:
    """The fixer's refusal for old background it cannot remove cleanly (failing: background)."""
    return _refuse("background_patch", zh, en, hint, ["background"])


RESHOOT = Text("请在白墙前正面拍摄，头顶上方和肩膀都要拍进画面",
               "retake facing the camera in front of a white wall, with space above the head and the shoulders in the frame")


def _faces(bgr: np.ndarray):
    """The faces the fixer needs: the main one (upright or in any orientation) and
    every rival at least RIVAL_FACE_AREA of its size. Smaller faces inside the crop
    are the re-check's to find."""
    from ..vision.face import get_detector

    return get_detector().detect_coarse_first(bgr, rival_area=RIVAL_FACE_AREA)


def _upright(bgr: np.ndarray, steps: list[Text]) -> tuple[np.ndarray, int]:
    from ..vision.face import upright_rotation

    k = upright_rotation(bgr)
    if k:
        steps.append(Text(f"照片是横着的，已按人脸方向转正（{k * 90}°）", f"the photo was sideways; turned upright ({k * 90}°)"))
    return (np.ascontiguousarray(np.rot90(bgr, k)) if k else bgr), k


def _fg_map(bgr: np.ndarray) -> np.ndarray:
    from ..vision.segment import get_segmenter

    # The head measurement needs the silhouette only; edge refinement is for the composite.
    return get_segmenter().mask(bgr, refine_edges=False) > 0.5


def _reduced(dec: pio.Decoded, max_side: int) -> pio.Decoded:
    """The decoded image reduced as a decode at ``max_side`` would reduce it (io.shrink)."""
    bgr = pio.shrink(dec.bgr, max_side)
    if bgr is dec.bgr:
        return dec
    return pio.Decoded(bgr=bgr, scale=dec.scale * bgr.shape[1] / dec.bgr.shape[1], info=dec.info)


def width_per_height(head: Head, rules) -> float:
    """The head width as a fraction of the crop width, per unit of head height as a
    fraction of the crop height: a crop with the head at height h shows it k * h wide."""
    return head.width / max(1.0, head.height) / rules.aspect


def width_heights(rules, k: float) -> tuple[float, float] | None:
    """The head heights, inside the pass band, at which a head of ``k`` (see
    width_per_height) also lands inside the advised width band, with a margin for the
    difference between the fixer's and the check's measurement; a narrower margin when
    the wide one leaves no height. None when no height in the pass band does it."""
    r = rules.head
    if k <= 0:
        return None
    for margin in (WIDTH_MARGIN, WIDTH_MARGIN / 2):
        # The height keeps a wider margin than a re-measured crop needs: the width
        # is advice, the height a requirement.
        lo = max(r.height_pass[0] + WIDTH_AIM_HEIGHT_MARGIN, (r.width_warn[0] + margin) / k)
        hi = min(r.height_pass[1] - WIDTH_AIM_HEIGHT_MARGIN, (r.width_warn[1] - margin) / k)
        if lo <= hi:
            return lo, hi
    return None


def _safe_geometry(geom: tuple[float, float], rules, k: float = 0.0) -> bool:
    """True when the head height and crown margin are far enough inside their pass
    bands that the difference between the fixer's and the check's measurement (up to
    about 2-3% of the height) cannot take them out, and the head width (k: see
    width_per_height) is as far inside its band, or no height could bring it there."""
    r = rules.head
    h, c = geom
    width_ok = (width_heights(rules, k) is None
                or r.width_warn[0] + WIDTH_MARGIN / 2 <= k * h <= r.width_warn[1] - WIDTH_MARGIN / 2)
    return (r.height_pass[0] + REAIM_MARGIN <= h <= r.height_pass[1] - REAIM_MARGIN
            and r.crown_margin[0] + REAIM_MARGIN <= c <= r.crown_margin[1] - REAIM_MARGIN and width_ok)


def _reaim(head: Head, geom: tuple[float, float], plan: Plan, composed: np.ndarray,
           pack: RulePack, aim_width: bool = True) -> tuple[Head, tuple[float, float], float] | None:
    """The head corrected by what the check measures in the composed crop, the
    geometry to aim for with it (the head height moved when the measured width lies
    outside its band and a height in the pass band brings it in), and how far
    (fraction of the height) the measurement lies outside the height and crown pass
    bands; None when the crop already lands inside every band it can."""
    from ..checks.photo import Context

    r = pack.photo.head
    measured = Context.from_pixels(composed, pack).head
    if measured is None:
        return None
    oh, ow = composed.shape[:2]
    h_m, c_m, w_m = measured.height / oh, measured.crown_y / oh, measured.width / ow
    outside = max(r.height_pass[0] - h_m, h_m - r.height_pass[1], r.crown_margin[0] - c_m, c_m - r.crown_margin[1])
    aim = geom
    span = (width_heights(pack.photo, w_m / max(h_m, 1e-6))
            if aim_width and not r.width_warn[0] <= w_m <= r.width_warn[1] else None)
    if span is not None:
        aim = (min(max(geom[0], span[0]), span[1]), geom[1])
    if outside <= 0 and aim == geom:
        return None
    from dataclasses import replace

    crown_shift = (c_m - geom[1]) * plan.crop_h
    chin_shift = (c_m + h_m - geom[1] - geom[0]) * plan.crop_h
    return replace(head, crown_y=head.crown_y + crown_shift, chin_y=head.chin_y + chin_shift), aim, outside


def _crown_variants(geom: tuple[float, float], rules, n: int = 4) -> list[tuple[float, float]]:
    """The geometry, then the same head height with the crown margins nearest its own
    inside the pass band: a zoomed-out crop needs more of the source below the chin,
    and a larger crown margin moves it up."""
    r = rules.head
    cs = np.linspace(r.crown_margin[0] + HEIGHT_MARGIN, r.crown_margin[1] - HEIGHT_MARGIN, 9)
    near = sorted(cs, key=lambda c: (c < geom[1], abs(c - geom[1])))
    return [geom, *((geom[0], float(c)) for c in near[:n - 1] if abs(c - geom[1]) > 1e-6)]


def _pick_face(faces, shape) -> object:
    if not faces:
        raise _refuse("no_face", "照片中找不到人脸，无法修复", "no face found in the photo; cannot fix",
                      Text("请正面免冠拍摄，脸部清晰无遮挡", "face the camera bare-headed, face clear and unobstructed"),
                      ["face"])
    return faces[0]


def geometry_candidates(rules, head: Head | None = None, shape: tuple[int, int] | None = None,
                        limit: int = 6, roll: float | None = None, aim_width: bool = True) -> list[tuple[float, float]]:
    """(head height, crown margin) pairs to try, best first.

    When some head height inside the pass band also puts the head width inside its
    advised band (width_heights), the pairs with such heights come first, ranked the
    same way around the height nearest the pack's target. Then, as when no height
    does it: the pack's target first when its crop lies inside the source, else the
    pairs inside the pass bands (with a margin), ranked: crops wholly inside the
    source first, then crops that only leave it at the top (plain background above
    a head may be extended with white), each by distance from the target. A larger
    head means a smaller crop, a larger crown margin moves the crop up, so a tight,
    off-centre or tilted source can still be cropped without inventing anything; a
    source without room for the width's crop gets the crop it has room for."""
    r = rules.head
    target = (r.fix_height, r.fix_crown)
    if head is None or shape is None:
        return [target]
    margin_c = HEIGHT_MARGIN
    cs = np.linspace(r.crown_margin[0] + margin_c, r.crown_margin[1] - margin_c, 9)
    sh, sw = shape
    ones = np.full((sh, sw), 255, np.uint8)
    pw, ph = 48, int(round(48 / rules.aspect))

    def ranked(hs, aim: tuple[float, float]) -> list[tuple[bool, tuple[float, float]]]:
        out = []
        for h in hs:
            for c in cs:
                plan = plan_crop(head, rules, (float(h), float(c)), roll=roll)
                m = _scaled(plan, 1.0, pw, ph)
                valid = _warp(ones, m, (pw, ph), border=0, interp=cv2.INTER_NEAREST) > 127
                missing = float((~valid).mean())
                dist = abs(h - aim[0]) / 0.01 + abs(c - aim[1]) / 0.02
                in_warn = h > r.height_pass[1]
                out.append((in_warn, round(missing / 0.01), dist, (float(h), float(c))))
        out.sort()
        return [(w, g) for w, *_, g in out]

    # Heights inside the pass band first; up into the warning band (a warning still
    # passes) only when nothing in the pass band fits the source.
    hs = np.concatenate([np.linspace(r.fix_height, r.height_pass[1] - HEIGHT_MARGIN, 7),
                         np.linspace(r.height_pass[1] + 0.005, r.height_warn[1] - HEIGHT_MARGIN / 2, 3)])
    plain = ranked(hs, target)
    passing = [g for w, g in plain if not w]
    warning = [g for w, g in plain if w]
    today = passing[:limit // 2] + warning[:limit - limit // 2]
    span = width_heights(rules, width_per_height(head, rules)) if aim_width else None
    if span is None:
        return today
    aim = (min(max(r.fix_height, span[0]), span[1]), r.fix_crown)
    wide = [g for _, g in ranked(np.unique(np.r_[aim[0], np.linspace(span[0], span[1], 5)]), aim)][:limit // 2]
    return wide + [g for g in today if g not in wide]


def plan_crop(head: Head, rules, geometry: tuple[float, float] | None = None,
              roll: float | None = None) -> Plan:
    """Affine map from the working image to a crop with the given head geometry
    (head height and crown margin as fractions of the crop height), turned by
    ``roll`` degrees (default: the head's own roll, which levels it)."""
    r = rules.head
    roll = head.roll_deg if roll is None else roll
    fix_height, fix_crown = geometry or (r.fix_height, r.fix_crown)
    head_h = head.height
    crop_h = head_h / fix_height
    crop_w = crop_h * rules.aspect
    # Level the roll about the point between the eyes; in the levelled frame the face
    # centre (as the checks measure it) is halfway between that point and the chin.
    ex, ey = head.eye_x, head.eye_y
    rot = cv2.getRotationMatrix2D((ex, ey), roll, 1.0)
    chin_x = float(rot[0, 0] * head.chin_x + rot[0, 1] * head.chin_y + rot[0, 2])
    cx = (ex + chin_x) / 2
    # The crown keeps its distance above the eye line.
    top = ey - (head.eye_y - head.crown_y) - fix_crown * crop_h
    left = cx - crop_w / 2
    m = rot.copy()
    m[0, 2] -= left
    m[1, 2] -= top
    return Plan(matrix=m, crop_w=int(round(crop_w)), crop_h=int(round(crop_h)), roll_deg=roll)


def roll_options(roll: float, rules) -> list[float]:
    """Levelling angles to try, best first: level the head fully; else leave the
    residual tilt the fixer may leave; else, for a tilt the check already passes,
    none. Each less levelling needs less of the source around the crop's corners."""
    opts = [roll]
    residual = rules.tilt.fix_max_deg * 0.9
    if abs(roll) > residual:
        opts.append(roll - math.copysign(residual, roll))
    if residual < abs(roll) <= rules.tilt.max_deg - 1.0:
        opts.append(0.0)
    return opts


def _coverage_problem(alpha: np.ndarray, valid: np.ndarray, torso_y: int | None = None) -> str | None:
    """Where the person meets an edge of the source inside the crop: 'bottom', 'top',
    'side', or None when the crop needs nothing of the person that the source lacks.

    Plain background beyond the source may be extended with white. Of the person,
    only small corners of the torso, well below the chin, may be left white (a
    levelled tilt or a re-centred photo leaves such triangles); never anything at
    head height, never a band across the bottom."""
    invalid = ~valid
    if not invalid.any():
        return None
    h, w = alpha.shape
    edge = cv2.dilate(invalid.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    edge &= valid
    person_edge = edge & (alpha > 0.5)
    if int(person_edge.sum()) < max(3, int(0.02 * w)):
        return None
    ys, xs = np.nonzero(person_edge)
    if torso_y is not None and 0 < torso_y < h and ys.min() >= torso_y:
        corner_area = float(invalid[torso_y:].sum()) / (h * w)
        bottom_band = float(invalid[-1].mean())
        if corner_area <= MAX_TORSO_FILL and bottom_band < 0.5:
            return None
    at_side = ((xs < 0.04 * w) | (xs > 0.96 * w)).mean()
    if at_side > 0.5 and ys.mean() < 0.85 * h:
        return "side"
    if ys.mean() > 0.6 * h:
        return "bottom"
    if ys.mean() < 0.3 * h:
        return "top"
    return "side"


def _scaled(plan: Plan, s: float, out_w: int, out_h: int) -> np.ndarray:
    """The plan's matrix, composed with a scale so the crop lands on out_w x out_h."""
    m = plan.matrix.copy()
    sx = out_w / plan.crop_w
    sy = out_h / plan.crop_h
    m[0] *= sx
    m[1] *= sy
    return m


def _warp(img: np.ndarray, m: np.ndarray, size: tuple[int, int], *, border: int | tuple = 255,
          interp: int = cv2.INTER_LINEAR) -> np.ndarray:
    return cv2.warpAffine(img, m, size, flags=interp, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def _raise_coverage(problem: str) -> None:
    if problem == "bottom":
        raise _refuse("source_too_short", "原图下方不够：下巴以下要拍到肩膀，不能凭空补出身体",
                      "the source ends too close below the chin: the shoulders must be in the photo; nothing is invented",
                      RESHOOT, ["head_size"])
    if problem == "top":
        raise _refuse("crown_cut", "原图头顶被裁掉了，无法补出头发", "the top of the head is cut off in the source; hair cannot be invented",
                      RESHOOT, ["head_size"])
    raise _refuse("source_too_narrow", "原图左右不够宽：人物被画面边缘截断", "the source is too narrow: the person is cut by its edge",
                  RESHOOT, ["head_size"])


def composite_white(img: np.ndarray, alpha: np.ndarray, *, rim: bool = True) -> np.ndarray:
    """Put the person on pure white. Near edges, remove the old background's colour
    from the mixed pixels before blending (no halo, no coloured fringe), and with
    ``rim`` from the opaque rim inside the outline (``_despill_rim``; a trial composite
    that only measures the head's outline skips it)."""
    a = np.clip(alpha.astype(np.float32), 0.0, 1.0)
    a[a <= 0.02] = 0.0  # faint alpha is background: pure white
    inv = 1.0 - a
    out = cv2.blendLinear(img, np.full_like(img, 255), a, inv)
    # Mixed edge pixels (a few percent of the crop): un-mix the local background colour,
    # estimated from background pixels only, then blend the recovered colour.
    ys, xs = np.nonzero((a > 0.02) & (a < 0.98))
    if ys.size:
        k = max(7, int(round(min(img.shape[:2]) * 0.04)) | 1)
        f = img.astype(np.float32)
        wsum = cv2.blur(inv, (k, k))[ys, xs] + 1e-4
        bg = cv2.blur(f * inv[..., None], (k, k))[ys, xs] / wsum[:, None]
        ae = a[ys, xs][:, None]
        fg = np.clip((f[ys, xs] - (1.0 - ae) * bg) / np.maximum(ae, 0.15), 0, 255)
        out[ys, xs] = _on_white(fg, ae)
    if rim:
        _despill_rim(out, img, a)
    return out


def _on_white(fg: np.ndarray, ae: np.ndarray) -> np.ndarray:
    """Colours ``fg`` (N, 3 float) at opacity ``ae`` (N, 1) over pure white, as uint8."""
    return np.clip(fg * ae + 255.0 * (1.0 - ae) + 0.5, 0, 255).astype(np.uint8)


def _nearest(mask: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The row and column of the pixel of ``mask`` nearest to each of the points (ys, xs)."""
    _, labels = cv2.distanceTransformWithLabels((~mask).astype(np.uint8), cv2.DIST_L2, 3,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    my, mx = np.nonzero(mask)      # labels number the mask's pixels in row-major order
    i = labels[ys, xs] - 1
    return my[i], mx[i]


def _despill_rim(out: np.ndarray, img: np.ndarray, a: np.ndarray) -> None:
    """The outline's pixels still hold some of the old wall where the wall and the hair
    blend in the source and the matte keeps them (nearly) opaque: a dark, cool line
    around white hair in front of a dark blue pillar. On the outline and a rim a few
    pixels deep inside it, each pixel's colour (Lab) is moved back along the line from
    the nearest wall pixel's colour to the colour of the nearest pixel of the person
    deeper in, by as much as it leans towards the wall, each channel never past the
    person's value. Where that wall and person pixel have nearly the same colour there
    is nothing to tell apart and nothing changes."""
    h, w = a.shape
    opaque = a >= 0.98
    wall = a <= 0.02
    if not opaque.any() or not wall.any():
        return
    dist = cv2.distanceTransform(opaque.astype(np.uint8), cv2.DIST_L2, 3)
    depth = max(2.0, 0.006 * min(h, w))
    own = opaque & (dist > 2 * depth)
    rim = (a > 0.02) & (dist <= depth)
    if not rim.any() or not own.any():
        return
    ys, xs = np.nonzero(rim)
    n = ys.size
    # Lab of only the pixels needed: the rim, and the nearest person and wall pixel of each
    picked = np.concatenate([img[ys, xs], img[_nearest(own, ys, xs)], img[_nearest(wall, ys, xs)]])
    lab = cv2.cvtColor(picked[None], cv2.COLOR_BGR2Lab)[0].astype(np.float32)
    src, ref = lab[:n], lab[n:2 * n]
    u = lab[2 * n:] - ref
    n2 = (u * u).sum(axis=1)
    lean = ((src - ref) * u).sum(axis=1) / np.maximum(n2, 1e-4)
    keep = (n2 >= 100.0) & (lean > 0)          # a wall within 10 units of the person: nothing to tell
    if not keep.any():
        return
    ys, xs, u, lean, src, ref = ys[keep], xs[keep], u[keep], np.minimum(lean[keep], 1.0), src[keep], ref[keep]
    # a pixel off that line (a shaded strand) must not overshoot: each channel moves only
    # from the pixel's own value towards the person's, never past it
    moved = np.clip(src - lean[:, None] * u, np.minimum(src, ref), np.maximum(src, ref))
    own_px = cv2.cvtColor(np.clip(moved + 0.5, 0, 255).astype(np.uint8)[None],
                          cv2.COLOR_Lab2BGR)[0].astype(np.float32)
    out[ys, xs] = _on_white(own_px, a[ys, xs][:, None])


def _main_person(person: np.ndarray, face, plan: Plan, out_w: int, out_h: int) -> np.ndarray:
    """The part of a crop's person mask connected to this face (see geometry.main_person)."""
    from types import SimpleNamespace

    m = _scaled(plan, 1.0, out_w, out_h)
    mouth_y = float(cv2.transform(np.array([[face.mouth]], np.float32), m)[0][0][1])
    return main_person(person, SimpleNamespace(box=_face_box_in_crop(face, plan, out_w, out_h)), split_y=mouth_y)


def _alpha(crop: np.ndarray, face, plan: Plan, out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray]:
    """Soft person mask of the crop, limited to the person with this face, and the
    segmenter's own probability (see PersonSegmenter.mask_and_confidence)."""
    from ..vision.segment import get_segmenter

    seg = get_segmenter()
    a, conf = seg.mask_and_confidence(crop)
    a = a.astype(np.float32)
    # Push confident regions to 0/1 and keep a soft band at the boundary.
    a = np.clip((a - 0.15) / 0.7, 0.0, 1.0)
    keep = _main_person(a > 0.5, face, plan, out_w, out_h)
    keep = cv2.dilate(keep.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    a[~keep] = 0.0
    return a, conf


def _drop_old_background(crop: np.ndarray, alpha: np.ndarray, valid: np.ndarray, face, plan: Plan,
                         out_w: int, out_h: int, rules, steps: list[Text], lab: np.ndarray,
                         conf: np.ndarray | None = None) -> np.ndarray:
    """Alpha with the patches of the source's background that the mask kept (over the
    hair, beside a collar) set to background, so they turn white (vision.patches).
    Refuses when they are so large that person and background cannot be told apart."""
    from ..checks.photo import white_map
    from ..vision.patches import find_patches

    r = rules.background
    protect = own = None
    if face.landmarks is not None:
        m = _scaled(plan, 1.0, out_w, out_h)
        pts, protect = _face_hull(face, m, alpha.shape)
        # ... and the skull above it, up to the pack's skull-top estimate: a bald head's
        # highlight or grey hair may share the colour of a pale wall.
        eyes = cv2.transform(np.array([[face.eye_left, face.eye_right, face.chin]], np.float32), m)[0]
        eye_y, chin_y = float(eyes[:2, 1].mean()), float(eyes[2, 1])
        top = eye_y - rules.head.crown_estimate * max(1.0, chin_y - eye_y)
        x0, x1 = float(pts[:, 0].min()), float(pts[:, 0].max())
        cv2.ellipse(protect, (int(round((x0 + x1) / 2)), int(round(eye_y))),
                    (max(1, int(round((x1 - x0) / 2))), max(1, int(round(eye_y - top)))), 0, 180, 360, 1, -1)
        protect = protect > 0
        # The face, the skull, and the neck and the middle of the chest below the chin
        # (within 0.3 face widths of the face's centre) are the person's own.
        own = protect.copy()
        fc, fw = (x0 + x1) / 2, x1 - x0
        own[int(max(0, chin_y)):, max(0, int(fc - 0.3 * fw)):int(fc + 0.3 * fw) + 1] = True
    white = white_map(crop, r.min_channel, r.max_chroma)
    out, share = alpha.copy(), 0.0
    plain = alpha.copy()  # with only the patches of a plain wall taken
    # Twice: a thick patch is found from its outside in, and what the first pass took
    # shows the rest of it in the next outer band.
    for _ in range(2):
        found = find_patches(crop, out > 0.5, valid, protect, delta=r.patch_delta, margin=r.patch_margin,
                             band=r.patch_band, min_area=r.patch_min_area,
                             max_spread=r.patch_spread, white=white, own=own,
                             min_light=r.patch_min_light, lab=lab)
        if found is None or not found.mask.any():
            break
        share += found.share
        taken = cv2.dilate(found.mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        out[taken] = 0.0
        if found.plain:
            plain[taken] = 0.0
    # Something the segmenter joined to the shoulders is judged before the guesses at
    # several surfaces and unsure pixels: they may take a part of it and leave the rest
    # looking like a shoulder.
    _refuse_above_shoulders(plain, face, plan, out_w, out_h, rules)
    if conf is not None:
        from ..vision.patches import unsure_background

        person = out > 0.5
        unsure = unsure_background(lab, person, conf, valid, protect, sure=r.unsure_below,
                                   margin=r.patch_margin, window=r.patch_band, min_area=r.unsure_min_area)
        if unsure.any():
            share += float(unsure.sum()) / max(1, int(person.sum()))
            out[cv2.dilate(unsure.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 0.0
    if share == 0.0:
        return alpha
    # What the patches held up (a letter on the wall, a fleck) is no longer joined to
    # this person: only the part connected to the face stays.
    keep = _main_person(out > 0.5, face, plan, out_w, out_h)
    out[cv2.dilate(keep.astype(np.uint8), np.ones((5, 5), np.uint8)) == 0] = 0.0
    if share > r.patch_max_share:
        raise _patch_refusal(
            f"背景颜色与头发或衣服太接近，无法分开（约 {share:.0%} 的人像像背景）",
            f"the background's colour is too close to the hair or clothes to separate them "
            f"(about {share:.0%} of the person looks like background)",
            Text("请在白墙或浅色纯色背景前重拍，衣服颜色与背景区分开",
                 "retake in front of a white or light plain wall, in clothes that differ from it"))
    steps.append(Text(f"去除了人像边缘残留的原背景色块（{share:.1%}）",
                      f"removed patches of the old background at the person's edge ({share:.1%})"))
    return out


def _refuse_foreign(crop: np.ndarray, alpha: np.ndarray, face, plan: Plan, out_w: int, out_h: int, rules,
                    lab: np.ndarray) -> None:
    """Refuse when something the person shows nowhere else is joined to the shoulders or
    hair beyond the ears (a sign, a poster on the wall): whitening it would cut the
    shoulder it sits on, keeping it leaves a patch."""
    from ..checks.photo import white_map

    if face.landmarks is None:
        return
    m = _scaled(plan, 1.0, out_w, out_h)
    pts = _face_points(face, m)
    e = cv2.transform(np.array([[face.eye_left, face.eye_right, face.chin]], np.float32), m)[0]
    r = rules.background
    person = (alpha > 0.5) & ~white_map(crop, r.min_channel, r.max_chroma)
    from ..vision.patches import foreign_in

    found = foreign_in(lab, person, pts, float(e[:2, 1].mean()), float(e[2, 1]), rules)
    if not found.any():
        return
    share = float(found.mean())
    raise _patch_refusal(
        f"人像边缘连着一块颜色与本人不符的背景物体（约占画面 {share:.1%}），无法干净地去除",
        f"something of the background in a colour the person shows nowhere else is joined to the "
        f"shoulders or hair (about {share:.1%} of the photo); it cannot be removed cleanly",
        Text("请在白墙或纯色墙前重拍，身后不要有标志或物品",
             "retake in front of a plain wall with no signs or objects behind you"))


def _refuse_beside_head(alpha: np.ndarray, face, plan: Plan, out_w: int, out_h: int,
                        rules, lab: np.ndarray) -> None:
    """Refuse when the mask holds something beside the head, above the chin, that does not
    come down from the hair (vision.patches.beside_head): people behind, a poster."""
    from ..vision.patches import beside_head_in

    m = _scaled(plan, 1.0, out_w, out_h)
    e = cv2.transform(np.array([[face.chin, (face.face_left_x, face.chin[1]), (face.face_right_x, face.chin[1]),
                                 face.eye_left, face.eye_right]], np.float32), m)[0]
    found = beside_head_in(lab, alpha > 0.5, float(e[0, 1]), float(e[1, 0]), float(e[2, 0]),
                           float(e[3:, 1].mean()), rules)
    if not found.any():
        return
    share = float(found.mean())
    raise _patch_refusal(
        f"头部旁边有背景中的人或物体与人像连在一起（约占画面 {share:.1%}），无法干净地去除",
        f"something of the background beside the head is joined to the person (about {share:.1%} of the "
        f"photo); it cannot be removed cleanly",
        Text("请在白墙或纯色墙前重拍，身后不要有人或物品", "retake in front of a plain wall with nobody and nothing behind you"))


def _face_points(face, m: np.ndarray) -> np.ndarray:
    """The face's mesh points (x, y) mapped by the crop's affine ``m``."""
    return cv2.transform(face.landmarks[None, :, :2].astype(np.float32), m)[0]


def _face_hull(face, m: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``_face_points`` and their convex hull filled (uint8 0/1) in an image of ``shape``."""
    pts = _face_points(face, m)
    hull = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts).astype(np.int32), 1)
    return pts, hull


def _refuse_built_corner(alpha: np.ndarray, valid: np.ndarray, face, plan: Plan, out_w: int, out_h: int,
                         rules) -> None:
    """Refuse when the person's outline above the chin has the sharp corner of something
    man-made (vision.patches.built_corners): a poster's stripe or a sign's letter joined to
    the hair, in colours near the person's. Its border inside the hair cannot be told, so
    it is not cut; keeping it leaves a patch."""
    from ..vision.patches import built_corners_in

    if face.landmarks is None:
        return
    m = _scaled(plan, 1.0, out_w, out_h)
    pts, core = _face_hull(face, m, alpha.shape)
    e = cv2.transform(np.array([[face.eye_left, face.eye_right, face.chin]], np.float32), m)[0]
    eye_y, chin_y = float(e[:2, 1].mean()), float(e[2, 1])
    # The face and the skull above it (up to the pack's skull-top estimate) are the person's.
    x0, x1 = float(pts[:, 0].min()), float(pts[:, 0].max())
    top = eye_y - rules.head.crown_estimate * max(1.0, chin_y - eye_y)
    cv2.ellipse(core, (int(round((x0 + x1) / 2)), int(round(eye_y))),
                (max(1, int(round((x1 - x0) / 2))), max(1, int(round(eye_y - top)))), 0, 180, 360, 1, -1)
    found = built_corners_in(alpha > 0.5, valid, core > 0, chin_y, rules)
    if not found:
        return
    raise _patch_refusal(
        "头发旁边连着背景中的海报或标牌（轮廓上有笔直的边和尖角），无法干净地去除",
        "a poster or sign of the background is joined to the hair (straight edges meeting at a sharp "
        "corner on the outline); it cannot be removed cleanly",
        Text("请在白墙或纯色墙前重拍，身后不要有标志或海报",
             "retake in front of a plain wall with no signs or posters behind you"))


def _refuse_loose_skin(alpha: np.ndarray, face, plan: Plan, out_w: int, out_h: int,
                       rules, lab: np.ndarray) -> None:
    """Refuse when the mask joined another person's skin to a shoulder at the frame's side
    (vision.patches.blurred_skin_on_shoulder): a hand or an arm behind, out of focus."""
    from ..vision.patches import blurred_skin_on_shoulder

    if face.landmarks is None:
        return
    _, hull = _face_hull(face, _scaled(plan, 1.0, out_w, out_h), alpha.shape)
    inside = cv2.erode(hull, np.ones((9, 9), np.uint8)) > 0
    r = rules.background
    found = blurred_skin_on_shoulder(lab, alpha > 0.5, inside, min_area=r.island_min_area,
                                     soft_ratio=r.loose_skin_soft)
    if not found.any():
        return
    share = float(found.mean())
    raise _patch_refusal(
        f"肩膀旁边的画面边缘有身后他人的皮肤（手或手臂，约占画面 {share:.1%}）与人像连在一起，无法干净地去除",
        f"another person's skin (a hand or an arm behind, about {share:.1%} of the photo) is joined to the "
        f"shoulder at the frame's edge; it cannot be removed cleanly",
        Text("请单独在白墙或纯色墙前重拍，身后不要有人", "retake alone in front of a plain wall with nobody behind you"))


def _refuse_above_shoulders(alpha: np.ndarray, face, plan: Plan, out_w: int, out_h: int, rules) -> None:
    """Refuse when the mask joined something of the background to the shoulders.

    Beside the head a body only falls away: moving outward from the ears, the top of
    the hair and shoulders goes down or stays. A piece of the mask that rises above the lowest
    shoulder line already reached nearer the neck (a sign on the wall, people behind)
    is not this person; when it is large enough to see, the fix is refused."""
    m = _scaled(plan, 1.0, out_w, out_h)
    chin = cv2.transform(np.array([[face.chin]], np.float32), m)[0][0]
    fx0, fx1 = (cv2.transform(np.array([[[face.face_left_x, face.chin[1]], [face.face_right_x, face.chin[1]]]],
                                       np.float32), m)[0][:, 0])
    h, w = alpha.shape
    person = alpha > 0.5
    if not person.any():
        return
    rows = person.shape[0]
    top = np.where(person.any(axis=0), person.argmax(axis=0), rows)  # first person row per column
    cx = float(np.clip(chin[0], 0, w - 1))
    half = max(2.0, 0.6 * abs(fx1 - fx0))  # outside the head: from beside the ears outward
    tol = int(round(0.03 * h))
    drop = np.zeros_like(person)
    for cols in (np.arange(int(cx - half), -1, -1), np.arange(int(cx + half), w)):
        cols = cols[(cols >= 0) & (cols < w)]
        if cols.size == 0:
            continue
        low = np.maximum.accumulate(top[cols])   # the lowest shoulder line reached so far
        for c, line in zip(cols, low):
            if line >= rows or top[c] >= line - tol:
                continue
            drop[:max(0, line - tol), c] = person[:max(0, line - tol), c]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(drop.astype(np.uint8), connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] >= max(4, rules.background.patch_min_area * h * w)
    big[0] = False
    if not big.any():
        return
    # Such an object usually reaches down behind the shoulder too: taking only the part
    # above the line would leave the rest as a patch. Refuse, with the reason.
    share = float(stats[big, cv2.CC_STAT_AREA].sum()) / (h * w)
    raise _patch_refusal(
        f"肩膀旁边有背景物体与人像连在一起（约占画面 {share:.1%}），无法干净地去除",
        f"something in the background is joined to the shoulders (about {share:.1%} of the photo); "
        f"it cannot be removed cleanly",
        Text("请在白墙或纯色墙前重拍，身后不要有人或物品", "retake in front of a plain wall with nobody and nothing behind you"))


def _coarse_cover(fg_small: np.ndarray, ratio: float, work_shape: tuple[int, int], face, plan: Plan,
                  out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray]:
    """The main person (from the whole-frame silhouette) and where the source has
    pixels, both in crop coordinates: enough to tell whether a crop needs more of the
    person than the source has, without segmenting every candidate crop."""
    m = _scaled(plan, 1.0, out_w, out_h)
    m_small = m.copy()
    m_small[:, :2] *= ratio  # small px -> working px -> crop px
    person = _warp(fg_small, m_small, (out_w, out_h), border=0, interp=cv2.INTER_NEAREST) > 127
    valid = _warp(np.full(work_shape, 255, np.uint8), m, (out_w, out_h), border=0, interp=cv2.INTER_NEAREST) > 127
    person = _main_person(person & valid, face, plan, out_w, out_h)
    return person.astype(np.float32), valid


def _is_white_bg(bgr: np.ndarray, fg: np.ndarray, rules) -> bool:
    from ..checks.photo import white_map

    bg = ~fg[::2, ::2]  # every 4th pixel is plenty for a 98% vote
    n = int(np.count_nonzero(bg))
    if n < 100:
        return False
    white = white_map(np.ascontiguousarray(bgr[::2, ::2]), rules.background.min_channel, rules.background.max_chroma)
    return np.count_nonzero(white & bg) / n > 0.98


def _other_faces_outside(others, ratio: float, plan: Plan) -> None:
    for other in others:
        ox, oy, ow, oh = (v * ratio for v in other.box)
        corners = np.array([[ox, oy], [ox + ow, oy], [ox, oy + oh], [ox + ow, oy + oh]], np.float32)
        mapped = cv2.transform(corners[None], plan.matrix)[0]
        inside = ((mapped[:, 0] > 0) & (mapped[:, 0] < plan.crop_w) & (mapped[:, 1] > 0) & (mapped[:, 1] < plan.crop_h))
        if inside.any():
            raise _refuse("several_faces", f"照片中有 {len(others) + 1} 张人脸，无法只裁出本人",
                          f"{len(others) + 1} faces in the photo; cannot crop to one person",
                          Text("请单独拍摄", "take the photo alone"), ["face"])


def _face_box_in_crop(face, plan: Plan, out_w: int, out_h: int) -> tuple[float, float, float, float]:
    m = _scaled(plan, 1.0, out_w, out_h)
    x, y, w, h = face.box
    pts = cv2.transform(np.array([[[x, y], [x + w, y + h]]], np.float32), m)[0]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def _output_size(plan: Plan, rules) -> tuple[int, int]:
    """The preset size, or the crop's own size when it holds fewer pixels (never enlarge)."""
    out_w, out_h = rules.out_width, rules.out_height
    if plan.crop_h >= out_h:
        return out_w, out_h
    out_h = plan.crop_h
    out_w = int(round(out_h * rules.aspect))
    if out_w < rules.min_width or out_h < rules.min_height:
        raise _refuse("too_small", f"人像部分像素太少（约 {out_w}×{out_h}，至少 {rules.min_width}×{rules.min_height}），不能放大",
                      f"too few pixels around the head (about {out_w}×{out_h}, need {rules.min_width}×{rules.min_height}); enlarging is not allowed",
                      Text("请靠近一些或用更高分辨率重新拍摄", "move closer or retake at a higher resolution"), ["dimensions"])
    return out_w, out_h


def _render(w_bgr: np.ndarray, plan: Plan, out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray]:
    """Level + crop in one warp to OVERSAMPLE x the output (or the crop's own size), then
    area-resize. Also returns where the crop has source pixels."""
    inter_h = min(plan.crop_h, int(out_h * OVERSAMPLE))
    inter_w = int(round(inter_h * out_w / out_h))
    m = _scaled(plan, 1.0, inter_w, inter_h)
    crop = _warp(w_bgr, m, (inter_w, inter_h), border=(255, 255, 255))
    valid = _warp(np.full(w_bgr.shape[:2], 255, np.uint8), m, (inter_w, inter_h), border=0,
                  interp=cv2.INTER_NEAREST) > 127
    if (inter_w, inter_h) != (out_w, out_h):
        crop = cv2.resize(crop, (out_w, out_h), interpolation=cv2.INTER_AREA)
        valid = cv2.resize(valid.astype(np.uint8), (out_w, out_h), interpolation=cv2.INTER_NEAREST) > 0
    return crop, valid


def _unstretched(info: pio.ImageInfo, k: int) -> pio.ImageInfo | None:
    """The photo turned upright by k quarter turns and resized back to its own canvas
    (width and height swapped), as an in-memory PNG, when that undoes a stretch: the
    face must be implausibly wide before and plausible after. None otherwise."""
    from ..vision.face import face_width_ratio, get_detector

    img = pio.decode(info, max_side=UNSTRETCH_MAX_SIDE).bgr
    img = np.ascontiguousarray(np.rot90(img, k))
    h, w = img.shape[:2]
    fixed = cv2.resize(img, (h, w), interpolation=cv2.INTER_CUBIC if h > w else cv2.INTER_AREA)
    faces = get_detector().detect(fixed, any_orientation=False)
    if not faces or not NORMAL_RATIO[0] <= face_width_ratio(faces[0]) <= NORMAL_RATIO[1]:
        return None
    ok, png = cv2.imencode(".png", fixed, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return pio.probe(png.tobytes()) if ok else None


def fix(info: pio.ImageInfo, pack: RulePack, *, _restretched: bool = False, aim_width: bool = True,
        **_options) -> tuple[list[FixOutput], list[Text]]:
    """The fixed photo and the steps taken. ``aim_width`` (default) lets the crop show
    the head smaller or larger, inside the height pass band, to bring its width inside
    the advised band; such an output names ``aim_width=False`` as its plainer retry."""
    rules = pack.photo
    steps: list[Text] = []
    if info.format == "pdf":
        from ..checks.photo import not_a_photo

        raise not_a_photo()

    # 1. One decode at the scale the crop usually needs (JPEG decode time is mostly
    # entropy decoding, so a DCT-scaled half-size decode costs little more than a
    # quarter-size one); detection works on a reduced copy of it.
    pre = pio.decode(info, max_side=DETECT_SIDE * 2)
    small = _reduced(pre, DETECT_SIDE)
    if info.exif_orientation != 1:
        steps.append(Text("已按 EXIF 方向信息转正", "applied the EXIF orientation"))
    s_bgr = small.bgr
    faces = _faces(s_bgr)
    k = 0
    if not faces or abs(faces[0].roll_deg) > 45:
        s_bgr, k = _upright(s_bgr, steps)
        faces = _faces(s_bgr) if k else faces
    if k % 2 and faces and not _restretched:
        from ..vision.face import face_width_ratio

        if face_width_ratio(faces[0]) > rules.max_face_proportion:
            restored = _unstretched(info, k)
            if restored is not None:
                outputs, more = fix(restored, pack, _restretched=True, aim_width=aim_width)
                return outputs, [*steps, Text("照片转正后人脸被横向拉伸（原图转向后被压进了竖版尺寸），已还原比例",
                                              "turned upright, the face was stretched sideways (the photo had been squeezed "
                                              "into an upright canvas); its proportions were restored"), *more]
    face = _pick_face(faces, s_bgr.shape)
    main_area = face.box[2] * face.box[3]
    rivals = [f for f in faces[1:] if f.box[2] * f.box[3] >= RIVAL_FACE_AREA * main_area]
    if rivals:
        raise _refuse("several_faces", f"照片中有 {len(faces)} 个人，无法只裁出本人",
                      f"{len(faces)} people in the photo; cannot crop to one person",
                      Text("证件照须单人拍摄，请单独重拍", "an ID photo shows one person; retake it alone"), ["face"])
    if "pose" not in rules.disabled_checks:
        from ..vision.person import head_pose

        pose = head_pose(face, pitch_neutral=rules.pose.pitch_neutral_deg, sure_px=rules.pose.sure_face_px)
        if abs(pose.yaw_deg) > rules.pose.fail_yaw_deg and pose.confidence >= rules.pose.fail_confidence:
            raise _refuse("not_frontal", f"脸没有正对镜头（侧转 {abs(pose.yaw_deg):.0f}°），无法修复",
                          f"the face is turned {abs(pose.yaw_deg):.0f}° away from the camera; cannot fix",
                          Text("请正对镜头、双眼平视，重新拍摄", "face the camera squarely with your eyes level and retake"), ["pose"])
    fg_small = _fg_map(s_bgr)
    head = measure_head(face, fg_small, crown_est=rules.head.crown_estimate)
    if head.crown_cut:
        raise _refuse("crown_cut", "原图头顶被裁掉了，无法补出头发", "the top of the head is cut off in the source; hair cannot be invented",
                      RESHOOT, ["head_size"])
    below = (s_bgr.shape[0] - head.chin_y) / max(1.0, head.height)
    if below < rules.head.min_below_chin:
        raise _refuse("source_too_short", "原图下巴以下太少：要拍到脖子和肩膀", "too little below the chin: the neck and shoulders must be in the photo",
                      RESHOOT, ["head_size"])

    # 2. decode at the resolution the crop needs
    scale_small = small.scale  # small px per original px
    head_h_orig = head.height / scale_small
    crop_h_orig = head_h_orig / rules.head.fix_height
    want = rules.out_height * OVERSAMPLE
    if crop_h_orig * small.scale >= want:
        work = small
    elif crop_h_orig * pre.scale >= rules.out_height * MIN_OVERSAMPLE or pre.scale >= 1.0:
        work = pre
    else:
        # The largest DCT-scaled size that still gives the crop its pixels, decoded
        # as it is (the warp samples the crop straight from it; no resize of the
        # whole frame).
        long_side = max(info.width, info.height)
        need = long_side * rules.out_height * MIN_OVERSAMPLE / crop_h_orig
        factor = pio.reduction(info.width, info.height, need, None)
        work = pio.decode(info, max_side=-(-long_side // factor))
    w_bgr = work.bgr
    if k:
        w_bgr = np.ascontiguousarray(np.rot90(w_bgr, k))
    ratio = work.scale / scale_small  # working px per small px
    if ratio != 1.0 or work is not small:
        from dataclasses import replace

        def sc(p):
            return (p[0] * ratio, p[1] * ratio)

        lm = face.landmarks * ratio if face.landmarks is not None else None
        face = replace(face, box=tuple(v * ratio for v in face.box), eye_left=sc(face.eye_left), eye_right=sc(face.eye_right),
                       nose=sc(face.nose), mouth=sc(face.mouth), chin=sc(face.chin), forehead=sc(face.forehead),
                       face_left_x=face.face_left_x * ratio, face_right_x=face.face_right_x * ratio, landmarks=lm)
        head = head.scaled(ratio)

    # 3-5. for each candidate geometry (the pack's target first): level and crop in one
    # warp, segment, and keep the first crop the source covers wherever the person is.
    problem = None
    chosen = None
    fg_u8 = fg_small.astype(np.uint8) * 255

    def uncovered(plan: Plan, geom: tuple[float, float], hd: Head) -> str | None:
        """What of the person this crop needs that the source lacks (see _coverage_problem)."""
        out_w, out_h = _output_size(plan, rules)
        person, valid = _coarse_cover(fg_u8, ratio, w_bgr.shape[:2], face, plan, out_w, out_h)
        torso_y = int(round((geom[1] * plan.crop_h + hd.height * 1.15) * out_h / plan.crop_h))
        return _coverage_problem(person, valid, torso_y)

    for roll in roll_options(head.roll_deg, rules):
        for geom in geometry_candidates(rules, head, w_bgr.shape[:2], roll=roll, aim_width=aim_width):
            plan = plan_crop(head, rules, geom, roll=roll)
            _other_faces_outside(faces[1:], ratio, plan)
            problem = uncovered(plan, geom, head)
            if problem is None:
                chosen = (plan, geom)
                break
        if chosen is not None:
            break
    if chosen is None:
        _raise_coverage(problem or "side")
    plan, geom = chosen
    out_w, out_h = _output_size(plan, rules)
    crop, valid = _render(w_bgr, plan, out_w, out_h)
    alpha, conf = _alpha(crop, face, plan, out_w, out_h)
    k_width = width_per_height(head, rules) if aim_width else 0.0
    width_reaimed = False
    if not _safe_geometry(geom, rules, k_width):
        # Near the edge of a band, measure the head in the crop as the check will
        # (crown on the composited result) and re-aim once if it drifted outside,
        # when the source covers the re-aimed crop; a re-aim for the width alone
        # falls back to the height and crown when the source has no room for it.
        reaim = _reaim(head, geom, plan, composite_white(crop, np.where(valid, alpha, 0.0), rim=False), pack,
                       aim_width=aim_width)
        if reaim is not None:
            fixed, aim, outside = reaim
            aims = [aim] if aim == geom else [*_crown_variants(aim, rules), *([geom] if outside > 0 else [])]
            for g in aims:
                plan2 = plan_crop(fixed, rules, g, roll=plan.roll_deg)
                problem = uncovered(plan2, g, fixed)
                if problem is None:
                    plan, head, geom, width_reaimed = plan2, fixed, g, g[0] != geom[0]
                    out_w, out_h = _output_size(plan, rules)
                    crop, valid = _render(w_bgr, plan, out_w, out_h)
                    alpha, conf = _alpha(crop, face, plan, out_w, out_h)
                    break
            else:
                if outside > REAIM_MARGIN:
                    # Far outside, and the source cannot give the crop that would fix it.
                    _raise_coverage(problem)
            # Otherwise a small miss, within what the two measurements differ by:
            # keep the first crop; the re-check has the last word.
    if len(faces) > 1:
        steps.append(Text("画面中还有其他人脸，已裁剪排除", "other faces in the frame were cropped out"))
    left = head.roll_deg - plan.roll_deg
    if abs(plan.roll_deg) > 0.5:
        steps.append(Text(f"头部倾斜 {head.roll_deg:+.1f}°，已摆正", f"levelled a head tilt of {head.roll_deg:+.1f}°")
                     if abs(left) < 0.05 else
                     Text(f"头部倾斜 {head.roll_deg:+.1f}°，原图边缘不够完全摆正，已转正到 {left:+.1f}°",
                          f"head tilt {head.roll_deg:+.1f}°: the source's edges allow levelling only to {left:+.1f}°"))
    elif abs(left) > 0.5:
        steps.append(Text(f"头部倾斜 {left:+.1f}°，在允许范围内；原图边缘不够，未转正",
                          f"head tilt {left:+.1f}° is within the limit; the source's edges do not allow levelling it"))
    if (out_w, out_h) != (rules.out_width, rules.out_height):
        steps.append(Text(f"原图像素不足，按原始像素保存为 {out_w}×{out_h}（未放大）",
                          f"the source has fewer pixels; saved at its own size {out_w}×{out_h} (not enlarged)"))
    head_frac = head.height / plan.crop_h
    steps.append(Text(f"已按{rules.size_name_zh}比例裁剪，头部高度占 {head_frac:.1%}",
                      f"cropped to {rules.size_name_en} with the head at {head_frac:.1%} of the height"))
    alpha[~valid] = 0.0
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2Lab).astype(np.float32)  # one conversion for the steps below
    alpha = _drop_old_background(crop, alpha, valid, face, plan, out_w, out_h, rules, steps, lab, conf)
    # (_refuse_above_shoulders ran inside, on the mask with a plain wall's patches taken:
    # the later removals carve the shoulder line and would read as rises.)
    _refuse_beside_head(alpha, face, plan, out_w, out_h, rules, lab)
    _refuse_foreign(crop, alpha, face, plan, out_w, out_h, rules, lab)
    _refuse_built_corner(alpha, valid, face, plan, out_w, out_h, rules)
    _refuse_loose_skin(alpha, face, plan, out_w, out_h, rules, lab)
    white_already = _is_white_bg(crop, (alpha > 0.5) | ~valid, rules)
    out = composite_white(crop, alpha)
    steps.append(Text("背景已处理为纯白" if not white_already else "背景已是白色，统一为纯白",
                      "background made pure white" if not white_already else "background was white; made uniform"))

    # 6-7. encode under the cap with the seal's bytes reserved, then seal
    reserve = seal.seal_overhead(pack.label)
    enc = encode_under(out, rules.max_bytes, reserve=reserve, dpi=rules.dpi, min_width=rules.min_width,
                       min_height=rules.min_height, q_min=int(math.ceil(rules.compression.warn_quality)))
    data = seal.add_seal(enc.data, pack.label)
    steps.append(Text(f"保存为 JPG：{enc.width}×{enc.height}，质量 {enc.quality}，{len(data)} 字节（含检测印记）",
                      f"saved as JPEG: {enc.width}×{enc.height}, quality {enc.quality}, {len(data)} bytes (seal included)"))
    # An aim for the width changed the crop the pack's target alone would give: should
    # the re-check fail this one, the caller may try that plainer crop.
    span = width_heights(rules, k_width) if aim_width else None
    moved = width_reaimed or (span is not None and not span[0] <= rules.head.fix_height <= span[1])
    retry = {"aim_width": False} if moved else {}
    return [FixOutput(data=data, retry=retry, aimed_for="head_size" if moved else None)], steps
