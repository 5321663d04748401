"""Shared test defaults: quiet logs, no rate limits unless a test sets its own.

The repository root goes on ``sys.path`` so that ``freight`` and ``api`` always resolve to
the real packages: pytest puts ``tests/`` on the path, and without this ``tests/freight``
(no ``__init__.py``) can be picked up as a namespace package named ``freight``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

os.environ.setdefault("FREIGHT_LOG_LEVEL", "WARNING")
os.environ.setdefault("FREIGHT_RATE_LIMITS", "off")
