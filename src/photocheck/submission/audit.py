"""Batch audit: packages or loose images, one pure per-file function on all cores.

``audit_one(job) -> AuditRow`` is a module-level function of one picklable job with
no shared state, so it runs unchanged under ``batch.run`` (a local process pool) or
on a Dask cluster (``engine="dask"``). Rows come back in job order, and jobs are
sorted by path up front, so the CSV streams straight to disk in its final order.

- **kind:** inside a package the slot decides (``photo`` slot: photo checks; other
  slots: material checks). A loose file under ``auto`` is a photo when it shows one
  dominant face (face width >= 20% of the image width, in any quarter turn), or,
  with no face at all, when it has the pack's portrait proportions and a
  portrait-photo size; anything else is a material. A portrait-sized file whose photo
  check finds a face well above that width is a photo on the check's own faces, with
  no second detection (``CLEAR_FACE_MARGIN``).
- **package members** are also checked against the manifest: a changed file is an
  ``error`` row with code ``tampered``; a photo without an intact seal (when the
  pack requires one) fails with the extra id ``seal``.
- **memory:** rows are small; a thumbnail (a ~100 px JPEG data URI) is made in the
  worker only when an HTML report is asked for. Nothing holds decoded images
  beyond one file per worker.
"""

from __future__ import annotations

import base64
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, PhotocheckError, UsageError
from ..privacy import mask_ids
from ..text import Text

log = logging.getLogger("photocheck.audit")

KINDS = ("auto", "photo", "material")
ENGINES = ("local", "dask")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif", ".avif", ".bmp",
                            ".gif", ".tif", ".tiff", ".pdf", ".jp2"})

# Loose-file classification (see module docstring).
DOMINANT_FACE_WIDTH = 0.20      # largest face width / image width
FACE_SEARCH_MIN = 0.15          # smallest face looked for, fraction of the short side
SHAPE_TOLERANCE = 1.0           # x the pack's aspect tolerance, for faceless portraits (A4 pages stay out)
PHOTO_MAX_SIDE = 1600           # a faceless image longer than this is not a portrait photo
CLASSIFY_SIDE = 320             # pixels on the long side used to classify and for thumbnails
# A portrait-sized loose file is first decoded for the photo checks, and their face
# detection (CHECK_MAX_SIDE, all orientations) runs first. When it finds upright faces
# and the largest is at least this many times DOMINANT_FACE_WIDTH, the file is a photo
# without the classification's own small-scale detection (the same answer, since such a
# face is far above both the size threshold and the smallest face looked for); anything
# less clear is classified as before, on the small decode.
CLEAR_FACE_MARGIN = 1.25
THUMB_SIDE = 112
THUMB_QUALITY = 60


@dataclass(frozen=True)
class AuditJob:
    label: str                          # the path written to the report
    source: str                         # a file, or a package (folder or zip) for members
    member: str | None = None           # stored name inside the package
    kind: str = "auto"
    rules: str | None = None
    sha256: str | None = None           # expected hash of a package member
    size: int | None = None
    require_seal: bool = False
    slot: str | None = None
    thumb: bool = False
    error: tuple[str, str, str, int] | None = None   # (code, zh, en, exit code) known before checking


@dataclass
class AuditRow:
    path: str
    kind: str
    verdict: str                        # pass | fail | error
    failing: list[str] = field(default_factory=list)
    document_kind: str = ""
    error_code: str | None = None
    exit_code: int = 0
    messages: list[tuple[str, str, str, str]] = field(default_factory=list)   # (id, status, zh, en), masked
    thumb: str | None = None
    kind_source: str = ""
    slot: str | None = None
    elapsed_ms: float = 0.0

    def csv_row(self) -> list[str]:
        failing = self.error_code if self.verdict == "error" else ";".join(self.failing)
        return [self.path, self.kind, self.verdict, failing or "", self.document_kind or ""]

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {"path": self.path, "kind": self.kind, "verdict": self.verdict, "failing": self.failing,
                "error": self.error_code, "document_kind": self.document_kind or None, "slot": self.slot,
                "kind_source": self.kind_source,
                "messages": [{"id": i, "status": s, "message": en if lang == "en" else zh}
                             for i, s, zh, en in self.messages],
                "elapsed_ms": round(self.elapsed_ms, 1)}


# --- the per-file function -------------------------------------------------------------------

_worker_ready = False


def _prepare_worker() -> None:
    global _worker_ready
    if not _worker_ready:
        try:
            import cv2

            cv2.setNumThreads(1)
        except Exception:  # pragma: no cover
            pass
        _worker_ready = True


def _read(job: AuditJob) -> bytes:
    from .. import io as pio
    from .store import DirStore, is_zip_path, read_zip_safely

    if job.member is None:
        return pio.read_bytes(job.source)[0]
    src = Path(job.source)
    if is_zip_path(src) and src.is_file():
        return read_zip_safely(src, only={job.member})[job.member]
    return DirStore(src).read(job.member)


def classify(info: Any, small: Any, pack: Any) -> tuple[str, str]:
    """(kind, why) for a loose file: ``photo`` or ``material``."""
    import numpy as np

    if info.format == "pdf" or small is None:
        return "material", "format"
    w, h = info.oriented_size
    found = False
    best = 0.0
    try:
        from ..vision.face import get_detector

        det = get_detector()
        # Quarter turns are tried only for images small enough to be a portrait photo:
        # a camera-sized page is never a registration photo lying on its side, so it is
        # searched upright only (the detector's own search of the other turns is off).
        portrait_sized = max(w, h) <= PHOTO_MAX_SIDE
        turns = (0, 1, 3, 2) if portrait_sized else (0,)
        for k in turns:
            img = np.ascontiguousarray(np.rot90(small, k)) if k else small
            faces = det.detect(img, min_face_frac=FACE_SEARCH_MIN, any_orientation=portrait_sized)
            if faces:
                found = True
                best = max(f.box[2] / img.shape[1] for f in faces)
                break
    except (ImportError, PhotocheckError) as e:  # no detector or no model: decide on shape alone
        log.warning("face detector unavailable for audit classification: %s", e)
    if best >= DOMINANT_FACE_WIDTH:
        return "photo", "face"
    if found:
        return "material", "small_face"
    aspect = w / h if h else 0.0
    target = pack.photo.aspect
    if abs(aspect / target - 1.0) <= SHAPE_TOLERANCE * pack.photo.aspect_tolerance and max(w, h) <= PHOTO_MAX_SIDE:
        return "photo", "shape"
    return "material", "default"


def _photo_context(info: Any, pack: Any) -> Any:
    """(the photo checks' context of a portrait-sized loose file, whether its faces make
    it a photo beyond doubt: see ``CLEAR_FACE_MARGIN``). The photo check reuses the
    context's pixels and faces. (None, False) when the file cannot be decoded at that
    scale or the detector is unavailable."""
    from ..checks.photo import Context
    from ..vision.face import UPRIGHT_ROLL

    try:
        ctx = Context(info, pack)
        faces = ctx.faces
        w = ctx.bgr.shape[1]
    except (ImportError, PhotocheckError):  # as in classify: decided there, on the small decode
        return None, False
    clear = bool(faces) and all(abs(f.roll_deg) <= UPRIGHT_ROLL for f in faces) and \
        max(f.box[2] for f in faces) / w >= CLEAR_FACE_MARGIN * DOMINANT_FACE_WIDTH
    return ctx, clear


def _thumbnail(small: Any) -> str | None:
    import cv2

    if small is None:
        return None
    hh, ww = small.shape[:2]
    s = THUMB_SIDE / max(hh, ww)
    img = cv2.resize(small, (max(1, round(ww * s)), max(1, round(hh * s))), interpolation=cv2.INTER_AREA) \
        if s < 1 else small
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, THUMB_QUALITY])
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii") if ok else None


def _error_row(job: AuditJob, kind: str, code: str, zh: str, en: str, exit_code: int, t0: float) -> AuditRow:
    return AuditRow(path=job.label, kind=kind, verdict="error", error_code=code, exit_code=exit_code,
                    messages=[("error", "error", mask_ids(zh), mask_ids(en))], slot=job.slot,
                    kind_source="slot" if job.slot else job.kind, elapsed_ms=(time.perf_counter() - t0) * 1000)


def audit_one(job: AuditJob) -> AuditRow:
    """Check one file. Pure: everything it needs is in ``job``; it never raises."""
    t0 = time.perf_counter()
    kind = job.kind if job.kind in ("photo", "material") else "material"
    if job.error is not None:
        code, zh, en, ec = job.error
        return _error_row(job, job.kind if job.kind != "auto" else "", code, zh, en, ec, t0)
    try:
        _prepare_worker()
        from .. import core
        from .. import io as pio
        from ..fix import seal as sealmod
        from ..rules import load_pack
        from .package import sha256

        pack = load_pack(job.rules)
        data = _read(job)
        if job.sha256 is not None and (sha256(data) != job.sha256 or (job.size is not None and len(data) != job.size)):
            return _error_row(job, kind, "tampered", "文件内容与材料包清单不一致（已被改动）",
                              "the file differs from the package manifest (tampered)", 4, t0)
        info = pio.probe(data)
        info.path = job.label
        small = work = ctx = None
        why = "slot" if job.slot else "given"
        decided = job.kind != "auto"
        if not decided and info.format != "pdf" and max(info.width, info.height) <= PHOTO_MAX_SIDE:
            ctx, decided = _photo_context(info, pack)
            if decided:
                kind, why = "photo", "face"
        if not decided or job.thumb:
            try:
                if kind == "material" and info.format != "pdf" and max(info.width, info.height) > PHOTO_MAX_SIDE:
                    # A camera-sized image is most likely a document: decode it once, at the
                    # material checks' scale, and shrink that for the classification.
                    from ..checks.material import check_pixels

                    work = check_pixels(info, pack)
                    small = pio.apply_orientation(pio.shrink(work, CLASSIFY_SIDE), info.exif_orientation)
                else:
                    small = pio.decode(info, max_side=CLASSIFY_SIDE).bgr
            except PhotocheckError:
                small = work = None
        if not decided:
            kind, why = classify(info, small, pack)
        rep = core.check_info(info, kind=kind, pack=pack, label=job.label, pixels=work if kind == "material" else None,
                              context=ctx if kind == "photo" else None)
        row = AuditRow(path=job.label, kind=kind, verdict="pass", slot=job.slot, kind_source=why,
                       thumb=_thumbnail(small) if job.thumb else None)
        if rep.error is not None:
            row.verdict, row.error_code, row.exit_code = "error", rep.error.code, rep.error.exit_code
            row.messages.append(("error", "error", mask_ids(rep.error.text.zh), mask_ids(rep.error.text.en)))
        else:
            row.failing = list(rep.failing)
            for c in rep.checks:
                if c.status.value != "pass":
                    row.messages.append((c.id, c.status.value, mask_ids(c.message.zh), mask_ids(c.message.en)))
            if kind == "photo" and job.require_seal:
                st = sealmod.verify(data)
                if not st.intact:
                    row.failing.append("seal")
                    row.messages.append(("seal", "fail", st.message.zh, st.message.en))
            if row.failing:
                row.verdict, row.exit_code = "fail", 1
        if kind == "material" and rep.document is not None:
            row.document_kind = rep.document.kind or ""
        row.elapsed_ms = (time.perf_counter() - t0) * 1000
        return row
    except PhotocheckError as e:
        return _error_row(job, kind, e.code, e.text.zh, e.text.en, e.exit_code, t0)
    except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
        log.exception("internal error auditing %s", job.label)
        return _error_row(job, kind, "internal", f"内部错误：{type(e).__name__}", f"internal error: {type(e).__name__}",
                          3, t0)


# --- collecting jobs ---------------------------------------------------------------------------

def _looks_like_image(path: Path) -> bool:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    from .. import io as pio

    try:
        with open(path, "rb") as fh:
            return pio.sniff(fh.read(32)) is not None
    except OSError:
        return False


def _package_jobs(path: Path, label: str, *, rules: str | None, thumbs: bool) -> list[AuditJob]:
    from .package import open_package
    from .store import is_zip_path

    try:
        pkg = open_package(path, rules=rules)
    except PhotocheckError as e:
        return [AuditJob(label=label, source=str(path), rules=rules,
                         error=(e.code, e.text.zh, e.text.en, e.exit_code))]
    sep = "!/" if is_zip_path(path) and path.is_file() else "/"
    jobs = []
    for slot in pkg.manifest.slots:
        for entry in slot.files:
            jobs.append(AuditJob(label=f"{label}{sep}{entry.name}", source=str(path), member=entry.name,
                                 kind=slot.spec.check_kind, rules=rules or pkg.pack.label.split("@")[0],
                                 sha256=entry.sha256, size=entry.size, slot=slot.id, thumb=thumbs,
                                 require_seal=slot.spec.check_kind == "photo" and pkg.require_seal))
    return jobs


def _is_package_dir(path: Path) -> bool:
    from .store import MANIFEST

    return (path / MANIFEST).is_file()


def collect(paths: Iterable[str | os.PathLike], *, kind: str = "auto", rules: str | None = None,
            thumbs: bool = False) -> list[AuditJob]:
    """Expand folders (recursively), packages and zips into jobs, sorted by path."""
    from .store import is_zip_path

    if kind not in KINDS:
        raise UsageError(Text(f"--kind 只能是 {'/'.join(KINDS)}", f"--kind must be one of {', '.join(KINDS)}"))
    jobs: list[AuditJob] = []

    def loose(p: Path) -> AuditJob:
        return AuditJob(label=str(p), source=str(p), kind=kind, rules=rules, thumb=thumbs)

    for raw in paths:
        p = Path(raw)
        label = str(p)
        if not p.exists():
            jobs.append(AuditJob(label=label, source=label, kind=kind, rules=rules,
                                 error=("not_found", f"找不到：{label}", f"not found: {label}", 3)))
        elif p.is_dir() and _is_package_dir(p):
            jobs += _package_jobs(p, label, rules=rules, thumbs=thumbs)
        elif p.is_file() and is_zip_path(p):
            jobs += _package_jobs(p, label, rules=rules, thumbs=thumbs)
        elif p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                rp = Path(root)
                dirs.sort()
                keep = []
                for d in dirs:
                    if d.startswith("."):
                        continue
                    if _is_package_dir(rp / d):
                        jobs += _package_jobs(rp / d, str(rp / d), rules=rules, thumbs=thumbs)
                    else:
                        keep.append(d)
                dirs[:] = keep
                for f in sorted(files):
                    fp = rp / f
                    if f.startswith(".") or not fp.is_file():
                        continue
                    if is_zip_path(fp):
                        jobs += _package_jobs(fp, str(fp), rules=rules, thumbs=thumbs)
                    elif _looks_like_image(fp):
                        jobs.append(loose(fp))
        else:
            jobs.append(loose(p))
    unique = {j.label: j for j in jobs}
    return [unique[k] for k in sorted(unique)]


# --- running -----------------------------------------------------------------------------------

Progress = Callable[[int, int, Any], None]


def run(jobs: list[AuditJob], *, engine: str = "local", workers: int | None = None,
        scheduler: str | None = None, progress: Progress | None = None) -> Iterator[AuditRow]:
    """Yield one row per job, in job order."""
    if engine == "local":
        from .. import batch

        yield from batch.run(audit_one, jobs, jobs=workers, progress=progress)
    elif engine == "dask":
        from .dask_engine import run_dask

        yield from run_dask(audit_one, jobs, workers=workers, scheduler=scheduler, progress=progress)
    else:
        raise UsageError(Text(f"未知的引擎：{engine}（local 或 dask）", f"unknown engine: {engine} (local or dask)"))


# The reports live in report.py; these names stay importable from here for callers of audit.
from .report import CSV_COLUMNS, CsvReport, HtmlReport, feed, open_reports, wants_thumbs  # noqa: E402

__all__ = ["AuditJob", "AuditRow", "audit_one", "collect", "run", "classify", "mask_ids", "CsvReport",
           "HtmlReport", "open_reports", "feed", "wants_thumbs", "CSV_COLUMNS", "InputError"]
