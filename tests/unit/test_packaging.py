"""Fast, always-on checks of the packaging files (no PyInstaller run, no NSIS, no wine).

What they guard: the spec still compiles and names files that exist; the bundle rules
keep what the app needs and drop what it must not carry; the NSIS script keeps its
required pieces; the CI workflow runs the same commands as the Makefile; the icon
files are there in the sizes Windows asks for; the self-test's drawn inputs are what
its steps rely on.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "photocheck.spec"
NSI = PACKAGING / "windows" / "installer.nsi"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
MAKEFILE = ROOT / "Makefile"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def rules():
    return _load("bundle_rules", PACKAGING / "bundle_rules.py")


@pytest.fixture(scope="module")
def dist():
    sys.path.insert(0, str(PACKAGING))
    return _load("photocheck_dist_tool", ROOT / "tools" / "dist.py")


# --------------------------------------------------------------------------- spec


def test_spec_compiles_and_builds_two_executables_in_one_collect():
    source = SPEC.read_text(encoding="utf-8")
    tree = ast.parse(source, str(SPEC))
    compile(tree, str(SPEC), "exec")
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert calls.count("Analysis") == 1
    assert calls.count("COLLECT") == 1
    assert calls.count("EXE") == 1  # one helper builds both executables
    assert 'executable("entry_gui", rules.GUI_NAME, console=False)' in source
    assert 'executable("entry_cli", rules.CLI_NAME, console=True)' in source
    assert "icon=ICON" in source and "version=version_info(name)" in source


def test_files_the_spec_names_exist():
    source = SPEC.read_text(encoding="utf-8")
    named = re.findall(r'SPEC_DIR / ((?:"[^"]+" / )*"[^"]+")', source)
    assert len(named) >= 4  # two entry scripts, the runtime hook, fonts.conf
    for parts in named:
        rel = Path(*re.findall(r'"([^"]+)"', parts))
        assert (PACKAGING / rel).is_file(), rel
    assert (ROOT / "resources" / "icons" / "photocheck.ico").is_file()


def test_entry_points_match_the_console_scripts():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'photocheck = "photocheck.cli:main"' in pyproject
    assert 'photocheck-gui = "photocheck.gui.app:main"' in pyproject
    cli = (PACKAGING / "entry_cli.py").read_text(encoding="utf-8")
    gui = (PACKAGING / "entry_gui.py").read_text(encoding="utf-8")
    assert "from photocheck.cli import main" in cli and "freeze_support()" in cli
    assert "from photocheck.gui.app import main" in gui and "freeze_support()" in gui


def test_frozen_path_logic_stays_in_resources_and_hooks():
    """No module but resources.py reads sys._MEIPASS (the runtime hook may, it runs first)."""
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "src" / "photocheck").rglob("*.py")
                 if "_MEIPASS" in p.read_text(encoding="utf-8") and p.name != "resources.py"]
    assert offenders == []


def test_resource_files_are_collected(rules):
    files = rules.resource_files(ROOT)
    dests = {(src.relative_to(ROOT / "resources").as_posix(), dest) for src, dest in files}
    assert ("models.json", "resources") in dests
    assert ("icons/photocheck.png", "resources/icons") in dests
    assert any(d == "resources/rules" for _, d in dests)
    assert not any(src.suffix == ".ts" for src, _ in files)


def test_version_tuple(rules):
    assert rules.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert rules.version_tuple("1.2.3rc1") == (1, 2, 3, 0)
    assert rules.version_tuple("2.10") == (2, 10, 0, 0)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", rules.version_string(ROOT))


# --------------------------------------------------------------------------- bundle rules


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/plugins/platforms/qoffscreen.dll",
    "PySide6/plugins/imageformats/qjpeg.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/translations/qtbase_en.qm",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "cv2/cv2.abi3.so",
    "numpy.libs/libscipy_openblas64_-x.so",
    "models/face_detection_short_range.tflite",
    "resources/rules/nmec-2024-hubei.toml",
])
def test_bundle_keeps(rules, dest):
    assert rules.keep(dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/plugins/platforms/qdirect2d.dll",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/translations/qtdeclarative_zh_CN.qm",
    "PySide6/opengl32sw.dll",
    "cv2/opencv_videoio_ffmpeg4140_64.dll",
    "PySide6/include/QtCore/qglobal.h",
    "scipy/linalg/_flapack.so",
    "matplotlib/ft2font.so",
])
def test_bundle_drops(rules, dest):
    assert not rules.keep(dest)


def test_test_only_packages_are_excluded(rules):
    for name in ("scipy", "matplotlib", "skimage", "pytest", "tkinter"):
        assert name in rules.EXCLUDES
    assert rules.forbidden(["cv2", "scipy", "numpy", "pytest"]) == ["pytest", "scipy"]
    # and nothing the app imports is excluded
    for name in ("cv2", "numpy", "PIL", "PySide6", "PySide6.QtWidgets", "PySide6.QtGui", "onnxruntime"):
        assert name not in rules.EXCLUDES


def test_plugin_name(rules):
    assert rules.plugin_name("libqxcb.so") == "qxcb"
    assert rules.plugin_name("qwindows.dll") == "qwindows"


# --------------------------------------------------------------------------- NSIS


@pytest.fixture(scope="module")
def nsi() -> str:
    data = NSI.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "installer.nsi must be UTF-8 with a BOM (Chinese strings)"
    return data[3:].decode("utf-8")


@pytest.mark.parametrize("needle", [
    "Unicode true",
    "Target amd64-unicode",
    "RequestExecutionLevel user",
    'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"',
    'InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"',
    '!insertmacro MUI_LANGUAGE "SimpChinese"',
    '!insertmacro MUI_LANGUAGE "English"',
    "!insertmacro MUI_LANGDLL_DISPLAY",
    "SetShellVarContext current",
    'CreateShortCut "$SMPROGRAMS\\${SHORTCUT}"',
    'CreateShortCut "$DESKTOP\\${SHORTCUT}"',
    'WriteUninstaller "$INSTDIR\\uninstall.exe"',
    '!define UNINST_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${APP}"',
    'DeleteRegKey HKCU "${UNINST_KEY}"',
    "SetCompressor /SOLID /FINAL ${COMPRESSION}",
    'VIProductVersion "${VERSION4}"',
    "${AtLeastWin10}",
    "${RunningX64}",
])
def test_nsis_has(nsi, needle):
    assert needle in nsi


def test_nsis_sections(nsi):
    sections = re.findall(r'^Section\s+(/o\s+)?"([^"]+)"', nsi, re.M)
    names = [name for _, name in sections]
    assert names == ["$(SEC_APP)", "$(SEC_DESKTOP)", "un.$(SEC_APP)", "un.$(SEC_SETTINGS)"]
    optional = {name for o, name in sections if o}
    assert optional == {"un.$(SEC_SETTINGS)"}, "desktop shortcut on by default; settings kept by default"
    for key in ("DisplayName", "DisplayVersion", "Publisher", "DisplayIcon", "InstallLocation",
                "UninstallString", "QuietUninstallString", "EstimatedSize", "NoModify", "NoRepair"):
        assert f'"${{UNINST_KEY}}" "{key}"' in nsi, key
    for lang in ("LANG_SIMPCHINESE", "LANG_ENGLISH"):
        for string in ("SEC_APP", "SEC_DESKTOP", "SEC_SETTINGS", "MSG_PLATFORM"):
            assert f"LangString {string} ${{{lang}}}" in nsi


def test_nsis_removes_only_its_own_files(nsi):
    """No recursive delete of the install folder itself: the user may have chosen one
    that holds other files."""
    assert not re.search(r'RMDir\s+/r\s+"\$INSTDIR"\s*$', nsi, re.M)
    assert 'RMDir /r "$INSTDIR\\_internal"' in nsi


def test_nsis_refuses_to_touch_a_running_app(nsi):
    for section in ('Section "$(SEC_APP)"', 'Section "un.$(SEC_APP)"'):
        body = nsi.split(section)[1].split("SectionEnd")[0]
        ops = [ln.split()[0] for ln in body.splitlines()[1:] if ln.strip() and not ln.strip().startswith(";")]
        # the check comes before anything is deleted or written
        assert ops[:2] == ["SectionIn", "Call"] and "CheckNotRunning" in body.split("\n")[2], ops[:3]
    assert "LangString MSG_RUNNING ${LANG_SIMPCHINESE}" in nsi


def test_nsis_upgrade_keeps_settings(nsi):
    install = nsi.split('Section "$(SEC_APP)"')[1].split("SectionEnd")[0]
    assert "SETTINGS_KEY" not in install and "$LOCALAPPDATA\\${APP}" not in install


# --------------------------------------------------------------------------- workflow and Makefile


def test_makefile_targets_call_dist_tool():
    make = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^dist:.*\n\t\$\(PY\) tools/dist\.py build$", make, re.M)
    assert re.search(r"^installer-check:.*\n\t\$\(PY\) tools/dist\.py installer-check$", make, re.M)
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", make, re.M).group(1)
    assert "dist.py" not in test_recipe and "installer" not in test_recipe


def test_workflow_runs_the_makefile_commands():
    wf = WORKFLOW.read_text(encoding="utf-8")
    make = MAKEFILE.read_text(encoding="utf-8")
    pytest_cmd = re.search(r"^test:.*\n\t\$\(PY\) (-m pytest [^$\n]*)", make, re.M).group(1).strip()
    assert f"python {pytest_cmd}" in wf
    # pytest creates --basetemp but not its parents; a fresh clone has no build/ yet
    basetemp = re.search(r"--basetemp=(\S+)", pytest_cmd)
    if basetemp:
        assert Path(basetemp.group(1)).parent == Path("."), basetemp.group(1)
    assert "pip install --require-hashes -r requirements.lock -r requirements-dev.lock" in wf
    assert "pip install --no-deps --no-build-isolation -e ." in wf
    assert "python -m photocheck.models fetch" in wf
    assert "python tools/dist.py build" in wf
    assert "python tools/dist.py installer --compression lzma" in wf
    assert 'python-version: "3.11"' in wf
    assert "runs-on: windows-" in wf
    assert "actions/upload-artifact" in wf
    assert '"$dir\\photocheck.exe" --self-test' in wf
    # signing only with a certificate, never a hard failure without one
    assert wf.count("if: env.CAN_SIGN == 'true'") == 2
    assert (PACKAGING / "windows" / "sign.ps1").is_file()


def test_workflow_is_valid_yaml():
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = data["jobs"]["installer"]["steps"]
    assert all("run" in s or "uses" in s for s in steps)
    # pwsh checks only a step's last exit code unless this is set
    multi = [s["name"] for s in steps if len(s.get("run", "").strip().splitlines()) > 1]
    assert multi and all(
        "$PSNativeCommandUseErrorActionPreference = $true" in s["run"].splitlines()[0]
        for s in steps if s.get("name") in multi)


# --------------------------------------------------------------------------- icons and tool


def test_icon_files():
    ico = (ROOT / "resources" / "icons" / "photocheck.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = sorted((ico[6 + 16 * i] or 256) for i in range(count))
    assert {16, 32, 48, 256} <= set(sizes)
    png = (ROOT / "resources" / "icons" / "photocheck.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    svg = (ROOT / "resources" / "icons" / "photocheck.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and 'viewBox="0 0 256 256"' in svg


def test_reg_unescape_reads_wine_registry_strings(dist):
    assert dist._reg_unescape(r"\x533b\x8003\x7167\x7247\x68c0\x6d4b photocheck") == "医考照片检测 photocheck"
    assert dist._reg_unescape(r'\"C:\\users\\a\\uninstall.exe\" /S') == '"C:\\users\\a\\uninstall.exe" /S'


def test_compare_ignores_only_timing(dist):
    a = [{"path": "a.jpg", "elapsed_ms": 3.0, "checks": [{"id": "face", "measured": 1}]}]
    b = [{"path": "a.jpg", "elapsed_ms": 9.0, "checks": [{"id": "face", "measured": 1}]}]
    assert list(dist._diff(dist._strip_timing(a), dist._strip_timing(b))) == []
    b[0]["checks"][0]["measured"] = 2
    assert list(dist._diff(dist._strip_timing(a), dist._strip_timing(b))) == ["[0].checks[0].measured: 1 != 2"]


def test_compare_fails_when_there_are_no_cases(dist, tmp_path, monkeypatch, capsys):
    # A clone away from shared/ must not report a comparison of nothing as a pass.
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / (dist.rules.CLI_NAME + dist.EXE)).write_text("")
    monkeypatch.setattr(dist, "BUNDLE", bundle)
    (tmp_path / "cases" / "photos").mkdir(parents=True)
    assert dist.main(["compare", "--cases", str(tmp_path / "nowhere")]) == 1
    assert "--cases" in capsys.readouterr().err
    assert dist.main(["compare", "--docs", "--cases", str(tmp_path / "cases")]) == 1
    assert "docs" in capsys.readouterr().err


def test_size_groups(dist):
    assert dist.group_of("_internal/cv2/cv2.abi3.so").startswith("OpenCV")
    assert dist.group_of("_internal/PySide6/Qt/lib/libQt6Gui.so.6").startswith("Qt")
    assert dist.group_of("_internal/libglib-2.0.so.0").startswith("system libraries")
    assert dist.group_of("photocheck").startswith("executables")


def test_module_key_matches_across_platforms(dist):
    key = dist._module_key
    assert key("PySide6/QtCore.abi3.so") == key("PySide6/QtCore.pyd") == "PySide6/QtCore"
    assert (key("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so")
            == key("numpy/_core/_multiarray_umath.cp311-win_amd64.pyd"))
    assert key("PySide6/Qt6Core.dll") is None


# --------------------------------------------------------------------------- self-test inputs


def test_selftest_drawings_are_sane():
    from photocheck import selftest

    img = selftest.draw_portrait()
    assert img.shape == (567, 390, 3)
    assert (img[:20] == 255).all(), "white above the head"
    tilted = selftest.draw_portrait(roll_deg=10.0)
    assert tilted.shape == img.shape and not (tilted == img).all()
    card = selftest.draw_text_card()
    assert card.mean() > 200 and card.min() < 60


def test_selftest_reports_a_broken_piece(monkeypatch, capsys):
    """A missing model dir makes the models step fail, by name, with exit code 3."""
    from photocheck import models, selftest
    from photocheck.cli import Out

    monkeypatch.setenv("PHOTOCHECK_MODEL_DIR", "/nonexistent/photocheck-models")
    monkeypatch.setattr("photocheck.logsetup.setup_logging", lambda: None)
    monkeypatch.setattr(models, "models_dir", lambda: Path("/nonexistent/photocheck-models"))
    code = selftest.run_self_test(Out("en", False), only=["rules", "models"])
    captured = capsys.readouterr()
    assert code == selftest.EXIT_BROKEN
    assert "✓ rule packs" in captured.out
    assert "✗ model files" in captured.out
    assert "self-test failed: model files" in captured.err
    assert "face_detection_short_range.tflite" in captured.err


@pytest.mark.slow
@pytest.mark.models
def test_selftest_passes_in_the_source_tree():
    """The whole self-test, as `photocheck --self-test` runs it (the GUI in its own process)."""
    import subprocess

    from photocheck import models

    if models.verify_all():
        pytest.skip("models not fetched (python -m photocheck.models fetch)")
    pytest.importorskip("onnxruntime")   # the OCR step
    pytest.importorskip("PySide6")       # the Qt and GUI steps
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PHOTOCHECK_LANG": "en"}
    proc = subprocess.run([sys.executable, "-m", "photocheck.cli", "--self-test"], capture_output=True,
                          text=True, encoding="utf-8", timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    passed = [ln[2:].split(":")[0] for ln in proc.stdout.splitlines() if ln.startswith("✓ ")]
    assert passed == ["rule packs", "model files", "face detector", "segmenter", "text recognition",
                      "photo check and fix", "other image formats", "review signatures", "worker processes",
                      "Qt runtime", "GUI window"]


def test_selftest_signing_step_fails_when_any_signature_would_verify(monkeypatch):
    from photocheck import selftest
    from photocheck.submission import signing

    assert "Ed25519" in selftest.step_signing().en
    monkeypatch.setattr(signing, "verify_signature", lambda *_a: True)
    with pytest.raises(selftest.StepFailed):
        selftest.step_signing()


def test_selftest_formats_step_names_a_missing_heic_reader(monkeypatch):
    from photocheck import io as pio
    from photocheck import selftest

    assert "HEIC" in selftest.step_formats().en
    monkeypatch.setattr(pio, "register_heif", lambda: False)
    with pytest.raises(selftest.StepFailed) as e:
        selftest.step_formats()
    assert "pi-heif" in e.value.text.en and "HEIC" in e.value.text.zh


def test_selftest_photo_step_fails_when_the_fixed_photo_does_not_pass(monkeypatch):
    from photocheck import core, selftest

    assert "seal verifies" in selftest.step_photo_checks().en
    real = core._run_fixer

    def spoiled(info, kind, pack, **kw):
        outputs, steps = real(info, kind, pack, **kw)
        outputs[0].data = outputs[0].data[:-2000]     # a cut-off JPEG: no longer passes
        return outputs, steps

    monkeypatch.setattr(core, "_run_fixer", spoiled)
    with pytest.raises(selftest.StepFailed):
        selftest.step_photo_checks()
