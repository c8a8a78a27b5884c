"""Inputs made in code for the submission tests: registration documents drawn with
Chinese text, real portraits from installed packages, and a stand-in checker.

Nothing here reads ../shared; nothing here is committed as an image.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# Text drawn on each document kind (slot id -> title and lines).
DOCS: dict[str, tuple[str, list[str]]] = {
    "id_front": ("居民身份证", ["姓名  张三", "性别  男    民族  汉", "出生  1998 年 8 月 22 日",
                               "住址  湖北省武汉市洪山区珞喻路 277 号", "公民身份号码  420106199808221234"]),
    "id_back": ("中华人民共和国 居民身份证", ["签发机关  武汉市公安局洪山分局", "有效期限  2016.04.12-2036.04.12"]),
    "diploma": ("毕业证书", ["学生 张三，性别男，1998 年 8 月 22 日生，于二〇一六年九月至",
                            "二〇二一年六月在本校临床医学专业五年制本科学习，修完教学计划",
                            "规定的全部课程，成绩合格，准予毕业。", "校长：王明    长江大学", "证书编号：104971202105000123"]),
    "education_report": ("教育部学籍在线验证报告", ["姓名 张三    性别 男", "院校 长江大学    层次 本科",
                                                 "专业 临床医学    学制 5 年", "入学日期 2016 年 09 月 01 日",
                                                 "在线验证码：DA9W4NZHKF9UQPL"]),
    "degree": ("学士学位证书", ["张三，男，1998 年 8 月 22 日生。在长江大学临床医学专业",
                               "完成了本科学习计划，业已毕业。经审核符合《中华人民共和国",
                               "学位条例》的规定，授予医学学士学位。", "证书编号：1049742021000456"]),
    "degree_report": ("中国高等教育学位在线验证报告", ["姓名 张三", "学位授予单位 长江大学", "学位 医学学士学位",
                                                  "授予日期 2021 年 06 月 30 日", "在线验证码：2H8KQ3LZP7M5WX2"]),
}


def have_font() -> bool:
    return FONT.exists()


def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        raise RuntimeError(f"Chinese font missing: {FONT} (apt-get install -y fonts-wqy-microhei)")
    return ImageFont.truetype(str(FONT), size)


def draw_document(kind: str, *, size: tuple[int, int] = (1600, 1200), seed: int = 0, desk: bool = True) -> Image.Image:
    """A document photographed on a desk: a light card with dark Chinese text, upright."""
    title, lines = DOCS[kind]
    w, h = size
    rng = random.Random(seed)
    bg = (118 + rng.randint(-10, 10), 86 + rng.randint(-10, 10), 60 + rng.randint(-8, 8)) if desk else (255, 255, 255)
    img = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(img)
    mx, my = (int(w * 0.07), int(h * 0.08)) if desk else (0, 0)
    d.rectangle([mx, my, w - mx, h - my], fill=(246, 244, 238))
    s = min(w, h) / 1200
    d.text((mx + int(80 * s), my + int(60 * s)), title, fill=(150, 20, 20), font=_font(int(64 * s)))
    y = my + int(190 * s)
    f = _font(int(38 * s))
    for line in lines:
        d.text((mx + int(80 * s), y), line, fill=(25, 25, 25), font=f)
        y += int(70 * s)
    if kind == "id_front":  # a photo box on the right, as on the real card
        d.rectangle([w - mx - int(330 * s), my + int(150 * s), w - mx - int(80 * s), my + int(480 * s)], fill=(205, 210, 215))
    return img


def jpeg_bytes(img: Image.Image, quality: int = 88) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def write_document(path: Path, kind: str, **kw) -> Path:
    path.write_bytes(jpeg_bytes(draw_document(kind, **kw)))
    return path


def blurred_document(path: Path, kind: str) -> Path:
    img = draw_document(kind).filter(ImageFilter.GaussianBlur(9))
    path.write_bytes(jpeg_bytes(img))
    return path


def staged_face(name: str) -> Path | None:
    """A sample face that `make test-windows` copied from the host's packages: scikit-image
    and matplotlib are not installed on the Windows CPython under wine."""
    folder = os.environ.get("PHOTOCHECK_TEST_FACES")
    path = Path(folder) / name if folder else None
    return path if path is not None and path.is_file() else None


def grace_hopper() -> Path:
    staged = staged_face("grace_hopper.jpg")
    if staged is not None:
        return staged
    import matplotlib.cbook as cbook

    return Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


def astronaut_png(path: Path) -> Path:
    staged = staged_face("astronaut.png")
    if staged is not None:
        Image.open(staged).convert("RGB").save(path)
        return path
    from skimage import data

    Image.fromarray(data.astronaut()).save(path)
    return path


@lru_cache(maxsize=1)
def _fixed_photo_bytes() -> bytes:
    import tempfile

    from photocheck import core

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "photo.jpg"
        res = core.fix_file(grace_hopper(), out, kind="photo")
        if not res.ok:
            raise RuntimeError(f"the photo fix failed on grace_hopper.jpg: {res.error and res.error.text.en}")
        return out.read_bytes()


def fixed_photo(path: Path) -> Path:
    """A registration photo made by the real fix (checked and sealed) from grace_hopper.jpg."""
    path.write_bytes(_fixed_photo_bytes())
    return path


def sealed_plain_jpeg(path: Path, colour=(240, 240, 240), size=(390, 567)) -> Path:
    """A sealed JPEG drawn in code (no face): for tests that only need an intact seal."""
    from photocheck.fix.seal import add_seal
    from photocheck.rules import load_pack

    path.write_bytes(add_seal(jpeg_bytes(Image.new("RGB", size, colour)), load_pack().label))
    return path


def plain_jpeg(path: Path, colour=(240, 240, 240), size=(1400, 1000)) -> Path:
    path.write_bytes(jpeg_bytes(Image.new("RGB", size, colour)))
    return path


# --- a stand-in checker for unit tests of package logic ---------------------------------------

FAIL_COLOUR = (220, 20, 20)


def install_fake_checks(setattr_fn=setattr) -> None:
    """Replace core.check_info / core.check_file by a checker that fails red images.

    The package rules (counts, locks, states) are tested apart from the real checks;
    the document kind is taken from the file name (``diploma*.jpg`` -> ``diploma``)."""
    from photocheck import core
    from photocheck import io as pio
    from photocheck.checks.base import CheckResult, DocumentInfo, FileReport, Status
    from photocheck.errors import PhotocheckError
    from photocheck.text import Text

    def check_info(info, *, kind="photo", pack=None, only=None, label=None):
        px = pio.decode(info, max_side=64).bgr.reshape(-1, 3).mean(axis=0)
        red = px[2] > 180 and px[1] < 80 and px[0] < 80
        rep = FileReport(path=label or info.path or "<data>", kind=kind, rules="nmec-2024-hubei@2024.1")
        rep.checks.append(CheckResult("sharpness", Status.FAIL if red else Status.PASS, float(px[2]), 180,
                                      Text("图像不清晰（测试）", "not sharp (test)") if red else Text("清晰", "sharp")))
        if kind == "material":
            stem = os.path.basename(label or "").split(".")[0].split("_")[0]
            rep.document = DocumentInfo(kind=stem if stem in KIND_NAMES else "unknown", confidence=0.9)
        return rep

    def check_file(src, *, kind="photo", pack=None, only=None, label=None):
        try:
            info = pio.probe(src)
        except PhotocheckError as e:
            return FileReport(path=label or str(src), kind=kind, rules="nmec-2024-hubei@2024.1", error=e)
        return check_info(info, kind=kind, pack=pack, label=label)

    setattr_fn(core, "check_info", check_info)
    setattr_fn(core, "check_file", check_file)


KIND_NAMES = {"idcard", "diploma", "report", "degree"}


def small_specs() -> list:
    """The three slots the unit tests of the package rules use."""
    from photocheck.submission.slots import SlotSpec
    from photocheck.text import Text

    return [SlotSpec("photo", Text("报名照片", "registration photo"), 1, 1),
            SlotSpec("id_card", Text("身份证明", "identity document"), 2, 2, ("idcard",), distinct_kinds=True),
            SlotSpec("diploma", Text("毕业证书", "diploma"), 1, None, ("diploma",))]


def cli_argv(*args: object, specs: list | None = None, fake_checks: bool = False) -> list[str]:
    """A photocheck command line for a child process that has the stand-in catalogue
    (``specs``, default ``small_specs()``) and, with ``fake_checks``, the stand-in checker."""
    import json
    import sys

    code = ("import json, sys; sys.path.insert(0, sys.argv.pop(1)); import samples; "
            "from photocheck.submission.slots import spec_from_json; "
            + ("samples.install_fake_checks(); " if fake_checks else "")
            + "samples.install_catalogue([spec_from_json(d) for d in json.loads(sys.argv.pop(1))]); "
            "from photocheck import cli; sys.exit(cli.main(sys.argv[1:]))")
    slots = json.dumps([s.to_json() for s in (specs if specs is not None else small_specs())])
    return [sys.executable, "-c", code, str(Path(__file__).parent), slots, *map(str, args)]


def install_catalogue(specs, setattr_fn=setattr) -> None:
    """A stand-in materials catalogue: every profile gets ``specs`` (a list of SlotSpec).

    A package takes its slots from the rule pack's catalogue and the candidate's
    profile, never from its manifest; tests of the package rules use small slots
    of their own through this, the way they use the stand-in checker."""
    from photocheck.submission import slots

    setattr_fn(slots, "slots_for", lambda pack, profile: list(specs))


def red_jpeg(path: Path) -> Path:
    return plain_jpeg(path, FAIL_COLOUR)


def noise_jpeg(path: Path, seed: int = 0, size=(1200, 900)) -> Path:
    rng = np.random.default_rng(seed)
    arr = rng.integers(60, 200, (size[1], size[0], 3), dtype=np.uint8)
    path.write_bytes(jpeg_bytes(Image.fromarray(arr), 80))
    return path


def zip_of(folder: Path, target: Path) -> Path:
    """A package folder zipped as a candidate would send it (hidden files left out)."""
    with zipfile.ZipFile(target, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                zf.write(p, p.relative_to(folder).as_posix())
    return target
