"""Demand data: a year's shipments, urban delivery days, bulk flows, depots, charging sites.

Loaders read ``demand_data/`` (validated, errors name file:row:field) and generate any
year that is not on disk with the documented, seeded generator (``demand_data/METHOD.md``).
"""

from freight.demand.assumptions import DEFAULT_SEED
from freight.demand.generate import (
    bulk_flows,
    charging_sites,
    checked_in_files,
    generate_shipments,
    generate_urban_day,
    planned_summary,
    urban_depots,
)
from freight.demand.loaders import (
    load_bulk_flows,
    load_charging_sites,
    load_depots,
    load_shipments,
    load_urban_day,
)
from freight.demand.model import (
    BulkFlow,
    ChargingSiteCandidate,
    DeliveryPoint,
    Shipment,
    UrbanDepot,
)

__all__ = [
    "DEFAULT_SEED",
    "BulkFlow",
    "ChargingSiteCandidate",
    "DeliveryPoint",
    "Shipment",
    "UrbanDepot",
    "bulk_flows",
    "charging_sites",
    "checked_in_files",
    "generate_shipments",
    "generate_urban_day",
    "load_bulk_flows",
    "load_charging_sites",
    "load_depots",
    "load_shipments",
    "load_urban_day",
    "planned_summary",
    "urban_depots",
]
