"""Hostile inputs made in code: files that are small on disk and huge once decoded, and
files whose headers lie. Used by tests/unit/test_bounded.py and for measuring by hand:

    python tests/hostile.py OUTDIR      # writes every file below into OUTDIR
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def deflate_repeated(head: bytes, block: bytes, count: int, tail: bytes = b"") -> bytes:
    """A zlib stream of ``head + block * count + tail``, made fast: ``block`` is compressed
    once, on its own (a full flush), and its compressed bytes are repeated."""
    def part(data: bytes, final: bool) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    check = zlib.adler32(head)
    for _ in range(count):
        check = zlib.adler32(block, check)
    check = zlib.adler32(tail, check)
    return (b"\x78\xda" + part(head, False) + part(block, False) * count + part(tail, True)
            + struct.pack(">I", check))


def png_bomb(side: int, *, channels: int = 4, stripe: bool = True) -> bytes:
    """A side x side 8-bit PNG (RGBA for 4 channels, RGB for 3) that deflates to about a
    megabyte: every row white, but with a dark vertical bar (so that it is not a flat
    page), each row after the first filtered Up from the one above."""
    colour = {3: 2, 4: 6}[channels]
    ihdr = struct.pack(">IIBBBBB", side, side, 8, colour, 0, 0, 0)
    first = bytearray(b"\xff" * (side * channels))
    if stripe:
        a, b = side // 3 * channels, side // 2 * channels
        first[a:b] = bytes([40, 40, 40, 255][:channels]) * ((b - a) // channels)
    row_up = b"\x02" + bytes(side * channels)  # Up filter, no change: the row repeats
    rows = side - 1
    idat = deflate_repeated(b"\x00" + bytes(first), row_up * 64, rows // 64, row_up * (rows % 64))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def tiff_bomb(side: int, *, rows_per_strip: int = 64) -> bytes:
    """A side x side RGB TIFF, deflate-compressed strips (all strips share one compressed
    block of white rows): a few hundred kilobytes on disk."""
    spp = 3
    strips = -(-side // rows_per_strip)
    full = zlib.compress(b"\xff" * (side * spp * rows_per_strip), 9)
    last_rows = side - (strips - 1) * rows_per_strip
    last = zlib.compress(b"\xff" * (side * spp * last_rows), 9)
    entries = 13
    ifd_size = 2 + entries * 12 + 4
    data_at = 8 + ifd_size
    bps_at = data_at
    offs_at = bps_at + 6
    counts_at = offs_at + 4 * strips
    full_at = counts_at + 4 * strips
    last_at = full_at + len(full)
    offsets = [full_at] * (strips - 1) + [last_at]
    counts = [len(full)] * (strips - 1) + [len(last)]

    def entry(tag: int, typ: int, count: int, value: int) -> bytes:
        if typ == 3 and count == 1:
            return struct.pack("<HHIHH", tag, typ, count, value, 0)
        return struct.pack("<HHII", tag, typ, count, value)

    ifd = struct.pack("<H", entries) + b"".join([
        entry(256, 4, 1, side), entry(257, 4, 1, side), entry(258, 3, 3, bps_at),
        entry(259, 3, 1, 8), entry(262, 3, 1, 2), entry(273, 4, strips, offs_at),
        entry(277, 3, 1, spp), entry(278, 4, 1, rows_per_strip), entry(279, 4, strips, counts_at),
        entry(282, 5, 1, 0), entry(283, 5, 1, 0), entry(284, 3, 1, 1), entry(296, 3, 1, 2),
    ]) + struct.pack("<I", 0)
    # resolution values (tags 282/283) are rationals that need 8 bytes each: put them last
    res_at = last_at + len(last)
    ifd = ifd.replace(struct.pack("<HHII", 282, 5, 1, 0), struct.pack("<HHII", 282, 5, 1, res_at))
    ifd = ifd.replace(struct.pack("<HHII", 283, 5, 1, 0), struct.pack("<HHII", 283, 5, 1, res_at))
    body = (b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<HHH", 8, 8, 8)
            + struct.pack(f"<{strips}I", *offsets) + struct.pack(f"<{strips}I", *counts)
            + full + last + struct.pack("<II", 300, 1))
    return body


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def pdf_bomb(inflated: int = 1 << 30) -> bytes:
    """A one-page PDF whose content stream is ``inflated`` bytes once decompressed (a
    painted rectangle, then spaces), about a megabyte on disk."""
    block = b" " * (1 << 20)
    stream = deflate_repeated(b"0.2 g 100 100 300 400 re f\n", block, inflated // len(block))
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])


def pdf_loop() -> bytes:
    """A PDF whose page tree points back at itself: it opens, but no page can be taken."""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ])


def pdf_plain() -> bytes:
    """An ordinary one-page PDF (a grey rectangle on A4)."""
    content = b"0.2 g 100 100 300 400 re f\n"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ])


def jpeg_liar(claim: int = 15000) -> bytes:
    """A small real JPEG whose SOF marker claims ``claim`` x ``claim`` pixels."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 180, 160)).save(buf, "JPEG", quality=90)
    data = bytearray(buf.getvalue())
    i = 2
    while i < len(data):
        marker = data[i + 1]
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", claim, claim)
            break
        i += 2 + length
    return bytes(data)


def jpeg_bad_exif() -> bytes:
    """A JPEG photo-sized image whose EXIF block is damaged (Pillow warns on it)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    # a Make tag (271) whose 100 bytes would lie far past the end of the block
    exif = (b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 2)
            + struct.pack("<HHII", 0x0112, 3, 1, 1) + struct.pack("<HHII", 0x010F, 2, 100, 0x1000) + b"\x00" * 4)
    Image.new("RGB", (413, 579), (230, 230, 230)).save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


MAKERS = {
    "png_rgba_15800.png": lambda: png_bomb(15800, channels=4),
    "png_rgb_15800.png": lambda: png_bomb(15800, channels=3),
    "tiff_15000.tif": lambda: tiff_bomb(15000),
    "pdf_bomb.pdf": pdf_bomb,
    "pdf_loop.pdf": pdf_loop,
    "pdf_plain.pdf": pdf_plain,
    "jpeg_liar.jpg": jpeg_liar,
    "jpeg_bad_exif.jpg": jpeg_bad_exif,
}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in MAKERS.items():
        (out / name).write_bytes(make())
        print(name, (out / name).stat().st_size)
