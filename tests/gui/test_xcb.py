"""The app on a real X server (Xvfb, Qt's xcb platform), as it starts on a candidate's desktop.

Every other GUI test runs offscreen, which needs none of the libraries Qt's xcb
plugin links against; that is how a missing ``libxcb-icccm4`` once went unnoticed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from photocheck import __version__

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from xserver import XVFB_MISSING, Xvfb, xvfb_path  # noqa: E402

pytestmark = [pytest.mark.skipif(xvfb_path() is None, reason=XVFB_MISSING), pytest.mark.xdist_group("app-processes")]


def user_env(x: Xvfb, home: Path) -> dict[str, str]:
    """A new user: empty home, no settings, Chinese from the locale."""
    return x.env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                 XDG_STATE_HOME=str(home / ".local/state"), XDG_CACHE_HOME=str(home / ".cache"),
                 LANG="zh_CN.UTF-8", LC_ALL="", LANGUAGE="")


def gui_command() -> list[str]:
    exe = Path(sys.executable).with_name("photocheck-gui")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "photocheck.gui.app"]


def test_photocheck_gui_opens_its_window_on_xcb(tmp_path):
    import os

    # the models are shared in the user cache; the new user's empty home must still find them
    from photocheck.resources import models_dir

    home = tmp_path / "home"
    home.mkdir()
    with Xvfb(1920, 1080) as x:
        env = user_env(x, home)
        env.setdefault("PHOTOCHECK_MODEL_DIR", str(models_dir()))
        proc = subprocess.Popen(gui_command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            win = x.wait_for_window(__version__, proc=proc)
            assert win.title.startswith("医考报名照片与材料检测"), win
            # the window fits the screen and has been painted (many colours, not one flat fill)
            assert win.x >= 0 and win.y >= 0 and win.x + win.width <= 1920 and win.y + win.height <= 1080, win
            shot = tmp_path / "xcb-window.png"
            colours = 0
            for _ in range(100):
                img = x.grab(shot)
                from PIL import Image

                region = Image.open(img).convert("RGB").crop((win.x, win.y, win.x + win.width, win.y + win.height))
                colours = len(region.getcolors(1 << 20) or [])
                if colours > 50:
                    break
                proc.poll()
                assert proc.returncode is None, proc.stderr.read() if proc.stderr else ""
                __import__("time").sleep(0.1)
            assert colours > 50, f"the window shows {colours} colours only ({shot})"
            assert os.path.getsize(shot) > 10_000
        finally:
            proc.terminate()
            out, err = proc.communicate(timeout=30)
        assert "Traceback" not in err, err[-2000:]
        assert "platform plugin" not in err, err[-2000:]
