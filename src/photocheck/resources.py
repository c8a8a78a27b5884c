"""The one place that knows where data files live, in a source tree or a frozen app.

Layout searched, first hit wins:
- a PyInstaller bundle: ``<bundle>/resources`` and ``<bundle>/models``;
- a source checkout: ``<repo>/resources``; models in the user cache folder
  (``PHOTOCHECK_MODEL_DIR`` overrides it).
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

IS_FROZEN = bool(getattr(sys, "frozen", False))


@lru_cache(maxsize=1)
def bundle_root() -> Path | None:
    if IS_FROZEN:
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return None


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    env = os.environ.get("PHOTOCHECK_RESOURCES")
    if env:
        return Path(env)
    root = bundle_root()
    if root is not None:
        return root / "resources"
    # src/photocheck/resources.py -> repo root
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_cache_dir() -> Path:
    from platformdirs import user_cache_dir as _ucd

    return Path(_ucd("photocheck", appauthor=False))


def user_log_dir() -> Path:
    from platformdirs import user_log_dir as _uld

    return Path(_uld("photocheck", appauthor=False))


def models_dir() -> Path:
    env = os.environ.get("PHOTOCHECK_MODEL_DIR")
    if env:
        return Path(env)
    root = bundle_root()
    if root is not None:
        return root / "models"
    return user_cache_dir() / "models"
