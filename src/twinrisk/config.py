"""Where twinrisk finds its data, model and store.

Every path can be overridden by an environment variable so that a deployment
(or a test) can point the same code at another copy without patching it.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def features_dir() -> Path:
    """Curated, cited tables (``features/`` in the repository)."""
    return Path(os.environ.get("TWINRISK_FEATURES_DIR", PROJECT_DIR / "features"))


def models_dir() -> Path:
    """Trained artifact, model card, manifest and default scoring policy."""
    return Path(os.environ.get("TWINRISK_MODELS_DIR", PROJECT_DIR / "models"))


def data_dir() -> Path:
    """Writable state: the SQLite store and the gazetteer cache (``var/``)."""
    return Path(os.environ.get("TWINRISK_DATA_DIR", PROJECT_DIR / "var"))


def cache_dir() -> Path:
    return data_dir() / "cache"
