"""Seeded delivery points of a representative urban winter or summer day (2026–2035).

The number of points of each kind in each town comes from :mod:`freight.demand.urban_scale`
(bottom-up: residents, parcels per resident, outlets per resident); places, demand, windows
and service times are drawn from ``random.Random`` seeded with ``seed|urban|year|season|town``.
Method and sources: ``demand_data/METHOD.md`` §2.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

from freight.demand import assumptions as A
from freight.demand import urban_scale as S
from freight.demand.common import check_year, num, render, rng_for
from freight.demand.model import SEASONS, DeliveryPoint

POINT_COLUMNS = (
    "id", "lat", "lon", "demand_kg", "demand_m3", "service_min", "window_open",
    "window_close", "refrigerated", "zone", "town",
)  # fmt: skip
KM_PER_DEG_LAT = 111.2


def stops_in_day(year: int, season: str) -> int:
    """Delivery points of the representative ``season`` day of ``year`` (METHOD.md U1–U3)."""
    check_year(year, A.URBAN_FIRST_YEAR)
    _check_season(season)
    return S.stops_in_day(year, season)


def _check_season(season: str) -> None:
    if season not in SEASONS:
        raise ValueError(f"season must be one of {', '.join(SEASONS)}, got {season!r}")


def town_box(town: A.Town) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a town's delivery area."""
    dlat = town.half_ns_km / KM_PER_DEG_LAT
    dlon = town.half_ew_km / (KM_PER_DEG_LAT * math.cos(math.radians(town.lat)))

    def inward(x: float, up: bool) -> float:  # 5-decimal box, so rounded points stay inside
        return round((math.ceil if up else math.floor)(round(x * 1e5, 6)) / 1e5, 5)

    return (
        inward(town.lat - dlat, True),
        inward(town.lat + dlat, False),
        inward(town.lon - dlon, True),
        inward(town.lon + dlon, False),
    )


def zone_of(town: A.Town, lat: float, lon: float) -> str:
    """Zone id ``<prefix><row><col>`` of the town's grid (row 1 = south, col 1 = west)."""
    la0, la1, lo0, lo1 = town_box(town)
    r = min(town.rows - 1, max(0, int((lat - la0) / (la1 - la0) * town.rows)))
    c = min(town.cols - 1, max(0, int((lon - lo0) / (lo1 - lo0) * town.cols)))
    return f"{town.prefix}{r + 1}{c + 1}"


def zone_centres() -> dict[str, tuple[str, float, float]]:
    """Every zone id -> (town, lat, lon) of its cell centre."""
    out = {}
    for t in A.TOWN_AREAS:
        la0, la1, lo0, lo1 = town_box(t)
        for r in range(t.rows):
            for c in range(t.cols):
                lat = la0 + (r + 0.5) * (la1 - la0) / t.rows
                lon = lo0 + (c + 0.5) * (lo1 - lo0) / t.cols
                out[f"{t.prefix}{r + 1}{c + 1}"] = (t.name, lat, lon)
    return out


@functools.lru_cache(maxsize=8)
def generate_urban_day(
    year: int, season: str, seed: int = A.DEFAULT_SEED
) -> tuple[DeliveryPoint, ...]:
    """Delivery points of a representative winter or summer day (2026–2035).

    >>> pts = generate_urban_day(2026, "winter")
    >>> len(pts) == stops_in_day(2026, "winter") and pts[0].town == "kuytun"
    True
    """
    check_year(year, A.URBAN_FIRST_YEAR)
    _check_season(season)
    counts = S.stops_by_town_kind(year, season)
    kinds = {k.name: k for k in A.POINT_KINDS}
    out: list[DeliveryPoint] = []
    for town in A.TOWN_AREAS:
        rng = rng_for(seed, "urban", year, season, town.name)
        la0, la1, lo0, lo1 = town_box(town)
        sd_lat = town.sd_km / KM_PER_DEG_LAT
        sd_lon = town.sd_km / (KM_PER_DEG_LAT * math.cos(math.radians(town.lat)))
        order = [name for name, n in counts[town.name].items() for _ in range(n)]
        rng.shuffle(order)  # the kinds' counts are exact; their order is drawn
        for name in order:
            kind = kinds[name]
            for _try in range(20):  # truncated normal around the centre, inside the box
                lat = rng.gauss(town.lat, sd_lat)
                lon = rng.gauss(town.lon, sd_lon)
                if la0 <= lat <= la1 and lo0 <= lon <= lo1:
                    break
            lat, lon = min(max(lat, la0), la1), min(max(lon, lo0), lo1)
            kg = kind.median_kg * math.exp(kind.sigma * rng.gauss(0.0, 1.0))
            kg = round(min(max(kg, 2.0), A.MAX_STOP_KG), 1)
            w_open, w_close = rng.choice(kind.windows)
            out.append(
                DeliveryPoint(
                    id=f"u{year}{season[0]}-{len(out) + 1:05d}",
                    lat=round(lat, 5),
                    lon=round(lon, 5),
                    demand_kg=kg,
                    demand_m3=max(0.001, round(kg / kind.kg_per_m3, 3)),
                    service_min=float(rng.randint(*kind.service_min)),
                    window_open=w_open,
                    window_close=w_close,
                    refrigerated=rng.random() < kind.refrigerated_p,
                    zone=zone_of(town, lat, lon),
                    town=town.name,
                )
            )
    return tuple(out)


def urban_day_csv(points: Iterable[DeliveryPoint]) -> str:
    """The CSV text of ``demand_data/urban_<year>_<season>.csv``."""
    return render(
        POINT_COLUMNS,
        (
            (
                p.id,
                num(p.lat, 5),
                num(p.lon, 5),
                num(p.demand_kg, 1),
                num(p.demand_m3, 3),
                str(int(p.service_min)),
                p.window_open,
                p.window_close,
                "1" if p.refrigerated else "0",
                p.zone,
                p.town,
            )  # fmt: skip
            for p in points
        ),
    )
