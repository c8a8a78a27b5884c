"""The background's wall model (Context.bg_model) and its small least-squares solver.

np.linalg.lstsq on the few thousand border samples handed them to OpenBLAS's thread
pool, whose threads then spin about 0.1 s after each call and starved the OpenCV
threads (networks, decode) that ran next: a 12 MP check took half as long again. The
fit now goes through the 6 x 6 normal equations; these tests pin that it gives what
lstsq gives and that the border samples never reach LAPACK. Images are made in code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from photocheck.checks.photo import FG_DELTA, Context, apply_coef, small_lstsq
from photocheck.rules import load_pack


def test_small_lstsq_matches_numpy_lstsq_on_a_tall_system():
    rng = np.random.default_rng(3)
    u, v = rng.uniform(-0.5, 0.5, (2, 5000)).astype(np.float32)
    a = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=-1)
    b = (a @ rng.normal(0, 20, (6, 3)) + rng.normal(0, 2, (5000, 3))).astype(np.float32)
    x = small_lstsq(a, b)
    ref = np.linalg.lstsq(a, b, rcond=None)[0]
    assert x.dtype == np.float32 and x.shape == (6, 3)
    np.testing.assert_allclose(x, ref, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(apply_coef(a, x), a @ x, rtol=1e-5, atol=1e-3)


def test_small_lstsq_gives_the_minimum_norm_solution_when_rank_deficient():
    # Two identical columns (samples on one row of a tiny frame): no unique fit, and
    # no error either; lstsq's minimum-norm answer splits the weight between them.
    rng = np.random.default_rng(4)
    u = rng.uniform(-0.5, 0.5, 200).astype(np.float32)
    a = np.stack([np.ones_like(u), u, u], axis=-1)
    b = (3 + 2 * u)[:, None].astype(np.float32)
    x = small_lstsq(a, b)
    np.testing.assert_allclose(x[:, 0], [3, 1, 1], atol=1e-4)
    np.testing.assert_allclose(x, np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-4)


def lit_wall(h: int, w: int) -> np.ndarray:
    """A pale wall lit brighter at the top centre than in the corners, with a dark
    'person' (head and shoulders) in the middle, BGR uint8."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - 0.2 * h) / h) ** 2
    img = np.clip(230 - 30 * r2, 0, 255)[..., None].repeat(3, axis=2).astype(np.uint8)
    cv2.ellipse(img, (w // 2, int(0.42 * h)), (w // 6, h // 7), 0, 0, 360, (60, 80, 120), -1)
    cv2.ellipse(img, (w // 2, h), (w // 2 - 10, int(0.3 * h)), 0, 0, 360, (90, 60, 40), -1)
    return img


@pytest.mark.parametrize("size", [(567, 390), (640, 480)])
def test_wall_model_fits_the_lit_wall_without_handing_the_samples_to_lapack(monkeypatch, size):
    rows: list[int] = []
    real = np.linalg.lstsq

    def recording(a, b, *args, **kw):
        rows.append(np.shape(a)[0])
        return real(a, b, *args, **kw)

    monkeypatch.setattr(np.linalg, "lstsq", recording)
    h, w = size
    img = lit_wall(h, w)
    ctx = Context.from_pixels(img, load_pack(None))
    model = ctx.bg_model
    assert model is not None
    fitted, spread = model
    assert fitted.shape == (h, w, 3) and fitted.dtype == np.float32
    # The border is wall: a smooth surface follows it (8-bit Lab quantisation aside).
    assert spread < 2.0
    wall = ctx.lab.copy()
    top = wall[: h // 10]
    assert float(np.abs(fitted[: h // 10] - top).max()) < 3.0
    assert ctx.uniform_background
    # The person differs from the fitted wall; the wall beside it does not.
    fg = ctx.foreground
    assert fg[int(0.42 * h), w // 2] and fg[h - 5, w // 2]
    assert not fg[5, 5] and not fg[int(0.3 * h), w - 5]
    assert float(np.linalg.norm(fitted[5, 5] - wall[5, 5])) < FG_DELTA
    # Two fits (all samples, then without the strays), each a 6 x 6 system.
    assert rows and max(rows) <= 6
    assert ctx.bg_model is model  # computed once per image



# OpenBLAS starts its worker threads when numpy loads; the interpreter alone has one thread.
_THREADS = r"""
import os
import photocheck, numpy as np
np.linalg.lstsq(np.ones((3000, 6)), np.ones((3000, 3)), rcond=None)
print(os.environ.get("OPENBLAS_NUM_THREADS"), len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("preset,want", [(None, "1"), ("2", "2")])
def test_importing_photocheck_first_keeps_openblas_to_one_thread_unless_the_user_chose(preset, want):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset:
        env["OPENBLAS_NUM_THREADS"] = preset
    out = subprocess.run([sys.executable, "-c", _THREADS], env=env, capture_output=True, text=True, check=True)
    value, threads = out.stdout.split()
    assert value == want
    if want == "1":
        assert int(threads) == 1  # no BLAS worker threads to spin
