"""The materials checklist: which document images a candidate must upload.

The seed manual's section 二 lives in the rule pack as data (``[[material.slots]]``,
``[material.profile.*]``, ``[[material.profile_rules]]``); this module only interprets it.

    cat = catalogue.load(pack)                       # -> Catalogue
    prof = cat.parse_profile(["graduating=yes"])     # or parse_profile([...], cat)
    for slot in cat.required_slots(prof): ...        # -> list[SlotSpec], catalogue order

Slot ids are stable (scripts and packages use them). ``photocheck materials`` prints
the required slots of a profile; ``--keys`` lists the profile questions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .rules import RulePack, RulePackError, load_pack
from .text import Text

_YES = {"yes", "y", "true", "1", "是", "对"}
_NO = {"no", "n", "false", "0", "否", "不是"}


def _bad_pack(pack: RulePack, zh: str, en: str) -> RulePackError:
    src = pack.source or pack.id
    return RulePackError(Text(f"规则包无效（{src}）：{zh}", f"invalid rule pack ({src}): {en}"))


@dataclass(frozen=True)
class ProfileKey:
    """One profile question, with its allowed values."""

    id: str
    name: Text
    values: tuple[str, ...]
    labels: tuple[Text, ...]
    default: str
    aliases: Mapping[str, str] = field(default_factory=dict)

    def label(self, value: str) -> Text:
        return self.labels[self.values.index(value)]

    def resolve(self, raw: Any) -> str | None:
        """The value id ``raw`` names (an id, a Chinese label, yes/no words), or None."""
        if isinstance(raw, bool):
            raw = "yes" if raw else "no"
        text = str(raw).strip()
        low = text.lower()
        for v in self.values:
            if low == v.lower():
                return v
        if set(self.values) == {"yes", "no"}:
            if low in _YES:
                return "yes"
            if low in _NO:
                return "no"
        for alias, v in self.aliases.items():
            if low == alias.lower():
                return v
        for v, lab in zip(self.values, self.labels):
            zh = lab.zh
            if text == zh or text == zh.split("（")[0] or low == lab.en.lower():
                return v
        return None

    def to_json(self, lang: str) -> dict:
        return {"key": self.id, "name": self.name.get(lang), "default": self.default,
                "values": [{"value": v, "label": lab.get(lang)} for v, lab in zip(self.values, self.labels)]}


@dataclass(frozen=True)
class Profile:
    """Answers to the profile questions; unanswered keys hold their defaults."""

    values: Mapping[str, str]
    given: frozenset[str] = frozenset()

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)

    def to_json(self) -> dict:
        return dict(self.values)


@dataclass(frozen=True)
class SlotSpec:
    """One material slot of the checklist."""

    id: str
    name: Text
    description: Text
    min: int
    max: int | None
    kinds: tuple[str, ...] = ()
    always: bool = False
    required_when: tuple[Mapping[str, frozenset[str]], ...] = ()
    distinct_kinds: bool = False

    @property
    def exact(self) -> int | None:
        return self.min if self.max is not None and self.min == self.max else None

    def required_for(self, profile: Profile) -> bool:
        if self.always:
            return True
        return any(all(profile.get(k) in vals for k, vals in alt.items()) for alt in self.required_when)

    def count_text(self) -> Text:
        if self.exact is not None:
            return Text(f"恰好 {self.exact} 张", f"exactly {self.exact}")
        if self.max is None:
            if self.min <= 0:
                return Text("可选，张数不限", "optional, any number")
            return Text(f"至少 {self.min} 张", f"at least {self.min}")
        if self.min <= 0:
            return Text(f"最多 {self.max} 张（可选）", f"up to {self.max} (optional)")
        return Text(f"至少 {self.min} 张，最多 {self.max} 张", f"at least {self.min}, at most {self.max}")

    def accepts(self, count: int) -> bool:
        return count >= self.min and (self.max is None or count <= self.max)

    def kind_matches(self, kind: str | None) -> bool | None:
        """Whether a recognised document kind belongs here; None when it cannot be told
        (the slot names no kinds, or the document was not recognised)."""
        if not self.kinds or not kind or kind == "unknown":
            return None
        return kind in self.kinds

    def to_json(self, lang: str) -> dict:
        return {"id": self.id, "name": self.name.get(lang), "description": self.description.get(lang),
                "min": self.min, "max": self.max, "count": self.count_text().get(lang),
                "kinds": list(self.kinds), "distinct_kinds": self.distinct_kinds}


@dataclass(frozen=True)
class ProfileRule:
    when: Mapping[str, frozenset[str]]
    require: Mapping[str, frozenset[str]]
    message: Text

    def violated(self, values: Mapping[str, str]) -> bool:
        if not all(values.get(k) in v for k, v in self.when.items()):
            return False
        return not all(values.get(k) in v for k, v in self.require.items())


@dataclass(frozen=True)
class Catalogue:
    slots: tuple[SlotSpec, ...]
    profile_keys: tuple[ProfileKey, ...]
    rules: tuple[ProfileRule, ...] = ()
    pack_label: str = ""
    pack_name: Text = field(default_factory=lambda: Text("", ""))
    reminders: tuple[Text, ...] = ()   # what every material image must be (seed: 上传的图片要求)

    def slot(self, slot_id: str) -> SlotSpec:
        for s in self.slots:
            if s.id == slot_id:
                return s
        raise KeyError(slot_id)

    def keys(self) -> list[ProfileKey]:
        return list(self.profile_keys)

    def key(self, key_id: str) -> ProfileKey:
        for k in self.profile_keys:
            if k.id == key_id:
                return k
        raise KeyError(key_id)

    def default_profile(self) -> Profile:
        return Profile({k.id: k.default for k in self.profile_keys})

    def required_slots(self, profile: Profile | None = None) -> list[SlotSpec]:
        prof = profile or self.default_profile()
        return [s for s in self.slots if s.required_for(prof)]

    def parse_profile(self, items: Any = None) -> Profile:
        return parse_profile(items, self)


# --------------------------------------------------------------------------- loading


def _values_map(pack: RulePack, where: str, table: Any, keys: Mapping[str, ProfileKey]) -> dict[str, frozenset[str]]:
    if not isinstance(table, dict):
        raise _bad_pack(pack, f"{where} 应为表", f"{where} must be a table")
    out: dict[str, frozenset[str]] = {}
    for k, vals in table.items():
        if k not in keys:
            raise _bad_pack(pack, f"{where} 引用了未知的考生情况键 {k}", f"{where} names an unknown profile key {k}")
        vals = vals if isinstance(vals, list) else [vals]
        bad = [v for v in vals if v not in keys[k].values]
        if bad:
            raise _bad_pack(pack, f"{where}.{k} 的取值 {bad} 无效", f"{where}.{k} has invalid values {bad}")
        out[k] = frozenset(vals)
    return out


def _text(d: Mapping, base: str, fallback: str = "") -> Text:
    return Text(str(d.get(f"{base}_zh", fallback)), str(d.get(f"{base}_en", d.get(f"{base}_zh", fallback))))


def load(pack: RulePack | str | None = None) -> Catalogue:
    """The catalogue of a rule pack (a RulePack, a pack id or path, or the default)."""
    rp = pack if isinstance(pack, RulePack) else load_pack(pack)
    return _load(rp)


_cache: dict[tuple[str, str], Catalogue] = {}


def _load(pack: RulePack) -> Catalogue:
    key = (pack.label, pack.source)
    if key in _cache:
        return _cache[key]
    extra = pack.material.extra
    prof_tab = extra.get("profile")
    slot_list = extra.get("slots")
    if not isinstance(prof_tab, dict) or not isinstance(slot_list, list):
        raise _bad_pack(pack, "缺少材料清单（[material.profile] 与 [[material.slots]]）",
                        "no materials catalogue ([material.profile] and [[material.slots]])")
    keys: dict[str, ProfileKey] = {}
    for kid, spec in prof_tab.items():
        values = tuple(str(v) for v in spec.get("values", []))
        lz, le = spec.get("labels_zh", list(values)), spec.get("labels_en", list(values))
        if not values or len(lz) != len(values) or len(le) != len(values):
            raise _bad_pack(pack, f"material.profile.{kid} 的 values/labels 不一致",
                            f"material.profile.{kid}: values and labels do not match")
        default = str(spec.get("default", values[0]))
        if default not in values:
            raise _bad_pack(pack, f"material.profile.{kid}.default 不在 values 中",
                            f"material.profile.{kid}.default is not one of its values")
        aliases = {str(a): str(v) for a, v in spec.get("aliases", {}).items()}
        if any(v not in values for v in aliases.values()):
            raise _bad_pack(pack, f"material.profile.{kid}.aliases 指向未知的取值",
                            f"material.profile.{kid}.aliases point to unknown values")
        keys[kid] = ProfileKey(kid, _text(spec, "name", kid), values,
                               tuple(Text(z, e) for z, e in zip(lz, le)), default, aliases)
    slots: list[SlotSpec] = []
    seen: set[str] = set()
    for n, s in enumerate(slot_list):
        sid = s.get("id")
        if not isinstance(sid, str) or not sid or sid in seen:
            raise _bad_pack(pack, f"material.slots[{n}] 的 id 缺失或重复", f"material.slots[{n}]: missing or duplicate id")
        seen.add(sid)
        lo, hi = s.get("min", 1), s.get("max")
        if not isinstance(lo, int) or lo < 0 or (hi is not None and (not isinstance(hi, int) or hi < max(lo, 1))):
            raise _bad_pack(pack, f"槽位 {sid} 的数量范围无效", f"slot {sid}: invalid min/max")
        alts = s.get("required_when", [])
        if not isinstance(alts, list):
            raise _bad_pack(pack, f"槽位 {sid} 的 required_when 应为列表", f"slot {sid}: required_when must be a list")
        slots.append(SlotSpec(
            id=sid, name=_text(s, "name", sid), description=_text(s, "description"), min=lo, max=hi,
            kinds=tuple(s.get("kinds", [])), always=bool(s.get("always", False)),
            required_when=tuple(_values_map(pack, f"slot {sid}.required_when", a, keys) for a in alts),
            distinct_kinds=bool(s.get("distinct_kinds", False))))
    rules = tuple(
        ProfileRule(_values_map(pack, "profile_rules.when", r.get("when", {}), keys),
                    _values_map(pack, "profile_rules.require", r.get("require", {}), keys),
                    _text(r, "message"))
        for r in extra.get("profile_rules", []))
    doc = extra.get("document", {}) if isinstance(extra.get("document"), dict) else {}
    reminders = tuple(Text(z, e) for z, e in zip(doc.get("reminders_zh", []), doc.get("reminders_en", [])))
    m = pack.material
    reminders += (Text(f"格式 {'/'.join(extra.get('extensions', ['jpg', 'jpeg', 'png']))}，单个文件不超过 "
                       f"{m.max_bytes // 1024} KB，长边至少 {m.min_long_side} 像素",
                       f"format {'/'.join(extra.get('extensions', ['jpg', 'jpeg', 'png']))}, at most "
                       f"{m.max_bytes // 1024} KB per file, long side at least {m.min_long_side} px"),)
    cat = Catalogue(tuple(slots), tuple(keys.values()), rules, pack.label, pack.info.name, reminders)
    _cache[key] = cat
    return cat


# --------------------------------------------------------------------------- profiles


def _usage(zh: str, en: str, hint: Text | None = None) -> UsageError:
    return UsageError(Text(zh, en), code="bad_profile",
                      hint=hint or Text("运行 photocheck materials --keys 查看可用的键和取值",
                                        "Run photocheck materials --keys to list the keys and values"))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise _usage(f"找不到考生情况文件：{path}", f"profile file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise _usage(f"无法读取考生情况文件：{path}", f"cannot read the profile file: {path} ({e})") from None
    except json.JSONDecodeError as e:
        raise _usage(f"考生情况文件不是有效的 JSON：{path}（第 {e.lineno} 行）",
                     f"the profile file is not valid JSON: {path} (line {e.lineno})") from None
    if isinstance(data, dict) and isinstance(data.get("profile"), dict):
        data = data["profile"]
    if not isinstance(data, dict):
        raise _usage(f"考生情况文件应为 JSON 对象（键: 值）：{path}", f"the profile file must hold a JSON object: {path}")
    return data


def _pairs(items: Any) -> list[tuple[str, Any]]:
    if items is None:
        return []
    if isinstance(items, Mapping):
        return list(items.items())
    if isinstance(items, (str, Path)):
        items = [items]
    pairs: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, Path) or (isinstance(item, str) and "=" not in item):
            path = Path(item)
            if path.suffix.lower() != ".json" and not path.is_file():
                raise _usage(f"考生情况应写成 键=值，或给出 JSON 文件：{item}",
                             f"a profile entry must be KEY=VALUE or a JSON file: {item}")
            pairs.extend(_read_json(path).items())
            continue
        key, _, value = str(item).partition("=")
        if not key.strip():
            raise _usage(f"考生情况缺少键：{item}", f"profile entry without a key: {item}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def parse_profile(items: Any = None, catalogue: Catalogue | RulePack | str | None = None) -> Profile:
    """A Profile from ``KEY=VALUE`` strings, JSON file paths, or a mapping.

    ``catalogue`` may also be a rule pack (or its id or path); the default pack is used
    when it is None.

    Raises UsageError (exit code 2, bilingual) on an unknown key, a value the key does
    not allow, a key given twice with different values, or an impossible combination."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load(catalogue)
    values = {k.id: k.default for k in cat.profile_keys}
    given: dict[str, str] = {}
    known = ", ".join(k.id for k in cat.profile_keys)
    for raw_key, raw_value in _pairs(items):
        key_id = raw_key.strip().lower().replace("-", "_")
        try:
            key = cat.key(key_id)
        except KeyError:
            raise _usage(f"未知的考生情况键：{raw_key}（可用：{known}）",
                         f"unknown profile key: {raw_key} (known: {known})") from None
        value = key.resolve(raw_value)
        if value is None:
            allowed = ", ".join(key.values)
            raise _usage(f"{key.id} 的取值无效：{raw_value!s}（可用：{allowed}）",
                         f"invalid value for {key.id}: {raw_value!s} (allowed: {allowed})")
        if key.id in given and given[key.id] != value:
            raise _usage(f"{key.id} 给出了两个不同的值：{given[key.id]} 和 {value}",
                         f"{key.id} is given twice with different values: {given[key.id]} and {value}")
        given[key.id] = value
        values[key.id] = value
    for rule in cat.rules:
        if rule.violated(values):
            raise _usage(f"考生情况自相矛盾：{rule.message.zh}", f"inconsistent profile: {rule.message.en}")
    return Profile(values, frozenset(given))


# --------------------------------------------------------------------------- CLI


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
    cat = load(args.rules)
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
    prof = parse_profile(args.profile, cat)
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


def slot_ids(cat: Catalogue | None = None) -> list[str]:
    return [s.id for s in (cat or load()).slots]


def required_ids(profile_items: Iterable[str] | Mapping[str, Any] | None = None,
                 pack: RulePack | str | None = None) -> list[str]:
    """Convenience: the required slot ids for a profile given as KEY=VALUE strings."""
    cat = load(pack)
    return [s.id for s in cat.required_slots(parse_profile(profile_items, cat))]


__all__ = ["Catalogue", "Profile", "ProfileKey", "SlotSpec", "load", "parse_profile", "register",
           "required_ids", "slot_ids"]

