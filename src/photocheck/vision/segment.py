"""Person / background segmentation: MediaPipe selfie segmentation through cv2.dnn,
upsampled with an edge-aware guided filter so the mask edge follows hair and
shoulders in the full-resolution image.

Pure numpy/cv2; no Qt. The consumer composites ``out = m*img + (1-m)*white``.

Measured choices (on the labelled 390x567 cases and on corpus portraits):
- input is RGB scaled to [0, 1]; the image is stretched to 256x256, not
  letterboxed: letterboxing wastes resolution on wide photos and left false blobs
  at the padded edges, and the masks of portrait-shaped crops were as good;
- the guided filter uses the colour image as guide (He, Sun and Tang, "Guided
  image filtering"), computed at most REFINE_SIDE pixels on the long side; its
  linear coefficients are then upsampled to full size ("fast guided filter"),
  so the cost does not grow with megapixels.
"""

from __future__ import annotations


import cv2
import numpy as np

from ..lazy import shared
from ._nets import get_net

SEG_MODEL = "selfie_segmentation.tflite"
SEG_INPUT = 256
REFINE_SIDE = 384  # the guided filter runs at most at this long side
# Filter radius as a fraction of the long side, and the regularisation (guide in
# [0, 1]); smaller eps follows image edges more closely.
RADIUS_FRAC = 1.0 / 100.0
EPS = 1e-3
# Before filtering, the model's soft edge (~15 px wide at 1000 px, from 256 px
# upsampling) is steepened around 0.5; after filtering, a smoothstep from
# ALPHA_LO to ALPHA_HI removes the faint alpha the filter leaves on background
# that is as dark or as bright as the hair, the cause of grey haze and fringes.
STEEPEN = 4.0
ALPHA_LO, ALPHA_HI = 0.2, 0.85


def _box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window of one plane, edges reflected."""
    return cv2.boxFilter(x, -1, (2 * r + 1, 2 * r + 1), normalize=True, borderType=cv2.BORDER_REFLECT)


def _guided_coefficients(planes: list[np.ndarray], p: np.ndarray, r: int,
                         eps: float) -> tuple[list[np.ndarray], np.ndarray]:
    """Smoothed linear coefficients (A, b) with q = sum_c A[c] * I_c + b.

    planes: the guide's channels (1 or 3), each a contiguous HxW float32 plane in
    [0, 1]; p: HxW float32. Everything stays planar: strided channel slices of an
    interleaved array made this three times slower.
    """
    mean_p = _box(p, r)
    mean_i = [_box(c, r) for c in planes]
    cov_ip = [_box(c * p, r) - m * mean_p for c, m in zip(planes, mean_i)]
    if len(planes) == 1:
        var = _box(planes[0] * planes[0], r) - mean_i[0] * mean_i[0]
        a = [cov_ip[0] / (var + eps)]
    else:
        def cov(i: int, j: int) -> np.ndarray:
            return _box(planes[i] * planes[j], r) - mean_i[i] * mean_i[j]

        # Per-pixel 3x3 covariance of the guide plus eps*I, inverted in closed form.
        rr, rg, rb, gg, gb, bb = cov(0, 0) + eps, cov(0, 1), cov(0, 2), cov(1, 1) + eps, cov(1, 2), cov(2, 2) + eps
        inv_rr = gg * bb - gb * gb
        inv_rg = gb * rb - rg * bb
        inv_rb = rg * gb - gg * rb
        inv_gg = rr * bb - rb * rb
        inv_gb = rb * rg - rr * gb
        inv_bb = rr * gg - rg * rg
        det = rr * inv_rr + rg * inv_rg + rb * inv_rb
        inv_det = 1.0 / np.where(np.abs(det) < 1e-12, np.float32(1e-12), det)
        c0, c1, c2 = cov_ip
        a = [(inv_rr * c0 + inv_rg * c1 + inv_rb * c2) * inv_det,
             (inv_rg * c0 + inv_gg * c1 + inv_gb * c2) * inv_det,
             (inv_rb * c0 + inv_gb * c1 + inv_bb * c2) * inv_det]
    b = mean_p - sum(ai * m for ai, m in zip(a, mean_i))
    return [_box(ai, r) for ai in a], _box(b, r)


def _resize_to(m: np.ndarray, w: int, h: int) -> np.ndarray:
    if m.shape == (h, w):
        return m
    shrink = m.shape[0] > h and m.shape[1] > w
    return cv2.resize(m, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def refine(mask: np.ndarray, guide_bgr: np.ndarray, radius: int, eps: float = EPS,
           *, max_side: int | None = REFINE_SIDE) -> np.ndarray:
    """Guided-filter a soft mask so its edges follow the guide image's edges.

    mask: HxW float in [0, 1] (any size; resized to the guide's size).
    guide_bgr: HxWx3 (colour guide) or HxW (grey guide), uint8 or float in [0, 1].
    radius: window radius in guide pixels; eps: regularisation (guide in [0, 1]).
    With max_side set and a larger guide, the filter runs on a reduced copy with a
    proportionally reduced radius and its coefficients are upsampled (fast guided
    filter). Returns float32 HxW clipped to [0, 1].
    """
    h, w = guide_bgr.shape[:2]
    m = np.asarray(mask, np.float32)
    g = guide_bgr.astype(np.float32) * np.float32(1.0 / 255.0) if guide_bgr.dtype == np.uint8 else \
        guide_bgr.astype(np.float32)
    g = g[..., None] if g.ndim == 2 else g
    ch = g.shape[2]
    s = 1.0
    if max_side is not None and max(h, w) > max_side:
        s = max_side / max(h, w)
    if s < 1.0:
        sw, sh = max(round(w * s), 1), max(round(h * s), 1)
        small = cv2.resize(g, (sw, sh), interpolation=cv2.INTER_AREA).reshape(sh, sw, ch)
        a, b = _guided_coefficients(list(cv2.split(small)), _resize_to(m, sw, sh), max(1, round(radius * s)), eps)
        a = cv2.resize(cv2.merge(a), (w, h), interpolation=cv2.INTER_LINEAR)
        b = cv2.resize(b, (w, h), interpolation=cv2.INTER_LINEAR)
    else:
        a, b = _guided_coefficients(list(cv2.split(g)), _resize_to(m, w, h), max(1, int(radius)), eps)
        a = cv2.merge(a)
    # q = b + sum_c a_c * I_c, summed over channels by a 1 x C transform
    q = cv2.transform(a.reshape(h, w, ch) * g, np.ones((1, ch), np.float32)).reshape(h, w) + b
    return np.clip(q, 0.0, 1.0).astype(np.float32)


def _as_bgr(img: np.ndarray) -> np.ndarray:
    if not isinstance(img, np.ndarray) or img.size == 0:
        raise ValueError("expected a non-empty image array")
    if img.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {img.dtype}")
    if img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 1):
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.ndim == 3 and img.shape[2] == 3:
        return img
    raise ValueError(f"unsupported image shape {img.shape}")


class PersonSegmenter:
    """Thread-safe; use get_segmenter() for the shared instance."""

    def raw(self, bgr: np.ndarray) -> np.ndarray:
        """The model's own 256x256 float32 person probability for the stretched image."""
        img = _as_bgr(bgr)
        interp = cv2.INTER_AREA if max(img.shape[:2]) > SEG_INPUT else cv2.INTER_LINEAR
        inp = cv2.resize(img, (SEG_INPUT, SEG_INPUT), interpolation=interp)
        blob = cv2.dnn.blobFromImage(inp, 1.0 / 255.0, (SEG_INPUT, SEG_INPUT), (0, 0, 0),
                                     swapRB=True)
        with get_net(SEG_MODEL) as net:
            net.setInput(blob)
            out = net.forward()
        return np.clip(out.reshape(SEG_INPUT, SEG_INPUT), 0.0, 1.0).astype(np.float32)

    def mask(self, bgr: np.ndarray, *, refine_edges: bool = True) -> np.ndarray:
        """float32 HxW in [0, 1], 1 = person (hair, clothes), same size as the input.

        Raises ModelMissingError when the model is not set up.
        """
        return self.mask_and_confidence(bgr, refine_edges=refine_edges)[0]

    def mask_and_confidence(self, bgr: np.ndarray, *, refine_edges: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """``mask`` and the model's own probability (``raw``), both HxW float32 at the
        input's size, from one inference: the refined mask is sure where the model was
        not (the filter follows the image's edges), the probability says where that is."""
        img = _as_bgr(bgr)
        h, w = img.shape[:2]
        low = self.raw(img)
        prob = cv2.resize(low, (w, h), interpolation=cv2.INTER_LINEAR)
        if not refine_edges:
            return prob, prob
        p = np.clip((low - 0.5) * STEEPEN + 0.5, 0.0, 1.0)
        # Radius in full-size pixels; refine() scales it with the reduced guide.
        radius = max(2, round(max(h, w) * RADIUS_FRAC))
        q = refine(p, img, radius, EPS)
        t = np.clip((q - ALPHA_LO) / (ALPHA_HI - ALPHA_LO), 0.0, 1.0)
        return (t * t * (3.0 - 2.0 * t)).astype(np.float32), prob


def isolate(mask: np.ndarray, points: list[tuple[float, float]], *,
            threshold: float = 0.25) -> np.ndarray:
    """Keep only the mask regions that contain one of ``points`` (e.g. face centres).

    The model sometimes marks person-like things (a statue, a poster) as a
    detached blob; for a portrait only the subject matters. Regions are the
    8-connected components of ``mask > threshold``; the kept ones are dilated by a
    few pixels so their soft edges survive. Points outside the image or on
    background are ignored; with none left, the mask is returned unchanged.
    """
    m = np.asarray(mask, np.float32)
    h, w = m.shape
    n, labels = cv2.connectedComponents((m > threshold).astype(np.uint8), connectivity=8)
    keep = {int(labels[int(y), int(x)]) for x, y in points
            if 0 <= x < w and 0 <= y < h and labels[int(y), int(x)] != 0}
    if not keep:
        return m
    lut = np.zeros(n, np.uint8)
    lut[sorted(keep)] = 1
    region = lut[labels]
    grow = max(1, round(max(h, w) / 200))
    region = cv2.dilate(region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                          (2 * grow + 1, 2 * grow + 1)))
    return (m * region).astype(np.float32)


get_segmenter = shared(PersonSegmenter)
