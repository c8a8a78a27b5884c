"""Audit throughput for `make bench`: portrait photos and 12-megapixel document photos.

    python tools/bench_audit.py [--photos N] [--docs N] [--jobs N]
    # or from tools/bench.py:  bench_audit.run(out, corpus)

Inputs are made in code in a temp folder and deleted afterwards:

- portraits: the real photo fix applied to matplotlib's grace_hopper.jpg (sealed,
  390 x 567), scikit-image's astronaut cropped to the 33 x 48 proportions, plus the
  labelled 390 x 567 cases of ../shared/corpus when present; each base is varied
  (brightness, mirror, JPEG quality) and then copied with a unique JPEG comment, so
  every file has different bytes;
- documents: ID cards, diplomas and reports drawn with Chinese text on a desk at
  4000 x 3000 (12 MP) with mild sensor noise, varied and copied the same way.

The audit runs exactly as ``photocheck audit DIR --report out.csv`` does (auto
kind, all cores, CSV streamed to disk). Figures: files/s, wall time, peak RSS of
the largest worker and of the parent (to show memory stays flat with batch size).
Sizes: PHOTOCHECK_BENCH_AUDIT_PHOTOS / PHOTOCHECK_BENCH_AUDIT_DOCS (default 2000).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

TARGET_PHOTOS_PER_S = 20.0
TARGET_DOCS_PER_S = 4.0


def _with_comment(jpeg: bytes, text: str) -> bytes:
    """The same JPEG with a COM segment after SOI: different bytes, same pixels."""
    body = text.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def _encode(bgr: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def _portrait_bases(corpus: Path | None) -> list[np.ndarray]:
    import samples
    import skimage.data

    bases = [cv2.imdecode(np.frombuffer(samples._fixed_photo_bytes(), np.uint8), cv2.IMREAD_COLOR)]
    astro = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
    crop = astro[0:480, 95:95 + 330]  # face and shoulders at 33 x 48 proportions
    bases.append(cv2.resize(crop, (390, 567), interpolation=cv2.INTER_CUBIC))
    if corpus is not None:
        for p in sorted((corpus / "cases" / "photos").glob("*.jpg")):
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is not None and img.shape[:2] == (567, 390):
                bases.append(img)
    return bases


def _doc_bases(seed: int = 0) -> list[np.ndarray]:
    import samples

    rng = np.random.default_rng(seed)
    out = []
    for i, kind in enumerate(("id_front", "id_back", "diploma", "education_report", "degree", "degree_report")):
        size = (3000, 4000) if kind.endswith("report") else (4000, 3000)
        rgb = np.asarray(samples.draw_document(kind, size=size, seed=i), dtype=np.float32)
        rgb += rng.normal(0, 3.0, rgb.shape[:2] + (1,)).astype(np.float32)
        out.append(cv2.cvtColor(np.clip(rgb, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR))
    return out


def make_files(folder: Path, bases: list[np.ndarray], n: int, prefix: str, qualities: tuple[int, ...]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    variants: list[bytes] = []
    for b, img in enumerate(bases):
        for v, q in enumerate(qualities):
            var = cv2.convertScaleAbs(img, alpha=1.0, beta=(v % 3 - 1) * 4)
            if v % 2:
                var = var[:, ::-1]
            variants.append(_encode(np.ascontiguousarray(var), q))
    total = 0
    for i in range(n):
        data = _with_comment(variants[i % len(variants)], f"bench {prefix} {i}")
        (folder / f"{prefix}_{i:05d}.jpg").write_bytes(data)
        total += len(data)
    return total


def _proc_status_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS, VmHWM), in MB; 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _children_sample(cpu_s: dict[int, float]) -> float:
    """Largest resident set among this process's descendants right now, in MB; also
    records each one's CPU seconds so far in ``cpu_s`` (pid -> seconds). psutil, if
    installed: pool workers started by a forkserver are not this process's children
    for ``os.times``, so their CPU is read while they run."""
    try:
        import psutil
    except ImportError:
        return 0.0
    best = 0
    for c in psutil.Process().children(recursive=True):
        try:
            with c.oneshot():
                best = max(best, c.memory_info().rss)
                t = c.cpu_times()
            cpu_s[c.pid] = t.user + t.system
        except psutil.Error:
            continue
    return best / 1048576


def measure(folder: Path, jobs: int | None, engine: str = "local") -> dict:
    from photocheck.submission import audit

    jobs_list = audit.collect([folder], kind="auto")
    csv_path = folder.parent / f"{folder.name}.csv"
    rss_before = _proc_status_mb("VmRSS")
    cpu0 = os.times()
    t0 = time.perf_counter()
    kinds: dict[str, int] = {}
    child = [0.0]
    parent = [rss_before]
    cpu_before: dict[int, float] = {}
    _children_sample(cpu_before)  # a forkserver left by an earlier run already has CPU time
    worker_cpu: dict[int, float] = {}

    def tally(row: audit.AuditRow) -> None:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
        done = sum(kinds.values())
        if done % 25 == 1 or done == len(jobs_list):  # the last row: every worker's CPU is in
            child[0] = max(child[0], _children_sample(worker_cpu))
            parent[0] = max(parent[0], _proc_status_mb("VmRSS"))

    verdicts, _ = audit.feed(audit.run(jobs_list, engine=engine, workers=jobs), [audit.CsvReport(csv_path)], tally)
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    cpu = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
    cpu = max(cpu, sum(t - cpu_before.get(pid, 0.0) for pid, t in worker_cpu.items()))
    return {"files": len(jobs_list), "seconds": round(wall, 1), "files_per_s": round(len(jobs_list) / wall, 2),
            "verdicts": verdicts, "kinds": kinds, "parent_rss_growth_mb": round(max(parent[0], _proc_status_mb("VmRSS")) - rss_before, 1),
            "largest_worker_rss_mb": round(child[0], 1), "worker_cpu_ms_per_file": round(cpu * 1000 / max(1, len(jobs_list)), 1),
            "load_average_1m": round(os.getloadavg()[0], 2), "engine": engine, "jobs": jobs or os.cpu_count()}


def run(out: dict, corpus: Path | None = None, *, photos: int | None = None, docs: int | None = None,
        jobs: int | None = None) -> dict:
    """Generate the inputs, audit them, and store the figures in ``out["audit"]``."""
    n_photos = photos if photos is not None else int(os.environ.get("PHOTOCHECK_BENCH_AUDIT_PHOTOS", "2000"))
    n_docs = docs if docs is not None else int(os.environ.get("PHOTOCHECK_BENCH_AUDIT_DOCS", "2000"))
    fig: dict = {"cpu_count": os.cpu_count(), "targets": {"photos_per_s": TARGET_PHOTOS_PER_S,
                                                          "docs_12mp_per_s": TARGET_DOCS_PER_S}}
    tmp = Path(tempfile.mkdtemp(prefix="photocheck-bench-audit-"))
    try:
        if n_photos:
            t = time.perf_counter()
            size = make_files(tmp / "photos", _portrait_bases(corpus), n_photos, "photo", (82, 86, 90, 94))
            fig["photos"] = {"generated_s": round(time.perf_counter() - t, 1), "mean_bytes": size // n_photos,
                             **measure(tmp / "photos", jobs)}
            fig["photos"]["meets_target"] = fig["photos"]["files_per_s"] >= TARGET_PHOTOS_PER_S
            shutil.rmtree(tmp / "photos")
        if n_docs:
            t = time.perf_counter()
            size = make_files(tmp / "docs", _doc_bases(), n_docs, "doc", (84, 90))
            fig["documents_12mp"] = {"generated_s": round(time.perf_counter() - t, 1), "mean_bytes": size // n_docs,
                                     **measure(tmp / "docs", jobs)}
            fig["documents_12mp"]["meets_target"] = fig["documents_12mp"]["files_per_s"] >= TARGET_DOCS_PER_S
        # includes drawing the 12 MP inputs in this process, not only the audit
        fig["bench_process_peak_rss_mb"] = _proc_status_mb("VmHWM")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["audit"] = fig
    return fig


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=None)
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--no-corpus", action="store_true")
    args = ap.parse_args()
    corpus = (REPO / ".." / "shared" / "corpus").resolve()
    out: dict = {}
    run(out, None if args.no_corpus or not corpus.exists() else corpus, photos=args.photos, docs=args.docs,
        jobs=args.jobs)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
