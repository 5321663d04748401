"""Unit conventions and the one place where floats become solver integers.

OR-Tools callbacks want integers. Inside solvers we use seconds, metres, fen
(0.01 CNY), watt-hours and kilograms; these helpers convert at the boundary.
Names in the rest of the code carry their units (``cost_cny``, ``soc_kwh``, ``length_km``).
"""

from __future__ import annotations

import math
import re

SECONDS_PER_MINUTE = 60
SECONDS_PER_HOUR = 3600
MINUTES_PER_DAY = 24 * 60
METRES_PER_KM = 1000
FEN_PER_CNY = 100
WH_PER_KWH = 1000
KG_PER_TONNE = 1000

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius

_HHMM = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


def km_to_m(km: float) -> int:
    return round(km * METRES_PER_KM)


def cny_to_fen(cny: float) -> int:
    return round(cny * FEN_PER_CNY)


def kwh_to_wh(kwh: float) -> int:
    return round(kwh * WH_PER_KWH)


def hours_to_s(hours: float) -> int:
    return round(hours * SECONDS_PER_HOUR)


def parse_hhmm(text: str) -> int:
    """Parse ``"HH:MM"`` (00:00–24:00) into minutes after midnight.

    >>> parse_hhmm("08:30")
    510
    """
    m = _HHMM.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"expected a time as HH:MM, got {text!r}")
    minutes = int(m.group(1)) * 60 + int(m.group(2))
    if minutes > MINUTES_PER_DAY:
        raise ValueError(f"time {text!r} is after 24:00")
    return minutes


def format_hhmm(minutes: float) -> str:
    """Format minutes after midnight as ``"HH:MM"`` (hours may exceed 24 for overnight).

    >>> format_hhmm(510)
    '08:30'
    """
    total = int(round(minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points.

    >>> round(haversine_km(44.42, 84.90, 43.83, 87.62))  # Kuytun to Urumqi, straight line
    226
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))
