"""Face detection and 468-point landmarks with MediaPipe's tflite models run by cv2.dnn.

Pure numpy/cv2; no Qt. Two stages:

1. **Detection** (BlazeFace short-range). Its native view is 128x128, where it
   finds faces from ~14 px wide (measured: 66% recall at 12 px, 91% at 13 px,
   100% at 14 px). The net is fully convolutional, so besides the full frame
   shrunk to 128 px it also runs once over the whole image scaled so that a face
   of ``min_face_frac`` x the short side is ~14.5 px wide (zero-padded to a
   multiple of 32; it returns the same anchor layout on the larger grid). That
   finds the small faces of group and full-length shots without tiles.
   Candidates of both levels are merged with MediaPipe-style weighted NMS.
2. **Confirmation and landmarks** (face mesh, 192x192 input, RGB in [0, 1]).
   Each candidate is cropped 1.5x around its box, turned so the detector's eye
   keypoints are level, and run through the mesh model; the crop is then redone
   from the landmarks (up to twice) so the final pass sees an exactly levelled,
   centred face. A candidate is kept only when the mesh model's face flag agrees
   (see the thresholds below), so blank pages, noise and documents give [].

When no upright face is found, ``detect`` also searches the image turned by 90,
270 and 180 degrees and reports those faces in the coordinates of the image as
given: a photo lying on its side yields one face with roll near +-90.

Conventions (image coordinates, x right, y down):

- ``eye_left`` is the subject's right eye, the one on the image's left when the
  face is upright (|roll| < 90); ``eye_right`` the other one. Eye centres are the
  mean of the two corners and the two lid midpoints.
- ``roll_deg`` is the angle of the line from ``eye_left`` to ``eye_right``,
  ``degrees(atan2(dy, dx))`` in (-180, 180]. Positive means the eye on the image's
  right is lower: the head is turned clockwise as seen on screen.
  ``cv2.getRotationMatrix2D(c, roll_deg, 1)`` (positive = counter-clockwise) levels
  the eyes.
- ``yaw`` is measured in the eye-levelled frame from the face contour points 234
  and 454 (cheek line near the ears) and the nose tip (1):
  ``(2*nose_x - left_x - right_x) / (right_x - left_x)``. 0 is frontal; positive
  means the nose points toward the image's right (the subject looks to their
  left); it tends to +-1 as the nose reaches the contour at full profile. The
  labelled compliant cases measure |yaw| <= 0.23; visibly turned heads in the
  corpus portraits 0.5-0.9.
- ``box`` is the axis-aligned extent of the 468 landmarks (top of forehead to chin,
  cheek to cheek), not the detector's box; hair is outside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ._imgops import area_resize, halve
from ..lazy import shared
from ._nets import get_net

DETECTOR_MODEL = "face_detection_short_range.tflite"
MESH_MODEL = "face_landmark.tflite"

MIN_WORK_SIDE = 480  # detection runs on a copy whose long side is 1-2x this (see _work_image)
DET_INPUT = 128
MESH_INPUT = 192

# Acceptance. A candidate needs the detector score >= DET_SCORE, the mesh model's
# face-flag logit >= MESH_LOGIT, and one of the two clearly above: DET_SCORE_SURE or
# MESH_LOGIT_SURE. Logits measured on the corpus: upright real faces 15..28;
# non-face crops -9..-2; faces cut by the border, blurred or stretched 1..10; an
# upside-down face read as upright 4..11 (see the 180-degree check in _confirm).
# False positives seen on blurred documents scored 0.51-0.57 with logits 0.1-1.9.
DET_SCORE = 0.5
NMS_IOU = 0.3
MESH_LOGIT = 0.0  # presence 0.5
MESH_LOGIT_SURE = 5.0
DET_SCORE_SURE = 0.65
MESH_LOGIT_STRONG = 14.0
# Face width in detector input pixels from which recall is ~100% (measured on
# real faces pasted at known sizes: 66% at 12 px, 91% at 13 px, 100% at 14 px).
FACE_PX_MIN = 14.5
MAX_LEVEL_AREA = 360 * 480
# A second level runs only when it reaches faces this much smaller than level 0 does.
LEVEL_OVERLAP = 1.15
ROI_SCALE = 1.5
MAX_REFINE = 2  # landmark re-crops after the detector-based crop
UPRIGHT_ROLL = 50.0  # faces are searched in the orientation that brings roll within this

# Mesh indices (MediaPipe canonical face mesh).
IDX_FOREHEAD = 10
IDX_CHIN = 152
IDX_NOSE = 1
IDX_LIP_UP, IDX_LIP_LOW = 13, 14
IDX_EYE_L = (33, 133, 159, 145)  # image-left eye: corners and lid midpoints
IDX_EYE_R = (362, 263, 386, 374)
IDX_SIDE_L, IDX_SIDE_R = 234, 454
# Outlines of both eyes and both brows.
EYE_BROW_OUTLINES = (
    (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246),
    (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398),
    (70, 63, 105, 66, 107, 55, 65, 52, 53, 46),
    (300, 293, 334, 296, 336, 285, 295, 282, 283, 276),
)
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
             54, 103, 67, 109)


@dataclass(frozen=True)
class Face:
    """One confirmed face. All coordinates are in pixels of the image given to detect()."""

    box: tuple[float, float, float, float]  # x, y, w, h: extent of the landmark mesh
    score: float  # detector confidence 0..1
    eye_left: tuple[float, float]  # eye on the image's left (subject's right), centre
    eye_right: tuple[float, float]
    nose: tuple[float, float]
    mouth: tuple[float, float]
    chin: tuple[float, float]  # menton, mesh point 152
    forehead: tuple[float, float]  # top of forehead, mesh point 10
    face_left_x: float  # leftmost x of the face contour
    face_right_x: float
    roll_deg: float  # see module docstring: positive = clockwise on screen
    yaw: float  # see module docstring: 0 frontal, positive = nose toward image right
    # (468, 2) float32 in image coordinates. Always set by FaceDetector: candidates
    # the mesh model rejects are not reported at all. None is kept for other sources.
    landmarks: np.ndarray | None
    landmark_score: float  # mesh model face presence 0..1
    # (468,) float32: the mesh model's relative depth of each landmark, in the same
    # pixels as ``landmarks`` (larger = farther from the camera; MediaPipe's z, which
    # the model keeps on the scale of x). None when the source has no depth.
    depth: np.ndarray | None = None

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return (x + w / 2.0, y + h / 2.0)

    @property
    def eye_distance(self) -> float:
        return math.dist(self.eye_left, self.eye_right)


# --------------------------------------------------------------------------- detector


@lru_cache(maxsize=32)
def _anchors(h: int, w: int) -> np.ndarray:
    """SSD anchor centres of BlazeFace short-range, in input pixels, for an h x w input.

    The model has four anchor layers with strides 8, 16, 16, 16 and two anchors per
    cell per layer; the three stride-16 layers share one grid, so it has 6 anchors
    per cell. At 128x128 that is 16*16*2 + 8*8*6 = 896. Anchor sizes are fixed, so
    only the centres matter. The net is fully convolutional: on a larger input
    (multiples of 16) it returns the same layout for the larger grids, rows first.
    """
    centres = []
    for stride, per_cell in ((8, 2), (16, 6)):
        gh, gw = h // stride, w // stride
        ys, xs = np.mgrid[0:gh, 0:gw]
        c = np.stack([(xs + 0.5) * stride, (ys + 0.5) * stride], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(c, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


@dataclass
class _Candidate:
    box: np.ndarray  # x0, y0, x1, y1 in work coords
    kps: np.ndarray  # (6, 2): eye_l, eye_r, nose, mouth, ear_l, ear_r (image left/right)
    score: float


def _decode(cls: np.ndarray, reg: np.ndarray, anchors: np.ndarray,
            thresh: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw outputs -> (scores, boxes x0y0x1y1, keypoints (n, 6, 2)) in input pixels.

    Regressor layout per anchor: x_centre, y_centre, w, h, then six (x, y) keypoints,
    in input pixels, centres relative to the anchor centre.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(cls.reshape(-1), -80.0, 80.0)))
    keep = np.nonzero(scores >= thresh)[0]
    r = reg.reshape(-1, 16)[keep]
    a = anchors[keep]
    cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
    w, h = r[:, 2], r[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    kps = r[:, 4:16].reshape(-1, 6, 2) + a[:, None, :]
    return scores[keep], boxes, kps


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    ix0 = np.maximum(box[0], boxes[:, 0])
    iy0 = np.maximum(box[1], boxes[:, 1])
    ix1 = np.minimum(box[2], boxes[:, 2])
    iy1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def _weighted_nms(scores: np.ndarray, boxes: np.ndarray, kps: np.ndarray) -> list[_Candidate]:
    """MediaPipe-style blending NMS: overlapping boxes are averaged, weighted by score."""
    order = np.argsort(-scores, kind="stable")
    scores, boxes, kps = scores[order], boxes[order], kps[order]
    alive = np.ones(len(scores), bool)
    out: list[_Candidate] = []
    for i in range(len(scores)):
        if not alive[i]:
            continue
        members = np.nonzero(alive & (_iou(boxes[i], boxes) > NMS_IOU))[0]
        alive[members] = False
        wts = scores[members][:, None]
        box = (boxes[members] * wts).sum(0) / wts.sum()
        kp = (kps[members] * wts[:, :, None]).sum(0) / wts.sum()
        out.append(_Candidate(box.astype(np.float32), kp.astype(np.float32), float(scores[i])))
    return out


def _level_scales(shape: tuple[int, int], min_face_px: float) -> list[float]:
    """Scales (level px per work px) at which to run the detector over the whole image.

    Level 0 shrinks the long side to 128, the model's native view: it finds faces
    from ~11% of the long side up to the full frame. When smaller faces are asked
    for, level 1 scales the image so a min_face_px face is FACE_PX_MIN wide; the
    model finds faces from that up to ~125 px there, which overlaps level 0.
    """
    long_side = max(shape)
    scales = [DET_INPUT / long_side]
    s1 = FACE_PX_MIN / max(min_face_px, 1.0)
    # Cost grows with the level's area; cap it (~30 ms) for extreme requests.
    s1 = min(s1, math.sqrt(MAX_LEVEL_AREA / float(shape[0] * shape[1])))
    if s1 > scales[0] * LEVEL_OVERLAP:
        scales.append(s1)
    return scales


def _detect_level(level: np.ndarray, thresh: float) -> tuple[np.ndarray, ...]:
    """Run the detector fully convolutionally over one (zero-padded) level image."""
    h, w = level.shape[:2]
    # Pad to a multiple of 32 (the net needs 16) so few distinct input shapes occur:
    # each shape gets its own net (see _nets), and a 128 long side gives 128x128.
    ph, pw = -(-h // 32) * 32, -(-w // 32) * 32
    if (ph, pw) != (h, w):
        level = cv2.copyMakeBorder(level, 0, ph - h, 0, pw - w, cv2.BORDER_CONSTANT, value=0)
    blob = cv2.dnn.blobFromImage(level, 1.0 / 127.5, (pw, ph), (127.5, 127.5, 127.5),
                                 swapRB=True)
    with get_net(DETECTOR_MODEL, (ph, pw)) as net:
        net.setInput(blob)
        cls, reg = net.forward(["classificators", "regressors"])
    return _decode(cls, reg, _anchors(ph, pw), thresh)


def _run_detector(work: np.ndarray, min_face_px: float, *, fine_only: bool = False) -> list[_Candidate]:
    """Candidates from every level (``fine_only``: from the levels after level 0)."""
    all_s, all_b, all_k = [], [], []
    src, src_scale = work, 1.0
    scales = _level_scales(work.shape[:2], min_face_px)
    if fine_only:
        scales = scales[1:]
    if not scales:
        return []
    # Largest level first, so each smaller level is shrunk from the previous one.
    for s in sorted(scales, reverse=True):
        lw = max(round(work.shape[1] * s), 1)
        lh = max(round(work.shape[0] * s), 1)
        if s < src_scale:
            level = area_resize(src, lw, lh)
            src, src_scale = level, s
        elif (lw, lh) == (work.shape[1], work.shape[0]):
            level = work
        else:
            level = cv2.resize(work, (lw, lh), interpolation=cv2.INTER_LINEAR)
        sc, bx, kp = _detect_level(level, DET_SCORE)
        sx, sy = work.shape[1] / lw, work.shape[0] / lh
        all_s.append(sc)
        all_b.append(bx * np.array([sx, sy, sx, sy], np.float32))
        all_k.append(kp * np.array([sx, sy], np.float32))
    scores = np.concatenate(all_s)
    if scores.size == 0:
        return []
    return _weighted_nms(scores, np.concatenate(all_b), np.concatenate(all_k))


# --------------------------------------------------------------------------- landmarks


def _rot(theta: float) -> np.ndarray:
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]], np.float64)


def _crop_matrix(center: np.ndarray, side: float, theta: float, out: int) -> np.ndarray:
    """2x3 affine: image -> out x out crop of a square ROI rotated by theta (radians)."""
    k = out / side
    r = _rot(-theta) * k
    t = np.array([out / 2.0, out / 2.0]) - r @ center
    return np.hstack([r, t[:, None]])


def _warp_roi(img: np.ndarray, center: np.ndarray, side: float, theta: float,
              out: int) -> tuple[np.ndarray, np.ndarray]:
    """Crop the rotated square ROI to out x out; returns (crop, image->crop matrix).

    When the ROI is much larger than the output, its neighbourhood is first shrunk
    with INTER_AREA so the bilinear warp does not alias.
    """
    m = _crop_matrix(center, side, theta, out)
    shrink = out / side
    if shrink < 0.5:
        half = side * 0.75  # covers the rotated square (side * sqrt(2) / 2)
        h, w = img.shape[:2]
        x0 = int(max(math.floor(center[0] - half), 0))
        y0 = int(max(math.floor(center[1] - half), 0))
        x1 = int(min(math.ceil(center[0] + half), w))
        y1 = int(min(math.ceil(center[1] + half), h))
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            g = min(shrink * 2.0, 1.0)
            sub = img[y0:y1, x0:x1]
            sw, sh = max(round((x1 - x0) * g), 1), max(round((y1 - y0) * g), 1)
            small = area_resize(sub, sw, sh)
            gx, gy = sw / (x1 - x0), sh / (y1 - y0)
            # small px -> image px, then the ROI affine
            back = np.array([[1 / gx, 0, x0], [0, 1 / gy, y0], [0, 0, 1]], np.float64)
            m_small = m @ back
            crop = cv2.warpAffine(small, m_small, (out, out), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
            return crop, m
    crop = cv2.warpAffine(img, m, (out, out), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    return crop, m


def _run_mesh(crops: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """192x192 BGR crops -> (face-flag logits (N,), landmarks (N, 468, 3) in crop px).

    One crop per forward: batching is no faster on CPU, and a changing batch size
    would make cv2.dnn re-allocate the net every call.
    """
    flags, points = [], []
    with get_net(MESH_MODEL) as net:
        for crop in crops:
            net.setInput(cv2.dnn.blobFromImage(crop, 1.0 / 255.0, (MESH_INPUT, MESH_INPUT),
                                               (0, 0, 0), swapRB=True))
            flag, pts = net.forward(["conv2d_31", "conv2d_21"])
            flags.append(float(flag.reshape(-1)[0]))
            points.append(pts.reshape(468, 3).copy())
    return np.array(flags, np.float64), np.array(points, np.float32).reshape(len(crops), 468, 3)


def _to_image(pts_crop: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Crop points (x, y, z) -> image points (x, y, z): x and y through the inverse
    affine, z divided by the crop's scale (the affine is a similarity)."""
    inv = cv2.invertAffineTransform(m)
    xy = pts_crop[:, :2] @ inv[:, :2].T + inv[:, 2]
    z = pts_crop[:, 2:3] * math.sqrt(abs(float(np.linalg.det(inv[:, :2]))))
    return np.hstack([xy, z]).astype(np.float32)


def _roi_from_landmarks(lm: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Eye-levelled square ROI around the mesh, like the tracking ROI of MediaPipe."""
    lm = lm[:, :2]
    el = lm[list(IDX_EYE_L)].mean(0)
    er = lm[list(IDX_EYE_R)].mean(0)
    theta = math.atan2(er[1] - el[1], er[0] - el[0])
    r = _rot(-theta)
    q = lm.astype(np.float64) @ r.T  # rotated frame
    lo, hi = q.min(0), q.max(0)
    c = _rot(theta) @ ((lo + hi) / 2)
    side = float(max(hi - lo)) * ROI_SCALE
    return c, side, theta


# --------------------------------------------------------------------------- assembly


def _pt(p: np.ndarray) -> tuple[float, float]:
    return (float(p[0]), float(p[1]))


def _face_from_landmarks(lm3: np.ndarray, det_score: float, presence: float) -> Face:
    lm = lm3[:, :2]
    el = lm[list(IDX_EYE_L)].mean(0)
    er = lm[list(IDX_EYE_R)].mean(0)
    roll = math.atan2(float(er[1] - el[1]), float(er[0] - el[0]))
    # yaw in the eye-levelled frame
    q = lm.astype(np.float64) @ _rot(-roll).T
    lx, rx, nx = q[IDX_SIDE_L, 0], q[IDX_SIDE_R, 0], q[IDX_NOSE, 0]
    width = rx - lx
    yaw = float((2 * nx - lx - rx) / width) if width > 1e-6 else 0.0
    oval = lm[list(FACE_OVAL)]
    x0, y0 = lm.min(0)
    x1, y1 = lm.max(0)
    return Face(
        box=(float(x0), float(y0), float(x1 - x0), float(y1 - y0)),
        score=det_score,
        eye_left=_pt(el),
        eye_right=_pt(er),
        nose=_pt(lm[IDX_NOSE]),
        mouth=_pt((lm[IDX_LIP_UP] + lm[IDX_LIP_LOW]) / 2),
        chin=_pt(lm[IDX_CHIN]),
        forehead=_pt(lm[IDX_FOREHEAD]),
        face_left_x=float(oval[:, 0].min()),
        face_right_x=float(oval[:, 0].max()),
        roll_deg=math.degrees(roll),
        yaw=yaw,
        landmarks=np.ascontiguousarray(lm, np.float32),
        landmark_score=presence,
        depth=np.ascontiguousarray(lm3[:, 2], np.float32),
    )


def _as_bgr(img: np.ndarray) -> np.ndarray:
    if not isinstance(img, np.ndarray) or img.size == 0:
        raise ValueError("expected a non-empty image array")
    if img.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {img.dtype}")
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 3:
        return img
    if img.ndim == 3 and img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.ndim == 3 and img.shape[2] == 1:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    raise ValueError(f"unsupported image shape {img.shape}")


def _work_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """(h, w) of ``_work_image`` for an image of this shape."""
    h, w = shape[:2]
    while max(h, w) // 2 >= MIN_WORK_SIDE:
        h, w = h // 2, w // 2
    return h, w


def _work_image(img: np.ndarray) -> tuple[np.ndarray, float]:
    """The copy the detector runs on, and its scale (work px per px): the image halved
    by exact 2:1 area averages while the half keeps a long side of MIN_WORK_SIDE, so
    between 1x and 2x that. The detector's levels are smaller still, so nothing is
    lost, and no slow resize at an arbitrary ratio is needed."""
    target, f = _work_shape(img.shape), 1.0
    while img.shape[:2] != target:
        img = halve(img)
        f /= 2.0
    return img, f


def _downscale(img: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """A copy with the long side at most ``side``, and its scale (small px per px)."""
    h, w = img.shape[:2]
    f = min(1.0, side / max(h, w))
    if f >= 1.0:
        return img, 1.0
    small = area_resize(img, max(round(w * f), 1), max(round(h * f), 1))
    return small, small.shape[1] / w


def _unrotate(pts: np.ndarray, k: int, shape: tuple[int, int]) -> np.ndarray:
    """Points in np.rot90(img, k) coordinates -> points in img coordinates.

    shape is img's (h, w); pixel-edge convention (pixel i spans [i, i+1)).
    """
    h, w = shape
    x, y = pts[..., 0], pts[..., 1]
    if k == 1:
        out = (w - y, x)
    elif k == 2:
        out = (w - x, h - y)
    elif k == 3:
        out = (y, h - x)
    else:
        out = (x, y)
    return np.stack(out, axis=-1).astype(np.float32)


def _wrap_deg(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


class FaceDetector:
    """Thread-safe; use get_detector() for the shared instance."""

    def detect(self, bgr: np.ndarray, *, min_face_frac: float = 0.06,
               any_orientation: bool = True) -> list[Face]:
        """All faces whose width is at least about min_face_frac of the image's short side.

        Sorted largest first; coordinates refer to ``bgr`` as given. Faces are looked
        for upright (roll within +-50 degrees). When there are none and
        ``any_orientation`` is true, the image is also searched turned by 90, 270
        and 180 degrees, and the orientation with the most confident face wins; such
        faces keep their real geometry, so their roll_deg is near +-90 or 180.
        Raises ModelMissingError when the models are not set up.
        """
        img = _as_bgr(bgr)
        work, f = _work_image(img)
        faces = self._detect_turned(img, work, f, min_face_frac, 0)
        if faces or not any_orientation:
            return faces
        return self._detect_any_turn(img, work, f, min_face_frac)

    def detect_coarse_first(self, bgr: np.ndarray, *, rival_area: float, min_face_frac: float = 0.06) -> list[Face]:
        """``detect`` (any orientation) for callers that need the main face and every
        face at least ``rival_area`` times its area, not every small face.

        The coarse level runs first. When the main face is so large that any such
        face is coarse-sized too, that is the answer. Otherwise the fine level adds
        what the coarse one could not see, without running the coarse level or
        confirming its faces a second time.
        """
        img = _as_bgr(bgr)
        work, f = _work_image(img)
        coarse = self.coarse_face_frac(img.shape)
        faces = self._detect_turned(img, work, f, coarse, 0)
        if faces and min(faces[0].box[2:]) * math.sqrt(rival_area) >= coarse * min(img.shape[:2]):
            return faces
        if coarse > min_face_frac:
            faces = self._detect_turned(img, work, f, min_face_frac, 0, known=faces)
        if faces:
            return faces
        return self._detect_any_turn(img, work, f, min_face_frac)

    def _detect_any_turn(self, img: np.ndarray, work: np.ndarray, f: float, min_face_frac: float) -> list[Face]:
        """Faces in the image turned by 90, 270 or 180 degrees (see ``detect``)."""
        best: list[Face] = []
        for k in (1, 3, 2):
            found = self._detect_turned(img, work, f, min_face_frac, k)
            if found and (not best or _quality(found[0]) > _quality(best[0])):
                best = found
            if best and best[0].score >= 0.8 and best[0].landmark_score >= _STRONG_PRESENCE:
                break  # a clear face: the remaining orientations cannot do better
        return best

    @staticmethod
    def coarse_face_frac(shape: tuple[int, ...]) -> float:
        """The smallest ``min_face_frac`` at which ``detect`` runs the detector at its
        coarse level only (the whole image at 128 px): about a tenth of the long side.
        Asking for larger faces only costs a fraction of a full search."""
        h, w = _work_shape(shape)
        return FACE_PX_MIN * max(h, w) / (DET_INPUT * LEVEL_OVERLAP * min(h, w)) * 1.01

    def _detect_turned(self, img: np.ndarray, work: np.ndarray, f: float,
                       min_face_frac: float, k: int, known: list[Face] | None = None) -> list[Face]:
        """Faces upright in the image turned by k quarter turns. With ``known`` (the
        coarse level's faces, already confirmed) only the finer levels run, and their
        candidates on a known face are not confirmed again."""
        turned = np.ascontiguousarray(np.rot90(work, k)) if k else work
        min_face_work = min_face_frac * min(work.shape[:2])
        # Skip candidates whose detector eye keypoints are far from level in this
        # orientation: the roll filter below would drop them after the mesh passes.
        cands = [c for c in _run_detector(turned, min_face_work, fine_only=known is not None)
                 if abs(math.degrees(math.atan2(float(c.kps[1, 1] - c.kps[0, 1]),
                                                float(c.kps[1, 0] - c.kps[0, 0]))))
                 <= UPRIGHT_ROLL + 25.0]
        to_img = 1.0 / f
        for c in cands:  # back to the coordinates of the unturned image
            corners = _unrotate(c.box.reshape(2, 2), k, work.shape[:2])
            c.box = np.concatenate([corners.min(0), corners.max(0)]) * to_img
            c.kps = _unrotate(c.kps, k, work.shape[:2]) * to_img
        if known:
            cands = [c for c in cands if not any(_on_face(c, fc) for fc in known)]
        if not cands:
            return list(known or [])
        faces = self._confirm(img, cands, min_face_frac * min(img.shape[:2]))
        faces = [fc for fc in faces if abs(_wrap_deg(fc.roll_deg - 90.0 * k)) <= UPRIGHT_ROLL]
        return _dedupe([*(known or []), *faces]) if known else faces

    def _confirm(self, img: np.ndarray, cands: list[_Candidate],
                 min_face_px: float) -> list[Face]:
        # Pass 1: ROI from the detector box and its eye keypoints.
        rois = []
        for c in cands:
            centre = np.array([(c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2],
                              np.float64)
            side = float(max(c.box[2] - c.box[0], c.box[3] - c.box[1])) * ROI_SCALE
            eye_l, eye_r = c.kps[0], c.kps[1]
            theta = math.atan2(float(eye_r[1] - eye_l[1]), float(eye_r[0] - eye_l[0]))
            rois.append((centre, side, theta))
        logit, lms = self._mesh(img, rois)
        alive = [i for i in range(len(cands)) if logit[i] >= MESH_LOGIT]
        # Refinement: re-crop around the landmarks, exactly eye-levelled (as MediaPipe's
        # tracking does). A second refinement only when the crop was still far off
        # level, e.g. a face lying sideways whose detector keypoints were poor.
        todo = alive
        for _ in range(MAX_REFINE):
            if not todo:
                break
            rois2 = [_roi_from_landmarks(lms[i]) for i in todo]
            p2, lm2 = self._mesh(img, rois2)
            nxt = []
            for j, i in enumerate(todo):
                if p2[j] < MESH_LOGIT:
                    continue  # keep the previous pass; the refined crop lost the face
                logit[i], lms[i] = p2[j], lm2[j]
                _, _, theta_new = _roi_from_landmarks(lm2[j])
                if abs(_wrap_deg(math.degrees(theta_new - rois2[j][2]))) > 8.0:
                    nxt.append(i)
            todo = nxt
        # An upside-down face can pass as a weak upright one (logit ~5-11 where real
        # upright faces give > 15). Where the same crop turned 180 degrees is a clear
        # face, the candidate is that upside-down face: drop it here; the orientation
        # search in detect() finds it properly. (Weak but genuine faces, e.g. cut by
        # the border or stretched, stay: their turned crop is no clear face.)
        weak = [i for i in alive if logit[i] < MESH_LOGIT_STRONG]
        if weak:
            flipped, _ = self._mesh(img, [(c, sd, th + math.pi) for c, sd, th in
                                          (_roi_from_landmarks(lms[i]) for i in weak)])
            upside_down = {i for j, i in enumerate(weak)
                           if flipped[j] >= MESH_LOGIT_STRONG and flipped[j] > logit[i]}
            alive = [i for i in alive if i not in upside_down]
        # Weak evidence from both models at once is what blurred text and textures
        # produce; a real face that is blurred, cut by the border or stretched is
        # weak in one model only.
        alive = [i for i in alive
                 if logit[i] >= MESH_LOGIT_SURE or cands[i].score >= DET_SCORE_SURE]
        faces: list[Face] = []
        for i in alive:
            presence = 1.0 / (1.0 + math.exp(-min(max(logit[i], -80.0), 80.0)))
            face = _face_from_landmarks(lms[i], cands[i].score, presence)
            if face.face_right_x - face.face_left_x >= 0.7 * min_face_px or \
                    face.box[3] >= 0.7 * min_face_px:
                faces.append(face)
        return _dedupe(faces)

    @staticmethod
    def _mesh(img: np.ndarray, rois: list[tuple[np.ndarray, float, float]]
              ) -> tuple[list[float], list[np.ndarray]]:
        crops, mats = [], []
        for centre, side, theta in rois:
            crop, m = _warp_roi(img, centre, side, theta, MESH_INPUT)
            crops.append(crop)
            mats.append(m)
        logits, pts = _run_mesh(crops)
        return ([float(v) for v in logits],
                [_to_image(pts[i], mats[i]) for i in range(len(rois))])


_STRONG_PRESENCE = 1.0 / (1.0 + math.exp(-MESH_LOGIT_STRONG))


def _quality(face: Face) -> float:
    return face.score * face.landmark_score


def _on_face(c: _Candidate, face: Face) -> bool:
    """True when a detector candidate's centre lies inside a confirmed face's box."""
    cx, cy = (c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2
    x, y, w, h = face.box
    return bool(x <= cx <= x + w and y <= cy <= y + h)


def _dedupe(faces: list[Face]) -> list[Face]:
    """Drop a face whose mesh centre lies inside a larger, already kept face."""
    faces = sorted(faces, key=lambda fc: -(fc.box[2] * fc.box[3]))
    kept: list[Face] = []
    for fc in faces:
        cx, cy = fc.center
        dup = False
        for k in kept:
            x, y, w, h = k.box
            if x <= cx <= x + w and y <= cy <= y + h:
                dup = True
                break
        if not dup:
            kept.append(fc)
    return kept


get_detector = shared(FaceDetector)


def face_width_ratio(face: Face) -> float:
    """Eye distance over the eye-line-to-chin distance, measured in the face's own frame.

    A proportion of the face, independent of its size and roll. On real frontal faces
    the mesh gives about 0.47 to 0.63 (median 0.57); a face stretched sideways reads
    far higher, a squashed one lower. Turning the head (yaw) only lowers it."""
    el = np.asarray(face.eye_left, np.float64)
    er = np.asarray(face.eye_right, np.float64)
    axis = er - el
    eye_dist = float(np.hypot(*axis))
    if eye_dist <= 0:
        return 0.0
    normal = np.array([-axis[1], axis[0]]) / eye_dist
    down = abs(float(np.dot(np.asarray(face.chin, np.float64) - (el + er) / 2, normal)))
    return eye_dist / down if down > 0 else 0.0


def upright_rotation(bgr: np.ndarray) -> int:
    """np.rot90 k (0..3 counter-clockwise quarter turns) that makes the main face upright.

    Works on a copy whose long side is at most 320 px: finds the largest face in any
    orientation and rounds its roll to quarter turns (roll +90, the head lying with
    its top to the right, needs one counter-clockwise turn: k=1). 0 if no face.
    """
    img, _ = _downscale(_as_bgr(bgr), 320)
    faces = get_detector().detect(img, min_face_frac=0.12, any_orientation=True)
    if not faces:
        return 0
    return int(round(faces[0].roll_deg / 90.0)) % 4
