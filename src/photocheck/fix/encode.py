"""Byte-capped baseline JPEG encoding.

The cap is a hard limit: the result is strictly under ``max_bytes`` (seal or other
reserved bytes included via ``reserve``), never padded. Quality is searched first
(a bracketed search, see ``_search_quality``); only when the lowest acceptable
quality still does not fit is the image scaled down, and never below the caller's
minimum size.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from ..errors import FixRefused
from ..text import Text


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int
    width: int
    height: int
    scale: float  # relative to the input pixels


# OpenCV's encoder with these settings encodes as Pillow does with quality=q,
# optimize=True, progressive=False and subsampling=2 (both are libjpeg-turbo; with the
# pinned wheels the bytes are the same; tests/unit/test_encode_seal.py checks the
# pixels), straight from BGR and without Pillow's copies: a third faster on a 12 MP
# document. OpenCV cannot set the JFIF density, so the dpi is written into its JFIF
# header afterwards (same length; the bytes then equal Pillow's with dpi=).
_CV_420 = [cv2.IMWRITE_JPEG_OPTIMIZE, 1, cv2.IMWRITE_JPEG_PROGRESSIVE, 0,
           cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]


def _with_dpi(data: bytes, dpi: int) -> bytes | None:
    """The JPEG with its JFIF APP0 density set to dpi (units: dots per inch), or None
    when it does not start with a standard JFIF header."""
    if not (0 < dpi <= 0xFFFF) or data[:4] != b"\xff\xd8\xff\xe0" or data[6:11] != b"JFIF\x00":
        return None
    out = bytearray(data)
    out[13] = 1
    out[14:18] = struct.pack(">HH", dpi, dpi)
    return bytes(out)


def encode_jpeg(bgr: np.ndarray, quality: int, *, dpi: int | None = None, subsampling: int = 2) -> bytes:
    """Baseline (non-progressive), 8-bit, 3-channel JPEG with no metadata except JFIF dpi."""
    if subsampling == 2:
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality), *_CV_420])
        if ok:
            data = buf.tobytes()
            if not dpi:
                return data
            patched = _with_dpi(data, dpi)
            if patched is not None:
                return patched
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    im = Image.fromarray(rgb, "RGB")
    buf = io.BytesIO()
    kw: dict = {"quality": int(quality), "optimize": True, "progressive": False, "subsampling": subsampling}
    if dpi:
        kw["dpi"] = (dpi, dpi)
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def _search_quality(bgr: np.ndarray, budget: int, q_min: int, q_max: int, dpi: int | None,
                    subsampling: int, from_top: bool = False) -> tuple[int, bytes] | None:
    """Highest quality in [q_min, q_max] whose encoding is < budget bytes, or None.

    The answer is bracketed between the highest quality known to fit and the lowest
    known not to. Each next quality to try is interpolated from the two bracketing
    sizes (log size is close to linear in the quality), or, before there are two,
    stepped from the first try; when the guess would not shrink the bracket the
    search bisects. The answer is the same as a plain bisection's as long as the size
    grows with the quality, in about half the encodings (3-4 instead of 6).

    ``from_top`` starts at ``q_max`` (photos of documents: the answer is usually near
    the top, and the size climbs steeply over the last few qualities)."""
    best: tuple[int, bytes] | None = None
    lo, hi = q_min, q_max          # the answer lies in [lo, hi] or nowhere
    fit = miss = None              # (quality, size) of the best fit and the lowest miss
    q = q_max if from_top else min(q_max, max(q_min, FIRST_GUESS))
    guessed = True
    while lo <= hi:
        width = hi - lo + 1
        data = encode_jpeg(bgr, q, dpi=dpi, subsampling=subsampling)
        if len(data) < budget:
            best, fit, lo = (q, data), (q, len(data)), q + 1
        else:
            miss, hi = (q, len(data)), q - 1
        if lo > hi:
            break
        # A guess that did not halve the bracket is followed by a bisection, so the
        # search never takes more than about twice as many steps as bisection alone.
        if guessed and (hi - lo + 1) > width // 2:
            q, guessed = (lo + hi) // 2, False
        else:
            q, guessed = _next_quality(lo, hi, fit, miss, budget), True
    return best


# The quality the search tries first (most ID photos under 30 KB land at 75-95), and
# the growth of log size per quality step it assumes until it has measured one.
FIRST_GUESS = 85
LOG_SIZE_PER_STEP = 0.04


def _next_quality(lo: int, hi: int, fit: tuple[int, int] | None, miss: tuple[int, int] | None,
                  budget: int) -> int:
    if fit and miss:
        (q0, s0), (q1, s1) = fit, miss
        slope = (math.log(s1) - math.log(s0)) / (q1 - q0) if s1 > s0 else 0.0
        anchor = fit
    else:
        slope, anchor = LOG_SIZE_PER_STEP, fit or miss
    if slope > 0:
        q = int(math.floor(anchor[0] + math.log((budget - 1) / anchor[1]) / slope))
        return min(hi, max(lo, q))
    return (lo + hi) // 2


def encode_under(bgr: np.ndarray, max_bytes: int, *, reserve: int = 0, q_min: int = 60, q_max: int = 95,
                 dpi: int | None = None, min_width: int | None = None, min_height: int | None = None,
                 scale_step: float = 0.9, subsampling: int = 2, from_top: bool = False) -> Encoded:
    """Encode strictly under ``max_bytes - reserve`` bytes.

    ``from_top``: at full size, start the quality search at ``q_max`` (see
    ``_search_quality``); once the image is being scaled down, the quality that fits is
    usually near ``q_min``, so those searches start at the usual guess. Raises FixRefused
    (code ``size``) when even the smallest allowed size at the lowest allowed quality
    does not fit."""
    budget = max_bytes - reserve
    h0, w0 = bgr.shape[:2]
    scale = 1.0
    img = bgr
    while True:
        found = _search_quality(img, budget, q_min, q_max, dpi, subsampling, from_top and img is bgr)
        if found is not None:
            q, data = found
            return Encoded(data, q, img.shape[1], img.shape[0], scale)
        nxt = scale * scale_step
        nw, nh = int(round(w0 * nxt)), int(round(h0 * nxt))
        if (min_width and nw < min_width) or (min_height and nh < min_height) or nw < 16 or nh < 16:
            raise FixRefused(
                Text(f"无法在不低于最低尺寸和画质的前提下压缩到 {max_bytes} 字节以下",
                     f"cannot compress below {max_bytes} bytes without going under the minimum size or quality"),
                code="size", failing=["file_size"])
        scale = nxt
        img = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA)
