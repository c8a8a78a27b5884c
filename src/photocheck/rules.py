"""Rule packs: TOML data files in resources/rules, loaded into frozen dataclasses.

A pack may ``extends = "<other pack id>"``; tables are merged key by key, so a
derived pack states only what differs. Unknown keys are errors, so a typo in an
imported pack is reported instead of silently ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UsageError
from .resources import resource_path
from .text import Text

DEFAULT_PACK = "nmec-2024-hubei"
SCHEMA = 1


@dataclass(frozen=True)
class PackInfo:
    id: str
    version: str
    name_zh: str
    name_en: str
    exam_zh: str = ""
    exam_en: str = ""
    region_zh: str = ""
    region_en: str = ""
    year: int | None = None
    source_zh: str = ""
    source_en: str = ""

    @property
    def name(self) -> Text:
        return Text(self.name_zh, self.name_en)


@dataclass(frozen=True)
class TiltRules:
    max_deg: float
    fix_max_deg: float


@dataclass(frozen=True)
class PositionRules:
    max_offset: float


@dataclass(frozen=True)
class HeadRules:
    height_pass: tuple[float, float]
    height_warn: tuple[float, float]
    width_warn: tuple[float, float]
    crown_margin: tuple[float, float]
    fix_height: float
    fix_crown: float
    min_below_chin: float


@dataclass(frozen=True)
class BackgroundRules:
    min_channel: int
    max_chroma: int
    max_std: float
    min_fraction: float
    band_top: float
    strip_width: float


@dataclass(frozen=True)
class ExposureRules:
    face_mean_min: float
    face_mean_max: float
    max_clipped_dark: float
    max_clipped_bright: float
    shadow_ratio_min: float
    shadow_median_max: float
    dim_clipped_dark: float
    dim_shadow_ratio: float
    glare_warn: float
    contrast_warn: float


@dataclass(frozen=True)
class SharpnessRules:
    face_width_px: int
    min_score: float
    warn_score: float


@dataclass(frozen=True)
class ColorRules:
    min_saturation: float


@dataclass(frozen=True)
class Preset:
    id: str
    name_zh: str
    name_en: str
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class Reminders:
    items_zh: tuple[str, ...] = ()
    items_en: tuple[str, ...] = ()

    def texts(self) -> list[Text]:
        return [Text(z, e) for z, e in zip(self.items_zh, self.items_en)]


@dataclass(frozen=True)
class PhotoRules:
    formats: tuple[str, ...]
    baseline_only: bool
    max_bytes: int
    min_width: int
    min_height: int
    aspect: float
    aspect_tolerance: float
    out_width: int
    out_height: int
    dpi: int
    size_name_zh: str
    size_name_en: str
    require_seal: bool
    face_count: int
    max_yaw: float
    max_face_proportion: float
    tilt: TiltRules
    position: PositionRules
    head: HeadRules
    background: BackgroundRules
    exposure: ExposureRules
    sharpness: SharpnessRules
    color: ColorRules
    presets: tuple[Preset, ...] = ()
    reminders: Reminders = Reminders()


@dataclass(frozen=True)
class MaterialRules:
    formats: tuple[str, ...]
    max_bytes: int
    fix_max_bytes: int
    min_long_side: int
    fix_min_long_side: int
    # Extra tables (document checks, the slot catalogue, profile questions) are
    # kept as plain data here and interpreted by the modules that own them.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class RulePack:
    info: PackInfo
    photo: PhotoRules
    material: MaterialRules
    source: str = ""

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def label(self) -> str:
        """``id@version``, what results and seals record."""
        return f"{self.info.id}@{self.info.version}"


# --- loading -----------------------------------------------------------------------

class RulePackError(UsageError):
    default_code = "bad_rules"


def _bad(path: str, zh: str, en: str) -> RulePackError:
    return RulePackError(Text(f"规则包无效（{path}）：{zh}", f"invalid rule pack ({path}): {en}"))


def _convert(tp: Any, value: Any, where: str, src: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise _bad(src, f"{where} 应为表", f"{where} must be a table")
        return _build(tp, value, where, src)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise _bad(src, f"{where} 应为列表", f"{where} must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{where}[]", src) for v in value)
        if len(value) != len(args):
            raise _bad(src, f"{where} 应有 {len(args)} 个值", f"{where} needs {len(args)} values")
        return tuple(_convert(a, v, where, src) for a, v in zip(args, value))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, where, src)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _bad(src, f"{where} 应为数字", f"{where} must be a number")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(src, f"{where} 应为整数", f"{where} must be an integer")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise _bad(src, f"{where} 应为 true/false", f"{where} must be true or false")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise _bad(src, f"{where} 应为文字", f"{where} must be a string")
        return value
    return value


def _build(cls: Any, data: dict, where: str, src: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    extra_field = "extra" if "extra" in fields else None
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields or key == extra_field:
            if extra_field:
                extra[key] = value
                continue
            raise _bad(src, f"未知的键 {where}.{key}", f"unknown key {where}.{key}")
        tp = hints[key]
        if typing.get_origin(tp) is tuple and dataclasses.is_dataclass(typing.get_args(tp)[0]):
            kwargs[key] = tuple(_build(typing.get_args(tp)[0], v, f"{where}.{key}[]", src) for v in value)
        else:
            kwargs[key] = _convert(tp, value, f"{where}.{key}", src)
    if extra_field:
        kwargs[extra_field] = extra
    missing = [n for n, f in fields.items() if n not in kwargs and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]  # type: ignore[misc]
    if missing:
        raise _bad(src, f"缺少 {where}.{missing[0]}", f"missing {where}.{missing[0]}")
    return cls(**kwargs)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def rules_dir() -> Path:
    return resource_path("rules")


def available_packs() -> list[str]:
    return sorted(p.stem for p in rules_dir().glob("*.toml"))


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RulePackError(Text(f"找不到规则包：{path}", f"rule pack not found: {path}"),
                            code="rules_not_found") from None
    except tomllib.TOMLDecodeError as e:
        raise _bad(str(path), f"格式错误：{e}", f"syntax error: {e}") from None
    except OSError as e:
        raise _bad(str(path), f"无法读取：{e.strerror}", f"cannot read: {e.strerror}") from None


def _resolve(path: Path, seen: tuple[str, ...] = ()) -> dict:
    data = _read_toml(path)
    parent = data.pop("extends", None)
    if parent:
        if parent in seen:
            raise _bad(str(path), f"循环继承 {parent}", f"circular extends {parent}")
        base = _resolve(rules_dir() / f"{parent}.toml", seen + (parent,))
        data = _merge(base, data)
    return data


def load_pack_file(path: Path) -> RulePack:
    data = _resolve(Path(path))
    src = str(path)
    if data.get("schema") != SCHEMA:
        raise _bad(src, f"不支持的 schema {data.get('schema')!r}（需要 {SCHEMA}）",
                   f"unsupported schema {data.get('schema')!r} (need {SCHEMA})")
    for key in ("pack", "photo", "material"):
        if key not in data:
            raise _bad(src, f"缺少 [{key}] 表", f"missing [{key}] table")
    unknown = set(data) - {"schema", "pack", "photo", "material"}
    if unknown:
        raise _bad(src, f"未知的表 {sorted(unknown)}", f"unknown tables {sorted(unknown)}")
    pack = RulePack(
        info=_build(PackInfo, data["pack"], "pack", src),
        photo=_build(PhotoRules, data["photo"], "photo", src),
        material=_build(MaterialRules, data["material"], "material", src),
        source=src,
    )
    _sanity(pack, src)
    return pack


def _sanity(pack: RulePack, src: str) -> None:
    p = pack.photo
    checks = [
        (0.3 < p.aspect < 1.5, "aspect"),
        (0 < p.max_bytes, "max_bytes"),
        (p.head.height_warn[0] <= p.head.height_pass[0] < p.head.height_pass[1] <= p.head.height_warn[1],
         "head.height_pass/height_warn"),
        (p.head.crown_margin[0] < p.head.fix_crown < p.head.crown_margin[1], "head.fix_crown"),
        (p.head.height_pass[0] < p.head.fix_height < p.head.height_pass[1], "head.fix_height"),
        (abs(p.out_width / p.out_height - p.aspect) / p.aspect <= p.aspect_tolerance, "out_width/out_height"),
        (p.min_width <= p.out_width and p.min_height <= p.out_height, "min_width/min_height"),
        (pack.material.fix_max_bytes <= pack.material.max_bytes, "material.fix_max_bytes"),
    ]
    for ok, name in checks:
        if not ok:
            raise _bad(src, f"{name} 的取值不合理", f"{name} is out of range")


@lru_cache(maxsize=16)
def _load_cached(path: str) -> RulePack:
    return load_pack_file(Path(path))


def load_pack(name_or_path: str | None = None) -> RulePack:
    """Load by pack id (a file in resources/rules) or by a path to a .toml file."""
    name = name_or_path or DEFAULT_PACK
    p = Path(name)
    if p.suffix == ".toml" or p.exists():
        return _load_cached(str(p.resolve()))
    candidate = rules_dir() / f"{name}.toml"
    if not candidate.exists():
        raise RulePackError(
            Text(f"未知的规则包：{name}（可用：{', '.join(available_packs())}）",
                 f"unknown rule pack: {name} (available: {', '.join(available_packs())})"),
            code="rules_not_found")
    return _load_cached(str(candidate))
