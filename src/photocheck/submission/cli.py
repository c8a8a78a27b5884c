"""``photocheck package ...`` and ``photocheck audit``: thin commands over the submission module.

Registered by photocheck.cli (``register(subparsers, common_parent)``). Exit codes
follow contract.md: 0 ok, 1 a file fails its checks, 2 usage, 3 input/output,
4 integrity (seal or package damaged/tampered), 5 refused (locked, full,
incomplete, in use). Commands never prompt.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import PhotocheckError, UsageError
from ..text import Text


def _emit_error(out: Any, e: PhotocheckError, **extra: Any) -> int:
    if out.json:
        out.emit_json({"ok": False, **extra, "error": e.to_json(out.lang)})
    out.err(e.text)
    if e.hint:
        out.err(e.hint)
    return e.exit_code


def _guarded(fn):
    """Any library error becomes the contract's message and exit code, plus a JSON
    object on stdout under --json (so scripts see why, not just an exit code)."""
    def run(args: argparse.Namespace, out: Any) -> int:
        try:
            return fn(args, out)
        except PhotocheckError as e:
            return _emit_error(out, e)
    run.__name__ = fn.__name__
    return run


# --- package ----------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace, out: Any) -> int:
    from . import package

    pkg = package.create(args.dir, profile_items=args.profile or None, rules=args.rules, candidate_name=args.name,
                         registration_no=args.number)
    with pkg:
        if out.json:
            out.emit_json({"ok": True, **pkg.status_json(out.lang)})
        else:
            out.line(out.t(Text(f"已创建材料包：{pkg.label}", f"package created: {pkg.label}")))
            _print_status(pkg, out, files=False)
    return 0


def cmd_add(args: argparse.Namespace, out: Any) -> int:
    from . import package

    with package.open_package(args.dir, write=True, rules=args.rules) as pkg:
        try:
            res = pkg.add(args.slot, list(args.files), fix=args.fix, replace=args.replace)
        except package.PackageRefused as e:
            return _emit_error(out, e, slot=args.slot)
        slot = pkg.slot(args.slot)
        if out.json:
            out.emit_json({"ok": True, "slot": res.slot, "count": len(slot.files), "max": slot.spec.max,
                           "added": [{"index": slot.files.index(f) + 1, **f.to_json()} for f in res.added],
                           "replaced": res.replaced.name if res.replaced else None,
                           "warnings": [{"file": s, "message": w.get(out.lang)} for s, w in res.warnings]})
        else:
            for f in res.added:
                i = slot.files.index(f) + 1
                how = Text("（已修复）", " (fixed)") if f.fixed else Text("", "")
                out.line(out.t(Text(f"✓ {f.original} → {slot.spec.name.zh} 第 {i} 张{how.zh}",
                                    f"✓ {f.original} → {slot.spec.name.en} image {i}{how.en}")))
            n, mx = len(slot.files), slot.spec.max
            out.line(out.t(Text(f"  {slot.spec.name.zh}：{n}" + (f"/{mx}" if mx else "") + " 张",
                                f"  {slot.spec.name.en}: {n}" + (f"/{mx}" if mx else "") + " images")))
        for _src, w in res.warnings:
            out.err(Text("警告：", "warning:") + w)
    return 0


def cmd_remove(args: argparse.Namespace, out: Any) -> int:
    from . import package

    with package.open_package(args.dir, write=True, rules=args.rules) as pkg:
        try:
            entry = pkg.remove(args.slot, args.index)
        except package.PackageRefused as e:
            return _emit_error(out, e, slot=args.slot)
        slot = pkg.slot(args.slot)
        if out.json:
            out.emit_json({"ok": True, "slot": slot.id, "removed": entry.name, "count": len(slot.files)})
        else:
            out.line(out.t(Text(f"已删除 {slot.spec.name.zh} 第 {args.index} 张（{entry.original}），剩余 {len(slot.files)} 张",
                                f"removed {slot.spec.name.en} image {args.index} ({entry.original}); {len(slot.files)} left")))
    return 0


def _pad(text: str, width: int) -> str:
    """Left-align for a terminal where CJK characters take two columns."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _trust(args: argparse.Namespace) -> Any:
    """The reviewer trust list: ``--trusted-keys``, else the configured file, else None."""
    from . import signing

    return signing.trust_for(getattr(args, "trusted_keys", None))


def _print_status(pkg: Any, out: Any, *, files: bool = True, trust: Any = None) -> None:
    m = pkg.manifest
    lang = out.lang
    checks = {d.target: d for d in pkg.decisions(trust)}
    state = m.state.label
    if checks and not all(d.verified for d in checks.values()):
        state = state + Text("（审核决定未验证）", " (decisions unverified)")
    out.line(out.t(Text(f"材料包：{pkg.label}    状态：{state.zh}", f"package: {pkg.label}    state: {state.en}")))
    if m.legacy:
        out.line("  " + out.t(Text("旧版材料包（格式版本 1）：审核决定没有签名", "a version 1 package: decisions are unsigned")))
    who = " ".join(x for x in (m.candidate_name or "", f"报名号 {m.registration_no}" if m.registration_no else "") if x)
    if who:
        out.line(f"  {who}")
    out.line(f"  {'规则' if lang != 'en' else 'rules'}: {m.rules_id}@{m.rules_version}")
    for s in m.slots:
        mx = f"/{s.spec.max}" if s.spec.max is not None else ""
        flag = "✓" if s.accepted else ("!" if s.state.value == "returned" else " ")
        req = "" if s.spec.min else (" (可选)" if lang != "en" else " (optional)")
        out.line(f"  {flag} {s.id:<18} {_pad(s.spec.name.get(lang), 14)} {_pad(f'{len(s.files)}{mx}', 5)} "
                 f"{out.t(s.state.label)}{req}")
        for idx, reason in s.reasons:
            where = Text(f"第 {idx} 张", f"image {idx}") if idx else Text("整项", "whole item")
            out.line("      " + out.t(Text(f"退回理由（{where.zh}）：{reason.zh}", f"returned ({where.en}): {reason.en}")))
        if not files:
            continue
        for i, f in enumerate(s.files, 1):
            verdict = Text("检测通过", "passes") if f.check.passed else Text(
                "未通过：" + "、".join(f.check.failing or [f.check.error or "?"]),
                "fails: " + ", ".join(f.check.failing or [f.check.error or "?"]))
            bits = [out.t(verdict)]
            if f.seal:
                bits.append(("印记 " if lang != "en" else "seal ") + f.seal)
            if f.review:
                bits.append({"accepted": "审核通过" if lang != "en" else "accepted",
                             "rejected": "退回" if lang != "en" else "returned"}[f.review.decision]
                            + f" ({out.t(checks[f'{s.id}:{i}'].label)})")
            out.line(f"      {i}. {f.original}  [{f.name}]  " + "  ".join(bits))
            for w in f.warnings:
                out.line("         ! " + out.t(w))


def cmd_status(args: argparse.Namespace, out: Any) -> int:
    from . import package

    trust = _trust(args)
    with package.open_package(args.dir, rules=args.rules) as pkg:
        if out.json:
            out.emit_json(pkg.status_json(out.lang, trust))
        else:
            _print_status(pkg, out, trust=trust)
    return 0


def cmd_submit(args: argparse.Namespace, out: Any) -> int:
    from . import package

    with package.open_package(args.dir, write=True, rules=args.rules) as pkg:
        try:
            pkg.submit()
        except package.PackageRefused as e:
            return _emit_error(out, e)
        if out.json:
            out.emit_json({"ok": True, "state": pkg.manifest.state.value, "state_label": pkg.manifest.state.label.get(out.lang)})
        else:
            out.line(out.t(Text("已提交审核，材料已锁定", "submitted for review; the package is locked")))
    return 0


def cmd_verify(args: argparse.Namespace, out: Any) -> int:
    from . import package

    trust = _trust(args)
    with package.open_package(args.dir, rules=args.rules) as pkg:
        res = pkg.verify(recheck=not args.no_recheck, trust=trust)
    if out.json:
        out.emit_json(res.to_json(out.lang))
    else:
        if res.problems:
            head = Text(f"材料包有问题（{res.files} 个文件）：", f"problems in the package ({res.files} files):") if res.intact \
                else Text(f"材料包不完整或已被改动（{res.files} 个文件）：", f"the package is damaged or tampered with ({res.files} files):")
            out.line(out.t(head))
            for p in res.problems:
                out.line(f"  ✗ {out.t(p.text)}")
        else:
            out.line(out.t(Text(f"✓ 材料包完好：{res.events} 条记录的哈希链、{res.files} 个文件的哈希、印记和检测均无问题",
                                f"✓ package intact: the chain of {res.events} history events, and the hashes, seals "
                                f"and checks of all {res.files} files are fine")))
        for d in res.decisions:
            if d.verified:
                out.line(f"  ✓ {d.target}: {out.t(d.label)}")
        for n in res.notes:
            out.line(f"  ! {out.t(n.text)}")
    for p in res.problems:
        if p.exit_code == 4:
            out.err(p.text)
    return res.exit_code


class _Decide(argparse.Action):
    """--accept / --reject / --reason in command-line order; a reason belongs to the reject before it."""

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, value: Any, option: str | None = None):
        decisions = list(getattr(ns, "decisions", None) or [])
        if self.dest == "reason":
            target = next((d for d in reversed(decisions) if d[0] == "reject" and d[2] is None), None)
            if target is None:
                parser.error("--reason must follow the --reject it explains / --reason 须紧跟在对应的 --reject 之后")
            decisions[decisions.index(target)] = (target[0], target[1], value)
        else:
            decisions.append((self.dest, value, None))
        ns.decisions = decisions


def cmd_review(args: argparse.Namespace, out: Any) -> int:
    from . import package, review

    if args.list_reasons:
        rows = [{"id": t.id, "zh": t.zh, "en": t.en} for t in review.TEMPLATES]
        if out.json:
            out.emit_json(rows)
        else:
            for t in review.TEMPLATES:
                out.line(f"{t.id:<16} {t.zh}  {t.en}")
        return 0
    if not args.dir:
        raise UsageError(Text("缺少材料包路径", "the package path is missing"))
    decisions = []
    for action, target, reason in args.decisions or []:
        slot, index = review.parse_target(target)
        text, rid = review.reason_text(reason) if reason is not None else (None, None)
        decisions.append(review.Decision(action, slot, index, text, rid))
    from . import signing

    key = signing.load_key_file(args.key) if args.key else signing.load_or_create()
    with package.open_package(args.dir, write=True, rules=args.rules) as pkg:
        try:
            outcome = review.apply(pkg, decisions, reviewer=args.reviewer, key=key)
        except package.PackageRefused as e:
            return _emit_error(out, e)
        if out.json:
            out.emit_json({"ok": True, "state": outcome.state.value, "state_label": outcome.state.label.get(out.lang),
                           "decisions": [{"action": d.action, "target": d.target,
                                          "reason": d.reason.get(out.lang) if d.reason else None}
                                         for d in outcome.applied]})
        else:
            for d in outcome.applied:
                if d.action == "accept":
                    out.line(out.t(Text(f"✓ 通过 {d.target}", f"✓ accepted {d.target}")))
                else:
                    r = d.reason or Text("", "")
                    out.line(out.t(Text(f"↩ 退回 {d.target}：{r.zh}", f"↩ returned {d.target}: {r.en}")))
            out.line(out.t(Text(f"材料包状态：{outcome.state.label.zh}", f"package state: {outcome.state.label.en}")))
    return 0


def cmd_key(args: argparse.Namespace, out: Any) -> int:
    """This user's reviewer key (made on first use): the line the exam office puts in its trust file."""
    from . import signing

    key = signing.load_key_file(args.key) if args.key else signing.load_or_create()
    line = signing.trust_line(key.public_hex, args.name)
    if out.json:
        out.emit_json({"key": key.public_hex, "fingerprint": signing.fingerprint(key.public_hex), "trust_line": line,
                       "private_key_file": str(key.path) if key.path else None})
    else:
        out.line(line)
        out.err(Text(f"指纹 {signing.fingerprint(key.public_hex)}；私钥保存在 {key.path}，请勿外传。"
                     "把上面一行交给考务机构，加入审核人信任文件。",
                     f"fingerprint {signing.fingerprint(key.public_hex)}; the private key is in {key.path}: keep it "
                     f"to yourself. Give the line above to the exam office for its reviewer trust file."))
    return 0


# --- audit ------------------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace, out: Any) -> int:
    from ..cli import ProgressBar
    from ..rules import load_pack
    from . import audit

    load_pack(args.rules)  # a bad pack fails once, up front
    if args.engine == "dask":
        from .dask_engine import require_dask

        require_dask()  # a clear message before any work when Dask is missing
    reports = args.report or []
    jobs = audit.collect(args.paths, kind=args.kind, rules=args.rules, thumbs=audit.wants_thumbs(reports))
    sinks = audit.open_reports(reports, out.lang, args.rules)
    bar = ProgressBar(len(jobs), label="audit ")
    progress = bar if bar.enabled and len(jobs) > 1 else None
    rows_json: list[dict] = []

    def show(row: Any) -> None:
        if out.json:
            rows_json.append(row.to_json(out.lang))
        elif row.verdict != "pass":
            what = row.error_code if row.verdict == "error" else ";".join(row.failing)
            out.line(f"{'✗' if row.verdict == 'fail' else '?'} {audit.mask_ids(row.path)}  {row.kind}  {what}")

    rows = audit.run(jobs, engine=args.engine, workers=args.jobs, scheduler=args.scheduler, progress=progress)
    counts, code = audit.feed(rows, sinks, show)
    if out.json:
        out.emit_json({"files": len(jobs), **counts, "reports": reports, "rows": rows_json})
    else:
        out.line(out.t(Text(f"共 {len(jobs)} 个文件：通过 {counts['pass']}，不通过 {counts['fail']}，无法检测 {counts['error']}",
                            f"{len(jobs)} files: {counts['pass']} pass, {counts['fail']} fail, {counts['error']} error")))
        for r in reports:
            out.line(out.t(Text(f"报告：{r}", f"report: {r}")))
    return code


# --- registration -----------------------------------------------------------------------------

def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    pkg = subparsers.add_parser("package", help="报名材料包 / submission package")
    psub = pkg.add_subparsers(dest="package_command", parser_class=type(pkg), required=True)

    p = psub.add_parser("init", parents=[common], help="创建材料包 / create a package")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--profile", nargs="+", action="extend", metavar="KEY=VALUE",
                   help="考生情况，或一个 JSON 文件 / candidate profile, or a JSON file")
    p.add_argument("--name", default=None, help="考生姓名（可选）/ candidate name (optional)")
    p.add_argument("--number", default=None, metavar="报名号", help="报名号（可选）/ registration number (optional)")
    p.set_defaults(func=_guarded(cmd_init))

    p = psub.add_parser("add", parents=[common], help="加入图片 / add images to a slot")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--slot", required=True)
    p.add_argument("--fix", action="store_true", help="加入前自动修复 / fix on the way in")
    p.add_argument("--replace", type=int, default=None, metavar="N", help="替换第 N 张 / replace image N")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_guarded(cmd_add))

    p = psub.add_parser("remove", parents=[common], help="删除一张图片 / delete one image")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--slot", required=True)
    p.add_argument("--index", type=int, required=True, metavar="N", help="从 1 开始 / 1-based")
    p.set_defaults(func=_guarded(cmd_remove))

    trusted_help = "审核人信任文件（考务机构提供）/ reviewer trust file (from the exam office)"
    p = psub.add_parser("status", parents=[common], help="查看材料包 / show the package")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--trusted-keys", metavar="FILE", default=None, help=trusted_help)
    p.set_defaults(func=_guarded(cmd_status))

    p = psub.add_parser("submit", parents=[common], help="提交审核并锁定 / submit and lock")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(func=_guarded(cmd_submit))

    p = psub.add_parser("verify", parents=[common], help="校验完整性并复检 / verify integrity and re-check")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--no-recheck", action="store_true", help="只校验哈希和印记 / hashes and seals only")
    p.add_argument("--trusted-keys", metavar="FILE", default=None, help=trusted_help)
    p.set_defaults(func=_guarded(cmd_verify))

    p = psub.add_parser("review", parents=[common], help="审核 / a reviewer's decision")
    p.add_argument("dir", metavar="DIR", nargs="?")
    p.add_argument("--accept", action=_Decide, dest="accept", metavar="SLOT[:N]")
    p.add_argument("--reject", action=_Decide, dest="reject", metavar="SLOT[:N]")
    p.add_argument("--reason", action=_Decide, dest="reason", metavar="TEXT",
                   help="退回理由：模板编号或文字 / template id or free text")
    p.add_argument("--reviewer", default=None, metavar="NAME")
    p.add_argument("--key", default=None, metavar="FILE",
                   help="用这个私钥签名（默认：本用户的审核人密钥）/ sign with this private key (default: this user's)")
    p.add_argument("--list-reasons", action="store_true", help="列出理由模板 / list reason templates")
    p.set_defaults(func=_guarded(cmd_review), decisions=None)

    p = psub.add_parser("key", parents=[common],
                        help="显示审核人公钥（首次使用时生成）/ show the reviewer's public key (made on first use)")
    p.add_argument("--name", default=None, metavar="NAME", help="写在信任文件行中的姓名 / the name for the trust line")
    p.add_argument("--key", default=None, metavar="FILE", help="私钥文件 / a private key file")
    p.set_defaults(func=_guarded(cmd_key))

    a = subparsers.add_parser("audit", parents=[common], help="批量审核 / batch audit")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--kind", choices=["auto", "photo", "material"], default="auto")
    a.add_argument("--report", action="append", metavar="FILE.html|FILE.csv")
    a.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    a.add_argument("--engine", choices=["local", "dask"], default="local")
    a.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler (default: a local cluster)")
    a.set_defaults(func=_guarded(cmd_audit))


if __name__ == "__main__":  # pragma: no cover
    from ..cli import main

    sys.exit(main(["package", *sys.argv[1:]]))
