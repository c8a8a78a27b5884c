#!/usr/bin/env python3
"""Regenerate the README screenshots: docs/screenshot-{photo,materials,review}-{zh_CN,en}.png.

Every input is made here, in code: the public-domain portraits that ship inside
installed packages (scikit-image's astronaut, matplotlib's grace_hopper.jpg) and
registration documents drawn with PIL. Corpus files are never used.

Each picture is taken by the app's own screenshot mode:

    photocheck-gui --screenshot OUT.png --page PAGE --lang LANG [--fix] FILE|PACKAGE

    python tools/screenshots.py [--out docs] [--scale 1.0] [--pages photo,materials,review]
    python tools/screenshots.py --screens [--out build/screens]

``--screens`` (``make screenshots-screens``) starts Xvfb at each screen size of
``SCREENS`` and takes every page, in both languages, at each scaling there, on the
xcb platform with the window at its own start-up size; each picture is the whole
screen, and the app's layout report beside it says whether the verdict and the
result table are wholly on screen and visible, whether the table shows at least
MIN_TABLE_ROWS rows at once and every column header whole (the command fails when not).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "C:/Windows/Fonts/msyh.ttc",
              "/System/Library/Fonts/PingFang.ttc")
LANGS = ("zh_CN", "en")
PAGES = ("photo", "materials", "review")
MAX_PNG_BYTES = 300_000
MIN_TABLE_ROWS = 3      # a result table showing fewer rows at once is squeezed to a sliver


# --- documents drawn in code ----------------------------------------------------------------------

def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for p in FONT_PATHS:
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    return ImageFont.load_default()


def _portrait(size: tuple[int, int]) -> Image.Image:
    from skimage import data

    face = Image.fromarray(data.astronaut()).crop((130, 10, 330, 260))
    return face.resize(size)


def _card(w: int, h: int, tint: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    card = Image.new("RGB", (w, h), tint)
    d = ImageDraw.Draw(card)
    for i in range(0, w, 6):  # a faint guilloche-like pattern
        d.line([(i, 0), (i + h // 3, h)], fill=tuple(max(0, c - 6) for c in tint), width=1)
    return card, d


def id_front() -> Image.Image:
    card, d = _card(1712, 1080, (236, 238, 228))
    big, mid = font(58), font(50)
    rows = [("姓名", "张晓明"), ("性别", "男      民族  汉"), ("出生", "1998 年 8 月 22 日"),
            ("住址", "湖北省武汉市洪山区"), ("", "珞喻路 1037 号")]
    y = 110
    for label, value in rows:
        d.text((110, y), label, fill=(60, 90, 150), font=mid)
        d.text((280, y), value, fill=(20, 20, 20), font=big)
        y += 120
    d.text((110, 860), "公民身份号码", fill=(60, 90, 150), font=mid)
    d.text((520, 850), "420111199808221234", fill=(20, 20, 20), font=font(72))
    card.paste(_portrait((420, 525)), (1170, 150))
    return card


def id_back() -> Image.Image:
    card, d = _card(1712, 1080, (230, 236, 240))
    d.ellipse([110, 90, 390, 370], outline=(190, 40, 40), width=14)
    d.text((170, 190), "国徽", fill=(190, 40, 40), font=font(80))
    d.text((520, 140), "中华人民共和国", fill=(20, 20, 20), font=font(96))
    d.text((560, 300), "居 民 身 份 证", fill=(20, 20, 20), font=font(120))
    d.text((200, 700), "签发机关    武汉市公安局洪山分局", fill=(20, 20, 20), font=font(56))
    d.text((200, 840), "有效期限    2016.04.12-2036.04.12", fill=(20, 20, 20), font=font(56))
    return card


def diploma() -> Image.Image:
    card, d = _card(1600, 1130, (250, 246, 236))
    d.rectangle([30, 30, 1570, 1100], outline=(170, 40, 40), width=10)
    d.text((640, 90), "毕业证书", fill=(170, 40, 40), font=font(96))
    body = ["学生 张晓明，性别 男，一九九八年八月二十二日生，于二〇一六年",
            "九月至二〇二一年六月在本校临床医学专业五年制本科学习，修完",
            "教学计划规定的全部课程，成绩合格，准予毕业。",
            "", "校    长：王 明", "证书编号：104971202105000123", "二〇二一年六月三十日"]
    y = 300
    for line in body:
        d.text((140, y), line, fill=(30, 30, 30), font=font(46))
        y += 95
    card.paste(_portrait((250, 330)), (1240, 640))
    return card


def education_report() -> Image.Image:
    page, d = _card(1240, 1754, (255, 255, 255))
    page.paste((255, 255, 255), (0, 0, 1240, 1754))
    d.text((250, 120), "教育部学籍在线验证报告", fill=(20, 60, 140), font=font(66))
    rows = [("姓名", "张晓明"), ("性别", "男"), ("院校", "长江大学"), ("层次", "本科"), ("专业", "临床医学"),
            ("学制", "5 年"), ("入学日期", "2016 年 09 月 01 日"), ("学籍状态", "不在籍（毕业）")]
    y = 330
    for k, v in rows:
        d.rectangle([120, y - 10, 1120, y + 80], outline=(180, 190, 210), width=2)
        d.text((150, y + 8), k, fill=(80, 80, 80), font=font(44))
        d.text((480, y + 8), v, fill=(20, 20, 20), font=font(44))
        y += 100
    d.text((150, 1300), "在线验证码：DA9W4NZHKF9UQPL", fill=(20, 20, 20), font=font(54))
    d.text((150, 1400), "更新日期：2024 年 01 月 05 日", fill=(80, 80, 80), font=font(40))
    page.paste(_portrait((300, 400)), (840, 800))
    return page


def degree() -> Image.Image:
    card, d = _card(1600, 1130, (246, 248, 250))
    d.rectangle([30, 30, 1570, 1100], outline=(30, 70, 140), width=10)
    d.text((560, 90), "学士学位证书", fill=(30, 70, 140), font=font(90))
    body = ["张晓明，男，一九九八年八月二十二日生。在长江大学临床医学专业",
            "完成了本科学习计划，业已毕业，经审核符合《中华人民共和国",
            "学位条例》的规定，授予医学学士学位。", "", "学位评定委员会主席：王 明",
            "证书编号：1049742021000456"]
    y = 300
    for line in body:
        d.text((140, y), line, fill=(30, 30, 30), font=font(46))
        y += 95
    card.paste(_portrait((250, 330)), (1240, 640))
    return card


def degree_report() -> Image.Image:
    page, d = _card(1240, 1754, (255, 255, 255))
    page.paste((255, 255, 255), (0, 0, 1240, 1754))
    d.text((150, 120), "中国高等教育学位在线验证报告", fill=(20, 60, 140), font=font(62))
    rows = [("姓名", "张晓明"), ("学位授予单位", "长江大学"), ("学位", "医学学士学位"), ("学科", "临床医学"),
            ("授予日期", "2021 年 06 月 30 日"), ("证书编号", "1049742021000456")]
    y = 330
    for k, v in rows:
        d.rectangle([120, y - 10, 1120, y + 80], outline=(180, 190, 210), width=2)
        d.text((150, y + 8), k, fill=(80, 80, 80), font=font(44))
        d.text((500, y + 8), v, fill=(20, 20, 20), font=font(44))
        y += 100
    d.text((150, 1150), "在线验证码：2H8KQ3LZP7M5WX2", fill=(20, 20, 20), font=font(54))
    return page


DOCUMENTS = {"id_front": id_front, "id_back": id_back, "diploma": diploma, "education_report": education_report,
             "degree": degree, "degree_report": degree_report}


def photographed(img: Image.Image, *, desk: tuple[int, int, int] = (122, 92, 66), blur: float = 0.0,
                 margin: float = 0.06) -> Image.Image:
    """The document lying on a desk, as a phone photo of it looks (upright)."""
    w, h = img.size
    mx, my = int(w * margin), int(h * margin)
    out = Image.new("RGB", (w + 2 * mx, h + 2 * my), desk)
    out.paste(img, (mx, my))
    return out.filter(ImageFilter.GaussianBlur(blur)) if blur else out


def jpeg(img: Image.Image, path: Path, quality: int = 85) -> Path:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    path.write_bytes(buf.getvalue())
    return path


def camera_portrait(path: Path) -> Path:
    """A phone-style portrait: scikit-image's astronaut, larger, as a JPEG."""
    from skimage import data

    img = Image.fromarray(data.astronaut()).resize((1024, 1024), Image.Resampling.LANCZOS)
    return jpeg(img, path, 92)


def grace(path: Path) -> Path:
    import shutil

    from matplotlib import cbook

    shutil.copy(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False), path)
    return path


# --- packages built in code ------------------------------------------------------------------------

PROFILE: dict[str, str] = {}   # the most common candidate: full-time bachelor, mainland


def new_package(path: Path, **kw):  # noqa: ANN201
    """A package for the most common candidate (its slots from the rule pack's catalogue)."""
    from photocheck.submission import package

    return package.create(path, profile_items=PROFILE, **kw)


def fixed_photo(folder: Path) -> Path:
    from photocheck import core

    out = folder / "报名照片.jpg"
    res = core.fix_file(grace(folder / "grace.jpg"), out, kind="photo")
    if not res.ok:
        raise SystemExit(f"the photo fix failed on grace_hopper.jpg: {res.error and res.error.text.en}")
    return out


def documents(folder: Path) -> dict[str, Path]:
    out = {}
    for i, (kind, draw) in enumerate(DOCUMENTS.items()):
        out[kind] = jpeg(photographed(draw(), desk=(122 - 9 * i, 92, 66 + 7 * i)), folder / f"{kind}.jpg", 80)
    return out


def build_packages(tmp: Path) -> tuple[Path, Path]:
    """(a package sent back with feedback, a package just submitted), both drawn in code.
    The submitted one holds a graduation certificate in the degree slot, the mistake a
    reviewer must see at a glance (the package stores a wrong-kind warning for it)."""
    from photocheck.submission import review, signing
    from photocheck.submission.package import open_package

    src = tmp / "src"
    src.mkdir()
    photo, docs = fixed_photo(src), documents(src)
    made = []
    for name in ("张晓明-退回", "张晓明-待审核"):
        path = tmp / name
        with new_package(path, candidate_name="张晓明", registration_no="2024420100123") as pkg:
            for slot in pkg.manifest.slots:
                if slot.id == "photo":
                    pkg.add("photo", [str(photo)])
                elif slot.id == "id_card":
                    pkg.add("id_card", [str(docs["id_front"]), str(docs["id_back"])])
                elif slot.id == "degree" and name.endswith("待审核"):
                    pkg.add(slot.id, [str(docs["diploma"])])
                elif slot.id in docs:
                    pkg.add(slot.id, [str(docs[slot.id])])
            pkg.submit()
        made.append(path)
    with open_package(made[0], write=True) as pkg:
        t = review.template("blurry")
        review.apply(pkg, [review.Decision("accept", "photo", None),
                           review.Decision("reject", "id_card", 2, t.text if t else None, t.id if t else None)],
                     reviewer="审核员 李", key=signing.ReviewerKey.generate())   # not the developer's own key
    return made[0], made[1]


# --- the screenshots -------------------------------------------------------------------------------

def shoot(out: Path, page: str, lang: str, files: list[Path], *, fix: bool = False, scale: float = 1.0,
          size: str = "1280x800", display: str | None = None) -> Path:
    """One screenshot by the app's screenshot mode. With ``display`` (an X server such as
    Xvfb) the app runs there on the xcb platform at its own start-up size and writes
    the layout report OUT.json beside the picture of the whole screen."""
    env = {**os.environ, "QT_SCALE_FACTOR": str(scale)}
    on_screen = []
    if display is not None:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_SESSION_TYPE="x11")
        env.pop("WAYLAND_DISPLAY", None)
        on_screen = ["--on-screen"]
    cmd = [sys.executable, "-m", "photocheck.gui.app", "--screenshot", str(out), *on_screen, "--page", page,
           "--lang", lang, "--size", size, *(["--fix"] if fix else []), *map(str, files)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"screenshot failed ({out.name}):\n{proc.stderr[-3000:]}")
    if display is None:
        shrink(out)
    return out


# Screens the app must fit (width x height, QT_SCALE_FACTOR): a common laptop at the
# scalings Windows offers, and the small laptop screen still sold.
SCREENS = (((1920, 1080), (1.0, 1.25, 1.5, 2.0)), ((1366, 768), (1.0, 1.25)))


def screen_name(page: str, lang: str, size: tuple[int, int], scale: float) -> str:
    return f"screen-{page}-{lang}-{size[0]}x{size[1]}@{round(scale * 100)}.png"


def inputs_for(pages: list[str], tmp: Path) -> dict[str, tuple[list[Path], bool]]:
    """The file each page opens in a screenshot, made in code, and whether to fix it."""
    inputs: dict[str, tuple[list[Path], bool]] = {}
    if "photo" in pages:
        inputs["photo"] = ([grace(tmp / "手机拍摄.jpg")], True)
    if "materials" in pages or "review" in pages:
        returned, submitted = build_packages(tmp)
        inputs["materials"] = ([returned], False)
        inputs["review"] = ([submitted], False)
    return inputs


def screens(out: Path, pages: list[str], langs: list[str]) -> list[Path]:
    """Every page in every language on every screen of SCREENS, under Xvfb."""
    sys.path.insert(0, str(ROOT / "tools"))
    from xserver import Xvfb

    made = []
    with tempfile.TemporaryDirectory(prefix="photocheck-screens-") as tmp:
        inputs = inputs_for(pages, Path(tmp))
        for size, scales in SCREENS:
            with Xvfb(*size) as x:
                for scale in scales:
                    for page in pages:
                        files, fix = inputs[page]
                        for lang in langs:
                            target = out / screen_name(page, lang, size, scale)
                            made.append(shoot(target, page, lang, files, fix=fix, scale=scale, display=x.display))
                            print(f"{target}: {outside(target.with_suffix('.json')) or 'all parts on screen'}")
    return made


def outside(report: Path) -> list[str]:
    """The parts of a layout report (verdict, table ...) not wholly on the screen and visible."""
    import json

    r = json.loads(report.read_text())
    ax, ay, aw, ah = r["available"]
    problems = []
    wx, wy, ww, wh = r["window"]
    if wx < ax or wy < ay or wx + ww > ax + aw or wy + wh > ay + ah:
        problems.append(f"window {r['window']} beyond the screen {r['available']}")
    for name, part in r["parts"].items():
        x, y, w, h = part["rect"]
        if w <= 0 or h <= 0 or x < ax or y < ay or x + w > ax + aw or y + h > ay + ah:
            problems.append(f"{name} {part['rect']} beyond the screen {r['available']}")
        elif part["visible"] != part["rect"]:
            problems.append(f"{name} {part['rect']} only partly visible: {part['visible']}")
        if "rows" in part:    # a table: a few rows readable at once, every column header whole
            want = min(MIN_TABLE_ROWS, part["rows"])
            if part["rows_shown"] < want:
                problems.append(f"{name} shows {part['rows_shown']} of its {part['rows']} rows wholly (at least "
                                f"{want} wanted)")
            if part["headers_cut"]:
                problems.append(f"{name}: column header(s) cut: {', '.join(part['headers_cut'])}")
    return problems


def shrink(png: Path) -> None:
    """Keep committed PNGs small: an adaptive palette when the full-colour file is too big."""
    if png.stat().st_size <= MAX_PNG_BYTES:
        return
    img = Image.open(png).convert("RGB")
    for colours in (256, 192, 128):
        pal = img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        pal.save(png, optimize=True)
        if png.stat().st_size <= MAX_PNG_BYTES:
            return


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None, help="folder of the pictures (default docs)")
    p.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR (1.5 / 2 to check high-DPI layouts)")
    p.add_argument("--pages", default=",".join(PAGES))
    p.add_argument("--langs", default=",".join(LANGS))
    p.add_argument("--suffix", default="", help="added to file names (e.g. -150 for a scale check)")
    p.add_argument("--screens", action="store_true",
                   help="every page on each screen size and scaling of SCREENS, under Xvfb (default --out build/screens)")
    args = p.parse_args(argv)
    out = Path(args.out or (ROOT / "build" / "screens" if args.screens else ROOT / "docs"))
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "tools" / "i18n.py"), "compile"], check=True)
    pages = [x for x in args.pages.split(",") if x]
    langs = [x for x in args.langs.split(",") if x]
    if args.screens:
        bad = [(shot, outside(shot.with_suffix(".json"))) for shot in screens(out, pages, langs)]
        bad = [(shot, why) for shot, why in bad if why]
        for shot, why in bad:
            print(f"✗ {shot.name}: {'; '.join(why)}", file=sys.stderr)
        return 1 if bad else 0
    with tempfile.TemporaryDirectory(prefix="photocheck-shots-") as tmp:
        inputs = inputs_for(pages, Path(tmp))
        for page in pages:
            files, fix = inputs[page]
            for lang in langs:
                target = out / f"screenshot-{page}-{lang}{args.suffix}.png"
                shoot(target, page, lang, files, fix=fix, scale=args.scale)
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                      f"{target.stat().st_size // 1000} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
