#!/usr/bin/env python3
"""The two dependency locks, with hashes: requirements.lock (what the app runs on) and
requirements-dev.lock (tests, the bundle build, the Dask engine, the build backend).

    python tools/lock.py            # re-resolve pyproject.toml at the pinned versions, rewrite both
    python tools/lock.py --check    # offline: the locks cover pyproject.toml, pin exactly, carry hashes

Resolution runs pip's own resolver (``pip install --dry-run --report``) for Linux and
for Windows (the Windows workflow installs from the same files), keeping the versions
the current locks pin; a package only one platform needs gets an environment marker.
Every pin lists the sha256 of each file PyPI has for that release, so ``pip install
--require-hashes`` accepts the wheel of any platform and nothing else.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "requirements.lock"
DEV = ROOT / "requirements-dev.lock"
DEV_GROUPS = ("test", "build", "dask")
PLATFORMS = {  # marker value -> pip arguments selecting that platform's wheels
    # Debian 12 has glibc 2.36: every manylinux tag up to 2.36
    "linux": [a for v in range(36, 16, -1) for a in ("--platform", f"manylinux_2_{v}_x86_64")]
             + ["--platform", "manylinux2014_x86_64"],
    "win32": ["--platform", "win_amd64"],
}
MARKER = {"linux": 'sys_platform == "linux"', "win32": 'sys_platform == "win32"'}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> tuple[list[str], list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = list(data["project"]["dependencies"])
    extras = data["project"].get("optional-dependencies", {})
    dev = [r for g in DEV_GROUPS for r in extras.get(g, [])] + list(data["build-system"]["requires"])
    return runtime, dev


def read_pins(path: Path) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as written, version)."""
    pins = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            m = PIN.match(line.strip())
            if m:
                pins[canon(m.group(1))] = (m.group(1), m.group(2))
    return pins


# pip evaluates environment markers against the interpreter it runs in (Linux here), even
# with --platform, so what a package needs only on Windows (pyinstaller's pefile, pytest's
# colorama) is found by evaluating each resolved package's markers for that platform.
ENVIRONMENTS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
              "platform_machine": "x86_64"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
              "platform_machine": "AMD64"},
}


def resolve(reqs: list[str], platform: str, constraints: Path) -> dict[str, tuple[str, str]]:
    from packaging.requirements import Requirement

    env = {"python_version": "3.11", "python_full_version": "3.11.9", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "extra": "", **ENVIRONMENTS[platform]}
    extra: list[str] = []
    while True:
        got, items = _resolve_once(reqs + extra, platform, constraints)
        more = []
        for item in items:
            for spec in item["metadata"].get("requires_dist", []):
                r = Requirement(spec)
                if r.marker is not None and r.marker.evaluate(env) and canon(r.name) not in got:
                    more.append(f"{r.name}{r.specifier}")
        if not more:
            return got
        extra += sorted(set(more))


def _resolve_once(reqs: list[str], platform: str, constraints: Path) -> tuple[dict[str, tuple[str, str]], list]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--report", str(report), "--python-version", "3.11", "--implementation", "cp",
               "--only-binary=:all:", "--target", str(Path(tmp) / "t"), *PLATFORMS[platform],
               "-c", str(constraints), *reqs]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"lock: pip could not resolve for {platform}:\n{proc.stderr[-3000:]}")
        items = json.loads(report.read_text())["install"]
    return {canon(i["metadata"]["name"]): (i["metadata"]["name"], i["metadata"]["version"]) for i in items}, items


def hashes(name: str, version: str) -> list[str]:
    """sha256 of every file PyPI holds for ``name==version`` (PEP 691 JSON index)."""
    req = urllib.request.Request(f"https://pypi.org/simple/{canon(name)}/",
                                 headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as fh:
        files = json.load(fh)["files"]
    norm = canon(name).replace("-", "_")
    out = set()
    for f in files:
        fn = f["filename"]
        stem = fn[:-len(".tar.gz")] if fn.endswith(".tar.gz") else fn.rsplit(".", 1)[0]
        parts = stem.split("-")
        if len(parts) >= 2 and canon(parts[0]).replace("-", "_") == norm and parts[1] == version:
            if "sha256" in f.get("hashes", {}):
                out.add(f["hashes"]["sha256"])
    if not out:
        sys.exit(f"lock: PyPI lists no files for {name}=={version}")
    return sorted(out)


def render(title: str, pins: dict[str, tuple[str, str, str | None]]) -> str:
    lines = [f"# {title}",
             "# Generated by tools/lock.py from pyproject.toml; install with pip --require-hashes.", ""]
    for key in sorted(pins):
        name, version, marker = pins[key]
        head = f"{name}=={version}" + (f" ; {marker}" if marker else "")
        hs = hashes(name, version)
        lines.append(head + " \\")
        lines += [f"    --hash=sha256:{h}" + (" \\" if i < len(hs) - 1 else "") for i, h in enumerate(hs)]
    return "\n".join(lines) + "\n"


def merge(per_platform: dict[str, dict[str, tuple[str, str]]]) -> dict[str, tuple[str, str, str | None]]:
    out: dict[str, tuple[str, str, str | None]] = {}
    keys = set().union(*per_platform.values())
    for key in keys:
        where = [p for p, got in per_platform.items() if key in got]
        versions = {per_platform[p][key][1] for p in where}
        if len(versions) != 1:
            sys.exit(f"lock: {key} resolves to different versions per platform: {versions}")
        name, version = per_platform[where[0]][key]
        out[key] = (name, version, None if len(where) == len(per_platform) else MARKER[where[0]])
    return out


def write() -> None:
    runtime_reqs, dev_reqs = project()
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "pins.txt"
        old = {**read_pins(RUNTIME), **read_pins(DEV)}
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in old.values()))
        run = {p: resolve(runtime_reqs, p, constraints) for p in PLATFORMS}
        everything = {p: resolve(runtime_reqs + dev_reqs, p, constraints) for p in PLATFORMS}
    runtime = merge(run)
    dev = merge({p: {k: v for k, v in everything[p].items() if k not in run[p]} for p in PLATFORMS})
    RUNTIME.write_text(render("Runtime dependencies of photocheck (what the app and its bundle carry).", runtime),
                       encoding="utf-8")
    DEV.write_text(render("Development dependencies: tests, the bundle build, the Dask engine, the build backend.",
                          dev), encoding="utf-8")
    print(f"lock: {len(runtime)} runtime and {len(dev)} development pins written")


def check() -> int:
    """Offline: both files pin every requirement of pyproject.toml exactly, with hashes,
    and nothing is in both."""
    problems = []
    runtime_reqs, dev_reqs = project()
    pins = {}
    for path in (RUNTIME, DEV):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1].strip()) if text else []
        for entry in entries:
            m = PIN.match(entry)
            if not m:
                problems.append(f"{path.name}: not an exact pin: {entry.splitlines()[0]}")
                continue
            if "--hash=sha256:" not in entry:
                problems.append(f"{path.name}: {m.group(1)} has no hash")
            key = canon(m.group(1))
            if key in pins:
                problems.append(f"{m.group(1)} is pinned in both locks")
            pins[key] = (path, m.group(2))
    for req, path in [(r, RUNTIME) for r in runtime_reqs] + [(r, DEV) for r in dev_reqs]:
        name = canon(re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0])
        if name not in pins:
            problems.append(f"{req} (pyproject.toml) is not pinned in {path.name}")
        elif path == RUNTIME and pins[name][0] != RUNTIME:
            problems.append(f"{req} is a runtime requirement but is pinned in {pins[name][0].name}")
    for p in problems:
        print(f"lock: {p}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the locks without the network")
    args = ap.parse_args(argv)
    if args.check:
        return check()
    write()
    return check()


if __name__ == "__main__":
    sys.exit(main())
