"""What the frozen app carries: one definition, used by the spec and by tools/dist.py.

The PyInstaller spec (``photocheck.spec``) applies these rules to the analysis
result; ``tools/dist.py estimate-windows`` applies the same rules to the Windows
wheels to estimate the installer's size, and ``tools/dist.py build`` uses
``forbidden()`` to fail a build that picked up a test-only package.

Paths given to the predicates are bundle destination paths with ``/`` separators
(``PySide6/Qt/plugins/platforms/libqxcb.so`` on Linux,
``PySide6/plugins/platforms/qwindows.dll`` on Windows).

This module imports nothing from PyInstaller or photocheck, so a test can load it.
"""

from __future__ import annotations

import re
from pathlib import Path

APP_NAME = "photocheck"
GUI_NAME = "photocheck-gui"
CLI_NAME = "photocheck"
CONTENTS_DIR = "_internal"

# Python packages that must never be in the bundle: test/dev-only dependencies
# and big optional extras pulled in by other packages' optional imports.
EXCLUDES = (
    "tkinter", "_tkinter", "turtle", "idlelib", "pydoc_data",
    "scipy", "matplotlib", "skimage", "imageio", "tifffile", "networkx", "lazy_loader",
    "pytest", "_pytest", "pytestqt", "xdist", "execnet", "pluggy", "iniconfig", "pygments",
    "pillow_heif",  # the tests write HEIC with it; the app reads HEIC with pi_heif
    "IPython", "jedi", "dask", "distributed", "pandas", "sympy", "torch",
    "PyQt5", "PyQt6", "PySide2",
    "onnxruntime.quantization", "onnxruntime.transformers", "onnxruntime.tools",
    "onnxruntime.training", "onnx",
    "setuptools", "pkg_resources", "distutils", "pip", "wheel",
    "PyInstaller",
    "yaml",  # numpy.__config__.show() uses it if present; nothing else does
    # Qt modules the app does not use. PySide6/__init__.py imports QtNetwork on Windows
    # only inside try/except ImportError, so leaving it out is safe.
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtLabsStyleKit", "PySide6.QtPrintSupport",
)

# Top-level names whose presence in the finished bundle means an exclusion failed.
FORBIDDEN_TOP = ("scipy", "matplotlib", "skimage", "pytest", "_pytest", "pytestqt",
                 "tkinter", "_tkinter", "PyQt5", "PyQt6", "PySide2", "torch",
                 "pillow_heif", "pillow_heif.libs")

# Qt plugins kept, by plugin folder -> plugin base names (no "lib" prefix, no suffix).
# None keeps the whole folder.
QT_PLUGINS: dict[str, tuple[str, ...] | None] = {
    # offscreen: self-test and headless use; xcb: Linux desktops (Wayland via XWayland);
    # windows: the Windows desktop.
    "platforms": ("qoffscreen", "qxcb", "qwindows"),
    "imageformats": ("qjpeg", "qsvg"),  # PNG is built into QtGui; SVG for icons
    "iconengines": ("qsvgicon",),
    "styles": None,  # Windows: qmodernwindowsstyle, without which Qt falls back to a 1995 look
    # Chinese input methods on Linux (ibus/fcitx through the compose/ibus bridges).
    "platforminputcontexts": ("composeplatforminputcontextplugin",
                              "ibusplatforminputcontextplugin"),
}

# Qt's own translations kept: OK/Cancel and the file dialog in Chinese (and English).
QT_TRANSLATIONS = re.compile(r"^(qt|qtbase)_(zh_CN|en)\.qm$")

# Windows-only DLLs that are loaded on demand, never at start-up, by features the app
# does not use: Qt's software OpenGL and ANGLE (a QtWidgets app drawing with the raster
# engine never loads them, 20 MB) and OpenCV's ffmpeg plugin for video files (29 MB).
WINDOWS_DROPPED = re.compile(r"^(opengl32sw|d3dcompiler_\d+|libEGL|libGLESv2|opencv_videoio_ffmpeg\d+_64)\.dll$",
                             re.I)

# Files that are never needed at run time wherever they come from.
_NEVER = re.compile(r"(^|/)(__pycache__|tests?|include|examples?)/|\.(pyi|h|hpp|a|lib|pdb|cmake|ts)$")


def plugin_name(filename: str) -> str:
    """``libqxcb.so`` / ``qxcb.dll`` -> ``qxcb``."""
    stem = filename.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep(dest: str) -> bool:
    """True if a file at bundle path ``dest`` belongs in the bundle."""
    dest = dest.replace("\\", "/")
    parts = dest.split("/")
    name = parts[-1]
    if _NEVER.search(dest):
        return False
    if parts[0] in FORBIDDEN_TOP:
        return False
    if WINDOWS_DROPPED.match(name):
        return False
    if parts[0] == "PySide6":
        if "plugins" in parts[:-1]:
            i = parts.index("plugins")
            if i + 3 != len(parts):  # plugins/<folder>/<file>
                return False
            allowed = QT_PLUGINS.get(parts[i + 1], ())
            return allowed is None or plugin_name(name) in allowed
        if "translations" in parts[:-1]:
            return bool(QT_TRANSLATIONS.match(name))
        if "qml" in parts[:-1] or "resources" in parts[:-1] or "metatypes" in parts[:-1]:
            return False
    return True


def forbidden(top_level_names: list[str]) -> list[str]:
    """Names of bundle entries that a lean build must not contain."""
    return sorted(n for n in top_level_names if n in FORBIDDEN_TOP)


# --------------------------------------------------------------------------- data files


def version_string(root: Path) -> str:
    """``__version__`` from src/photocheck/__init__.py, read without importing it."""
    text = (root / "src" / "photocheck" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not m:
        raise ValueError("src/photocheck/__init__.py has no __version__")
    return m.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``0.1.0rc1`` -> (0, 1, 0, 0): the four numbers Windows version resources hold."""
    nums = [int(re.match(r"\d*", p).group() or 0) for p in version.split(".")[:4]]
    nums += [0] * (4 - len(nums))
    return (nums[0], nums[1], nums[2], nums[3])


def resource_files(root: Path) -> list[tuple[Path, str]]:
    """(source file, bundle folder) for everything under resources/ the app reads.

    Raises FileNotFoundError naming the make target when generated files are missing.
    """
    res = root / "resources"
    out: list[tuple[Path, str]] = []
    for f in sorted(res.rglob("*")):
        if not f.is_file() or any(p.startswith(".") for p in f.relative_to(res).parts):
            continue
        if f.suffix in (".ts", ".tmp", ".pro") or f.name == "README.md":
            continue
        out.append((f, str(Path("resources") / f.parent.relative_to(res)).replace("\\", "/")))
    i18n = res / "i18n"
    if i18n.is_dir():
        missing = [ts.name for ts in i18n.glob("*.ts") if not ts.with_suffix(".qm").is_file()]
        if missing:
            raise FileNotFoundError(f"translations not compiled ({', '.join(missing)}): run make translations")
    for needed in ("models.json", "icons/photocheck.ico", "icons/photocheck.png"):
        if not (res / needed).is_file():
            raise FileNotFoundError(f"resources/{needed} is missing")
    return out


HAAR_RE = re.compile(r"haarcascade_[A-Za-z0-9_]+\.xml")


def haar_names(root: Path) -> list[str]:
    """Haar cascade files named anywhere in the source (PyInstaller does not collect them)."""
    names: set[str] = set()
    for py in (root / "src").rglob("*.py"):
        names.update(HAAR_RE.findall(py.read_text(encoding="utf-8", errors="replace")))
    return sorted(names)


# Linux: the CJK font Qt needs to show Chinese when the system has none.
LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
