"""The one input adapter: a path, bytes or a stream in; typed, decoded data out.

- The real format is sniffed from the content, never from the file name.
- Headers are read without decoding pixels, so a decompression bomb is refused
  before it costs memory: above MAX_PIXELS always, above WHOLE_MAX_PIXELS unless the
  image decodes in bounded memory (baseline JPEG, and PNG and TIFF band by band through
  ``bands``), and a JPEG whose header claims more pixels than its data can hold.
- Pixels decode at the smallest scale a caller asks for (JPEG DCT scaling).
- EXIF orientation is reported, and applied on decode unless asked not to.
- Every failure becomes an ``InputError`` with a stable code:
  ``not_found``, ``not_a_file``, ``empty``, ``truncated``, ``unsupported``,
  ``unreadable``, ``too_large``.
"""

from __future__ import annotations

import datetime
import io as _io
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Union

import cv2
import numpy as np
from PIL import Image, ImageFile

from .errors import InputError
from .text import Text

# We enforce our own pixel limit (MAX_PIXELS) before any decode.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

MAX_PIXELS = 250_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024
# The memory budget of one decode. An image is decoded whole (every pixel held at once,
# several bytes each) only up to WHOLE_MAX_PIXELS; above that, PNG (8 bits, not
# interlaced) and TIFF (strips or tiles) are decoded band by band at reduced scale
# (bands.py) and baseline JPEG with DCT scaling, up to MAX_PIXELS. Any other image above
# WHOLE_MAX_PIXELS (WebP, GIF, BMP, HEIC, AVIF, JPEG 2000, progressive JPEG, interlaced or
# 16-bit PNG ...) is refused before decoding. No decode returns more than
# WHOLE_MAX_PIXELS either: a caller asking for more gets it reduced.
WHOLE_MAX_PIXELS = 50_000_000
# Decoders that hold more than a few bytes a pixel get less: OpenJPEG keeps every
# sample as a 32-bit integer (a 25 MP JPEG 2000 costs half a gigabyte).
WHOLE_MAX_BY_FORMAT = {"jp2": 20_000_000}
# A banded decode gives at most this many pixels (about 4,000 x 4,000: more than any
# check or fix needs), decoded once per file and reduced for each caller.
BANDED_MAX_PIXELS = 16_000_000
# A Huffman-coded JPEG spends at least one bit on every 8 x 8 block of its largest
# component, so its file holds at least width x height / 512 bytes; half that is the
# floor below which a header's size is not believed (the file is cut short, or lies).
JPEG_MIN_BYTES_PER_PIXEL = 1 / 1024

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]

_heif_registered: bool | None = None


def register_heif() -> bool:
    """Let Pillow read HEIC/HEIF (once); False when the reader is not installed."""
    global _heif_registered
    if _heif_registered is None:
        try:
            # pi-heif: the decode-only build of pillow-heif (libheif + libde265). It
            # leaves out the x265 encoder (22 MiB, GPL), which reading never needs.
            import pi_heif

            pi_heif.register_heif_opener()
            _heif_registered = True
        except Exception:  # pragma: no cover - optional at run time
            _heif_registered = False
    return _heif_registered


# --- format sniffing -------------------------------------------------------------

FORMAT_NAMES = {
    "jpeg": "JPEG", "png": "PNG", "webp": "WebP", "heif": "HEIC/HEIF", "avif": "AVIF",
    "gif": "GIF", "bmp": "BMP", "tiff": "TIFF", "pdf": "PDF", "jp2": "JPEG 2000",
}


def sniff(head: bytes) -> str | None:
    """Return a short format id from the first bytes of a file, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
            return "heif"
        return None
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:5] == b"%PDF-":
        return "pdf"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n":
        return "jp2"
    return None


def format_name(fmt: str | None) -> str:
    return FORMAT_NAMES.get(fmt or "", fmt or "?")


@dataclass
class ImageInfo:
    """What the header says, before any pixel is decoded."""

    path: str | None
    data: bytes = field(repr=False)
    format: str
    width: int                 # as stored, before EXIF orientation
    height: int
    mode: str                  # PIL mode: RGB, L, CMYK, RGBA, P, I;16 ...
    exif_orientation: int      # 1 when absent
    progressive: bool = False
    bits: int = 8
    icc_profile: bytes | None = field(default=None, repr=False)
    dpi: tuple[float, float] | None = None
    has_exif: bool = False
    has_gps: bool = False
    taken: str | None = None          # EXIF DateTimeOriginal as YYYY-MM-DD, when the file has one
    # for a fixed image (which carries no EXIF): the date of the photo it was made from
    source_taken: str | None = None
    # a banded decode (large PNG or TIFF), kept for the next decode of the same file
    _banded: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def size_bytes(self) -> int:
        return len(self.data)

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def oriented_size(self) -> tuple[int, int]:
        """(width, height) as displayed, i.e. after the EXIF orientation."""
        if self.exif_orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height

    @property
    def channels(self) -> int:
        return len(self.mode) if self.mode in ("RGB", "RGBA", "CMYK", "LA") else (
            4 if self.mode == "YCbCr" else 1 if self.mode in ("L", "1", "I;16", "I", "F", "P") else 3)


def _err(code: str, zh: str, en: str, hint: Text | None = None) -> InputError:
    return InputError(Text(zh, en), code=code, hint=hint)


def read_bytes(src: Source) -> tuple[bytes, str | None]:
    """Read the whole source; map OS failures to typed errors."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src), None
    if hasattr(src, "read"):
        data = src.read()  # type: ignore[union-attr]
        return bytes(data), getattr(src, "name", None)
    path = Path(os.fspath(src))
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _err("not_found", f"找不到文件：{name}", f"file not found: {name}") from None
    except OSError as e:
        raise _err("unreadable", f"无法读取文件：{name}", f"cannot read file: {name} ({e.strerror})") from None
    if path.is_dir():
        raise _err("not_a_file", f"这是一个文件夹，不是图片文件：{name}",
                   f"this is a folder, not an image file: {name}")
    if st.st_size > MAX_FILE_BYTES:
        raise _err("too_large", f"文件过大（{st.st_size // 1048576} MB），已拒绝：{name}",
                   f"file too large ({st.st_size // 1048576} MB), refused: {name}")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except PermissionError:
        raise _err("unreadable", f"没有读取权限：{name}", f"permission denied: {name}") from None
    except OSError as e:
        raise _err("unreadable", f"无法读取文件：{name}", f"cannot read file: {name} ({e.strerror})") from None
    return data, name


def _jpeg_is_complete(data: bytes) -> bool:
    # The EOI marker must appear near the end (allow trailing padding/garbage).
    tail = data[-4096:] if len(data) > 4096 else data
    return b"\xff\xd9" in tail


def _png_is_complete(data: bytes) -> bool:
    return b"IEND" in data[-64:]


def _jpeg_sof(data: bytes) -> tuple[bool, int, int] | None:
    """(progressive, bits, marker) from the first SOF marker, without decoding."""
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            bits = data[i + 4] if i + 4 < n else 8
            return marker in (0xC2, 0xC6, 0xCA, 0xCE), bits, marker
        if marker == 0xDA:
            return None
        i += 2 + length
    return None


def _png_exif(data: bytes) -> Image.Exif | dict:
    from .bands import png_chunks

    for kind, start, length in png_chunks(data):
        if kind == b"eXIf":
            exif = Image.Exif()
            exif.load(data[start:start + length])
            return exif
    return {}


def probe(src: Source) -> ImageInfo:
    """Read a source and its header. Raises InputError; never decodes pixels."""
    data, name = read_bytes(src)
    label = name or "<data>"
    if not data:
        raise _err("empty", f"文件是空的（0 字节）：{label}", f"the file is empty (0 bytes): {label}",
                   Text("请重新导出或重新拍摄照片。", "Export or take the photo again."))
    fmt = sniff(data[:32])
    if fmt is None:
        raise _err("unsupported", f"不是可识别的图片文件：{label}", f"not a recognised image file: {label}",
                   Text("请选择 JPG 或 PNG 图片。", "Choose a JPG or PNG image."))
    if fmt == "pdf":
        return ImageInfo(name, data, "pdf", 0, 0, "PDF", 1)
    if fmt in ("heif", "avif"):
        register_heif()
    if fmt == "jpeg" and not _jpeg_is_complete(data):
        raise _err("truncated", f"JPEG 文件不完整（可能下载或拷贝中断）：{label}",
                   f"the JPEG file is truncated (interrupted download or copy?): {label}",
                   Text("请重新拷贝或重新导出该文件。", "Copy or export the file again."))
    if fmt == "png" and not _png_is_complete(data):
        raise _err("truncated", f"PNG 文件不完整：{label}", f"the PNG file is truncated: {label}")
    try:
        with Image.open(_io.BytesIO(data)) as im:
            width, height = im.size
            mode = im.mode
            info = dict(im.info)
            try:
                # Pillow's PNG getexif() decodes every pixel to look for an eXIf chunk
                # after the image data: read the chunk list instead.
                exif = _png_exif(data) if fmt == "png" else im.getexif()
            except Exception:
                exif = {}
    except Exception as e:
        if fmt in ("heif", "avif"):
            raise _err("unreadable", f"HEIC/HEIF 文件已损坏或无法解码：{label}",
                       f"the HEIC/HEIF file is damaged or cannot be decoded: {label}",
                       Text("请在手机上将照片导出为 JPG（“兼容性最佳”）后再试。",
                            "Export the photo from the phone as JPG ('Most Compatible') and retry.")) from None
        if isinstance(e, Image.DecompressionBombError):  # pragma: no cover - limit disabled above
            raise _err("too_large", "图片像素过多，已拒绝", "image has too many pixels, refused") from None
        raise _err("unreadable", f"图片文件已损坏，无法读取：{label}",
                   f"the image file is damaged and cannot be read: {label}") from None
    if width <= 0 or height <= 0:
        raise _err("unreadable", f"图片尺寸无效：{label}", f"invalid image dimensions: {label}")
    if width * height > MAX_PIXELS:
        mp = width * height / 1e6
        raise _err("too_large", f"图片像素过多（{mp:.0f} 百万像素，上限 {MAX_PIXELS // 1_000_000}），已拒绝：{label}",
                   f"image has too many pixels ({mp:.0f} MP, limit {MAX_PIXELS // 1_000_000} MP), refused: {label}",
                   Text("请用手机或相机的常规分辨率重新拍摄或导出。", "Re-export at an ordinary camera resolution."))
    progressive, bits = False, 8
    if fmt == "jpeg":
        sof = _jpeg_sof(data)
        if sof:
            progressive, bits, marker = sof
            if marker < 0xC8 and len(data) < width * height * JPEG_MIN_BYTES_PER_PIXEL:
                raise _err("truncated", f"JPEG 文件声称 {width}×{height} 像素，但数据远远不够，文件不完整或已损坏：{label}",
                           f"the JPEG claims {width}×{height} pixels but holds far too little data for them; "
                           f"it is truncated or damaged: {label}",
                           Text("请重新拷贝或重新导出该文件。", "Copy or export the file again."))
    elif mode in ("I;16", "I;16B", "I;16L", "I"):
        bits = 16
    whole_max = WHOLE_MAX_BY_FORMAT.get(fmt, WHOLE_MAX_PIXELS)
    if width * height > whole_max and not _decodes_in_bands(fmt, data, progressive, mode):
        mp = width * height / 1e6
        kind = "渐进式 JPEG" if progressive else format_name(fmt)
        kind_en = "progressive JPEG" if progressive else format_name(fmt)
        raise _err("too_large",
                   f"图片像素过多（{mp:.0f} 百万像素）：{kind} 图片须整幅解码，上限 {whole_max // 1_000_000} 百万像素，已拒绝：{label}",
                   f"image has too many pixels ({mp:.0f} MP): a {kind_en} image is decoded whole, "
                   f"limit {whole_max // 1_000_000} MP; refused: {label}",
                   Text("请用手机或相机的常规分辨率重新拍摄，或导出为 JPG。",
                        "Re-export at an ordinary camera resolution, or as JPG."))
    orientation = 1
    has_gps = False
    taken = None
    if exif:
        taken = exif_taken(exif)
        try:
            orientation = int(exif.get(0x0112, 1) or 1)
        except (TypeError, ValueError):
            orientation = 1
        if orientation not in range(1, 9):
            orientation = 1
        has_gps = 0x8825 in exif
    dpi = info.get("dpi")
    return ImageInfo(
        path=name, data=data, format=fmt, width=width, height=height, mode=mode,
        exif_orientation=orientation, progressive=progressive, bits=bits,
        icc_profile=info.get("icc_profile"), dpi=tuple(float(v) for v in dpi) if dpi else None,
        has_exif=bool(exif), has_gps=has_gps, taken=taken,
    )


def exif_taken(exif: Any) -> str | None:
    """EXIF DateTimeOriginal (in the Exif IFD) as ``YYYY-MM-DD``; None when absent or not a date."""
    try:
        raw = exif.get_ifd(0x8769).get(0x9003) if hasattr(exif, "get_ifd") else None
    except Exception:  # noqa: BLE001 - a damaged Exif IFD means no date, not a failure
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    m = re.match(r"\s*(\d{4})[:/-](\d{1,2})[:/-](\d{1,2})", str(raw or ""))
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


# --- decoding ----------------------------------------------------------------------

def apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation (1..8) to an HxW(xC) array."""
    if orientation == 2:
        return img[:, ::-1].copy()
    if orientation == 3:
        return img[::-1, ::-1].copy()
    if orientation == 4:
        return img[::-1].copy()
    if orientation == 5:
        return np.ascontiguousarray(np.swapaxes(img, 0, 1))
    if orientation == 6:
        return np.ascontiguousarray(np.rot90(img, -1))
    if orientation == 7:  # transverse: mirror across the anti-diagonal
        return np.ascontiguousarray(np.swapaxes(img[::-1, ::-1], 0, 1))
    if orientation == 8:
        return np.ascontiguousarray(np.rot90(img, 1))
    return img


_CV_REDUCED = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
               8: cv2.IMREAD_REDUCED_COLOR_8}


# Pillow images are turned into BGR this many pixels at a time, so that the conversion's
# temporary copies stay small next to the image itself.
_CONVERT_PIXELS = 4_000_000


def _pil_band_to_bgr(im: Image.Image, peak: float | None) -> np.ndarray:
    if peak is not None:  # 16- and 32-bit grey
        arr = np.asarray(im, dtype=np.float32)
        grey = np.clip(arr * (255.0 / peak), 0, 255).astype(np.uint8)
        return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        # Transparent areas become white, the colour an ID photo background should be:
        # white - (white - colour) x alpha.
        rgba = np.asarray(im if im.mode == "RGBA" else im.convert("RGBA"))
        bgr = cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR)
        alpha = cv2.cvtColor(np.ascontiguousarray(rgba[..., 3]), cv2.COLOR_GRAY2BGR)
        ink = cv2.multiply(cv2.bitwise_not(bgr), alpha, scale=1 / 255)
        return cv2.bitwise_not(ink)
    rgb = np.asarray(im if im.mode == "RGB" else im.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _pil_to_bgr(im: Image.Image) -> np.ndarray:
    peak = None
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        peak = 65535.0 if im.getextrema()[1] > 255 else 255.0
    w, h = im.size
    rows = max(1, _CONVERT_PIXELS // max(w, 1))
    if h <= rows:
        return _pil_band_to_bgr(im, peak)
    out = np.empty((h, w, 3), np.uint8)
    for y in range(0, h, rows):
        out[y:y + rows] = _pil_band_to_bgr(im.crop((0, y, w, min(h, y + rows))), peak)
    return out


def _decodes_in_bands(fmt: str, data: bytes, progressive: bool, mode: str) -> bool:
    """Whether an image above WHOLE_MAX_PIXELS still decodes in bounded memory."""
    if fmt == "jpeg":
        return not progressive and mode in ("RGB", "L", "YCbCr", "CMYK")
    from . import bands

    return bands.layout(fmt, data) is not None


def _band_factor(w: int, h: int) -> int:
    """The integer reduction of a banded decode: the output within BANDED_MAX_PIXELS."""
    f = 1
    while -(-w // f) * -(-h // f) > BANDED_MAX_PIXELS:
        f += 1
    return f


def reduction(w: int, h: int, max_side: float | None, min_side: float | None) -> int:
    """The power-of-two reduction (1, 2, 4 or 8) ``decode`` decodes a w x h source at: the
    largest that keeps the long side at ``max_side`` or more (and the short side at
    ``min_side`` or more)."""
    factor = 1
    if max_side:
        while factor < 8 and max(w, h) / (factor * 2) >= max_side and (
                not min_side or min(w, h) / (factor * 2) >= min_side):
            factor *= 2
    return factor


def _fit(bgr: np.ndarray, max_side: int | None, min_side: int | None) -> np.ndarray:
    """``decode``'s last step: pixels still over 1.5 x ``max_side`` are resized to it."""
    if max_side and max(bgr.shape[:2]) > max_side * 1.5:
        s = max_side / max(bgr.shape[:2])
        if not min_side or min(bgr.shape[:2]) * s >= min_side:
            bgr = cv2.resize(bgr, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    return bgr


def shrink(bgr: np.ndarray, max_side: int) -> np.ndarray:
    """Decoded pixels reduced the way ``decode(max_side=...)`` reduces a source of their
    size (area averaging in place of JPEG DCT scaling), so that one decode can serve a
    second, smaller scale instead of decoding the file again."""
    h, w = bgr.shape[:2]
    factor = reduction(w, h, max_side, None)
    while factor > 1:  # by halves: OpenCV's area resize has a fast path for exactly 2x
        h, w = -(-h // 2), -(-w // 2)
        bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA)
        factor //= 2
    return _fit(bgr, max_side, None)


@dataclass
class Decoded:
    """Pixels in BGR uint8, upright (EXIF applied unless told otherwise)."""

    bgr: np.ndarray
    scale: float          # decoded size / oriented full size (<= 1)
    info: ImageInfo


def decode(info: ImageInfo, *, max_side: int | None = None, min_side: int | None = None,
           apply_exif: bool = True) -> Decoded:
    """Decode pixels, as small as allowed.

    ``max_side``: the caller needs no more than this many pixels on the long side;
    JPEGs then decode with DCT scaling (1/2, 1/4, 1/8) and others are resized.
    ``min_side``: never reduce the short side below this (keeps small images whole).
    """
    if info.format == "pdf":
        raise _err("unsupported", "PDF 文件需要先转换成图片", "a PDF must be converted to images first")
    w, h = info.width, info.height
    factor = reduction(w, h, max_side, min_side)
    while factor < 8 and -(-w // factor) * -(-h // factor) > WHOLE_MAX_PIXELS:
        factor *= 2  # never more than WHOLE_MAX_PIXELS out
    bgr: np.ndarray | None = None
    if info.pixels > WHOLE_MAX_PIXELS and info.format in ("png", "tiff"):
        bgr = _decode_bands(info)  # then reduced to what is asked, below
    elif info.format == "jpeg" and info.mode in ("RGB", "L", "YCbCr"):
        buf = np.frombuffer(info.data, dtype=np.uint8)
        bgr = cv2.imdecode(buf, _CV_REDUCED[factor] | cv2.IMREAD_IGNORE_ORIENTATION)
    if bgr is None:
        try:
            with Image.open(_io.BytesIO(info.data)) as im:
                if info.format == "jpeg" and factor > 1:
                    im.draft("RGB", (w // factor, h // factor))
                im.load()
                bgr = _pil_to_bgr(im)
        except Image.DecompressionBombError:  # pragma: no cover
            raise _err("too_large", "图片像素过多", "too many pixels") from None
        except OSError as e:
            msg = str(e).lower()
            code = "truncated" if "truncat" in msg else "unreadable"
            raise _err(code, f"图片无法解码（文件可能损坏）：{info.path or ''}",
                       f"the image cannot be decoded (damaged file?): {info.path or ''}") from None
        except Exception:
            raise _err("unreadable", f"图片无法解码：{info.path or ''}",
                       f"the image cannot be decoded: {info.path or ''}") from None
    bgr = _fit(bgr, max_side, min_side)
    if bgr is info._banded:
        bgr = bgr.copy()  # the kept decode is never handed out to be drawn on
    if apply_exif and info.exif_orientation != 1:
        bgr = apply_orientation(bgr, info.exif_orientation)
    ow, oh = info.oriented_size if apply_exif else (w, h)
    scale = bgr.shape[1] / ow if ow else 1.0
    return Decoded(bgr=bgr, scale=scale, info=info)


def _decode_bands(info: ImageInfo) -> np.ndarray:
    """The image decoded band by band at BANDED_MAX_PIXELS, once per ImageInfo: a fix asks
    for several scales of the same file, and each banded decode inflates all of it."""
    if info._banded is not None:
        return info._banded
    from . import bands

    lay = bands.layout(info.format, info.data)
    if lay is None or (lay.width, lay.height) != (info.width, info.height):
        raise _err("unreadable", f"图片无法解码：{info.path or ''}", f"the image cannot be decoded: {info.path or ''}")
    try:
        info._banded = bands.decode(info.data, lay, _band_factor(info.width, info.height), _pil_to_bgr)
    except bands.BandError as e:
        raise _err(e.code, f"图片无法解码（文件可能不完整或已损坏）：{info.path or ''}",
                   f"the image cannot be decoded (truncated or damaged file?): {info.path or ''}") from None
    return info._banded


def load(src: Source, *, max_side: int | None = None, apply_exif: bool = True) -> Decoded:
    """probe + decode in one call."""
    return decode(probe(src), max_side=max_side, apply_exif=apply_exif)
