"""Bilingual text for messages produced by the core library.

The core never depends on Qt, so its user-facing strings carry both languages
directly; the GUI and CLI pick one. Chinese comes first everywhere.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass

LANGS = ("zh_CN", "en")


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def both(self) -> str:
        """Chinese first, English after it: the form the contract wants on stderr."""
        return f"{self.zh} ({self.en})" if self.en and self.en != self.zh else self.zh

    def format(self, **kw: object) -> "Text":
        return Text(self.zh.format(**kw), self.en.format(**kw))

    def __add__(self, other: "Text") -> "Text":
        """Chinese joins as it is; English gets one space between words, never two."""
        a, b = self.en, other.en
        sep = "" if not a or not b or a[-1].isspace() or b[0].isspace() else " "
        return Text(self.zh + other.zh, a + sep + b)


@dataclass(frozen=True, slots=True)
class FixHint(Text):
    """A hint that says to use Fix. After Fix itself has failed it is no advice, so a
    refused fix gives the retake advice instead (core._recheck_refusal)."""


EMPTY = Text("", "")
RETAKE = Text("请按上面的原因重新拍摄或扫描后再试", "retake or rescan with the reason above in mind, then try again")


def after_fix(hint: Text) -> Text:
    """The advice for a check a fixed image still does not meet: its own hint, unless
    that hint only says to use Fix (a FixHint), which has just been done."""
    return RETAKE if isinstance(hint, FixHint) else hint


def default_lang() -> str:
    """zh_CN unless the environment clearly asks for English."""
    for var in ("PHOTOCHECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        val = os.environ.get(var)
        if val:
            return "en" if val.lower().startswith("en") else "zh_CN"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:  # pragma: no cover - exotic locale strings
        loc = ""
    return "en" if loc.lower().startswith("en") else "zh_CN"


def normalise_lang(value: str | None) -> str:
    if not value:
        return default_lang()
    v = value.replace("-", "_").lower()
    if v.startswith("en"):
        return "en"
    if v.startswith("zh"):
        return "zh_CN"
    raise ValueError(value)
