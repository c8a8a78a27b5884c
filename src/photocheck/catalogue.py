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
from .rules import RulePack, load_pack
from .text import Text

_YES = {"yes", "y", "true", "1", "是", "对"}
_NO = {"no", "n", "false", "0", "否", "不是"}


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


def load(pack: RulePack | str | None = None) -> Catalogue:
    """The catalogue of a rule pack (a RulePack, a pack id or path, or the default)."""
    rp = pack if isinstance(pack, RulePack) else load_pack(pack)
    return _load(rp)


_cache: dict[tuple[str, str], Catalogue] = {}


def _condition(cond: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in cond.items()}


def _load(pack: RulePack) -> Catalogue:
    """The catalogue from the pack's typed ``[material]`` data (``rules.MaterialRules``),
    which the pack loader has already checked: keys, types and cross-references."""
    key = (pack.label, pack.source)
    if key in _cache:
        return _cache[key]
    m = pack.material
    keys = tuple(ProfileKey(kid, Text(k.name_zh, k.name_en or k.name_zh), k.values,
                            tuple(Text(z, e) for z, e in zip(k.labels_zh, k.labels_en)), k.default, dict(k.aliases))
                 for kid, k in m.profile.items())
    slots = tuple(SlotSpec(id=s.id, name=Text(s.name_zh, s.name_en or s.name_zh),
                           description=Text(s.description_zh, s.description_en or s.description_zh),
                           min=s.min, max=s.max, kinds=s.kinds, always=s.always,
                           required_when=tuple(_condition(c) for c in s.required_when),
                           distinct_kinds=s.distinct_kinds)
                  for s in m.slots)
    rules = tuple(ProfileRule(_condition(r.when), _condition(r.require), Text(r.message_zh, r.message_en))
                  for r in m.profile_rules)
    formats = "/".join(m.extensions)
    reminders = m.document.reminders + (
        Text(f"格式 {formats}，单个文件不超过 {m.max_bytes // 1024} KB，长边至少 {m.min_long_side} 像素",
             f"format {formats}, at most {m.max_bytes // 1024} KB per file, long side at least {m.min_long_side} px"),)
    cat = Catalogue(slots, keys, rules, pack.label, pack.info.name, reminders)
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


def slot_ids(cat: Catalogue | None = None) -> list[str]:
    return [s.id for s in (cat or load()).slots]


def required_ids(profile_items: Iterable[str] | Mapping[str, Any] | None = None,
                 pack: RulePack | str | None = None) -> list[str]:
    """Convenience: the required slot ids for a profile given as KEY=VALUE strings."""
    cat = load(pack)
    return [s.id for s in cat.required_slots(parse_profile(profile_items, cat))]


__all__ = ["Catalogue", "Profile", "ProfileKey", "SlotSpec", "load", "parse_profile", "required_ids", "slot_ids"]

