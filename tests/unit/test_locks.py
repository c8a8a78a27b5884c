"""The dependency locks: runtime and development apart, every pin exact and hashed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)}


def test_locks_cover_pyproject_with_hashes():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "lock.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_runtime_lock_holds_only_what_the_app_runs_on():
    runtime = pins("requirements.lock")
    assert {"numpy", "pillow", "opencv-python-headless", "pyside6-essentials", "onnxruntime"} <= set(runtime)
    for dev_only in ("matplotlib", "pytest", "pytest-qt", "scikit-image", "pyinstaller", "dask", "pillow-heif"):
        assert dev_only not in runtime
    dev = pins("requirements-dev.lock")
    assert "matplotlib" in dev  # grace_hopper.jpg, an always-on sample face
    assert not set(runtime) & set(dev)


def test_every_pin_has_a_hash(tmp_path):
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text(encoding="utf-8")
        entries = [e for e in re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in e.splitlines()[0]]
        assert entries
        for e in entries:
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", e), e.splitlines()[0]
    # the check notices a pin without its hash
    bad = tmp_path / "requirements.lock"
    bad.write_text("# x\n\nnumpy==2.4.6\n", encoding="utf-8")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import lock
        old = lock.RUNTIME
        lock.RUNTIME = bad
        try:
            assert lock.check() == 1
        finally:
            lock.RUNTIME = old
    finally:
        sys.path.remove(str(ROOT / "tools"))
