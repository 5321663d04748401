"""Small hand-made conversion scenarios (TOML layout as dicts) for the tests."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

FLAT = [1] * 12


def tiny_data() -> dict[str, Any]:
    """Two flows from A to a far city D, terminals T1 (near A) and T2; all numbers round.

    Coordinates sit on the equator so distances are easy: 1 degree of longitude ≈ 111.2 km.
    """
    return {
        "meta": {"discount_rate": 0.0, "co2_price_cny_per_t": 0.0},
        "geometry": {
            "rail_detour": 1.0,
            "road_detour": 1.0,
            "rail_km_per_day": 500.0,
            "road_km_per_day": 500.0,
            "use_network": False,
            "nodes": {
                "a": [0.0, 0.0],
                "b": [0.0, 0.1],
                "t1": [0.0, 0.05],
                "t2": [0.0, 0.2],
                "d": [0.0, 20.0],
            },
        },
        "modes": {
            "bulk_rail_cny_per_tkm": 0.10,
            "bulk_rail_fixed_cny_per_t": 15.0,
            "container_rail_cny_per_teu_km": 2.0,
            "container_rail_fixed_cny_per_teu": 400.0,
            "empty_return_cny_per_teu_km": 0.5,
            "road_cny_per_tkm": 0.30,
            "road_fixed_cny_per_t": 8.0,
            "drayage_cny_per_tkm": 0.8,
            "drayage_fixed_cny_per_t": 4.0,
            "rail_co2_g_per_tkm": 11.3,
            "road_co2_g_per_tkm": 90.3,
        },
        "pool": {
            "purchase_cny_per_teu": 24000.0,
            "life_years": 12.0,
            "maintenance_cny_per_teu_year": 500.0,
            "lease_cny_per_teu_day": 11.0,
            "max_owned_teu": 1500,
            "max_leased_teu": 500,
            "dwell_days": 3.0,
            "reserve_share": 0.1,
        },
        "commodities": {
            "coal": {
                "tonnes_per_teu": 33.0,
                "value_cny_per_t": 600.0,
                "bulk_loss_rate": 0.016,
                "container_loss_rate": 0.003,
                "road_loss_rate": 0.008,
            },
            "grain": {
                "tonnes_per_teu": 30.0,
                "value_cny_per_t": 2700.0,
                "bulk_loss_rate": 0.01,
                "container_loss_rate": 0.002,
                "road_loss_rate": 0.005,
            },
        },
        "equipment": [
            {
                "id": "rs",
                "throughput_t_per_h": 240.0,
                "capex_cny": 4.5e6,
                "life_years": 10.0,
                "opex_cny_per_year": 6.5e5,
            },
            {
                "id": "gc",
                "throughput_t_per_h": 600.0,
                "capex_cny": 3.0e7,
                "life_years": 20.0,
                "opex_cny_per_year": 1.8e6,
            },
        ],
        "terminals": [
            {
                "id": "t1",
                "hours_per_month": 300.0,
                "max_t_per_month": 200000.0,
                "handling_cny_per_t": 9.0,
                "max_units": {"rs": 2, "gc": 1},
            },
            {
                "id": "t2",
                "hours_per_month": 300.0,
                "max_t_per_month": 200000.0,
                "handling_cny_per_t": 7.0,
                "max_units": {"rs": 3},
            },
        ],
        "flows": [
            {
                "id": "f1",
                "commodity": "coal",
                "origin": "a",
                "destination": "d",
                "annual_t": 400000.0,
                "monthly_share": [12, 12, 10, 8, 6, 6, 6, 6, 8, 8, 9, 9],
            },
            {
                "id": "f2",
                "commodity": "grain",
                "origin": "b",
                "destination": "d",
                "annual_t": 150000.0,
                "monthly_share": [4, 4, 4, 4, 6, 8, 12, 14, 14, 14, 10, 6],
            },
        ],
    }


def random_data(seed: int) -> dict[str, Any]:
    """A perturbed tiny scenario with 2–3 flows (fixed seed) for brute-force comparisons."""
    rng = random.Random(seed)
    data = copy.deepcopy(tiny_data())
    data["geometry"]["nodes"]["d"] = [0.0, rng.uniform(1.0, 30.0)]
    data["geometry"]["nodes"]["c"] = [rng.uniform(-1, 1), rng.uniform(0, 2)]
    for key in ("bulk_rail_cny_per_tkm", "container_rail_cny_per_teu_km", "road_cny_per_tkm"):
        data["modes"][key] *= rng.uniform(0.6, 1.4)
    data["pool"]["max_owned_teu"] = rng.choice([200, 800, 1500])
    data["pool"]["max_leased_teu"] = rng.choice([0, 100, 400])
    for t in data["terminals"]:
        t["hours_per_month"] = rng.choice([150.0, 300.0, 450.0])
        t["handling_cny_per_t"] = rng.uniform(5, 12)
    if rng.random() < 0.5:
        data["flows"].append(
            {
                "id": "f3",
                "commodity": rng.choice(["coal", "grain"]),
                "origin": "c",
                "destination": "d",
                "annual_t": rng.choice([50000.0, 200000.0]),
                "monthly_share": [rng.randint(1, 5) for _ in range(12)],
            }
        )
    for f in data["flows"]:
        f["annual_t"] *= rng.uniform(0.5, 1.5)
    if rng.random() < 0.4:
        data["commodities"]["grain"]["min_converted_share"] = 1.0
    return data


@pytest.fixture
def tiny() -> dict[str, Any]:
    return tiny_data()
