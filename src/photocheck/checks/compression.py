"""The `compression` check (issue 15): blocking a reviewer would refuse.

Two measures, both on what the file itself holds:

- the JPEG quality, estimated from the luminance quantisation table (DQT): the
  table's sum over the sum of the IJG reference table (ITU-T T.81 Annex K, table
  K.1) gives libjpeg's scaling factor, and from it the quality that produced it;
- the blockiness of the face: the mean luma step across the 8-pixel block
  boundaries over the mean step inside the blocks, on the face crop, in the file's
  own pixel grid (only when the check sees the photo at full size). An
  uncompressed face reads about 1; a face broken into blocks reads far above.

Registered after the person checks, so `check --json` lists it after them.
"""

from __future__ import annotations

import numpy as np

from ..numbers import beside, keep_side
from ..text import FixHint
from .base import Check, Status, register
from .photo import Context, _t

# ITU-T T.81 Annex K, table K.1 (luminance), the reference libjpeg scales by quality.
_K1_SUM = sum((16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
               14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
               18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
               49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99))
BLOCK = 8


def luma_table(data: bytes) -> list[int] | None:
    """The 64 values of quantisation table 0 (luminance) of a JPEG, or None."""
    if data[:2] != b"\xff\xd8":
        return None
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if marker in (0xDA, 0xD9):  # start of scan: the tables come before it
            return None
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDB:
            j, end = i + 4, min(n, i + 2 + length)
            while j < end:
                precision, table_id = data[j] >> 4, data[j] & 0x0F
                size = 128 if precision else 64
                raw = data[j + 1:j + 1 + size]
                if len(raw) < size:
                    return None
                vals = list(raw) if not precision else [int.from_bytes(raw[k:k + 2], "big") for k in range(0, 128, 2)]
                if table_id == 0:
                    return vals
                j += 1 + size
        i += 2 + length
    return None


def estimate_quality(table: list[int]) -> float:
    """libjpeg's quality (1..100) that scales table K.1 to ``table`` (by its sum)."""
    scale = 100.0 * sum(table) / _K1_SUM   # libjpeg: 5000/q below 50, 200 - 2q above
    if scale <= 100.0:
        return float(min(100.0, (200.0 - scale) / 2.0))
    return float(max(1.0, 5000.0 / scale))


def blockiness(grey: np.ndarray, x0: int, y0: int) -> float | None:
    """Mean step across 8-px block edges over the mean step inside blocks, both ways.

    ``grey``: the face crop; ``x0, y0``: its offset in the file's pixel grid."""
    g = grey.astype(np.float32)
    if g.shape[0] < 3 * BLOCK or g.shape[1] < 3 * BLOCK:
        return None
    ratios = []
    for axis, off in ((1, x0), (0, y0)):
        d = np.abs(np.diff(g, axis=axis)).mean(axis=1 - axis)  # step between position k and k+1
        edge = ((np.arange(d.size) + off + 1) % BLOCK) == 0
        inner = d[~edge].mean()
        ratios.append(float(d[edge].mean()) / max(0.5, float(inner)))
    return float(np.mean(ratios))


@register
class CompressionCheck(Check):
    id = "compression"
    kind = "photo"
    title = _t("压缩画质", "Compression")

    def run(self, ctx: Context):
        r = ctx.rules.compression
        info = ctx.info
        table = luma_table(info.data) if info is not None and info.format == "jpeg" else None
        quality = estimate_quality(table) if table else None
        block = None
        # The quality needs no face; the blockiness is measured on the one face.
        f = ctx.face if len(ctx.faces) == 1 else None
        if f is not None and ctx.scale == 1.0 and info is not None and info.format == "jpeg" and info.exif_orientation == 1:
            x0, x1 = int(max(0, f.face_left_x)), int(min(ctx.px_w(), f.face_right_x))
            y0, y1 = int(max(0, f.forehead[1])), int(min(ctx.px_h(), f.chin[1]))
            if x1 > x0 and y1 > y0:
                block = blockiness(ctx.grey[y0:y1, x0:x1], x0, y0)
        measured = {"quality": None if quality is None else keep_side(quality, r.fail_quality, r.warn_quality, digits=1),
                    "blockiness": None if block is None else keep_side(block, r.max_blockiness, digits=3)}
        limit = {"fail_quality": r.fail_quality, "warn_quality": r.warn_quality, "max_blockiness": r.max_blockiness}
        box = ctx.to_original(f.box) if f is not None else None
        hint = FixHint("用“一键修复”重新保存；原图请用高画质保存，不要反复压缩",
                       "use Fix to save it again; keep the original at high quality and do not re-compress it")
        if block is not None and block > r.max_blockiness:
            v, (m_,) = beside(block, r.max_blockiness, digits=2)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"压缩过度，脸部有明显方块（块效应 {v}，至多 {m_}）",
                                  f"over-compressed: the face shows blocks (blockiness {v}, at most {m_})"), hint, box)
        if quality is not None and quality < r.fail_quality:
            v, (m_,) = beside(quality, r.fail_quality, digits=0)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"JPG 压缩过度（画质约 {v}，至少 {m_}）",
                                  f"the JPEG is over-compressed (quality about {v}, need {m_})"), hint, box)
        if quality is not None and quality < r.warn_quality:
            v, (m_,) = beside(quality, r.warn_quality, digits=0)
            return self.result(Status.WARN, measured, limit,
                               _t(f"JPG 压缩较重（画质约 {v}，低于 {m_} 时提醒）",
                                  f"the JPEG is heavily compressed (quality about {v}; below {m_} is flagged)"), hint, box)
        shown = f"{quality:.0f}" if quality is not None else "—"
        return self.result(Status.PASS, measured, limit, _t(f"压缩画质正常（约 {shown}）", f"compression OK (quality about {shown})"))
