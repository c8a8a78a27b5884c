"""The validation library stays pure: importing it never loads Qt.

Each module is imported in a fresh interpreter (the test process itself has Qt
loaded by the GUI tests), and the modules it pulled in are inspected.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

PURE = ["photocheck.core", "photocheck.checks.photo", "photocheck.checks.material", "photocheck.fix.photo",
        "photocheck.fix.material", "photocheck.submission.package", "photocheck.submission.review",
        "photocheck.submission.audit", "photocheck.catalogue", "photocheck.cli"]
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {qt})))
"""


@pytest.mark.parametrize("module", PURE)
def test_importing_the_library_loads_no_qt(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist (yet)")
    code = PROBE.replace("{qt}", repr(set(QT)))
    proc = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == [], f"importing {module} loads {loaded}"


def test_the_probe_would_notice_qt():
    """Guard against a probe that can never fail."""
    pytest.importorskip("PySide6")
    code = PROBE.replace("{qt}", repr(set(QT)))
    proc = subprocess.run([sys.executable, "-c", code, "photocheck.gui.settings"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "PySide6" in json.loads(proc.stdout.strip().splitlines()[-1])
