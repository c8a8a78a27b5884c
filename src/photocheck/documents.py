"""Naming a document from its OCR'd lines: kind, 在线验证码, dates, identity number.

Pure text work on what ``vision.text`` read; the material checks call ``describe``
and ``classify``. The kinds and their keyword weights are rule-pack data
(``[material.document.kinds.*]``). Identity numbers leave this module masked.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .checks.base import DocumentInfo
from .privacy import mask_id
from .rules import DocumentRules, KindSpec
from .text import Text

_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}
_FULLWIDTH.update({ord("："): ord(":"), ord("（"): ord("("), ord("）"): ord(")"), ord("—"): ord("-"),
                   ord("－"): ord("-"), ord("~"): ord("-"), ord("～"): ord("-")})


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_FULLWIDTH))


def keyword_credit(hay: str, needle: str) -> float:
    """How much of ``needle`` appears in ``hay``: 1.0 for an exact occurrence; for needles
    of four characters or more, the best in-place character match of any window when at
    least 60% of the characters agree (OCR of a soft photo misreads a glyph or two);
    otherwise 0."""
    if needle in hay:
        return 1.0
    n = len(needle)
    if n < 4 or len(hay) < n or len(set(needle) & set(hay)) < 0.6 * len(set(needle)):
        return 0.0
    best = 0
    for i in range(len(hay) - n + 1):
        hits = sum(a == b for a, b in zip(hay[i:i + n], needle))
        if hits > best:
            best = hits
    frac = best / n
    return frac if frac >= 0.6 else 0.0


def fuzzy_count(hay: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``hay`` with at most one wrong character (needles of
    four characters or more) or exactly (shorter ones)."""
    n = len(needle)
    return keyword_credit(hay, needle) >= (1.0 if n < 4 else (n - 1) / n)


def plausible_id(number: str) -> bool:
    """An 18-character resident identity number whose birth date or check digit is valid."""
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9Xx]", number):
        return False
    if _date(number[6:10], number[10:12], number[12:14]) is not None and "1900" <= number[6:10] <= "2099":
        return True
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(number[:17], weights))
    return "10X98765432"[total % 11] == number[17].upper()


def _date(y: str, m: str, d: str) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


_DATE = r"((?:19|20)\d{2})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?"


def _today() -> _dt.date:
    return _dt.date.today()


def _months_between(a: _dt.date, b: _dt.date) -> float:
    return (b.year - a.year) * 12 + (b.month - a.month) + (b.day - a.day) / 31.0




def classify(texts: list[str], kinds: tuple[KindSpec, ...]) -> tuple[str, float, float]:
    """(kind id, score, runner-up score) from keyword evidence in the read lines."""
    hay = "".join(normalise(t) for t in texts)
    scores = {}
    has_id = any(plausible_id(m.group(0)) for m in _ID_RE.finditer(hay))
    # Text that reads exactly as one keyword is not also a misreading of another: the
    # partial credit (keyword_credit) only looks at what no long keyword spells out.
    # Otherwise "学位在线验证报告" would count as 7/8 of "学籍在线验证报告" as well.
    words = {normalise(kw) for k in kinds for kw in k.keywords}
    masked = hay
    for kw in sorted((w for w in words if len(w) >= 4 and w in hay), key=len, reverse=True):
        masked = masked.replace(kw, "\0" * len(kw))
    for k in kinds:
        s = sum(w * (1.0 if normalise(kw) in hay else keyword_credit(masked, normalise(kw)))
                for kw, w in k.keywords.items())
        if k.id_number and has_id:
            s += k.id_number
        scores[k.id] = round(s, 3)
    if not scores:
        return "unknown", 0.0, 0.0
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0][0], ranked[0][1], second


def _verification_code(hay: str) -> str | None:
    m = re.search(r"验证码[:：]?([A-Za-z0-9]{10,24})", hay)
    return m.group(1).upper() if m else None


def _validity(hay: str) -> tuple[_dt.date | None, _dt.date | None, bool] | None:
    """(valid from, valid until, open-ended) from an ID card's 有效期限, if readable."""
    m = re.search(_DATE + r"-" + r"(长期|" + _DATE + ")", hay)
    if not m:
        return None
    start = _date(m.group(1), m.group(2), m.group(3))
    if m.group(4) == "长期":
        return start, None, True
    return start, _date(m.group(5), m.group(6), m.group(7)), False


def _report_date(hay: str) -> tuple[str, _dt.date] | None:
    m = re.search(r"(有效期至|更新日期|打印日期|出具日期|生成日期|验证日期)[:：]?" + _DATE, hay)
    if not m:
        return None
    d = _date(m.group(2), m.group(3), m.group(4))
    return (m.group(1), d) if d else None


def describe(texts: list[str], rules: DocumentRules, today: _dt.date | None = None) -> DocumentInfo | None:
    """Name the document from its read lines; collect its code, dates and warnings."""
    if not texts:
        return DocumentInfo("unknown", 0.0, None, Text("未识别出文字", "no text found"), {"lines_read": 0})
    today = today or _today()
    hay = "".join(normalise(t) for t in texts)
    kid, score, second = classify(texts, rules.kind_specs)
    details: dict[str, Any] = {"lines_read": len(texts), "score": round(score, 2), "warnings": [],
                               "warning_codes": []}
    if score < rules.min_score:
        kid = "unknown"
    spec = next((k for k in rules.kind_specs if k.id == kid), None)
    confidence = 0.0 if spec is None else min(1.0, score / 6.0) * min(1.0, (score - second) / 3.0)
    label = spec.name if spec else Text("未能确定的材料", "unrecognised document")

    def warn(code: str, text: Text) -> None:
        details["warning_codes"].append(code)
        details["warnings"].append(text)

    ids = [m.group(0) for m in _ID_RE.finditer(hay)]
    if ids:
        # the number after 公民身份号码 when that label was read, else a plausible one
        labelled = re.search(r"号码([1-9][0-9]{16}[0-9Xx])", hay)
        pick = labelled.group(1) if labelled else next((n for n in ids if plausible_id(n)), None)
        if pick:
            details["id_number"] = mask_id(pick)
    code = None
    if spec is not None and spec.verification_code:
        code = _verification_code(hay)
        details["verification_code_readable"] = code is not None
        if code is None:
            warn("verification_code_unreadable",
                 Text("未能读出在线验证码，请确认验证码清晰可查验", "the online verification code could not be read; "
                    "make sure it is legible"))
        found = _report_date(hay)
        if found:
            what, when = found
            details["report_date"] = when.isoformat()
            if what == "有效期至":
                if when < today:
                    warn("report_expired", Text(f"报告已过有效期（{when.isoformat()}）",
                                              f"the report expired on {when.isoformat()}"))
            elif _months_between(when, today) > rules.report_max_age_months:
                warn("report_stale", Text(f"报告日期为 {when.isoformat()}，已超过 {rules.report_max_age_months} 个月，"
                                        "请在学信网重新下载",
                                        f"the report is dated {when.isoformat()}, more than "
                                        f"{rules.report_max_age_months} months ago; download a fresh one"))
    if kid == "id_card_back":
        v = _validity(hay)
        if v:
            start, until, open_ended = v
            details["valid_from"] = start.isoformat() if start else None
            details["valid_until"] = "长期" if open_ended else (until.isoformat() if until else None)
            if until is not None and until < today:
                warn("id_expired", Text(f"身份证已过有效期限（{until.isoformat()}），可使用临时身份证并尽快换证",
                                      f"the ID card expired on {until.isoformat()}; use a temporary ID card "
                                      "and renew it"))
    return DocumentInfo(kid, round(confidence, 3), code, label, details)
