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


def vrp_data_dir(folder: str = "") -> Path:
    """The public VRP benchmark sets (Solomon, CVRPLIB X, E-VRPTW): ``../shared/data/vrp``
    next to the repository, or ``FREIGHT_VRP_DATA``; ``folder`` picks one set."""
    override = os.environ.get("FREIGHT_VRP_DATA")
    root = Path(override) if override else REPO_ROOT.parent / "shared" / "data" / "vrp"
    return root / folder if folder else root


def require_vrp_data(folder: str) -> Path:
    """``vrp_data_dir(folder)``, or exit with a message saying where the data is expected."""
    path = vrp_data_dir(folder)
    if not path.is_dir():
        raise SystemExit(
            f"VRP benchmark data not found: {path} (expected ../shared/data/vrp/{folder} next "
            "to the repository; set FREIGHT_VRP_DATA to the folder holding solomon/, "
            "cvrplib/ and evrptw/)"
        )
    return path
