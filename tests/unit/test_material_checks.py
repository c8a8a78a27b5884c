"""Material checks on documents drawn in code: each check's pass and fail side,
orientation (rotations, mirrors, EXIF), document kinds, codes, dates and masking."""

from __future__ import annotations

import datetime as dt
import json

import cv2
import numpy as np
import pytest

import test_material_samples as S
from photocheck import cli, core, privacy
from photocheck import documents as D
from photocheck import io as pio
from photocheck.checks import material as M
from photocheck.checks.base import Status
from photocheck.vision.text import orient

pytestmark = pytest.mark.usefixtures("need_models")

MATERIAL_IDS = ["format", "file_size", "orientation", "sharpness", "resolution", "exposure"]


def check(data, name="doc.jpg", tmp_path=None, only=None):
    if tmp_path is not None:
        p = tmp_path / name
        p.write_bytes(data)
        return core.check_file(p, kind="material", only=only)
    return core.check_file(data, kind="material", only=only)


def status(rep, cid):
    c = rep.get(cid)
    assert c is not None, f"{cid} missing: {[x.id for x in rep.checks]}"
    return c.status


@pytest.fixture(scope="module")
def desk_front():
    S.need_font()
    return S.on_desk(S.id_front(), seed=1)


@pytest.fixture(scope="module")
def desk_report():
    S.need_font()
    return S.on_desk(S.report(), size=(1200, 1600), seed=2)


@pytest.fixture(scope="module")
def good_report(desk_report):
    return core.check_file(S.jpeg(desk_report), kind="material")


# --------------------------------------------------------------------------- contract


def test_ids_and_order_follow_the_contract(good_report):
    assert [c.id for c in good_report.checks] == MATERIAL_IDS
    assert good_report.passed, [(c.id, c.message.en) for c in good_report.checks if not c.passed]
    js = good_report.to_json("en")
    assert set(js) >= {"path", "kind", "passed", "rules", "elapsed_ms", "checks", "document", "error"}
    for c in js["checks"]:
        assert set(c) == {"id", "status", "measured", "limit", "message", "hint", "region"}
    assert js["document"]["kind"] == "education_report"


# --------------------------------------------------------------------------- format


def test_format_by_content_and_lying_extension(tmp_path, desk_front):
    small = cv2.resize(desk_front, None, fx=0.8, fy=0.8)
    ok = check(S.jpeg(small), "card.jpeg", tmp_path, only=["format"])
    assert status(ok, "format") is Status.PASS
    png = S.encode(small, "PNG")
    assert status(check(png, "card.png", tmp_path, only=["format"]), "format") is Status.PASS
    lying = check(png, "card.jpg", tmp_path, only=["format"])
    fmt = lying.get("format")
    assert fmt.status is Status.FAIL and "PNG" in fmt.message.zh and "PNG" in fmt.message.en
    assert "PNG" in str(fmt.measured)


@pytest.mark.parametrize("fmt,name,shown", [("WEBP", "doc.webp", "WebP"), ("BMP", "doc.bmp", "BMP"),
                                            ("TIFF", "doc.tif", "TIFF"), ("HEIF", "doc.heic", "HEIC")])
def test_unaccepted_formats_fail_format(tmp_path, desk_front, fmt, name, shown):
    rep = check(S.encode(cv2.resize(desk_front, None, fx=0.7, fy=0.7), fmt), name, tmp_path, only=["format"])
    c = rep.get("format")
    assert c.status is Status.FAIL and shown in c.message.en and "fix" in c.hint.en


def test_webp_named_jpg_says_what_it_is(tmp_path, desk_front):
    rep = check(S.encode(desk_front, "WEBP"), "scan.jpg", tmp_path, only=["format"])
    assert rep.get("format").status is Status.FAIL and "WebP" in rep.get("format").message.en


def test_pdf_fails_format_with_fix_hint_and_no_traceback(tmp_path, desk_report):
    from PIL import Image

    p = tmp_path / "report.pdf"
    Image.fromarray(cv2.cvtColor(desk_report, cv2.COLOR_BGR2RGB)).save(p, "PDF", resolution=150)
    rep = core.check_file(p, kind="material")
    assert rep.error is None
    fmt = rep.get("format")
    assert fmt.status is Status.FAIL and "PDF" in fmt.message.en and "fix" in fmt.hint.en
    assert all(c.status is Status.WARN for c in rep.checks if c.id not in ("format", "file_size"))


def test_unaccepted_extension_fails(tmp_path, desk_front):
    rep = check(S.jpeg(desk_front), "card.jfif", tmp_path, only=["format"])
    assert rep.get("format").status is Status.FAIL and ".jfif" in rep.get("format").message.en


# --------------------------------------------------------------------------- size, resolution


def test_file_size_limit_from_pack(desk_front):
    noisy = np.clip(desk_front.astype(np.int16) + np.random.default_rng(0).integers(-40, 40, desk_front.shape),
                    0, 255).astype(np.uint8)
    big = S.jpeg(noisy, 97)
    assert len(big) > 512000
    c = check(big, only=["file_size"]).get("file_size")
    assert c.status is Status.FAIL and c.measured == len(big) and c.limit == 512000
    small = S.jpeg(desk_front, 80)
    assert len(small) <= 512000
    assert check(small, only=["file_size"]).get("file_size").status is Status.PASS


def test_resolution_long_side(desk_front):
    low = cv2.resize(desk_front, (900, 675), interpolation=cv2.INTER_AREA)
    c = check(S.jpeg(low), only=["resolution"]).get("resolution")
    assert c.status is Status.FAIL and c.measured == 900 and c.limit == 1000
    ok = cv2.resize(desk_front, (1000, 750), interpolation=cv2.INTER_AREA)
    assert check(S.jpeg(ok), only=["resolution"]).get("resolution").status is Status.PASS


# --------------------------------------------------------------------------- orientation


@pytest.mark.parametrize("code", [3, 6, 8, 2, 4, 5, 7])
def test_rotated_or_mirrored_content_fails(desk_front, code):
    # store the page so that applying `code` makes it upright again
    inverse = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}[code]
    stored = orient(desk_front, inverse)
    rep = check(S.jpeg(stored), only=["orientation"])
    c = rep.get("orientation")
    assert c.status is Status.FAIL, c.message.en
    assert c.measured["content"] == code
    if code in (2, 4, 5, 7):
        assert "mirror" in c.message.en


def test_upright_passes(desk_front):
    c = check(S.jpeg(desk_front), only=["orientation"]).get("orientation")
    assert c.status is Status.PASS and c.measured["content"] == 1


def test_exif_orientation_fails_even_when_viewers_would_show_it_upright(desk_front):
    stored = orient(desk_front, 8)  # sideways pixels; EXIF 6 turns them back
    rep = check(S.jpeg(stored, exif=S.exif_bytes(6)), only=["orientation"])
    c = rep.get("orientation")
    assert c.status is Status.FAIL and c.measured["exif_orientation"] == 6
    assert "EXIF" in c.message.en


def test_text_less_page_cannot_be_judged_and_only_warns():
    blank = np.full((1200, 1600, 3), 235, np.uint8)
    blank[:, :200] = (90, 110, 140)
    c = check(S.jpeg(blank), only=["orientation"]).get("orientation")
    assert c.status is Status.WARN


# --------------------------------------------------------------------------- sharpness


def test_blur_fails_and_sharp_passes(desk_front):
    sharp = check(S.jpeg(desk_front), only=["sharpness"]).get("sharpness")
    assert sharp.status is Status.PASS
    blurred = cv2.GaussianBlur(desk_front, (0, 0), 3.5)
    c = check(S.jpeg(blurred), only=["sharpness"]).get("sharpness")
    assert c.status is Status.FAIL and c.measured > c.limit and "blur" in c.message.en


def test_sharpness_is_scale_independent(desk_front):
    """The same sharp page at two resolutions measures about the same."""
    big = S.on_desk(S.id_front(scale=1.5), size=(2400, 1800), seed=1)
    a = check(S.jpeg(desk_front), only=["sharpness"]).get("sharpness").measured
    b = check(S.jpeg(big), only=["sharpness"]).get("sharpness").measured
    assert abs(a - b) < 0.02


def test_no_text_at_all_fails_sharpness():
    fog = np.full((1200, 1600, 3), 200, np.uint8)
    c = check(S.jpeg(fog), only=["sharpness"]).get("sharpness")
    assert c.status is Status.FAIL and c.measured is None


# --------------------------------------------------------------------------- exposure


def test_exposure_dark_and_blown_out_fail(desk_front):
    assert check(S.jpeg(desk_front), only=["exposure"]).get("exposure").status is Status.PASS
    dark = (desk_front.astype(np.float32) * 0.25).astype(np.uint8)
    c = check(S.jpeg(dark), only=["exposure"]).get("exposure")
    assert c.status is Status.FAIL and "dark" in c.message.en
    washed = np.clip(desk_front.astype(np.float32) * 0.35 + 175, 0, 255).astype(np.uint8)
    c = check(S.jpeg(washed), only=["exposure"]).get("exposure")
    assert c.status is Status.FAIL


def test_glare_warns_with_its_region(desk_front):
    img = desk_front.astype(np.float32) * 0.88  # paper no longer pure white
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    cx, cy = int(w * 0.42), int(h * 0.45)
    spot = np.exp(-(((xx - cx) / 110.0) ** 2 + ((yy - cy) / 70.0) ** 2))[..., None]
    img = np.clip(img + spot * 400, 0, 255).astype(np.uint8)
    c = check(S.jpeg(img), only=["exposure"]).get("exposure")
    assert c.status is Status.WARN and c.region is not None
    x, y, rw, rh = c.region
    assert x <= cx <= x + rw and y <= cy <= y + rh


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize("maker,kind,size", [
    ("id_front", "id_card_front", (1600, 1200)),
    ("id_back", "id_card_back", (1600, 1200)),
    ("diploma", "diploma", (1600, 1200)),
    ("degree", "degree", (1600, 1200)),
    ("report", "education_report", (1200, 1600)),
])
def test_document_kind(maker, kind, size):
    S.need_font()
    rep = check(S.jpeg(S.on_desk(getattr(S, maker)(), size=size, seed=3)))
    assert rep.document is not None and rep.document.kind == kind, rep.document
    assert rep.document.confidence >= 0.5
    assert rep.passed


def test_report_code_is_read_and_fresh_report_has_no_warning(good_report):
    d = good_report.document
    assert d.verification_code == "DA9W4NZHKF9LXQPL"
    assert d.details["verification_code_readable"] is True
    assert "report_stale" not in d.details["warning_codes"]


def test_old_report_and_expired_id_card_warn():
    S.need_font()
    old = check(S.jpeg(S.on_desk(S.report(code="SQFPSABKJXPJVUBP", date=dt.date(2020, 3, 1)),
                                 size=(1200, 1600))))
    assert old.document.verification_code == "SQFPSABKJXPJVUBP"
    assert "report_stale" in old.document.details["warning_codes"]
    assert old.passed  # a date warning is not a rule failure
    back = check(S.jpeg(S.on_desk(S.id_back(valid="2005.03.01-2015.03.01"))))
    assert back.document.kind == "id_card_back"
    assert back.document.details["valid_until"] == "2015-03-01"
    assert "id_expired" in back.document.details["warning_codes"]


def test_describe_dates_relative_to_today():
    p = core._pack(None).material.document
    texts = ["教育部学籍在线验证报告", "更新日期：2024年01月04日", "在线验证码：DA9W4NZHKF9LXQPL"]
    fresh = D.describe(texts, p, today=dt.date(2024, 3, 1))
    stale = D.describe(texts, p, today=dt.date(2024, 9, 1))
    assert fresh.kind == "education_report" and not fresh.details["warning_codes"]
    assert stale.details["warning_codes"] == ["report_stale"]
    back = D.describe(["居民身份证", "签发机关 某某公安局", "有效期限 2016.01.12-长期"], p, today=dt.date(2040, 1, 1))
    assert back.kind == "id_card_back" and back.details["valid_until"] == "长期" and not back.details["warning_codes"]


def test_identity_numbers_never_leave_unmasked(tmp_path, capsys, desk_front):
    number = "420106199406071234"
    p = tmp_path / "front.jpg"
    p.write_bytes(S.jpeg(desk_front))
    rep = core.check_file(p, kind="material")
    assert rep.document.kind == "id_card_front"
    assert rep.document.details["id_number"] == "4201**********1234"
    blob = json.dumps(rep.to_json("zh_CN"), ensure_ascii=False) + repr(rep.document.details)
    assert number not in blob
    code = cli.main(["check", "--kind", "material", "--json", str(p)])
    out, err = capsys.readouterr()
    assert code == 0 and number not in out + err
    cli.main(["check", "--kind", "material", str(p)])
    out, err = capsys.readouterr()
    assert number not in out + err


def test_mask_helpers():
    assert privacy.mask_id("420106199406071234") == "4201**********1234"
    assert privacy.mask_ids("号码 42010619940607123X 止") == "号码 4201**********123X 止"


def test_fuzzy_keywords_tolerate_one_misread():
    assert D.fuzzy_count("教育部学藉在线验证报告", "学籍在线验证报告")
    assert not D.fuzzy_count("教育部学藉在线验正报告", "学籍在线验证报告")
    assert not D.fuzzy_count("证书", "学位证书")


def test_reduced_scale_decode_for_12mp():
    S.need_font()
    data = S.phone_photo(S.id_back(scale=2.0))
    info = pio.probe(data)
    assert info.width * info.height >= 12_000_000
    ctx = M.Context(info, core._pack(None))
    assert max(ctx.stored.shape[:2]) <= 2400
    rep = core.check_info(info, kind="material")
    assert rep.failing == ["file_size"] and rep.document.kind == "id_card_back"


@pytest.mark.parametrize("lines, kind", [
    (["中国高等教育学位在线验证报告", "学位 医学学士学位", "在线验证码：2H8KQ3LZP7M5WX2"], "degree_report"),
    (["教育部学籍在线验证报告", "层次 本科", "在线验证码：DA9W4NZHKF9UQPL"], "education_report"),
    # one misread glyph still counts toward the right kind
    (["教育部学藉在线验证报告", "在线验证码：DA9W4NZHKF9UQPL"], "education_report"),
])
def test_a_keyword_read_exactly_is_not_also_a_misreading_of_another(lines, kind):
    # "学位在线验证报告" differs from "学籍在线验证报告" in one character: read exactly, it
    # must not also earn the other kind's partial credit.
    kinds = core._pack(None).material.document.kind_specs
    assert D.classify(lines, kinds)[0] == kind
