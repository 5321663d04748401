"""Where the project's data lives. Overridable by environment for deployments."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the package is installed editable, or copied whole into the image).
REPO_ROOT = Path(__file__).resolve().parent.parent


def network_dir(name: str = "kuytun") -> Path:
    """Directory of a network's data files (``FREIGHT_NETWORK_DIR`` overrides)."""
    override = os.environ.get("FREIGHT_NETWORK_DIR")
    return Path(override) if override else REPO_ROOT / "networks" / name


def demand_dir() -> Path:
    """Directory of the demand data (``FREIGHT_DEMAND_DIR`` overrides)."""
    override = os.environ.get("FREIGHT_DEMAND_DIR")
    return Path(override) if override else REPO_ROOT / "demand_data"
