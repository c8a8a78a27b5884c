"""The translation workflow: every string of the GUI has its English, and `compile` is idempotent."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "i18n.py"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=300)


def test_english_is_complete_and_up_to_date_with_the_code():
    r = _run("check")
    assert r.returncode == 0, r.stderr[-3000:]


def test_compile_is_idempotent_and_quick(compiled_translations):
    qm = compiled_translations
    assert qm.exists()
    before = qm.stat().st_mtime_ns
    t0 = time.perf_counter()
    r = _run("compile")
    assert r.returncode == 0 and r.stdout == ""            # nothing changed: nothing to do
    assert qm.stat().st_mtime_ns == before
    assert time.perf_counter() - t0 < 5


def test_every_source_string_is_chinese_and_placeholders_are_positional():
    sys.path.insert(0, str(REPO / "tools"))
    import i18n as tool

    for ctx, src, tr in tool.messages(tool.ts_path("en")):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in src) or src.strip("+−%1 ") == "", (ctx, src)
        assert "{" not in src and "%s" not in src and "%d" not in src, (ctx, src)
        forms = tool.texts(tr)     # a plural message (%n) has one text per form
        assert forms and all(f.strip() and not any("\u4e00" <= ch <= "\u9fff" for ch in f) for f in forms), (ctx, src)


def test_counts_read_as_english_plurals(qapp, compiled_translations):
    """"1 warning", "2 warnings", not "1 warning(s)": the counted messages are Qt plural
    messages (%n) with a form for each."""
    from PySide6.QtCore import QCoreApplication

    from photocheck.gui import i18n

    sys.path.insert(0, str(REPO / "tools"))
    import i18n as tool

    plural = [(c, s) for c, s, t in tool.messages(tool.ts_path("en")) if "%n" in s]
    assert len(plural) >= 7
    assert not [t.text for _c, _s, t in tool.messages(tool.ts_path("en")) if "(s)" in "".join(tool.texts(t))]
    t = i18n.Translators(qapp)
    try:
        t.apply("en")
        say = lambda n: QCoreApplication.translate("PhotoPage", "检测结果照片合格（有 %n 项提醒）", "", n)  # noqa: E731
        assert (say(1), say(2)) == ("The result photo passes (1 warning)", "The result photo passes (2 warnings)")
        t.apply("zh_CN")
        assert say(3) == "检测结果照片合格（有 3 项提醒）"
    finally:
        t.apply("zh_CN")
        t.uninstall()


def test_uninstall_leaves_no_translator_behind(qapp, compiled_translations):
    """A second Translators (another window, the next test) switches to English cleanly
    once the first one is uninstalled: no stale qtbase_zh_CN keeps Qt's buttons Chinese."""
    from PySide6.QtCore import QCoreApplication

    from photocheck.gui import i18n

    first = i18n.Translators(qapp)
    first.apply("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    first.uninstall()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    second = i18n.Translators(qapp)
    try:
        second.apply("en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        second.apply("zh_CN")
        second.uninstall()
