"""Readable names (Chinese and English) for the keys results carry: check ids, the two
check kinds, document kinds and error codes. Reports and the GUI show these, never
the keys themselves; a key nobody named is shown as is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .text import Text

KIND_NAMES = {"photo": Text("报名照片", "photo"), "material": Text("材料", "document")}

EXTRA_CHECK_TITLES = {"seal": Text("检测印记", "Checking seal")}

ERROR_TITLES = {
    "tampered": Text("文件被改动", "file changed after it was added"),
    "not_found": Text("找不到文件", "file not found"),
    "unsupported": Text("格式不支持", "unsupported format"),
    "truncated": Text("文件不完整", "truncated file"),
    "unreadable": Text("无法读取", "unreadable"),
    "too_large": Text("文件过大", "too large"),
    "empty": Text("空文件", "empty file"),
    "internal": Text("内部错误", "internal error"),
}


@lru_cache(maxsize=None)
def check_titles() -> dict[str, Text]:
    """Every registered check's title by id (a photo check's title where both kinds share an id)."""
    from .checks.base import checks_for

    titles: dict[str, Text] = dict(EXTRA_CHECK_TITLES)
    for kind in ("photo", "material"):
        try:
            for c in checks_for(kind):
                titles.setdefault(c.id, c.title)
        except Exception:  # noqa: BLE001 - a kind whose checks are not importable: its ids stay bare
            continue
    return titles


def check_title(check_id: str) -> Text:
    return check_titles().get(check_id) or Text(check_id, check_id)


def kind_name(kind: str) -> Text:
    return KIND_NAMES.get(kind) or Text(kind, kind)


def error_title(code: str) -> Text:
    return ERROR_TITLES.get(code) or Text(code, code)


def document_kind_name(kind: str | None, pack: Any = None) -> Text:
    """The rule pack's name of a recognised document kind (``pack``: a RulePack, a pack
    id, or None for the default pack); ``unknown`` is 未识别."""
    if not kind:
        return Text("", "")
    if kind == "unknown":
        return Text("未识别", "not recognised")
    from .rules import RulePack, load_pack

    try:
        rp = pack if isinstance(pack, RulePack) else load_pack(pack)
        k = rp.material.document.kinds.get(kind)
    except Exception:  # noqa: BLE001 - a pack that cannot load names nothing
        k = None
    return Text(k.name_zh, k.name_en) if k is not None else Text(kind, kind)
