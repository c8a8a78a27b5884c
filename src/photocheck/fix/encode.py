"""Byte-capped baseline JPEG encoding.

The cap is a hard limit: the result is strictly under ``max_bytes`` (seal or other
reserved bytes included via ``reserve``), never padded. Quality is searched first
(binary search); only when the lowest acceptable quality still does not fit is
the image scaled down, and never below the caller's minimum size.
"""

from __future__ import annotations

import io
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

    Binary search. With ``from_top`` it first tries ``q_max``, then 1, 3, 7, ... below it
    until one fits, and bisects what is left between that one and the last that did not:
    the same answer as long as the size grows with the quality, in fewer encodings when
    the answer lies near the top (photos of documents, whose size climbs steeply over
    the last few qualities)."""
    best: tuple[int, bytes] | None = None
    lo, hi = q_min, q_max
    step = 1
    while from_top and lo <= hi:
        q = max(lo, q_max + 1 - step)
        data = encode_jpeg(bgr, q, dpi=dpi, subsampling=subsampling)
        if len(data) < budget:
            best = (q, data)
            lo = q + 1
            break
        hi = q - 1
        step *= 2
    while lo <= hi:
        mid = (lo + hi) // 2
        data = encode_jpeg(bgr, mid, dpi=dpi, subsampling=subsampling)
        if len(data) < budget:
            best = (mid, data)
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def encode_under(bgr: np.ndarray, max_bytes: int, *, reserve: int = 0, q_min: int = 60, q_max: int = 95,
                 dpi: int | None = None, min_width: int | None = None, min_height: int | None = None,
                 scale_step: float = 0.9, subsampling: int = 2, from_top: bool = False) -> Encoded:
    """Encode strictly under ``max_bytes - reserve`` bytes.

    ``from_top``: at full size, search the quality downwards from ``q_max`` first (see
    ``_search_quality``); once the image is being scaled down, the quality that fits is
    usually near ``q_min``, so those searches are plain bisections. Raises FixRefused
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
