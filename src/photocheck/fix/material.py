"""The material (document image) fixer.

``fix(info, pack, *, crop=False) -> (outputs, steps)``; ``core.fix_file`` re-checks every
output with the same checks and writes only what passes.

1. PDF pages are rendered with pypdfium2 (one JPEG per page, blank pages skipped).
2. Orientation is baked into the pixels: the text's verdict (rotation and mirror) when
   it has one, else the EXIF tag's; the output carries no EXIF orientation.
3. Optionally (``crop=True``) the document is cut out of a desk photo and its
   perspective straightened, when its four edges are found.
4. The image is saved as a baseline JPEG under ``fix_max_bytes``: quality is searched
   first, then the size is reduced, never below ``fix_min_long_side`` (or the source's
   own long side when that is smaller). No metadata is written (no EXIF, GPS, ICC).

Blurred or too-small input cannot be made legible: ``FixRefused`` with re-shoot tips.
Nothing is ever enlarged.
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import io as pio
from ..checks.material import Context
from .result import FixOutput
from ..errors import FixRefused
from ..rules import RulePack
from ..text import Text
from .encode import Encoded, encode_jpeg, encode_under

RESHOOT = Text("请重新拍摄：文档放平、光线均匀、对准焦点、让文档充满画面",
               "Photograph it again: document flat, even light, in focus, filling the frame")

_TURN_TEXT = {
    2: Text("画面是镜像的，已左右翻转还原", "the page was mirrored; flipped it back"),
    3: Text("画面上下颠倒，已旋转 180°", "the page was upside down; turned it 180°"),
    4: Text("画面是上下镜像的，已翻转还原", "the page was mirrored top to bottom; flipped it back"),
    5: Text("画面侧转且镜像，已旋转并翻转还原", "the page was on its side and mirrored; turned and flipped it"),
    6: Text("画面侧转，已顺时针旋转 90°", "the page was on its side; turned it 90° clockwise"),
    7: Text("画面侧转且镜像，已旋转并翻转还原", "the page was on its side and mirrored; turned and flipped it"),
    8: Text("画面侧转，已逆时针旋转 90°", "the page was on its side; turned it 90° anticlockwise"),
}


def _page_label(page: int | None) -> tuple[str, str]:
    return (f"第 {page} 页：", f"page {page}: ") if page else ("", "")


def _refuse(page: int | None, zh: str, en: str, failing: list[str], hint: Text = RESHOOT) -> FixRefused:
    pz, pe = _page_label(page)
    return FixRefused(Text(pz + zh, pe + en), code="unfixable", hint=hint, failing=failing)


# --------------------------------------------------------------------------- PDF


def render_pdf(info: pio.ImageInfo, long_side: int, max_pages: int) -> tuple[list[np.ndarray], int]:
    """Render each page (up to ``max_pages``) with its long side at ``long_side`` px, in a
    child process with a memory and a time cap (``pdfrender``). Returns the BGR pages and
    the document's page count."""
    from ..pdfrender import render

    return render(info.data, long_side, max_pages)


# --------------------------------------------------------------------------- crop


def _order(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def find_document(bgr: np.ndarray, text_points: np.ndarray | None, min_area: float) -> np.ndarray | None:
    """Four corners (tl, tr, br, bl) of the document on a desk photo, or None.

    Candidates are the big four-sided outlines among the edge map's and the brightness
    threshold's contours; a candidate must cover ``min_area`` of the frame (and not all
    of it), be convex, and hold nearly all the text (so the portrait inside an ID card is
    never taken for the card)."""
    h, w = bgr.shape[:2]
    s = 640.0 / max(h, w)
    small = cv2.resize(bgr, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else bgr.copy()
    s = min(s, 1.0)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    med = float(np.median(grey))
    edges = cv2.Canny(grey, max(10.0, 0.5 * med), min(255.0, 1.2 * med + 30))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    frame = small.shape[0] * small.shape[1]
    cands: list[np.ndarray] = []
    for src in (edges, bright):
        contours, _ = cv2.findContours(src, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            hull = cv2.convexHull(c)
            area = cv2.contourArea(hull)
            if not (min_area * frame <= area <= 0.97 * frame):
                continue
            approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(approx) != 4 or not cv2.isContourConvex(approx):
                continue
            cands.append(approx.reshape(4, 2).astype(np.float32) / s)
    for quad in sorted(cands, key=lambda q: -cv2.contourArea(q)):
        if text_points is not None and len(text_points):
            inside = sum(cv2.pointPolygonTest(quad.reshape(-1, 1, 2), (float(x), float(y)), False) >= 0
                         for x, y in text_points)
            if inside < 0.9 * len(text_points):
                continue
        return _order(quad)
    return None


def warp_document(bgr: np.ndarray, quad: np.ndarray, max_long: int | None = None) -> np.ndarray:
    """Cut out ``quad`` and make it a rectangle (no enlarging beyond the quad's own size)."""
    tl, tr, br, bl = quad
    w = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    h = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    if max_long and max(w, h) > max_long:
        f = max_long / max(w, h)
        w, h = int(round(w * f)), int(round(h * f))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(bgr, m, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


# --------------------------------------------------------------------------- the fixer


def _refuse_unfixable(ctx: Context, page: int | None) -> None:
    rules = ctx.rules
    p = rules.sharpness
    w, h = ctx.full_size
    if max(w, h) < rules.min_long_side:
        raise _refuse(page, f"图片太小（{w}×{h} 像素），长边不足 {rules.min_long_side} 像素，放大也不会更清晰，无法修复",
                      f"the image is too small ({w}×{h} px, long side under {rules.min_long_side} px); enlarging "
                      "would not make it legible", ["resolution"],
                      Text("请用手机原图重新拍摄或导出：文档充满画面，不要截图或压缩",
                           "Photograph it again or export the original: fill the frame, no screenshots or "
                           "compression"))
    widths = ctx.edge_widths
    if len(widths) < p.min_lines:
        raise _refuse(page, "没有找到可辨认的文字，无法修复", "no legible text was found; it cannot be fixed",
                      ["sharpness"])
    ew = float(np.median(widths))
    if ew > p.max_edge:
        raise _refuse(page, f"文字模糊（边缘宽度为字高的 {ew:.0%}），无法修复",
                      f"the text is blurred (edges span {ew:.0%} of the line height); it cannot be fixed",
                      ["sharpness"])


def _fix_page(ctx: Context, page: int | None, crop: bool, steps: list[Text]) -> FixOutput:
    from ..vision.text import orient, orient_points

    rules = ctx.rules
    p = rules.fix
    pz, pe = _page_label(page)
    _refuse_unfixable(ctx, page)
    code = ctx.correction
    exif = ctx.info.exif_orientation if ctx._given is None else 1
    img = orient(ctx.stored, code)
    if code != 1:
        if code == exif:
            steps.append(Text(pz + f"已将 EXIF 方向标记（{exif}）写入像素并去掉标记",
                              pe + f"baked the EXIF orientation ({exif}) into the pixels and dropped the tag"))
        else:
            t = _TURN_TEXT[code]
            steps.append(Text(pz + t.zh + "（按文字方向判断）", pe + t.en + " (judged from the text)"))
    elif exif != 1:
        steps.append(Text(pz + f"EXIF 方向标记（{exif}）与画面内容不符，已按文字方向保留像素并去掉标记",
                          pe + f"the EXIF orientation ({exif}) contradicts the text; kept the pixels as the text "
                          "reads and dropped the tag"))
    if crop:
        ih, iw = img.shape[:2]
        sh, sw = ctx.stored.shape[:2]
        pts = np.concatenate([b.quad for b in ctx.boxes]) if ctx.boxes else None
        pts = orient_points(pts, code, sw, sh) if pts is not None else None
        quad = find_document(img, pts, p.crop_min_area)
        if quad is None:
            steps.append(Text(pz + "未找到文档的四条边，未裁剪", pe + "the document's four edges were not found; "
                              "not cropped"))
        else:
            longest = max(rules.fix_min_long_side, p.work_long_side)
            src = img
            side = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0]))
            if side < rules.fix_min_long_side and ctx.work_scale < 0.999 and ctx._given is None:
                # the document is small in the frame: cut it from the full-resolution pixels
                full = pio.decode(ctx.info, apply_exif=False).bgr
                src = orient(full, code)
                quad = quad * (src.shape[1] / img.shape[1])
            img = warp_document(src, quad, longest)
            steps.append(Text(pz + f"已裁剪到文档并校正透视（{img.shape[1]}×{img.shape[0]}）",
                              pe + f"cropped to the document and straightened it ({img.shape[1]}×{img.shape[0]})"))
    h, w = img.shape[:2]
    floor = min(rules.fix_min_long_side, max(w, h))
    kw = {"min_width": floor} if w >= h else {"min_height": floor}
    try:
        enc = _encode(img, rules.fix_max_bytes, p.min_quality, p.max_quality, kw)
    except FixRefused as e:
        raise FixRefused(Text(pz + e.text.zh, pe + e.text.en), code=e.code, failing=e.failing,
                         hint=Text("画面纹理过多（如桌面花纹），可加 --crop 只保留文档",
                                   "Too much texture (a patterned desk?); add --crop to keep only the document"))
    scaled = "" if enc.scale >= 0.999 else f"，缩小到 {enc.width}×{enc.height}"
    scaled_en = "" if enc.scale >= 0.999 else f", scaled to {enc.width}×{enc.height}"
    steps.append(Text(pz + f"保存为 JPG：{enc.width}×{enc.height}，质量 {enc.quality}{scaled}，{len(enc.data):,} 字节",
                      pe + f"saved as JPEG: {enc.width}×{enc.height}, quality {enc.quality}{scaled_en}, "
                      f"{len(enc.data):,} bytes"))
    return FixOutput(enc.data, ".jpg", page)


def _encode(img: np.ndarray, max_bytes: int, q_min: int, q_max: int, floor: dict) -> Encoded:
    """The best quality under ``max_bytes`` (quality first, then size). Clean scans and
    PDF pages usually fit at the top quality, so that is tried once before the search;
    a phone photo's usually fits a step or two below it, so the search starts there."""
    top = encode_jpeg(img, q_max)
    if len(top) < max_bytes:
        return Encoded(top, q_max, img.shape[1], img.shape[0], 1.0)
    return encode_under(img, max_bytes, q_min=q_min, q_max=q_max - 1, from_top=True, **floor)


def fix(info: pio.ImageInfo, pack: RulePack, *, crop: bool = False, **_options) -> tuple[list[FixOutput], list[Text]]:
    p = pack.material.fix
    steps: list[Text] = []
    outputs: list[FixOutput] = []
    if info.format == "pdf":
        pages, total = render_pdf(info, p.pdf_long_side, p.pdf_max_pages)
        steps.append(Text(f"PDF 共 {total} 页，已逐页渲染为图片（长边 {p.pdf_long_side} 像素）",
                          f"the PDF has {total} page(s); rendered each at a {p.pdf_long_side} px long side"))
        if total > len(pages):
            steps.append(Text(f"只转换了前 {len(pages)} 页", f"converted the first {len(pages)} pages only"))
        multi = len(pages) > 1
        for n, bgr in enumerate(pages, 1):
            ctx = Context(info, pack, stored=bgr)
            if not ctx.boxes and float(ctx.grey.std()) < 4.0:
                steps.append(Text(f"第 {n} 页是空白页，已跳过", f"page {n} is blank; skipped"))
                continue
            outputs.append(_fix_page(ctx, n if multi else None, crop, steps))
        if not outputs:
            raise FixRefused(Text("PDF 中没有可转换的页面（都是空白页）", "the PDF has no pages with content"),
                             code="unfixable", failing=["sharpness"])
        return outputs, steps
    ctx = Context.shared(info, pack)
    if info.format not in pack.material.formats:
        steps.append(Text(f"已从 {pio.format_name(info.format)} 转换为 JPG",
                          f"converted from {pio.format_name(info.format)} to JPEG"))
    elif info.format == "png":
        steps.append(Text("已从 PNG 转换为 JPG（压缩更有效）", "converted from PNG to JPEG (compresses better)"))
    outputs.append(_fix_page(ctx, None, crop, steps))
    if info.has_gps or info.has_exif:
        steps.append(Text("已去除 EXIF 元数据（含拍摄地点、设备等个人信息）" if info.has_gps else "已去除 EXIF 元数据",
                          "removed the EXIF metadata (location, device and other personal data)" if info.has_gps
                          else "removed the EXIF metadata"))
    return outputs, steps
