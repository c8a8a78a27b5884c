"""The public, pure API of the validation library (no Qt anywhere below here).

    from photocheck import core
    report = core.check_file("photo.jpg")                  # -> FileReport
    result = core.fix("phone.jpg")                         # -> FixResult: fixed and re-checked, in memory
    result = core.fix_file("phone.jpg", "out.jpg")         # -> the same, written only if it passes
    seal = core.verify_seal("out.jpg")                     # -> SealStatus

CLI, GUI, submission and audit are thin layers over these functions.
"""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path
from typing import Any

from . import io as pio
from .checks.base import FileReport, checks_for, kind_module
from .errors import FixRefused, OutputError, PhotocheckError
from .fix.result import FixOutput, FixResult, output_paths
from .fsutil import atomic_write, ensure_writable_dir, same_file
from .rules import RulePack, load_pack
from .text import RETAKE, Text, after_fix

log = logging.getLogger("photocheck")

KINDS = ("photo", "material")
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
               only: list[str] | None = None, label: str | None = None, pixels: Any = None,
               context: Any = None) -> FileReport:
    """Run the checks of ``kind`` on an already-probed file.

    ``pixels``: the file's pixels as the kind's checks measure them, already decoded
    by that kind's ``check_pixels(info, pack)`` (the GUI shows the same pixels as its
    preview; the audit classifies on them), so they are not decoded a second time.
    ``context``: that kind's ``Context`` of this file and pack, already made by the
    caller (the audit classifies a loose file on the photo context's faces), so what
    it has measured is not measured again."""
    rp = _pack(pack)
    t0 = time.perf_counter()
    report = FileReport(path=label or info.path or "<data>", kind=kind, rules=rp.label)
    module = kind_module(kind)
    try:
        ctx = context if context is not None else module.Context(info, rp, pixels=pixels)
        off = set(rp.photo.disabled_checks) if kind == "photo" else set()
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
               only: list[str] | None = None, label: str | None = None,
               source: pio.ImageInfo | None = None) -> FileReport:
    """Check one file. Unreadable input is reported in ``report.error``, never raised.

    ``source``: the file ``src`` was fixed from; checks that judge the original (the
    date it was taken) read it there when ``src`` itself carries nothing."""
    t0 = time.perf_counter()
    try:
        info = pio.probe(src)
        if source is not None:
            info.source_taken = source.taken or source.source_taken
    except PhotocheckError as e:
        rp_label = _pack(pack).label
        return FileReport(path=label or _label(src), kind=kind, rules=rp_label, error=e,
                          elapsed_ms=(time.perf_counter() - t0) * 1000)
    report = check_info(info, kind=kind, pack=pack, only=only, label=label)
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report


# --- fixing -----------------------------------------------------------------------------
#
# One path for every caller (CLI, GUI, package add --fix, self-test): ``fix`` runs the
# fixer in memory and re-checks every image it made with the same checks; ``write_fixed``
# writes a passing result atomically; ``fix_file`` is the two together.



def _run_fixer(info: pio.ImageInfo, kind: str, pack: RulePack, **options: Any) -> tuple[list[FixOutput], list[Text]]:
    """The kind's fixer alone (not re-checked). Raises FixRefused / PhotocheckError."""
    module = importlib.import_module(_FIX_MODULES[kind])
    return module.fix(info, pack, **options)


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
    hint = next((h for c in bad if c.hint.zh and (h := after_fix(c.hint)) is not RETAKE), RETAKE)
    return FixRefused(Text("修复后的照片仍未通过检测，未保存。", "the fixed image still fails its checks; nothing was saved.")
                      + detail, hint=hint, failing=failing)


def _plainer(result: FixResult, info: pio.ImageInfo, kind: str, pack: RulePack, labels: list[str],
             options: dict[str, Any]) -> None:
    """An image the fixer aimed at an advised band (FixOutput.retry) is kept only when it
    passes and lands inside that band. Otherwise the fixer runs again without the aim,
    and that plainer result, fixed or refused, is today's answer; except that an aimed
    image that fails its re-check is kept for display when the plain one is no better."""
    from .checks.base import Status

    if len(result.images) != 1 or not result.images[0].retry:
        return
    first, report = result.images[0], result.reports[0]
    aimed = report.get(first.aimed_for) if first.aimed_for else None
    if report.passed and (aimed is None or aimed.status is Status.PASS):
        return
    try:
        plain, steps = _run_fixer(info, kind, pack, **{**options, **first.retry})
    except PhotocheckError:
        if not report.passed:
            return
        result.images, result.reports = [], []
        raise
    if len(plain) != 1:
        return
    plain_report = check_file(plain[0].data, kind=kind, pack=pack, label=labels[0], source=info)
    if plain_report.passed or report.passed:
        result.images, result.steps, result.reports = plain, steps, [plain_report]


def _internal(e: Exception, label: str) -> InternalError:
    log.exception("internal error while fixing %s", label)
    return InternalError(Text(f"内部错误：{type(e).__name__}", f"internal error: {type(e).__name__}"))


def fix(src: pio.Source | pio.ImageInfo, *, kind: str = "photo", pack: RulePack | str | None = None,
        label: str | None = None, out: str | Path | None = None, check_before: bool = False,
        **options: Any) -> FixResult:
    """Fix ``src`` in memory and re-check every image the fixer made. Never writes.

    ``result.ok`` only when every image passes; otherwise ``result.error`` says why
    (a ``FixRefused`` naming the failing checks, with the images and their reports
    kept for display). ``out``, when given, is where ``write_fixed`` will put the
    images; the re-checks are labelled with those paths. Errors are returned, not raised."""
    rp = _pack(pack)
    info = src if isinstance(src, pio.ImageInfo) else None
    name = label or (info.path if info is not None and info.path else _label(src))
    result = FixResult(source=name, kind=kind)
    try:
        if info is None:
            info = pio.probe(src)  # type: ignore[arg-type]
        if check_before:
            result.before = check_info(info, kind=kind, pack=rp, label=name)
        images, result.steps = _run_fixer(info, kind, rp, **options)
        result.images = images
        labels = [str(p) for p in output_paths(Path(out), len(images))] if out is not None else [name] * len(images)
        result.reports = [check_file(fo.data, kind=kind, pack=rp, label=lab, source=info) for fo, lab in zip(images, labels)]
        _plainer(result, info, kind, rp, labels, options)
        if not all(r.passed for r in result.reports):
            result.error = _recheck_refusal(result.reports, sorted({c for r in result.reports for c in r.failing}))
    except PhotocheckError as e:
        result.error = e
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        result.error = _internal(e, name)
    return result


def write_fixed(result: FixResult, out: str | Path, *, source: pio.Source | None = None,
                overwrite: bool = True) -> FixResult:
    """Write a passing ``result``'s images to ``out`` (several: ``out-1``, ``out-2``…),
    each atomically. Refuses to write over ``source``. Sets ``result.error`` on failure."""
    if not result.ok:
        return result
    try:
        for fo, target in zip(result.images, output_paths(Path(out), len(result.images))):
            if isinstance(source, (str, Path)) and target.exists() and same_file(source, target):
                raise OutputError(Text(f"不能覆盖原图：{target}", f"refusing to overwrite the original: {target}"),
                                  code="same_as_input")
            atomic_write(target, fo.data, overwrite=overwrite)
            result.outputs.append(target)
    except PhotocheckError as e:
        result.error = e
    except Exception as e:  # noqa: BLE001
        result.error = _internal(e, result.source)
    return result


def fix_file(src: pio.Source, out: str | Path, *, kind: str = "photo",
             pack: RulePack | str | None = None, overwrite: bool = True, check_before: bool = False,
             **options: Any) -> FixResult:
    """Fix ``src`` into ``out``: ``fix`` then ``write_fixed``, written only if every image passes.

    Never writes over the input. Every write is atomic. ``check_before`` also
    records the source's own check report in ``result.before`` (costs a check)."""
    rp = _pack(pack)
    label = _label(src)
    out = Path(out)
    before = None
    try:
        if isinstance(src, (str, Path)) and out.exists() and same_file(src, out):
            raise OutputError(Text(f"不能覆盖原图：{out}，请另选保存位置", f"refusing to overwrite the original: {out}"),
                              code="same_as_input")
        info = pio.probe(src)
        if check_before:
            before = check_info(info, kind=kind, pack=rp, label=label)
        ensure_writable_dir(out.parent if str(out.parent) else Path("."))
    except PhotocheckError as e:
        return FixResult(source=label, kind=kind, before=before, error=e)
    result = fix(info, kind=kind, pack=rp, label=label, out=out, **options)
    result.before = before
    return write_fixed(result, out, source=src, overwrite=overwrite)
