"""Text detection and recognition with the PP-OCR models (pure numpy/cv2 + onnxruntime; no Qt).

Three networks from the rapidocr wheel, taken at set-up time (``photocheck.models``):

- ``ch_PP-OCRv4_det_infer.onnx``: DB text detector, a per-pixel text probability map;
- ``ch_PP-OCRv4_rec_infer.onnx``: CRNN/SVTR line recogniser with a CTC head over 6,625
  classes; its character list is stored in the model's own metadata (key ``character``);
- ``ch_ppocr_mobile_v2.0_cls_infer.onnx``: 0/180 degree line direction classifier.

Runtime: onnxruntime. ``cv2.dnn.readNetFromONNX`` loads the detector and the classifier,
but the recogniser fails on a Reshape whose target shape the ONNX importer folds from a
placeholder input size (sequence length 1): only a 48x8 input works. Pinning the graph
input to a fixed 1x3x48xW makes it load and agree with onnxruntime to 3e-6, but it is
then 1.5-3x slower than onnxruntime on this CPU (det 640 px: 118 vs 75 ms; rec 48x320:
73 vs 25 ms, one thread), which would put the material check over its time budget. So
all three run on onnxruntime, one session per model per process.

Orientation is expressed as an EXIF orientation code (1..8): the transform that
``photocheck.io.apply_orientation`` must apply to the stored pixels to make the page
upright. 1 is upright, 3 is upside down, 6 and 8 are quarter turns, 2, 4, 5 and 7 are
mirrored.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from .. import models
from ..errors import ModelMissingError
from ..lazy import lazy
from ..text import Text

DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx"

# Detector post-processing (the DB paper's defaults, as PP-OCR uses them).
DET_BIN_THRESH = 0.3
DET_BOX_THRESH = 0.5
DET_UNCLIP = 1.6
DET_MIN_SIDE = 3.0
DET_MAX_CANDIDATES = 1000
_DET_MEAN = np.array([0.485, 0.456, 0.406], np.float32) * 255.0
_DET_STD = np.array([0.229, 0.224, 0.225], np.float32) * 255.0
# The detector's input scaling as a 256-entry table per channel: a lookup gives bit for
# bit what the float arithmetic gives (the same float32 operations, done once per level)
# in a sixth of the time.
_DET_LUT = [(np.arange(256, dtype=np.float32) - m) / s for m, s in zip(_DET_MEAN, _DET_STD)]

REC_HEIGHT = 48
REC_MAX_WIDTH = 960          # 20 square characters


def orient(img: np.ndarray, code: int) -> np.ndarray:
    """Apply EXIF orientation ``code`` (1..8) to an HxW(xC) array: the transform that makes
    the stored pixels display upright. (Written out here because code 7, the transverse,
    must be a rotation plus a mirror, never a plain quarter turn.)"""
    if code == 2:
        out = img[:, ::-1]
    elif code == 3:
        out = img[::-1, ::-1]
    elif code == 4:
        out = img[::-1]
    elif code == 5:
        out = np.swapaxes(img, 0, 1)
    elif code == 6:
        out = np.rot90(img, -1)
    elif code == 7:
        out = np.swapaxes(img[::-1, ::-1], 0, 1)
    elif code == 8:
        out = np.rot90(img, 1)
    else:
        return img
    return np.ascontiguousarray(out)


def orient_points(pts: np.ndarray, code: int, width: int, height: int) -> np.ndarray:
    """Map Nx2 (x, y) pixel-edge coordinates of a ``width`` x ``height`` image through
    ``orient(img, code)``."""
    x, y = pts[:, 0], pts[:, 1]
    w, h = float(width), float(height)
    table = {
        1: (x, y), 2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y),
        5: (y, x), 6: (h - y, x), 7: (h - y, w - x), 8: (y, w - x),
    }
    nx, ny = table.get(code, (x, y))
    return np.stack([nx, ny], axis=1).astype(np.float32)


def compose(first: int, then: int) -> int:
    """The single code equal to applying ``first`` and then ``then``."""
    probe = np.arange(6).reshape(2, 3)
    target = orient(orient(probe, first), then)
    for c in range(1, 9):
        cand = orient(probe, c)
        if cand.shape == target.shape and np.array_equal(cand, target):
            return c
    raise AssertionError("D4 is closed under composition")


# Orientation codes that keep a wide line wide, and those that turn it on its side.
KEEP_AXIS = (1, 3, 2, 4)
SWAP_AXIS = (6, 8, 5, 7)
MIRRORED = frozenset({2, 4, 5, 7})


# --------------------------------------------------------------------------- sessions


# Work counters (for benchmarks): recogniser calls and the input columns they processed.
stats = {"rec_calls": 0, "rec_columns": 0, "det_calls": 0}

_sessions: dict[str, object] = {}
_session_lock = threading.Lock()
_charset: list[str] | None = None
_line_pool: ThreadPoolExecutor | None = None


def _threads() -> int:
    # Batch workers (child processes) get one thread each so two files run side by side.
    if multiprocessing.parent_process() is not None:
        return 1
    env = os.environ.get("PHOTOCHECK_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(4, os.cpu_count() or 1))


def _session(name: str):
    sess = _sessions.get(name)
    if sess is None:
        with _session_lock:
            sess = _sessions.get(name)
            if sess is None:
                path = models.path(name)  # ModelMissingError (bilingual) when absent
                try:
                    import onnxruntime as ort
                except ImportError:
                    raise ModelMissingError(
                        Text("缺少文字识别运行库 onnxruntime，无法检测材料图片",
                             "the OCR runtime (onnxruntime) is missing; material images cannot be checked"),
                        hint=Text("请重新安装本程序，或运行 make setup", "Reinstall the application, or run make setup"),
                        code="ocr_runtime_missing") from None

                opts = ort.SessionOptions()
                # The recogniser runs one line per call on one thread; lines are spread
                # over threads instead (see recognise), so a reading never depends on
                # how many threads there are.
                opts.intra_op_num_threads = 1 if name == REC_MODEL else _threads()
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                # Idle threads sleep instead of spinning: on a busy machine (or beside a
                # second batch worker) spinning burns the CPU the other work needs.
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
                _sessions[name] = sess
    return sess


def charset() -> list[str]:
    """The recogniser's classes: index 0 is the CTC blank, the last one a space."""
    global _charset
    if _charset is None:
        meta = _session(REC_MODEL).get_modelmeta().custom_metadata_map  # type: ignore[attr-defined]
        chars = meta.get("character", "").splitlines()
        if not chars:
            raise RuntimeError("the recognition model carries no character list")
        _charset = ["<blank>", *chars, " "]
    return _charset


# --------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class TextBox:
    """A detected text region: a rotated rectangle in the caller's image coordinates."""

    quad: np.ndarray = field(repr=False)   # 4x2 float32: top-left, top-right, bottom-right, bottom-left
    score: float

    # The sizes are asked for many times per box (sort keys), and ``quad`` is never
    # changed in place, so each is computed once.
    @lazy
    def width(self) -> float:
        """Length of the top edge (along the stored image's x axis for small angles)."""
        return float(np.linalg.norm(self.quad[1] - self.quad[0]))

    @lazy
    def height(self) -> float:
        return float(np.linalg.norm(self.quad[3] - self.quad[0]))

    @property
    def long_side(self) -> float:
        return max(self.width, self.height)

    @property
    def short_side(self) -> float:
        return min(self.width, self.height)

    @property
    def wide(self) -> bool:
        return self.width >= self.height

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        x0, y0 = np.floor(self.quad.min(axis=0)).astype(int)
        x1, y1 = np.ceil(self.quad.max(axis=0)).astype(int)
        return int(x0), int(y0), int(x1 - x0), int(y1 - y0)

    def scaled(self, s: float) -> "TextBox":
        return TextBox((self.quad * s).astype(np.float32), self.score)


def _order_quad(pts: np.ndarray) -> np.ndarray:
    """Order four corners as top-left, top-right, bottom-right, bottom-left."""
    pts = pts[np.argsort(pts[:, 0], kind="stable")]
    left, right = pts[:2], pts[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], np.float32)


def _det_input(bgr: np.ndarray, max_side: int) -> tuple[np.ndarray, float, float]:
    h, w = bgr.shape[:2]
    s = min(1.0, max_side / max(h, w))
    nh = max(32, int(round(h * s / 32)) * 32)
    nw = max(32, int(round(w * s / 32)) * 32)
    img = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    if img.dtype != np.uint8:
        x = (img.astype(np.float32) - _DET_MEAN) / _DET_STD
        return np.ascontiguousarray(x.transpose(2, 0, 1)[None]), w / nw, h / nh
    x = np.empty((1, 3, nh, nw), np.float32)
    for c in range(3):  # (level - mean) / std, per channel, by table
        np.take(_DET_LUT[c], img[:, :, c], out=x[0, c])
    return x, w / nw, h / nh


def probability_map(bgr: np.ndarray, max_side: int = 736) -> tuple[np.ndarray, float, float]:
    """The detector's text probability map and the (x, y) factors back to ``bgr`` pixels."""
    x, fx, fy = _det_input(bgr, max_side)
    stats["det_calls"] += 1
    sess = _session(DET_MODEL)
    prob = sess.run(None, {sess.get_inputs()[0].name: x})[0][0, 0]  # type: ignore[attr-defined]
    return prob, fx, fy


def boxes_from_map(prob: np.ndarray, fx: float = 1.0, fy: float = 1.0) -> list[TextBox]:
    """DB post-processing: threshold, contours, scored and expanded rotated rectangles."""
    bitmap = (prob > DET_BIN_THRESH).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out: list[TextBox] = []
    ph, pw = prob.shape
    for c in contours[:DET_MAX_CANDIDATES]:
        if len(c) < 4:
            continue
        (cx, cy), (rw, rh), ang = cv2.minAreaRect(c)
        if min(rw, rh) < DET_MIN_SIDE:
            continue
        x, y, bw, bh = cv2.boundingRect(c)
        mask = np.zeros((bh, bw), np.uint8)
        cv2.fillPoly(mask, [c.reshape(-1, 2) - (x, y)], 1)
        score = float(cv2.mean(prob[y:y + bh, x:x + bw], mask)[0])
        if score < DET_BOX_THRESH:
            continue
        area = cv2.contourArea(c)
        perim = cv2.arcLength(c, True)
        if perim <= 0:
            continue
        d = area * DET_UNCLIP / perim
        pts = cv2.boxPoints(((cx, cy), (rw + 2 * d, rh + 2 * d), ang))
        pts[:, 0] = np.clip(pts[:, 0], 0, pw) * fx
        pts[:, 1] = np.clip(pts[:, 1], 0, ph) * fy
        quad = _order_quad(pts)
        box = TextBox(quad, score)
        if box.short_side < DET_MIN_SIDE * min(fx, fy) + 1:
            continue
        out.append(box)
    # Reading order for upright pages: top to bottom, then left to right.
    out.sort(key=lambda b: (round(float(b.quad[:, 1].mean()) / max(8.0, b.short_side)), float(b.quad[0, 0])))
    return out


def detect(bgr: np.ndarray, max_side: int = 736) -> list[TextBox]:
    """Text boxes in ``bgr`` coordinates; the detector runs at ``max_side`` at most."""
    prob, fx, fy = probability_map(bgr, max_side)
    return boxes_from_map(prob, fx, fy)


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float               # mean top-1 probability of the emitted characters
    probs: tuple[float, ...] = ()   # per emitted character

    @property
    def log_score(self) -> float:
        """Sum of log-probabilities of the emitted characters (higher is better)."""
        return float(sum(math.log(max(p, 1e-6)) for p in self.probs))


def crop(bgr: np.ndarray, box: TextBox, pad: float = 0.0) -> np.ndarray:
    """The box's pixels, deskewed, in the stored image's frame (a wide box stays wide)."""
    q = box.quad.astype(np.float32)
    if pad:
        c = q.mean(axis=0)
        q = c + (q - c) * (1.0 + pad)
    w = int(round(max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3]))))
    h = int(round(max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1]))))
    w, h = max(w, 2), max(h, 2)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(bgr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _rec_row(img: np.ndarray, max_width: int) -> np.ndarray:
    h, w = img.shape[:2]
    nw = int(math.ceil(REC_HEIGHT * w / max(h, 1)))
    nw = max(REC_HEIGHT // 4, min(nw, max_width))
    interp = cv2.INTER_AREA if h > REC_HEIGHT else cv2.INTER_LINEAR
    r = cv2.resize(img, (nw, REC_HEIGHT), interpolation=interp)
    if r.ndim == 2:
        r = cv2.cvtColor(r, cv2.COLOR_GRAY2BGR)
    return ((r.astype(np.float32) / 127.5) - 1.0).transpose(2, 0, 1)


def _ctc_decode(out: np.ndarray, chars: list[str]) -> Reading:
    idx = out.argmax(axis=1)
    top = out.max(axis=1)
    text: list[str] = []
    probs: list[float] = []
    prev = -1
    for t, k in enumerate(idx):
        if k != prev and k != 0 and k < len(chars):
            text.append(chars[k])
            probs.append(float(top[t]))
        prev = k
    conf = float(np.mean(probs)) if probs else 0.0
    return Reading("".join(text), conf, tuple(probs))


def _pool() -> ThreadPoolExecutor:
    global _line_pool
    if _line_pool is None:
        with _session_lock:
            if _line_pool is None:
                _line_pool = ThreadPoolExecutor(_threads(), thread_name_prefix="ocr-line")
    return _line_pool


def recognise(lines: Sequence[np.ndarray], max_width: int = REC_MAX_WIDTH) -> list[Reading]:
    """Read each line image (any height; wider than tall). Order is kept.

    Each line runs through the recogniser alone, on one thread, and the lines are spread
    over the threads there are. Batching lines of similar width cost about 10% more CPU
    per document (padding, and activations too large for the cache), and a padded line's
    reading depended on which other lines shared its batch. Alone, a line reads the same
    whatever else is read, and on any number of threads."""
    if not lines:
        return []
    chars = charset()
    sess = _session(REC_MODEL)
    name = sess.get_inputs()[0].name  # type: ignore[attr-defined]

    def one(img: np.ndarray) -> tuple[np.ndarray, int]:
        row = _rec_row(img, max_width)[None]
        return sess.run(None, {name: row})[0][0], row.shape[3]  # type: ignore[attr-defined]

    outs = list(_pool().map(one, lines)) if len(lines) > 1 and _threads() > 1 else [one(x) for x in lines]
    stats["rec_calls"] += len(outs)
    stats["rec_columns"] += sum(width for _, width in outs)
    return [_ctc_decode(out, chars) for out, _ in outs]


def direction(lines: Sequence[np.ndarray]) -> list[float]:
    """Probability that each line image is upside down (the 0/180 classifier)."""
    if not lines:
        return []
    batch = np.zeros((len(lines), 3, 48, 192), np.float32)
    for n, img in enumerate(lines):
        h, w = img.shape[:2]
        nw = max(8, min(192, int(math.ceil(48 * w / max(h, 1)))))
        r = cv2.resize(img, (nw, 48), interpolation=cv2.INTER_LINEAR)
        batch[n, :, :, :nw] = ((r.astype(np.float32) / 127.5) - 1.0).transpose(2, 0, 1)
    sess = _session(CLS_MODEL)
    out = sess.run(None, {sess.get_inputs()[0].name: batch})[0]  # type: ignore[attr-defined]
    return [float(p[1]) for p in out]


# --------------------------------------------------------------------------- orientation


@dataclass(frozen=True)
class OrientationVote:
    """How well sampled lines read under each candidate orientation."""

    code: int                       # best EXIF-style orientation code (1 = upright as stored)
    scores: dict[int, float]        # code -> mean per-character log-probability over the sample
    margin: float                   # best score minus the runner-up (per character)
    lines: int                      # lines sampled
    readings: dict[int, list[Reading]] = field(default_factory=dict, repr=False)
    chars: float = 0.0              # characters the scores are averaged over

    @property
    def evidence(self) -> float:
        """Log-likelihood lead of the best orientation over the runner-up, in nats, summed
        over every character read: grows with the amount of text, unlike ``margin``."""
        return self.margin * self.chars

    def lead_over(self, code: int) -> float:
        """Like ``evidence``, against a given code (inf when it was not a candidate)."""
        other = self.scores.get(code)
        if other is None:
            return float("inf")
        return (self.scores[self.code] - other) * self.chars

    @property
    def upright(self) -> bool:
        return self.code == 1

    @property
    def mirrored(self) -> bool:
        return self.code in MIRRORED


_MISSING_LOGP = math.log(0.05)


def _line_score(r: Reading, aspect: float = 0.0) -> float:
    """Mean log-probability per expected character.

    A wrong orientation often reads as a few confident characters and blanks, so a line
    ``aspect`` times as wide as it is tall is expected to hold at least ``0.6 * aspect``
    characters (CJK characters are about square; Latin ones narrower); each missing one
    costs as much as a 5%-confident character."""
    expected = 0.6 * aspect
    n = len(r.probs)
    missing = max(0.0, expected - n)
    total = r.log_score + _MISSING_LOGP * missing
    return total / max(1.0, n + missing)


def pick_sample(boxes: Iterable[TextBox], count: int) -> list[TextBox]:
    """The lines most useful for telling orientation: tall enough, several characters long."""
    cands = [b for b in boxes if b.long_side >= 2.5 * b.short_side and b.short_side >= 6]
    cands.sort(key=lambda b: b.short_side * min(b.long_side, 10 * b.short_side) * b.score, reverse=True)
    return cands[:count]


def _axis_codes(boxes: Sequence[TextBox]) -> tuple[int, ...]:
    wide = sum(b.long_side for b in boxes if b.wide)
    tall = sum(b.long_side for b in boxes if not b.wide)
    return KEEP_AXIS if wide >= tall else SWAP_AXIS


def _centre_cut(p: np.ndarray, max_chars: float) -> np.ndarray:
    h, w = p.shape[:2]
    if w >= h:
        keep = int(min(w, max_chars * h))
        x0 = (w - keep) // 2
        return p[:, x0:x0 + keep]
    keep = int(min(h, max_chars * w))
    y0 = (h - keep) // 2
    return p[y0:y0 + keep]


def orientation_vote(bgr: np.ndarray, boxes: Sequence[TextBox], *, first: int = 2, most: int = 5,
                     max_chars: float = 5.0, settle_evidence: float = 12.0, settle_score: float = -0.25,
                     codes: Sequence[int] | None = None) -> OrientationVote | None:
    """Read a few lines in candidate orientations and keep the one that reads best.

    ``boxes`` are in ``bgr`` coordinates. Each line is cut to about ``max_chars`` square
    characters around its centre, to save time. Four stages, each run only when the
    one before did not settle it (a winner settles when its mean log-probability per
    character is at least ``settle_score`` and its ``evidence`` over the runner-up is at
    least ``settle_evidence`` nats):

    1. the direction classifier (cheap) picks a quarter turn on the axis the boxes lie
       along; ``first`` lines are read in that turn and in its mirror image;
    2. when that reads well but the lead is short, more lines in the same two, one at a
       time, up to ``most``;
    3. the lines read so far in all four codes of that axis;
    4. up to ``most`` lines in all eight codes.

    Returns None when no usable line was found.
    """
    picked = pick_sample(boxes, most)
    if not picked:
        return None
    axis = tuple(codes) if codes is not None else _axis_codes(picked)
    patches = [_centre_cut(crop(bgr, b), max_chars) for b in picked]
    aspects = [max(p.shape[:2]) / max(1, min(p.shape[:2])) for p in patches]
    per: dict[int, dict[int, Reading]] = {}  # code -> line index -> reading

    def read(lines: range, cands: Iterable[int]) -> None:
        jobs: list[np.ndarray] = []
        owners: list[tuple[int, int]] = []
        for n in lines:
            for code in cands:
                if n in per.get(code, {}):
                    continue
                q = orient(patches[n], code)
                if q.shape[1] < q.shape[0]:  # this code would stand the line on its end
                    continue
                jobs.append(q)
                owners.append((code, n))
        for (code, n), r in zip(owners, recognise(jobs, max_width=int(REC_HEIGHT * (max_chars + 1)))):
            per.setdefault(code, {})[n] = r

    def tally() -> OrientationVote | None:
        # Compare codes on the lines every one of them has read; each line weighs as many
        # characters as the best reading of it found (at least what its width suggests).
        common = sorted(set.intersection(*(set(v) for v in per.values()))) if per else []
        if not common:
            return None
        weight = {n: max(1.0, 0.6 * aspects[n], *(len(v[n].probs) for v in per.values())) for n in common}
        chars = sum(weight.values())
        scores = {c: sum(_line_score(v[n], aspects[n]) * weight[n] for n in common) / chars
                  for c, v in per.items()}
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best, s0 = ranked[0]
        margin = s0 - ranked[1][1] if len(ranked) > 1 else float("inf")
        readings = {c: [v[n] for n in common] for c, v in per.items()}
        return OrientationVote(best, scores, margin, len(common), readings, chars)

    def settled(v: OrientationVote | None) -> bool:
        return v is not None and v.evidence >= settle_evidence and v.scores[v.code] >= settle_score

    head = range(min(first, len(patches)))
    every = range(len(patches))
    base = axis[0]
    flipped = float(np.mean(direction([orient(patches[n], base) for n in head])))
    turn = base if flipped < 0.5 else compose(base, 3)
    pair = (turn, compose(turn, 2))
    read(head, pair)
    vote = tally()
    if settled(vote):
        return vote
    done = head
    if vote is not None and vote.scores[vote.code] >= settle_score and len(patches) > len(head):
        # it reads well, there is just too little text yet to rule out the mirror image:
        # one more line at a time, until the lead is long enough
        for n in range(len(head), len(patches)):
            read(range(n + 1), pair)
            vote = tally()
            if settled(vote):
                return vote
        done = every
    read(done, axis)  # the classifier's turn may be wrong: the rest of this axis
    vote = tally()
    if settled(vote) or codes is not None:
        return vote
    read(every, range(1, 9))
    return tally()


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Line:
    """One recognised line, with its box in the upright page's coordinates."""

    text: str
    confidence: float
    box: TextBox
    source: TextBox | None = field(default=None, repr=False)   # the box in the stored image
    cut: bool = False                                           # only the line's start was read


def reading_order(lines: list[Line]) -> list[Line]:
    if not lines:
        return lines
    unit = float(np.median([ln.box.short_side for ln in lines])) or 1.0
    return sorted(lines, key=lambda ln: (round(float(ln.box.quad[:, 1].mean()) / unit),
                                          float(ln.box.quad[:, 0].min())))


def by_priority(boxes: Iterable[TextBox]) -> list[TextBox]:
    """Boxes most worth reading first: big text (titles, then field labels), longer lines."""
    return sorted(boxes, key=lambda b: b.short_side * b.score * min(b.long_side, 12 * b.short_side) ** 0.5,
                  reverse=True)


def read_lines(bgr: np.ndarray, boxes: Sequence[TextBox], code: int = 1, *, max_chars: float = 24.0,
               head_chars: float | Sequence[float | None] | None = None) -> list[Line]:
    """Recognise ``boxes`` of the stored image ``bgr`` as seen after ``orient(bgr, code)``.

    With ``head_chars`` (one value, or one per box), only the start of each line (about
    that many square characters, in reading direction) is read: enough for titles and
    field labels, at a fraction of the cost. Lines come back in reading order, with boxes
    in upright coordinates."""
    h, w = bgr.shape[:2]
    heads = list(head_chars) if isinstance(head_chars, Sequence) else [head_chars] * len(boxes)
    patches, cut = [], []
    for b, head in zip(boxes, heads):
        p = orient(crop(bgr, b), code)
        limit = int(head * p.shape[0]) if head else 0
        cut.append(bool(limit) and p.shape[1] > limit * 1.15)
        patches.append(p[:, :limit] if cut[-1] else p)
    keep = [n for n, p in enumerate(patches) if p.shape[1] * 1.3 >= p.shape[0]]
    reads = recognise([patches[n] for n in keep], max_width=int(REC_HEIGHT * max_chars))
    out: list[Line] = []
    for n, r in zip(keep, reads):
        b = boxes[n]
        quad = _order_quad(orient_points(b.quad, code, w, h))
        out.append(Line(r.text, r.confidence, TextBox(quad, b.score), b, cut[n]))
    return reading_order(out)
