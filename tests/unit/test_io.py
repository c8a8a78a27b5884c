"""The input adapter: sniffing, header probing, reduced decode, typed errors."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from photocheck import io as pio
from photocheck.errors import InputError


def jpeg_bytes(w=200, h=300, colour=(30, 120, 200), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), colour).save(buf, "JPEG", **save)
    return buf.getvalue()


def png_header_only(w: int, h: int) -> bytes:
    """A syntactically valid PNG whose IHDR claims w x h (pixel data is a stub)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data,fmt", [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "heif"),
    (b"BM" + b"\x00" * 20, "bmp"),
    (b"%PDF-1.7\n", "pdf"),
    (b"hello world, not an image", None),
])
def test_sniff(data, fmt):
    assert pio.sniff(data[:32]) == fmt


def test_probe_reads_header_without_decoding(tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(jpeg_bytes(321, 123))
    info = pio.probe(p)
    assert (info.format, info.width, info.height, info.mode) == ("jpeg", 321, 123, "RGB")
    assert info.size_bytes == p.stat().st_size and not info.progressive and info.bits == 8


def test_progressive_jpeg_detected():
    info = pio.probe(jpeg_bytes(progressive=True))
    assert info.progressive


@pytest.mark.parametrize("make,code", [
    (lambda: b"", "empty"),
    (lambda: jpeg_bytes()[:-300], "truncated"),
    (lambda: b"just text pretending to be a jpg", "unsupported"),
    (lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "unreadable"),
    (lambda: png_header_only(20000, 15000), "too_large"),
])
def test_probe_errors_are_typed(tmp_path, make, code):
    p = tmp_path / "x.jpg"
    p.write_bytes(make())
    with pytest.raises(InputError) as ei:
        pio.probe(p)
    assert ei.value.code == code
    assert ei.value.exit_code == 3
    # bilingual: Chinese first, English present
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ei.value.text.zh) and ei.value.text.en


def test_missing_and_folder(tmp_path):
    with pytest.raises(InputError) as ei:
        pio.probe(tmp_path / "nope.jpg")
    assert ei.value.code == "not_found"
    with pytest.raises(InputError) as ei:
        pio.probe(tmp_path)
    assert ei.value.code == "not_a_file"


def test_chinese_path_with_spaces(tmp_path):
    d = tmp_path / "我的 照片 文件夹"
    d.mkdir()
    p = d / "报名 照片.jpg"
    p.write_bytes(jpeg_bytes())
    dec = pio.load(p)
    assert dec.bgr.shape == (300, 200, 3)


def test_reduced_decode_keeps_aspect_and_reports_scale():
    data = jpeg_bytes(4000, 3000)
    dec = pio.decode(pio.probe(data), max_side=800)
    h, w = dec.bgr.shape[:2]
    assert max(h, w) <= 1200 and abs(w / h - 4 / 3) < 0.01
    assert dec.scale == pytest.approx(w / 4000)


@pytest.mark.parametrize("size", [(4000, 3000), (2000, 1500), (3024, 4032), (1700, 1200)])
def test_shrink_gives_the_reduced_decode_of_already_decoded_pixels(size):
    """One decode at the work scale can stand in for a second, smaller decode."""
    rng = np.random.default_rng(0)
    w, h = size
    img = cv2.resize(rng.integers(0, 256, (h // 50, w // 50, 3), dtype=np.uint8), (w, h))
    info = pio.probe(cv2.imencode(".jpg", img)[1].tobytes())
    work = pio.decode(info, max_side=1600).bgr
    small = pio.decode(info, max_side=320).bgr
    shrunk = pio.shrink(work, 320)
    assert abs(shrunk.shape[0] - small.shape[0]) <= 1 and abs(shrunk.shape[1] - small.shape[1]) <= 1
    assert max(shrunk.shape[:2]) <= 480
    h, w = min(small.shape[0], shrunk.shape[0]), min(small.shape[1], shrunk.shape[1])
    assert np.abs(shrunk[:h, :w].astype(int) - small[:h, :w]).mean() < 4


@pytest.mark.parametrize("orientation,shape", [(1, (300, 200)), (6, (200, 300)), (8, (200, 300)), (3, (300, 200))])
def test_exif_orientation_applied(orientation, shape):
    im = Image.new("RGB", (200, 300), (255, 255, 255))
    im.paste((255, 0, 0), (0, 0, 20, 20))  # red mark at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=95)
    info = pio.probe(buf.getvalue())
    assert info.exif_orientation == orientation
    bgr = pio.decode(info).bgr
    assert bgr.shape[:2] == shape
    # the mark moves where the orientation says: 6 = rotate 90 CW -> top-right
    corners = {"tl": bgr[5, 5], "tr": bgr[5, -6], "bl": bgr[-6, 5], "br": bgr[-6, -6]}
    red = [k for k, v in corners.items() if v[2] > 200 and v[1] < 80]
    assert red == [{1: "tl", 6: "tr", 8: "bl", 3: "br"}[orientation]]


def test_greyscale_cmyk_and_16bit_decode_to_bgr():
    buf = io.BytesIO()
    Image.new("L", (64, 80), 100).save(buf, "JPEG")
    assert pio.load(buf.getvalue()).bgr.shape == (80, 64, 3)
    buf = io.BytesIO()
    Image.new("CMYK", (64, 80), (0, 255, 255, 0)).save(buf, "JPEG")
    info = pio.probe(buf.getvalue())
    assert info.mode == "CMYK"
    bgr = pio.decode(info).bgr
    assert bgr.shape == (80, 64, 3) and bgr[40, 32, 2] > 200  # red stays red
    arr = (np.arange(64 * 80, dtype=np.uint16).reshape(80, 64) * 10)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    info = pio.probe(buf.getvalue())
    assert info.bits == 16
    assert pio.decode(info).bgr.dtype == np.uint8


def test_real_heic_is_read():
    pillow_heif = pytest.importorskip("pillow_heif")
    rgb = np.zeros((120, 90, 3), np.uint8)
    rgb[:, :, 0] = 200
    heif = pillow_heif.from_bytes(mode="RGB", size=(90, 120), data=rgb.tobytes())
    buf = io.BytesIO()
    heif.save(buf, quality=90)
    info = pio.probe(buf.getvalue())
    assert info.format == "heif" and (info.width, info.height) == (90, 120)
    bgr = pio.decode(info).bgr
    assert bgr.shape == (120, 90, 3) and bgr[60, 45, 2] > 150
    # read by the decode-only library, so the app needs no HEVC encoder
    assert Image.OPEN["HEIF"][0].__module__.startswith("pi_heif")


def test_transparent_png_composited_on_white():
    im = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    bgr = pio.load(buf.getvalue()).bgr
    assert (bgr == 255).all()


@pytest.mark.slow
def test_100_megapixel_jpeg_decodes_reduced(tmp_path):
    big = np.full((10000, 10000, 3), 180, np.uint8)
    ok, enc = cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 50])
    del big
    info = pio.probe(enc.tobytes())
    assert info.pixels == 100_000_000
    dec = pio.decode(info, max_side=900)
    assert max(dec.bgr.shape[:2]) <= 1350


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matches_pillow(orientation):
    arr = np.arange(3 * 4 * 3, dtype=np.uint8).reshape(3, 4, 3)
    t = Image.Transpose
    ops = {2: t.FLIP_LEFT_RIGHT, 3: t.ROTATE_180, 4: t.FLIP_TOP_BOTTOM, 5: t.TRANSPOSE, 6: t.ROTATE_270,
           7: t.TRANSVERSE, 8: t.ROTATE_90}
    ref = np.asarray(Image.fromarray(arr).transpose(ops[orientation])) if orientation in ops else arr
    assert np.array_equal(pio.apply_orientation(arr, orientation), ref)
