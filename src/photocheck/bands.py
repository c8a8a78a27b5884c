"""Decoding an image too large to hold whole: PNG and TIFF, band by band, at reduced scale.

A 15,800 x 15,800 PNG can be a megabyte on disk and a gigabyte once decoded. ``io.decode``
sends such images here: the pixels are decoded a band of rows at a time (a few
megapixels), each band is shrunk by an integer factor (an exact box average) into the
output, and the band is dropped before the next is decoded. Peak memory is one band
plus the reduced output, whatever the image's size.

Each band is decoded by Pillow from a small file made for it, so no pixel format is
decoded by hand:

- **PNG** (8 bits a sample, not interlaced): the image data is inflated as a stream; a
  band's filtered rows become a PNG of their own, led by the previous band's last row
  (unfiltered, filter type 0) so that the "up", "average" and "Paeth" filters of the
  band's first row see what they refer to.
- **TIFF** (classic, one plane, in strips or tiles): a band is a run of whole strips (or
  one row of tiles), copied with the tags that describe the pixels into a TIFF of their
  own; strips and tiles are coded independently, so nothing carries over.

``layout(info)`` says whether an image can be decoded this way (``None`` when not), and
``decode(info, layout, factor, to_bgr)`` does it.
"""

from __future__ import annotations

import io as _io
import struct
import zlib
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

# Pixels in one decoded band (before reduction).
BAND_PIXELS = 4_000_000
# A single TIFF strip or row of tiles larger than this is not banded (it is one band).
MAX_UNIT_PIXELS = 16_000_000


class BandError(Exception):
    """The data ends early or is inconsistent; ``code`` is ``truncated`` or ``unreadable``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Layout:
    kind: str                                       # "png" or "tiff"
    width: int
    height: int
    png_ihdr: bytes = b""                          # PNG: IHDR body; PLTE/tRNS chunks kept
    png_extra: bytes = b""
    png_idat: list = field(default_factory=list)   # PNG: (offset, length) of each IDAT body
    row_bytes: int = 0
    tiff_order: str = "<"                           # TIFF: byte order, kept tags, units
    tiff_tags: dict = field(default_factory=dict)   # tag -> (type, count, value bytes)
    unit_rows: int = 0                              # rows per strip or per tile row
    units: list = field(default_factory=list)       # per band unit: [(offset, length), ...]
    tiled: bool = False


# --------------------------------------------------------------------------- PNG

def png_chunks(data: bytes):
    pos = 8
    n = len(data)
    while pos + 8 <= n:
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        yield kind, pos + 8, length
        if kind == b"IEND":
            return
        pos += 12 + length


def _png_layout(data: bytes) -> Layout | None:
    ihdr = extra = b""
    idat: list[tuple[int, int]] = []
    for kind, start, length in png_chunks(data):
        body = data[start:start + length]
        if kind == b"IHDR":
            ihdr = body
        elif kind in (b"PLTE", b"tRNS"):
            extra += data[start - 8:start + length + 4]
        elif kind == b"IDAT":
            idat.append((start, min(length, len(data) - start)))
    if len(ihdr) != 13 or not idat:
        return None
    w, h, depth, colour, _comp, _filt, interlace = struct.unpack(">IIBBBBB", ihdr)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if depth != 8 or interlace or channels is None or w > BAND_PIXELS:
        return None  # (a row wider than a band would be a band too large)
    return Layout("png", w, h, png_ihdr=ihdr, png_extra=extra, png_idat=idat, row_bytes=w * channels)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind)))


def _png_bands(data: bytes, lay: Layout, rows_per_band: int):
    """Yield decoded Pillow images of consecutive bands of rows."""
    stride = lay.row_bytes + 1
    inflate = zlib.decompressobj()
    chunks = (data[o:o + n] for o, n in lay.png_idat)
    prev: bytes | None = None
    done = 0
    while done < lay.height:
        rows = min(rows_per_band, lay.height - done)
        need, have = rows * stride, 0
        # the band's filtered rows, re-deflated "stored" (no compression) as they come
        store = zlib.compressobj(0)
        idat = [store.compress(b"\x00" + prev)] if prev is not None else []
        while have < need:
            src = inflate.unconsumed_tail or next(chunks, b"")
            if not src:
                raise BandError("truncated")
            try:
                piece = inflate.decompress(src, need - have)  # never more than asked
            except zlib.error:
                raise BandError("unreadable") from None
            idat.append(store.compress(piece))
            have += len(piece)
        idat.append(store.flush())
        lead = 1 if prev is not None else 0
        ihdr = struct.pack(">II", lay.width, rows + lead) + lay.png_ihdr[8:]
        body_len = sum(len(p) for p in idat)
        # Pillow does not check the CRC of image data: the band's is left 0.
        im = _open(b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", ihdr), lay.png_extra,
                             struct.pack(">I", body_len), b"IDAT", *idat, b"\x00" * 4,
                             _png_chunk(b"IEND", b"")]))
        del idat
        prev = im.crop((0, im.height - 1, lay.width, im.height)).tobytes()
        if lead:
            im = im.crop((0, 1, lay.width, im.height))
        yield im
        done += rows


# --------------------------------------------------------------------------- TIFF

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
# The tags that describe the pixels; everything else (EXIF, XMP, ICC, sub-IFDs) stays out.
_PIXEL_TAGS = {254, 256, 257, 258, 259, 262, 266, 277, 278, 284, 317, 320, 322, 323, 338, 339,
               347, 529, 530, 531, 532}
_STRIP_OFFSETS, _STRIP_COUNTS, _TILE_OFFSETS, _TILE_COUNTS = 273, 279, 324, 325


def _tiff_ints(order: str, typ: int, count: int, raw: bytes) -> list[int]:
    code = {1: "B", 3: "H", 4: "I", 8: "h", 9: "i", 13: "I"}.get(typ)
    if code is None:
        return []
    return list(struct.unpack(f"{order}{count}{code}", raw[:count * _TYPE_SIZE[typ]]))


def _tiff_layout(data: bytes) -> Layout | None:
    if data[:4] not in (b"II*\x00", b"MM\x00*") or len(data) < 8:
        return None
    order = "<" if data[:2] == b"II" else ">"
    (at,) = struct.unpack(order + "I", data[4:8])
    if at + 2 > len(data):
        return None
    (n,) = struct.unpack(order + "H", data[at:at + 2])
    tags: dict[int, tuple[int, int, bytes]] = {}
    for i in range(n):
        e = at + 2 + 12 * i
        if e + 12 > len(data):
            return None
        tag, typ, count = struct.unpack(order + "HHI", data[e:e + 8])
        size = _TYPE_SIZE.get(typ, 0) * count
        if size <= 4:
            raw = data[e + 8:e + 8 + size]
        else:
            (off,) = struct.unpack(order + "I", data[e + 8:e + 12])
            if off + size > len(data):
                return None
            raw = data[off:off + size]
        tags[tag] = (typ, count, raw)

    def ints(tag: int) -> list[int]:
        return _tiff_ints(order, *tags[tag]) if tag in tags else []

    w, h = (ints(256) or [0])[0], (ints(257) or [0])[0]
    if (ints(284) or [1])[0] != 1 or (ints(259) or [1])[0] == 6 or not w or not h:
        return None  # separate planes, or old-style JPEG: decoded whole
    if 322 in tags:
        tw, tl = (ints(322) or [0])[0], (ints(323) or [0])[0]
        offs, counts = ints(_TILE_OFFSETS), ints(_TILE_COUNTS)
        across, down = -(-w // max(tw, 1)), -(-h // max(tl, 1))
        if not tw or not tl or len(offs) < across * down or len(counts) < across * down:
            return None
        units = [list(zip(offs[r * across:(r + 1) * across], counts[r * across:(r + 1) * across]))
                 for r in range(down)]
        unit_rows, tiled = tl, True
    else:
        unit_rows = min((ints(278) or [h])[0], h)
        offs, counts = ints(_STRIP_OFFSETS), ints(_STRIP_COUNTS)
        strips = -(-h // max(unit_rows, 1))
        if not unit_rows or len(offs) < strips or len(counts) < strips:
            return None
        units = [[(o, c)] for o, c in zip(offs[:strips], counts[:strips])]
        tiled = False
    if unit_rows * w > MAX_UNIT_PIXELS:
        return None
    kept = {t: v for t, v in tags.items() if t in _PIXEL_TAGS}
    return Layout("tiff", w, h, tiff_order=order, tiff_tags=kept, unit_rows=unit_rows, units=units,
                  tiled=tiled)


def _tiff_mini(data: bytes, lay: Layout, first: int, count: int) -> bytes:
    """A TIFF of units ``first .. first+count-1`` (strips, or one row of tiles) alone."""
    order = lay.tiff_order
    rows = min(count * lay.unit_rows, lay.height - first * lay.unit_rows)
    pieces = [p for u in lay.units[first:first + count] for p in u]
    tags = dict(lay.tiff_tags)
    tags[257] = (4, 1, struct.pack(order + "I", rows))
    offs_tag, counts_tag = (_TILE_OFFSETS, _TILE_COUNTS) if lay.tiled else (_STRIP_OFFSETS, _STRIP_COUNTS)
    tags[counts_tag] = (4, len(pieces), struct.pack(f"{order}{len(pieces)}I", *[c for _, c in pieces]))
    tags[offs_tag] = (4, len(pieces), b"\x00" * 4 * len(pieces))  # filled in below
    entries = sorted(tags)
    ifd_end = 8 + 2 + 12 * len(entries) + 4
    blob = bytearray()
    where: dict[int, int] = {}
    for t in entries:
        raw = tags[t][2]
        if len(raw) > 4:
            where[t] = ifd_end + len(blob)
            blob += raw + (b"\x00" if len(raw) % 2 else b"")
    pixel_at = ifd_end + len(blob)
    offsets, pos = [], pixel_at
    body = bytearray()
    for off, n in pieces:
        if off + n > len(data):
            raise BandError("truncated")
        offsets.append(pos)
        body += data[off:off + n]
        pos += n
    raw = struct.pack(f"{order}{len(offsets)}I", *offsets)
    if len(raw) > 4:
        blob[where[offs_tag] - ifd_end:where[offs_tag] - ifd_end + len(raw)] = raw
    tags[offs_tag] = (4, len(offsets), raw)
    ifd = bytearray(struct.pack(order + "H", len(entries)))
    for t in entries:
        typ, cnt, raw = tags[t]
        value = struct.pack(order + "I", where[t]) if len(raw) > 4 else raw.ljust(4, b"\x00")
        ifd += struct.pack(order + "HHI", t, typ, cnt) + value
    ifd += b"\x00" * 4
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    return bytes(head + ifd + blob + body)


def _tiff_bands(data: bytes, lay: Layout, rows_per_band: int):
    per = max(1, rows_per_band // lay.unit_rows)  # strips, or rows of tiles
    for first in range(0, len(lay.units), per):
        yield _open(_tiff_mini(data, lay, first, min(per, len(lay.units) - first)))


# --------------------------------------------------------------------------- common

def _open(data: bytes) -> Image.Image:
    try:
        im = Image.open(_io.BytesIO(data))
        im.load()
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds on bad data
        raise BandError("truncated" if "truncat" in str(e).lower() else "unreadable") from None
    return im


def layout(fmt: str, data: bytes) -> Layout | None:
    """How to decode the image band by band, or None when it must be decoded whole."""
    try:
        if fmt == "png":
            return _png_layout(data)
        if fmt == "tiff":
            return _tiff_layout(data)
    except (struct.error, ValueError, IndexError, OverflowError):
        return None  # a header that does not parse: not decoded in bands
    return None


class _Shrinker:
    """Collects full-width BGR bands and writes them, box-averaged ``factor`` x ``factor``,
    into an output of ceil(w / factor) x ceil(h / factor) (edges padded by replication)."""

    def __init__(self, w: int, h: int, factor: int):
        self.f = factor
        self.out = np.empty((-(-h // factor), -(-w // factor), 3), np.uint8)
        self.padded_w = self.out.shape[1] * factor
        self.row = 0
        self.pending: np.ndarray | None = None

    def _emit(self, band: np.ndarray) -> None:
        f = self.f
        if band.shape[0] % f:
            band = cv2.copyMakeBorder(band, 0, f - band.shape[0] % f, 0, 0, cv2.BORDER_REPLICATE)
        if band.shape[1] < self.padded_w:
            band = cv2.copyMakeBorder(band, 0, 0, 0, self.padded_w - band.shape[1], cv2.BORDER_REPLICATE)
        k = band.shape[0] // f
        small = band if f == 1 else cv2.resize(band, (self.padded_w // f, k), interpolation=cv2.INTER_AREA)
        k = min(k, self.out.shape[0] - self.row)
        self.out[self.row:self.row + k] = small[:k]
        self.row += k

    def add(self, band: np.ndarray) -> None:
        if self.pending is not None:
            band = np.concatenate([self.pending, band])
            self.pending = None
        whole = band.shape[0] // self.f * self.f
        if whole:
            self._emit(band[:whole])
        if whole < band.shape[0]:
            self.pending = band[whole:].copy()

    def finish(self) -> np.ndarray:
        if self.pending is not None:
            self._emit(self.pending)
            self.pending = None
        if self.row != self.out.shape[0]:
            raise BandError("truncated")
        return self.out


def decode(data: bytes, lay: Layout, factor: int, to_bgr) -> np.ndarray:
    """The image reduced by ``factor`` (box average), as BGR uint8, decoded band by band;
    ``to_bgr`` turns one band's Pillow image into BGR. Raises BandError."""
    rows = max(1, BAND_PIXELS // max(lay.width, 1))
    rows = max(factor, rows // factor * factor)
    bands = _png_bands(data, lay, rows) if lay.kind == "png" else _tiff_bands(data, lay, rows)
    shrink = _Shrinker(lay.width, lay.height, factor)
    try:
        for im in bands:
            if im.width != lay.width:
                raise BandError("unreadable")
            shrink.add(to_bgr(im))
            im.close()
    except (struct.error, ValueError, IndexError, OverflowError):
        raise BandError("unreadable") from None
    return shrink.finish()
