"""A real X server for the GUI tests and screenshots: Xvfb, the windows on it, and
pictures of its screen.

The GUI suite mostly runs on Qt's offscreen platform, which needs no system
libraries; these helpers start the app on the xcb platform, as a user's desktop
does, and see what reached the screen (tests/gui/test_xcb.py, test_screens.py,
``tools/screenshots.py --screens``). Windows are listed with libX11
through ctypes (no x11-utils needed); the screen is grabbed with Pillow's xcb support.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

XVFB_MISSING = "Xvfb is not installed (apt-get install xvfb): the app was not tried on a real X server"


def xvfb_path() -> str | None:
    return shutil.which("Xvfb")


class Xvfb:
    """``with Xvfb(1920, 1080) as x: ... x.display``: a fresh server on a free display number."""

    def __init__(self, width: int = 1920, height: int = 1080):
        self.width, self.height = width, height
        self.proc: subprocess.Popen | None = None
        self.display = ""

    def __enter__(self) -> "Xvfb":
        exe = xvfb_path()
        if exe is None:
            raise RuntimeError(XVFB_MISSING)
        read, write = os.pipe()
        self.proc = subprocess.Popen([exe, "-displayfd", str(write), "-screen", "0", f"{self.width}x{self.height}x24",
                                      "-nolisten", "tcp", "-noreset"], pass_fds=(write,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as fh:
            number = fh.readline().strip()   # Xvfb writes it once it accepts connections
        if not number:
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a Qt app on this server (xcb platform)."""
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_SCALE_FACTOR")}
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb", XDG_SESSION_TYPE="x11")
        env.update(extra)
        return env

    def grab(self, out: Path) -> Path:
        from PIL import ImageGrab

        ImageGrab.grab(xdisplay=self.display).save(out)
        return out

    def windows(self) -> list["Window"]:
        return top_windows(self.display)

    def wait_for_window(self, title_part: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> "Window":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for w in self.windows():
                if w.viewable and title_part in w.title:
                    return w
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"the app exited with {proc.returncode} before its window showed")
            time.sleep(0.1)
        raise AssertionError(f"no window titled …{title_part}… within {timeout:.0f} s: {self.windows()}")


@dataclass
class Window:
    id: int
    title: str
    x: int
    y: int
    width: int
    height: int
    viewable: bool


class _Attributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
                ("root", ctypes.c_ulong), ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
                ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
                ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


def _xlib() -> ctypes.CDLL:
    x = ctypes.CDLL("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                             ctypes.POINTER(ctypes.c_uint)]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
                                     ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                     ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
                                     ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
    x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_Attributes)]
    x.XFree.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return x


def _title(x: ctypes.CDLL, dpy: int, wid: int) -> str:
    """_NET_WM_NAME, the UTF-8 title Qt sets (WM_NAME stays empty for a Chinese title)."""
    utf8 = x.XInternAtom(dpy, b"UTF8_STRING", 0)
    kind, fmt = ctypes.c_ulong(), ctypes.c_int()
    n, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
    ok = x.XGetWindowProperty(dpy, wid, x.XInternAtom(dpy, b"_NET_WM_NAME", 0), 0, 4096, 0, utf8, ctypes.byref(kind),
                              ctypes.byref(fmt), ctypes.byref(n), ctypes.byref(after), ctypes.byref(prop))
    if ok != 0 or not prop.value:
        return ""
    try:
        return ctypes.string_at(prop.value, n.value).decode("utf-8", "replace")
    finally:
        x.XFree(prop)


def top_windows(display: str) -> list[Window]:
    """The children of the root window (with no window manager, the apps' top-level windows)."""
    x = _xlib()
    dpy = x.XOpenDisplay(display.encode())
    if not dpy:
        raise RuntimeError(f"cannot open display {display}")
    try:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        if not x.XQueryTree(dpy, x.XDefaultRootWindow(dpy), ctypes.byref(root), ctypes.byref(parent),
                            ctypes.byref(children), ctypes.byref(n)):
            return []
        out = []
        for i in range(n.value):
            wid = children[i]
            title = _title(x, dpy, wid)
            a = _Attributes()
            x.XGetWindowAttributes(dpy, wid, ctypes.byref(a))
            out.append(Window(int(wid), title, a.x, a.y, a.width, a.height, a.map_state == 2))
        if children:
            x.XFree(children)
        return out
    finally:
        x.XCloseDisplay(dpy)
