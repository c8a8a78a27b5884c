"""The slots of a package, taken from the materials catalogue of the rule pack.

``photocheck.catalogue`` owns the data (which materials exist, who needs them, how
many images each takes). This module only turns its slot specs into the small,
frozen ``SlotSpec`` the package records in its manifest, so that a package stays
readable even when the catalogue changes later.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..rules import RulePack
from ..text import Text

PHOTO_SLOT = "photo"


@dataclass(frozen=True)
class SlotSpec:
    id: str
    name: Text
    min: int                       # images required (0: optional slot)
    max: int | None                # None: no upper limit
    kinds: tuple[str, ...] = ()    # expected DocumentInfo.kind values; empty: any
    required: bool = True

    @property
    def check_kind(self) -> str:
        return "photo" if self.id == PHOTO_SLOT else "material"

    def count_text(self) -> Text:
        if self.max is not None and self.min == self.max:
            return Text(f"{self.min} 张", f"exactly {self.min}")
        if self.max is None:
            return Text(f"至少 {self.min} 张", f"at least {self.min}")
        return Text(f"{self.min}–{self.max} 张", f"{self.min} to {self.max}")

    def to_json(self) -> dict:
        return {"id": self.id, "name": {"zh": self.name.zh, "en": self.name.en}, "min": self.min,
                "max": self.max, "kinds": list(self.kinds), "required": self.required}


def _catalogue():
    try:
        return importlib.import_module("photocheck.catalogue")
    except ModuleNotFoundError as e:
        if e.name != "photocheck.catalogue":
            raise
        raise UsageError(Text("材料目录模块（photocheck.catalogue）不可用，无法确定所需材料",
                              "the materials catalogue (photocheck.catalogue) is not available"),
                         code="no_catalogue") from None


def read_profile_items(items: Sequence[str] | None) -> list[str] | dict:
    """``--profile`` values: KEY=VALUE pairs, or a single JSON file path."""
    items = list(items or [])
    if len(items) == 1 and "=" not in items[0]:
        path = Path(items[0])
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise UsageError(Text(f"找不到考生情况文件：{path}", f"profile file not found: {path}"),
                             code="profile") from None
        except (OSError, ValueError) as e:
            raise UsageError(Text(f"考生情况文件无法读取或不是 JSON：{path}",
                                  f"profile file unreadable or not JSON: {path} ({e})"), code="profile") from None
        if not isinstance(data, dict):
            raise UsageError(Text("考生情况文件应为 JSON 对象（键: 值）", "a profile file must hold a JSON object"),
                             code="profile")
        return data
    for it in items:
        if "=" not in it:
            raise UsageError(Text(f"--profile 的格式应为 键=值：{it}", f"--profile takes KEY=VALUE: {it}"),
                             code="profile")
    return items


def parse_profile(items: Sequence[str] | Mapping[str, Any] | None, pack: RulePack) -> tuple[Any, dict]:
    """(catalogue Profile, its plain-dict form for the manifest)."""
    cat = _catalogue()
    if isinstance(items, Mapping):
        items = [f"{k}={_plain(v)}" for k, v in items.items()]
    profile = cat.parse_profile(list(items or []), pack) if _takes_pack(cat.parse_profile) \
        else cat.parse_profile(list(items or []))
    return profile, profile_dict(profile)


def _plain(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def _takes_pack(fn: Any) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False


def profile_dict(profile: Any) -> dict:
    for attr in ("to_json", "to_dict", "as_dict"):
        fn = getattr(profile, attr, None)
        if callable(fn):
            return dict(fn())
    import dataclasses

    if dataclasses.is_dataclass(profile):
        return {k: v for k, v in dataclasses.asdict(profile).items()}
    if isinstance(profile, Mapping):
        return dict(profile)
    return {"profile": str(profile)}


def _text(obj: Any, fallback: str) -> Text:
    if isinstance(obj, Text):
        return obj
    zh = getattr(obj, "name_zh", None)
    en = getattr(obj, "name_en", None)
    name = getattr(obj, "name", None)
    if isinstance(name, Text):
        return name
    if zh or en:
        return Text(zh or en or fallback, en or zh or fallback)
    return Text(str(name or fallback), str(name or fallback))


def _spec(slot: Any, required: bool) -> SlotSpec:
    sid = str(getattr(slot, "id"))
    count = getattr(slot, "count", None)
    lo = getattr(count, "min", None) if count is not None else getattr(slot, "min", None)
    hi = getattr(count, "max", None) if count is not None else getattr(slot, "max", None)
    exact = getattr(count, "exact", None) if count is not None else None
    if exact:
        lo = hi = int(exact)
    kinds = getattr(slot, "kinds", None) or getattr(slot, "expected_kinds", None) or ()
    return SlotSpec(id=sid, name=_text(slot, sid), min=int(lo or (1 if required else 0)) if required else 0,
                    max=None if hi is None else int(hi), kinds=tuple(str(k) for k in kinds), required=required)


def slots_for(pack: RulePack, profile: Any) -> list[SlotSpec]:
    """The slots the profile requires, in catalogue order, ``photo`` first."""
    cat = _catalogue()
    catalogue = cat.load(pack)
    specs = [_spec(s, True) for s in catalogue.required_slots(profile)]
    if not any(s.id == PHOTO_SLOT for s in specs):
        specs.insert(0, SlotSpec(PHOTO_SLOT, Text("报名照片", "Registration photo"), 1, 1, (), True))
    specs.sort(key=lambda s: s.id != PHOTO_SLOT)
    return specs


def spec_from_json(d: Mapping[str, Any]) -> SlotSpec:
    name = d.get("name") or {}
    return SlotSpec(id=str(d["id"]), name=Text(str(name.get("zh", d["id"])), str(name.get("en", d["id"]))),
                    min=int(d.get("min", 0)), max=None if d.get("max") is None else int(d["max"]),
                    kinds=tuple(str(k) for k in d.get("kinds") or ()), required=bool(d.get("required", True)))
