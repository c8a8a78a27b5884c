"""Patches of the old background that a person mask swallowed.

A segmenter often keeps a piece of the wall that touches the hair (a "cap" over the
crown) or shows between a collar and a lapel. When the source stands in front of one
plain colour, that colour is known from the pixels around the person; a piece of the
person mask that has it, and is nearer to it by a margin than to any of the person's own
colours (a small k-means palette of the mask's inside, in Lab), is old background.

Pure numpy/cv2.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PERSON_COLOURS = 6
MAX_SAMPLES = 4000
# Lab (8-bit) of a background that is white already: whitening shows nothing there.
WHITE_L = 235
WHITE_AB = 6


@dataclass(frozen=True)
class Patches:
    mask: np.ndarray            # bool HxW: the pixels that are old background
    share: float                # their area over the person's
    background_lab: np.ndarray  # the background's colour (3,)


def _palette(samples: np.ndarray, k: int) -> np.ndarray:
    if len(samples) > MAX_SAMPLES:
        samples = samples[np.random.default_rng(7).choice(len(samples), MAX_SAMPLES, replace=False)]
    k = max(1, min(k, len(samples)))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(7)
    _, _, centres = cv2.kmeans(np.ascontiguousarray(samples, np.float32), k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    return centres


def background_colour(lab: np.ndarray, person: np.ndarray, valid: np.ndarray, ring: int,
                      max_spread: float) -> np.ndarray | None:
    """Median Lab colour of the background within ``ring`` px of the person, or None
    when it is not one plain colour (90th percentile distance above ``max_spread``)."""
    kernel = np.ones((2 * ring + 1, 2 * ring + 1), np.uint8)  # square: separable, fast
    near = (cv2.dilate(person.astype(np.uint8), kernel) > 0) & ~person & valid
    px = lab[near]
    if len(px) < 50:
        return None
    med = np.median(px, axis=0)
    if float(np.percentile(np.linalg.norm(px - med, axis=1), 90)) > max_spread:
        return None
    return med


def find_patches(bgr: np.ndarray, person: np.ndarray, valid: np.ndarray, protect: np.ndarray | None, *,
                 delta: float, margin: float, band: float, min_area: float, max_spread: float,
                 white: np.ndarray | None = None) -> Patches | None:
    """Old-background pixels inside ``person`` (bool HxW).

    ``valid``: where the image has source pixels (the background is sampled only
    there); ``protect``: pixels never taken (the face); ``delta``: a pixel within this
    Lab distance of the background colour and at least ``margin`` nearer to it than to
    the person's palette is background; ``band``: the ring (fraction of the width)
    where the background is sampled and the depth of the mask left out of the person's
    palette; ``min_area``: pieces smaller than this fraction of the frame are edge
    noise; ``max_spread``: see ``background_colour``; ``white``: pixels already white.
    None when the background is not one plain, non-white colour."""
    h, w = person.shape
    r = max(3, int(band * w))
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    bg = background_colour(lab, person, valid, r, max_spread)
    if bg is None or (bg[0] >= WHITE_L and abs(bg[1] - 128) <= WHITE_AB and abs(bg[2] - 128) <= WHITE_AB):
        return None
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    inner = cv2.erode(person.astype(np.uint8), kernel) > 0
    look = person.copy()
    if protect is not None:
        look &= ~protect
    if white is not None:
        look &= ~white
    if int(inner.sum()) < 50 or not look.any():
        return None
    ys, xs = np.nonzero(look)
    px = lab[ys, xs]
    d_bg = np.linalg.norm(px - bg, axis=1)
    near = d_bg < delta
    d_p = np.full(len(px), np.inf, np.float32)
    for c in _palette(lab[inner], PERSON_COLOURS):
        d_p[near] = np.minimum(d_p[near], np.linalg.norm(px[near] - c, axis=1))
    hit = near & (d_p > d_bg + margin)
    cand = np.zeros((h, w), np.uint8)
    cand[ys[hit], xs[hit]] = 1
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(4, min_area * h * w)
    keep[0] = False
    mask = keep[labels]
    share = float(mask.sum()) / max(1, int(person.sum()))
    return Patches(mask, share, bg)
