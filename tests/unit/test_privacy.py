"""The one identity-number masker: checks, JSON, logs and reports all use it."""

from __future__ import annotations

import logging

import pytest

from photocheck import privacy


@pytest.mark.parametrize("raw,masked", [
    ("420106199406071234", "4201**********1234"),       # 18 digits
    ("42010619940607123X", "4201**********123X"),       # 18, ending in X
    ("42010619940607123x", "4201**********123x"),
    ("420106940607123", "4201*******7123"),             # 15 digits (first-generation cards)
    ("4201061994060712", "4201********0712"),           # 16: OCR dropped two digits
    ("42010619940607123", "4201*********7123"),         # 17: OCR dropped one
    ("4201061994060712X", "4201*********712X"),         # 17 ending in X
    ("4201061994060712345", "4201***********2345"),     # 19: OCR added one
])
def test_runs_of_15_to_19_digits_are_masked(raw, masked):
    assert privacy.mask_ids(raw) == masked
    assert privacy.mask_ids(f"号码{raw}止") == f"号码{masked}止"
    assert privacy.mask_ids(f"id{raw}.jpg") == f"id{masked}.jpg"  # letters beside it do not protect it


@pytest.mark.parametrize("text", ["12345678901234", "文件 29,986 字节", "2024-01-04", "DA9W4NZHKF9LXQPL",
                                  "1234567890123X"])
def test_shorter_numbers_and_codes_are_left_alone(text):
    assert privacy.mask_ids(text) == text


def test_log_records_are_masked(tmp_path):
    handler = logging.FileHandler(tmp_path / "log.txt", encoding="utf-8")
    handler.setFormatter(privacy.MaskingFormatter("%(message)s"))
    log = logging.getLogger("photocheck.test-privacy")
    log.addHandler(handler)
    try:
        try:
            raise ValueError("bad file 420106199406071234.jpg")
        except ValueError:
            log.exception("while reading %s", "/home/x/420106199406071234.jpg")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = (tmp_path / "log.txt").read_text(encoding="utf-8")
    assert "420106199406071234" not in text
    assert text.count("4201**********1234") >= 2 and "ValueError: bad file 4201**********1234.jpg" in text
