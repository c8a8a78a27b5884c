"""geometry.main_person: which parts of a person mask belong to the person with a given face."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np

from photocheck.geometry import main_person

H, W = 480, 330
FACE = SimpleNamespace(box=(105.0, 100.0, 120.0, 150.0))   # x, y, w, h
MOUTH_Y = 215.0


def _head() -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    cv2.ellipse(m, (165, 170), (70, 95), 0, 0, 360, 1, -1)          # head and hair
    cv2.rectangle(m, (140, 250), (190, 300), 1, -1)                 # neck
    return m


def test_shoulders_joined_by_the_neck_are_kept():
    m = _head()
    cv2.ellipse(m, (165, 480), (170, 180), 0, 180, 360, 1, -1)      # shoulders touch the neck
    out = main_person(m > 0, FACE, split_y=MOUTH_Y)
    assert out[470, 20] and out[470, 310] and out[200, 165]


def test_shoulders_cut_off_from_the_neck_are_still_the_body():
    m = _head()
    cv2.ellipse(m, (165, 500), (170, 180), 0, 180, 360, 1, -1)      # starts at y=320: a gap under the neck
    assert not m[310, 165]
    out = main_person(m > 0, FACE, split_y=MOUTH_Y)
    assert out[470, 20] and out[470, 310] and out[400, 165]


def test_someone_beside_and_small_objects_below_are_not_the_body():
    m = _head()
    cv2.rectangle(m, (280, 300), (329, 479), 1, -1)                 # another person's arm at the side
    cv2.rectangle(m, (150, 400), (180, 479), 1, -1)                 # a narrow object under the chin
    out = main_person(m > 0, FACE, split_y=MOUTH_Y)
    assert out[200, 165]
    assert not out[400, 300] and not out[450, 165]


def test_a_blob_far_below_the_face_is_not_the_body():
    m = _head()
    cv2.rectangle(m, (40, 440), (290, 479), 1, -1)                  # wide, but starts 2 face heights lower
    small_face = SimpleNamespace(box=(135.0, 110.0, 60.0, 80.0))
    out = main_person(m > 0, small_face, split_y=170.0)
    assert not out[460, 165]
