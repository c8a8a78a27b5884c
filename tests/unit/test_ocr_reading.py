"""Line recognition, and the orientation vote's staging.

For the vote, a recogniser stand-in knows the true upright: the page is five text lines whose pixels carry two gradients (blue rises to the right,
green rises downwards), so the stand-in can tell from a line image alone which way it was
turned or flipped. It reads the upright version confidently and every other one poorly.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photocheck.vision import text as vt

GOOD, POOR = 0.99, 0.5       # per-character probability upright / in any other orientation


def _page() -> tuple[np.ndarray, list[vt.TextBox]]:
    h, w = 600, 800
    ys, xs = np.mgrid[0:h, 0:w]
    img = np.full((h, w, 3), 255, np.uint8)
    img[..., 0] = (xs * 255 // w).astype(np.uint8)
    img[..., 1] = ((ys % 100) * 2.5).astype(np.uint8)
    boxes = []
    for i in range(5):
        y0 = 100 * i + 30
        quad = np.array([[100, y0], [400, y0], [400, y0 + 30], [100, y0 + 30]], np.float32)
        boxes.append(vt.TextBox(quad, 0.9))
    return img, boxes


def _is_upright(line: np.ndarray) -> bool:
    h, w = line.shape[:2]
    rises_right = line[:, w // 2:, 0].mean() > line[:, :w // 2, 0].mean()
    rises_down = line[h // 2:, :, 1].mean() > line[:h // 2, :, 1].mean()
    return bool(rises_right and rises_down)


@pytest.fixture
def fake_ocr(monkeypatch):
    calls: list[list[bool]] = []

    def recognise(lines, max_width=vt.REC_MAX_WIDTH):
        ups = [_is_upright(x) for x in lines]
        calls.append(ups)
        return [vt.Reading("文" * 5, GOOD if up else POOR, (GOOD if up else POOR,) * 5) for up in ups]

    monkeypatch.setattr(vt, "recognise", recognise)
    monkeypatch.setattr(vt, "direction", lambda lines: [0.0] * len(lines))
    return calls


def test_stand_in_sees_the_turns():
    img, boxes = _page()
    line = vt.crop(img, boxes[0])
    assert _is_upright(line)
    assert not any(_is_upright(vt.orient(line, c)) for c in range(2, 9) if vt.orient(line, c).shape == line.shape)


def test_vote_reads_one_more_line_at_a_time_until_settled(fake_ocr):
    img, boxes = _page()
    vote = vt.orientation_vote(img, boxes)
    assert vote is not None and vote.code == 1
    # each line adds 5 characters x (log 0.99 - log 0.5) = 3.4 nats over the mirror
    # image, so 12 nats need 4 lines: the first two together, then one at a time
    assert [len(c) for c in fake_ocr] == [4, 2, 2]
    assert vote.lines == 4
    assert vote.evidence >= 12.0
    assert set(vote.scores) == {1, 2}


def test_vote_finds_a_mirrored_page(fake_ocr):
    img, boxes = _page()
    stored = vt.orient(img, 2)                       # what a selfie camera would store
    h, w = img.shape[:2]
    moved = [vt.TextBox(vt._order_quad(vt.orient_points(b.quad, 2, w, h)), b.score) for b in boxes]
    vote = vt.orientation_vote(stored, moved)
    assert vote is not None and vote.code == 2 and vote.mirrored


def test_vote_that_never_settles_tries_every_code_of_the_axis(fake_ocr):
    img, boxes = _page()
    vote = vt.orientation_vote(img, boxes[:2])       # two lines: 6.8 nats at most
    assert vote is not None and vote.code == 1
    assert vote.evidence < 12.0
    assert set(vote.scores) == {1, 2, 3, 4}   # the other four would stand the lines on end


def _printed(text: str) -> np.ndarray:
    w = 24 * len(text) + 20
    img = np.full((48, w, 3), 255, np.uint8)
    cv2.putText(img, text, (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2, cv2.LINE_AA)
    return img


def test_a_line_reads_the_same_whatever_else_is_read():
    # less than twice as wide as each other: batched reading used to pad them together
    short, long_ = _printed("AB 2024"), _printed("REPORT 2024")
    alone = vt.recognise([short])[0]
    together = vt.recognise([long_, short, long_])
    assert alone.text.replace(" ", "") == "AB2024"
    assert together[1] == alone                      # exactly: same text, same probabilities
    assert together[0] == together[2] != alone


def test_lines_read_the_same_and_in_order_on_one_thread_or_several(monkeypatch):
    lines = [_printed(t) for t in ("AB 2024", "XK9 77", "REPORT 2024", "Q 5")]
    monkeypatch.setattr(vt, "_threads", lambda: 1)
    alone = vt.recognise(lines)
    monkeypatch.setattr(vt, "_threads", lambda: 2)
    spread = vt.recognise(lines)
    assert [r.text.replace(" ", "") for r in spread] == ["AB2024", "XK977", "REPORT2024", "Q5"]
    assert spread == alone
