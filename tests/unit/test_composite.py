"""composite_white on drawn images: the outline keeps no line of the old wall."""

from __future__ import annotations

import cv2
import numpy as np

from photocheck.fix.photo import composite_white

H, W = 120, 160
EDGE = 80  # the person left of this column, the wall right of it


def _scene(hair, wall, blend: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Light hair on the left, a wall on the right, blended over ``blend`` columns in
    the source; the matte calls the blend fully opaque (the segmenter's usual error)."""
    img = np.empty((H, W, 3), np.uint8)
    img[:, :EDGE] = hair
    img[:, EDGE:] = wall
    for i in range(blend):
        t = (i + 1) / (blend + 1)
        img[:, EDGE - blend + i] = np.round((1 - t) * np.array(hair) + t * np.array(wall))
    alpha = np.zeros((H, W), np.float32)
    alpha[:, :EDGE] = 1.0
    return img, alpha


def _lab(px) -> np.ndarray:
    return cv2.cvtColor(np.uint8([[px]]), cv2.COLOR_BGR2Lab)[0, 0].astype(float)


def test_a_dark_blue_wall_blended_into_opaque_hair_leaves_no_dark_line():
    hair, wall = (232, 230, 228), (120, 60, 30)   # white hair, a dark blue pillar (BGR)
    img, alpha = _scene(hair, wall)
    out = composite_white(img, alpha)
    band = out[10:-10, EDGE - 2:EDGE].reshape(-1, 3)
    # without the rim step the blend stays: its darkest column is about 50 Lab units darker than the hair
    darkest = min(_lab(px)[0] for px in band)
    assert darkest > _lab(hair)[0] - 12, darkest
    assert max(abs(_lab(px)[2] - _lab(hair)[2]) for px in band) < 8
    # the person inside the rim and the white wall are untouched
    assert np.array_equal(out[:, : EDGE - 12], img[:, : EDGE - 12])
    assert (out[:, EDGE + 1:] == 255).all()


def test_a_shaded_pixel_on_the_rim_moves_towards_the_person_and_never_past_it():
    hair, wall = (200, 200, 200), (40, 200, 230)  # grey hair, a yellow curtain (BGR)
    img, alpha = _scene(hair, wall, blend=1)
    img[:, EDGE - 2] = (150, 150, 150)               # a shaded strand, off the hair-to-wall line
    out = composite_white(img, alpha)
    src, res, ref = _lab(img[60, EDGE - 2]), _lab(out[60, EDGE - 2]), _lab(hair)
    for c in range(3):
        lo, hi = sorted((src[c], ref[c]))
        assert lo - 2 <= res[c] <= hi + 2, (c, src, res, ref)


def test_a_wall_of_the_persons_own_colour_changes_nothing_on_the_rim():
    img, alpha = _scene((180, 170, 160), (176, 168, 158))
    out = composite_white(img, alpha)
    assert np.array_equal(out[:, :EDGE], img[:, :EDGE])
