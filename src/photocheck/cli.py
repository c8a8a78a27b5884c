"""The command-line interface: a thin layer over photocheck.core.

Exit codes, JSON shapes and options follow contract.md: 0 pass, 1 rule failure,
2 usage, 3 input/output, 4 integrity, 5 refused action. Messages go to stderr in
Chinese with English after them (or English only under --lang en). No traceback
ever reaches the user; unexpected errors are logged and the log path printed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import PhotocheckError, UsageError
from .text import Text, normalise_lang

log = logging.getLogger("photocheck.cli")

# Modules that add their own sub-commands with register(subparsers, common_parent).
EXTENSIONS = ("photocheck.commands.materials", "photocheck.submission.cli")


class Out:
    """Where and how to print, decided once from the common options."""

    def __init__(self, lang: str, as_json: bool):
        self.lang = lang
        self.json = as_json

    def t(self, text: Text) -> str:
        return text.en if self.lang == "en" else text.both()

    def err(self, text: Text) -> None:
        print(self.t(text), file=sys.stderr)

    def emit_json(self, obj: Any) -> None:
        json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")

    def line(self, s: str = "") -> None:
        print(s)


class ArgParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: exit 2, bilingual, no traceback
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}（usage error: {message}）", file=sys.stderr)
        raise SystemExit(2)


def common_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout / 输出 JSON")
    p.add_argument("--lang", choices=["zh_CN", "en"], default=None, help="message language / 语言")
    p.add_argument("--rules", default=None, metavar="NAME|PATH", help="rule pack / 规则包 (default nmec-2024-hubei)")
    return p


def _out(args: argparse.Namespace) -> Out:
    return Out(normalise_lang(getattr(args, "lang", None)), bool(getattr(args, "json", False)))


class ProgressBar:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, label: str = "", stream: Any = None, force: bool | None = None):
        self.total = max(1, total)
        self.label = label
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = isatty if force is None else force

    def __call__(self, done: int, total: int, item: Any = None) -> None:
        if not self.enabled:
            return
        width = 30
        frac = done / max(1, total)
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        name = os.path.basename(str(item))[:40] if item is not None else ""
        self.stream.write(f"\r{self.label}[{bar}] {done}/{total} {name:<40}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _progress(total: int, out: Out) -> Callable[[int, int, Any], None] | None:
    if total < 2 or out.json and not sys.stderr.isatty():
        return None
    bar = ProgressBar(total)
    return bar if bar.enabled else None


# --- check ------------------------------------------------------------------------------

def _check_one(job: tuple[str, str, str | None]):
    from . import core

    path, kind, rules = job
    return core.check_file(path, kind=kind, pack=rules)


def _require_kind(kind: str) -> None:
    if kind == "material":
        try:
            importlib.import_module("photocheck.checks.material")
        except ModuleNotFoundError as e:
            if e.name == "photocheck.checks.material":
                raise UsageError(Text("材料图片检测（--kind material）尚未实现",
                                      "material checks (--kind material) are not built yet")) from None
            raise


def print_report(rep: Any, out: Out) -> None:
    from .checks.base import Status

    verdict = Text("合格", "PASS") if rep.passed else Text("不合格", "FAIL")
    out.line(f"{rep.path}: {out.t(verdict)}  [{rep.rules}, {rep.elapsed_ms:.0f} ms]")
    if rep.error is not None:
        out.line(f"  ✗ {out.t(rep.error.text)}")
        if rep.error.hint:
            out.line(f"    → {out.t(rep.error.hint)}")
        return
    for c in rep.checks:
        name = c.title.get(out.lang) if c.title.zh else c.id
        meas = _fmt(c.measured, against=c.limit)
        lim = _fmt(c.limit)
        out.line(f"  {c.status.symbol} {c.id:<13} {name:<10} {out.t(c.message)}")
        if c.status is not Status.PASS:
            out.line(f"      {'测得' if out.lang != 'en' else 'measured'}: {meas}   "
                     f"{'要求' if out.lang != 'en' else 'limit'}: {lim}")
            if c.hint.zh:
                out.line(f"      → {out.t(c.hint)}")
    if rep.document is not None:
        d = rep.document
        line = f"  {out.t(Text('材料类型', 'document'))}: {d.label.get(out.lang) or d.kind} ({d.confidence:.2f})"
        if d.verification_code:
            line += f"  {out.t(Text('验证码', 'code'))}: {d.verification_code}"
        elif d.details.get("verification_code_readable") is False:
            line += f"  {out.t(Text('验证码：未能识别', 'code: not readable'))}"
        if d.details.get("id_number"):
            line += f"  {out.t(Text('证件号', 'ID'))}: {d.details['id_number']}"  # already masked
        out.line(line)
        for w in d.details.get("warnings", []):
            out.line(f"  ! {out.t(w) if isinstance(w, Text) else w}")


def _fmt(v: Any, against: Any = None) -> str:
    """A limit (exact), or a measured value ``against`` its limit, with the decimals it needs
    never to look equal to, or across, a bound it is not equal to (photocheck.numbers)."""
    from . import numbers

    measured = against is not None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if measured:
            return numbers.value_text(v, numbers.numbers_in(against))
        return numbers.limit_text(v)
    if isinstance(v, str):
        return v if measured else numbers.group_in(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x, against) for x in v) + "]"
    if isinstance(v, dict):  # nested detail (per-region statistics) stays in --json
        return ", ".join(f"{k}={_fmt(x, (against.get(k, against) if isinstance(against, dict) else against))}"
                         for k, x in v.items() if not isinstance(x, dict))
    return str(v)


def cmd_check(args: argparse.Namespace, out: Out) -> int:
    from . import batch
    from .rules import load_pack

    _require_kind(args.kind)
    load_pack(args.rules)  # fail early on a bad pack, once
    jobs = [(f, args.kind, args.rules) for f in args.files]
    reports = list(batch.run(_check_one, jobs, jobs=args.jobs, progress=_progress(len(jobs), out)))
    if out.json:
        out.emit_json([r.to_json(out.lang) for r in reports])
    else:
        for r in reports:
            print_report(r, out)
    for r in reports:
        if r.error is not None:
            out.err(Text(f"{r.path}: ", f"{r.path}: ") + r.error.text)
    return max((r.exit_code for r in reports), default=0)


# --- fix --------------------------------------------------------------------------------

def _fix_one(job: tuple[str, str, str, str | None, dict]):
    from . import core

    src, dst, kind, rules, opts = job
    return core.fix_file(src, dst, kind=kind, pack=rules, **opts)


def default_fix_name(src: Path, kind: str) -> str:
    return f"{src.stem}_{'报名照片' if kind == 'photo' else '材料'}.jpg"


def cmd_fix(args: argparse.Namespace, out: Out) -> int:
    from . import batch
    from .fsutil import ensure_writable_dir
    from .rules import load_pack

    _require_kind(args.kind)
    load_pack(args.rules)
    files = [Path(f) for f in args.files]
    target = Path(args.output)
    opts: dict[str, Any] = {}
    if args.kind == "material" and args.crop:
        opts["crop"] = True
    if len(files) == 1 and not (target.is_dir() or args.output.endswith(("/", os.sep))):
        jobs = [(str(files[0]), str(target), args.kind, args.rules, opts)]
    else:
        ensure_writable_dir(target)
        names: set[str] = set()
        jobs = []
        for f in files:
            name = default_fix_name(f, args.kind)
            base, n = name, 2
            while name in names:  # two inputs with the same stem
                name = base.replace(".jpg", f"-{n}.jpg")
                n += 1
            names.add(name)
            jobs.append((str(f), str(target / name), args.kind, args.rules, opts))
    results = list(batch.run(_fix_one, jobs, jobs=args.jobs, progress=_progress(len(jobs), out)))
    if out.json:
        out.emit_json([r.to_json(out.lang) for r in results])
    for r in results:
        if r.ok:
            if not out.json:
                out.line(f"✓ {r.source} → {', '.join(map(str, r.outputs))}")
                for s in r.steps:
                    out.line(f"    · {out.t(s)}")
        else:
            msg = r.error.text if r.error else Text("修复失败", "fix failed")
            out.err(Text(f"✗ {r.source}: ", f"✗ {r.source}: ") + msg)
            if r.error is not None and r.error.hint:
                out.err(Text("  → ", "  → ") + r.error.hint)
    return max((r.exit_code for r in results), default=0)


# --- verify -----------------------------------------------------------------------------

def cmd_verify(args: argparse.Namespace, out: Out) -> int:
    from . import io as pio
    from .fix.seal import verify

    rows = []
    code = 0
    for f in args.files:
        try:
            info = pio.probe(f)
            st = verify(info.data)
            row = {"path": f, **st.to_json(out.lang), "error": None}
            c = 0 if st.intact else 4
        except PhotocheckError as e:
            row = {"path": f, "seal": None, "intact": False, "error": e.to_json(out.lang)}
            st = None
            c = e.exit_code
            out.err(Text(f"{f}: ", f"{f}: ") + e.text)
        code = max(code, c)
        rows.append(row)
        if not out.json and st is not None:
            out.line(f"{'✓' if st.intact else '✗'} {f}: {out.t(st.message)}")
    if out.json:
        out.emit_json(rows)
    return code


# --- entry ------------------------------------------------------------------------------

def build_parser() -> ArgParser:
    common = common_parent()
    p = ArgParser(prog="photocheck", description="医考报名照片与材料检测工具 / exam photo and document checker")
    p.add_argument("--version", action="version", version=f"photocheck {__version__}")
    p.add_argument("--self-test", action="store_true", help="load models and packs, run a smoke test / 自检")
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # for --self-test
    p.add_argument("--lang", choices=["zh_CN", "en"], default=None, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", parser_class=ArgParser)

    c = sub.add_parser("check", parents=[common], help="检测照片或材料 / check files")
    c.add_argument("--kind", choices=["photo", "material"], default="photo")
    c.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.set_defaults(func=cmd_check)

    f = sub.add_parser("fix", parents=[common], help="修复并保存 / fix and save")
    f.add_argument("--kind", choices=["photo", "material"], default="photo")
    f.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file (one input) or folder / 输出文件或文件夹")
    f.add_argument("--crop", action="store_true", help="materials: crop to the document and straighten it")
    f.add_argument("--jobs", type=int, default=None)
    f.add_argument("files", nargs="+", metavar="FILE")
    f.set_defaults(func=cmd_fix)

    v = sub.add_parser("verify", parents=[common], help="校验检测印记 / verify the seal")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_verify)

    for mod_name in EXTENSIONS:
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as e:
            if e.name == mod_name:
                continue
            raise
        mod.register(sub, common)
    return p


def utf8_streams() -> None:
    """Standard output and error in UTF-8 when they are a pipe or a file. On Windows those
    get the ANSI code page (cp936 on Chinese Windows, cp1252 on others), which cannot carry
    every name, so `--json` would fail on a candidate's name and messages would turn into
    escapes. A console keeps Python's own Unicode writer."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc != "utf8" and hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    from .logsetup import divert_native_stderr, setup_logging

    if argv is None:  # the photocheck process itself, not a caller of main()
        divert_native_stderr()
    argv = list(sys.argv[1:] if argv is None else argv)
    utf8_streams()
    setup_logging()
    lang_hint = "en" if "--lang" in argv and argv[argv.index("--lang") + 1:][:1] == ["en"] else None
    out = Out(normalise_lang(lang_hint), "--json" in argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        out = _out(args)
        if args.self_test:
            from .selftest import run_self_test

            return run_self_test(out)
        if not getattr(args, "command", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args, out) or 0)
    except PhotocheckError as e:
        out.err(e.text)
        if e.hint:
            out.err(e.hint)
        return e.exit_code
    except KeyboardInterrupt:
        out.err(Text("已取消", "cancelled"))
        return 130
    except BrokenPipeError:  # e.g. `photocheck ... | head`: the reader left; not an error
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return 0
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else 2
    except Exception:  # noqa: BLE001 - log it, never show a traceback
        path = setup_logging()
        log.exception("unexpected error; argv=%r", argv)
        out.err(Text(f"发生意外错误，详情已记入日志：{path}", f"unexpected error; details logged to: {path}"))
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
