"""Real faces and corpus access for tests.

The always-on faces come from packages installed for the tests and are public
domain: scikit-image's ``astronaut.png`` (NASA) and matplotlib's
``grace_hopper.jpg`` (US Navy). Nothing is copied into the repository.

The shared corpus (``../shared/corpus`` next to the repository) is optional: tests
that read it must skip when it is absent, as on a fresh clone.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
# The default pack minus the person checks the sample faces honestly fail (see the file).
SAMPLE_PACK = str(REPO / "tests" / "packs" / "sample-faces.toml")


def _staged(name: str) -> np.ndarray | None:
    """A sample face that `make test-windows` copied from the host's packages (neither
    scikit-image nor matplotlib is installed on the Windows CPython under wine)."""
    folder = os.environ.get("PHOTOCHECK_TEST_FACES")
    if not folder or not (Path(folder) / name).is_file():
        return None
    img = cv2.imdecode(np.fromfile(Path(folder) / name, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, f"cannot decode {name} in {folder}"
    return img


@lru_cache(maxsize=1)
def _astronaut() -> np.ndarray:
    staged = _staged("astronaut.png")
    if staged is not None:
        return staged
    from skimage.data import astronaut as _load

    return cv2.cvtColor(np.ascontiguousarray(_load()), cv2.COLOR_RGB2BGR)


@lru_cache(maxsize=1)
def _grace_hopper() -> np.ndarray:
    staged = _staged("grace_hopper.jpg")
    if staged is not None:
        return staged
    from matplotlib.cbook import get_sample_data

    path = get_sample_data("grace_hopper.jpg", asfileobj=False)
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None, f"cannot read {path}"
    return img


def astronaut() -> np.ndarray:
    """512x512 BGR uint8; one frontal face, flag top-left, shuttle model top-right."""
    return _astronaut().copy()


def grace_hopper() -> np.ndarray:
    """600x512 BGR uint8; one frontal face in a cap, flag and blue backdrop behind."""
    return _grace_hopper().copy()


def require_models() -> None:
    """Skip the calling test when the fetched model files are absent or corrupt."""
    from photocheck import models

    problems = models.verify_all()
    if problems:
        pytest.skip("model files missing or corrupt (run `make setup`): "
                    + "; ".join(p.text.en for p in problems[:2]))


def corpus_dir(*parts: str) -> Path:
    """A folder of the shared corpus, or skip the calling test when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"shared corpus not available at {path}")
    return path


def read_image(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None, f"cannot read {path}"
    return img
