"""Batch audit: packages or loose images, one pure per-file function on all cores.

``audit_one(job) -> AuditRow`` is a module-level function of one picklable job with
no shared state, so it runs unchanged under ``batch.run`` (a local process pool) or
on a Dask cluster (``engine="dask"``). Rows come back in job order, and jobs are
sorted by path up front, so the CSV streams straight to disk in its final order.

- **kind:** inside a package the slot decides (``photo`` slot: photo checks; other
  slots: material checks). A loose file under ``auto`` is a photo when it shows one
  dominant face (face width >= 20% of the image width, in any quarter turn), or,
  with no face at all, when it has the pack's portrait proportions and a
  portrait-photo size; anything else is a material.
- **package members** are also checked against the manifest: a changed file is an
  ``error`` row with code ``tampered``; a photo without an intact seal (when the
  pack requires one) fails with the extra id ``seal``.
- **memory:** rows are small; a thumbnail (a ~100 px JPEG data URI) is made in the
  worker only when an HTML report is asked for. Nothing holds decoded images
  beyond one file per worker.
"""

from __future__ import annotations

import base64
import csv
import html
import io as _io
import logging
import os
import re
import tempfile
import time
from collections import Counter
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
CSV_COLUMNS = ("path", "kind", "verdict", "failing", "document_kind")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif", ".avif", ".bmp",
                            ".gif", ".tif", ".tiff", ".pdf", ".jp2"})

# Loose-file classification (see module docstring).
DOMINANT_FACE_WIDTH = 0.20      # largest face width / image width
FACE_SEARCH_MIN = 0.15          # smallest face looked for, fraction of the short side
SHAPE_TOLERANCE = 1.0           # x the pack's aspect tolerance, for faceless portraits (A4 pages stay out)
PHOTO_MAX_SIDE = 1600           # a faceless image longer than this is not a portrait photo
CLASSIFY_SIDE = 320             # pixels on the long side used to classify and for thumbnails
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
        small = work = None
        if job.kind == "auto" or job.thumb:
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
        why = "slot" if job.slot else "given"
        if job.kind == "auto":
            kind, why = classify(info, small, pack)
        rep = core.check_info(info, kind=kind, pack=pack, label=job.label, pixels=work if kind == "material" else None)
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


# --- reports -----------------------------------------------------------------------------------

class CsvReport:
    """The contract's CSV: UTF-8 with BOM, one row per file, in the (sorted) order given."""

    def __init__(self, target: Path | None = None, stream: Any = None):
        from .store import AtomicFile

        self._out = AtomicFile(target, "w", encoding="utf-8-sig", newline="") if target is not None else None
        self._fh = self._out.fh if self._out is not None else stream
        self._w = csv.writer(self._fh, lineterminator="\r\n")
        self._w.writerow(CSV_COLUMNS)

    def add(self, row: AuditRow) -> None:
        self._w.writerow(row.csv_row())

    def close(self) -> None:
        if self._out is not None:
            self._out.commit()
        else:
            self._fh.flush()

    def abort(self) -> None:
        if self._out is not None:
            self._out.abort()


def _check_titles() -> dict[str, Text]:
    titles: dict[str, Text] = {
        "seal": Text("检测印记", "seal"),
    }
    from ..checks.base import checks_for

    for kind in ("photo", "material"):
        try:
            for c in checks_for(kind):
                titles.setdefault(c.id, c.title)
        except Exception:  # noqa: BLE001 - a kind whose checks are not importable: ids stay bare
            continue
    return titles


ERROR_TITLES = {
    "tampered": Text("文件被改动", "file changed after it was added"),
    "not_found": Text("找不到文件", "file not found"),
    "unsupported": Text("格式不支持", "unsupported format"),
    "truncated": Text("文件不完整", "truncated file"),
    "unreadable": Text("无法读取", "unreadable"),
    "too_large": Text("文件过大", "too large"),
    "empty": Text("空文件", "empty file"),
}

_CSS = """
body{font:14px/1.45 "Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
.meta{color:#666;margin-bottom:16px} table.summary{border-collapse:collapse;margin:8px 0 16px}
table.summary td,table.summary th{border:1px solid #ddd;padding:4px 10px;text-align:left}
.n{text-align:right;font-variant-numeric:tabular-nums} .pass{color:#17803d} .fail{color:#b42318} .error{color:#9a6700}
.cards{display:flex;flex-wrap:wrap;gap:10px} .card{width:260px;border:1px solid #ddd;border-radius:6px;padding:8px;display:flex;gap:8px;background:#fafafa}
.card img{width:80px;height:80px;object-fit:contain;background:#eee;flex:none} .card .p{font-size:12px;word-break:break-all}
.card ul{margin:4px 0 0 16px;padding:0;font-size:12px} .en{color:#666} img.broken{outline:2px solid red}
details summary{cursor:pointer;font-weight:bold;margin:8px 0}
"""

_JS = """
window.addEventListener('load',function(){var ok=0,bad=0;document.querySelectorAll('img').forEach(function(i){
if(i.complete&&i.naturalWidth>0){ok++}else{bad++;i.classList.add('broken')}});
document.body.setAttribute('data-images-ok',ok);document.body.setAttribute('data-images-broken',bad);});
"""


class HtmlReport:
    """A single self-contained HTML file: summary, then failures grouped by reason.

    Rows are spooled to per-group temporary files as they arrive, so memory stays flat
    whatever the batch size; the file is assembled and swapped in atomically at the end."""

    def __init__(self, target: Path, *, title: str = "photocheck audit", lang: str = "zh_CN"):
        self.target = target
        self.title = title
        self.lang = lang
        self._dir = tempfile.TemporaryDirectory(prefix="photocheck-report-")
        self._files: dict[str, Any] = {}
        self.counts: Counter[str] = Counter()
        self.group_counts: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.total = 0
        self._titles = _check_titles()

    def _spool(self, group: str):
        fh = self._files.get(group)
        if fh is None:
            safe = re.sub(r"[^A-Za-z0-9_]", "_", group)
            fh = open(Path(self._dir.name) / f"{len(self._files):04d}_{safe}.html", "w", encoding="utf-8")
            self._files[group] = fh
        return fh

    def _card(self, row: AuditRow, focus: str | None) -> str:
        e = html.escape
        img = f'<img alt="" src="{row.thumb}">' if row.thumb else '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">'
        msgs = []
        for cid, status, zh, en in row.messages:
            if focus is not None and cid != focus and status != "error":
                continue
            msgs.append(f'<li class="{e(status)}">{e(zh)} <span class="en">{e(en)}</span></li>')
        extra = []
        if row.slot:
            extra.append(f"slot {e(row.slot)}")
        if row.document_kind:
            extra.append(e(row.document_kind))
        return (f'<div class="card {e(row.verdict)}">{img}<div><div class="p">{e(mask_ids(row.path))}</div>'
                f'<div class="k">{e(row.kind)}{" · " + " · ".join(extra) if extra else ""}</div>'
                f'<ul>{"".join(msgs)}</ul></div></div>\n')

    def add(self, row: AuditRow) -> None:
        self.total += 1
        self.counts[row.verdict] += 1
        self.kinds[row.kind or "?"] += 1
        if row.verdict == "error":
            key = f"error:{row.error_code}"
            self.group_counts[key] += 1
            self._spool(key).write(self._card(row, None))
        elif row.verdict == "fail":
            for cid in row.failing:
                key = f"fail:{cid}"
                self.group_counts[key] += 1
                self._spool(key).write(self._card(row, cid))
        else:
            self._spool("pass").write(self._card(row, None))

    def _group_title(self, key: str) -> Text:
        kind, _, ident = key.partition(":")
        if kind == "error":
            t = ERROR_TITLES.get(ident, Text(ident, ident))
            return Text(f"错误：{t.zh}（{ident}）", f"error: {t.en} ({ident})")
        t = self._titles.get(ident, Text(ident, ident))
        return Text(f"{t.zh}（{ident}）", f"{t.en} ({ident})")

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        e = html.escape
        order = sorted(self.group_counts, key=lambda k: (-self.group_counts[k], k))
        out = _io.StringIO()
        out.write(f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(self.title)}</title>'
                  f'<style>{_CSS}</style></head><body>\n')
        out.write(f'<h1>批量审核报告 <span class="en">Audit report</span></h1>\n'
                  f'<div class="meta">{time.strftime("%Y-%m-%d %H:%M")} · 共 {self.total} 个文件 '
                  f'<span class="en">{self.total} files</span></div>\n')
        out.write('<table class="summary" id="summary"><tr><th>结果 Verdict</th><th class="n">数量 Count</th></tr>')
        for v, zh in (("pass", "通过"), ("fail", "不通过"), ("error", "无法检测")):
            out.write(f'<tr class="{v}"><td>{zh} {v}</td><td class="n" data-verdict="{v}">{self.counts[v]}</td></tr>')
        out.write("</table>\n")
        if order:
            out.write('<h2>按原因统计 <span class="en">Failures by reason</span></h2>\n'
                      '<table class="summary" id="reasons"><tr><th>原因 Reason</th><th class="n">文件数 Files</th></tr>')
            for k in order:
                t = self._group_title(k)
                out.write(f'<tr><td><a href="#g-{e(k)}">{e(t.zh)} <span class="en">{e(t.en)}</span></a></td>'
                          f'<td class="n" data-group="{e(k)}">{self.group_counts[k]}</td></tr>')
            out.write("</table>\n")
        parts = [out.getvalue()]
        tail = []
        for k in order:
            t = self._group_title(k)
            tail.append((f'<section class="group" id="g-{e(k)}" data-count="{self.group_counts[k]}">'
                         f'<h2>{e(t.zh)} <span class="en">{e(t.en)}</span> — {self.group_counts[k]}</h2>'
                         f'<div class="cards">\n', k, "</div></section>\n"))
        passed = self.counts["pass"]
        from .store import AtomicFile

        try:
            with AtomicFile(self.target, "w", encoding="utf-8") as out:
                doc = out.fh
                doc.write(parts[0])
                for head, key, foot in tail:
                    doc.write(head)
                    self._copy(key, doc)
                    doc.write(foot)
                if passed:
                    doc.write(f'<section class="group" id="g-pass"><details><summary>通过 <span class="en">passed'
                              f'</span> — {passed}</summary><div class="cards">\n')
                    self._copy("pass", doc)
                    doc.write("</div></details></section>\n")
                doc.write(f"<script>{_JS}</script></body></html>\n")
        finally:
            self._dir.cleanup()

    def _copy(self, key: str, doc: Any) -> None:
        fh = self._files.get(key)
        if fh is None:
            return
        with open(fh.name, encoding="utf-8") as src:
            while True:
                chunk = src.read(1 << 16)
                if not chunk:
                    break
                doc.write(chunk)

    def abort(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._dir.cleanup()


def feed(rows: Iterable[AuditRow], reports: list[Any],
         on_row: Callable[[AuditRow], None] | None = None) -> tuple[dict[str, int], int]:
    """Send every row to every report; (verdict counts, highest exit code).

    If anything goes wrong (or the user interrupts), every report is aborted and no
    half-written file replaces an old one; otherwise they are all committed."""
    counts = {"pass": 0, "fail": 0, "error": 0}
    code = 0
    try:
        for row in rows:
            for r in reports:
                r.add(row)
            counts[row.verdict] += 1
            code = max(code, row.exit_code)
            if on_row is not None:
                on_row(row)
    except BaseException:
        for r in reports:
            r.abort()
        raise
    for r in reports:
        r.close()
    return counts, code


def open_reports(targets: list[str], lang: str) -> list[Any]:
    reports: list[Any] = []
    for t in targets:
        p = Path(t)
        suffix = p.suffix.lower()
        if suffix == ".csv":
            reports.append(CsvReport(p))
        elif suffix in (".html", ".htm"):
            reports.append(HtmlReport(p, lang=lang))
        else:
            raise UsageError(Text(f"报告文件须以 .csv 或 .html 结尾：{t}", f"a report must end in .csv or .html: {t}"))
    return reports


def wants_thumbs(targets: list[str]) -> bool:
    return any(Path(t).suffix.lower() in (".html", ".htm") for t in targets)


__all__ = ["AuditJob", "AuditRow", "audit_one", "collect", "run", "classify", "mask_ids", "CsvReport",
           "HtmlReport", "open_reports", "CSV_COLUMNS", "InputError"]
