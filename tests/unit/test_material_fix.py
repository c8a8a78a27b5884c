"""The material fixer on documents drawn in code: orientation baked in, formats
converted, PDF pages rendered, size capped, metadata stripped, unfixable input refused."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

import test_material_samples as S
from photocheck import cli, core
from photocheck import io as pio
from photocheck.errors import FixRefused
from photocheck.fix import material as FM
from photocheck.vision.text import orient

pytestmark = pytest.mark.usefixtures("need_models")


@pytest.fixture(scope="module")
def desk_back():
    S.need_font()
    return S.on_desk(S.id_back(), seed=5)


def fix(tmp_path, data, name="in.jpg", out="out.jpg", **kw):
    src = tmp_path / name
    src.write_bytes(data)
    return core.fix_file(src, tmp_path / out, kind="material", **kw)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two images' grey levels after resizing b to a."""
    ga = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gb = cv2.cvtColor(cv2.resize(b, (a.shape[1], a.shape[0])), cv2.COLOR_BGR2GRAY).astype(np.float32)
    ga -= ga.mean()
    gb -= gb.mean()
    return float((ga * gb).sum() / np.sqrt((ga * ga).sum() * (gb * gb).sum()))


@pytest.mark.parametrize("stored_code", [8, 3, 2, 7])
def test_rotated_and_mirrored_pages_come_out_upright(tmp_path, desk_back, stored_code):
    stored = orient(desk_back, stored_code)
    res = fix(tmp_path, S.jpeg(stored))
    assert res.ok, res.error and res.error.text.en
    out = pio.load(res.outputs[0]).bgr
    assert out.shape[:2] == desk_back.shape[:2]
    assert similarity(desk_back, out) > 0.9
    assert res.reports[0].get("orientation").measured["content"] == 1
    assert any("judged from the text" in s.en for s in res.steps)


def test_exif_orientation_is_baked_in_and_tag_dropped(tmp_path, desk_back):
    stored = orient(desk_back, 8)
    res = fix(tmp_path, S.jpeg(stored, exif=S.exif_bytes(6, gps=True)))
    assert res.ok
    info = pio.probe(res.outputs[0])
    assert info.exif_orientation == 1 and not info.has_exif and not info.has_gps
    assert (info.width, info.height) == (desk_back.shape[1], desk_back.shape[0])
    assert similarity(desk_back, pio.load(res.outputs[0]).bgr) > 0.9
    assert any("EXIF" in s.en for s in res.steps)


@pytest.mark.parametrize("fmt,name", [("WEBP", "a.webp"), ("BMP", "a.bmp"), ("TIFF", "a.tiff"), ("HEIF", "a.heic")])
def test_unaccepted_formats_become_jpeg(tmp_path, desk_back, fmt, name):
    res = fix(tmp_path, S.encode(desk_back, fmt), name=name)
    assert res.ok
    assert pio.probe(res.outputs[0]).format == "jpeg"
    assert res.reports[0].get("format").status.value == "pass"


def test_png_named_jpg_is_fixed(tmp_path, desk_back):
    res = fix(tmp_path, S.encode(desk_back, "PNG"), name="liar.jpg", out="ok.jpg")
    assert res.ok and pio.probe(res.outputs[0]).format == "jpeg"


def test_large_phone_photo_is_compressed_keeping_resolution(tmp_path):
    S.need_font()
    data = S.phone_photo(S.diploma(scale=2.0), seed=3)
    assert len(data) > 512000
    res = fix(tmp_path, data)
    assert res.ok, res.error and res.error.text.en
    info = pio.probe(res.outputs[0])
    assert info.size_bytes <= 500_000
    assert max(info.width, info.height) >= 1200
    assert not info.progressive


def test_quality_is_searched_before_scale(tmp_path):
    S.need_font()
    # a noisy desk fills the byte budget: the fixer lowers quality first, then size, never below 1200
    img = S.on_desk(S.report(), size=(1800, 2400), noise=12.0)
    res = fix(tmp_path, S.jpeg(img, 95))
    assert res.ok, res.error and res.error.text.en
    info = pio.probe(res.outputs[0])
    assert info.size_bytes <= 500_000 and max(info.width, info.height) >= 1200


def test_blurred_input_is_refused_with_tips(tmp_path, desk_back, capsys):
    blurred = cv2.GaussianBlur(desk_back, (0, 0), 4)
    src = tmp_path / "blur.jpg"
    src.write_bytes(S.jpeg(blurred))
    res = core.fix_file(src, tmp_path / "o.jpg", kind="material")
    assert not res.ok and isinstance(res.error, FixRefused) and res.exit_code == 1
    assert "blur" in res.error.text.en and res.error.hint and "flat" in res.error.hint.en
    assert not (tmp_path / "o.jpg").exists()
    code = cli.main(["fix", "--kind", "material", "-o", str(tmp_path / "o2.jpg"), str(src)])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err and "重新拍摄" in err


def test_too_small_is_refused_never_enlarged(tmp_path, desk_back):
    small = cv2.resize(desk_back, (800, 600), interpolation=cv2.INTER_AREA)
    res = fix(tmp_path, S.jpeg(small))
    assert isinstance(res.error, FixRefused) and "resolution" in res.error.failing
    assert not res.outputs


@pytest.mark.usefixtures("need_pdfium")
def test_pdf_report_becomes_legible_jpeg_with_readable_code(tmp_path):
    S.need_font()
    page = S.report(code="K7Q2M9X4TB8WZP3L")
    pdf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(pdf, "PDF", resolution=130)
    res = fix(tmp_path, pdf.getvalue(), name="report.pdf", out="report.jpg")
    assert res.ok, res.error and res.error.text.en
    assert len(res.outputs) == 1
    rep = core.check_file(res.outputs[0], kind="material")
    assert rep.passed and rep.document.kind == "education_report"
    assert rep.document.verification_code == "K7Q2M9X4TB8WZP3L"


@pytest.mark.usefixtures("need_pdfium")
def test_multipage_pdf_gives_one_jpeg_per_page_and_skips_blank(tmp_path):
    S.need_font()
    pages = [S.id_front(), S.id_back(), np.full((808, 1280, 3), 255, np.uint8)]
    ims = [Image.fromarray(cv2.cvtColor(p, cv2.COLOR_BGR2RGB)) for p in pages]
    pdf = io.BytesIO()
    ims[0].save(pdf, "PDF", resolution=100, save_all=True, append_images=ims[1:])
    res = fix(tmp_path, pdf.getvalue(), name="ids.pdf", out="ids.jpg")
    assert res.ok, res.error and res.error.text.en
    assert [p.name for p in res.outputs] == ["ids-1.jpg", "ids-2.jpg"]
    kinds = [core.check_file(p, kind="material").document.kind for p in res.outputs]
    assert kinds == ["id_card_front", "id_card_back"]
    assert any("blank" in s.en for s in res.steps)


@pytest.mark.usefixtures("need_pdfium")
def test_damaged_pdf_is_an_input_error(tmp_path):
    res = fix(tmp_path, b"%PDF-1.4\n garbage", name="bad.pdf")
    assert res.exit_code == 3 and res.error.code == "unreadable"


def test_crop_straightens_the_document(tmp_path):
    S.need_font()
    doc = S.id_front()
    photo = S.on_desk(doc, size=(2400, 1800), fill=0.6, angle=6.0, seed=9)
    res = fix(tmp_path, S.jpeg(photo), crop=True)
    assert res.ok, res.error and res.error.text.en
    out = pio.load(res.outputs[0]).bgr
    h, w = out.shape[:2]
    assert abs(w / h - doc.shape[1] / doc.shape[0]) < 0.06  # the card's own proportions
    assert similarity(doc, out) > 0.75
    assert max(w, h) >= 1200
    assert any("cropped" in s.en for s in res.steps)


def test_crop_does_not_take_the_portrait_for_the_card():
    S.need_font()
    doc = S.id_front()
    quad = FM.find_document(doc, np.array([[100.0, 100.0], [500.0, 660.0]]), 0.05)
    assert quad is None or cv2.contourArea(quad) > 0.5 * doc.shape[0] * doc.shape[1]


def test_never_overwrites_the_input(tmp_path, desk_back):
    src = tmp_path / "same.jpg"
    data = S.jpeg(orient(desk_back, 3))
    src.write_bytes(data)
    res = core.fix_file(src, src, kind="material")
    assert not res.ok and res.error.code == "same_as_input"
    assert src.read_bytes() == data
