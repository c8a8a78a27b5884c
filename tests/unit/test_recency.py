"""`recency` (issue 15): a warning, never a failure, from the source photo's EXIF date;
a fixed image, which carries no EXIF, reads the date of the photo it was made from."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from faces import SAMPLE_PACK, grace_hopper
from photocheck import core, rules
from photocheck import io as pio
from photocheck.checks import recency
from photocheck.checks.base import Status

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(recency, "today", lambda: TODAY)


def photo(taken: str | None, *, tag: int = 0x9003) -> bytes:
    """The sample face as a JPEG, with ``taken`` as its EXIF date (in the Exif IFD)."""
    im = Image.fromarray(grace_hopper()[:, :, ::-1])
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[tag] = taken
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def run(data: bytes, **kw):
    return core.check_file(data, pack=SAMPLE_PACK, only=["recency"], **kw).get("recency")


@pytest.mark.parametrize("raw,expected", [
    ("2026:05:04 10:00:00", "2026-05-04"), ("2019:12:31 23:59:59", "2019-12-31"),
    ("2026-01-02", "2026-01-02"), ("0000:00:00 00:00:00", None), ("    :  :     :  :  ", None),
    ("garbage", None),
])
def test_probe_reads_date_time_original(raw, expected):
    assert pio.probe(photo(raw)).taken == expected


def test_only_date_time_original_counts():
    # DateTimeDigitized alone is not the date the photo was taken
    assert pio.probe(photo("2019:01:01 00:00:00", tag=0x9004)).taken is None


@pytest.mark.parametrize("taken,status", [
    ("2026:11:20 08:00:00", Status.PASS),     # a fortnight ago
    ("2026:06:03 08:00:00", Status.PASS),     # six months to the day
    ("2026:06:02 08:00:00", Status.WARN),     # one day more
    ("2021:03:01 08:00:00", Status.WARN),
    ("2027:05:01 08:00:00", Status.PASS),     # a wrong camera clock is not "old"
])
def test_old_photos_warn_and_never_fail(taken, status):
    c = run(photo(taken))
    assert c.status is status
    assert c.measured["from"] == "file" and c.limit == {"warn_months": 6}
    if status is Status.WARN:
        assert "6 个月" in c.message.zh and "6 months" in c.message.en and c.hint.zh


def test_no_date_is_unknown_and_passes():
    c = run(photo(None))
    assert c.status is Status.PASS and c.measured["taken"] is None and "未知" in c.message.zh


def test_a_fixed_photo_reads_its_sources_date():
    src = photo("2020:02:29 12:00:00")
    result = core.fix(src, pack=SAMPLE_PACK)
    assert result.ok, result.error
    fixed = result.images[0].data
    assert pio.probe(fixed).taken is None                   # the fixer writes no EXIF
    c = result.reports[0].get("recency")
    assert c.status is Status.WARN and c.measured == {"taken": "2020-02-29", "from": "source",
                                                       "age_days": (TODAY - datetime.date(2020, 2, 29)).days}
    assert "原图" in c.message.zh
    assert run(fixed).measured["taken"] is None              # the file alone: unknown


@pytest.mark.parametrize("day,months,expected", [
    (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
    (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
    (datetime.date(2026, 6, 3), 6, datetime.date(2026, 12, 3)),
    (datetime.date(2026, 1, 15), 12, datetime.date(2027, 1, 15)),
])
def test_add_months(day, months, expected):
    assert recency.add_months(day, months) == expected


def test_pack_limit_is_checked(tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('schema = 1\nextends = "nmec-2024-hubei"\n[photo.recency]\nwarn_months = 0\n', encoding="utf-8")
    with pytest.raises(rules.RulePackError) as ei:
        rules.load_pack_file(p)
    assert "warn_months" in ei.value.text.en
