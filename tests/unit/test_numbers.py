"""A number shown beside its limit never looks as if it were on the other side, or on it."""

from __future__ import annotations

import random

import pytest

from photocheck import numbers


def _read(text: str) -> float:
    t = text.replace(",", "").replace("KB", "").replace("MB", "").replace("B", "").strip()
    return float(t[:-1]) / 100 if t.endswith("%") else float(t)


def _side(a: float, b: float) -> int:
    return (a > b) - (a < b)


@pytest.mark.parametrize("percent", [False, True])
def test_beside_keeps_the_order_of_value_and_bounds(percent):
    rng = random.Random(17)
    for _ in range(5000):
        scale = 10 ** rng.randint(-3, 5)
        bounds = sorted(round(rng.uniform(0, 1) * scale, rng.randint(0, 3)) for _ in range(rng.randint(1, 2)))
        b = rng.choice(bounds)
        # values right at, just beside (within the MOST extra decimals) and far from a bound
        near = b + rng.choice([-1, 1]) * rng.uniform(0.1, 1) * scale * 1e-4
        v = rng.choice([b, near, b * rng.uniform(0.5, 1.5)])
        shown, shown_bounds = numbers.beside(v, *bounds, digits=rng.randint(0, 2), percent=percent)
        for bound, text in zip(bounds, shown_bounds):
            assert _read(text) == pytest.approx(bound, rel=1e-9, abs=1e-12), (bound, text)  # bounds exact
            assert _side(_read(shown), _read(text)) == _side(v, bound), (v, bound, shown, text)


def test_the_issues_cases():
    assert numbers.bytes_beside(29_986, 30_000) == ("29,986", "30,000")
    assert numbers.beside(0.5796, 0.58, 0.69, percent=True) == ("57.96%", ["58%", "69%"])
    assert numbers.kib_beside(511_990, 512_000) == ("499.99 KB", "500 KB")     # not "500 KB" beside "500 KB"
    assert numbers.kib_beside(512_000, 512_000) == ("500 KB", "500 KB")        # on the limit: it is equal
    big, cap = numbers.kib_beside(512_001, 512_000)
    assert _read(big) > 500 and cap == "500 KB"


def test_kib_and_value_text_keep_their_side():
    rng = random.Random(3)
    for _ in range(3000):
        limit = rng.choice([512_000, 500_000, 30_000, 1_048_576])
        size = limit + rng.randint(-300, 300)
        s, cap = numbers.kib_beside(size, limit)
        unit = {"MB": 1024 * 1024, "KB": 1024, " B": 1}[s[-2:]]
        cap_unit = 1024 if cap.endswith("KB") else 1
        assert _side(_read(s) * unit, _read(cap) * cap_unit) == _side(size, limit), (size, limit, s, cap)
        v = rng.uniform(0, 2)
        b = round(rng.uniform(0, 2), 2)
        assert _side(_read(numbers.value_text(v, [b])), b) == _side(v, b)


def test_rounded_report_values_stay_off_a_bound_they_are_not_on():
    assert numbers.keep_side(0.579996, 0.58) != 0.58
    assert numbers.keep_side(0.579996, 0.58) < 0.58
    assert numbers.keep_side(0.51234567, 0.58) == 0.5123
    assert numbers.keep_side(0.58, 0.58) == 0.58


def test_numbers_in_a_limit():
    assert numbers.numbers_in("< 30000") == [30000.0]
    assert numbers.numbers_in({"height": [0.58, 0.69], "crown": 0.03}) == [0.58, 0.69, 0.03]
    assert numbers.numbers_in(True) == [] and numbers.numbers_in(None) == []
    assert numbers.group_in("< 30000") == "< 30,000" and numbers.group_in("±0.05") == "±0.05"
