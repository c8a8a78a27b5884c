"""The slots of a package, taken from the materials catalogue of the rule pack.

``photocheck.catalogue`` owns the data (which materials exist, who needs them, how
many images each takes, which document kinds belong). A package copies the slots
its profile needs into its manifest as the small ``SlotSpec`` below, so it stays
readable when the catalogue changes later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    distinct_kinds: bool = False   # each image shows a different kind (ID front and back)

    @property
    def check_kind(self) -> str:
        return "photo" if self.id == PHOTO_SLOT else "material"

    def count_text(self) -> Text:
        if self.max is not None and self.min == self.max:
            return Text(f"{self.min} 张", f"exactly {self.min}")
        if self.max is None:
            return Text(f"至少 {self.min} 张", f"at least {self.min}")
        return Text(f"{self.min}–{self.max} 张", f"{self.min} to {self.max}")

    def kind_conflict(self, kind: str | None) -> bool:
        """True when a recognised document kind does not belong in this slot."""
        return bool(self.kinds) and bool(kind) and kind != "unknown" and kind not in self.kinds

    def to_json(self) -> dict:
        return {"id": self.id, "name": {"zh": self.name.zh, "en": self.name.en}, "min": self.min,
                "max": self.max, "kinds": list(self.kinds), "required": self.required,
                "distinct_kinds": self.distinct_kinds}


def spec_from_json(d: Mapping[str, Any]) -> SlotSpec:
    name = d.get("name") or {}
    return SlotSpec(id=str(d["id"]), name=Text(str(name.get("zh", d["id"])), str(name.get("en", d["id"]))),
                    min=int(d.get("min", 0)), max=None if d.get("max") is None else int(d["max"]),
                    kinds=tuple(str(k) for k in d.get("kinds") or ()), required=bool(d.get("required", True)),
                    distinct_kinds=bool(d.get("distinct_kinds", False)))


def _spec(slot: Any, required: bool) -> SlotSpec:
    return SlotSpec(id=slot.id, name=slot.name, min=slot.min if required else 0, max=slot.max,
                    kinds=tuple(slot.kinds), required=required, distinct_kinds=bool(slot.distinct_kinds))


def parse_profile(items: Any, pack: RulePack) -> tuple[Any, dict]:
    """(catalogue Profile, its plain form for the manifest) from ``--profile`` values:
    KEY=VALUE strings, a JSON file path, or a mapping. Bad input is a UsageError."""
    from .. import catalogue

    cat = catalogue.load(pack)
    profile = catalogue.parse_profile(items, cat)
    return profile, profile.to_json()


def slots_for(pack: RulePack, profile: Any) -> list[SlotSpec]:
    """The slots a package for ``profile`` holds: the required ones in catalogue order,
    then the optional ones (minimum 0) the candidate may use."""
    from .. import catalogue

    cat = catalogue.load(pack)
    required = cat.required_slots(profile)
    ids = {s.id for s in required}
    optional = [s for s in cat.slots if s.id not in ids and s.min == 0]
    return [_spec(s, True) for s in required] + [_spec(s, False) for s in optional]
