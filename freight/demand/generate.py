"""The seeded demand generator: shipments, urban delivery days, bulk flows, depots, sites.

Pure functions of (year, season, seed): the same arguments give the same objects and the
same CSV bytes on any machine (``random.Random`` seeded with a string, fixed decimal
formatting). The method and every figure's source are in ``demand_data/METHOD.md``; the
figures are in :mod:`freight.demand.assumptions` and, for the size of an urban day,
:mod:`freight.demand.urban_scale`. This module lists the checked-in files and re-exports
the generators: :mod:`~freight.demand.shipments` (shipments, bulk flows),
:mod:`~freight.demand.urban` (delivery days) and :mod:`~freight.demand.sites` (depots,
charging sites).
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable

from freight.demand import assumptions as A
from freight.demand.common import check_year
from freight.demand.model import SEASONS
from freight.demand.shipments import (
    BULK_COLUMNS,
    BULK_COMMODITIES,
    SHIPMENT_COLUMNS,
    YearSummary,
    bulk_flows,
    bulk_flows_csv,
    generate_shipments,
    is_rail_lane,
    lane_tonnes,
    monthly_share,
    planned_summary,
    shipments_csv,
)
from freight.demand.sites import (
    COLD_CHAIN_DEPOT,
    COVER_SLACK_KM,
    DEPOT_COLUMNS,
    SITE_COLUMNS,
    charging_sites,
    charging_sites_csv,
    depots_csv,
    urban_depots,
)
from freight.demand.urban import (
    KM_PER_DEG_LAT,
    POINT_COLUMNS,
    generate_urban_day,
    stops_in_day,
    town_box,
    urban_day_csv,
    zone_centres,
    zone_of,
)

__all__ = [
    "A",
    "BULK_COLUMNS",
    "BULK_COMMODITIES",
    "COLD_CHAIN_DEPOT",
    "COVER_SLACK_KM",
    "DEPOT_COLUMNS",
    "KM_PER_DEG_LAT",
    "POINT_COLUMNS",
    "SHIPMENT_COLUMNS",
    "SITE_COLUMNS",
    "SHIPMENT_YEARS",
    "URBAN_YEARS",
    "YearSummary",
    "bulk_flows",
    "bulk_flows_csv",
    "charging_sites",
    "charging_sites_csv",
    "check_year",
    "checked_in_files",
    "depots_csv",
    "encode",
    "generate_shipments",
    "generate_urban_day",
    "is_rail_lane",
    "lane_tonnes",
    "monthly_share",
    "planned_summary",
    "shipments_csv",
    "stops_in_day",
    "town_box",
    "urban_day_csv",
    "urban_depots",
    "zone_centres",
    "zone_of",
]


SHIPMENT_YEARS = (2025, 2030, 2035)
URBAN_YEARS = (2026, 2030, 2035)


def checked_in_files(seed: int = A.DEFAULT_SEED) -> dict[str, Callable[[], str]]:
    """File name (relative to demand_data/) -> function rendering its exact CSV text.

    The large tables are stored gzipped (``.csv.gz``, mtime 0) to keep the repository small.
    """
    files: dict[str, Callable[[], str]] = {}
    for y in SHIPMENT_YEARS:
        files[f"shipments_{y}.csv.gz"] = functools.partial(_ship_text, y, seed)
    for y in URBAN_YEARS:
        for s in SEASONS:
            files[f"urban_{y}_{s}.csv.gz"] = functools.partial(_urban_text, y, s, seed)
    files["bulk_flows.csv"] = lambda: bulk_flows_csv(bulk_flows())
    files["urban_depots.csv"] = lambda: depots_csv(urban_depots())
    files["charging_sites.csv"] = lambda: charging_sites_csv(charging_sites(seed))
    return files


def _ship_text(year: int, seed: int) -> str:
    return shipments_csv(generate_shipments(year, seed))


def _urban_text(year: int, season: str, seed: int) -> str:
    return urban_day_csv(generate_urban_day(year, season, seed))


def encode(name: str, text: str) -> bytes:
    """The bytes stored for ``name``: UTF-8, gzipped (level 9, mtime 0) for ``.gz`` names."""
    raw = text.encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0) if name.endswith(".gz") else raw
