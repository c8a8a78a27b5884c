"""What to draw over a checked photo, computed from a FileReport (no Qt here).

The photo checks put drawing data into ``CheckResult.overlay`` in the pixel
coordinates of the image they measured (the file decoded at the check's reduced
scale, upright), and ``CheckResult.region`` in full-size pixel coordinates. The
GUI decodes its preview with the same call, so overlay values map one to one and
regions are multiplied by the preview's scale.

Keys understood (by check id):
- ``face``: ``boxes`` [(x, y, w, h)]; ``face_position``: ``center_x``, ``mid_x``,
  ``band`` (x0, x1); ``head_size``: ``crown_y``, ``chin_y``, ``eye_y``, ``band``
  (allowed crown y0, y1), ``chin_band``; ``tilt``: ``eye_left``, ``eye_right``;
  ``background``: ``failing`` [(x, y, w, h)].
Anything else that failed and has a ``region`` gets a box.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..checks.base import FileReport, Status

# Roles decide colour and style in the view.
FACE, GUIDE, OK, WARN, FAIL = "face", "guide", "ok", "warn", "fail"
# Label ids; the view translates them.
CROWN, CHIN, EYES, CROWN_BAND, CHIN_BAND, CENTRE, CENTRE_BAND = (
    "crown", "chin", "eyes", "crown_band", "chin_band", "centre", "centre_band")


@dataclass(frozen=True)
class Shape:
    kind: str                      # rect | hline | vline | hband | vband | line
    coords: tuple[float, ...]      # rect: x, y, w, h; hline: y; vline: x; hband: y0, y1; vband: x0, x1; line: x0, y0, x1, y1
    role: str
    label: str = ""


def _role(status: Status) -> str:
    return {Status.PASS: OK, Status.WARN: WARN, Status.FAIL: FAIL}[status]


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None  # NaN -> None


def _pair(v: Any) -> tuple[float, float] | None:
    if isinstance(v, (list, tuple)) and len(v) == 2:
        a, b = _num(v[0]), _num(v[1])
        if a is not None and b is not None:
            return min(a, b), max(a, b)
    return None


def _box(v: Any) -> tuple[float, float, float, float] | None:
    if isinstance(v, (list, tuple)) and len(v) == 4:
        vals = [_num(x) for x in v]
        if all(x is not None for x in vals):
            return tuple(vals)  # type: ignore[return-value]
    return None


def _boxes(v: Any) -> Iterable[tuple[float, float, float, float]]:
    if isinstance(v, (list, tuple)):
        for b in v:
            bb = _box(b)
            if bb is not None:
                yield bb


def shapes_for(report: FileReport | None, region_scale: float = 1.0) -> list[Shape]:
    """Shapes in preview pixel coordinates; guides first, failures last (drawn on top)."""
    if report is None or report.error is not None:
        return []
    guides: list[Shape] = []
    marks: list[Shape] = []
    drawn_region: set[str] = set()
    for c in report.checks:
        ov = c.overlay or {}
        role = _role(c.status)
        if c.id == "face":
            for b in _boxes(ov.get("boxes")):
                marks.append(Shape("rect", b, FACE if c.status is Status.PASS else role))
                drawn_region.add(c.id)
        elif c.id == "face_position":
            band = _pair(ov.get("band"))
            if band:
                guides.append(Shape("vband", band, GUIDE, CENTRE_BAND))
            cx = _num(ov.get("center_x"))
            if cx is not None:
                marks.append(Shape("vline", (cx,), role, CENTRE))
        elif c.id == "head_size":
            for key, label in (("band", CROWN_BAND), ("chin_band", CHIN_BAND)):
                band = _pair(ov.get(key))
                if band:
                    guides.append(Shape("hband", band, GUIDE, label))
            for key, label in (("crown_y", CROWN), ("chin_y", CHIN), ("eye_y", EYES)):
                y = _num(ov.get(key))
                if y is not None:
                    marks.append(Shape("hline", (y,), role if key != "eye_y" else FACE, label))
        elif c.id == "tilt":
            a, b = ov.get("eye_left"), ov.get("eye_right")
            pa, pb = _pair_point(a), _pair_point(b)
            if pa and pb:
                marks.append(Shape("line", (*pa, *pb), role, EYES))
        elif c.id == "background":
            for b in _boxes(ov.get("failing")):
                marks.append(Shape("rect", b, FAIL))
                drawn_region.add(c.id)
        if c.status is Status.PASS or not c.region or c.id in drawn_region:
            continue
        if c.id == "head_size" and ov:
            continue  # the crown and chin lines already show it
        x, y, w, h = (float(v) * region_scale for v in c.region)
        marks.append(Shape("rect", (x, y, w, h), role))
    return guides + marks


def _pair_point(v: Any) -> tuple[float, float] | None:
    if isinstance(v, Sequence) and not isinstance(v, str) and len(v) >= 2:
        x, y = _num(v[0]), _num(v[1])
        if x is not None and y is not None:
            return x, y
    try:  # numpy arrays
        x, y = float(v[0]), float(v[1])  # type: ignore[index]
        return x, y
    except (TypeError, ValueError, IndexError, KeyError):
        return None
