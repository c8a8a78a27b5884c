"""Measurements of the person in a portrait: head pose, eye openness, mouth,
lenses, head covering, occlusion and accessories.

Pure functions of the image and the face found by ``vision.face`` (numpy/cv2, no
Qt). Each returns its value with a ``confidence`` in [0, 1] that says how far the
value can be trusted on this image; the checks (``checks.person``) fail only when
it reaches the rule pack's threshold, and warn otherwise. Confidence falls when
the feature measured is small in pixels (a landmark error of a pixel or two is
then a large part of it), and when independent cues disagree.

Conventions as in ``vision.face``: image coordinates, x right, y down; "left eye"
is the eye on the image's left (the subject's right).

Models (MediaPipe, Apache-2.0, taken from the pinned wheel at set-up):
- ``iris_landmark.tflite``: a 64 x 64 crop around one eye -> 71 eye-contour and
  brow points and 5 iris points. It takes the eye on the image's left as it is and
  the other one mirrored (measured: the other way round, squeezed-shut eyes read
  as open).
- ``hand_landmark_lite.tflite``: a 224 x 224 crop -> 21 hand points and a
  hand-presence score; only the score is used, on a crop around the mouth, and only
  when the lips do not show their colour (``measure_cover``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ._nets import get_net
from .face import Face

IRIS_MODEL = "iris_landmark.tflite"
IRIS_INPUT = 64
IRIS_ROI = 2.3          # crop side in eye widths (corner to corner), as MediaPipe's iris graph

# Mesh indices (MediaPipe canonical face mesh).
EYE_CORNERS = ((33, 133), (362, 263))     # image-left eye, image-right eye (outer/inner by side)
# Left/right pairs across the face: cheek contour, eye corners, mouth corners, jaw.
SYMMETRIC = ((234, 454), (33, 263), (133, 362), (61, 291), (132, 361), (93, 323), (58, 288))
NASION, POGONION = 168, 175               # top of the nose bridge, front of the chin
MOUTH_CORNERS = (61, 291)
LIP_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
LIP_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
LIP_GAP = (13, 14)                        # inner upper and lower lip, mid-line
BROWS = ((70, 63, 105, 66, 107), (336, 296, 334, 293, 300))
NOSE_TIP, NOSE_BOTTOM = 1, 2
CHEEKS = ((50, 101, 118, 117, 123, 147, 187, 205), (280, 330, 347, 346, 352, 376, 411, 425))
# Iris-model eye contour: 0..8 lower lid from corner to corner, 9..15 upper lid.
IRIS_CONTOUR = 16
IRIS_LID_PAIRS = ((11, 3), (12, 4), (13, 5))  # upper/lower lid points above each other


def _size_trust(px: float, sure_px: float) -> float:
    """1 when a feature spans at least ``sure_px`` pixels, falling linearly to 0."""
    return float(np.clip(px / max(sure_px, 1e-6), 0.0, 1.0))


def _points3(face: Face) -> np.ndarray:
    lm = face.landmarks.astype(np.float64)
    z = face.depth.astype(np.float64) if face.depth is not None else np.zeros(len(lm))
    return np.column_stack([lm, z])


def face_width(face: Face) -> float:
    return max(1.0, float(face.face_right_x - face.face_left_x))


# --------------------------------------------------------------------------- pose


@dataclass(frozen=True)
class Pose:
    yaw_deg: float     # positive: the nose points toward the image's right
    pitch_deg: float   # positive: the chin is raised (the camera sees the face from below)
    confidence: float


def head_pose(face: Face, *, pitch_neutral: float = 0.0, sure_px: float = 80.0) -> Pose:
    """Yaw and pitch in degrees from the mesh's 3-D landmarks (roll is ``Face.roll_deg``).

    The face's left-right axis is the sum of the vectors between symmetric landmark
    pairs; yaw is its angle out of the image plane. Pitch is the tilt of the
    nasion-pogonion line (the facial plane, which anatomy puts near perpendicular
    to the Frankfort horizontal) out of the image plane, with the left-right axis
    removed, minus ``pitch_neutral`` (what the mesh reads for a level head).
    """
    p = _points3(face)
    axis = sum(p[b] - p[a] for a, b in SYMMETRIC)
    yaw = math.degrees(math.atan2(axis[2], math.hypot(axis[0], axis[1])))
    xh = axis / max(np.linalg.norm(axis), 1e-9)
    up = p[POGONION] - p[NASION]
    up = up - float(np.dot(up, xh)) * xh
    pitch = math.degrees(math.atan2(-up[2], math.hypot(up[0], up[1]))) - pitch_neutral
    conf = face.landmark_score * _size_trust(face_width(face), sure_px)
    if face.depth is None:
        conf = 0.0
    return Pose(float(yaw), float(pitch), float(conf))


# --------------------------------------------------------------------------- eyes


@dataclass(frozen=True)
class Eye:
    contour: np.ndarray        # (16, 2) lid outline in image pixels
    iris: np.ndarray           # (5, 2) iris centre and four rim points
    width: float               # corner to corner, pixels
    openness: float            # lid gap over iris diameter (0 closed, ~0.7-1.1 open)

    @property
    def box(self) -> tuple[float, float, float, float]:
        x0, y0 = self.contour.min(0)
        x1, y1 = self.contour.max(0)
        return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def _eye_matrix(c0: np.ndarray, c1: np.ndarray, mirror: bool) -> np.ndarray:
    """2x3 affine: image -> the 64 x 64 iris-model crop centred between two eye corners."""
    ctr = (c0 + c1) / 2
    d = c1 - c0
    side = max(float(np.hypot(*d)) * IRIS_ROI, 1.0)
    th = math.atan2(float(d[1]), float(d[0]))
    k = IRIS_INPUT / side
    c, s = math.cos(-th) * k, math.sin(-th) * k
    r = np.array([[c, -s], [s, c]])
    m = np.hstack([r, (np.array([IRIS_INPUT / 2, IRIS_INPUT / 2]) - r @ ctr)[:, None]])
    if mirror:
        m = np.array([[-1.0, 0.0, IRIS_INPUT], [0.0, 1.0, 0.0]]) @ np.vstack([m, [0, 0, 1]])
    return m


def measure_eyes(bgr: np.ndarray, face: Face) -> tuple[Eye, Eye]:
    """Both eyes (image-left first) from the iris model."""
    lm = face.landmarks.astype(np.float64)
    out = []
    with get_net(IRIS_MODEL) as net:
        for (a, b), mirror in zip(EYE_CORNERS, (False, True)):
            m = _eye_matrix(lm[a], lm[b], mirror)
            crop = cv2.warpAffine(bgr, m, (IRIS_INPUT, IRIS_INPUT), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
            net.setInput(cv2.dnn.blobFromImage(crop, 1.0 / 255.0, (IRIS_INPUT, IRIS_INPUT), (0, 0, 0), swapRB=True))
            contour, iris = net.forward(["output_eyes_contours_and_brows", "output_iris"])
            inv = cv2.invertAffineTransform(m)
            pts = contour.reshape(71, 3)[:IRIS_CONTOUR, :2] @ inv[:, :2].T + inv[:, 2]
            irs = iris.reshape(5, 3)[:, :2] @ inv[:, :2].T + inv[:, 2]
            gap = float(np.mean([np.linalg.norm(pts[u] - pts[lo]) for u, lo in IRIS_LID_PAIRS]))
            diam = float(np.linalg.norm(irs[1] - irs[3]) + np.linalg.norm(irs[2] - irs[4])) / 2
            width = float(np.linalg.norm(lm[a] - lm[b]))
            # The iris is ~11.7 mm across on every adult and the eye ~30 mm wide: keep the
            # diameter within a plausible share of the width so a collapsed iris estimate
            # (closed eye) cannot inflate the ratio.
            diam = float(np.clip(diam, 0.3 * width, 0.55 * width))
            out.append(Eye(pts.astype(np.float32), irs.astype(np.float32), width, gap / max(diam, 1e-6)))
    return out[0], out[1]


# --------------------------------------------------------------------------- mouth


@dataclass(frozen=True)
class Mouth:
    opening: float             # inner-lip gap over mouth width (0 closed)
    teeth: float               # fraction of the inner-lip area that looks like teeth
    cavity: float              # fraction of the inner-lip area darker than the lips (open mouth)
    width: float               # corner to corner, pixels
    inner: np.ndarray          # (20, 2) inner lip outline
    outer: np.ndarray          # (20, 2) outer lip outline


def _poly_mask(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(pts).astype(np.int32)], 1)
    return m > 0


def measure_mouth(lab: np.ndarray, face: Face, skin_l: float) -> Mouth:
    """Lip gap from the mesh, and what shows between the lips (teeth: light and
    colourless against the skin; an open mouth: dark)."""
    lm = face.landmarks.astype(np.float64)
    width = float(np.linalg.norm(lm[MOUTH_CORNERS[0]] - lm[MOUTH_CORNERS[1]]))
    gap = float(np.linalg.norm(lm[LIP_GAP[0]] - lm[LIP_GAP[1]]))
    inner = lm[list(LIP_INNER)]
    outer = lm[list(LIP_OUTER)]
    m = _poly_mask(lab.shape[:2], inner)
    teeth = cavity = 0.0
    if m.sum() >= 6:
        px = lab[m]
        light = px[:, 0]
        chroma = np.hypot(px[:, 1] - 128.0, px[:, 2] - 128.0)
        teeth = float(((light > 0.85 * skin_l) & (chroma < 18.0)).mean())
        cavity = float((light < 0.4 * skin_l).mean())
    return Mouth(gap / max(width, 1e-6), teeth, cavity, width, inner.astype(np.float32), outer.astype(np.float32))


# --------------------------------------------------------------------------- lenses


@dataclass(frozen=True)
class Lenses:
    eye_contrast: float        # lightness spread inside the eye outline over the skin's lightness (max of both eyes)
    under_darkness: float      # 1 - lightness under the eye over the cheeks' (min of both eyes)
    tint: float                # Lab chroma distance of the under-eye area from the cheeks (min of both eyes)
    boxes: tuple[tuple[float, float, float, float], ...]   # where the lenses sit


def lens_boxes(face: Face) -> list[tuple[float, float, float, float]]:
    """Where a lens sits: from the brow down to below the eye, a little wider than the eye."""
    lm = face.landmarks.astype(np.float64)
    boxes = []
    for (a, b), brow in zip(EYE_CORNERS, BROWS):
        c0, c1 = lm[a], lm[b]
        w = float(np.linalg.norm(c1 - c0))
        cy = (c0[1] + c1[1]) / 2
        top = float(lm[list(brow)][:, 1].mean())
        x0, x1 = min(c0[0], c1[0]) - 0.25 * w, max(c0[0], c1[0]) + 0.25 * w
        boxes.append((float(x0), top, float(x1 - x0), float(cy + 0.5 * w - top)))
    return boxes


def cheek_lab(lab: np.ndarray, face: Face) -> np.ndarray | None:
    """Median Lab of both cheeks (beside the nose, below where a lens reaches)."""
    lm = face.landmarks.astype(np.float64)
    m = np.zeros(lab.shape[:2], bool)
    for idx in CHEEKS:
        m |= _poly_mask(lab.shape[:2], cv2.convexHull(lm[list(idx)].astype(np.float32)).reshape(-1, 2))
    if m.sum() < 12:
        return None
    return np.median(lab[m], axis=0)


def measure_lenses(lab: np.ndarray, face: Face, eyes: tuple[Eye, Eye],
                   skin: np.ndarray | None = None) -> Lenses | None:
    """Whether the eyes are seen through dark or tinted lenses.

    An eye seen bare or through clear glass shows its white against the iris and
    lashes; a dark lens passes only a part of that light, so the contrast inside the
    eye outline drops with its transmission. The band just under the eye is skin
    as light as the cheeks unless a lens covers it (a lens reaches below the eye):
    that tells a lens from a closed eye, which also shows little contrast.
    ``skin``: ``cheek_lab(lab, face)``, when the caller has it already."""
    if skin is None:
        skin = cheek_lab(lab, face)
    if skin is None:
        return None
    h, w = lab.shape[:2]
    sl = max(float(skin[0]), 1.0)
    contrast, dark, tint = [], [], []
    for eye in eyes:
        m = _poly_mask(lab.shape[:2], eye.contour)
        if m.sum() < 4:
            return None
        light = lab[..., 0][m]
        p10, p90 = np.percentile(light, [10, 90])
        contrast.append(float(p90 - p10) / sl)
        cx, cy = eye.contour.mean(0)
        ew = eye.width
        ya, yb = int(max(0, cy + 0.22 * ew)), int(min(h, cy + 0.4 * ew))
        xa, xb = int(max(0, cx - 0.35 * ew)), int(min(w, cx + 0.35 * ew))
        if yb - ya < 1 or xb - xa < 2:
            return None
        med = np.median(lab[ya:yb, xa:xb].reshape(-1, 3), axis=0)
        dark.append(1.0 - float(med[0]) / sl)
        tint.append(float(np.hypot(med[1] - skin[1], med[2] - skin[2])))
    return Lenses(max(contrast), min(dark), min(tint), tuple(lens_boxes(face)))


# --------------------------------------------------------------------------- cover


GLABELLA = (9, 107, 336, 151, 108, 337, 55, 285)     # skin between the brows, above the nose bridge
LOWER_FACE = (205, 36, 129, 98, 2, 327, 358, 266, 425, 411, 416, 434, 430, 431, 262, 428, 199,
              208, 32, 211, 210, 214, 192, 187)    # around the nose wings, mouth and chin front


@dataclass(frozen=True)
class Cover:
    fraction: float            # of the lower face whose colour is not skin (a mask, a scarf)
    region: tuple[float, float, float, float] | None   # what covers, when anything does
    off_hue: float = 0.0       # of the whole face (eyes, brows, lips left out) in a hue no skin has
    off_region: tuple[float, float, float, float] | None = None
    hand: float | None = None  # hand-presence score over the mouth (None: the model was not needed)
    hand_box: tuple[float, float, float, float] | None = None


def _hull_mask(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    return _poly_mask(shape, cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2))


def face_skin_zone(shape: tuple[int, int], face: Face) -> np.ndarray:
    """The face oval without the eyes and brows (grown a little for lashes and
    sockets) and the lips: where a bare face shows only skin."""
    from .face import EYE_BROW_OUTLINES, FACE_OVAL

    lm = face.landmarks.astype(np.float64)
    feat = np.zeros(shape, np.uint8)
    for idx in EYE_BROW_OUTLINES:
        cv2.fillConvexPoly(feat, cv2.convexHull(lm[list(idx)].astype(np.float32)).astype(np.int32), 1)
    k = max(3, int(0.05 * face_width(face))) | 1
    feat = cv2.dilate(feat, np.ones((k, k), np.uint8)) > 0
    return _poly_mask(shape, lm[list(FACE_OVAL)]) & ~feat & ~_poly_mask(shape, lm[list(LIP_OUTER)])


def _box_of(mask: np.ndarray) -> tuple[float, float, float, float]:
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    return float(x), float(y), float(w), float(h)


def lip_redness(lab: np.ndarray, face: Face, skin_ref: np.ndarray) -> float | None:
    """How much redder (Lab a*) the lips are than the skin, where the mesh puts them
    (the ring between the outer and inner lip line). Lips are redder than the skin
    around them on every face; a hand or an object held over the mouth is not."""
    lm = face.landmarks.astype(np.float64)
    shape = lab.shape[:2]
    ring = _poly_mask(shape, lm[list(LIP_OUTER)]) & ~_poly_mask(shape, lm[list(LIP_INNER)])
    if ring.sum() < 6:
        return None
    return float(np.median(lab[..., 1][ring]) - skin_ref[1])


HAND_MODEL = "hand_landmark_lite.tflite"
HAND_INPUT = 224


def hand_presence(bgr: np.ndarray, face: Face, *, side: float) -> tuple[float, tuple[float, float, float, float]]:
    """MediaPipe's hand-landmark model on a square crop ``side`` face widths wide,
    centred on the mouth and levelled with the eyes; returns its hand-presence score
    (0..1) and the crop's box. A bare lower face scores near 0 (measured: at most
    0.08 on compliant photos), a hand held over the mouth near 1."""
    lm = face.landmarks.astype(np.float64)
    c = lm[LIP_GAP[1]]
    s = side * face_width(face)
    k = HAND_INPUT / max(s, 1.0)
    m = cv2.getRotationMatrix2D((float(c[0]), float(c[1])), float(face.roll_deg), k)
    m[:, 2] += np.array([HAND_INPUT / 2, HAND_INPUT / 2]) - c
    crop = cv2.warpAffine(bgr, m, (HAND_INPUT, HAND_INPUT), flags=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)
    with get_net(HAND_MODEL) as net:
        net.setInput(cv2.dnn.blobFromImage(crop, 1.0 / 255.0, (HAND_INPUT, HAND_INPUT), (0, 0, 0), swapRB=True))
        presence = net.forward("Identity_1")
    box = (float(c[0] - s / 2), float(c[1] - s / 2), float(s), float(s))
    return float(np.ravel(presence)[0]), box


def measure_cover(lab: np.ndarray, face: Face, skin_ref: np.ndarray | None, *, ab_delta: float = 18.0,
                  off_hue_margin: float = 8.0, bgr: np.ndarray | None = None, hand_side: float = 1.4,
                  hand_gate_lip: float | None = None, hand_gate_chroma: float = 8.0) -> Cover:
    """What covers the face.

    - ``fraction``: how much of the nose-and-mouth area shows something that is not
      skin (a mask, a scarf, a phone), compared with ``skin_ref`` (the skin of the
      upper face; the skin between the brows when None), which such things leave
      bare. Colour is compared in chroma (a*, b*) so shading and skin tone do not
      count, and pixels darker than the skin (beard, nostrils, the shadow under the
      nose) are left out.
    - ``off_hue``: how much of the whole face (eyes, brows and lips left out) is of a
      green, cyan or blue hue (Lab a* below both neutral and the skin's by
      ``off_hue_margin``), at any lightness. Blood gives every skin tone a
      red component, so no bare skin is there, in light or in shade; painted or
      gloved hands, a coloured mask, a phone case are.
    - ``hand``: a hand of skin colour over the mouth hides the lips, so it is looked
      for (``hand_presence``, one small model run) only where the lips are not
      clearly redder than the skin (less than ``hand_gate_lip`` in a*), or where the
      picture is too colourless to tell (skin chroma below ``hand_gate_chroma``).
      ``bgr`` None or ``hand_gate_lip`` None: not looked for."""
    shape = lab.shape[:2]
    lm = face.landmarks.astype(np.float64)
    ref_m = _hull_mask(shape, lm[list(GLABELLA)])
    lower = _hull_mask(shape, lm[list(LOWER_FACE)]) & ~_poly_mask(shape, lm[list(LIP_OUTER)])
    frac = 0.0
    region = off_region = None
    off = 0.0
    ref = None
    if skin_ref is not None or ref_m.sum() >= 6:
        ref = skin_ref if skin_ref is not None else np.median(lab[ref_m], axis=0)
    if ref is not None and lower.sum() >= 12:
        px = lab[lower]
        d_ab = np.hypot(px[:, 1] - ref[1], px[:, 2] - ref[2])
        lighter = px[:, 0] >= 0.8 * ref[0]
        frac = float(((d_ab > ab_delta) & lighter).mean())
        if frac > 0:
            region = _box_of(lower)
    if ref is not None:
        zone = face_skin_zone(shape, face)
        if zone.sum() >= 12:
            a = lab[..., 1]
            hit = zone & (a < min(128.0, float(ref[1])) - off_hue_margin)
            off = float(hit.sum() / zone.sum())
            if off > 0:
                off_region = _box_of(hit)
    hand = hand_box = None
    if bgr is not None and hand_gate_lip is not None and ref is not None:
        chroma = float(np.hypot(ref[1] - 128.0, ref[2] - 128.0))
        red = lip_redness(lab, face, ref)
        if chroma < hand_gate_chroma or red is None or red < hand_gate_lip:
            hand, hand_box = hand_presence(bgr, face, side=hand_side)
    return Cover(frac, region, off, off_region, hand, hand_box)


# --------------------------------------------------------------------------- forehead


@dataclass(frozen=True)
class Forehead:
    covered: float             # share of the forehead band not showing skin
    like_hair: bool            # what covers it has the colour of the hair beside the face
    confidence: float
    box: tuple[float, float, float, float]
    hair_seen: bool = False    # hair was found beside the face to compare the covering with


@dataclass(frozen=True)
class Crown:
    covered: float             # share of the head just above the forehead (inside the silhouette) not showing skin
    odd: float                 # share of what covers it in colours hair does not have
    like_hair: bool            # what covers it has the colour of the hair hanging beside the cheeks
    confidence: float
    box: tuple[float, float, float, float]


def _skin_like(px: np.ndarray, skin_ref: np.ndarray, ab_delta: float) -> np.ndarray:
    """Pixels (N, 3 Lab) of the skin's chroma and about its lightness."""
    d_ab = np.hypot(px[:, 1] - skin_ref[1], px[:, 2] - skin_ref[2])
    rel = px[:, 0] / max(float(skin_ref[0]), 1.0)
    return (d_ab <= ab_delta) & (rel >= 0.6) & (rel <= 1.4)


def _clip_box(shape: tuple[int, ...], x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    h, w = shape[:2]
    return int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1))


def side_hair(lab: np.ndarray, person: np.ndarray, face: Face, skin_ref: np.ndarray, ab_delta: float,
              *, temples: bool = True) -> list[np.ndarray]:
    """Median Lab colours of what is beside the face and not skin (the hair): one beside
    the temples (brows to below the eyes; only with ``temples``) and one beside the
    cheeks (eyes to mouth), where long hair hangs below a cap's reach. Zones with too
    few such pixels are left out."""
    fw = face_width(face)
    lm = face.landmarks.astype(np.float64)
    eye_y = (face.eye_left[1] + face.eye_right[1]) / 2
    brow_y = float(np.vstack([lm[list(b)] for b in BROWS])[:, 1].min())
    bands = [(eye_y, float(face.mouth[1]))]
    if temples:
        bands.insert(0, (brow_y, eye_y + 0.3 * (face.chin[1] - eye_y)))
    out = []
    for y0, y1 in bands:
        px = []
        for x0, x1 in ((face.face_left_x - 0.18 * fw, face.face_left_x - 0.02 * fw),
                       (face.face_right_x + 0.02 * fw, face.face_right_x + 0.18 * fw)):
            a, b, c, d = _clip_box(lab.shape, x0, y0, x1, y1)
            if c - a >= 2 and d - b >= 2:
                px.append(lab[b:d, a:c][person[b:d, a:c]])
        zone = np.concatenate(px) if px else np.zeros((0, 3), np.float32)
        hair = zone[~_skin_like(zone, skin_ref, ab_delta)] if len(zone) else zone
        if len(hair) >= max(12, 0.01 * fw * fw):
            out.append(np.median(hair, axis=0))
    return out


def _like(colour: np.ndarray, refs: list[np.ndarray], delta: float) -> bool:
    return any(float(np.linalg.norm(r - colour)) <= delta for r in refs)


def measure_forehead(lab: np.ndarray, person: np.ndarray, face: Face, skin_ref: np.ndarray, *,
                     ab_delta: float, hair_delta: float, sure_px: float) -> Forehead | None:
    """The band from the brows up to the mesh's forehead top: on a bare head it is
    forehead skin; under a cap, a hat brim, a headband or a scarf it is the covering;
    with a fringe it is hair. A fringe has the colour of the hair beside the face (at
    the temples and cheeks); a covering, as a rule, has not, or there is no hair
    beside the face at all (short hair under a cap). A covering of the hair's colour
    cannot be told from a fringe: then the confidence stays at half, so the check
    warns rather than refuse a hairstyle."""
    lm = face.landmarks.astype(np.float64)
    brows = np.vstack([lm[list(b)] for b in BROWS])
    xa, ya, xb, yb = _clip_box(lab.shape, brows[:, 0].min(), lm[10, 1], brows[:, 0].max(), brows[:, 1].min())
    if xb - xa < 4 or yb - ya < 2:
        return None
    px = lab[ya:yb, xa:xb].reshape(-1, 3)
    skin = _skin_like(px, skin_ref, ab_delta)
    covered = float(1.0 - skin.mean())
    # a bare forehead has nothing to compare with the hair: the side zones are not measured
    hair = side_hair(lab, person, face, skin_ref, ab_delta) if (~skin).sum() >= 6 else []
    like_hair = bool(hair) and _like(np.median(px[~skin], axis=0), hair, hair_delta)
    conf = (0.5 if like_hair else 1.0) * _size_trust(face_width(face), sure_px)
    return Forehead(covered, bool(like_hair), conf, (float(xa), float(ya), float(xb - xa), float(yb - ya)),
                    hair_seen=bool(hair))


def odd_for_hair(px: np.ndarray, *, min_chroma: float, max_chroma: float, hue_range: tuple[float, float]) -> np.ndarray:
    """Pixels (N, 3 Lab) of a colour natural hair does not have: hair runs from black
    through browns, reds and blond to grey and white, all of low to middle chroma with
    a warm hue (a* and b* above neutral). A coloured pixel outside that hue range, or
    of a chroma beyond any hair's, is a cloth, a plastic, a dye."""
    a, b = px[:, 1] - 128.0, px[:, 2] - 128.0
    chroma = np.hypot(a, b)
    hue = np.degrees(np.arctan2(b, a))
    warm = (hue >= hue_range[0]) & (hue <= hue_range[1])
    return ((chroma > min_chroma) & ~warm) | (chroma > max_chroma)


def measure_crown(lab: np.ndarray, person: np.ndarray, face: Face, skin_ref: np.ndarray, *, ab_delta: float,
                  hair_delta: float, sure_px: float, height: float, min_chroma: float, max_chroma: float,
                  hue_range: tuple[float, float], odd_share: float) -> Crown | None:
    """The head just above the mesh's forehead top (``height`` face widths high, as wide
    as the forehead, inside the person's silhouette). A bare head shows the upper
    forehead there, the hairline, or the skin of a bald head; a hat, a cap, a beanie or
    a headscarf covers all of it, even when worn high above a bare forehead. Hair with a
    low hairline or a fringe covers all of it too, and hair on top need not match the
    hair beside the face (grey temples, highlights), so the covering counts as sure
    only when most of it is of colours no hair has (``odd_for_hair``) and it is not of
    the colour of long hair hanging beside the cheeks (dyed hair); otherwise (a black
    cap, or hair) the confidence stays at half: the check warns."""
    lm = face.landmarks.astype(np.float64)
    fw = face_width(face)
    y_top = float(lm[10, 1])
    xa, ya, xb, yb = _clip_box(lab.shape, lm[54, 0], y_top - height * fw, lm[284, 0], y_top)
    if xb - xa < 4 or yb - ya < 2:
        return None
    on = person[ya:yb, xa:xb]
    if on.sum() < max(12, 0.25 * on.size):   # the picture's top edge or the silhouette cuts the head
        return None
    px = lab[ya:yb, xa:xb][on]
    skin = _skin_like(px, skin_ref, ab_delta)
    covered = float(1.0 - skin.mean())
    odd, like_hair = 0.0, False
    if (~skin).sum() >= 6:
        cover = px[~skin]
        odd = float(odd_for_hair(cover, min_chroma=min_chroma, max_chroma=max_chroma, hue_range=hue_range).mean())
        # below a cap's reach: hair hanging beside the cheeks (the temples may be under the cap)
        like_hair = _like(np.median(cover, axis=0),
                          side_hair(lab, person, face, skin_ref, ab_delta, temples=False), hair_delta)
    conf = (1.0 if odd >= odd_share and not like_hair else 0.5) * _size_trust(fw, sure_px)
    return Crown(covered, odd, like_hair, conf, (float(xa), float(ya), float(xb - xa), float(yb - ya)))


# --------------------------------------------------------------------------- jewellery


@dataclass(frozen=True)
class Shine:
    fraction: float            # share of the ear-lobe zones with metal shine or jewel colour
    boxes: tuple[tuple[float, float, float, float], ...]


def ear_zones(face: Face) -> list[tuple[float, float, float, float]]:
    """Beside the jaw below the ears, where earrings hang."""
    lm = face.landmarks.astype(np.float64)
    fw = face_width(face)
    y0 = float(lm[NOSE_BOTTOM, 1])
    y1 = float(lm[MOUTH_CORNERS, 1].mean() + 0.5 * (lm[152, 1] - lm[MOUTH_CORNERS, 1].mean()))
    zw = 0.16 * fw
    return [(face.face_left_x - zw, y0, zw, y1 - y0), (face.face_right_x, y0, zw, y1 - y0)]


def measure_shine(lab: np.ndarray, person: np.ndarray, face: Face, skin_ref: np.ndarray) -> Shine:
    """Metal shine (far lighter than the skin, colourless) or jewel colour (far more
    saturated than the skin) on the person beside the jaw."""
    h, w = lab.shape[:2]
    hits = total = 0
    boxes = ear_zones(face)
    skin_chroma = float(np.hypot(skin_ref[1] - 128.0, skin_ref[2] - 128.0))
    for x, y, bw, bh in boxes:
        xa, xb = int(max(0, x)), int(min(w, x + bw))
        ya, yb = int(max(0, y)), int(min(h, y + bh))
        if xb - xa < 2 or yb - ya < 2:
            continue
        on = person[ya:yb, xa:xb]
        px = lab[ya:yb, xa:xb][on]
        if len(px) == 0:
            continue
        chroma = np.hypot(px[:, 1] - 128.0, px[:, 2] - 128.0)
        shine = (px[:, 0] >= max(1.3 * float(skin_ref[0]), 215.0)) & (chroma < 12.0)
        jewel = chroma > skin_chroma + 30.0
        hits += int((shine | jewel).sum())
        total += int(on.size)
    return Shine(hits / total if total else 0.0, tuple(boxes))
