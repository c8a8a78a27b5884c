"""A package's state, replayed from its hash-chained history.

Nothing a package says about its files is stored on its own: the package state,
each slot's state, its files and every review decision are the result of
replaying the history's events in order, with the slots (their counts and kinds)
derived from the rule pack and the candidate's profile. Live actions go through
the same ``apply`` as a replay, so what the tool does and what a replay finds
cannot drift apart.

Replay refuses, naming the first event that disagrees (exit 4):

- a broken chain: a ``seq`` out of order, a ``prev`` that is not the previous
  event's hash, or a ``hash`` that is not the hash of the event's content;
- an event the rules forbid at that point: a change to a locked slot, more files
  than the slot takes, a submission that is short, a review of a package never
  submitted, a candidate event dressed as a reviewer's or the other way round;
- a review event that is not signed, or whose signature does not verify with the
  key it names (whether that key is *trusted* is a separate question, answered by
  a trust file: see ``photocheck.submission.signing``).

``compare`` then holds the ``manifest.json`` fields beside the history (header,
``state``, ``slots``) against the replay and names the first field that differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import IntegrityError
from ..text import Text
from . import signing
from .manifest import (Actor, CheckSummary, Event, FileEntry, Manifest, PackageState, Review, Slot, SlotState,
                       text_from)
from .slots import SlotSpec
from .store import check_member_name

SpecsFor = Callable[[dict], list[SlotSpec]]

CANDIDATE_ACTIONS = ("add", "replace", "remove", "submit")
REVIEWER_ACTIONS = ("review",)
FIRST_ACTIONS = ("init", "import")


class ReplayError(IntegrityError):
    default_code = "tampered"


def _refuse(ev: Event, zh: str, en: str) -> ReplayError:
    return ReplayError(Text(f"材料包记录不一致（{ev.label}）：{zh}", f"the package history disagrees at {ev.label}: {en}"))


def package_state(m: Manifest) -> PackageState:
    """The state of a package that has been submitted, from its slots."""
    if any(s.state is SlotState.RETURNED for s in m.slots):
        return PackageState.NEEDS_CHANGES
    judged = [s for s in m.slots if s.spec.min > 0 or s.files]
    if judged and all(s.accepted for s in judged):
        return PackageState.ACCEPTED
    return PackageState.SUBMITTED


# --- the first event --------------------------------------------------------------------------

def _header(ev: Event, specs_for: SpecsFor) -> Manifest:
    d = ev.details
    try:
        cand = d.get("candidate") or {}
        rules = d["rules"]
        profile = d["profile"]
        if not (isinstance(cand, dict) and isinstance(rules, dict) and isinstance(profile, dict)
                and isinstance(d["package_id"], str) and isinstance(rules["id"], str)
                and isinstance(rules["version"], str)):
            raise TypeError
        name, number = cand.get("name"), cand.get("registration_no")
        if not all(v is None or isinstance(v, str) for v in (name, number)):
            raise TypeError
    except (KeyError, TypeError):
        raise _refuse(ev, "缺少材料包的基本信息", "the package's identity fields are missing or malformed") from None
    specs = specs_for(profile)
    return Manifest(package_id=d["package_id"], created=ev.at, rules_id=rules["id"], rules_version=rules["version"],
                    profile=profile, slots=[Slot(s) for s in specs], candidate_name=name, registration_no=number,
                    legacy=ev.action == "import")


def _import_v1(m: Manifest, ev: Event) -> None:
    """Take a version 1 manifest's claims (files, states, unsigned decisions) as they were."""
    snap = ev.details.get("version1")
    try:
        if not isinstance(snap, dict) or not isinstance(snap.get("slots"), list):
            raise TypeError
        m.state = PackageState(snap.get("state"))
        for i, s in enumerate(snap["slots"], 1):
            where = f"{ev.label}.slots[{i}]"
            slot = m.slot(s.get("id")) if isinstance(s, dict) else None
            if slot is None:
                raise _refuse(ev, f"材料项 {s.get('id') if isinstance(s, dict) else '?'} 不在规则包为该考生列出的材料中",
                              f"slot {s.get('id') if isinstance(s, dict) else '?'} is not one the rule pack lists "
                              f"for this profile")
            slot.state = SlotState(s.get("state"))
            slot.files = [FileEntry.from_json(f, f"{where}.files[{j}]") for j, f in enumerate(s.get("files", []), 1)]
            slot.review = Review.from_json(s.get("review"), f"{where}.review")
            slot.changed_since_return = bool(s.get("changed_since_return", False))
    except (TypeError, ValueError, AttributeError):
        raise _refuse(ev, "旧版材料包的内容无效", "the version 1 content is malformed") from None
    names = [f.name for s in m.slots for f in s.files]
    if len(set(names)) != len(names):
        raise _refuse(ev, "同一文件被列出两次", "a file is listed twice")


# --- candidate events -------------------------------------------------------------------------

def _slot(m: Manifest, ev: Event) -> Slot:
    slot = m.slot(ev.slot or "")
    if slot is None:
        raise _refuse(ev, f"没有材料项“{ev.slot}”", f"there is no slot '{ev.slot}'")
    return slot


def _entries(m: Manifest, ev: Event, slot: Slot) -> list[FileEntry]:
    entries = [FileEntry.from_json(f, f"{ev.label}.files[{i}]") for i, f in enumerate(ev.files, 1)]
    taken = m.referenced()
    for e in entries:
        stem = e.name.rsplit("/", 1)[-1].split(".")[0]
        if not e.name.startswith(f"files/{slot.id}/") or stem != e.sha256[:16] or not check_member_name(e.name):
            raise _refuse(ev, f"文件名与材料项或哈希不符：{e.name}", f"a file name does not match its slot or hash: {e.name}")
        if e.name in taken:
            raise _refuse(ev, f"文件已在材料包中：{e.name}", f"a file is already in the package: {e.name}")
        taken.add(e.name)
    return entries


def _index(ev: Event, slot: Slot) -> int:
    if not isinstance(ev.index, int) or not 1 <= ev.index <= len(slot.files):
        raise _refuse(ev, f"序号 {ev.index} 不存在", f"there is no image {ev.index}")
    return ev.index


def _change(m: Manifest, ev: Event) -> None:
    slot = _slot(m, ev)
    if slot.state is SlotState.LOCKED:
        raise _refuse(ev, f"{slot.spec.name.zh} 已锁定，不能修改", f"{slot.spec.name.en} is locked and cannot change")
    if ev.action == "add":
        entries = _entries(m, ev, slot)
        if not entries:
            raise _refuse(ev, "没有文件", "no files")
        slot.files.extend(entries)
    elif ev.action == "replace":
        i = _index(ev, slot)
        entries = _entries(m, ev, slot)
        if len(entries) != 1:
            raise _refuse(ev, "替换须恰好一个文件", "a replacement takes exactly one file")
        slot.files[i - 1:i] = entries
    else:
        i = _index(ev, slot)
        if ev.files or ev.details.get("name") != slot.files[i - 1].name:
            raise _refuse(ev, "删除的文件与记录不符", "the removed file does not match")
        del slot.files[i - 1]
    if slot.spec.max is not None and len(slot.files) > slot.spec.max:
        raise _refuse(ev, f"{slot.spec.name.zh} 超过 {slot.spec.max} 张", f"{slot.spec.name.en} holds more than {slot.spec.max}")
    if slot.state is SlotState.RETURNED:
        slot.changed_since_return = True


def submit_blockers(m: Manifest) -> list[tuple[Slot, int | None, str]]:
    """Why the state rules stop a submission: (slot, 1-based file index or None, code).

    Codes: ``incomplete``, ``too_many``, ``returned_unchanged``, ``returned_file``."""
    out: list[tuple[Slot, int | None, str]] = []
    for slot in m.slots:
        if slot.state is SlotState.LOCKED:
            continue
        n = len(slot.files)
        if n < slot.spec.min:
            out.append((slot, None, "incomplete"))
        if slot.spec.max is not None and n > slot.spec.max:
            out.append((slot, None, "too_many"))
        if slot.state is SlotState.RETURNED and slot.review is not None and not slot.changed_since_return:
            out.append((slot, None, "returned_unchanged"))
        for i, f in enumerate(slot.files, 1):
            if f.review is not None and f.review.decision == "rejected":
                out.append((slot, i, "returned_file"))
    return out


def submit_files(m: Manifest) -> list[Slot]:
    """The slots a submission re-checks and locks: those not locked yet."""
    return [s for s in m.slots if s.state is not SlotState.LOCKED]


def _submit(m: Manifest, ev: Event) -> None:
    if m.state in (PackageState.SUBMITTED, PackageState.ACCEPTED):
        raise _refuse(ev, "材料包已提交或已审核通过", "the package is already submitted or accepted")
    blockers = submit_blockers(m)
    if blockers:
        slot, _i, code = blockers[0]
        raise _refuse(ev, f"{slot.spec.name.zh} 不满足提交条件（{code}）", f"{slot.spec.name.en} cannot be submitted ({code})")
    opened = submit_files(m)
    current = {f.name: f for s in opened for f in s.files}
    listed: dict[str, Any] = {}
    for i, rec in enumerate(ev.files, 1):
        name, sha = rec.get("name"), rec.get("sha256")
        if name not in current or current[name].sha256 != sha or name in listed:
            raise _refuse(ev, f"提交记录的文件与材料包不符：{name}", f"a submitted file does not match the package: {name}")
        listed[name] = CheckSummary.from_json(rec.get("check"), f"{ev.label}.files[{i}].check")
    if set(listed) != set(current):
        raise _refuse(ev, "提交记录缺少文件", "the submission does not list every file")
    for s in opened:
        for f in s.files:
            f.check = listed[f.name]
        s.state = SlotState.LOCKED
        s.review = None
        s.changed_since_return = False
    m.state = PackageState.SUBMITTED


# --- reviewer events --------------------------------------------------------------------------

def targets(slot: Slot, index: int | None) -> list[dict]:
    """The file hashes a decision on ``slot`` (or on its image ``index``) is about."""
    chosen = slot.files if index is None else [slot.files[index - 1]]
    return [{"name": f.name, "sha256": f.sha256} for f in chosen]


def _review(m: Manifest, ev: Event) -> None:
    if m.state is PackageState.EDITING:
        raise _refuse(ev, "材料包尚未提交审核", "the package was never submitted")
    decisions = ev.details.get("decisions")
    if not isinstance(decisions, list) or not decisions:
        raise _refuse(ev, "没有审核决定", "no decisions")
    key = (ev.signature or {}).get("key")
    checked = []
    for d in decisions:
        if not isinstance(d, dict) or d.get("action") not in ("accept", "reject"):
            raise _refuse(ev, "审核决定格式无效", "a decision is malformed")
        slot = m.slot(d.get("slot") or "")
        index = d.get("index")
        if slot is None or slot.state is not SlotState.LOCKED or not slot.files:
            raise _refuse(ev, f"材料项 {d.get('slot')} 不能审核", f"slot {d.get('slot')} cannot be reviewed")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)
                                  or not 1 <= index <= len(slot.files)):
            raise _refuse(ev, f"序号 {index} 不存在", f"there is no image {index}")
        if d.get("files") != targets(slot, index):
            raise _refuse(ev, f"审核决定所指的文件与材料包不符（{slot.id}）",
                          f"a decision names files that are not the package's ({slot.id})")
        reason = text_from(d.get("reason"), f"{ev.label}.reason")
        if d["action"] == "reject" and reason is None:
            raise _refuse(ev, "退回没有理由", "a rejection has no reason")
        reason_id = d.get("reason_id") if isinstance(d.get("reason_id"), str) else None
        checked.append((d["action"], slot, index, reason, reason_id))
    for action, slot, index, reason, reason_id in checked:
        review = Review("accepted" if action == "accept" else "rejected", ev.by, ev.at, reason, reason_id,
                        ev.seq, key)
        if action == "accept":
            if index is None:
                slot.review = review
                for f in slot.files:
                    f.review = Review("accepted", ev.by, ev.at, seq=ev.seq, key=key)
            else:
                slot.files[index - 1].review = review
        else:
            if index is None:
                slot.review = review
            else:
                slot.files[index - 1].review = review
                if slot.review is not None and slot.review.decision == "accepted":
                    slot.review = None
            slot.state = SlotState.RETURNED
            slot.changed_since_return = False
    m.state = package_state(m)


# --- the chain --------------------------------------------------------------------------------

def _check_link(m: Manifest | None, ev: Event) -> None:
    seq = 1 if m is None else len(m.history) + 1
    prev = "" if m is None else m.head
    if ev.seq != seq:
        raise _refuse(ev, f"序号应为 {seq}", f"its seq should be {seq}")
    if ev.prev != prev:
        raise _refuse(ev, "与前一条记录的哈希不符（记录被删除、插入或改动）",
                      "prev is not the hash of the event before it (an event was removed, inserted or changed)")
    if ev.hash != ev.digest():
        raise _refuse(ev, "内容与其哈希不符（记录被改动）", "its content does not match its hash (edited)")
    if ev.action in REVIEWER_ACTIONS:
        if ev.actor is not Actor.REVIEWER:
            raise _refuse(ev, "审核记录不是审核人写的", "a review event that is not a reviewer's")
        sig = ev.signature
        if sig is None or sig.get("alg") != signing.ALG:
            raise _refuse(ev, "审核决定没有签名", "the review decision is not signed")
        pkg_id = ev.details.get("package_id") if m is None else m.package_id
        if not signing.verify_signature(sig["key"], signing.message(str(pkg_id), ev.hash), sig["sig"]):
            raise _refuse(ev, "审核签名无效（记录被改动）", "the review signature does not verify (edited)")
    elif ev.signature is not None:
        raise _refuse(ev, "只有审核决定带签名", "only review decisions are signed")
    if ev.action in CANDIDATE_ACTIONS + FIRST_ACTIONS and ev.actor is not Actor.CANDIDATE:
        raise _refuse(ev, "考生的操作被记为审核人所为", "a candidate's action recorded as a reviewer's")


def apply(m: Manifest, ev: Event) -> None:
    """Check ``ev`` against the chain and the rules, then apply it to ``m`` and append it."""
    _check_link(m, ev)
    if ev.action in ("add", "replace", "remove"):
        _change(m, ev)
    elif ev.action == "submit":
        _submit(m, ev)
    elif ev.action == "review":
        _review(m, ev)
    elif ev.action in FIRST_ACTIONS:
        raise _refuse(ev, "只能是第一条记录", "it can only be the first event")
    else:
        raise _refuse(ev, f"未知的操作 {ev.action!r}", f"unknown action {ev.action!r}")
    m.history.append(ev)


def start(ev: Event, specs_for: SpecsFor) -> Manifest:
    """The package as its first event (``init``, or ``import`` of a version 1 manifest) makes it."""
    _check_link(None, ev)
    if ev.action not in FIRST_ACTIONS:
        raise _refuse(ev, "第一条记录须为创建材料包", "the first event must create the package")
    m = _header(ev, specs_for)
    if ev.action == "import":
        _import_v1(m, ev)
    m.history.append(ev)
    return m


def replay(events: list[Event], specs_for: SpecsFor) -> Manifest:
    if not events:
        raise ReplayError(Text("材料包记录为空（历史被清空）", "the package history is empty (it was emptied)"))
    m = start(events[0], specs_for)
    for ev in events[1:]:
        try:
            apply(m, ev)
        except ReplayError:
            raise
        except IntegrityError as e:     # a field of the wrong type inside the event
            raise _refuse(ev, e.text.zh, e.text.en) from None
    return m


# --- the fields beside the history ------------------------------------------------------------

SPEC_FIELDS = ("name", "min", "max", "kinds", "required", "distinct_kinds")


def first_difference(expected: Any, actual: Any, path: str) -> str | None:
    """The path of the first place two JSON values differ (lists 1-based), or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in list(expected) + [k for k in actual if k not in expected]:
            if k not in actual or k not in expected:
                return f"{path}.{k}"
            d = first_difference(expected[k], actual[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (a, b) in enumerate(zip(expected, actual), 1):
            d = first_difference(a, b, f"{path}[{i}]")
            if d:
                return d
        return None if len(expected) == len(actual) else f"{path}[{min(len(expected), len(actual)) + 1}]"
    same = expected == actual and type(expected) is type(actual)
    return None if same else path


def compare(m: Manifest, doc: dict, *, specs: bool) -> None:
    """Refuse a manifest whose header or view disagrees with the replayed history.

    ``specs`` False (the rule pack in use is not the one the package was made under)
    leaves the slots' catalogue fields out: the counts in use are the pack's."""
    expected = {**m.header_json(), **m.view_json()}
    actual = {k: doc.get(k) for k in expected}
    if not specs:
        for view in (expected, actual):
            view["slots"] = [{k: v for k, v in s.items() if k not in SPEC_FIELDS} if isinstance(s, dict) else s
                             for s in view["slots"]] if isinstance(view["slots"], list) else view["slots"]
    where = first_difference(expected, actual, "manifest")
    if where:
        raise ReplayError(Text(f"材料包清单与其记录不一致：{where} 被改动过",
                               f"manifest.json disagrees with the package history at {where} (edited by hand)"))
