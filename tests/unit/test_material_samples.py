"""Documents drawn in code for the material tests (and tools/bench_material.py).

Every sample is a registration document rendered with a CJK font (Debian
``fonts-wqy-microhei``), then "photographed": laid on a desk, slightly turned and in
perspective, with a little sensor noise, and saved as JPEG. Faces on ID cards and
reports come from the public-domain samples that ship in scikit-image.

The tests at the bottom only guard the drawings themselves.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = [Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
              Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc")]


def font_path() -> Path | None:
    return next((p for p in FONT_PATHS if p.exists()), None)


def need_font() -> Path:
    p = font_path()
    if p is None:
        pytest.skip("CJK font fonts-wqy-microhei not installed")
    return p


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(need_font()), size)


@lru_cache(maxsize=1)
def _face() -> np.ndarray:
    from faces import astronaut

    a = np.ascontiguousarray(astronaut()[:, :, ::-1])  # RGB, 512x512
    return a[20:330, 120:340]


def _paste_face(im: Image.Image, box: tuple[int, int, int, int]) -> None:
    x, y, w, h = box
    f = Image.fromarray(_face()).resize((w, h))
    im.paste(f, (x, y))


def _text(d: ImageDraw.ImageDraw, xy, s: str, size: int, fill=(20, 20, 20)) -> None:
    d.text(xy, s, font=_font(size), fill=fill)


# --------------------------------------------------------------------------- flat documents


def id_front(number: str = "420106199406071234", name: str = "赵磊", scale: float = 1.0) -> np.ndarray:
    W, H = int(1280 * scale), int(808 * scale)
    im = Image.new("RGB", (W, H), (238, 242, 246))
    d = ImageDraw.Draw(im)
    s = scale
    blue = (40, 90, 160)
    rows = [("姓  名", name), ("性  别", "男      民族  汉"), ("出  生", "1994 年 6 月 7 日"),
            ("住  址", "湖北省武汉市洪山区")]
    for i, (k, v) in enumerate(rows):
        _text(d, (70 * s, (80 + i * 115) * s), k, int(44 * s), blue)
        _text(d, (250 * s, (80 + i * 115) * s), v, int(48 * s))
    _text(d, (250 * s, 535 * s), "珞喻路277号", int(48 * s))
    _text(d, (70 * s, 640 * s), "公民身份号码", int(44 * s), blue)
    _text(d, (400 * s, 632 * s), number, int(56 * s))
    _paste_face(im, (int(900 * s), int(90 * s), int(300 * s), int(380 * s)))
    return cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR)


def id_back(valid: str = "2016.01.12-2036.01.12", scale: float = 1.0) -> np.ndarray:
    W, H = int(1280 * scale), int(808 * scale)
    im = Image.new("RGB", (W, H), (240, 240, 236))
    d = ImageDraw.Draw(im)
    s = scale
    d.ellipse((70 * s, 70 * s, 230 * s, 230 * s), outline=(200, 30, 30), width=int(8 * s))
    _text(d, (330 * s, 90 * s), "中华人民共和国", int(70 * s))
    _text(d, (380 * s, 220 * s), "居民身份证", int(86 * s))
    _text(d, (150 * s, 520 * s), "签发机关   武汉市公安局洪山分局", int(44 * s))
    _text(d, (150 * s, 620 * s), "有效期限   " + valid, int(44 * s))
    return cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR)


def _certificate(title: str, body: list[str], signer: str, number: str, colour, paper, scale: float,
                 school: str | None = None) -> np.ndarray:
    """A landscape certificate: framed, a spaced title, body lines, photo, signature, number."""
    W, H = int(1500 * scale), int(1060 * scale)
    im = Image.new("RGB", (W, H), paper)
    d = ImageDraw.Draw(im)
    s = scale
    d.rectangle((25 * s, 25 * s, W - 25 * s, H - 25 * s), outline=colour, width=int(11 * s))
    tsize = 84 if len(title) < 9 else 72
    tw = d.textlength(title, font=_font(int(tsize * s)))
    _text(d, ((W - tw) / 2, 80 * s), title, int(tsize * s), colour)
    for i, line in enumerate(body):
        _text(d, (330 * s, (260 + i * 80) * s), line, int(40 * s))
    _paste_face(im, (int(100 * s), int(260 * s), int(180 * s), int(240 * s)))
    _text(d, (820 * s, 760 * s), signer, int(40 * s))
    if school:
        _text(d, (820 * s, 840 * s), school, int(40 * s))
    _text(d, (100 * s, 940 * s), "证书编号：" + number, int(32 * s))
    return cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR)


def diploma(scale: float = 1.0) -> np.ndarray:
    body = ["学生 杨帆，性别男，1996年2月28日生，于二〇一六年",
            "九月至二〇二一年六月在本校临床医学专业五年制本科",
            "学习，修完教学计划规定的全部课程，成绩合格，准予",
            "毕业。"]
    return _certificate("毕 业 证 书", body, "校长：黄敏", "104862021050012345", (170, 20, 30),
                        (250, 246, 236), scale, school="武汉大学")


def degree(scale: float = 1.0) -> np.ndarray:
    body = ["杨帆，男，1996年2月28日生。在武汉大学临床医学",
            "专业完成了本科学习计划，业已毕业。经审核符合",
            "《中华人民共和国学位条例》的规定，授予医学学士学位。"]
    return _certificate("学 士 学 位 证 书", body, "学位评定委员会主席：黄敏", "1048642021000123", (20, 60, 140),
                        (244, 248, 250), scale)


def report(code: str = "DA9W4NZHKF9LXQPL", date: dt.date | None = None, scale: float = 1.0) -> np.ndarray:
    date = date or (dt.date.today() - dt.timedelta(days=20))
    W, H = int(1100 * scale), int(1500 * scale)
    im = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(im)
    s = scale
    navy = (30, 50, 110)
    _text(d, (190 * s, 70 * s), "教育部学籍在线验证报告", int(64 * s), navy)
    _text(d, (560 * s, 170 * s), f"更新日期：{date.year}年{date.month:02d}月{date.day:02d}日", int(28 * s))
    rows = [("姓名", "王芳"), ("性别", "女"), ("院校", "湖北中医药大学"), ("层次", "本科"), ("专业", "临床医学"),
            ("学历类别", "普通高等教育"), ("学习形式", "普通全日制"), ("学籍状态", "在籍（注册学籍）")]
    for i, (k, v) in enumerate(rows):
        y = (250 + i * 70) * s
        d.rectangle((80 * s, y - 10 * s, 760 * s, y + 50 * s), outline=(150, 160, 180), width=max(1, int(2 * s)))
        _text(d, (100 * s, y), k, int(34 * s))
        _text(d, (330 * s, y), v, int(34 * s))
    _paste_face(im, (int(820 * s), int(250 * s), int(200 * s), int(250 * s)))
    _text(d, (90 * s, 900 * s), "在线验证码：" + code, int(42 * s))
    rng = np.random.default_rng(7)
    cell = int(22 * s)
    for i in range(9):
        for j in range(9):
            if rng.random() < 0.5:
                x0, y0 = int(820 * s) + i * cell, int(860 * s) + j * cell
                d.rectangle((x0, y0, x0 + cell, y0 + cell), fill=(0, 0, 0))
    _text(d, (90 * s, 1010 * s), "注：本报告仅证明学籍状态，请登录学信网输入验证码查询核实。", int(28 * s))
    return cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR)


# --------------------------------------------------------------------------- photographing


def on_desk(doc: np.ndarray, size: tuple[int, int] = (1600, 1200), fill: float = 0.8, angle: float = 2.0,
            seed: int = 0, desk=(96, 120, 150), noise: float = 2.0) -> np.ndarray:
    """The document laid on a desk and photographed a little skewed: a BGR frame of ``size``."""
    rng = np.random.default_rng(seed)
    W, H = size
    frame = np.empty((H, W, 3), np.float32)
    frame[:] = desk
    grad = np.linspace(0.9, 1.08, W, dtype=np.float32)[None, :, None]
    frame *= grad
    dh, dw = doc.shape[:2]
    s = fill * min(W / dw, H / dh)
    w, h = dw * s, dh * s
    cx, cy = W / 2, H / 2
    a = np.deg2rad(angle)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    dst = corners @ rot.T + [cx, cy]
    dst[0] += [w * 0.01, 0]   # a touch of perspective
    dst[1] -= [w * 0.01, 0]
    src = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(doc, m, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((dh, dw), 255, np.uint8), m, (W, H), flags=cv2.INTER_AREA)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    out = frame * (1 - alpha) + warped.astype(np.float32) * alpha
    out += rng.normal(0, noise, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def jpeg(bgr: np.ndarray, quality: int = 90, exif: bytes | None = None) -> bytes:
    im = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    buf = io.BytesIO()
    kw = {"quality": quality}
    if exif is not None:
        kw["exif"] = exif
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def encode(bgr: np.ndarray, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    if fmt == "HEIF":
        # The app reads HEIC with pi-heif, which has no encoder; the tests make their
        # HEIC files with pillow-heif, without registering it as Pillow's plugin, so
        # reading still goes through pi-heif.
        import pytest

        pillow_heif = pytest.importorskip("pillow_heif")
        h, w = bgr.shape[:2]
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        pillow_heif.from_bytes(mode="RGB", size=(w, h), data=rgb.tobytes()).save(buf, quality=kw.get("quality", 90))
        return buf.getvalue()
    im = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def exif_bytes(orientation: int = 1, gps: bool = False) -> bytes:
    ex = Image.Exif()
    ex[0x0112] = orientation
    ex[0x010F] = "PhoneMaker"
    if gps:
        ex[0x8825] = {1: "N", 2: (30.0, 31.0, 12.5), 3: "E", 4: (114.0, 21.0, 40.2)}
    return ex.tobytes()


def phone_photo(doc: np.ndarray, size=(4000, 3000), seed: int = 0, quality: int = 92) -> bytes:
    """A 12 MP phone-like JPEG of a document on a desk (several MB)."""
    return jpeg(on_desk(doc, size=size, seed=seed, noise=3.0), quality)


# --------------------------------------------------------------------------- guards


def test_font_draws_chinese():
    need_font()
    img = id_back()
    assert img.shape == (808, 1280, 3)
    ink = (img.min(axis=2) < 100).mean()
    assert 0.01 < ink < 0.2, "the CJK text should leave ink on the card"


def test_on_desk_keeps_document_inside_frame():
    need_font()
    frame = on_desk(diploma(), size=(1600, 1200))
    assert frame.shape == (1200, 1600, 3)
    # the corners are desk, the middle is paper
    assert frame[5, 5].mean() < 160 and frame[600, 800].mean() > 200
