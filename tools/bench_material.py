"""Material (document image) figures for `make bench` (called from tools/bench.py).

``run(out, corpus)`` adds ``out["material"]``:

- 12 MP phone-like photos of documents drawn in code (ID card front and back, diploma,
  degree, report; some turned or mirrored, so orientation work is included): check and
  fix medians in one warm process, the split of a check into its stages, and a batch
  on all cores (wall time, files per second, cores kept busy);
- with the corpus: the same medians over its large "camera" variants.

Run alone: ``python tools/bench_material.py [--n 10]``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "unit"))  # the document drawings live with the tests

from photocheck import batch, core  # noqa: E402
from photocheck import io as pio  # noqa: E402
from photocheck.vision import text as vt  # noqa: E402


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def make_photos(folder: Path, n: int) -> list[Path]:
    """``n`` 4000x3000 JPEGs of documents on a desk; every third one stored turned or mirrored."""
    import test_material_samples as S
    from photocheck.vision.text import orient

    makers = [S.id_front, S.id_back, S.diploma, S.degree, S.report]
    turns = [1, 1, 8, 1, 3, 1, 2, 1, 6, 1]
    paths = []
    for i in range(n):
        mk = makers[i % len(makers)]
        portrait = mk is S.report
        size = (3000, 4000) if portrait else (4000, 3000)
        doc = mk(scale=2.2)
        frame = S.on_desk(doc, size=size, seed=i, noise=3.0, fill=0.75)
        frame = orient(frame, turns[i % len(turns)])
        p = folder / f"doc12mp_{i:02d}.jpg"
        p.write_bytes(S.jpeg(frame, 92))
        paths.append(p)
    return paths


def _check(path: str) -> bool:
    """Check in a batch worker; returns the verdict."""
    return core.check_file(path, kind="material").passed


def _cpu_s() -> float:
    """CPU seconds of this process (all its threads) and of its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stages(path: Path) -> dict[str, float]:
    from photocheck.checks import material as M

    info = pio.probe(path)
    ctx = M.Context(info, core._pack(None))
    t = [time.perf_counter()]
    for step in (lambda: ctx.stored, lambda: ctx.boxes, lambda: ctx.content_code, lambda: ctx.lines,
                 lambda: (ctx.edge_widths, ctx.text_levels, ctx.glare)):
        step()
        t.append(time.perf_counter())
    names = ("decode", "detect", "orientation", "read", "measure")
    return {k: (b - a) * 1000 for k, a, b in zip(names, t, t[1:])}


def _timed(fn, items, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock ms per item; with ``cpu``, also this process's CPU ms (all threads).
    On a shared machine the CPU figure is the steadier one: other people's load stretches
    the wall clock but not the work done."""
    times = []
    for it in items:
        c = time.process_time()
        t = time.perf_counter()
        fn(it)
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return times


def run(out: dict, corpus: Path | None, n: int = 10) -> None:
    try:
        import test_material_samples as S

        if S.font_path() is None:
            out["material"] = {"skipped": "fonts-wqy-microhei not installed"}
            return
    except ImportError:
        out["material"] = {"skipped": "tests/unit/test_material_samples.py not found"}
        return
    fig: dict = {"inputs": f"{n} synthetic 12 MP (4000x3000) phone photos of documents drawn in code, "
                           "3 of every 10 stored turned or mirrored"}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        files = make_photos(tmp, n)
        fig["input_mb_median"] = round(statistics.median(p.stat().st_size for p in files) / 1e6, 2)
        core.check_file(files[0], kind="material")  # warm: models loaded once
        cpu: list[float] = []
        cols0 = vt.stats["rec_columns"]
        checks = _timed(lambda p: core.check_file(p, kind="material"), files, cpu)
        fig["check_median_ms"] = _median(checks)
        fig["check_max_ms"] = round(max(checks), 1)
        fig["check_cpu_median_ms"] = _median(cpu)
        fig["check_rec_columns_mean"] = round((vt.stats["rec_columns"] - cols0) / len(files))
        fig["ort_threads"] = vt._threads()
        fig["load_average_1min"] = round(os.getloadavg()[0], 2)
        st = [_stages(p) for p in files]
        fig["check_stages_median_ms"] = {k: _median([s[k] for s in st]) for k in st[0]}
        cpu = []
        fixes = _timed(lambda p: core.fix_file(p, tmp / "fixed.jpg", kind="material"), files, cpu)
        fig["fix_median_ms"] = _median(fixes)
        fig["fix_cpu_median_ms"] = _median(cpu)
        res = [core.fix_file(p, tmp / f"ok_{i}.jpg", kind="material") for i, p in enumerate(files)]
        fig["fix_ok"] = f"{sum(r.ok for r in res)}/{len(res)}"
        sizes = [pio.probe(r.outputs[0]).size_bytes for r in res if r.ok]
        fig["fix_output_bytes_max"] = max(sizes) if sizes else None
        # a batch on all cores: the pool's start-up (imports, model loads) is included
        batch_files = [str(p) for p in files] * 2
        # up to 48 files run on threads of this process, so its own CPU time counts them
        # all (a per-file process_time summed over threads counted each thread's span many
        # times over)
        t, c = time.perf_counter(), _cpu_s()
        list(batch.run(_check, batch_files, jobs=batch.default_jobs()))
        wall, cpu_s = time.perf_counter() - t, _cpu_s() - c
        fig["batch_files"] = len(batch_files)
        fig["batch_jobs"] = batch.default_jobs()
        fig["batch_wall_s"] = round(wall, 2)
        fig["batch_files_per_s"] = round(len(batch_files) / wall, 2)
        fig["batch_cores_busy"] = round(cpu_s / wall, 2)
    if corpus is not None and (corpus / "cases" / "docs").exists():
        cams = sorted((corpus / "cases" / "docs").glob("*_camera.jpg"))
        if cams:
            with tempfile.TemporaryDirectory() as d:
                fig["corpus_camera_files"] = len(cams)
                fig["corpus_camera_check_median_ms"] = _median(
                    _timed(lambda p: core.check_file(p, kind="material"), cams))
                fig["corpus_camera_fix_median_ms"] = _median(
                    _timed(lambda p: core.fix_file(p, Path(d) / "o.jpg", kind="material"), cams))
    fig["budget_ms"] = {"check": 400, "fix": 700}
    out["material"] = fig


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10)
    args = ap.parse_args()
    corpus = REPO / ".." / "shared" / "corpus"
    out: dict = {}
    run(out, corpus if corpus.exists() else None, n=args.n)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
