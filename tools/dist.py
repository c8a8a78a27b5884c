#!/usr/bin/env python3
"""Build, measure and test the frozen app and its Windows installer.

    python tools/dist.py build [--clean]       PyInstaller -> dist/photocheck, checks, self-test,
                                               size report                    (make dist)
    python tools/dist.py installer-check       NSIS installer from that bundle (zlib), installed,
                                               upgraded and removed under wine64 (make installer-check)
    python tools/dist.py installer [--compression lzma] [--out FILE]
                                               just compile the installer (the Windows CI uses this)
    python tools/dist.py compare               frozen CLI vs development CLI, JSON on the shared cases
    python tools/dist.py size                  size report of an existing dist/photocheck
    python tools/dist.py startup [--runs N]    GUI start-up time (offscreen, to "window shown")
    python tools/dist.py estimate-windows      Windows installer size from the Windows wheels

Figures go to build/dist-report.json (one key per command) and are quoted in
docs/WINDOWS.md. What the bundle keeps is defined once, in packaging/bundle_rules.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_rules as rules  # noqa: E402

SPEC = ROOT / "packaging" / "photocheck.spec"
NSI = ROOT / "packaging" / "windows" / "installer.nsi"
DIST = ROOT / "dist"
BUNDLE = DIST / rules.APP_NAME
BUILD = ROOT / "build"
REPORT = BUILD / "dist-report.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "cases"
IS_WIN = sys.platform == "win32"
EXE = ".exe" if IS_WIN else ""
MB = 1024 * 1024


class Failed(Exception):
    """A check failed; the message says which and why."""


def say(msg: str = "") -> None:
    print(msg, flush=True)


def mb(n: float) -> str:
    return f"{n / MB:,.1f} MiB"


def run(cmd: Sequence[str | os.PathLike], *, env: dict | None = None, cwd: Path | None = None,
        check: bool = True, capture: bool = False, timeout: float | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, text=True, errors="replace",
                          capture_output=capture, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        tail = "\n".join(((proc.stderr or "") + (proc.stdout or "")).strip().splitlines()[-20:]) if capture else ""
        raise Failed(f"{Path(str(cmd[0])).name} exited with {proc.returncode}\n{tail}".rstrip())
    return proc


def save_report(key: str, data: dict) -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    report = {}
    if REPORT.is_file():
        try:
            report = json.loads(REPORT.read_text(encoding="utf-8"))
        except ValueError:
            report = {}
    report[key] = {**data, "measured_at": datetime.now().isoformat(timespec="seconds")}
    tmp = REPORT.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, REPORT)


def clean_env(home: Path | None = None) -> dict:
    """The environment of a user who never ran a development checkout: no overrides,
    optionally a fresh home (so caches, settings and logs start empty)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PHOTOCHECK_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if home is not None:
        env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_CONFIG_HOME=str(home / ".config"), XDG_STATE_HOME=str(home / ".local/state"),
                   XDG_DATA_HOME=str(home / ".local/share"))
        if IS_WIN:
            env.update(USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"),
                       APPDATA=str(home / "AppData" / "Roaming"))
    return env


def _present(probe: str) -> bool:
    """``/abs/file``, ``lib:NAME`` (a shared library the linker finds) or a command."""
    if probe.startswith("/"):
        return Path(probe).exists()
    if probe.startswith("lib:"):
        import ctypes.util

        return ctypes.util.find_library(probe[4:]) is not None
    return shutil.which(probe) is not None


def ensure_debian_packages(probes: dict[str, str]) -> None:
    """``probes`` maps what must be present (see _present) to the Debian package providing it."""
    missing = sorted({pkg for probe, pkg in probes.items() if not _present(probe)})
    if not missing:
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing Debian packages: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env, capture=True)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env, capture=True)
        return
    raise Failed(f"missing tools; install them first (as root): apt-get install {' '.join(missing)}")


# --------------------------------------------------------------------------- build


def preflight() -> None:
    """Everything the spec bundles must exist before PyInstaller starts."""
    from photocheck import models

    problems = models.verify_all()
    if problems:
        say("models missing or stale; fetching them (python -m photocheck.models fetch)")
        run([sys.executable, "-m", "photocheck.models", "fetch", "--quiet"])
    if sys.platform.startswith("linux"):
        # The CJK font, and the two X11 libraries Qt's xcb plugin links that a bare build
        # machine lacks (without them PyInstaller cannot bundle them, and the GUI would
        # start only where the desktop happens to have them).
        ensure_debian_packages({**{f: "fonts-wqy-microhei" for f in rules.LINUX_FONTS},
                                "lib:xcb-icccm": "libxcb-icccm4", "lib:xcb-keysyms": "libxcb-keysyms1"})
    i18n = ROOT / "resources" / "i18n"
    if any(not ts.with_suffix(".qm").is_file() for ts in i18n.glob("*.ts")):
        say("compiling translations (tools/i18n.py compile)")
        run([sys.executable, str(ROOT / "tools" / "i18n.py"), "compile"])
    if run([sys.executable, str(ROOT / "tools" / "make_icons.py"), "--check"], check=False,
           capture=True).returncode != 0:
        run([sys.executable, str(ROOT / "tools" / "make_icons.py")])


def elf_files(root: Path) -> list[Path]:
    out = []
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            with open(p, "rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def check_linked(bundle: Path) -> None:
    """Linux: every shared object in the bundle finds all its libraries (nothing that a
    kept file needs was pruned). The frozen app adds _internal to the search path, so
    this check does too."""
    from concurrent.futures import ThreadPoolExecutor

    internal = bundle / rules.CONTENTS_DIR
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))

    def missing(p: Path) -> list[str]:
        out = run(["ldd", p], env=env, check=False, capture=True).stdout
        names = [ln.split("=>")[0].strip() for ln in out.splitlines() if "not found" in ln]
        # A wheel's ".libs" library may carry an RPATH that is wrong for itself
        # (pi_heif.libs/libheif says $ORIGIN/pi_heif.libs); it still finds its sibling
        # through the RPATH of the extension module that loads it, which ldd run on the
        # library alone cannot see. The self-test's "formats" step proves the load.
        return [n for n in names if not (p.parent / n).exists()]

    files = [p for p in elf_files(internal)]
    with ThreadPoolExecutor(max_workers=4) as ex:
        broken = {p: m for p, m in zip(files, ex.map(missing, files)) if m}
    if broken:
        lines = [f"  {p.relative_to(bundle)}: {', '.join(m)}" for p, m in sorted(broken.items())]
        raise Failed("libraries missing from the bundle:\n" + "\n".join(lines))
    say(f"linkage: all {len(files)} shared objects resolve")


def check_layout(bundle: Path) -> None:
    expected = {rules.GUI_NAME + EXE, rules.CLI_NAME + EXE, rules.CONTENTS_DIR}
    found = {p.name for p in bundle.iterdir()}
    if found != expected:
        raise Failed(f"unexpected top level in {bundle}: {sorted(found)} (expected {sorted(expected)})")
    internal = bundle / rules.CONTENTS_DIR
    bad = rules.forbidden([p.name for p in internal.iterdir()])
    if bad:
        raise Failed(f"test-only packages ended up in the bundle: {', '.join(bad)}")
    for needed in ("models", "resources/rules", "resources/models.json", "resources/icons/photocheck.png"):
        if not (internal / needed).exists():
            raise Failed(f"{rules.CONTENTS_DIR}/{needed} is missing from the bundle")


def run_self_test(bundle: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="pc-selftest-") as home:
        t0 = time.perf_counter()
        proc = run([bundle / (rules.CLI_NAME + EXE), "--self-test"], env=clean_env(Path(home)),
                   check=False, timeout=600)
        took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise Failed(f"the frozen self-test failed (exit code {proc.returncode})")
    return took


def cmd_build(args: argparse.Namespace) -> None:
    preflight()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", DIST, "--workpath", BUILD / "pyinstaller", SPEC]
    if args.clean:
        cmd.insert(4, "--clean")
    say(f"PyInstaller: {SPEC.relative_to(ROOT)} -> {BUNDLE.relative_to(ROOT)}")
    t0 = time.perf_counter()
    run(cmd)
    build_s = time.perf_counter() - t0
    say(f"built in {build_s:.0f} s")
    check_layout(BUNDLE)
    if sys.platform.startswith("linux"):
        check_linked(BUNDLE)
    selftest_s = None
    if not args.no_self_test:
        say("frozen self-test (no display, fresh home folder):")
        selftest_s = run_self_test(BUNDLE)
    size = size_report(BUNDLE)
    save_report("build", {"build_s": round(build_s, 1),
                          "selftest_s": round(selftest_s, 2) if selftest_s else None, **size})


# --------------------------------------------------------------------------- size

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("OpenCV (cv2 and its bundled ffmpeg, OpenBLAS, codecs)", ("cv2/", "opencv_python_headless.libs/")),
    ("Qt (PySide6-Essentials: Core, Gui, Widgets, ICU, plugins)", ("PySide6/", "shiboken6/")),
    ("onnxruntime (runs the PP-OCR models)", ("onnxruntime/",)),
    ("numpy (with OpenBLAS)", ("numpy/", "numpy.libs/")),
    ("pi-heif (HEIC reading: libheif, libde265)", ("pi_heif/", "pi_heif.libs/")),
    ("Pillow (with its codecs)", ("PIL/", "pillow.libs/")),
    ("pypdfium2 (PDF pages)", ("pypdfium2/", "pypdfium2_raw/")),
    ("PyNaCl (Ed25519 review signatures: libsodium, cffi)", ("nacl/", "_cffi_backend")),
    ("models (face, mesh, segmentation, OCR)", ("models/",)),
    ("fonts (WenQuanYi Micro Hei)", ("fonts/",)),
    ("resources (rule packs, translations, icons)", ("resources/",)),
    ("Python runtime (libpython, extension modules, stdlib)", ("libpython", "python3", "base_library.zip")),
)


def group_of(rel: str) -> str:
    if "/" not in rel:
        return "executables (bootloader + compiled Python code, one copy each)"
    inner = rel.split("/", 1)[1]
    for name, prefixes in GROUPS:
        if inner.startswith(prefixes):
            return name
    if "/" not in inner and re.match(r"lib.+\.so", inner):
        return "system libraries from Debian (glib, X11/xcb, fontconfig, OpenSSL, ...)"
    return "other"


def size_report(bundle: Path, top: int = 15) -> dict:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    sizes = {p.relative_to(bundle).as_posix(): p.stat().st_size for p in files}
    total = sum(sizes.values())
    groups: dict[str, int] = {}
    for rel, n in sizes.items():
        g = group_of(rel)
        groups[g] = groups.get(g, 0) + n
    say(f"\nbundle {bundle.relative_to(ROOT) if bundle.is_relative_to(ROOT) else bundle}: "
        f"{mb(total)} in {len(files)} files")
    for g, n in sorted(groups.items(), key=lambda kv: -kv[1]):
        say(f"  {mb(n):>10}  {100 * n / total:4.1f}%  {g}")
    say("largest files:")
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:top]
    for rel, n in biggest:
        say(f"  {mb(n):>10}  {rel}")
    return {"bundle_bytes": total, "files": len(files),
            "groups": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
            "largest": dict(biggest)}


def cmd_size(args: argparse.Namespace) -> None:
    if not BUNDLE.is_dir():
        raise Failed(f"{BUNDLE} does not exist: run make dist")
    save_report("size", size_report(BUNDLE, args.top))


# --------------------------------------------------------------------------- compare


def _strip_timing(v):
    if isinstance(v, dict):
        return {k: _strip_timing(x) for k, x in v.items() if k != "elapsed_ms"}
    if isinstance(v, list):
        return [_strip_timing(x) for x in v]
    return v


def _diff(a, b, where: str = "") -> Iterable[str]:
    if type(a) is not type(b):
        yield f"{where}: {a!r} != {b!r}"
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{where}.{k}: only in {'frozen' if k in b else 'dev'}"
            else:
                yield from _diff(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            yield f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _diff(x, y, f"{where}[{i}]")
    elif a != b:
        yield f"{where}: {a!r} != {b!r}"


def _check_json(cmd: list, files: list[str], cwd: Path, env: dict) -> tuple[int, dict, float]:
    t0 = time.perf_counter()
    proc = run([*cmd, "check", "--json", "--kind", cwd.name == "docs" and "material" or "photo", *files],
               cwd=cwd, env=env, check=False, capture=True, timeout=1800)
    took = time.perf_counter() - t0
    try:
        rows = json.loads(proc.stdout)
    except ValueError:
        raise Failed(f"{Path(str(cmd[0])).name}: no JSON on stdout (exit {proc.returncode}):\n"
                     + proc.stderr[-2000:]) from None
    return proc.returncode, {r["path"]: _strip_timing(r) for r in rows}, took


def newer_sources(than: float) -> list[str]:
    """Source and resource files changed after ``than`` (a bundle's build time)."""
    files = [*(ROOT / "src" / "photocheck").rglob("*.py"), *(ROOT / "resources").rglob("*.*")]
    return sorted(p.relative_to(ROOT).as_posix() for p in files if p.stat().st_mtime > than)


def cmd_compare(args: argparse.Namespace) -> None:
    frozen = BUNDLE / (rules.CLI_NAME + EXE)
    if not frozen.is_file():
        raise Failed(f"{frozen} does not exist: run make dist")
    cases = Path(args.cases).resolve()
    sets = [cases / "photos"] + ([cases / "docs"] if args.docs else [])
    absent = [d for d in sets if not d.is_dir()]
    if absent:
        # Comparing nothing is not a pass: say so and fail.
        raise Failed(f"no case folder {absent[0]} (the shared corpus sits beside the work tree; "
                     "in a clone elsewhere pass --cases /path/to/shared/corpus/cases)")
    stale = newer_sources(frozen.stat().st_mtime)
    if stale:
        raise Failed(f"the bundle is older than {len(stale)} source file(s) (e.g. {stale[0]}): "
                     "run make dist first, or the comparison only shows the edits")
    dev = [sys.executable, "-m", "photocheck.cli"]
    env = clean_env()
    results = {}
    failed = False
    for folder in sets:
        files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".json")
        code_d, dev_rows, dev_s = _check_json(dev, files, folder, env)
        code_f, frz_rows, frz_s = _check_json([frozen], files, folder, env)
        diffs = list(_diff(dev_rows, frz_rows))
        if code_d != code_f:
            diffs.insert(0, f"exit code: dev {code_d}, frozen {code_f}")
        say(f"compare {folder.relative_to(cases.parent)}: {len(files)} files, dev {dev_s:.1f} s, "
            f"frozen {frz_s:.1f} s, exit {code_d}/{code_f}: "
            + ("identical JSON (elapsed_ms ignored)" if not diffs else f"{len(diffs)} differences"))
        for d in diffs[:30]:
            say(f"  {d}")
        failed |= bool(diffs)
        results[folder.name] = {"files": len(files), "differences": len(diffs), "dev_s": round(dev_s, 1),
                                "frozen_s": round(frz_s, 1)}
    save_report("compare", results)
    if failed:
        raise Failed("the frozen CLI and the development CLI disagree")


# --------------------------------------------------------------------------- start-up


def _window_shown(log_file: Path) -> datetime | None:
    if not log_file.is_file():
        return None
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if "window shown after" in line:
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return None


def measure_startup(bundle: Path, runs: int) -> dict:
    """Process launch -> the GUI's "window shown" log line, offscreen, fresh home each run."""
    gui = bundle / (rules.GUI_NAME + EXE)
    shown, total = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="pc-startup-") as tmp:
            home = Path(tmp)
            launched = datetime.now()
            t0 = time.perf_counter()
            run([gui, "--screenshot", home / "shot.png"], env=clean_env(home), capture=True, timeout=300)
            total.append(time.perf_counter() - t0)
            logs = list(home.rglob("photocheck.log"))
            at = _window_shown(logs[0]) if logs else None
            if at is None:
                raise Failed("the GUI wrote no 'window shown' line to its log")
            shown.append((at - launched).total_seconds())
    out = {"runs": runs, "window_shown_s": [round(s, 2) for s in shown],
           "window_shown_median_s": round(statistics.median(shown), 2),
           "screenshot_run_median_s": round(statistics.median(total), 2)}
    say(f"GUI start-up ({runs} runs, offscreen, disk cache warm): window shown after "
        f"{', '.join(f'{s:.2f}' for s in shown)} s (median {out['window_shown_median_s']} s); "
        f"whole --screenshot run median {out['screenshot_run_median_s']} s")
    return out


def cmd_startup(args: argparse.Namespace) -> None:
    if not BUNDLE.is_dir():
        raise Failed(f"{BUNDLE} does not exist: run make dist")
    with tempfile.TemporaryDirectory(prefix="pc-selftest-") as home:
        t0 = time.perf_counter()
        run([BUNDLE / (rules.CLI_NAME + EXE), "--self-test"], env=clean_env(Path(home)), capture=True)
        selftest = time.perf_counter() - t0
    say(f"frozen --self-test: {selftest:.2f} s")
    save_report("startup", {**measure_startup(BUNDLE, args.runs), "selftest_s": round(selftest, 2)})


# --------------------------------------------------------------------------- installer


def version() -> str:
    return rules.version_string(ROOT)


def compile_installer(source: Path, out: Path, *, ver: str, compression: str,
                      exe_suffix: str = ".exe") -> float:
    """makensis over ``source``; returns the seconds it took."""
    makensis = shutil.which("makensis")
    if not makensis:
        raise Failed("makensis not found (Debian: apt-get install nsis; Windows: choco install nsis)")
    out.parent.mkdir(parents=True, exist_ok=True)
    defines = {"VERSION": ver, "SOURCE_DIR": str(source.resolve()), "OUTFILE": str(out.resolve()),
               "COMPRESSION": compression, "EXE_SUFFIX": exe_suffix,
               "ICON": str((ROOT / "resources" / "icons" / "photocheck.ico").resolve())}
    opt = "/" if IS_WIN else "-"
    cmd = [makensis, f"{opt}V2", f"{opt}INPUTCHARSET", "UTF8", *(f"{opt}D{k}={v}" for k, v in defines.items()),
           str(NSI)]
    t0 = time.perf_counter()
    run(cmd, capture=True)
    return time.perf_counter() - t0


def cmd_installer(args: argparse.Namespace) -> None:
    if not BUNDLE.is_dir():
        raise Failed(f"{BUNDLE} does not exist: run python tools/dist.py build first")
    ver = version()
    out = Path(args.out) if args.out else DIST / f"photocheck-{ver}-setup.exe"
    took = compile_installer(BUNDLE, out, ver=ver, compression=args.compression, exe_suffix=EXE)
    say(f"installer: {out} ({mb(out.stat().st_size)}, {args.compression}, {took:.0f} s)")


class Wine:
    """A throw-away 64-bit wine prefix with its own home folder."""

    def __init__(self, tmp: Path):
        self.prefix = tmp / "prefix"
        self.home = tmp / "home"
        self.home.mkdir(parents=True)
        # Debian's wineserver makes its socket folder (wine-XXXXXX) under TMPDIR and leaves it
        # behind; inside the throw-away folder it goes away with the prefix.
        unix_tmp = tmp / "tmp"
        unix_tmp.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(WINEPREFIX=str(self.prefix), HOME=str(self.home), TMPDIR=str(unix_tmp),
                   WINEARCH="win64", WINEDEBUG="-all",
                   # no .NET/Gecko download prompts, no Linux menu entries for the shortcuts
                   WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d")
        self.env = env

    def __call__(self, *args: str | os.PathLike, check: bool = False) -> subprocess.CompletedProcess:
        proc = run(["wine", *args], env=self.env, check=check, capture=True, timeout=900)
        self.wait()
        return proc

    def wait(self) -> None:
        """Until every wine process ended and the registry is written to disk.

        NSIS uninstallers copy themselves to %TEMP% and return at once; this waits
        for the copy too."""
        run(["wineserver", "-w"], env=self.env, check=False, timeout=900)

    def boot(self) -> None:
        run(["wineboot", "--init"], env=self.env, capture=True, timeout=900)
        self.wait()

    def windows_version(self, name: str) -> None:
        self("winecfg", "/v", name, check=True)

    @property
    def user_dir(self) -> Path:
        users = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        if len(users) != 1:
            raise Failed(f"cannot tell the wine user folder: {users}")
        return users[0]

    def unix(self, win_path: str) -> Path:
        """C:\\users\\x\\... -> the file inside the prefix."""
        drive, _, rest = win_path.partition(":")
        return self.prefix / f"drive_{drive.lower()}" / Path(*rest.strip("\\").split("\\"))

    def user_reg(self) -> dict[str, dict[str, object]]:
        """HKEY_CURRENT_USER as wine saved it: key path -> {value name: str | int}."""
        text = (self.prefix / "user.reg").read_text(encoding="utf-8", errors="replace")
        keys: dict[str, dict[str, object]] = {}
        current: dict[str, object] | None = None
        for line in text.splitlines():
            if line.startswith("["):
                name = line[1:line.index("]")].replace("\\\\", "\\")
                current = keys.setdefault(name.lower(), {})
            elif current is not None and line.startswith('"'):
                m = re.match(r'"((?:[^"\\]|\\.)*)"=(.*)$', line)
                if not m:
                    continue
                name, raw = _reg_unescape(m.group(1)), m.group(2)
                if raw.startswith('"'):
                    current[name.lower()] = _reg_unescape(raw[1:-1])
                elif raw.startswith("dword:"):
                    current[name.lower()] = int(raw[6:], 16)
        return keys


def _reg_unescape(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]{1,4}", s[i + 2:])
                if m:
                    out.append(chr(int(m.group(), 16)))
                    i += 2 + len(m.group())
                    continue
            out.append({"n": "\n", "t": "\t", "0": "\0"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


UNINST_KEY = r"software\microsoft\windows\currentversion\uninstall\photocheck"
SETTINGS_KEY = r"software\photocheck\photocheck"
SHORTCUT = "医考照片检测 photocheck.lnk"
APP_TITLE = "医考照片检测 photocheck"


def _expect(cond: bool, what: str, failures: list[str]) -> None:
    say(f"  {'✓' if cond else '✗'} {what}")
    if not cond:
        failures.append(what)


def _tree(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_size
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def _shortcut_targets(lnk: Path, exe_name: str) -> bool:
    data = lnk.read_bytes()
    return exe_name.encode("utf-16-le") in data or exe_name.encode() in data


def _desktop(wine: Wine) -> Path:
    d = wine.user_dir / "Desktop"
    return d.resolve() if d.exists() else d


def cmd_installer_check(args: argparse.Namespace) -> None:
    ensure_debian_packages({"makensis": "nsis", "wine": "wine", "/usr/lib/wine/wine64": "wine64",
                            "wineserver": "wine"})
    if not BUNDLE.is_dir():
        raise Failed(f"{BUNDLE} does not exist: run make dist first")
    ver = version()
    if rules.version_tuple(ver) <= (0, 0, 1, 0):
        raise Failed(f"version {ver} must be above the 0.0.1 used for the upgrade test")
    failures: list[str] = []
    timings: dict[str, float] = {}
    setup = BUILD / "installer" / f"photocheck-{ver}-setup-zlib.exe"
    say(f"makensis (zlib) over {BUNDLE.relative_to(ROOT)} ...")
    timings["makensis_s"] = compile_installer(BUNDLE, setup, ver=ver, compression="zlib", exe_suffix="")
    say(f"  {setup.relative_to(ROOT)}: {mb(setup.stat().st_size)} in {timings['makensis_s']:.0f} s")
    bundle_files = _tree(BUNDLE)

    with tempfile.TemporaryDirectory(prefix="pc-installer-") as tmp_s:
        tmp = Path(tmp_s)
        wine = Wine(tmp)
        say("wine prefix: initialising ...")
        t0 = time.perf_counter()
        wine.boot()
        timings["wineboot_s"] = time.perf_counter() - t0

        # An "older version": a tiny bundle with a file the new version no longer has.
        # Its "GUI" is wine's ping.exe, a Windows program that can be kept running.
        old = tmp / "old-bundle"
        (old / rules.CONTENTS_DIR).mkdir(parents=True)
        (old / rules.CONTENTS_DIR / "only-in-0.0.1.txt").write_text("old\n")
        shutil.copy2(wine.prefix / "drive_c" / "windows" / "system32" / "ping.exe", old / rules.GUI_NAME)
        (old / rules.CLI_NAME).write_text("old\n")
        old_setup = tmp / "photocheck-0.0.1-setup.exe"
        compile_installer(old, old_setup, ver="0.0.1", compression="zlib", exe_suffix="")

        say("1. Windows 7: the installer must refuse (Qt 6 needs Windows 10)")
        wine.windows_version("win7")
        proc = wine(old_setup, "/S")
        local = wine.user_dir / "AppData" / "Local"
        instdir = local / "Programs" / "photocheck"
        _expect(proc.returncode != 0 and not instdir.exists(),
                f"refused on Windows 7 (exit {proc.returncode}), nothing installed", failures)
        wine.windows_version("win10")

        say("2. Windows 10: install version 0.0.1, then add user settings")
        proc = wine(old_setup, "/S")
        _expect(proc.returncode == 0 and (instdir / rules.CONTENTS_DIR / "only-in-0.0.1.txt").is_file(),
                f"0.0.1 installed to {instdir.relative_to(wine.prefix)}", failures)
        wine("reg", "add", r"HKCU\Software\photocheck\photocheck", "/v", "selftest", "/t", "REG_SZ",
             "/d", "keep-me", "/f", check=True)
        user_data = local / "photocheck"
        (user_data / "Logs").mkdir(parents=True, exist_ok=True)
        (user_data / "Logs" / "photocheck.log").write_text("settings survive upgrades\n")

        say("3. while 0.0.1 is running, the upgrade must refuse and change nothing")
        running = subprocess.Popen(["wine", instdir / rules.GUI_NAME, "-n", "12", "127.0.0.1"], env=wine.env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(4)
        proc = wine(setup, "/S")  # returns after the running copy has ended too
        running.wait(timeout=120)
        _expect(proc.returncode != 0
                and (instdir / rules.CONTENTS_DIR / "only-in-0.0.1.txt").is_file()
                and wine.user_reg().get(UNINST_KEY, {}).get("displayversion") == "0.0.1",
                f"refused while the app runs (exit {proc.returncode}), 0.0.1 left intact", failures)

        say(f"4. upgrade in place to {ver}")
        t0 = time.perf_counter()
        proc = wine(setup, "/S")
        timings["install_s"] = time.perf_counter() - t0
        _expect(proc.returncode == 0, f"installer exit code 0 (got {proc.returncode})", failures)
        installed = _tree(instdir) if instdir.is_dir() else {}
        missing = [f for f, n in bundle_files.items() if installed.get(f) != n]
        _expect(not missing, f"all {len(bundle_files)} bundle files installed with their sizes"
                + (f" (missing or different: {missing[:5]})" if missing else ""), failures)
        _expect((instdir / "uninstall.exe").is_file(), "uninstall.exe written", failures)
        _expect(not (instdir / rules.CONTENTS_DIR / "only-in-0.0.1.txt").exists(),
                "files of the old version removed", failures)
        start = wine.user_dir / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / SHORTCUT
        _expect(start.is_file() and _shortcut_targets(start, rules.GUI_NAME),
                f"Start menu shortcut {SHORTCUT} -> {rules.GUI_NAME}", failures)
        desk = _desktop(wine) / SHORTCUT
        _expect(desk.is_file() and _shortcut_targets(desk, rules.GUI_NAME), "desktop shortcut (default on)",
                failures)
        reg = wine.user_reg()
        key = reg.get(UNINST_KEY, {})
        win_instdir = "C:\\" + "\\".join(instdir.relative_to(wine.prefix / "drive_c").parts)
        expected = {
            "displayname": APP_TITLE, "displayversion": ver, "publisher": "photocheck contributors",
            "installlocation": win_instdir, "uninstallstring": f'"{win_instdir}\\uninstall.exe"',
            "quietuninstallstring": f'"{win_instdir}\\uninstall.exe" /S',
            "displayicon": f"{win_instdir}\\{rules.GUI_NAME},0", "nomodify": 1, "norepair": 1,
        }
        wrong = {k: key.get(k) for k, v in expected.items() if key.get(k) != v}
        _expect(bool(key) and not wrong, "uninstall key in HKCU (应用和功能): "
                + ("name, version, location, uninstall commands, icon" if not wrong else f"wrong: {wrong}"),
                failures)
        est_kb = key.get("estimatedsize")
        real_kb = sum(bundle_files.values()) / 1024
        _expect(isinstance(est_kb, int) and abs(est_kb - real_kb) < 0.05 * real_kb,
                f"EstimatedSize {est_kb} KB ~ bundle {real_kb:.0f} KB", failures)
        _expect(reg.get(SETTINGS_KEY, {}).get("selftest") == "keep-me"
                and (user_data / "Logs" / "photocheck.log").is_file(), "user settings kept by the upgrade", failures)
        entries = [k for k in reg if k.startswith(UNINST_KEY.rsplit("\\", 1)[0] + "\\photocheck")]
        _expect(entries == [UNINST_KEY], "one uninstall entry after the upgrade", failures)

        say("5. uninstall")
        t0 = time.perf_counter()
        wine(instdir / "uninstall.exe", "/S")
        timings["uninstall_s"] = time.perf_counter() - t0
        _expect(not instdir.exists(), "install folder removed", failures)
        _expect(not start.exists() and not desk.exists(), "both shortcuts removed", failures)
        reg = wine.user_reg()
        _expect(UNINST_KEY not in reg, "uninstall key removed", failures)
        _expect(reg.get(SETTINGS_KEY, {}).get("selftest") == "keep-me" and user_data.is_dir(),
                "user settings kept (removed only when the user ticks 同时删除设置和日志)", failures)

    save_report("installer_check", {"installer_zlib_bytes": setup.stat().st_size,
                                    **{k: round(v, 1) for k, v in timings.items()},
                                    "failures": failures})
    if failures:
        raise Failed(f"installer check: {len(failures)} assertion(s) failed")
    say(f"installer check passed ({setup.name}, {mb(setup.stat().st_size)})")


# --------------------------------------------------------------------------- Windows estimate

WIN_WHEELS = ("PySide6-Essentials", "shiboken6", "opencv-python-headless", "numpy", "pillow",
              "pi-heif", "onnxruntime", "pypdfium2", "platformdirs")
# Bundle top-level folders that come from a wheel (the rest is Python, models, resources).
WHEEL_ROOTS = ("PySide6", "shiboken6", "cv2", "opencv_python_headless", "numpy", "PIL", "pillow",
               "pi_heif", "onnxruntime", "pypdfium2", "pypdfium2_raw", "platformdirs")


def _module_key(rel: str) -> str | None:
    """A binary's identity across platforms: ``PySide6/QtCore.abi3.so`` and
    ``PySide6/QtCore.pyd`` both -> ``PySide6/QtCore``; plain libraries -> None."""
    m = re.match(r"^(.*/)?([A-Za-z0-9_]+)(\.cpython-\d+[^/]*|\.abi3|\.cp\d+-win_amd64)?\.(so|pyd)$", rel)
    return f"{m.group(1) or ''}{m.group(2)}" if m else None


def stage_windows_bundle(wheel_dir: Path, stage: Path) -> dict:
    """Lay out what a Windows build would carry, from the Windows wheels, by the
    bundle rules plus what the Linux build actually took; Python itself, models and
    resources are copied from the Linux bundle (same files, or a close proxy)."""
    internal = BUNDLE / rules.CONTENTS_DIR
    linux = _tree(internal)
    linux_modules = {_module_key(r) for r in linux} - {None}
    linux_qt = {re.sub(r"^lib|\.so.*$", "", Path(r).name) for r in linux if "Qt6" in r and ".so" in r}
    out = stage / rules.CONTENTS_DIR
    per_wheel: dict[str, int] = {}
    for whl in sorted(wheel_dir.glob("*.whl")):
        dist = whl.name.split("-")[0]
        taken = 0
        with zipfile.ZipFile(whl) as zf:
            for info in zf.infolist():
                rel = re.sub(r"^[^/]+\.data/(platlib|purelib)/", "", info.filename)  # installed at the root
                if rel.endswith("/") or ".dist-info/" in rel or not rules.keep(rel):
                    continue
                low = rel.lower()
                if low.endswith(".pyd"):
                    if _module_key(rel) not in linux_modules:
                        continue  # extension module the app never imports
                elif low.endswith(".dll"):
                    if Path(rel).name.startswith("Qt6") and Path(rel).stem not in linux_qt:
                        continue  # Qt library no kept module or plugin needs
                elif low.endswith((".py", ".pyc")):
                    continue  # compiled into the executables' archive (counted from Linux)
                elif rel not in linux:
                    continue  # data file the Linux build did not take either
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                taken += info.file_size
        per_wheel[dist] = taken
    # Not from wheels: the Python runtime (Linux libpython etc. as a proxy for
    # python311.dll and the DLLs folder), models, resources. No fonts on Windows.
    proxy = 0
    for rel, n in linux.items():
        top = rel.split("/")[0]
        if top in WHEEL_ROOTS or top.endswith(".libs") or top == "fonts":
            continue
        if "/" not in rel and ".so" in rel and not rel.startswith("libpython"):
            continue  # Debian system libraries (Windows has its own) or a wheel's extension
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(internal / rel, target)
        proxy += n
    for exe in (rules.GUI_NAME, rules.CLI_NAME):
        shutil.copy2(BUNDLE / exe, stage / (exe + ".exe"))
        proxy += (BUNDLE / exe).stat().st_size
    return {"from_wheels": per_wheel, "python_models_resources_exes": proxy}


def cmd_estimate_windows(args: argparse.Namespace) -> None:
    if not BUNDLE.is_dir():
        raise Failed(f"{BUNDLE} does not exist: run make dist first (the estimate reuses its file list)")
    wheel_dir = Path(args.wheels)
    wheel_dir.mkdir(parents=True, exist_ok=True)
    say(f"Windows wheels -> {wheel_dir}")
    run([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64",
         "--python-version", "3.11", "--implementation", "cp", "--no-deps", "-c", ROOT / "requirements.lock",
         "-d", wheel_dir, "--disable-pip-version-check", "-q", *WIN_WHEELS])
    wheels = {w.name: w.stat().st_size for w in wheel_dir.glob("*.whl")}
    stage = BUILD / "win-estimate" / rules.APP_NAME
    shutil.rmtree(stage, ignore_errors=True)
    parts = stage_windows_bundle(wheel_dir, stage)
    staged = sum(_tree(stage).values())
    say(f"staged Windows bundle: {mb(staged)}")
    for name, n in sorted(parts["from_wheels"].items(), key=lambda kv: -kv[1]):
        say(f"  {mb(n):>10}  {name}")
    say(f"  {mb(parts['python_models_resources_exes']):>10}  Python runtime, models, resources, executables "
        "(from the Linux bundle)")
    ensure_debian_packages({"makensis": "nsis"})
    setup = BUILD / "win-estimate" / "photocheck-estimate-setup.exe"
    say("makensis with LZMA (solid, 64 MB dictionary) over the staged bundle ...")
    took = compile_installer(stage, setup, ver=version(), compression="lzma")
    size = setup.stat().st_size
    say(f"estimated Windows installer: {mb(size)} (LZMA, {took:.0f} s); installed size {mb(staged)}")
    save_report("estimate_windows", {"wheels_bytes": wheels, "staged_bytes": staged, **parts,
                                     "installer_lzma_bytes": size, "makensis_s": round(took, 1)})


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="PyInstaller bundle + checks + frozen self-test (make dist)")
    b.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    b.add_argument("--no-self-test", action="store_true")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("size", help="size report of dist/photocheck")
    s.add_argument("--top", type=int, default=15)
    s.set_defaults(func=cmd_size)
    c = sub.add_parser("compare", help="frozen vs development CLI JSON on ../shared/corpus/cases")
    c.add_argument("--cases", default=str(CORPUS),
                   help="the case folder holding photos/ and docs/ (default: %(default)s)")
    c.add_argument("--docs", action="store_true", help="also the document cases (--kind material)")
    c.set_defaults(func=cmd_compare)
    u = sub.add_parser("startup", help="GUI start-up time")
    u.add_argument("--runs", type=int, default=3)
    u.set_defaults(func=cmd_startup)
    i = sub.add_parser("installer", help="compile the NSIS installer from dist/photocheck")
    i.add_argument("--compression", choices=["lzma", "zlib", "bzip2"], default="lzma")
    i.add_argument("--out", default=None)
    i.set_defaults(func=cmd_installer)
    k = sub.add_parser("installer-check", help="build the installer and test it under wine64")
    k.set_defaults(func=cmd_installer_check)
    e = sub.add_parser("estimate-windows", help="estimate the Windows installer from the Windows wheels")
    e.add_argument("--wheels", default=str(Path(tempfile.gettempdir()) / "photocheck-win-wheels"))
    e.set_defaults(func=cmd_estimate_windows)
    args = ap.parse_args(argv)
    try:
        args.func(args)
    except Failed as err:
        print(f"dist.py {args.cmd}: FAILED: {err}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as err:
        print(f"dist.py {args.cmd}: FAILED: timed out: {err.cmd}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
