"""Rule packs: TOML data files in resources/rules, loaded into frozen dataclasses.

A pack may ``extends = "<other pack id>"``; tables are merged key by key, so a
derived pack states only what differs. Unknown keys are errors, so a typo in an
imported pack is reported instead of silently ignored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .resources import resource_path
from .schema import Problem, RulePackError, bad, build, problems_of
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
    crown_means: str = "hair"        # "hair": the crown is the top of the hair (see the pack)
    crown_estimate: float = 0.86     # skull top above the eyes, in eye-to-chin units, when the hair top is unseen

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (self.height_warn[0] <= self.height_pass[0] < self.height_pass[1] <= self.height_warn[1],
             "height_pass", "应满足 height_warn[0] ≤ height_pass[0] < height_pass[1] ≤ height_warn[1]",
             "needs height_warn[0] <= height_pass[0] < height_pass[1] <= height_warn[1]"),
            (self.crown_margin[0] < self.fix_crown < self.crown_margin[1], "fix_crown",
             "应在 crown_margin 之内", "must lie inside crown_margin"),
            (self.height_pass[0] < self.fix_height < self.height_pass[1], "fix_height",
             "应在 height_pass 之内", "must lie inside height_pass"))


@dataclass(frozen=True)
class BackgroundRules:
    min_channel: int
    max_chroma: int
    max_std: float
    min_fraction: float
    band_top: float
    strip_width: float
    # Islands of non-white that a person mask swallowed or that cling to it (see the pack)
    island_min_area: float = 0.002
    island_tolerance: float = 0.02
    island_max_std: float = 8.0
    # The fixer's patches of the old background (vision.patches)
    patch_delta: float = 14.0
    patch_margin: float = 6.0
    patch_band: float = 0.08
    patch_min_area: float = 0.0008
    patch_max_share: float = 0.12
    patch_spread: float = 12.0
    patch_min_light: float = 70.0
    # Pieces beside the head and shoulders in colours the person shows nowhere else
    foreign_delta: float = 25.0
    foreign_light_weight: float = 0.5
    # Where the segmenter was unsure (its probability below unsure_below), wall-coloured pieces
    unsure_below: float = 0.9
    unsure_min_area: float = 0.0002
    # Corners of man-made things (a poster, a sign) on the outline above the chin
    corner_arm: float = 0.05
    corner_long: float = 0.17
    corner_straight: float = 0.004
    corner_turn: float = 45.0
    # Blurred skin of someone behind at the frame's side, joined to a shoulder
    loose_skin_soft: float = 0.45


@dataclass(frozen=True)
class ExposureRules:
    face_mean_min: float
    face_mean_max: float
    highlight_min: float
    max_clipped_dark: float
    max_clipped_bright: float
    shadow_ratio_min: float
    shadow_highlight_max: float
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
    vivid_percentile: float = 95.0


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
class PoseRules:
    warn_deg: float              # yaw or pitch beyond this warns (ISO/IEC 19794-5: +-5 degrees)
    fail_yaw_deg: float
    fail_pitch_deg: float
    pitch_neutral_deg: float     # what the mesh reads for a level head (see the pack)
    sure_face_px: float          # face width from which the angles are fully trusted
    fail_confidence: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.warn_deg <= min(self.fail_yaw_deg, self.fail_pitch_deg), "warn_deg",
             "应大于 0 且不大于失败限", "must be above 0 and at most the fail limits"),
            (0 < self.fail_confidence <= 1, "fail_confidence", "应在 0 到 1 之间", "must lie in (0, 1]"))


@dataclass(frozen=True)
class EyesRules:
    warn_openness: float         # lid gap over iris diameter below this warns
    fail_openness: float
    sure_eye_px: float
    fail_confidence: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.fail_openness <= self.warn_openness, "fail_openness",
             "应大于 0 且不大于 warn_openness", "must be above 0 and at most warn_openness"))


@dataclass(frozen=True)
class ExpressionRules:
    warn_opening: float          # inner-lip gap over mouth width above this warns
    fail_opening: float
    teeth_fraction: float        # this share of the lip opening showing teeth or a dark mouth confirms it
    sure_mouth_px: float
    fail_confidence: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.warn_opening <= self.fail_opening, "warn_opening",
             "应大于 0 且不大于 fail_opening", "must be above 0 and at most fail_opening"))


@dataclass(frozen=True)
class GlassesRules:
    max_eye_contrast: float      # an eye seen through a dark lens shows less contrast than this
    min_under_darkness: float    # ... and the lens darkens the skin under the eye at least this much
    warn_eye_contrast: float
    sure_eye_px: float
    fail_confidence: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (self.max_eye_contrast <= self.warn_eye_contrast, "max_eye_contrast",
             "应不大于 warn_eye_contrast", "must be at most warn_eye_contrast"))


@dataclass(frozen=True)
class HeadCoveringRules:
    warn_covered: float          # forehead share not showing skin above this warns
    fail_covered: float
    hair_delta: float            # Lab distance within which a covering has the colour of the hair beside the face
    sure_face_px: float
    fail_confidence: float
    crown_height: float          # face widths above the mesh's forehead top measured for a covering worn high
    warn_crown: float            # share of that band not showing skin above this warns, above fail_crown fails
    fail_crown: float
    hair_min_chroma: float       # chroma (Lab a*, b*) above which a colour outside the hair hues is not hair
    hair_max_chroma: float       # chroma above which no natural hair colour lies
    hair_hue_min: float          # hue angle (degrees, atan2(b*, a*)) of natural hair, from ...
    hair_hue_max: float          # ... to
    odd_share: float             # share of the covering in colours hair lacks from which it is surely not hair
    cap_forehead: float          # forehead share covered, with the crown band covered, that makes a cap sure (see the pack)
    religious_allowed: bool = False
    religious_note_zh: str = ""
    religious_note_en: str = ""

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (self.warn_covered <= self.fail_covered <= 1, "warn_covered",
             "应不大于 fail_covered", "must be at most fail_covered"),
            (self.warn_crown <= self.fail_crown <= 1, "warn_crown", "应不大于 fail_crown", "must be at most fail_crown"),
            (self.hair_hue_min < self.hair_hue_max, "hair_hue_min", "应小于 hair_hue_max", "must be below hair_hue_max"),
            (0 < self.cap_forehead <= 1, "cap_forehead", "应在 0 与 1 之间", "must lie between 0 and 1"))


@dataclass(frozen=True)
class OcclusionRules:
    warn_covered: float          # share of the nose-and-mouth area not showing skin
    fail_covered: float
    ab_delta: float              # chroma distance (Lab a*, b*) from the skin that counts as "not skin"
    sure_face_px: float
    fail_confidence: float
    off_hue_margin: float        # Lab a* this far below neutral is a hue no skin has (green, cyan, blue)
    warn_off_hue: float          # share of the whole face in such a hue
    fail_off_hue: float
    hand_crop: float             # side of the square looked at for a hand, in face widths, centred on the mouth
    hand_gate_lip: float         # the hand model runs when the lips are less than this redder (a*) than the skin ...
    hand_gate_chroma: float      # ... or the skin's chroma is below this (too colourless to tell)
    warn_hand: float             # hand-presence score (0..1)
    fail_hand: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (self.warn_covered <= self.fail_covered <= 1, "warn_covered",
             "应不大于 fail_covered", "must be at most fail_covered"),
            (self.warn_off_hue <= self.fail_off_hue <= 1, "warn_off_hue",
             "应不大于 fail_off_hue", "must be at most fail_off_hue"),
            (0 <= self.warn_hand <= self.fail_hand <= 1, "warn_hand",
             "应在 0 与 fail_hand 之间", "must be between 0 and fail_hand"),
            (self.hand_crop > 0, "hand_crop", "应大于 0", "must be above 0"))


@dataclass(frozen=True)
class AccessoriesRules:
    warn_fraction: float         # share of the ear-lobe zones showing shine or jewel colour


@dataclass(frozen=True)
class CompressionRules:
    fail_quality: float          # estimated JPEG quality below this fails (checks.compression)
    warn_quality: float          # ... below this warns; the fixer never writes below it
    max_blockiness: float        # block-edge over in-block luma step on the face above this fails

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.fail_quality < self.warn_quality <= 100, "warn_quality",
             "应满足 0 < fail_quality < warn_quality ≤ 100", "needs 0 < fail_quality < warn_quality <= 100"),
            (self.max_blockiness > 1.0, "max_blockiness", "应大于 1", "must be above 1"))


@dataclass(frozen=True)
class RecencyRules:
    warn_months: int             # a source photo taken longer ago than this warns (checks.recency)

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.warn_months <= 120, "warn_months", "应在 1 到 120 之间", "must lie between 1 and 120"))


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
    max_face_proportion: float
    tilt: TiltRules
    position: PositionRules
    head: HeadRules
    background: BackgroundRules
    exposure: ExposureRules
    sharpness: SharpnessRules
    color: ColorRules
    pose: PoseRules
    eyes: EyesRules
    expression: ExpressionRules
    glasses: GlassesRules
    head_covering: HeadCoveringRules
    occlusion: OcclusionRules
    accessories: AccessoriesRules
    compression: CompressionRules
    recency: RecencyRules
    presets: tuple[Preset, ...] = ()
    reminders: Reminders = Reminders()
    # Check ids this pack does not run (e.g. a pack for a photo kind that allows glasses).
    disabled_checks: tuple[str, ...] = ()

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0.3 < self.aspect < 1.5, "aspect", "应在 0.3 到 1.5 之间", "must lie between 0.3 and 1.5"),
            (0 < self.max_bytes, "max_bytes", "应大于 0", "must be above 0"),
            (self.out_height > 0 and abs(self.out_width / self.out_height - self.aspect) / self.aspect <= self.aspect_tolerance,
             "out_width", "out_width/out_height 应符合 aspect", "out_width/out_height must match aspect"),
            (self.min_width <= self.out_width and self.min_height <= self.out_height, "min_width",
             "不能大于输出尺寸 out_width/out_height", "must not exceed out_width/out_height"))


# --- material images and the materials catalogue ([material] and its tables) ----------

@dataclass(frozen=True)
class OrientationRules:
    decide_score: float
    decide_evidence: float


@dataclass(frozen=True)
class MaterialSharpnessRules:
    warn_edge: float
    max_edge: float
    min_lines: int

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.warn_edge <= self.max_edge, "warn_edge", "应大于 0 且不大于 max_edge",
             "must be above 0 and at most max_edge"),
            (self.min_lines >= 0, "min_lines", "不能为负", "must not be negative"))


@dataclass(frozen=True)
class MaterialExposureRules:
    min_paper: float
    max_ink: float
    min_contrast: float
    blank_mean_low: float
    blank_mean_high: float
    glare_level: float
    glare_min_area: float
    glare_paper_below: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (self.blank_mean_low < self.blank_mean_high, "blank_mean_low", "应小于 blank_mean_high",
             "must be below blank_mean_high"),
            (0 <= self.glare_min_area <= 1, "glare_min_area", "应在 0 到 1 之间", "must lie between 0 and 1"))


@dataclass(frozen=True)
class MaterialFixRules:
    work_long_side: int
    pdf_long_side: int
    pdf_max_pages: int
    min_quality: int
    max_quality: int
    crop_min_area: float

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (1 <= self.min_quality <= self.max_quality <= 100, "min_quality",
             "应满足 1 ≤ min_quality ≤ max_quality ≤ 100", "needs 1 <= min_quality <= max_quality <= 100"),
            (self.work_long_side > 0 and self.pdf_long_side > 0, "work_long_side", "应大于 0", "must be above 0"),
            (self.pdf_max_pages >= 1, "pdf_max_pages", "至少为 1", "must be at least 1"))


@dataclass(frozen=True)
class KindSpec:
    """A document kind, with its id (the key of its table)."""

    id: str
    name: Text
    keywords: dict[str, float]
    id_number: float = 0.0
    verification_code: bool = False


@dataclass(frozen=True)
class DocumentKind:
    name_zh: str
    name_en: str
    keywords: dict[str, float]
    id_number: float = 0.0          # an 18-digit identity number in the text adds this
    verification_code: bool = False  # the document carries a 学信网 在线验证码


@dataclass(frozen=True)
class DocumentRules:
    report_max_age_months: int
    min_score: float
    kinds: dict[str, DocumentKind]
    reminders_zh: tuple[str, ...] = ()
    reminders_en: tuple[str, ...] = ()

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (len(self.reminders_zh) == len(self.reminders_en), "reminders_en",
             "条数应与 reminders_zh 相同", "needs as many items as reminders_zh"),
            (bool(self.kinds), "kinds", "至少要有一种材料", "needs at least one kind"))

    @cached_property
    def kind_specs(self) -> tuple[KindSpec, ...]:
        """The kinds in id order (the order classification breaks ties in)."""
        return tuple(KindSpec(kid, Text(k.name_zh, k.name_en), k.keywords, k.id_number, k.verification_code)
                     for kid, k in sorted(self.kinds.items()))

    @property
    def reminders(self) -> tuple[Text, ...]:
        return tuple(Text(z, e) for z, e in zip(self.reminders_zh, self.reminders_en))


@dataclass(frozen=True)
class ProfileKeyRules:
    """One question of the candidate profile, ``[material.profile.<key>]``."""

    name_zh: str
    name_en: str
    values: tuple[str, ...]
    labels_zh: tuple[str, ...]
    labels_en: tuple[str, ...]
    default: str
    aliases: dict[str, str] = field(default_factory=dict)

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (bool(self.values), "values", "不能为空", "must not be empty"),
            (len(self.labels_zh) == len(self.values) == len(self.labels_en), "labels_zh",
             "labels_zh、labels_en 与 values 的条数应相同", "labels_zh, labels_en and values need the same length"),
            (self.default in self.values, "default", "不在 values 中", "is not one of the values"),
            (all(v in self.values for v in self.aliases.values()), "aliases", "指向未知的取值",
             "point to unknown values"))


# A condition on the profile: each key maps to the values that satisfy it (all keys must match).
Condition = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ProfileRuleData:
    """A combination of answers that cannot happen, ``[[material.profile_rules]]``."""

    when: Condition
    require: Condition
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class SlotRules:
    """One material slot of the checklist, ``[[material.slots]]``."""

    id: str
    name_zh: str
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    min: int = 1
    max: int | None = None
    always: bool = False
    kinds: tuple[str, ...] = ()
    required_when: tuple[Condition, ...] = ()   # alternatives: any may match
    distinct_kinds: bool = False

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (bool(self.id), "id", "不能为空", "must not be empty"),
            (self.min >= 0, "min", "不能为负", "must not be negative"),
            (self.max is None or self.max >= max(self.min, 1), "max", "应不小于 min 且至少为 1",
             "must be at least min and at least 1"))


@dataclass(frozen=True)
class MaterialRules:
    formats: tuple[str, ...]
    max_bytes: int
    fix_max_bytes: int
    min_long_side: int
    fix_min_long_side: int
    orientation: OrientationRules
    sharpness: MaterialSharpnessRules
    exposure: MaterialExposureRules
    fix: MaterialFixRules
    document: DocumentRules
    profile: dict[str, ProfileKeyRules]
    slots: tuple[SlotRules, ...]
    # the file name must say one of these, and say it truthfully
    extensions: tuple[str, ...] = ("jpg", "jpeg", "png")
    profile_rules: tuple[ProfileRuleData, ...] = ()

    def problems(self) -> Iterator[Problem]:
        yield from problems_of(
            (0 < self.fix_max_bytes <= self.max_bytes, "fix_max_bytes", "应大于 0 且不大于 max_bytes",
             "must be above 0 and at most max_bytes"),
            (self.fix_min_long_side >= self.min_long_side, "fix_min_long_side", "应不小于 min_long_side",
             "must be at least min_long_side"))
        ids = [s.id for s in self.slots]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup is not None:
            yield "slots", f"槽位 id {dup} 重复", f"slot id {dup} is used twice"
        for n, s in enumerate(self.slots):
            unknown = [k for k in s.kinds if k not in self.document.kinds]
            if unknown:
                yield f"slots[{n}].kinds", f"未知的材料种类 {unknown}", f"unknown document kinds {unknown}"
            for alt in s.required_when:
                yield from self._condition(f"slots[{n}].required_when", alt)
        for n, r in enumerate(self.profile_rules):
            yield from self._condition(f"profile_rules[{n}].when", r.when)
            yield from self._condition(f"profile_rules[{n}].require", r.require)

    def _condition(self, where: str, cond: Condition) -> Iterator[Problem]:
        for key, values in cond.items():
            spec = self.profile.get(key)
            if spec is None:
                yield where, f"引用了未知的考生情况键 {key}", f"names an unknown profile key {key}"
                continue
            bad_values = [v for v in values if v not in spec.values]
            if bad_values:
                yield f"{where}.{key}", f"取值 {bad_values} 无效", f"has invalid values {bad_values}"


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
        raise bad(str(path), f"格式错误：{e}", f"syntax error: {e}") from None
    except OSError as e:
        raise bad(str(path), f"无法读取：{e.strerror}", f"cannot read: {e.strerror}") from None


def _resolve(path: Path, seen: tuple[str, ...] = ()) -> dict:
    data = _read_toml(path)
    parent = data.pop("extends", None)
    if parent:
        if parent in seen:
            raise bad(str(path), f"循环继承 {parent}", f"circular extends {parent}")
        base = _resolve(rules_dir() / f"{parent}.toml", seen + (parent,))
        data = _merge(base, data)
    return data


# Keys of older packs and what replaced them.
REPLACED = {
    "max_yaw": ("[photo.pose] warn_deg、fail_yaw_deg、fail_pitch_deg（单位：度）",
                "[photo.pose] warn_deg, fail_yaw_deg, fail_pitch_deg (in degrees)"),
}


def _replaced_keys(data: dict, src: str) -> None:
    for key, (zh, en) in REPLACED.items():
        if key in data.get("photo", {}):
            raise bad(src, f"photo.{key} 已不再使用，请改用 {zh}", f"photo.{key} is no longer used; use {en} instead")


def load_pack_file(path: Path) -> RulePack:
    data = _resolve(Path(path))
    src = str(path)
    if data.get("schema") != SCHEMA:
        raise bad(src, f"不支持的 schema {data.get('schema')!r}（需要 {SCHEMA}）",
                  f"unsupported schema {data.get('schema')!r} (need {SCHEMA})")
    for key in ("pack", "photo", "material"):
        if key not in data:
            raise bad(src, f"缺少 [{key}] 表", f"missing [{key}] table")
    unknown = set(data) - {"schema", "pack", "photo", "material"}
    if unknown:
        raise bad(src, f"未知的表 {sorted(unknown)}", f"unknown tables {sorted(unknown)}")
    _replaced_keys(data, src)
    return RulePack(
        info=build(PackInfo, data["pack"], "pack", src),
        photo=build(PhotoRules, data["photo"], "photo", src),
        material=build(MaterialRules, data["material"], "material", src),
        source=src,
    )


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
