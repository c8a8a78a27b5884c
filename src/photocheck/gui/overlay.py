"""What to draw over a checked image, from a FileReport (no Qt here).

Every check says what to draw (``CheckResult.shapes``, see ``checks.shapes``),
in the upright full-size image's pixels. This module only places them in the
preview and resolves their colour role; it knows no check by name, so a new
check draws without any change here. A check that is not a pass and drew
nothing gets a box around its ``region``.
"""

from __future__ import annotations

from dataclasses import replace

from ..checks.base import FileReport, Status
from ..checks.shapes import FACE, GUIDE, Shape

OK, WARN, FAIL = "ok", "warn", "fail"
ROLES = (FACE, GUIDE, OK, WARN, FAIL)

__all__ = ["FACE", "FAIL", "GUIDE", "OK", "ROLES", "WARN", "Shape", "shapes_for"]


def _role(status: Status) -> str:
    return {Status.PASS: OK, Status.WARN: WARN, Status.FAIL: FAIL}[status]


def shapes_for(report: FileReport | None, scale: float = 1.0) -> list[Shape]:
    """Shapes in preview pixels (``scale`` preview pixels per original pixel), each
    with a concrete role; guides first, so marks are drawn on top of them."""
    if report is None or report.error is not None:
        return []
    guides: list[Shape] = []
    marks: list[Shape] = []
    for c in report.checks:
        status_role = _role(c.status)
        drawn = c.shapes
        if not drawn and c.status is not Status.PASS and c.region:
            drawn = (Shape.rect(*c.region),)
        for s in drawn:
            s = replace(s.scaled(scale), role=s.role or status_role)
            (guides if s.role == GUIDE else marks).append(s)
    return guides + marks
