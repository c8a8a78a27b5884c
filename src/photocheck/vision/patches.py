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
# Colours sought in a background of several surfaces.
BG_COLOURS = 4
# The searches run on a grid about this many columns wide.
WORK_WIDTH = 200
PATCH_WORK_WIDTH = 300
# A foreign piece borders the background along at least this share of its rim.
OUTLINE_SHARE = 0.1
MAX_SAMPLES = 4000
# Lab (8-bit) of a background that is white already: whitening shows nothing there.
WHITE_L = 235
WHITE_AB = 6


@dataclass(frozen=True)
class Patches:
    mask: np.ndarray            # bool HxW: the pixels that are old background
    share: float                # their area over the person's
    background_lab: np.ndarray  # the background's colour (3,)
    plain: bool = True          # found on a background of one plain colour


def _palette(samples: np.ndarray, k: int, max_samples: int = MAX_SAMPLES, attempts: int = 2) -> np.ndarray:
    if len(samples) > max_samples:
        samples = samples[np.random.default_rng(7).choice(len(samples), max_samples, replace=False)]
    k = max(1, min(k, len(samples)))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(7)
    _, _, centres = cv2.kmeans(np.ascontiguousarray(samples, np.float32), k, None, crit, attempts,
                               cv2.KMEANS_PP_CENTERS)
    return centres


def background_colour(lab: np.ndarray, person: np.ndarray, valid: np.ndarray, ring: int,
                      max_spread: float) -> np.ndarray | None:
    """Median Lab colour of the background within ``ring`` px of the person, or None
    when it is not one plain colour (90th percentile distance above ``max_spread``)."""
    px = _ring_pixels(lab, person, valid, ring)
    if len(px) < 50:
        return None
    med = np.median(px, axis=0)
    if float(np.percentile(np.linalg.norm(px - med, axis=1), 90)) > max_spread:
        return None
    return med


def _ring_pixels(lab: np.ndarray, person: np.ndarray, valid: np.ndarray, ring: int) -> np.ndarray:
    kernel = np.ones((2 * ring + 1, 2 * ring + 1), np.uint8)  # square: separable, fast
    near = (cv2.dilate(person.astype(np.uint8), kernel) > 0) & ~person & valid
    return lab[near]


# _min_dist works through the pixel-colour pairs in blocks of about this many.
PAIR_BLOCK = 1 << 17


def _min_dist(px: np.ndarray, colours) -> np.ndarray:
    """Lab distance of each pixel (N, 3) to the nearest of ``colours``.

    Channel by channel over blocks of pixel-colour pairs, in float32 with the sum taken
    in channel order (what ``einsum("ij,ij->i")`` of the differences gives, one colour
    at a time, and several times faster for the many colours of a frame edge)."""
    cols = np.asarray(colours, np.float32).reshape(-1, 3)
    best = np.full(len(px), np.inf, np.float32)
    if not len(px) or not len(cols):
        return np.sqrt(best)
    chans = np.ascontiguousarray(np.asarray(px, np.float32).T)  # (3, N)
    if len(cols) <= 8:  # few colours: one at a time over all pixels
        acc, d = np.empty(len(px), np.float32), np.empty(len(px), np.float32)
        for c in cols:
            np.subtract(chans[0], c[0], out=acc)
            acc *= acc
            for k in (1, 2):
                np.subtract(chans[k], c[k], out=d)
                d *= d
                acc += d
            np.minimum(best, acc, out=best)
        return np.sqrt(best)
    rows = max(1, PAIR_BLOCK // len(cols))
    for i in range(0, len(px), rows):
        blk = chans[:, i:i + rows, None]
        acc = blk[0] - cols[:, 0]
        acc *= acc
        d = np.empty_like(acc)
        for k in (1, 2):
            np.subtract(blk[k], cols[:, k], out=d)
            d *= d
            acc += d
        best[i:i + rows] = acc.min(axis=1)
    return np.sqrt(best)


def _is_white(c: np.ndarray) -> bool:
    return bool(c[0] >= WHITE_L and abs(c[1] - 128) <= WHITE_AB and abs(c[2] - 128) <= WHITE_AB)


def _local_mean(lab: np.ndarray, where: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean Lab of the ``where`` pixels in a k x k window, and the window's share of them."""
    wgt = cv2.boxFilter(where.astype(np.float32), -1, (k, k), normalize=True)
    s = cv2.boxFilter(lab * where[..., None], -1, (k, k), normalize=True)
    return s / np.maximum(wgt, 1e-6)[..., None], wgt


def _frame_seeds(lab: np.ndarray, look: np.ndarray, wall: np.ndarray, delta: float,
                 run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixels of ``look`` on the frame's outer rows and columns within ``delta`` (Lab) of
    a ``wall`` pixel on the same edge of the frame, in runs of at least ``run`` px along
    the edge (a piece, not the blend where the person's outline meets the frame): rows,
    columns and their colours."""
    h, w = look.shape
    lines = ((np.zeros(w, int), np.arange(w)), (np.full(w, h - 1), np.arange(w)),
             (np.arange(h), np.zeros(h, int)), (np.arange(h), np.full(h, w - 1)))
    ys, xs = [], []
    for yy, xx in lines:
        cand, bg = look[yy, xx], wall[yy, xx]
        if not cand.any() or not bg.any():
            continue
        idx = np.nonzero(cand)[0]
        hit = np.zeros(len(cand), bool)
        hit[idx[_min_dist(lab[yy[idx], xx[idx]], lab[yy[bg], xx[bg]]) < delta]] = True
        # Runs of hits: starts and ends of each.
        d = np.diff(np.concatenate([[0], hit.astype(np.int8), [0]]))
        for s0, s1 in zip(np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]):
            if s1 - s0 >= run:
                ys.append(yy[s0:s1])
                xs.append(xx[s0:s1])
    fy = np.concatenate(ys) if ys else np.zeros(0, int)
    fx = np.concatenate(xs) if xs else np.zeros(0, int)
    return fy, fx, lab[fy, fx]


def find_patches(bgr: np.ndarray, person: np.ndarray, valid: np.ndarray, protect: np.ndarray | None, *,
                 delta: float, margin: float, band: float, min_area: float, max_spread: float,
                 white: np.ndarray | None = None, own: np.ndarray | None = None,
                 min_light: float = 0.0, lab: np.ndarray | None = None) -> Patches | None:
    """Old-background pixels inside ``person`` (bool HxW).

    ``valid``: where the image has source pixels (the background is sampled only
    there); ``protect``: pixels never taken (the face); ``delta``: a pixel within this
    Lab distance of a background colour and at least ``margin`` nearer to it than to
    the person's palette is background; ``band``: the ring (fraction of the width)
    where the background is sampled and the depth of the mask left out of the person's
    palette; ``min_area``: pieces smaller than this fraction of the frame are edge
    noise; ``max_spread``: see ``background_colour``; ``white``: pixels already white;
    ``own``: where the person surely is (the face and skull, the torso's middle
    column below the chin); ``min_light``: on several surfaces, wall colours darker than
    this (8-bit Lab lightness) are not sought; ``lab``: ``bgr`` in float32 8-bit Lab,
    when the caller has it already.

    On a background of one plain colour, every such piece counts. On a background of
    several surfaces, a piece counts only where the mask's edge runs through it without
    a colour edge (the wall goes on across the edge, within ``delta`` of the wall just
    outside): a piece of the wall, not something of the person's that shares a colour
    with some part of the background, and only when it does not reach ``own`` (a dark
    suit on a dark stage has no edge either). Where the frame cuts the wall, a piece on
    the frame's edge in a colour the wall shows on that edge, and the person nowhere
    away from the frame's edges, counts too (with no mask's edge across it to follow).
    Such pieces are left out of the person's palette.
    None when no plain, non-white background colour is found. Several surfaces are
    searched on a grid about PATCH_WORK_WIDTH columns wide (the fixer's 390-column crop
    at full size; on a coarser grid the test of the person's own is too coarse); a plain
    wall at full size."""
    h, w = person.shape
    r = max(3, int(band * w))
    if lab is None:
        lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    plain_bg = background_colour(lab, person, valid, r, max_spread)
    step = int(round(w / PATCH_WORK_WIDTH))
    if step > 1 and plain_bg is None:
        # Several surfaces: searched on the grid.
        def sub(a):
            return None if a is None else np.ascontiguousarray(a[::step, ::step])

        small = find_patches(sub(bgr), sub(person), sub(valid), sub(protect), delta=delta, margin=margin, band=band,
                             min_area=min_area, max_spread=max_spread, white=sub(white), own=sub(own),
                             min_light=min_light, lab=sub(lab))
        if small is None:
            return None
        mask = (cv2.resize(small.mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0) & person
        if protect is not None:
            mask &= ~protect
        return Patches(mask, float(mask.sum()) / max(1, int(person.sum())), small.background_lab, small.plain)
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    inner = cv2.erode(person.astype(np.uint8), kernel) > 0
    look = person.copy()
    if protect is not None:
        look &= ~protect
    if white is not None:
        look &= ~white
    if int(inner.sum()) < 50 or not look.any():
        return None
    seeds = None
    if plain_bg is not None:
        if _is_white(plain_bg):
            return None
        colours = [plain_bg]
    else:
        # Several surfaces: where the mask's edge crosses one without a colour edge (the
        # pixel just inside is within delta of the wall just outside), that surface goes
        # on inside the mask. Its colours are those of the wall just outside such edges.
        outside = ~person & valid
        if white is not None:
            outside &= ~white
        edge = look & (cv2.dilate(outside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
        ey, ex = np.nonzero(edge)
        if len(ey) < 4:
            return None
        # The wall a few pixels out, past the blend of the edge.
        wall = cv2.erode(outside.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        local, wgt = _local_mean(lab, wall, 9)
        ok = (wgt[ey, ex] > 0.05) & (np.linalg.norm(lab[ey, ex] - local[ey, ex], axis=1) < delta)
        # In shadow, hair, clothes and wall are too close in colour to be told apart.
        def wall_colours(refs):
            return [c for c in _palette(refs, BG_COLOURS, 1500, 1) if not _is_white(c) and c[0] >= min_light]

        groups = []  # (seeds, colours): each spreads through its own colours only
        if int(ok.sum()) >= 4:
            colours = wall_colours(local[ey[ok], ex[ok]])
            if colours:
                seeds = np.zeros((h, w), bool)
                seeds[ey[ok], ex[ok]] = True
                groups.append((seeds, colours))
        # Where the frame cuts the wall, a piece of the mask on the frame's edge has no
        # wall beyond it to compare with: the wall goes on past the frame and may come
        # back into it beside the person. On an edge of the frame, a pixel of the mask in
        # a colour the wall shows on that edge (past the blend), in a run as long as the
        # band, that the person shows nowhere else (the palette of the mask's inside away from the frame's edges) is
        # that wall.
        fy, fx, fref = _frame_seeds(lab, look, wall, delta, r)
        if len(fy) >= 4:
            core = inner.copy()
            core[:r] = core[h - r:] = False
            core[:, :r] = core[:, w - r:] = False
            if int(core.sum()) >= 50:
                far = _min_dist(fref, _palette(lab[core], PERSON_COLOURS, 1500, 1)) > delta + margin
                colours = wall_colours(fref[far]) if int(far.sum()) >= 4 else []
                if colours:
                    seeds = np.zeros((h, w), bool)
                    seeds[fy[far], fx[far]] = True
                    groups.append((seeds, colours))
        if not groups:
            return None
        colours = [c for _, cs in groups for c in cs]
    bg = colours[0]
    ys, xs = np.nonzero(look)
    px = lab[ys, xs]
    d_bg = _min_dist(px, colours)
    near = d_bg < delta
    if seeds is not None:
        spread = np.zeros((h, w), bool)
        # A piece that goes on into the person's own (a dark suit on a dark stage, into the
        # torso) by a patch's area or more is the person's, edge or no edge; a thin fringe
        # that merely touches it is not.
        reach = None if own is None else cv2.dilate(own.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        for g_seeds, g_colours in groups:
            g_near = _min_dist(px, g_colours) < delta if len(groups) > 1 else near
            near_map = np.zeros((h, w), np.uint8)
            near_map[ys[g_near], xs[g_near]] = 1
            n, labels = cv2.connectedComponents(near_map, connectivity=8)
            touch = np.zeros(n, bool)
            touch[np.unique(labels[g_seeds & (near_map > 0)])] = True
            if reach is not None:
                inside = np.bincount(labels[reach & (near_map > 0)], minlength=n)
                touch[inside >= max(4, min_area * h * w)] = False
            touch[0] = False
            spread |= touch[labels]
        near &= spread[ys, xs]
        inner &= ~spread
        if int(inner.sum()) < 50 or not near.any():
            return None
    d_p = np.full(len(px), np.inf, np.float32)
    pal = _palette(lab[inner], PERSON_COLOURS) if seeds is None else _palette(lab[inner], PERSON_COLOURS, 1500, 1)
    d_p[near] = _min_dist(px[near], pal)
    hit = near & (d_p > d_bg + margin)
    cand = np.zeros((h, w), np.uint8)
    cand[ys[hit], xs[hit]] = 1
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(4, min_area * h * w)
    keep[0] = False
    mask = keep[labels]
    share = float(mask.sum()) / max(1, int(person.sum()))
    return Patches(mask, share, bg, seeds is None)


def _weighted_palette_distance(px: np.ndarray, palette: np.ndarray, light_weight: float) -> np.ndarray:
    w = np.array([light_weight, 1.0, 1.0], np.float32)
    return np.min(np.stack([np.linalg.norm((px - c) * w, axis=1) for c in palette]), axis=0)


def foreign_pieces(lab: np.ndarray, person: np.ndarray, landmarks: np.ndarray, eye_y: float, chin_y: float, *,
                   delta: float, min_area: float, min_chroma: float, max_chroma: float,
                   hue_range: tuple[float, float], light_weight: float = 0.5) -> np.ndarray:
    """Pieces of ``person`` (bool HxW) beside the head and shoulders that the person
    shows nowhere else: a sign, a poster or a coloured block on the wall that the
    segmenter joined to a shoulder or to the hair.

    The person's own colours (a k-means palette) come from where a portrait shows only
    the person: the column of the face, hair and torso (within 0.6 face widths of the
    face's centre line) and the hair beside the face down to the mouth. Beyond the ears
    (0.75 face widths out) a body shows only its hair and shoulders, in those colours;
    a pixel there farther than ``delta`` from every one of them (Lab, lightness weighted
    by ``light_weight``: light falls off across a shoulder) and of a colour no hair has
    (``person.odd_for_hair``: ombré or grey ends are hair) is foreign. Solid pieces of at
    least ``min_area`` of the frame are returned (bool HxW); landmarks: the face mesh
    in this image's coordinates."""
    from .person import odd_for_hair

    full_h, full_w = person.shape
    if landmarks is None or len(landmarks) < 3 or not person.any():
        return np.zeros((full_h, full_w), bool)
    step = max(1, int(round(full_w / WORK_WIDTH)))  # pieces a reviewer sees are far larger than the grid
    if step > 1:
        small = foreign_pieces(lab[::step, ::step], person[::step, ::step], landmarks / step, eye_y / step,
                               chin_y / step, delta=delta, min_area=min_area, min_chroma=min_chroma,
                               max_chroma=max_chroma, hue_range=hue_range, light_weight=light_weight)
        big = cv2.resize(small.astype(np.uint8), (full_w, full_h), interpolation=cv2.INTER_NEAREST) > 0
        return big & person
    h, w = full_h, full_w
    out = np.zeros((h, w), bool)
    x0, x1 = float(landmarks[:, 0].min()), float(landmarks[:, 0].max())
    fw, cx = max(1.0, x1 - x0), (x0 + x1) / 2
    dx = np.abs(np.arange(w, dtype=np.float32) - cx)[None, :]
    rows = np.arange(h, dtype=np.float32)[:, None]
    mouth_y = eye_y + 0.5 * max(1.0, chin_y - eye_y)
    ref = person & ((dx <= 0.6 * fw) | ((dx <= 0.9 * fw) & (rows <= mouth_y)))
    outer = person & (dx > 0.75 * fw)
    if int(ref.sum()) < 50 or int(outer.sum()) < max(4, min_area * h * w):
        return out
    ys, xs = np.nonzero(outer)
    px = lab[ys, xs]
    odd = odd_for_hair(px, min_chroma=min_chroma, max_chroma=max_chroma, hue_range=hue_range)
    if not odd.any():
        return out
    ys, xs, px = ys[odd], xs[odd], px[odd]
    far = _weighted_palette_distance(px, _palette(lab[ref], 8, 1500, 1), light_weight) > delta
    if not far.any():
        return out
    cand = np.zeros((h, w), np.uint8)
    cand[ys[far], xs[far]] = 1
    k = max(3, int(0.012 * w) | 1)
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(4, min_area * h * w)
    keep[0] = False
    if keep.any():
        # A piece of the wall lies on the person's outline; a badge or a flag on a sleeve
        # is enclosed by the clothes. Of a piece's rim (inside the frame), at least
        # OUTLINE_SHARE must be background.
        grown = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
        inner = np.zeros((h, w), bool)
        inner[1:-1, 1:-1] = True
        ring = inner & (labels == 0) & (grown > 0)
        rim = np.bincount(grown[ring], minlength=n)
        out_rim = np.bincount(grown[ring & ~person], minlength=n)
        keep &= out_rim >= OUTLINE_SHARE * np.maximum(rim, 1)
    return keep[labels]


def foreign_in(lab: np.ndarray, person: np.ndarray, landmarks: np.ndarray, eye_y: float, chin_y: float,
               rules) -> np.ndarray:
    """Pieces of ``person`` beside the head and shoulders in colours the person shows
    nowhere else (foreign_pieces), with the pack's [photo] thresholds."""
    r, hc = rules.background, rules.head_covering
    return foreign_pieces(lab, person, landmarks, eye_y, chin_y, delta=r.foreign_delta,
                          min_area=r.island_min_area, min_chroma=hc.hair_min_chroma, max_chroma=hc.hair_max_chroma,
                          hue_range=(hc.hair_hue_min, hc.hair_hue_max), light_weight=r.foreign_light_weight)


def unsure_background(lab: np.ndarray, person: np.ndarray, conf: np.ndarray, valid: np.ndarray,
                      protect: np.ndarray | None, *, sure: float, margin: float, window: float,
                      min_area: float) -> np.ndarray:
    """Pixels of ``person`` (bool HxW) the segmenter was unsure of (its own probability
    ``conf`` below ``sure``; the refined mask makes them solid) that look like the wall
    around them: nearer, by ``margin`` (Lab), to the mean of the wall within ``window``
    (fraction of the width; the wall a few pixels past the edge's blend) than to every
    colour of the person where the segmenter was sure (a k-means palette). A blurred
    light or a curtain seen beside a collar, the rim of wall a mask keeps around hair.
    Pieces below ``min_area`` of the frame are left (noise). ``protect``: never taken.
    Twice: the wall's mean reaches ``window`` / 2 into the mask, and what the first pass
    took brings it deeper."""
    h, w = person.shape
    step = int(round(w / WORK_WIDTH))
    if step > 1:
        def sub(a):
            return None if a is None else np.ascontiguousarray(a[::step, ::step])

        small = unsure_background(sub(lab), sub(person), sub(conf), sub(valid), sub(protect), sure=sure,
                                  margin=margin, window=window, min_area=min_area)
        out = (cv2.resize(small.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0) & person
        return out & ~protect if protect is not None else out
    first = _unsure_pass(lab, person, conf, valid, protect, sure=sure, margin=margin, window=window,
                         min_area=min_area)
    if not first.any():
        return first
    return first | _unsure_pass(lab, person & ~first, conf, valid, protect, sure=sure, margin=margin,
                                window=window, min_area=min_area)


def _unsure_pass(lab: np.ndarray, person: np.ndarray, conf: np.ndarray, valid: np.ndarray,
                 protect: np.ndarray | None, *, sure: float, margin: float, window: float,
                 min_area: float) -> np.ndarray:
    h, w = person.shape
    out = np.zeros((h, w), bool)
    unsure = person & (conf < sure)
    if protect is not None:
        unsure &= ~protect
    sure_fg = person & (conf >= sure)
    if not unsure.any() or int(sure_fg.sum()) < 50:
        return out
    wall = cv2.erode((~person & valid).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    k = max(5, int(window * w) | 1)
    local, wgt = _local_mean(lab, wall, k)
    ys, xs = np.nonzero(unsure & (wgt > 0.02))
    if len(ys) == 0:
        return out
    px = lab[ys, xs]
    d = px - local[ys, xs]
    d_bg = np.sqrt(np.einsum("ij,ij->i", d, d))
    d_fg = _min_dist(px, _palette(lab[sure_fg], PERSON_COLOURS, 1500, 1))
    hit = d_bg + margin < d_fg
    if not hit.any():
        return out
    cand = np.zeros((h, w), np.uint8)
    cand[ys[hit], xs[hit]] = 1
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(4, min_area * h * w)
    keep[0] = False
    return keep[labels]


# Beside the face, the head (ears, the skull's sides) reaches this many face widths past
# the face's edge.
HEAD_ALLOWANCE = 0.25
# A step down of the person's top between neighbouring columns of at least this fraction of
# the height is a cliff: the head's side ends there. A top within CHIN_TOLERANCE of the
# height above the chin is a shoulder's.
CLIFF = 0.04
CHIN_TOLERANCE = 0.03


def beside_head(lab: np.ndarray, person: np.ndarray, chin_y: float, face_x0: float, face_x1: float,
                eye_y: float, *, delta: float, light_weight: float, min_area: float) -> np.ndarray:
    """Pixels of ``person`` beside the head, above the chin, that do not come down from
    the hair (bool HxW; empty when they cover less than ``min_area`` of the frame).

    Moving outward from the face's centre, the top of the person follows the hair's
    outline, or drops off a cliff at the head's side onto an ear (within HEAD_ALLOWANCE
    face widths of the face's edge, ``face_x0``/``face_x1``) or a shoulder (about the chin,
    ``chin_y``, or lower). Past a cliff and past the ears, what stands above the chin is
    something else joined to the person (people behind, a poster), unless it has the
    colour of the hair above the eyes (within ``delta``, Lab with lightness weighted by
    ``light_weight``): long hair hangs in waves and steps."""
    h, w = person.shape
    out = np.zeros((h, w), bool)
    if not 0 < chin_y < h or not person.any():
        return out
    top = np.where(person.any(axis=0), person.argmax(axis=0), h).astype(np.int64)
    x0, x1 = min(face_x0, face_x1), max(face_x0, face_x1)
    fw = max(1.0, x1 - x0)
    line = chin_y - CHIN_TOLERANCE * h
    start = int(np.clip(round((x0 + x1) / 2), 0, w - 1))
    reach = HEAD_ALLOWANCE * fw
    for outside, cols in ((lambda c: c < x0 - reach, np.arange(start, -1, -1)),
                          (lambda c: c > x1 + reach, np.arange(start, w))):
        if cols.size < 2:
            continue
        t = top[cols]
        drops = np.nonzero(np.diff(t) > CLIFF * h)[0]
        if drops.size == 0:
            continue
        high = outside(cols)
        high[:drops[0] + 1] = False
        high &= t < line
        for c, t0 in zip(cols[high], t[high]):
            out[int(t0):int(line), int(c)] = True
    out &= person
    need = max(4.0, min_area * h * w)
    if out.sum() < need:
        return np.zeros((h, w), bool)
    hair = person & ~out
    hair[int(np.clip(eye_y, 0, h)):] = False
    if int(hair.sum()) >= 50:
        ys, xs = np.nonzero(out)
        far = _weighted_palette_distance(lab[ys, xs], _palette(lab[hair], 4, 1500, 1), light_weight) > delta
        out[ys[~far], xs[~far]] = False
    if out.sum() < need:
        return np.zeros((h, w), bool)
    return out


def beside_head_in(lab: np.ndarray, person: np.ndarray, chin_y: float, face_x0: float, face_x1: float,
                   eye_y: float, rules) -> np.ndarray:
    """``beside_head`` with the pack's [photo] thresholds."""
    r = rules.background
    return beside_head(lab, person, chin_y, face_x0, face_x1, eye_y, delta=r.foreign_delta,
                       light_weight=r.foreign_light_weight, min_area=r.island_min_area)


def built_corners(person: np.ndarray, valid: np.ndarray, core: np.ndarray, chin_y: float, *, arm: float,
                  long_arm: float, straight: float, turn: float) -> list[tuple[int, int, float, float]]:
    """Corners of man-made things on the person's outline above the chin (a poster's
    stripe, a letter of a sign that the segmenter joined to the hair).

    Hair, ears and the head's dome have curved or ragged outlines; where the outline
    turns, it turns gradually. A sign or a poster has straight, crisp borders: where the
    mask follows one, the outline runs straight and meets another straight stretch at a
    sharp corner. A convex corner of the outline (the chord across it lies inside the
    person) that turns by ``turn`` degrees or more, with straight arms (every outline
    pixel within ``straight`` of the width from the chord, the corner's rounding left
    out) at least ``arm`` of the width long on both sides and ``long_arm`` on one side,
    is one. Corners inside ``core`` (bool HxW: the face and skull), below ``chin_y``
    (collars, shoulders), and arms along the frame's edge or where the source has no
    pixels (``valid`` false: a rotation's straight border) do not count.

    Returns (x, y, turn, longer arm in px) for each corner found (one per corner)."""
    h, w = person.shape
    out: list[tuple[int, int, float, float]] = []
    if not person.any():
        return out
    edge = np.zeros((h, w), np.uint8)
    edge[:2] = edge[-2:] = 1
    edge[:, :2] = edge[:, -2:] = 1
    edge |= cv2.dilate((~valid).astype(np.uint8), np.ones((5, 5), np.uint8))
    n_arm = max(8, int(round(arm * w)))
    need_long = long_arm * w
    tol = max(1.0, straight * w)
    cos_turn = float(np.cos(np.radians(turn)))
    contours, _ = cv2.findContours(person.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    for c in contours:
        c = c[:, 0, :]
        n = len(c)
        if n < 3 * n_arm:
            continue
        cx, cy = c[:, 0], c[:, 1]
        bad = edge[cy, cx] > 0
        cf = c.astype(np.float32)
        a = cf - np.roll(cf, n_arm, axis=0)
        b = np.roll(cf, -n_arm, axis=0) - cf
        na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
        cos = (a * b).sum(1) / np.maximum(na * nb, 1e-6)
        cand = ((cos <= cos_turn) & (na >= 0.8 * n_arm) & (nb >= 0.8 * n_arm) & (cy < chin_y)
                & ~core[cy, cx] & ~bad)
        last = -n
        for i in np.nonzero(cand)[0]:
            if i - last < n_arm:
                continue  # the same corner
            mid = (cf[(i - n_arm) % n] + cf[(i + n_arm) % n]) / 2
            if not person[int(mid[1]), int(mid[0])]:
                continue  # a notch between hair and something else, not a corner

            def reach(sign: int) -> float:
                k, best = n_arm, 0.0
                while k < n // 3:
                    idx = (i + sign * np.arange(3, k + 1)) % n
                    if bad[idx].any():
                        break
                    seg = cf[idx]
                    d = seg[-1] - seg[0]
                    ln = float(np.hypot(d[0], d[1]))
                    dist = np.abs(d[0] * (seg[:, 1] - seg[0, 1]) - d[1] * (seg[:, 0] - seg[0, 0])) / max(ln, 1e-6)
                    if dist.max() > tol:
                        break
                    best = ln
                    k += max(2, n_arm // 4)
                return best

            la, lb = reach(-1), reach(1)
            if min(la, lb) >= 0.8 * n_arm and max(la, lb) >= need_long:
                out.append((int(cx[i]), int(cy[i]), float(np.degrees(np.arccos(np.clip(cos[i], -1, 1)))),
                            max(la, lb)))
                last = i
    return out


def built_corners_in(person: np.ndarray, valid: np.ndarray, core: np.ndarray, chin_y: float,
                     rules) -> list[tuple[int, int, float, float]]:
    """``built_corners`` with the pack's [photo.background] thresholds."""
    r = rules.background
    return built_corners(person, valid, core, chin_y, arm=r.corner_arm, long_arm=r.corner_long,
                         straight=r.corner_straight, turn=r.corner_turn)


def _rim_sharpness(L: np.ndarray, grad: np.ndarray, region: np.ndarray, valid_rim: np.ndarray,
                   min_step: float) -> float | None:
    """How crisp the border of ``region`` is: the median, over its rim pixels where the
    lightness steps by at least ``min_step`` within 6 px, of the steepest gradient near
    the pixel over that step (about 1/2 for a crisp edge, far less for a blurred one)."""
    p = region.astype(np.uint8)
    rim = ((cv2.dilate(p, np.ones((3, 3), np.uint8)) > 0) & ~(cv2.erode(p, np.ones((3, 3), np.uint8)) > 0)
           & valid_rim)
    k = np.ones((13, 13), np.uint8)
    ys, xs = np.nonzero(rim)
    if len(ys) < 10:
        return None
    y0, y1, x0, x1 = max(0, ys.min() - 8), ys.max() + 9, max(0, xs.min() - 8), xs.max() + 9
    Ls, gs = L[y0:y1, x0:x1], grad[y0:y1, x0:x1]
    step = (cv2.dilate(Ls, k) - cv2.erode(Ls, k))[ys - y0, xs - x0]
    steep = cv2.dilate(gs, np.ones((5, 5), np.uint8))[ys - y0, xs - x0]
    ok = step >= min_step
    if int(ok.sum()) < 10:
        return None
    return float(np.median(steep[ok] / step[ok]))


# The skin's a/b spread is taken as at least this (Lab): a face of one flat colour still
# has its noise and its compression.
SKIN_MIN_SPREAD = 6.0


def blurred_skin_on_shoulder(lab: np.ndarray, person: np.ndarray, face: np.ndarray, *, min_area: float,
                             soft_ratio: float, min_step: float = 15.0) -> np.ndarray:
    """Pieces of ``person`` (bool HxW) that are another person's skin at the frame's side:
    a hand or an arm of someone behind, out of focus, that the segmenter joined to a
    shoulder.

    Skin is a colour within the spread of the face's own (``face``: bool HxW, the face's
    inside; the a/b of 90 % of it, lightness at least 0.4 of the face's, chroma at least
    half of it): the test follows the person's skin tone. A piece of skin that is not
    joined to the face's skin through skin, reaches the left or right edge of the frame,
    lies beyond the ears (0.75 face widths from the face's centre line), ends above the
    bottom rows (a bare shoulder of the person's own goes on down), has the background
    above it along half its top or more (it sits on the outline, not under hair), covers at
    least ``min_area`` of the frame, and whose border is blurred (its sharpness below
    ``soft_ratio`` times that of the person's outline elsewhere: it lies behind the focus)
    is returned."""
    h, w = person.shape
    out = np.zeros((h, w), bool)
    if int(face.sum()) < 50 or not person.any():
        return out
    fx = np.nonzero(face.any(axis=0))[0]
    cx, fw = (fx[0] + fx[-1]) / 2, max(1.0, float(fx[-1] - fx[0]))
    # Colours are judged on a grid about WORK_WIDTH columns wide (pieces that count are far
    # larger than it), borders at full size.
    step = max(1, int(round(w / WORK_WIDTH)))
    lab_s, person_s, face_s = lab[::step, ::step], person[::step, ::step], face[::step, ::step]
    if int(face_s.sum()) < 20:
        return out
    ab = lab_s[..., 1:]
    fab = np.median(ab[face_s], axis=0)
    spread = max(SKIN_MIN_SPREAD, float(np.percentile(np.linalg.norm(ab[face_s] - fab, axis=1), 90)))
    f_l = float(np.median(lab_s[..., 0][face_s]))
    f_chroma = float(np.linalg.norm(fab - 128))
    d = ab - fab
    c = ab - 128
    skin = (person_s & (np.einsum("ijk,ijk->ij", d, d) <= spread * spread) & (lab_s[..., 0] >= 0.4 * f_l)
            & (np.einsum("ijk,ijk->ij", c, c) >= (0.5 * f_chroma) ** 2))
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(skin, connectivity=8)
    if n <= 1:
        return out
    own = np.zeros(n, bool)
    own[np.unique(labels[face_s & (skin > 0)])] = True
    hs, ws = skin.shape
    need = max(4.0, min_area * hs * ws)
    L = lab[..., 0]
    grad = None
    sharp_person = None
    for k in range(1, n):
        bx, by, bw, bh, area = stats[k]
        if own[k] or area < need or not (bx <= 1 or bx + bw >= ws - 1):
            continue
        if abs((bx + bw / 2) * step - cx) <= 0.75 * fw or by + bh >= hs - 0.05 * hs:
            continue
        piece = labels == k
        if step > 1:
            piece = (cv2.resize(piece.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0) & person
        # The background within a blur's reach (2 % of the height) above its top.
        cols = np.nonzero(piece.any(axis=0))[0]
        tops = piece[:, cols].argmax(axis=0)
        reach = max(2, int(round(0.02 * h)))
        rows = np.clip(tops[None, :] - np.arange(1, reach + 1)[:, None], 0, h - 1)
        open_above = (~person[rows, cols[None, :]]).any(axis=0) & (tops > 0)
        if float(open_above.mean()) < 0.5:
            continue
        if grad is None:
            gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3) / 8
            gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3) / 8
            grad = np.hypot(gx, gy)
            inner = np.zeros((h, w), bool)
            inner[2:-2, 2:-2] = True
            sharp_person = _rim_sharpness(L, grad, person, inner, min_step)
        if sharp_person is None:
            return out
        # Only where it meets the background (within a blur's reach of it): where it meets
        # the person's own clothes, the border is theirs (in focus).
        near_bg = cv2.dilate((~person).astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
        s = _rim_sharpness(L, grad, piece, inner & near_bg, min_step)
        if s is not None and s < soft_ratio * sharp_person:
            out |= piece
    return out
