"""The window on the screens candidates have, under Xvfb on the xcb platform: 1920×1080 at
100, 125, 150 and 200 % scaling, 1366×768 at 100 and 125 %, in both languages.

Each case starts the app as a user would (no saved size), loads and fixes a photo,
and reads the app's layout report: the window lies within the screen, and the
verdict and the result table are wholly on it and not scrolled or clipped away, and the
table shows at least three whole rows with every column header whole (``tool.outside``).
``make screenshots-screens`` takes the same pictures of every page, to look at.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
sys.path.insert(0, str(TOOLS))
import screenshots as tool  # noqa: E402
from xserver import XVFB_MISSING, Xvfb, xvfb_path  # noqa: E402

# one worker runs these and the timed start-ups of test_app.py, one after the other
pytestmark = [pytest.mark.slow, pytest.mark.skipif(xvfb_path() is None, reason=XVFB_MISSING),
              pytest.mark.xdist_group("app-processes")]

CASES = [(size, scale) for size, scales in tool.SCREENS for scale in scales]


@pytest.fixture(scope="module")
def servers():
    started: dict[tuple[int, int], Xvfb] = {}

    def at(size: tuple[int, int]) -> Xvfb:
        if size not in started:
            started[size] = Xvfb(*size).__enter__()
        return started[size]

    yield at
    for x in started.values():
        x.__exit__(None, None, None)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return tool.inputs_for(["photo", "materials", "review"], tmp_path_factory.mktemp("screens-in"))


def _shoot(servers, inputs, tmp_path, page, lang, size, scale) -> dict:
    files, fix = inputs[page]
    out = tool.shoot(tmp_path / tool.screen_name(page, lang, size, scale), page, lang, files, fix=fix, scale=scale,
                     display=servers(size).display)
    report = out.with_suffix(".json")
    assert tool.outside(report) == [], out
    return json.loads(report.read_text())


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("size,scale", CASES, ids=[f"{w}x{h}@{round(s * 100)}" for (w, h), s in CASES])
def test_photo_page_verdict_and_table_are_on_screen(servers, inputs, tmp_path, lang, size, scale,
                                                    compiled_translations):
    r = _shoot(servers, inputs, tmp_path, "photo", lang, size, scale)
    assert set(r["parts"]) == {"verdict", "table"}
    assert r["screen"][2] == round(size[0] / scale) or abs(r["screen"][2] - size[0] / scale) <= 1
    # the table shows several rows, not a sliver
    assert r["parts"]["table"]["visible"][3] >= 100, r["parts"]["table"]


@pytest.mark.parametrize("size,scale", [((1920, 1080), 2.0), ((1366, 768), 1.25)], ids=["1920x1080@200", "1366x768@125"])
def test_materials_page_state_and_slots_are_on_screen(servers, inputs, tmp_path, size, scale, compiled_translations):
    r = _shoot(servers, inputs, tmp_path, "materials", "en", size, scale)
    assert set(r["parts"]) == {"verdict", "slots"}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("size,scale", [((1920, 1080), 2.0), ((1366, 768), 1.0)], ids=["1920x1080@200", "1366x768@100"])
def test_review_page_parts_are_on_screen_without_scrolling(servers, inputs, tmp_path, lang, size, scale,
                                                           compiled_translations):
    """The header, the files, the file's status, its checks and the decision buttons are all
    on screen (issue 18, and issue 17's cut caption at 200 % in English)."""
    r = _shoot(servers, inputs, tmp_path, "review", lang, size, scale)
    assert set(r["parts"]) == {"verdict", "files", "caption", "table", "decide"}
    assert r["parts"]["table"]["visible"][3] >= 40, r["parts"]["table"]


@pytest.mark.parametrize("size,scale", [((1920, 1080), 2.0), ((1366, 768), 1.0)], ids=["1920x1080@200", "1366x768@100"])
def test_materials_start_page_keeps_new_package_on_screen(servers, tmp_path, size, scale, compiled_translations):
    """No package yet: the questionnaire scrolls and the New package button stays in view
    (it was below the fold at 1366×768 even at 100 %)."""
    out = tool.shoot(tmp_path / tool.screen_name("materials-start", "en", size, scale), "materials", "en", [],
                     scale=scale, display=servers(size).display)
    assert tool.outside(out.with_suffix(".json")) == [], out
    assert set(json.loads(out.with_suffix(".json").read_text())["parts"]) == {"create"}
