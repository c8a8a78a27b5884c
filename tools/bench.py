"""`make bench`: speed figures written to JSON (not timed tests).

Inputs are made in code (12 MP phone-like portraits built from the public-domain
sample faces that ship in scikit-image and matplotlib), plus ../shared/corpus when
it is present. Figures are medians over warm runs in one process unless stated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tests"))  # the sample documents and faces the tests draw

from photocheck import batch, core  # noqa: E402


def sample_faces() -> list[np.ndarray]:
    import matplotlib.cbook as cbook
    import skimage.data

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        gh = cv2.imdecode(np.frombuffer(fh.read(), np.uint8), cv2.IMREAD_COLOR)
    astro = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
    return [gh, astro]


def phone_portrait(face: np.ndarray, seed: int) -> bytes:
    """A 3000 x 4000 (12 MP) portrait: the sample photo scaled up onto a textured wall."""
    rng = np.random.default_rng(seed)
    H, W = 4000, 3000
    wall = np.zeros((H, W, 3), np.float32)
    wall[:] = rng.uniform(150, 230, 3)
    grad = np.linspace(0.85, 1.1, H, dtype=np.float32)[:, None, None]
    wall = np.clip(wall * grad + rng.normal(0, 4, (H, W, 1)), 0, 255).astype(np.uint8)
    s = 2600 / max(face.shape[:2])
    f = cv2.resize(face, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC)
    y0, x0 = 700, (W - f.shape[1]) // 2
    wall[y0:y0 + f.shape[0], x0:x0 + f.shape[1]] = f
    ok, enc = cv2.imencode(".jpg", wall, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return enc.tobytes()


def speed_probe_ms() -> float:
    """A fixed workload (20 Gaussian blurs of a 1000 x 1000 float image), median of 7.
    This machine's speed drifts by a fifth or more over minutes; the probe, taken
    before and after the figures, says how fast the machine was while they were taken."""
    img = np.random.default_rng(0).random((1000, 1000), dtype=np.float32)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(20):
            cv2.GaussianBlur(img, (15, 15), 3)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def median_ms(fn, items, repeat=1) -> float:
    times = []
    for _ in range(repeat):
        for it in items:
            t = time.perf_counter()
            fn(it)
            times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def _check(path: str):
    return core.check_file(path).passed


def _check_cpu(path: str) -> tuple[bool, float, str]:
    """Check one file in a worker; also report the worker's CPU seconds and its name
    (process id and thread)."""
    import threading

    t = time.process_time()
    ok = core.check_file(path).passed
    return ok, time.process_time() - t, f"{os.getpid()}/{threading.current_thread().name}"


def _cpu_self() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _decode_full(path: str):
    return cv2.imread(path, cv2.IMREAD_COLOR).shape


def bench_photos(out: dict, tmp: Path) -> None:
    faces = sample_faces()
    files = []
    for i in range(20):
        p = tmp / f"phone_{i:02d}.jpg"
        p.write_bytes(phone_portrait(faces[i % len(faces)], i))
        files.append(str(p))
    core.check_file(files[0])  # warm: models loaded once
    fig: dict = {"inputs": "20 synthetic 12 MP phone portraits (grace_hopper, astronaut on a textured wall)"}
    fig["check_median_ms"] = median_ms(lambda p: core.check_file(p), files)
    fig["decode_full_median_ms"] = median_ms(_decode_full, files)
    fig["fix_median_ms"] = median_ms(lambda p: core.fix_file(p, tmp / "fixed.jpg"), files[:10])
    fixed = [r for r in (core.fix_file(p, tmp / f"ok_{i}.jpg") for i, p in enumerate(files[:6]))]
    fig["fix_ok"] = sum(r.ok for r in fixed)
    # batch of 20 on all cores: wall time (pool start-up included) and the CPU the
    # workers spent checking, measured inside each worker (forkserver workers are
    # not children of this process, so RUSAGE_CHILDREN cannot see them)
    cpu0, t = _cpu_self(), time.perf_counter()
    results = list(batch.run(_check_cpu, files, jobs=batch.default_jobs()))
    wall = time.perf_counter() - t
    in_process = all(r[2].startswith(f"{os.getpid()}/") for r in results)
    # threads: this process's CPU over the batch; processes: what the workers report
    cpu = _cpu_self() - cpu0 if in_process else sum(r[1] for r in results)
    fig["batch20_check_wall_s"] = round(wall, 2)
    fig["batch20_workers"] = f"{len({r[2] for r in results})} {'threads' if in_process else 'processes'}"
    fig["batch20_cores_busy"] = round(cpu / wall, 2)
    fig["batch20_check_serial_s"] = round(sum(median_ms(lambda p: core.check_file(p), [f]) for f in files) / 1000, 2)
    t = time.perf_counter()
    for p in files:
        _decode_full(p)
    fig["batch20_decode_full_serial_s"] = round(time.perf_counter() - t, 2)
    out["photo"] = fig


def bench_corpus(out: dict) -> None:
    corpus = REPO / ".." / "shared" / "corpus"
    if not corpus.exists():
        out["corpus"] = None
        return
    cases = sorted((corpus / "cases" / "photos").glob("*.jpg"))
    portraits = sorted((corpus / "portraits").glob("*.*"))
    fig = {"cases_check_median_ms": median_ms(lambda p: core.check_file(p), cases)}
    with tempfile.TemporaryDirectory() as d:
        fig["portraits_fix_median_ms"] = median_ms(lambda p: core.fix_file(p, Path(d) / "o.jpg"), portraits)
    out["corpus"] = fig


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/results.json")
    ap.add_argument("--only", nargs="*", default=None, help="photo corpus material audit review")
    args = ap.parse_args()
    want = set(args.only or ["photo", "corpus", "material", "audit", "review"])
    out: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "opencv": cv2.__version__, "when": time.strftime("%Y-%m-%d %H:%M")}}
    out["machine"]["speed_probe_ms_before"] = speed_probe_ms()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "photo" in want:
            bench_photos(out, tmp)
        if "corpus" in want:
            bench_corpus(out)
        corpus = REPO / ".." / "shared" / "corpus"
        for name, mod in (("material", "bench_material"), ("audit", "bench_audit"), ("review", "bench_review")):
            if name not in want:
                continue
            try:
                m = __import__(mod)
            except ModuleNotFoundError:
                out[name] = None
                continue
            m.run(out, corpus if corpus.exists() else None)
    out["machine"]["speed_probe_ms_after"] = speed_probe_ms()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
