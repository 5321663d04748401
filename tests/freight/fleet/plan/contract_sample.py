"""A contract-shaped fleet plan (the fleet-plan contract), for the report and API tests."""

from __future__ import annotations

from typing import Any


def plan(year: int = 2035, scale: int = 1) -> dict[str, Any]:
    """A contract-shaped single-year plan (see the fleet-plan contract)."""
    return {
        "year": year,
        "vehicles": [
            {
                "type": "bev_light",
                "depot": "dep_station_front",
                "count": 412 * scale,
                "powertrain": "bev",
                "refrigerated": False,
                "battery_kwh": 81.0,
            },
            {
                "type": "bev_reefer",
                "depot": "dep_west_coldchain",
                "count": 17 * scale,
                "powertrain": "bev",
                "refrigerated": True,
                "battery_kwh": 90.5,
            },
            {
                "type": "phev_medium",
                "depot": "dep_east_industrial",
                "count": 93 * scale,
                "powertrain": "phev",
                "refrigerated": False,
                "battery_kwh": None,
            },
        ],
        "chargers": [
            {
                "site": "cs_dep_station_front",
                "depot": "dep_station_front",
                "power_kw": 22.0,
                "count": 103,
                "peak_kw": 1830.5,
                "energy_kwh": 9120.0,
                "occupancy": 0.71,
                "energy_cost_cny": 5400.0,
                "short_kwh": 0.0,
                "binding": None,
            },
            {
                "site": "cs_dep_station_front",
                "depot": "dep_station_front",
                "power_kw": 60.0,
                "count": 9,
                "peak_kw": 480.0,
                "energy_kwh": 2100.0,
                "occupancy": 0.5,
                "energy_cost_cny": 1300.0,
                "short_kwh": 0.0,
                "binding": None,
            },
            {
                "site": "cs_dep_east_industrial",
                "depot": "dep_east_industrial",
                "power_kw": 11.0,
                "count": 27,
                "peak_kw": 270.5,
                "energy_kwh": 1500.0,
                "occupancy": 0.6,
                "energy_cost_cny": 800.0,
                "short_kwh": 12.5,
                "binding": "chargers",
            },
        ],
        "vehicles_per_charger": 3.79,
        "vehicles_per_charger_by_depot": [
            {"depot": "dep_station_front", "plug_in_vehicles": 412, "chargers": 112, "ratio": 3.68}
        ],
        "refrigerated_share": 0.0326,
        "overnight_energy_ok": True,
        "daily_check": [
            {
                "day": "summer",
                "stops": 28123,
                "served": 28123,
                "unserved": 0,
                "vehicles_used": 2456,
                "distance_km": 350000.5,
                "energy_kwh": 95000.0,
                "verified": True,
                "wall_s": 250.0,
            },
            {
                "day": "winter",
                "stops": 30417,
                "served": 30406,
                "unserved": 11,
                "vehicles_used": 2710,
                "distance_km": 390000.0,
                "energy_kwh": 121000.0,
                "verified": True,
                "wall_s": 300.0,
            },
        ],
        "policy": {
            "target_new_energy_vehicles": 3150,  # 150 in 2025 + 3,000 added by 2035
            "target_year": 2035,
            "planned_new_energy_vehicles": 522 * scale,
            "baseline_vehicles": 150,
            "baseline_year": 2025,
            "additional_vehicles": 3000,
            "planned_additional_vehicles": 522 * scale - 150,
            "max_vehicles_per_charger": 4,
            "min_refrigerated_share": 0.005,
            "note": "demand needs fewer vehicles",
        },
        "cost": {
            "vehicles_cny_per_year": 1234567.0,
            "chargers_cny_per_year": 222333.0,
            "energy_cny_per_year": 444555.0,
            "driver_and_maintenance_cny_per_year": 7654321.0,
            "total_cny_per_year": 9555776.0,
        },
        "assumptions": {
            "operating_days_per_year": 300,
            "tariff_cny_per_kwh": [{"from_min": 0, "to_min": 480, "cny_per_kwh": 0.35}],
            "vehicles": {"bev_light": {"powertrain": "bev", "battery_kwh": 81.0}},
            "source": "stated assumption",
        },
        "sampled": False,
        "partial": False,
        "wall_s": 612.3,
    }


def plans() -> dict[str, Any]:
    return {
        "plans": [plan(2026, 1), plan(2030, 2), plan(2035, 3)],
        "wall_s": 1234.5,
        "partial": False,
    }
