"""``photocheck materials``: the materials checklist of a candidate profile (manual section 二)."""

from __future__ import annotations

from typing import Any

from .. import catalogue
from ..catalogue import Catalogue, Profile
from ..text import Text


def _describe_profile(cat: Catalogue, prof: Profile, lang: str) -> str:
    parts = []
    for k in cat.profile_keys:
        v = prof[k.id]
        if k.id in prof.given or v != k.default:
            parts.append(f"{k.name.get(lang)}: {k.label(v).get(lang)}")
    if not parts:
        return ("默认（全日制本科、往届、大陆居民、非部队）" if lang != "en"
                else "default (full-time bachelor, earlier year, mainland, not military)")
    return ("；" if lang != "en" else "; ").join(parts)


def cmd_materials(args: Any, out: Any) -> int:
    cat = catalogue.load(args.rules)
    lang = out.lang
    if args.keys:
        if out.json:
            out.emit_json({"rules": cat.pack_label, "keys": [k.to_json(lang) for k in cat.profile_keys]})
            return 0
        out.line("考生情况（--profile 键=值）：" if lang != "en" else "Profile keys (--profile KEY=VALUE):")
        for k in cat.profile_keys:
            out.line(f"  {k.id}  {out.t(k.name)}  [{'默认' if lang != 'en' else 'default'}: {k.default}]")
            for v, lab in zip(k.values, k.labels):
                out.line(f"      {v:<14} {out.t(lab)}")
        return 0
    prof = catalogue.parse_profile(args.profile, cat)
    required = cat.required_slots(prof)
    optional = [s for s in cat.slots if s not in required and s.min == 0]
    if out.json:
        out.emit_json({"rules": cat.pack_label, "profile": prof.to_json(),
                       "slots": [s.to_json(lang) for s in required],
                       "optional": [s.to_json(lang) for s in optional],
                       "requirements": [r.get(lang) for r in cat.reminders]})
        return 0
    title = Text(f"报名材料清单（{cat.pack_name.zh}）", f"Materials checklist ({cat.pack_name.en})")
    out.line(title.get(lang) if lang == "en" else title.zh)
    out.line(("考生情况：" if lang != "en" else "Profile: ") + _describe_profile(cat, prof, lang))
    for n, s in enumerate(required, 1):
        name = s.name.en if lang == "en" else s.name.zh
        count = s.count_text().en if lang == "en" else s.count_text().zh
        out.line(f"{n:>2}. {s.id:<34} {name}  —  {count}")
        out.line(f"      {s.description.en if lang == 'en' else s.description.zh}")
    for s in optional:
        name = s.name.en if lang == "en" else s.name.zh
        out.line(f" +  {s.id:<34} {name}  —  {s.count_text().get(lang)}")
    if cat.reminders:
        out.line("每张图片：" if lang != "en" else "Every image:")
        for r in cat.reminders:
            out.line(f"  · {r.get(lang)}")
    return 0


def register(subparsers: Any, common: Any) -> None:
    """Add ``photocheck materials`` to the CLI."""
    p = subparsers.add_parser("materials", parents=[common],
                              help="报名材料清单 / the materials a candidate must upload")
    p.add_argument("--profile", nargs="+", action="extend", default=[], metavar="KEY=VALUE|FILE",
                   help="考生情况：键=值（可重复）或 JSON 文件 / profile answers, or a JSON file")
    p.add_argument("--keys", action="store_true", help="列出考生情况的键和取值 / list the profile keys and values")
    p.set_defaults(func=cmd_materials)
