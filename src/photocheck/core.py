"""The public, pure API of the validation library (no Qt anywhere below here).

    from photocheck import core
    report = core.check_file("photo.jpg")                  # -> FileReport
    result = core.fix_file("phone.jpg", "out.jpg")         # -> FixResult (re-checked)
    seal = core.verify_seal("out.jpg")                     # -> SealStatus

CLI, GUI, submission and audit are thin layers over these functions.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import io as pio
from .checks.base import FileReport, checks_for
from .errors import FixRefused, OutputError, PhotocheckError
from .fsutil import atomic_write, ensure_writable_dir, same_file
from .rules import RulePack, load_pack
from .text import FixHint, Text

log = logging.getLogger("photocheck")

KINDS = ("photo", "material")
_KIND_MODULES = {"photo": "photocheck.checks.photo", "material": "photocheck.checks.material"}
_FIX_MODULES = {"photo": "photocheck.fix.photo", "material": "photocheck.fix.material"}


class InternalError(PhotocheckError):
    exit_code = 3
    default_code = "internal"


def _pack(pack: RulePack | str | None) -> RulePack:
    return pack if isinstance(pack, RulePack) else load_pack(pack)


def _label(src: Any, fallback: str = "<data>") -> str:
    if isinstance(src, (str, Path)):
        return str(src)
    return getattr(src, "name", None) or fallback


def check_info(info: pio.ImageInfo, *, kind: str = "photo", pack: RulePack | str | None = None,
               only: list[str] | None = None, label: str | None = None, work: Any = None) -> FileReport:
    """Run the checks of ``kind`` on an already-probed file.

    ``work`` (materials only): the file's pixels already decoded by
    ``checks.material.work_pixels``, so they are not decoded a second time."""
    rp = _pack(pack)
    t0 = time.perf_counter()
    report = FileReport(path=label or info.path or "<data>", kind=kind, rules=rp.label)
    module = importlib.import_module(_KIND_MODULES[kind])
    ctx = module.Context(info, rp) if work is None else module.Context(info, rp, work=work)
    try:
        off = set(getattr(getattr(rp, kind), "disabled_checks", ()))
        for check in checks_for(kind, only):
            if check.id not in off:
                report.checks.append(check.run(ctx))
        scale = getattr(ctx, "scale", None) or 1.0
        if scale != 1.0:  # shapes come in the checked (reduced) image's pixels
            for c in report.checks:
                c.shapes = tuple(s.scaled(1.0 / scale) for s in c.shapes)
        doc = getattr(ctx, "document_info", None)
        report.document = doc() if callable(doc) else None
    except PhotocheckError as e:  # e.g. a missing model: the file cannot be judged
        report.checks = []
        report.error = e
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        log.exception("internal error while checking %s", report.path)
        report.checks = []
        report.error = InternalError(Text(f"内部错误：{type(e).__name__}", f"internal error: {type(e).__name__}"))
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report


def check_file(src: pio.Source, *, kind: str = "photo", pack: RulePack | str | None = None,
               only: list[str] | None = None, label: str | None = None) -> FileReport:
    """Check one file. Unreadable input is reported in ``report.error``, never raised."""
    t0 = time.perf_counter()
    try:
        info = pio.probe(src)
    except PhotocheckError as e:
        rp_label = _pack(pack).label
        return FileReport(path=label or _label(src), kind=kind, rules=rp_label, error=e,
                          elapsed_ms=(time.perf_counter() - t0) * 1000)
    report = check_info(info, kind=kind, pack=pack, only=only, label=label)
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report


# --- fixing -----------------------------------------------------------------------------

@dataclass
class FixOutput:
    """One output image a fixer produced, still in memory."""

    data: bytes
    suffix: str = ".jpg"
    page: int | None = None          # 1-based page for multi-page sources (PDF)


@dataclass
class FixResult:
    source: str
    kind: str
    outputs: list[Path] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)  # re-checks of what was written
    steps: list[Text] = field(default_factory=list)          # what the fixer did, in order
    before: FileReport | None = None
    error: PhotocheckError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.outputs) and all(r.passed for r in self.reports)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else (self.error.exit_code if self.error else 1)

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {
            "path": self.source,
            "kind": self.kind,
            "ok": self.ok,
            "outputs": [str(p) for p in self.outputs],
            "steps": [s.get(lang) for s in self.steps],
            "before": self.before.to_json(lang) if self.before else None,
            "after": [r.to_json(lang) for r in self.reports],
            "error": self.error.to_json(lang) if self.error else None,
            "failing": getattr(self.error, "failing", []) if self.error else [],
        }


def output_paths(out: Path, count: int) -> list[Path]:
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i}{out.suffix or '.jpg'}") for i in range(1, count + 1)]


def fix_bytes(info: pio.ImageInfo, *, kind: str = "photo", pack: RulePack | str | None = None,
              **options: Any) -> tuple[list[FixOutput], list[Text]]:
    """Run the fixer of ``kind`` in memory. Raises FixRefused / PhotocheckError."""
    rp = _pack(pack)
    module = importlib.import_module(_FIX_MODULES[kind])
    return module.fix(info, rp, **options)


RETAKE = Text("请按上面的原因重新拍摄或扫描后再试", "retake or rescan with the reason above in mind, then try again")


def _recheck_refusal(reports: list[FileReport], failing: list[str]) -> FixRefused:
    """The refusal when a fixed image fails its re-check: which checks, what each
    measured, and what to do (a check's own hint, unless it only says to use Fix)."""
    from .checks.base import Status

    bad = [c for r in reports for c in r.checks if c.status == Status.FAIL]
    if r_err := next((r.error for r in reports if r.error is not None), None):
        detail = r_err.text
    elif bad:
        detail = Text("；".join(f"{c.title.zh or c.id}：{c.message.zh}" for c in bad),
                      "; ".join(f"{c.title.en or c.id}: {c.message.en}" for c in bad))
    else:
        detail = Text("、".join(failing), ", ".join(failing))
    hint = next((c.hint for c in bad if c.hint.zh and not isinstance(c.hint, FixHint)), RETAKE)
    return FixRefused(Text("修复后的照片仍未通过检测，未保存。", "the fixed image still fails its checks; nothing was saved.")
                      + detail, hint=hint, failing=failing)


def fix_file(src: pio.Source, out: str | Path, *, kind: str = "photo",
             pack: RulePack | str | None = None, overwrite: bool = True, check_before: bool = False,
             **options: Any) -> FixResult:
    """Fix ``src`` into ``out``; re-check the result and write it only if it passes.

    Never writes over the input. Every write is atomic. ``check_before`` also
    records the source's own check report in ``result.before`` (costs a check)."""
    rp = _pack(pack)
    label = _label(src)
    result = FixResult(source=label, kind=kind)
    out = Path(out)
    try:
        if isinstance(src, (str, Path)) and out.exists() and same_file(src, out):
            raise OutputError(Text(f"不能覆盖原图：{out}，请另选保存位置", f"refusing to overwrite the original: {out}"),
                              code="same_as_input")
        info = pio.probe(src)
        if check_before:
            result.before = check_info(info, kind=kind, pack=rp, label=label)
        ensure_writable_dir(out.parent if str(out.parent) else Path("."))
        outputs, steps = fix_bytes(info, kind=kind, pack=rp, **options)
        result.steps = steps
        targets = output_paths(out, len(outputs))
        # Re-check every output in memory with the same checks; write only if all pass.
        reports = []
        for fo, target in zip(outputs, targets):
            rep = check_file(fo.data, kind=kind, pack=rp, label=str(target))
            reports.append(rep)
        result.reports = reports
        failing = sorted({cid for r in reports for cid in r.failing})
        if any(not r.passed for r in reports):
            raise _recheck_refusal(reports, failing)
        for fo, target in zip(outputs, targets):
            if isinstance(src, (str, Path)) and target.exists() and same_file(src, target):
                raise OutputError(Text(f"不能覆盖原图：{target}", f"refusing to overwrite the original: {target}"),
                                  code="same_as_input")
            atomic_write(target, fo.data, overwrite=overwrite)
            result.outputs.append(target)
    except PhotocheckError as e:
        result.error = e
    except Exception as e:  # noqa: BLE001
        log.exception("internal error while fixing %s", label)
        result.error = InternalError(Text(f"内部错误：{type(e).__name__}", f"internal error: {type(e).__name__}"))
    return result
