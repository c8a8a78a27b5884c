"""Every key of a check's measured and limit values has a readable name in the
result table (in Chinese, with an English translation), so no identifier such as
``opening`` or ``island_min_area`` reaches a candidate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from faces import astronaut, grace_hopper
from photocheck import core
from photocheck.gui import tables

pytestmark = pytest.mark.usefixtures("need_models")


def _jpeg(img: np.ndarray, q: int = 95) -> bytes:
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes()


def _page() -> np.ndarray:
    page = np.full((1400, 1000, 3), 245, np.uint8)
    for i, y in enumerate(range(120, 1300, 60)):
        cv2.putText(page, f"Certificate line {i} 2024 ABC", (80, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (20, 20, 20), 2)
    return page


def _reports():
    a, g = astronaut(), grace_hopper()
    patched = a.copy()
    cv2.circle(patched, (patched.shape[1] - 40, 60), 30, (90, 160, 90), -1)   # a green patch on the wall
    yield core.check_file(_jpeg(a))
    yield core.check_file(_jpeg(g))
    yield core.check_file(_jpeg(patched))
    yield core.check_file(_jpeg(cv2.resize(a, None, fx=0.5, fy=0.5), q=8))      # blocky
    yield core.check_file(_jpeg(_page()), kind="material")


def _keys(values):
    if not isinstance(values, dict):
        return []
    return [k for k, v in values.items() if not isinstance(v, dict)]


def test_every_measured_and_limit_key_has_a_name():
    unnamed, seen = set(), set()
    for rep in _reports():
        assert rep.error is None, rep.error
        for c in rep.checks:
            for k in _keys(c.measured) + _keys(c.limit):
                seen.add(c.id)
                if k not in tables._CHECK_KEYS.get(c.id, {}) and k not in tables._KEYS:
                    unnamed.add((c.id, k))
    assert not unnamed, sorted(unnamed)
    # the walk reached the person checks, compression and the materials' own checks
    assert {"pose", "eyes", "expression", "glasses", "occlusion", "compression", "orientation"} <= seen, seen


def test_a_named_key_reads_in_the_table_language(qapp, compiled_translations):
    from photocheck.gui import i18n

    t = i18n.Translators(qapp)
    try:
        t.apply("zh_CN")
        zh = tables.format_value({"opening": 0.2}, "expression", against={"fail": 0.12})
        t.apply("en")
        en = tables.format_value({"opening": 0.2}, "expression", against={"fail": 0.12})
    finally:
        t.apply("zh_CN")
        t.uninstall()
    assert "张嘴程度" in zh and "opening" not in zh
    assert "mouth opening" in en
