#!/usr/bin/env python3
"""Developer entry point: ``python3 dev.py run`` and ``python3 dev.py test``.

Needs only Python 3.11 and pip. Creates ``.venv`` beside this file, installs the project
into it (re-installing only when pyproject.toml changes), then either starts the service
on 127.0.0.1:8000 with the embedded SQLite database, or runs lint, type checks and the
whole test suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)  # noqa: T201
    rc = subprocess.call([str(a) for a in args], cwd=ROOT, env=env)
    if rc != 0:
        sys.exit(rc)


def ensure_venv(extras: str) -> None:
    """Create the venv and install the project with ``extras`` if anything changed."""
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
        sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if not stamp.exists() or stamp.read_text() != digest:
        spec = f".[{extras}]" if extras else "."
        sh(PY, "-m", "pip", "install", "--quiet", "-e", spec)
        stamp.write_text(digest)


def run() -> None:
    ensure_venv("")
    sh(BIN / "freight", "serve", "--host", "127.0.0.1", "--port", "8000")


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium (and need a CJK font for Chinese names)."""
    if Path("/usr/bin/chromium").exists() or os.name == "nt" or os.geteuid() != 0:
        return
    sh("apt-get", "update", "-qq")
    sh("apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-zenhei")


def test() -> None:
    ensure_venv("dev")
    ensure_chromium()
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "ruff", "format", "--check", ".")
    sh(BIN / "mypy")
    extra = sys.argv[2:]
    sh(PY, "-m", "pytest", *extra)


if __name__ == "__main__":
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [pytest args]")
    commands[sys.argv[1]]()
