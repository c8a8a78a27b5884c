"""The photocheck seal: an APP15 segment in the saved JPEG that binds the image
data to the tool version and the rule pack.

What it proves: the JPEG bytes are exactly what photocheck wrote after its checks
passed, under the named rule pack. Any re-save, crop, filter or metadata edit
changes the bytes and breaks it. What it does not prove: authenticity against a
determined forger. The tool is open source, so anyone can compute a seal; the key
below only makes accidental or casual edits detectable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from dataclasses import dataclass

from .. import __version__
from ..text import Text

MAGIC = b"PHOTOCHECK-SEAL\x00"
MARKER = 0xEF  # APP15
# Public by design (see module docstring): integrity, not authenticity.
_KEY = b"photocheck/seal/v1: integrity only, not a secret"


@dataclass(frozen=True)
class SealStatus:
    state: str                 # "intact" | "absent" | "broken" | "not_jpeg"
    tool: str | None = None
    rules: str | None = None
    message: Text = Text("", "")

    @property
    def intact(self) -> bool:
        return self.state == "intact"

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {"seal": self.state, "intact": self.intact, "tool": self.tool, "rules": self.rules,
                "message": self.message.get(lang)}


def _segments(data: bytes):
    """Yield (start, end, marker) of the header segments up to SOS."""
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xDA or marker == 0xD9:
            return
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        yield i, i + 2 + length, marker
        i += 2 + length


def _split(data: bytes) -> tuple[bytes, bytes | None]:
    """(jpeg without our seal segment, seal payload or None)."""
    for start, end, marker in _segments(data):
        if marker == MARKER and data[start + 4:start + 4 + len(MAGIC)] == MAGIC:
            return data[:start] + data[end:], data[start + 4 + len(MAGIC):end]
    return data, None


def _mac(image_hash: str, tool: str, rules: str) -> str:
    msg = f"v1\n{image_hash}\n{tool}\n{rules}".encode()
    return hmac.new(_KEY, msg, hashlib.sha256).hexdigest()


def seal_overhead(rules: str) -> int:
    """Bytes the seal adds to a JPEG (so the encoder can budget for it)."""
    return len(add_seal(b"\xff\xd8\xff\xd9", rules))- 4


def add_seal(jpeg: bytes, rules: str) -> bytes:
    if not jpeg.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    clean, _old = _split(jpeg)
    image_hash = hashlib.sha256(clean).hexdigest()
    tool = f"photocheck {__version__}"
    payload = json.dumps({"v": 1, "tool": tool, "rules": rules, "sha256": image_hash,
                          "mac": _mac(image_hash, tool, rules)}, separators=(",", ":")).encode()
    body = MAGIC + payload
    seg = b"\xff" + bytes([MARKER]) + struct.pack(">H", len(body) + 2) + body
    return clean[:2] + seg + clean[2:]


def verify(data: bytes) -> SealStatus:
    if not data.startswith(b"\xff\xd8"):
        return SealStatus("not_jpeg", message=Text("不是 JPEG 文件，没有检测印记", "not a JPEG file; no seal"))
    clean, payload = _split(data)
    if payload is None:
        return SealStatus("absent", message=Text(
            "没有检测印记：照片未经 photocheck 检测保存，或保存后被其他软件修改过",
            "no seal: the photo was not saved by photocheck, or was re-saved by other software"))
    try:
        meta = json.loads(payload.decode("ascii"))
        tool, rules, digest, mac = meta["tool"], meta["rules"], meta["sha256"], meta["mac"]
    except (ValueError, KeyError, UnicodeDecodeError, TypeError):
        return SealStatus("broken", message=Text("检测印记已损坏", "the seal is damaged"))
    actual = hashlib.sha256(clean).hexdigest()
    if not (hmac.compare_digest(actual, str(digest)) and hmac.compare_digest(_mac(actual, tool, rules), str(mac))):
        return SealStatus("broken", tool=tool, rules=rules, message=Text(
            "检测印记不符：照片在检测后被修改过（重新保存、裁剪或编辑都会破坏印记）",
            "seal broken: the photo was changed after the check (re-saving, cropping or editing breaks it)"))
    return SealStatus("intact", tool=tool, rules=rules, message=Text(
        f"检测印记完好（{tool}，规则 {rules}）", f"seal intact ({tool}, rules {rules})"))
