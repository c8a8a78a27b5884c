"""A photo check that lives only in this test: registered, run by the core, drawn by the
GUI's overlay, without any other file knowing of it (the promise of docs/ARCHITECTURE.md)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photocheck import core
from photocheck.checks import base
from photocheck.checks.base import Check, Status, register
from photocheck.checks.shapes import Shape
from photocheck.gui.overlay import FAIL, GUIDE, shapes_for
from photocheck.text import Text
from faces import grace_hopper

pytestmark = pytest.mark.usefixtures("need_models")


@pytest.fixture
def registered():
    """Register the example check for one test, and leave the registry as it was."""
    base.checks_for("photo")  # the built-in checks register first
    before = dict(base.REGISTRY["photo"])

    @register
    class BrightTopLeft(Check):
        """Fails when the top-left quarter is brighter than its limit; draws the quarter,
        a guide line at half height and the face outline as a polygon."""

        id = "example_bright_corner"
        kind = "photo"
        title = Text("示例检查", "Example check")
        limit = 250.0

        def run(self, ctx):
            h, w = ctx.bgr.shape[:2]
            mean = float(ctx.grey[: h // 2, : w // 2].mean())
            status = Status.FAIL if mean > self.limit else Status.PASS
            shapes = [Shape.rect(0, 0, w / 2, h / 2), Shape.hline(h / 2, role=GUIDE, label=Text("半高", "half"))]
            if ctx.face is not None and ctx.face.landmarks is not None:
                hull = cv2.convexHull(ctx.face.landmarks.astype(np.float32)).reshape(-1, 2)
                shapes.append(Shape.polygon(hull, label=Text("脸", "face")))
            return self.result(status, round(mean, 1), self.limit, Text("示例", "example"),
                               region=ctx.to_original((0, 0, w / 2, h / 2)), shapes=shapes)

    yield BrightTopLeft
    base.REGISTRY["photo"].clear()
    base.REGISTRY["photo"].update(before)


def _white_corner_photo() -> bytes:
    img = grace_hopper()
    img[: img.shape[0] // 2, : img.shape[1] // 2] = 255
    big = cv2.resize(img, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # decoded at a reduced scale
    return cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


def test_a_check_defined_here_runs_and_is_drawn(registered):
    data = _white_corner_photo()
    rep = core.check_file(data)
    res = rep.get("example_bright_corner")
    assert res is not None and res.status is Status.FAIL
    assert rep.failing[-1] == "example_bright_corner"  # registered last, reported last
    assert rep.to_json()["checks"][-1]["id"] == "example_bright_corner"

    # Shapes arrive in full-size pixels whatever scale the check measured at.
    w, h = 1024, 1200
    rect = next(s for s in res.shapes if s.kind == "rect")
    assert rect.coords == pytest.approx((0, 0, w / 2, h / 2), abs=3)

    # The GUI's overlay draws them in preview pixels, coloured by the check's status,
    # with no code of its own for this check.
    drawn = [s for s in shapes_for(rep, 0.5) if s.label.en in ("half", "face") or s.coords[:2] == (0.0, 0.0)]
    kinds = {s.kind: s for s in drawn}
    assert kinds["rect"].role == FAIL and kinds["rect"].coords == pytest.approx((0, 0, w / 4, h / 4), abs=2)
    assert kinds["hline"].role == GUIDE and kinds["hline"].coords == pytest.approx((h / 4,), abs=2)
    assert kinds["polygon"].role == FAIL and len(kinds["polygon"].coords) >= 6


def test_check_order_does_not_depend_on_import_order():
    """Importing one check module first (as a test or a tool may) must not move its checks."""
    import subprocess
    import sys

    code = ("import {first}\nfrom photocheck.checks.base import checks_for\n"
            "print(','.join(c.id for c in checks_for('photo')))")
    orders = {subprocess.run([sys.executable, "-c", code.format(first=m)], capture_output=True, text=True,
                             check=True).stdout.strip()
              for m in ("photocheck.checks.photo", "photocheck.checks.compression", "photocheck.checks.recency",
                        "photocheck.checks.person")}
    assert len(orders) == 1, orders
    ids = orders.pop().split(",")
    assert ids[:3] == ["format", "file_size", "dimensions"] and ids[-2:] == ["compression", "recency"]
