"""Shared test set-up: offscreen Qt, the corpus location, and a few code-made inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
CORPUS = SHARED / "corpus"


def corpus_dir(*parts: str) -> Path:
    """A folder of ../shared/corpus, or skip the test when it is absent (fresh clone)."""
    p = CORPUS.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"corpus not available at {p}")
    return p


def models_ready() -> bool:
    try:
        from photocheck import models

        return not models.verify_all()
    except Exception:
        return False


@pytest.fixture
def need_models():
    if not models_ready():
        pytest.skip("models not fetched (run `make setup`)")
