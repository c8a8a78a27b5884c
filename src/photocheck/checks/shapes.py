"""What a check asks a viewer to draw over the photo it judged.

A check returns shapes in the pixel coordinates of the image it measured;
``core.check_info`` rescales them to the upright, full-size original, so every
consumer (the GUI preview, a report) multiplies by its own display scale and
needs to know nothing about any check. A new check draws by returning shapes:
no viewer code changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..text import EMPTY, Text

# Roles a shape may name; ``None`` means "the colour of the check's own status".
GUIDE = "guide"   # where something should be (dashed)
FACE = "face"     # a neutral landmark (face box, eye line)

KINDS = ("rect", "hline", "vline", "hband", "vband", "line", "polygon")


@dataclass(frozen=True)
class Shape:
    """One drawing primitive.

    ``coords`` by kind: rect ``x, y, w, h``; hline ``y``; vline ``x``; hband
    ``y0, y1``; vband ``x0, x1``; line ``x0, y0, x1, y1``; polygon ``x0, y0,
    x1, y1, ...`` (closed)."""

    kind: str
    coords: tuple[float, ...]
    role: str | None = None
    label: Text = EMPTY

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown shape kind {self.kind!r}")

    def scaled(self, factor: float) -> "Shape":
        if factor == 1.0:
            return self
        return replace(self, coords=tuple(float(v) * factor for v in self.coords))

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def rect(cls, x: float, y: float, w: float, h: float, *, role: str | None = None,
             label: Text = EMPTY) -> "Shape":
        return cls("rect", _floats((x, y, w, h)), role, label)

    @classmethod
    def hline(cls, y: float, *, role: str | None = None, label: Text = EMPTY) -> "Shape":
        return cls("hline", _floats((y,)), role, label)

    @classmethod
    def vline(cls, x: float, *, role: str | None = None, label: Text = EMPTY) -> "Shape":
        return cls("vline", _floats((x,)), role, label)

    @classmethod
    def hband(cls, y0: float, y1: float, *, role: str | None = GUIDE, label: Text = EMPTY) -> "Shape":
        return cls("hband", _floats(sorted((y0, y1))), role, label)

    @classmethod
    def vband(cls, x0: float, x1: float, *, role: str | None = GUIDE, label: Text = EMPTY) -> "Shape":
        return cls("vband", _floats(sorted((x0, x1))), role, label)

    @classmethod
    def line(cls, p0: Iterable[float], p1: Iterable[float], *, role: str | None = None,
             label: Text = EMPTY) -> "Shape":
        (x0, y0), (x1, y1) = tuple(p0)[:2], tuple(p1)[:2]
        return cls("line", _floats((x0, y0, x1, y1)), role, label)

    @classmethod
    def polygon(cls, points: Iterable[Iterable[float]], *, role: str | None = None,
                label: Text = EMPTY) -> "Shape":
        flat: list[float] = []
        for p in points:
            x, y = tuple(p)[:2]
            flat += [x, y]
        if len(flat) < 6:
            raise ValueError("a polygon needs at least three points")
        return cls("polygon", _floats(flat), role, label)


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


# Names drawn beside the geometry lines of the photo checks.
CROWN = Text("头顶", "Crown")
CHIN = Text("下巴", "Chin")
EYES = Text("眼睛", "Eyes")
CENTRE = Text("中线", "Centre")
CROWN_BAND = Text("头顶范围", "Crown range")
CHIN_BAND = Text("下巴范围", "Chin range")
CENTRE_BAND = Text("居中范围", "Centre range")
