#!/usr/bin/env python3
"""Translation workflow for the GUI: Qt Linguist .ts sources, compiled .qm catalogues.

    python tools/i18n.py update    # pyside6-lupdate over src/photocheck/gui -> resources/i18n/*.ts
    python tools/i18n.py compile   # pyside6-lrelease: each .ts -> .qm beside it (only when out of date)
    python tools/i18n.py check     # every string translated, placeholders kept, .ts up to date with the code

Source strings in the code are Chinese; photocheck_en.ts holds the English. ``compile``
is what ``make setup`` runs: idempotent, quick, and a no-op when nothing changed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "photocheck" / "gui"
I18N = ROOT / "resources" / "i18n"
SOURCE_LANGUAGE = "zh_CN"
TARGETS = ("en",)
PLACEHOLDER = re.compile(r"%[1-9n]")   # %n: the count of a plural message


def tool(name: str) -> str:
    """A PySide6 tool from the running interpreter's environment, else from PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"i18n: {name} not found; install PySide6-Essentials in this environment")
    return found


def sources() -> list[str]:
    return sorted(str(p) for p in SRC.rglob("*.py"))


def ts_path(lang: str) -> Path:
    return I18N / f"photocheck_{lang}.ts"


def lupdate(ts: Path, lang: str) -> None:
    cmd = [tool("pyside6-lupdate"), *sources(), "-ts", str(ts), "-source-language", SOURCE_LANGUAGE,
           "-target-language", lang, "-no-obsolete", "-locations", "none", "-silent"]
    subprocess.run(cmd, check=True)


def cmd_update(_args: argparse.Namespace) -> int:
    I18N.mkdir(parents=True, exist_ok=True)
    for lang in TARGETS:
        lupdate(ts_path(lang), lang)
        todo = unfinished(ts_path(lang))
        print(f"i18n: {ts_path(lang).relative_to(ROOT)}: {len(messages(ts_path(lang)))} strings, "
              f"{len(todo)} to translate")
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    stale = [ts for ts in sorted(I18N.glob("*.ts"))
             if args.force or not ts.with_suffix(".qm").exists()
             or ts.with_suffix(".qm").stat().st_mtime < ts.stat().st_mtime]
    if not stale:
        return 0
    for ts in stale:
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
        print(f"i18n: compiled {ts.with_suffix('.qm').relative_to(ROOT)}")
    return 0


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a .ts file."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out.append((name, msg.findtext("source") or "", msg.find("translation")))
    return out


def texts(t: ET.Element | None) -> list[str]:
    """A translation's text, or each of its plural forms (a message with %n, numerus="yes")."""
    if t is None:
        return []
    forms = t.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [t.text or ""]


def unfinished(ts: Path) -> list[tuple[str, str]]:
    return [(c, s) for c, s, t in messages(ts)
            if t is None or t.get("type") in ("unfinished", "vanished", "obsolete")
            or not all(x.strip() for x in texts(t)) or not texts(t)]


def problems(ts: Path) -> list[str]:
    out = [f"untranslated: [{c}] {s!r}" for c, s in unfinished(ts)]
    for c, s, t in messages(ts):
        for text in texts(t):
            if text and sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(text)):
                out.append(f"placeholders differ: [{c}] {s!r} -> {text!r}")
        if "<" in s and re.search(r"<[a-zA-Z/][^>]*>", s):
            out.append(f"HTML in a translatable string: [{c}] {s!r}")
    return out


def cmd_check(_args: argparse.Namespace) -> int:
    bad: list[str] = []
    for lang in TARGETS:
        ts = ts_path(lang)
        if not ts.exists():
            bad.append(f"missing {ts}")
            continue
        # Would lupdate change the set of strings? Run it on a copy.
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / ts.name
            shutil.copy2(ts, copy)
            lupdate(copy, lang)
            now = {(c, s) for c, s, _ in messages(copy)}
        before = {(c, s) for c, s, _ in messages(ts)}
        bad += [f"{ts.name}: new string not in the .ts (run tools/i18n.py update): [{c}] {s!r}"
                for c, s in sorted(now - before)]
        bad += [f"{ts.name}: string no longer in the code: [{c}] {s!r}" for c, s in sorted(before - now)]
        bad += [f"{ts.name}: {p}" for p in problems(ts)]
    for line in bad:
        print(line, file=sys.stderr)
    if not bad:
        print("i18n: translations complete and up to date")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="extract strings from the GUI code into the .ts files").set_defaults(func=cmd_update)
    c = sub.add_parser("compile", help="compile out-of-date .ts files to .qm")
    c.add_argument("--force", action="store_true", help="recompile everything")
    c.set_defaults(func=cmd_compile)
    sub.add_parser("check", help="fail on untranslated or stale strings").set_defaults(func=cmd_check)
    args = p.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
