#!/usr/bin/env python3
"""Render the application icon from resources/icons/photocheck.svg.

Writes, next to the SVG:

- ``photocheck.png``: 256 x 256, for the window icon and Linux desktops;
- ``photocheck.ico``: 16 ... 256 px, each size rendered from the vector source
  (not scaled down from the large bitmap), for the Windows executables and installer.

Qt's SVG renderer draws the images (offscreen, no display needed); Pillow writes the
ICO container. ``--check`` exits 1 when the bitmaps are missing or hold other sizes
than the ones below, without writing anything.

    python tools/make_icons.py [--check]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICON_DIR = ROOT / "resources" / "icons"
SVG = ICON_DIR / "photocheck.svg"
PNG = ICON_DIR / "photocheck.png"
ICO = ICON_DIR / "photocheck.ico"
PNG_SIZE = 256
# Sizes Windows asks for: small icons at 100-250 % scaling, Explorer views, Start tiles.
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)


def render(svg: Path, size: int):
    """The SVG drawn into a size x size RGBA Pillow image."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot parse {svg}")
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buf = QByteArray()
    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(dev, "PNG")
    dev.close()
    return Image.open(io.BytesIO(bytes(buf))).convert("RGBA")


def build() -> dict[str, bytes]:
    """File name -> bytes of every generated icon file."""
    images = {s: render(SVG, s) for s in sorted(set(ICO_SIZES) | {PNG_SIZE})}
    png = io.BytesIO()
    images[PNG_SIZE].save(png, "PNG", optimize=True)
    ico = io.BytesIO()
    largest = images[max(ICO_SIZES)]
    largest.save(ico, "ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    return {PNG.name: png.getvalue(), ICO.name: ico.getvalue()}


def ico_sizes(data: bytes) -> list[int]:
    """Pixel sizes listed in an ICO file's directory (0 in the header means 256)."""
    count = int.from_bytes(data[4:6], "little")
    sizes = []
    for i in range(count):
        w = data[6 + 16 * i]
        sizes.append(w or 256)
    return sorted(sizes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the bitmaps, write nothing")
    args = ap.parse_args(argv)
    if args.check:
        problems = []
        if not PNG.is_file() or not ICO.is_file():
            problems.append("missing: run python tools/make_icons.py")
        else:
            if ico_sizes(ICO.read_bytes()) != sorted(ICO_SIZES):
                problems.append(f"{ICO.name}: sizes {ico_sizes(ICO.read_bytes())}, want {list(ICO_SIZES)}")
            from PIL import Image

            with Image.open(PNG) as im:
                if im.size != (PNG_SIZE, PNG_SIZE):
                    problems.append(f"{PNG.name}: {im.size}, want {PNG_SIZE}x{PNG_SIZE}")
        for p in problems:
            print(f"make_icons: {p}", file=sys.stderr)
        return 1 if problems else 0
    for name, data in build().items():
        target = ICON_DIR / name
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        print(f"wrote {target.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
