"""Any input, bounded (issue 13): decompression bombs just under the pixel limit, PDFs that
inflate to a gigabyte, files that are not what they claim. Each bomb runs as a real
``photocheck`` process under an address-space limit (so code that does not bound its
memory fails the test instead of swapping the machine), through a small runner process
whose only child it is, so that the runner's RUSAGE_CHILDREN is that command's peak
memory and CPU time alone. The bombs are made in code (tests/hostile.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import hostile
from photocheck import bands, cli
from photocheck import io as pio
from photocheck.errors import InputError

# The bounded runs need an address-space limit (setrlimit) and RUSAGE_CHILDREN: POSIX.
bounded_run = pytest.mark.skipif(sys.platform == "win32", reason="needs setrlimit and getrusage")

GIB = 1 << 30
# The contract's budget for one check or fix (docs/CONTRACT.md, Limits).
MAX_RSS = 1 * GIB
MAX_CPU_SECONDS = 15.0
# The address space the command may take: a little over what an ordinary check maps
# (models, thread stacks), far below what the old whole decodes needed (2-5 GB).
ADDRESS_SPACE = 3 * GIB

RUNNER = r"""
import json, resource, subprocess, sys, time
limit = int(sys.argv[1])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
t0 = time.monotonic()
p = subprocess.run(sys.argv[2:], preexec_fn=cap, capture_output=True, timeout=300)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": p.returncode, "out": p.stdout.decode("utf-8", "replace"),
                  "err": p.stderr.decode("utf-8", "replace"), "rss": ru.ru_maxrss * 1024,
                  "cpu": ru.ru_utime + ru.ru_stime, "wall": wall}))
"""


def photocheck(tmp_path: Path, *args: str) -> dict:
    """Run ``photocheck ARGS`` as its own process (argv as a user types it), bounded."""
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))  # the log folder
    cmd = [sys.executable, "-c", "import sys; from photocheck.cli import main; sys.exit(main())", *args]
    r = subprocess.run([sys.executable, "-c", RUNNER, str(ADDRESS_SPACE), *cmd], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=360)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def assert_bounded(res: dict) -> None:
    assert res["rss"] <= MAX_RSS, f"peak RSS {res['rss'] / 2**20:.0f} MiB"
    assert res["cpu"] <= MAX_CPU_SECONDS, f"CPU {res['cpu']:.1f} s"
    assert "Traceback" not in res["err"] and "内部错误" not in res["err"] + res["out"]


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bombs")
    for name, make in hostile.MAKERS.items():
        (d / name).write_bytes(make())
    return d


# --------------------------------------------------------------------------- the bombs

@bounded_run
@pytest.mark.slow
@pytest.mark.parametrize("name,kind", [("png_rgba_15800.png", "photo"), ("png_rgb_15800.png", "photo"),
                                       ("tiff_15000.tif", "material")])
def test_large_png_and_tiff_check_within_budget(bombs, tmp_path, name, kind):
    assert (bombs / name).stat().st_size < 2_000_000  # small on disk, ~1 GB decoded
    res = photocheck(tmp_path, "check", "--json", "--kind", kind, str(bombs / name))
    assert_bounded(res)
    assert res["code"] == 1, res["err"]  # read and judged: a blank page fails its rules
    report = json.loads(res["out"])[0]
    assert report["error"] is None and report["checks"]


@bounded_run
@pytest.mark.slow
@pytest.mark.usefixtures("need_pdfium")
def test_pdf_whose_content_inflates_to_a_gigabyte_is_refused_within_budget(bombs, tmp_path):
    res = photocheck(tmp_path, "fix", "--json", "--kind", "material", str(bombs / "pdf_bomb.pdf"),
                     "-o", str(tmp_path / "out.jpg"))
    assert_bounded(res)
    assert res["code"] == 3
    assert json.loads(res["out"])[0]["error"]["code"] == "too_large"
    assert "PDF" in res["err"] and not (tmp_path / "out.jpg").exists()


@bounded_run
def test_library_text_and_warnings_go_to_the_log_not_stderr(bombs, tmp_path):
    """libjpeg's "Corrupt JPEG data" on a JPEG cut short, and Pillow's UserWarning on a
    damaged EXIF block: the user sees only photocheck's own lines."""
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (100, 150, 200)).save(buf, "JPEG", quality=95)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(buf.getvalue()[:len(buf.getvalue()) * 2 // 3] + b"\xff\xd9")
    res = photocheck(tmp_path, "check", str(cut), str(bombs / "jpeg_bad_exif.jpg"))
    assert res["code"] == 1
    for raw in ("Corrupt JPEG", "Warning", "site-packages", ".py:"):
        assert raw not in res["err"], res["err"]
    logs = tmp_path / "state" / "photocheck" / "log"
    assert "Corrupt JPEG data" in (logs / "native-stderr.log").read_text()
    assert "UserWarning" in (logs / "photocheck.log").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- clean errors

def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "内部错误" not in out + err and "internal error" not in out + err
    return code, out, err


def test_pdf_given_as_photo_is_unsupported_and_points_to_materials(bombs, capsys, tmp_path):
    code, out, err = run_cli(capsys, "check", "--json", str(bombs / "pdf_plain.pdf"))
    assert code == 3
    assert json.loads(out)[0]["error"]["code"] == "unsupported"
    assert "PDF" in err
    code, out, err = run_cli(capsys, "check", str(bombs / "pdf_plain.pdf"))
    assert "--kind material" in out + err and "报名材料" in out + err
    code, out, err = run_cli(capsys, "fix", "--json", str(bombs / "pdf_plain.pdf"), "-o", str(tmp_path / "p.jpg"))
    assert code == 3 and json.loads(out)[0]["error"]["code"] == "unsupported"


@pytest.mark.usefixtures("need_pdfium")
def test_pdf_whose_page_tree_loops_is_unreadable(bombs, capsys, tmp_path):
    code, out, err = run_cli(capsys, "fix", "--json", "--kind", "material", str(bombs / "pdf_loop.pdf"),
                             "-o", str(tmp_path / "l.jpg"))
    assert code == 3 and json.loads(out)[0]["error"]["code"] == "unreadable"
    assert "PDF" in err and any("\u4e00" <= ch <= "\u9fff" for ch in err)


def test_jpeg_whose_header_lies_is_truncated(bombs, capsys):
    info_claim = pio._jpeg_sof(hostile.jpeg_liar(15000))
    assert info_claim is not None  # the file really is a JPEG with a frame header
    code, out, err = run_cli(capsys, "check", "--json", str(bombs / "jpeg_liar.jpg"))
    assert code == 3 and json.loads(out)[0]["error"]["code"] == "truncated"
    assert "15000" in err


def test_batch_reports_every_file_when_some_are_refused(bombs, capsys, tmp_path):
    good = tmp_path / "good.jpg"
    Image.new("RGB", (413, 579), (240, 240, 240)).save(good, "JPEG", quality=80)
    code, out, _ = run_cli(capsys, "check", "--json", str(good), str(bombs / "pdf_plain.pdf"),
                           str(bombs / "jpeg_liar.jpg"))
    reports = json.loads(out)
    assert code == 3 and len(reports) == 3
    assert reports[0]["error"] is None and reports[0]["checks"]
    assert [r["error"]["code"] for r in reports[1:]] == ["unsupported", "truncated"]


# --------------------------------------------------------------------------- the rules

def png_header(w: int, h: int, *, depth: int = 8, colour: int = 2, interlace: int = 0) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + hostile._chunk(b"IHDR", ihdr) + hostile._chunk(b"IDAT", zlib.compress(b"\x00"))
            + hostile._chunk(b"IEND", b""))


@pytest.mark.parametrize("data", [
    png_header(8000, 8000, interlace=1),       # interlaced: decoded whole
    png_header(8000, 8000, depth=16),          # 16 bits a sample: decoded whole
    b"GIF89a" + (8000).to_bytes(2, "little") * 2 + b"\x00\x00\x00" + b",\x00\x00\x00\x00" + b"\x00" * 10 + b";",
])
def test_images_decoded_whole_are_refused_above_the_whole_budget(data):
    with pytest.raises(InputError) as ei:
        pio.probe(data)
    assert ei.value.code == "too_large" and str(pio.WHOLE_MAX_PIXELS // 1_000_000) in ei.value.text.en


def test_jpeg_2000_has_a_lower_whole_budget():
    buf = io.BytesIO()
    Image.new("L", (64, 64), 200).save(buf, "JPEG2000")
    small = buf.getvalue()
    assert pio.probe(small).format == "jp2"
    # the same codestream's size fields claiming 5000 x 5000 (25 MP: under 50, over 20)
    at = small.index(b"\xff\x51")  # SIZ marker: Xsiz, Ysiz after Lsiz and Rsiz
    big = small[:at + 6] + (5000).to_bytes(4, "big") * 2 + small[at + 14:]
    at_ihdr = big.index(b"ihdr")  # the JP2 header box states the size too
    big = big[:at_ihdr + 4] + (5000).to_bytes(4, "big") * 2 + big[at_ihdr + 12:]
    with pytest.raises(InputError) as ei:
        pio.probe(big)
    assert ei.value.code == "too_large" and "limit 20 MP" in ei.value.text.en


def test_the_same_sizes_in_bands_are_accepted():
    info = pio.probe(hostile.png_bomb(8000, channels=3))
    assert info.pixels > pio.WHOLE_MAX_PIXELS
    dec = pio.decode(info, max_side=640)
    assert 640 <= max(dec.bgr.shape[:2]) <= 960 and dec.bgr.min() < 60 and dec.bgr.max() == 255


def _reference(data: bytes, f: int) -> np.ndarray:
    """The whole decode, box-averaged by f (edges replicated): what bands must give."""
    full = pio._pil_to_bgr(Image.open(io.BytesIO(data)))
    h, w = full.shape[:2]
    ph, pw = -(-h // f) * f, -(-w // f) * f
    pad = cv2.copyMakeBorder(full, 0, ph - h, 0, pw - w, cv2.BORDER_REPLICATE)
    return cv2.resize(pad, (pw // f, ph // f), interpolation=cv2.INTER_AREA)


def _texture(h=301, w=500) -> np.ndarray:
    rng = np.random.default_rng(7)
    return cv2.GaussianBlur((rng.random((h, w, 3)) * 255).astype(np.uint8), (7, 7), 0)


@pytest.mark.parametrize("mode,fmt,save", [
    ("RGB", "PNG", {}), ("RGBA", "PNG", {}), ("L", "PNG", {}), ("LA", "PNG", {}), ("P", "PNG", {}),
    ("P", "PNG", {"transparency": 3}),
    ("RGB", "TIFF", {"compression": "tiff_deflate"}), ("RGB", "TIFF", {"compression": "tiff_lzw"}),
    ("L", "TIFF", {}), ("RGBA", "TIFF", {"compression": "tiff_adobe_deflate"}),
])
@pytest.mark.parametrize("factor", [1, 3, 4])
def test_banded_decode_equals_the_whole_decode_reduced(monkeypatch, mode, fmt, save, factor):
    tex = _texture()
    im = Image.fromarray(np.dstack([tex, tex[..., :1]]), "RGBA") if mode == "RGBA" else Image.fromarray(tex).convert(mode)
    buf = io.BytesIO()
    im.save(buf, fmt, **save)
    data = buf.getvalue()
    lay = bands.layout(fmt.lower(), data)
    assert lay is not None
    monkeypatch.setattr(bands, "BAND_PIXELS", 500 * 37)  # many bands, none aligned to the factor
    got = bands.decode(data, lay, factor, pio._pil_to_bgr)
    want = _reference(data, factor)
    assert got.shape == want.shape and np.array_equal(got, want)


@pytest.mark.parametrize("save", [{"tile": (64, 64), "compression": "zlib"}, {"tile": (64, 128)},
                                  {"tile": (16, 16), "compression": "zlib"},  # two rows of tiles a band
                                  {"rowsperstrip": 7, "compression": "zlib", "predictor": 2}])
def test_banded_decode_of_tiled_and_predicted_tiff(monkeypatch, save):
    tifffile = pytest.importorskip("tifffile")
    buf = io.BytesIO()
    tifffile.imwrite(buf, _texture(), photometric="rgb", **save)
    data = buf.getvalue()
    lay = bands.layout("tiff", data)
    assert lay is not None
    monkeypatch.setattr(bands, "BAND_PIXELS", 500 * 37)
    assert np.array_equal(bands.decode(data, lay, 3, pio._pil_to_bgr), _reference(data, 3))


def test_banded_png_cut_short_is_truncated():
    data = hostile.png_bomb(8000, channels=3)
    info = pio.probe(data)
    # keep the header and half of the image data, then a proper end
    lay = bands.layout("png", data)
    start, length = lay.png_idat[0]
    cut = data[:start - 8] + hostile._chunk(b"IDAT", data[start:start + length // 2]) + hostile._chunk(b"IEND", b"")
    with pytest.raises(InputError) as ei:
        pio.decode(pio.probe(cut), max_side=640)
    assert ei.value.code == "truncated"
    assert info.width == 8000


def test_a_large_png_is_decoded_once_and_reduced_for_each_caller(monkeypatch):
    info = pio.probe(hostile.png_bomb(9000, channels=3))
    calls = []
    real = bands.decode
    monkeypatch.setattr(bands, "decode", lambda *a: calls.append(a[2]) or real(*a))
    full = pio.decode(info)  # "full size" asked for
    assert full.bgr.shape[0] * full.bgr.shape[1] <= pio.BANDED_MAX_PIXELS
    assert full.scale == pytest.approx(full.bgr.shape[1] / 9000)
    full.bgr[:] = 0  # the caller's copy: the kept decode is not touched
    small = pio.decode(info, max_side=900)
    assert len(calls) == 1 and max(small.bgr.shape[:2]) == 900 and small.bgr.max() == 255


@pytest.mark.usefixtures("need_pdfium")
def test_pdf_pages_render_in_a_child_within_a_time_cap():
    from photocheck import pdfrender

    pages, total = pdfrender.render(hostile.pdf_plain(), 600, 5)
    assert total == 1 and pages[0].shape == (600, 424, 3)
    assert pages[0][300, 212].max() < 100 and pages[0][5, 5].min() == 255  # the grey box on white
    with pytest.raises(InputError) as ei:
        pdfrender.render(hostile.pdf_plain(), 600, 5, seconds=0.01)
    assert ei.value.code == "too_large" and "0.01 s" in ei.value.text.en


def test_a_daemonic_process_renders_pdf_pages_itself(monkeypatch):
    import multiprocessing as mp

    from photocheck import pdfrender

    monkeypatch.setattr(mp.current_process(), "daemon", True)
    monkeypatch.setattr(mp, "get_context", lambda *a: pytest.fail("no child from a daemonic process"))
    pages, total = pdfrender.render(hostile.pdf_plain(), 300, 1)
    assert total == 1 and pages[0].shape[0] == 300
    with pytest.raises(InputError) as ei:
        pdfrender.render(hostile.pdf_loop(), 300, 1)
    assert ei.value.code == "unreadable"
