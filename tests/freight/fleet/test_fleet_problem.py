"""parse_problem: the fleet problem JSON contract, defaults, and errors that name JSON paths."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from freight.errors import InputError
from freight.fleet.problem_json import parse_problem, problem_to_dict

BASE: dict[str, Any] = {
    "speed_kmh": 30,
    "depots": [{"id": "d", "lat": 44.42, "lon": 84.9, "open": "06:00", "close": "22:00"}],
    "charging_sites": [{"id": "c", "lat": 44.43, "lon": 84.91, "power_kw": 60, "count": 2}],
    "vehicle_types": [
        {
            "id": "ev",
            "depot": "d",
            "count": 2,
            "capacity_kg": 1200,
            "capacity_m3": 11,
            "battery_kwh": 81,
            "min_soc_kwh": 8,
            "kwh_per_km": 0.3,
            "kwh_per_km_per_tonne": 0.05,
            "fixed_cost_cny": 180,
            "cost_per_km_cny": 1.0,
            "refrigerated": False,
            "shift_start": "07:00",
            "shift_end": "19:00",
        }
    ],
    "stops": [
        {
            "id": "s1",
            "lat": 44.44,
            "lon": 84.92,
            "demand_kg": 120,
            "demand_m3": 0.8,
            "service_min": 10,
            "window": ["09:00", "12:00"],
            "refrigerated": False,
        }
    ],
}


def _bad(path: str, value: Any) -> dict[str, Any]:
    """BASE with the value at a simple dotted path replaced (``None`` value deletes)."""
    data = copy.deepcopy(BASE)
    parts = path.split(".")
    obj: Any = data
    for part in parts[:-1]:
        obj = obj[int(part)] if part.isdigit() else obj[part]
    if value is None:
        del obj[parts[-1]]
    else:
        obj[parts[-1]] = value
    return data


def test_reads_every_field_as_written() -> None:
    p = parse_problem(BASE)
    vt, s, c = p.vehicle_types[0], p.stops[0], p.charging_sites[0]
    assert (vt.shift_start_min, vt.shift_end_min, vt.usable_kwh) == (420, 1140, 73)
    assert vt.leg_kwh(10, 1000) == pytest.approx(10 * (0.3 + 0.05))
    assert (s.window_open_min, s.window_close_min, s.service_min) == (540, 720, 10)
    assert (c.power_kw, c.count) == (60, 2)
    assert p.road_factor == 1.3  # the contract's default
    # km is haversine x road factor, minutes at speed_kmh
    assert p.minutes(0, 2) == pytest.approx(p.km(0, 2) / 30 * 60)


def test_round_trip_through_problem_to_dict() -> None:
    p = parse_problem(BASE)
    assert parse_problem(json.loads(json.dumps(problem_to_dict(p)))) == p


def test_phev_null_battery_and_defaults() -> None:
    data = _bad("vehicle_types.0.battery_kwh", None)
    data["vehicle_types"][0]["battery_kwh"] = None
    del data["vehicle_types"][0]["shift_start"]
    p = parse_problem(data)
    vt = p.vehicle_types[0]
    assert vt.battery_kwh is None and not vt.is_electric
    assert vt.shift_start_min == 360  # defaults to the depot's opening


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("stops.0.window", ["14:00", "12:00"], r"\$\.stops\[0\]\.window: window opens 14:00"),
        ("stops.0.window", ["9h", "12:00"], r"\$\.stops\[0\]\.window\[0\]"),
        ("stops.0.demand_kg", -5, r"\$\.stops\[0\]\.demand_kg: must be >= 0"),
        ("stops.0.lat", 123, r"\$\.stops\[0\]\.lat"),
        ("stops.0.id", None, r"\$\.stops\[0\]\.id"),
        ("vehicle_types.0.depot", "nowhere", r"\$\.vehicle_types\[0\]\.depot: unknown depot"),
        ("vehicle_types.0.battery_kwh", None, r"\$\.vehicle_types\[0\]\.battery_kwh: required"),
        ("vehicle_types.0.min_soc_kwh", 90, r"\$\.vehicle_types\[0\]\.min_soc_kwh"),
        ("vehicle_types.0.count", 1.5, r"\$\.vehicle_types\[0\]\.count"),
        ("vehicle_types.0.shift_end", "06:00", r"\$\.vehicle_types\[0\]\.shift_end"),
        ("charging_sites.0.power_kw", 0, r"\$\.charging_sites\[0\]\.power_kw"),
        ("charging_sites.0.count", 0, r"\$\.charging_sites\[0\]\.count"),
        ("depots", None, r"\$\.depots: required"),
        ("speed_kmh", "fast", r"\$\.speed_kmh"),
    ],
)
def test_errors_name_the_json_path(path: str, value: Any, where: str) -> None:
    with pytest.raises(InputError, match=where):
        parse_problem(_bad(path, value))


def test_duplicate_ids_and_matrix_errors() -> None:
    data = copy.deepcopy(BASE)
    data["stops"].append(dict(data["stops"][0]))
    with pytest.raises(InputError, match=r"\$\.stops\[1\]\.id: id 's1' already used"):
        parse_problem(data)
    data = copy.deepcopy(BASE)
    data["matrix"] = {"ids": ["d", "c", "s1"], "km": [[0, 1], [1, 0]], "minutes": [[0]]}
    with pytest.raises(InputError, match=r"\$\.matrix\.km: expected 3x3"):
        parse_problem(data)
    data["matrix"] = {"ids": ["d", "c"], "km": [[0, 1], [1, 0]], "minutes": [[0, 1], [1, 0]]}
    with pytest.raises(InputError, match=r"\$\.matrix\.ids: location 's1' is missing"):
        parse_problem(data)


def test_matrix_overrides_haversine() -> None:
    data = copy.deepcopy(BASE)
    data["matrix"] = {
        "ids": ["s1", "c", "d"],
        "km": [[0, 2, 3], [2, 0, 4], [3, 4, 0]],
        "minutes": [[0, 5, 6], [5, 0, 7], [6, 7, 0]],
    }
    p = parse_problem(data)
    d, c, s = p.index_of("d"), p.index_of("c"), p.index_of("s1")
    assert (p.km(d, s), p.minutes(d, s), p.km(c, d), p.minutes(s, c)) == (3, 6, 4, 5)


def test_not_an_object() -> None:
    with pytest.raises(InputError, match=r"\$: expected an object"):
        parse_problem([1, 2])


def test_examples_parse() -> None:
    folder = Path(__file__).resolve().parents[3] / "demand_data" / "examples"
    files = sorted(folder.glob("fleet_*.json"))
    assert files, "demand_data/examples/fleet_*.json missing"
    for f in files:
        assert parse_problem(json.loads(f.read_text())).stops
