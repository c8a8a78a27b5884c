"""Head geometry from face landmarks plus a foreground (person) map.

The crown is found where the head meets the background, scanning up from the
forehead landmark inside a column centred on the face; the landmarks alone put
the crown only at the hairline. When the foreground map cannot be trusted there
(head cut by the top edge, busy background), an anthropometric estimate bounds
it: on adult faces the eye line sits close to half-way between crown and chin.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .vision.face import Face

# Crown height above the eye line, in units of the eye-to-chin distance, used when the
# top of the hair is not seen: the pack's [photo.head] crown_estimate (the skull top, not a
# guess at the hair) is passed in; this is the same value for callers without a pack.
CROWN_EST = 0.86
CROWN_MIN = 0.75
CROWN_MAX = 1.7


@dataclass(frozen=True)
class Head:
    crown_y: float
    chin_y: float
    eye_y: float
    center_x: float
    width: float            # face contour width at ear level
    left_x: float
    right_x: float
    roll_deg: float
    crown_measured: bool    # False: the estimate was used
    crown_cut: bool         # the head reaches the top edge
    eye_x: float = 0.0      # midpoint between the eyes
    chin_x: float = 0.0

    def scaled(self, f: float) -> "Head":
        """The same head in an image scaled by f."""
        from dataclasses import replace

        return replace(self, crown_y=self.crown_y * f, chin_y=self.chin_y * f, eye_y=self.eye_y * f,
                       center_x=self.center_x * f, width=self.width * f, left_x=self.left_x * f,
                       right_x=self.right_x * f, eye_x=self.eye_x * f, chin_x=self.chin_x * f)

    @property
    def height(self) -> float:
        return self.chin_y - self.crown_y


def face_center_x(face: Face) -> float:
    """Horizontal face centre: the mean of the eye midpoint and the chin."""
    mid = (face.eye_left[0] + face.eye_right[0]) / 2
    return (mid + face.chin[0]) / 2


def find_crown(fg: np.ndarray, face: Face, *, min_frac: float = 0.12, gap_rows: int | None = None) -> tuple[float, bool]:
    """Topmost row of the head in ``fg`` (bool HxW, True = person), scanning up.

    Returns (crown_y, reached_top_edge)."""
    h, w = fg.shape[:2]
    cx = face_center_x(face)
    fw = max(4.0, face.face_right_x - face.face_left_x)
    x0 = int(max(0, cx - 0.22 * fw))
    x1 = int(min(w, cx + 0.22 * fw + 1))
    start = int(min(h - 1, max(0, face.forehead[1])))
    if x1 <= x0 or start <= 0:
        return float(max(0, start)), start <= 0
    band = fg[:start + 1, x0:x1]
    frac = band.mean(axis=1)  # per row, from 0 to start
    gap = gap_rows or max(2, int(0.01 * h))
    y = start
    miss = 0
    top = start
    while y >= 0:
        if frac[y] >= min_frac:
            top = y
            miss = 0
        else:
            miss += 1
            if miss > gap:
                break
        y -= 1
    reached = y < 0 and top <= gap
    return float(top), reached


def head_width(fg: np.ndarray, face: Face) -> tuple[float, float] | None:
    """Left and right edge of the head (ears and hair included) at ear level,
    from the foreground run that contains the face centre; median over a few rows."""
    h, w = fg.shape[:2]
    eye_y = (face.eye_left[1] + face.eye_right[1]) / 2
    d = face.chin[1] - eye_y
    cx = int(round(face_center_x(face)))
    if not 0 <= cx < w or d <= 0:
        return None
    lefts, rights = [], []
    for t in (0.05, 0.15, 0.25, 0.35):
        y = int(round(eye_y + t * d))
        if not 0 <= y < h:
            continue
        row = fg[y]
        if not row[cx]:
            continue
        off = np.flatnonzero(~row[:cx][::-1])
        left = cx - (off[0] if len(off) else cx)
        off = np.flatnonzero(~row[cx:])
        right = cx + (off[0] if len(off) else w - cx)
        lefts.append(left)
        rights.append(right)
    if len(lefts) < 2:
        return None
    return float(np.median(lefts)), float(np.median(rights))


def measure_head(face: Face, fg: np.ndarray | None, *, crown_est: float = CROWN_EST) -> Head:
    eye_y = (face.eye_left[1] + face.eye_right[1]) / 2
    chin_y = face.chin[1]
    d = max(1.0, chin_y - eye_y)
    est = eye_y - crown_est * d
    crown, measured, cut = est, False, est <= 0
    if fg is not None:
        y, reached = find_crown(fg, face)
        lo, hi = eye_y - CROWN_MAX * d, eye_y - CROWN_MIN * d
        if reached:
            crown, measured, cut = 0.0, True, True
        elif lo <= y <= hi:
            crown, measured, cut = y, True, False
    left, right = face.face_left_x, face.face_right_x
    if fg is not None:
        edges = head_width(fg, face)
        lm_w = right - left
        # Trust the foreground only where it looks like a head: ears and hair make it
        # somewhat wider than the landmark contour, a shoulder or a busy wall much wider.
        if edges is not None and 0.95 * lm_w <= edges[1] - edges[0] <= 1.5 * lm_w:
            left, right = edges
    return Head(crown_y=float(crown), chin_y=float(chin_y), eye_y=float(eye_y), center_x=float(face_center_x(face)),
                width=float(right - left), left_x=float(left), right_x=float(right), roll_deg=float(face.roll_deg),
                crown_measured=measured, crown_cut=bool(cut),
                eye_x=float((face.eye_left[0] + face.eye_right[0]) / 2), chin_x=float(face.chin[0]))


def _components_at(mask: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The connected parts of ``mask`` that reach the middle of ``box``."""
    m = mask.astype(np.uint8)
    n, labels = cv2.connectedComponents(m, connectivity=8)
    if n <= 2:
        return mask.astype(bool)
    x, y, w, h = box
    x0, y0 = int(max(0, x + 0.25 * w)), int(max(0, y + 0.25 * h))
    x1, y1 = int(min(m.shape[1], x + 0.75 * w)), int(min(m.shape[0], y + 0.75 * h))
    ids = np.unique(labels[y0:max(y0 + 1, y1), x0:max(x0 + 1, x1)])
    ids = ids[ids != 0]
    if len(ids) == 0:
        return mask.astype(bool)
    keep = np.zeros(n, bool)  # a lookup table by label: much faster than np.isin
    keep[ids] = True
    return keep[labels]


def main_person(person: np.ndarray, face, split_y: float | None = None) -> np.ndarray:
    """The part of a person mask that belongs to the person with this face.

    Above ``split_y`` (the mouth line) only what connects to the face *within those
    rows* counts: a head with its hair. Below it, what connects to that person's
    body. So someone standing beside the shoulders, or an object the segmenter
    mistook for a person, is dropped: it is neither kept by the fixer nor
    excused from the background check."""
    person = person.astype(bool)
    whole = _components_at(person, face.box)
    if split_y is None:
        return whole
    sy = int(np.clip(split_y, 1, person.shape[0]))
    upper = _components_at(person[:sy], face.box)
    out = whole.copy()
    out[:sy] = upper
    _add_body_below(out, person, face.box, sy)
    return out


def _add_body_below(out: np.ndarray, person: np.ndarray, box: tuple[float, float, float, float], sy: int) -> None:
    """Keep the person's body when the mask's link through the neck is broken.

    A thin or low-contrast neck can leave the shoulders as a separate component; dropping
    them would whiten the clothes and leave a floating head. A part below the mouth line
    that starts within a face height under the face, spans the middle of the face, is
    wider than the face and rises from the bottom edge is this person's body (shoulders),
    whoever else is in the picture."""
    if not (person[-1] & ~out[-1]).any():   # nothing left out rises from the bottom edge
        return
    rest = person.copy()
    rest[:sy] = False
    rest &= ~out
    x, y, w, h = box
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        bx, by, bw, bh = (int(v) for v in stats[i][:4])
        keep[i] = (by + bh >= person.shape[0] and by <= y + 2.0 * h and bx < x + 0.25 * w
                   and bx + bw > x + 0.75 * w and bw >= w)
    if keep.any():
        out |= keep[labels]
