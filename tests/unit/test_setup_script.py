"""tools/setup.sh on a bare Debian 12: as root it installs every Debian package Qt's
xcb platform needs; otherwise it prints the one ``apt-get install`` line to run.

The system is faked with stubs on PATH (``id``, ``dpkg-query`` reporting nothing
installed, ``apt-get`` recording its arguments) and a stand-in virtualenv, so the
script's package logic runs for real without touching the machine.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from photocheck.gui.display import XCB_LIBRARIES

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")


def _stub(folder: Path, name: str, body: str) -> None:
    f = folder / name
    f.write_text("#!/bin/sh\n" + body + "\n")
    f.chmod(f.stat().st_mode | stat.S_IXUSR)


def run_setup(tmp_path: Path, uid: int) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "apt.log"
    _stub(bin_, "id", f'echo {uid}')
    _stub(bin_, "dpkg-query", "exit 1")                       # nothing is installed
    _stub(bin_, "apt-get", f'echo "$@" >> "{log}"')
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _stub(venv / "bin", "python", "exit 0")                   # pip installs nothing
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}", "PYTHON": sys.executable, "VENV": str(venv)}
    proc = subprocess.run(["sh", str(REPO / "tools" / "setup.sh")], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)
    return proc, log.read_text().splitlines() if log.exists() else []


def test_as_root_it_installs_every_package_of_qts_xcb_platform(tmp_path):
    proc, apt = run_setup(tmp_path, 0)
    assert proc.returncode == 0, proc.stderr
    installs = [line.split() for line in apt if line.split()[:1] == ["install"]]
    assert len(installs) == 1, apt
    wanted = set(XCB_LIBRARIES.values()) | {"fonts-wqy-microhei"}
    assert wanted <= set(installs[0]), sorted(wanted - set(installs[0]))


def test_otherwise_it_prints_the_one_apt_get_line(tmp_path):
    proc, apt = run_setup(tmp_path, 1000)
    assert apt == []                                          # nothing run as a normal user
    lines = [line.strip() for line in proc.stderr.splitlines() if "apt-get install" in line]
    assert len(lines) == 1, proc.stderr
    packages = set(lines[0].split()[2:])
    assert set(XCB_LIBRARIES.values()) <= packages, sorted(set(XCB_LIBRARIES.values()) - packages)
