"""Shared test set-up: offscreen Qt, the corpus location, and a few code-made inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _reviewer_key_outside_the_profile(tmp_path_factory):
    """Reviewer keys made by tests live in a temp folder, never in the user's profile; no
    trust file of the user's is read. Child processes inherit both."""
    keep = {k: os.environ.get(k) for k in ("PHOTOCHECK_REVIEWER_KEY_DIR", "PHOTOCHECK_TRUSTED_KEYS")}
    os.environ["PHOTOCHECK_REVIEWER_KEY_DIR"] = str(tmp_path_factory.mktemp("reviewer-key"))
    os.environ["PHOTOCHECK_TRUSTED_KEYS"] = ""
    yield
    for k, v in keep.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v

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


@pytest.fixture
def need_pdfium():
    """PDF pages are drawn by pypdfium2 in a child process. Where it cannot load (the Windows
    CPython under wine), skip here first, rather than read the child's end as a refusal."""
    pytest.importorskip("pypdfium2")
