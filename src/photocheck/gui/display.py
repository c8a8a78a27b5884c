"""Can Qt open a window here? Asked before the ``QApplication`` exists.

When Qt's platform plugin cannot load, Qt aborts the process (``qFatal``) with
"no Qt platform plugin could be initialized", and on Debian it blames
``libxcb-cursor0`` whatever is really missing. So on Linux, when Qt is going to use
the xcb platform, the app first loads the plugin itself; if that fails it lists the
shared libraries the dynamic linker cannot find (``ldd``) and the Debian packages
that hold them, in Chinese and English, and exits instead of letting Qt abort.

``XCB_LIBRARIES`` is the map from the plugin's system libraries to Debian 12
packages; ``tools/setup.sh`` installs the same packages (a test keeps the two
together, and another checks the map against the plugin PySide6 ships).
"""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..text import Text

log = logging.getLogger("photocheck.gui")

# What libqxcb.so and the xcb GL integration plugins link against, beyond the C and
# C++ runtimes and Qt's own libraries (``ldd`` on PySide6-Essentials 6.12.0's plugins).
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
}

EXIT_NO_DISPLAY = 3      # an output the app cannot use (docs/CONTRACT.md: input or output error)

Resolver = Callable[[Path], Mapping[str, str | None]]


def platform_name(qt_args: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt is going to load: ``-platform NAME``, else ``QT_QPA_PLATFORM``,
    else Qt's default for Linux (wayland in a Wayland session, xcb otherwise)."""
    env = os.environ if environ is None else environ
    args = list(qt_args)
    for i, a in enumerate(args):
        if a == "-platform" and i + 1 < len(args):
            return _first(args[i + 1])
        if a.startswith("-platform="):
            return _first(a.partition("=")[2])
    if env.get("QT_QPA_PLATFORM"):
        return _first(env["QT_QPA_PLATFORM"])
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def _first(spec: str) -> str:
    # "xcb:option=1" or a fallback list "wayland;xcb": the first plugin is the one tried
    return spec.split(";")[0].split(":")[0].strip()


def xcb_plugin() -> Path | None:
    from PySide6.QtCore import QLibraryInfo

    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def ldd(path: Path) -> dict[str, str | None]:
    """Every shared library ``path`` needs, directly or not, and where the dynamic
    linker finds it (None: not found)."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30).stdout
    found: dict[str, str | None] = {}
    for line in out.splitlines():
        name, arrow, where = line.strip().partition(" => ")
        if not arrow:
            continue
        where = where.strip()
        found[name.strip()] = None if where.startswith("not found") else where.split(" (")[0]
    return found


def missing_libraries(plugin: Path, resolve: Resolver = ldd) -> list[str]:
    return sorted(name for name, where in resolve(plugin).items() if where is None)


def packages_for(libraries: Sequence[str]) -> tuple[list[str], list[str]]:
    """(Debian packages holding ``libraries``, libraries not in the map), both without repeats."""
    packages: list[str] = []
    unknown: list[str] = []
    for lib in libraries:
        pkg = XCB_LIBRARIES.get(lib)
        if pkg is None:
            unknown.append(lib)
        elif pkg not in packages:
            packages.append(pkg)
    return packages, unknown


def missing_text(libraries: Sequence[str]) -> Text:
    packages, unknown = packages_for(libraries)
    libs = "、".join(libraries)
    zh = [f"无法打开窗口：Qt 的 xcb 显示插件缺少这些系统库：{libs}。"]
    en = [f"Cannot open a window: Qt's xcb platform plugin is missing these system libraries: "
          f"{', '.join(libraries)}."]
    if packages:
        line = "apt-get install " + " ".join(packages)
        zh.append(f"请以 root 身份安装它们所在的 Debian 软件包（或在源码目录里以 root 运行 make setup）：\n    {line}")
        en.append(f"Install the Debian packages that hold them, as root (or run `make setup` as root in "
                  f"the source folder):\n    {line}")
    if unknown:
        zh.append(f"不知道这些库在哪个软件包里：{'、'.join(unknown)}（可用 apt-file search 查找）。")
        en.append(f"Not known which package holds: {', '.join(unknown)} (apt-file search finds it).")
    return Text("\n".join(zh), "\n".join(en))


def no_display_text(display: str) -> Text:
    if not display:
        return Text("无法打开窗口：没有图形显示（未设置 DISPLAY）。请在桌面环境里启动本程序。",
                    "Cannot open a window: there is no display (DISPLAY is not set). "
                    "Start the app from a desktop session.")
    return Text(f"无法打开窗口：连接不上显示 {display}。请在桌面环境里启动本程序。",
                f"Cannot open a window: cannot connect to the display {display}. "
                "Start the app from a desktop session.")


def _loads(plugin: Path) -> bool:
    """dlopen the plugin as Qt would: it succeeds only if every library it needs is there.
    Qt loads the same file moments later, so this costs nothing when it works."""
    try:
        ctypes.CDLL(str(plugin))
        return True
    except OSError as e:
        log.warning("xcb platform plugin does not load: %s", e)
        return False


def _display_reachable(display: str) -> bool:
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True     # then the plugin check has already spoken
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(conn) == 0
    finally:
        xcb.xcb_disconnect(conn)


def problem(qt_args: Sequence[str] = (), environ: Mapping[str, str] | None = None, *,
            plugin: Path | None = None, loads: Callable[[Path], bool] | None = None,
            resolve: Resolver | None = None, reachable: Callable[[str], bool] | None = None) -> Text | None:
    """Why Qt could not open a window here, or None when it can (or when this is not
    the xcb platform on Linux, where Qt's own message is the only one there is).
    The lookups default to the real ones (dlopen, ldd, an xcb connection)."""
    env = os.environ if environ is None else environ
    loads, resolve, reachable = loads or _loads, resolve or ldd, reachable or _display_reachable
    if not sys.platform.startswith("linux") or platform_name(qt_args, env) != "xcb":
        return None
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return None
    if not loads(plugin):
        try:
            missing = missing_libraries(plugin, resolve)
        except (OSError, subprocess.SubprocessError) as e:   # no ldd: say what dlopen said
            log.warning("cannot list the plugin's libraries: %s", e)
            missing = []
        if missing:
            return missing_text(missing)
        return None
    display = env.get("DISPLAY", "")
    if not display or not reachable(display):
        return no_display_text(display)
    return None
