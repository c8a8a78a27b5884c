"""A reviewer's decisions on a submitted package.

- ``accept SLOT`` / ``accept SLOT:N`` accepts a whole slot or its N-th image (1-based).
- ``reject SLOT[:N]`` with a reason sends it back: the slot unlocks for the candidate
  (state 退回) and the reason is attached to the file or the slot.
- The package is 审核通过 once every required slot is accepted, 需修改 while any slot
  is sent back, and 已提交 otherwise.

Reasons are free text or one of the templates below (by id, Chinese or English text).
Decisions are validated together and recorded as one history event, signed with
the reviewer's Ed25519 key, in one atomic write: either all of them take effect or
none does. The signature binds the reviewer's name, the decisions, the hashes of
the files they are about, and (through the chain) everything before them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..text import Text
from . import history, signing
from .manifest import Actor, PackageState, SlotState
from .package import Package, PackageRefused, Problem


@dataclass(frozen=True)
class ReasonTemplate:
    id: str
    zh: str
    en: str

    @property
    def text(self) -> Text:
        return Text(self.zh, self.en)


# The usual reasons reviewers give, as data: id, Chinese, English.
TEMPLATES: tuple[ReasonTemplate, ...] = tuple(ReasonTemplate(*row) for row in (
    ("background", "背景不是白色", "The background is not white"),
    ("blurry", "图像不清晰", "The image is not clear"),
    ("orientation", "方向不正", "The image is not upright"),
    ("wrong_material", "材料不符", "This is not the material asked for"),
    ("not_processed", "照片未经检测工具处理", "The photo was not processed by the checking tool"),
    ("expired", "证件过期", "The document has expired"),
    ("incomplete", "材料不完整（缺页或缺少反面）", "Incomplete: a page or side is missing"),
    ("mismatch", "信息与报名信息不一致", "The details do not match the registration"),
    ("code_illegible", "验证码不清晰，无法查验", "The verification code cannot be read"),
    ("report_expired", "学历报告超过有效期", "The education report is no longer valid"),
    ("head_size", "头像大小或位置不符合要求", "The head size or position is wrong"),
    ("cropped", "图像不完整（被裁切或遮挡）", "Part of the document is cut off or covered"),
))


def template(value: str) -> ReasonTemplate | None:
    v = value.strip()
    for t in TEMPLATES:
        if v.lower() == t.id or v == t.zh or v.lower() == t.en.lower():
            return t
    return None


def reason_text(value: str) -> tuple[Text, str | None]:
    """A reason given on the command line: a template (id, Chinese or English) or free text."""
    v = (value or "").strip()
    if not v:
        raise UsageError(Text("退回理由不能为空", "a rejection reason cannot be empty"), code="usage")
    t = template(v)
    return (t.text, t.id) if t else (Text(v, v), None)


@dataclass
class Decision:
    action: str                 # "accept" | "reject"
    slot: str
    index: int | None = None    # 1-based; None: the whole slot
    reason: Text | None = None
    reason_id: str | None = None

    @property
    def target(self) -> str:
        return self.slot if self.index is None else f"{self.slot}:{self.index}"


def parse_target(value: str) -> tuple[str, int | None]:
    slot, sep, idx = value.strip().partition(":")
    if not slot:
        raise UsageError(Text(f"无效的材料项：{value!r}（格式 SLOT 或 SLOT:N）", f"invalid target {value!r} (SLOT or SLOT:N)"),
                         code="usage")
    if not sep:
        return slot, None
    if not idx.isdigit() or int(idx) < 1:
        raise UsageError(Text(f"序号须为从 1 开始的整数：{value!r}", f"the index must be a whole number from 1: {value!r}"),
                         code="usage")
    return slot, int(idx)


@dataclass
class ReviewOutcome:
    state: PackageState
    applied: list[Decision]


def apply(pkg: Package, decisions: list[Decision], reviewer: str | None = None,
          key: signing.ReviewerKey | None = None) -> ReviewOutcome:
    """Validate every decision, then record them all, signed, in one write.

    ``reviewer`` is the name recorded with the decisions; ``key`` signs them (default:
    this user's reviewer key, made on first use)."""
    if not decisions:
        raise UsageError(Text("请至少给出一个 --accept 或 --reject", "give at least one --accept or --reject"), code="usage")
    m = pkg.manifest
    if m.state is PackageState.EDITING:
        raise PackageRefused(Text("无法审核", "cannot review"), [Problem(
            Text("材料包尚未提交审核", "the package has not been submitted for review"), 5, "not_submitted")])
    seen: dict[tuple[str, int | None], str] = {}
    problems: list[Problem] = []
    for d in decisions:
        slot = pkg.slot(d.slot)
        if d.index is not None:
            pkg.file_index(slot, d.index)
        target = (d.slot, d.index)
        if seen.get(target, d.action) != d.action:
            raise UsageError(Text(f"对 {d.target} 同时给出了通过和退回", f"{d.target} is both accepted and rejected"),
                             code="usage")
        seen[target] = d.action
        if d.action == "reject" and d.reason is None:
            raise UsageError(Text(f"退回 {d.target} 需要给出理由（--reason）", f"rejecting {d.target} needs a --reason"),
                             code="usage")
        if slot.state is not SlotState.LOCKED:
            why = Text("已退回考生，等待考生修改后重新提交", "it was sent back and awaits the candidate") \
                if slot.state is SlotState.RETURNED else Text("尚未提交", "it has not been submitted")
            problems.append(Problem(Text(f"{slot.spec.name.zh} 不能审核：{why.zh}", f"{slot.spec.name.en} cannot be reviewed: {why.en}"),
                                    5, "not_reviewable", slot.id))
            continue
        if not slot.files:
            problems.append(Problem(Text(f"{slot.spec.name.zh} 没有图片", f"{slot.spec.name.en} has no images"), 5,
                                    "empty_slot", slot.id))
            continue
        if d.action == "accept":
            indices = [d.index] if d.index is not None else list(range(1, len(slot.files) + 1))
            for i in indices:
                integrity, _ = pkg.check_entry(slot, i, slot.files[i - 1], recheck=False)
                problems += integrity
    if problems:
        raise PackageRefused(Text("审核未生效，原因如下：", "the review was not applied:"), problems)
    records = []
    for d in decisions:
        rec = {"action": d.action, "slot": d.slot, "index": d.index,
               "files": history.targets(pkg.slot(d.slot), d.index)}
        if d.reason is not None:
            rec["reason"] = {"zh": d.reason.zh, "en": d.reason.en}
            rec["reason_id"] = d.reason_id
        records.append(rec)
    pkg.record("review", Actor.REVIEWER, by=reviewer or None, details={"decisions": records},
               key=key if key is not None else signing.load_or_create())
    pkg.save()
    return ReviewOutcome(pkg.manifest.state, list(decisions))
