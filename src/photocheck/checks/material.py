"""Material (document image) checks: one small class per rule id of the contract.

Ids: ``format``, ``file_size``, ``orientation``, ``sharpness``, ``resolution``, ``exposure``.
Thresholds come from the rule pack (``pack.material`` and its ``[material.*]`` tables).

Shared measurements live in ``Context`` and are computed once per file, lazily:

1. the stored pixels (EXIF *not* applied: the image as the upload site may show it),
   decoded at reduced scale (``material.fix.work_long_side``);
2. text boxes from the PP-OCR detector, at a 640 px long side;
3. an orientation vote: a few lines read in candidate orientations (``vision.text``);
4. the document's lines, read in the winning orientation, and from them its kind,
   its 在线验证码 and its dates (``document_info``).

Identity numbers are masked (``4201**********1234``) before they leave this module.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path

import cv2
import numpy as np

from .. import io as pio
from ..errors import InputError
from ..lazy import lazy
from ..documents import classify, describe, normalise
from ..numbers import beside, keep_side, kib_beside
from ..rules import RulePack
from ..text import EMPTY, FixHint, Text
from .base import Check, CheckResult, DocumentInfo, Status, register

DET_SIDE = 640            # the text detector sees the page at this long side
SHARP_LINE_PX = 32        # text lines are resampled to this height before measuring edges
SHARP_LINES = 8           # the biggest lines measured for sharpness
GLARE_SIDE = 640          # highlights are looked for on the page at this long side
READ_FIRST = 5            # lines read (their starts) to name the document
READ_MORE = 8             # further lines read when the kind is still unknown
HEAD_CHARS = 10           # how much of a line's start is read at first
TITLE_CHARS = 16          # ... and of the two most prominent lines (titles)
# A line starting with one of these labels is read in full for its value.
_FIELD_LABELS = re.compile(r"验证码|有效期|日期|号码|编号")


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


# --------------------------------------------------------------------------- context


def check_pixels(info: pio.ImageInfo, pack: RulePack) -> np.ndarray:
    """The file's pixels as the checks measure them: as stored (EXIF orientation not
    applied), decoded at the work scale (``material.fix.work_long_side``)."""
    return pio.decode(info, max_side=pack.material.fix.work_long_side, apply_exif=False).bgr


class Context:
    """Lazily computed measurements shared by the material checks of one file.

    ``stored`` may be given (pixels already decoded, e.g. a rendered PDF page); it is
    then used as the stored image at full resolution. ``pixels`` is different: the file's
    own pixels, already decoded by ``check_pixels`` (the batch audit decodes once for
    its classification and for the checks)."""

    def __init__(self, info: pio.ImageInfo, pack: RulePack, *, stored: np.ndarray | None = None,
                 pixels: np.ndarray | None = None):
        self.info = info
        self.pack = pack
        self.rules = pack.material
        self._given = stored
        if stored is None:
            if pixels is not None:
                self.__dict__["stored"] = pixels  # the lazy property's value
            self._remember()

    # -- the analysis of one ImageInfo is shared, so the fix reuses what the check computed -
    @classmethod
    def shared(cls, info: pio.ImageInfo, pack: RulePack) -> "Context":
        """The context the last check of this very ``info`` object built, or a new one."""
        key = (id(info), pack.label)
        with _recent_lock:
            ctx = _recent.get(key)
            if ctx is not None and ctx.info is info:
                _recent.move_to_end(key)
                return ctx
        return cls(info, pack)

    def _remember(self) -> None:
        key = (id(self.info), self.pack.label)
        with _recent_lock:
            _recent[key] = self
            _recent.move_to_end(key)
            while len(_recent) > _RECENT_MAX:
                _recent.popitem(last=False)

    # -- pixels -----------------------------------------------------------------------------
    @property
    def is_pdf(self) -> bool:
        return self.info.format == "pdf" and self._given is None

    @lazy
    def stored(self) -> np.ndarray:
        """BGR pixels as stored (EXIF orientation not applied), at the work scale."""
        if self._given is not None:
            return self._given
        if self.is_pdf:
            raise InputError(_t("PDF 需先转换为图片", "a PDF must be converted to images first"), code="unsupported")
        return check_pixels(self.info, self.pack)

    @property
    def full_size(self) -> tuple[int, int]:
        """(width, height) of the stored image at full resolution."""
        if self._given is not None:
            return self._given.shape[1], self._given.shape[0]
        return self.info.width, self.info.height

    @property
    def work_scale(self) -> float:
        """Work pixels per stored full-resolution pixel."""
        return self.stored.shape[1] / max(1, self.full_size[0])

    @property
    def scale(self) -> float | None:
        """``work_scale`` once pixels have been decoded (None before, and for a PDF):
        asking never forces a decode."""
        if self._given is None and "stored" not in self.__dict__:
            return None
        return self.work_scale

    @lazy
    def grey(self) -> np.ndarray:
        return cv2.cvtColor(self.stored, cv2.COLOR_BGR2GRAY)

    def to_display(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """A work-image box -> [x, y, w, h] in full-resolution, EXIF-oriented pixels (what a viewer shows)."""
        from ..vision.text import orient_points

        x, y, w, h = box
        s = self.work_scale or 1.0
        pts = np.array([[x, y], [x + w, y + h]], np.float32) / s
        fw, fh = self.full_size
        code = 1 if self._given is not None else self.info.exif_orientation
        q = orient_points(pts, code, fw, fh)
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        return int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0))

    # -- text -------------------------------------------------------------------------------
    @lazy
    def boxes(self):
        from ..vision import text as vt

        return vt.detect(self.stored, DET_SIDE)

    @lazy
    def vote(self):
        from ..vision import text as vt

        return vt.orientation_vote(self.stored, self.boxes)

    @lazy
    def content_code(self) -> int | None:
        """The orientation code that makes the stored pixels upright, when the text decides it."""
        v = self.vote
        if v is None:
            return None
        if v.scores[v.code] < self.rules.orientation.decide_score or v.evidence < self.rules.orientation.decide_evidence:
            return None
        if v.code != 1 and v.lead_over(1) < self.rules.orientation.decide_evidence:
            return None
        return v.code

    @lazy
    def correction(self) -> int:
        """The transform that makes the stored pixels upright: the text's verdict when there
        is one, else the EXIF tag's."""
        if self.content_code is not None:
            return self.content_code
        return 1 if self._given is not None else self.info.exif_orientation

    @lazy
    def lines(self):
        """Recognised lines of the upright page (biggest first, then what the kind needs)."""
        from ..vision import text as vt

        if not self.boxes:
            return []
        order = vt.by_priority(self.boxes)
        code = self.correction
        # the two most prominent lines (titles, usually) whole, the next ones by their starts
        first = order[:READ_FIRST]
        lines = vt.read_lines(self.stored, first, code,
                              head_chars=[TITLE_CHARS if n < 2 else HEAD_CHARS for n in range(len(first))])
        texts = [ln.text for ln in lines]
        doc = self.rules.document
        if len(order) > READ_FIRST and classify(texts, doc.kind_specs)[1] < doc.min_score:
            # not named yet: the next lines, starts only
            lines += vt.read_lines(self.stored, order[READ_FIRST:READ_FIRST + READ_MORE], code,
                                   head_chars=HEAD_CHARS)
        # lines whose start shows a field label are read in full, for the value
        again = [ln for ln in lines if ln.cut and _FIELD_LABELS.search(normalise(ln.text))]
        if again:
            full = vt.read_lines(self.stored, [ln.source for ln in again], code)
            lines = [ln for ln in lines if ln not in again] + full
        return vt.reading_order(lines)

    @lazy
    def document(self) -> DocumentInfo | None:
        if self.is_pdf:
            return None
        return describe([ln.text for ln in self.lines], self.rules.document)

    def document_info(self) -> DocumentInfo | None:
        try:
            return self.document
        except InputError:
            return None

    # -- sharpness --------------------------------------------------------------------------
    @lazy
    def edge_widths(self) -> list[float]:
        """Per line: edge width / line height, after resampling the line to a fixed height."""
        from ..vision import text as vt

        picked = sorted(self.boxes, key=lambda b: b.short_side * min(b.long_side, 10 * b.short_side) * b.score,
                        reverse=True)
        out = []
        for b in picked:
            if len(out) >= SHARP_LINES:
                break
            if b.long_side < 1.5 * b.short_side:
                continue
            g = cv2.cvtColor(vt.crop(self.stored, b), cv2.COLOR_BGR2GRAY)
            ew = edge_width(g)
            if ew is not None:
                out.append(ew)
        return out

    # -- exposure ---------------------------------------------------------------------------
    @lazy
    def text_levels(self) -> tuple[float, float] | None:
        """(paper, ink) luminance inside the text lines: medians of per-line 95th / 5th percentiles."""
        paper, ink = [], []
        g = self.grey
        for b in self.boxes[:40]:
            x, y, w, h = b.bbox
            roi = g[max(0, y):y + h, max(0, x):x + w]
            if roi.size < 16:
                continue
            lo, hi = np.percentile(roi, [5, 95])
            paper.append(hi)
            ink.append(lo)
        if not paper:
            return None
        return float(np.median(paper)), float(np.median(ink))

    @lazy
    def page_box(self) -> tuple[int, int, int, int]:
        """The part of the frame that holds the document: the text's hull, padded."""
        h, w = self.grey.shape
        if not self.boxes:
            return 0, 0, w, h
        pts = np.concatenate([b.quad for b in self.boxes])
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        pw, ph = x1 - x0, y1 - y0
        x0, x1 = max(0, int(x0 - 0.1 * pw)), min(w, int(x1 + 0.1 * pw))
        y0, y1 = max(0, int(y0 - 0.1 * ph)), min(h, int(y1 + 0.1 * ph))
        return x0, y0, x1 - x0, y1 - y0

    @lazy
    def glare(self) -> tuple[float, tuple[int, int, int, int]] | None:
        """The largest specular highlight on the page: (fraction of the page, work-image box).
        Looked for at a reduced size (a highlight worth a warning is large)."""
        e = self.rules.exposure
        x, y, w, h = self.page_box
        page = self.stored[y:y + h, x:x + w]
        if page.size == 0:
            return None
        f = min(1.0, GLARE_SIDE / max(w, h))
        if f < 1.0:
            page = cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        # a highlight is bright in every channel (cv2.min: numpy's reduce over a last axis of
        # three is twenty times slower)
        brightest = cv2.min(cv2.min(page[:, :, 0], page[:, :, 1]), page[:, :, 2])
        grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
        paper_level = float(np.percentile(grey, 60))
        if paper_level >= e.glare_paper_below:
            return None  # a clean scan or render on pure white: nothing can be hidden by glare
        clipped = (brightest >= e.glare_level).astype(np.uint8)
        if not clipped.any():
            return None
        clipped = cv2.morphologyEx(clipped, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
        if n <= 1:
            return None
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        area = float(stats[k, cv2.CC_STAT_AREA]) / float(page.shape[0] * page.shape[1])
        bx, by, bw, bh = (int(round(v / f)) for v in stats[k, :4])
        return area, (x + bx, y + by, bw, bh)


# The last few contexts, strongly held (each keeps its ImageInfo alive, so an id() is
# never reused while its entry lives). Bounded: a context holds a work-size image.
_recent: OrderedDict[tuple[int, str], Context] = OrderedDict()
_recent_lock = threading.Lock()
_RECENT_MAX = 2


def edge_width(grey: np.ndarray, height: int = SHARP_LINE_PX) -> float | None:
    """How soft a text line's edges are, as a fraction of the line height.

    The line is resampled to ``height`` pixels (so the figure does not depend on the
    photo's scale), then edge width = contrast / steepest gradient: a crisp edge spans
    about 2 px of 32 (0.06), a blurred one several."""
    h, w = grey.shape[:2]
    if w < h:
        grey = grey.T
        h, w = w, h
    s = height / max(1, h)
    g = cv2.resize(grey.astype(np.float32), (max(8, int(round(w * s))), height),
                   interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    lo, hi = np.percentile(g, [5, 95])
    contrast = float(hi - lo)
    if contrast < 25:
        return None
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    steep = float(np.percentile(np.hypot(gx, gy), 99))
    if steep <= 0:
        return None
    return contrast / steep / height


# --------------------------------------------------------------------------- the checks


def _pdf_skip(check: Check, ctx: Context) -> CheckResult | None:
    if ctx.is_pdf:
        return check.result(Status.WARN, None, None, _t("PDF 文件无法直接检测画面，请先转换为图片",
                                                        "a PDF cannot be checked as an image; convert it first"),
                            FixHint("运行 photocheck fix --kind material 将每页转换为 JPG",
                                    "Run photocheck fix --kind material to turn each page into a JPG"))
    return None


_EXT_FORMAT = {"jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "webp": "webp",
               "bmp": "bmp", "tif": "tiff", "tiff": "tiff", "heic": "heif", "heif": "heif", "gif": "gif",
               "pdf": "pdf", "avif": "avif"}


@register
class FormatCheck(Check):
    id = "format"
    kind = "material"
    title = _t("文件格式", "File format")

    def run(self, ctx: Context) -> CheckResult:
        info = ctx.info
        fmt = info.format
        real = pio.format_name(fmt)
        accepted = "/".join(ctx.rules.extensions)
        limit = list(ctx.rules.extensions)
        fix_hint = FixHint("运行 photocheck fix --kind material 转换为 JPG",
                           "Run photocheck fix --kind material to convert it to JPG")
        if fmt not in ctx.rules.formats:
            if fmt == "pdf":
                return self.result(Status.FAIL, real, limit,
                                   _t("这是 PDF 文件，网站只接受图片（" + accepted + "）",
                                      "this is a PDF; the site accepts images only (" + accepted + ")"),
                                   FixHint("运行 photocheck fix --kind material 将每页转换为清晰的 JPG",
                                           "Run photocheck fix --kind material to turn each page into a legible JPG"))
            return self.result(Status.FAIL, real, limit,
                               _t(f"文件实际是 {real} 格式，网站只接受 {accepted}",
                                  f"the file is really {real}; the site accepts {accepted} only"), fix_hint)
        ext = Path(info.path).suffix.lower().lstrip(".") if info.path else ""
        if info.path and ext not in ctx.rules.extensions:
            return self.result(Status.FAIL, f"{real} .{ext}" if ext else real, limit,
                               _t(f"扩展名“.{ext}”不被接受，应为 {accepted}" if ext else f"文件没有扩展名，应为 {accepted}",
                                  f"the extension '.{ext}' is not accepted; use {accepted}" if ext
                                  else f"the file name has no extension; use {accepted}"), fix_hint)
        if ext and _EXT_FORMAT.get(ext) != fmt:
            return self.result(Status.FAIL, f"{real} .{ext}", limit,
                               _t(f"扩展名是“.{ext}”，但文件实际是 {real} 格式", f"the name says .{ext}, but the "
                                  f"file is really {real}"),
                               _t(f"将文件改名为 .{'png' if fmt == 'png' else 'jpg'}，或运行 photocheck fix --kind "
                                  "material 转换", f"Rename it to .{'png' if fmt == 'png' else 'jpg'}, or run "
                                  "photocheck fix --kind material"))
        return self.result(Status.PASS, real, limit, _t(f"{real} 格式", f"{real} format"))


@register
class FileSizeCheck(Check):
    id = "file_size"
    kind = "material"
    title = _t("文件大小", "File size")

    def run(self, ctx: Context) -> CheckResult:
        size, limit = ctx.info.size_bytes, ctx.rules.max_bytes
        kb, cap = kib_beside(size, limit)      # never rounded across the limit (499.99 KB, not 500 KB)
        if size > limit:
            return self.result(Status.FAIL, size, limit,
                               _t(f"文件 {kb}，超过上限 {cap}", f"the file is {kb}, above the {cap} limit"),
                               FixHint("运行 photocheck fix --kind material 压缩（保持文字清晰）",
                                       "Run photocheck fix --kind material to compress it (text stays legible)"))
        return self.result(Status.PASS, size, limit, _t(f"文件 {kb}，上限 {cap}", f"file is {kb}, limit {cap}"))


_CODE_TEXT = {
    2: _t("画面左右镜像（翻转）", "the page is mirrored left to right"),
    3: _t("画面上下颠倒（旋转了 180°）", "the page is upside down (turned 180°)"),
    4: _t("画面上下镜像（翻转）", "the page is mirrored top to bottom"),
    5: _t("画面侧转并镜像", "the page is on its side and mirrored"),
    6: _t("画面侧转了 90°（需顺时针旋转 90° 摆正）", "the page is on its side (turn it 90° clockwise)"),
    7: _t("画面侧转并镜像", "the page is on its side and mirrored"),
    8: _t("画面侧转了 90°（需逆时针旋转 90° 摆正）", "the page is on its side (turn it 90° anticlockwise)"),
}


@register
class OrientationCheck(Check):
    id = "orientation"
    kind = "material"
    title = _t("方向", "Orientation")

    def run(self, ctx: Context) -> CheckResult:
        skip = _pdf_skip(self, ctx)
        if skip:
            return skip
        exif = ctx.info.exif_orientation if ctx._given is None else 1
        code = ctx.content_code
        v = ctx.vote
        measured = {"exif_orientation": exif, "content": code,
                    "evidence": round(v.evidence, 1) if v and v.evidence != float("inf") else None}
        limit = {"exif_orientation": 1, "content": 1}
        fix = FixHint("运行 photocheck fix --kind material 自动摆正（写入像素，去掉旋转标记）",
                      "Run photocheck fix --kind material to turn it upright in the pixels")
        if exif != 1:
            what = _CODE_TEXT.get(code, _t("", "")) if code not in (None, 1) else EMPTY
            return self.result(Status.FAIL, measured, limit,
                               _t(f"图片带有 EXIF 旋转标记（方向 {exif}），上传网站可能忽略该标记而显示为侧向或倒置"
                                  + (f"；{what.zh}" if what.zh else ""),
                                  f"the image carries an EXIF rotation tag (orientation {exif}); the upload site may "
                                  "ignore it and show the page sideways or upside down"
                                  + (f"; {what.en}" if what.en else "")), fix)
        if code is None:
            return self.result(Status.WARN, measured, limit,
                               _t("无法从文字判断方向（未读出足够清晰的文字），请自行确认画面正向",
                                  "could not tell the orientation from the text (too little legible text); "
                                  "check that the page is upright"),
                               _t("正对文档拍摄，让文字清晰可读", "Photograph the document square on, text legible"))
        if code != 1:
            return self.result(Status.FAIL, measured, limit, _CODE_TEXT[code], fix)
        return self.result(Status.PASS, measured, limit, _t("画面正向，文字方向正确", "upright; the text reads correctly"))


_RESHOOT = _t("请重新拍摄：文档放平、光线均匀、对准焦点、让文档充满画面",
              "Photograph it again: document flat, even light, in focus, filling the frame")


@register
class SharpnessCheck(Check):
    id = "sharpness"
    kind = "material"
    title = _t("清晰度", "Sharpness")

    def run(self, ctx: Context) -> CheckResult:
        skip = _pdf_skip(self, ctx)
        if skip:
            return skip
        p = ctx.rules.sharpness
        widths = ctx.edge_widths
        limit = round(p.max_edge, 4)
        if len(widths) < p.min_lines:
            return self.result(Status.FAIL, None, limit,
                               _t("没有找到清晰可辨认的文字", "no legible text was found"), _RESHOOT)
        ew = float(np.median(widths))
        region = None
        shown = keep_side(ew, p.max_edge, p.warn_edge)
        if ew > p.max_edge:
            v, (m_,) = beside(ew, p.max_edge, percent=True)
            return self.result(Status.FAIL, shown, limit,
                               _t(f"文字模糊（边缘宽度为字高的 {v}，上限 {m_}）",
                                  f"the text is blurred (edges span {v} of the line height; limit {m_})"), _RESHOOT, region)
        if ew > p.warn_edge:
            return self.result(Status.WARN, shown, limit,
                               _t(f"文字略有模糊（边缘宽度为字高的 {ew:.0%}）",
                                  f"the text is slightly soft (edges span {ew:.0%} of the line height)"), _RESHOOT)
        return self.result(Status.PASS, shown, limit, _t("文字清晰", "text is sharp"))


@register
class ResolutionCheck(Check):
    id = "resolution"
    kind = "material"
    title = _t("分辨率", "Resolution")

    def run(self, ctx: Context) -> CheckResult:
        skip = _pdf_skip(self, ctx)
        if skip:
            return skip
        w, h = ctx.full_size
        long_side, need = max(w, h), ctx.rules.min_long_side
        if long_side < need:
            return self.result(Status.FAIL, long_side, need,
                               _t(f"图片太小（{w}×{h} 像素），长边至少需要 {need} 像素",
                                  f"the image is too small ({w}×{h} px); the long side needs at least {need} px"),
                               _t("请用手机原图重新拍摄或导出（不要截图或压缩）",
                                  "Take the photo again or export the original (no screenshots, no compression)"))
        return self.result(Status.PASS, long_side, need, _t(f"{w}×{h} 像素", f"{w}×{h} px"))


@register
class ExposureCheck(Check):
    id = "exposure"
    kind = "material"
    title = _t("曝光", "Exposure")

    def run(self, ctx: Context) -> CheckResult:
        skip = _pdf_skip(self, ctx)
        if skip:
            return skip
        e = ctx.rules.exposure
        limit = {"min_paper": e.min_paper, "max_ink": e.max_ink, "min_contrast": e.min_contrast}
        light = _t("请在均匀、充足的光线下重新拍摄，避免阴影和反光",
                   "Photograph it again in even, ample light, without shadows or reflections")
        levels = ctx.text_levels
        if levels is None:
            mean = float(ctx.grey.mean())
            measured = {"mean": round(mean, 1)}
            if mean < e.blank_mean_low:
                return self.result(Status.FAIL, measured, limit, _t("画面太暗", "the image is too dark"), light)
            if mean > e.blank_mean_high:
                return self.result(Status.FAIL, measured, limit, _t("画面过曝（一片白）", "the image is blown out"),
                                   light)
            return self.result(Status.WARN, measured, limit,
                               _t("没有找到文字，无法判断曝光", "no text found to judge the exposure from"), light)
        paper, ink = levels
        measured = {"paper": keep_side(paper, e.min_paper, digits=1), "ink": keep_side(ink, e.max_ink, digits=1),
                    "contrast": keep_side(paper - ink, e.min_contrast, digits=1)}
        if paper < e.min_paper:
            v, (m_,) = beside(paper, e.min_paper)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"画面太暗（纸面亮度 {v}，至少 {m_}）", f"too dark (paper brightness {v}, at least {m_})"),
                               light)
        if ink > e.max_ink:
            return self.result(Status.FAIL, measured, limit,
                               _t(f"画面过亮，文字发白（字迹亮度 {ink:.0f}）",
                                  f"blown out: the text is washed out (ink brightness {ink:.0f})"), light)
        if paper - ink < e.min_contrast:
            return self.result(Status.FAIL, measured, limit,
                               _t(f"文字与纸面对比度太低（{paper - ink:.0f}）",
                                  f"the text hardly stands out from the paper (contrast {paper - ink:.0f})"), light)
        g = ctx.glare
        if g is not None and g[0] >= e.glare_min_area:
            area, box = g
            measured["glare"] = round(area, 4)
            return self.result(Status.WARN, measured, limit,
                               _t(f"有反光区域（占页面 {area:.1%}），可能遮挡文字",
                                  f"a glare spot ({area:.1%} of the page) may hide text"),
                               _t("调整灯光或拍摄角度，避免证件反光", "Move the lamp or tilt the phone to avoid the glare"),
                               ctx.to_display(box))
        return self.result(Status.PASS, measured, limit, _t("曝光正常", "exposure OK"))
