"""Numbers shown beside the limit they are measured against.

Rounding must never make a value look as if it were on the other side of its limit,
or on it: a 29,986-byte photo shown as 「30.0 KB」 beside 「小于 30 KB」 reads as a failure.
Here a limit is always shown exactly (up to a few decimals), and a measured value
gets as many extra decimals as it needs to differ from every bound it is not equal
to; byte counts are shown whole, with thousands separators.

Pure (no Qt): the core's messages, the CLI and the GUI all use it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

MOST = 10           # decimals beyond the asked ones, at most (rule values have a few)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def group(n: int) -> str:
    """29986 → '29,986' (the separator Chinese and English both use)."""
    return f"{n:,}"


def _scaled(x: float, percent: bool) -> float:
    return x * 100 if percent else x


def exact_digits(x: float, least: int = 0, percent: bool = False) -> int:
    """The fewest decimals (at least ``least``) that show ``x`` exactly, up to MOST more."""
    v = _scaled(x, percent)
    for d in range(least, least + MOST + 1):
        if math.isclose(round(v, d), v, rel_tol=0, abs_tol=1e-9 * max(1.0, abs(v))):
            return d
    return least + MOST


def digits_beside(value: float, bounds: Iterable[float], least: int = 0, percent: bool = False) -> int:
    """Decimals for ``value`` so that, each bound shown exactly, the shown value compares to
    every shown bound as the value compares to the bound.

    At least as many decimals as a bound has puts the bound on the value's rounding grid,
    where rounding keeps order; more are added while the value would round onto a bound
    it is not equal to."""
    bounds = list(bounds)
    others = [b for b in bounds if b != value]
    d = max([least] + [exact_digits(b, 0, percent) for b in bounds])
    v = _scaled(value, percent)
    while d < least + MOST and any(round(v, d) == round(_scaled(b, percent), d) for b in others):
        d += 1
    return d


def fmt(x: float, digits: int, percent: bool = False) -> str:
    return f"{_scaled(x, percent):,.{digits}f}" + ("%" if percent else "")


def beside(value: float, *bounds: float, digits: int = 0, percent: bool = False) -> tuple[str, list[str]]:
    """(the value with at least ``digits`` decimals, each bound exactly), as text that keeps
    their true order.

    >>> beside(0.5796, 0.58, 0.69, percent=True)
    ('57.96%', ['58%', '69%'])
    """
    d = digits_beside(value, bounds, digits, percent)
    return fmt(value, d, percent), [fmt(b, exact_digits(b, 0, percent), percent) for b in bounds]


def numbers_in(limit: Any) -> list[float]:
    """Every bound a limit holds: a number, a range, a dict of them, or text like '< 30000' or '±0.05'."""
    if isinstance(limit, bool) or limit is None:
        return []
    if isinstance(limit, (int, float)):
        return [float(limit)]
    if hasattr(limit, "item") and not isinstance(limit, (str, list, tuple, dict)):
        return numbers_in(limit.item())      # a numpy scalar
    if isinstance(limit, str):
        return [float(m) for m in _NUMBER.findall(limit)]
    if isinstance(limit, dict):
        return [n for v in limit.values() for n in numbers_in(v)]
    if isinstance(limit, (list, tuple)):
        return [n for v in limit for n in numbers_in(v)]
    return []


def bounds_for(limit: Any, key: str | None = None) -> list[float]:
    """The bounds a measured value (or the measured value under ``key``) is held to."""
    if key is not None and isinstance(limit, dict) and key in limit:
        return numbers_in(limit[key])
    return numbers_in(limit)


def value_digits(v: float, bounds: Iterable[float] = ()) -> int:
    """Decimals for a measured number in a table or a console: three significant digits,
    more where that would make it look equal to a bound it is not equal to."""
    least = 0 if v == 0 or abs(v) >= 100 else 2 - math.floor(math.log10(abs(v)))
    return digits_beside(v, list(bounds), least)


def trim(text: str, point: str = ".") -> str:
    """'0.500' → '0.5', '12.0' → '12' (what is left still compares the same)."""
    return text.rstrip("0").rstrip(point) if point in text else text


def value_text(v: float, bounds: Iterable[float] = ()) -> str:
    if isinstance(v, int):
        return group(v)
    return trim(fmt(v, value_digits(v, bounds)))


def limit_text(b: float) -> str:
    """A bound as it is in the rule pack: exact, grouped when whole."""
    return group(int(b)) if float(b).is_integer() else trim(fmt(b, exact_digits(b)))


def group_in(text: str) -> str:
    """Whole numbers of four digits or more inside a limit's text grouped: '< 30000' → '< 30,000'."""
    return re.sub(r"(?<![\d.])\d{4,}(?![\d.])", lambda m: group(int(m.group())), text)


def bytes_beside(size: int, cap: int) -> tuple[str, str]:
    """('29,986', '30,000'): a byte count and its limit, both whole and grouped."""
    return group(size), group(cap)


def kib_beside(size: int, limit: int) -> tuple[str, str]:
    """(size, limit) in KB of 1,024 bytes, or MB above 1 MiB: the limit exact, the size with
    the decimals it needs to stay on its side ('499.99 KB' beside '500 KB', never '500 KB').
    A limit that is no whole number of KB is shown, with the size, in bytes."""
    if limit % 1024:
        return f"{group(size)} B", f"{group(limit)} B"
    unit, div = ("MB", 1024 * 1024) if size >= 1024 * 1024 else ("KB", 1024)
    s, _ = beside(size / div, limit / div, digits=1 if unit == "MB" else 0)
    return f"{s} {unit}", f"{fmt(limit / 1024, exact_digits(limit / 1024))} KB"


def keep_side(value: float, *bounds: float, digits: int = 4) -> float:
    """``value`` rounded for a report (JSON, tables) to ``digits`` decimals, or more where
    rounding would land it on a bound it is not equal to."""
    return round(float(value), digits_beside(float(value), bounds, digits))
