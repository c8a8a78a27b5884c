"""Start-up on a machine where Qt's xcb plugin cannot load: the app names the missing
libraries and their Debian packages instead of Qt's "no Qt platform plugin" abort.

The library lookup is faked (a bare Debian 12 cannot be made on the test machine); the
map itself is checked against the plugin PySide6 really ships, and against the
package lists of ``tools/setup.sh`` and ``.ci/run``.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

import pytest

from photocheck.gui import display

REPO = Path(__file__).resolve().parents[2]
PLUGIN = Path("/nonexistent/plugins/platforms/libqxcb.so")
# Libraries every Debian system has (priority required), and Qt's own.
BASE = re.compile(r"^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|libz|libzstd|ld-linux.*)\.so|^libQt6|^libicu")


def fake_resolver(missing: set[str]):
    def resolve(path: Path) -> dict[str, str | None]:
        assert path == PLUGIN
        return {lib: (None if lib in missing else f"/usr/lib/x86_64-linux-gnu/{lib}") for lib in display.XCB_LIBRARIES}
    return resolve


def problem(missing: set[str], **env: str):
    env = {"DISPLAY": ":0", **env}
    return display.problem([], env, plugin=PLUGIN, loads=lambda _p: not missing, resolve=fake_resolver(missing),
                           reachable=lambda _d: True)


@pytest.fixture(autouse=True)
def _linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")


def test_missing_libraries_are_named_with_their_debian_packages():
    text = problem({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"})
    assert text is not None
    for side in (text.zh, text.en):
        assert "libxcb-icccm.so.4" in side and "libxcb-keysyms.so.1" in side
        assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in side
        assert "cursor" not in side          # Qt's message blames libxcb-cursor0; this one does not
    assert "缺少" in text.zh and "missing" in text.en


def test_one_package_holding_two_libraries_is_named_once():
    text = problem({"libglib-2.0.so.0", "libgthread-2.0.so.0"})
    assert text.en.count("libglib2.0-0") == 1


def test_a_library_outside_the_map_is_named_with_a_way_to_find_it():
    def resolve(_p):
        return {"libxcb-icccm.so.4": None, "libxcb-frobnicate.so.9": None}

    text = display.problem([], {"DISPLAY": ":0"}, plugin=PLUGIN, loads=lambda _p: False, resolve=resolve)
    assert "apt-get install libxcb-icccm4" in text.en
    assert "libxcb-frobnicate.so.9" in text.zh and "apt-file" in text.en


def test_no_display_is_said_in_words():
    text = display.problem([], {}, plugin=PLUGIN, loads=lambda _p: True, resolve=fake_resolver(set()))
    assert text is not None and "DISPLAY" in text.zh and "DISPLAY" in text.en
    text = display.problem([], {"DISPLAY": ":42"}, plugin=PLUGIN, loads=lambda _p: True, reachable=lambda _d: False)
    assert ":42" in text.en


def test_nothing_to_say_when_the_plugin_loads_or_another_platform_is_used():
    assert problem(set()) is None
    # offscreen (tests, screenshots) and wayland never load libqxcb.so
    assert problem({"libxcb-icccm.so.4"}, QT_QPA_PLATFORM="offscreen") is None
    assert display.problem(["-platform", "offscreen"], {"DISPLAY": ":0"}, plugin=PLUGIN, loads=lambda _p: False,
                           resolve=fake_resolver({"libxcb-icccm.so.4"})) is None
    assert problem({"libxcb-icccm.so.4"}, XDG_SESSION_TYPE="wayland", WAYLAND_DISPLAY="wayland-0") is None
    assert problem({"libxcb-icccm.so.4"}, QT_QPA_PLATFORM="xcb:nograb") is not None


def test_the_app_prints_the_message_and_exits_3_before_qt_starts(monkeypatch, capsys):
    from photocheck.gui import app

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(display, "xcb_plugin", lambda: PLUGIN)
    monkeypatch.setattr(display, "_loads", lambda _p: False)
    monkeypatch.setattr(display, "ldd", fake_resolver({"libxcb-icccm.so.4"}))
    monkeypatch.setattr(app, "build", lambda *a: pytest.fail("Qt must not start"))
    assert app.main([]) == display.EXIT_NO_DISPLAY == 3
    err = capsys.readouterr().err
    assert "apt-get install libxcb-icccm4" in err
    assert err.index("无法打开窗口") < err.index("Cannot open a window")
    assert "Traceback" not in err


# --- the map against the real plugin and the set-up scripts ---------------------------------------

def needed(path: Path) -> list[str]:
    """DT_NEEDED entries of a 64-bit little-endian ELF file (what the linker must find)."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(phnum):
        p_type, _flags, off, vaddr, _pa, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((vaddr, off, filesz))
        elif p_type == 2:
            dynamic = (off, filesz)
    assert dynamic is not None
    entries = [struct.unpack_from("<qQ", data, dynamic[0] + i) for i in range(0, dynamic[1], 16)]
    strtab = next(v for tag, v in entries if tag == 5)
    base = next(off + strtab - vaddr for vaddr, off, size in loads if vaddr <= strtab < vaddr + size)
    return [data[base + v:data.index(b"\0", base + v)].decode() for tag, v in entries if tag == 1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin exists on Linux only")
def test_the_map_covers_every_system_library_of_the_shipped_plugin(monkeypatch):
    monkeypatch.undo()       # the real platform, not the fixture's
    plugin = display.xcb_plugin()
    assert plugin is not None
    qt_lib = plugin.parents[2] / "lib"
    files = [plugin, qt_lib / "libQt6XcbQpa.so.6", *sorted((plugin.parents[1] / "xcbglintegrations").glob("*.so"))]
    system = {lib for f in files for lib in needed(f) if not BASE.match(lib)}
    assert "libxcb-icccm.so.4" in system and "libxcb-keysyms.so.1" in system
    assert system <= set(display.XCB_LIBRARIES), sorted(system - set(display.XCB_LIBRARIES))


def test_set_up_and_ci_install_every_package_of_the_map():
    setup = (REPO / "tools" / "setup.sh").read_text()
    listed = set(re.search(r'DEB_PKGS="([^"]*)"', setup).group(1).split())
    assert set(display.XCB_LIBRARIES.values()) <= listed, sorted(set(display.XCB_LIBRARIES.values()) - listed)
    ci = (REPO / ".ci" / "run").read_text()
    block = re.search(r"PKGS=\((.*?)\n\)", ci, re.S).group(1)
    ci_pkgs = {w for line in block.splitlines() for w in line.split("#")[0].split()}
    assert set(display.XCB_LIBRARIES.values()) | {"xvfb"} <= ci_pkgs, sorted(set(display.XCB_LIBRARIES.values()) - ci_pkgs)


def test_ldd_output_is_read_with_not_found_as_none(monkeypatch):
    import subprocess

    out = ("\tlinux-vdso.so.1 (0x00007ffd)\n"
           "\tlibQt6XcbQpa.so.6 => /opt/Qt/lib/libQt6XcbQpa.so.6 (0x00007f8c5dbb8000)\n"
           "\tlibxcb-icccm.so.4 => not found\n"
           "\t/lib64/ld-linux-x86-64.so.2 (0x00007f8c5dd7a000)\n")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, out, ""))
    assert display.ldd(PLUGIN) == {"libQt6XcbQpa.so.6": "/opt/Qt/lib/libQt6XcbQpa.so.6", "libxcb-icccm.so.4": None}
