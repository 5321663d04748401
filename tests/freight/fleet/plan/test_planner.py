"""Fleet planner: contract, consistency, determinism, charger choice, errors.

Small seeded samples of the representative days keep these fast; the full-size plan is
measured by bench/fleet_plan_bench.py.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import time
from typing import Any

import pytest
from typer.testing import CliRunner

from freight.demand import load_charging_sites, load_depots, load_urban_day
from freight.errors import InputError
from freight.fleet.charging_schedule import ChargingSiteSpec
from freight.fleet.plan import PlanParams, plan_fleet, plan_fleet_years
from freight.fleet.plan.build import build_parts, sample_points
from freight.fleet.plan.chargers import (
    OvernightNeed,
    choose_site_chargers,
    evaluate_site,
    greedy_schedule,
)
from freight.fleet.plan.defaults import capital_recovery_factor, load_fleet_defaults
from freight.fleet.plan.executors import PartTask, run_parts
from freight.fleet.routing import RouterParams, solve_fleet

SMALL = {"max_stops": 50, "workers": 2, "seed": 3, "time_limit_s": 300.0}


def _strip(d: Any) -> Any:
    """The plan without wall-clock fields and the engine name (the rest must be equal)."""
    if isinstance(d, dict):
        return {k: _strip(v) for k, v in d.items() if k not in ("wall_s", "engine")}
    if isinstance(d, list):
        return [_strip(v) for v in d]
    return d


@pytest.fixture(scope="module")
def small_plan() -> dict[str, Any]:
    return plan_fleet(2030, PlanParams(**SMALL)).to_dict()


def test_contract_fields_and_consistency(small_plan: dict[str, Any]) -> None:
    p = small_plan
    for key in (
        "year", "vehicles", "chargers", "vehicles_per_charger", "vehicles_per_charger_by_depot",
        "refrigerated_share", "overnight_energy_ok", "daily_check", "policy", "cost",
        "assumptions", "sampled", "partial", "wall_s",
    ):  # fmt: skip
        assert key in p, key
    assert p["year"] == 2030 and p["sampled"] is True and p["partial"] is False
    d = load_fleet_defaults()
    for v in p["vehicles"]:
        assert v["powertrain"] in ("bev", "phev") and v["count"] > 0
        assert v["battery_kwh"] == d.vehicle(v["type"]).battery_kwh
    n_veh = sum(v["count"] for v in p["vehicles"])
    n_ch = sum(c["count"] for c in p["chargers"])
    assert p["policy"]["planned_new_energy_vehicles"] == n_veh
    pol = p["policy"]
    assert pol["additional_vehicles"] == d.additional_new_energy_vehicles == 3000
    assert pol["baseline_vehicles"] == d.baseline_new_energy_vehicles
    assert pol["target_new_energy_vehicles"] == pol["baseline_vehicles"] + 3000
    assert pol["planned_additional_vehicles"] == n_veh - pol["baseline_vehicles"]
    assert math.isclose(p["vehicles_per_charger"], n_veh / n_ch, rel_tol=1e-3)
    assert p["vehicles_per_charger"] <= 4.0
    by_depot = {r["depot"]: r for r in p["vehicles_per_charger_by_depot"]}
    for c in p["chargers"]:
        row = by_depot[c["depot"]]
        fleet_here = sum(v["count"] for v in p["vehicles"] if v["depot"] == c["depot"])
        assert row["plug_in_vehicles"] == fleet_here and row["chargers"] == c["count"]
        assert row["ratio"] <= 4.0
        assert c["site"].startswith("cs_") and c["power_kw"] in d.charger_powers()
        assert c["count"] <= c["site_max_plugs"]
    reefers = sum(v["count"] for v in p["vehicles"] if v["refrigerated"])
    assert p["refrigerated_share"] >= 0.005
    assert math.isclose(p["refrigerated_share"], reefers / n_veh, rel_tol=1e-3)
    assert p["overnight_energy_ok"] == all(c["short_kwh"] == 0 for c in p["chargers"])
    assert {dc["day"] for dc in p["daily_check"]} == {"winter", "summer"}
    for dc in p["daily_check"]:
        assert dc["verified"] is True, dc["verify_errors"]
        assert dc["served"] + dc["unserved"] == dc["stops"] == SMALL["max_stops"]
    # the fleet covers the busier day of each (type, depot)
    assert n_veh >= max(dc["vehicles_used"] for dc in p["daily_check"])
    c = p["cost"]
    parts = ("vehicles", "chargers", "energy", "driver_and_maintenance")
    assert math.isclose(
        c["total_cny_per_year"], sum(c[f"{k}_cny_per_year"] for k in parts), abs_tol=0.05
    )
    assert all(c[f"{k}_cny_per_year"] > 0 for k in parts)


def test_same_seed_same_plan(small_plan: dict[str, Any]) -> None:
    again = plan_fleet(2030, PlanParams(**SMALL)).to_dict()
    assert _strip(again) == _strip(small_plan)


@pytest.mark.slow
def test_ray_local_mode_gives_the_process_plan(small_plan: dict[str, Any]) -> None:
    if importlib.util.find_spec("ray") is None:  # pragma: no cover - ray is in the dev extra
        pytest.skip("RAY IS NOT INSTALLED: pip install 'kuytun-freight[ray]' to cover --engine ray")
    on_ray = plan_fleet(2030, PlanParams(**SMALL, engine="ray")).to_dict()
    assert _strip(on_ray) == _strip(small_plan)


def test_ray_worker_answers_a_part_as_in_process() -> None:
    """A Ray worker answers a full-size 2035 part exactly as solve_fleet in-process does."""
    if importlib.util.find_spec("ray") is None:  # pragma: no cover - ray is in the dev extra
        pytest.skip("RAY IS NOT INSTALLED: pip install 'kuytun-freight[ray]' to cover --engine ray")
    d = load_fleet_defaults()
    pts = sample_points(load_urban_day(2035, "winter"), 150, 5)
    parts = build_parts("winter", pts, load_depots(), load_charging_sites(), d, 120)
    big = max(parts, key=lambda p: len(p.problem.stops))
    prm = RouterParams(time_limit_s=60, seed=5, max_iterations=100)
    here = solve_fleet(big.problem, prm)
    tasks = [PartTask(big.key, big.problem, prm)] * 2
    there = run_parts(tasks, engine="ray", workers=1, deadline=time.perf_counter() + 300)
    for r in there:
        assert r is not None
        assert r.routes == here.routes and r.objective_cny == here.objective_cny


def _tiny_site() -> list[OvernightNeed]:
    return [
        OvernightNeed("a", 1080, 1800, 20.0, 81.0, 81.0, 11.0, 80.0),
        OvernightNeed("b", 1140, 1800, 35.0, 81.0, 81.0, 11.0, 80.0),
        OvernightNeed("c", 1200, 1800, 10.0, 81.0, 81.0, 11.0, 80.0),
        OvernightNeed("d", 1230, 1800, 50.0, 81.0, 81.0, 11.0, 80.0),
        OvernightNeed("e", 1260, 1800, 12.0, 25.0, 25.0, 6.6, 6.6),
        OvernightNeed("f", 1300, 1800, 70.0, 81.0, 81.0, 11.0, 80.0),
    ]


def test_charger_choice_matches_brute_force() -> None:
    d = load_fleet_defaults()
    tariff = ChargingSiteSpec.tariff_from_tuples(d.tariff)
    needs = _tiny_site()
    annual = capital_recovery_factor(d.discount_rate, d.charger_life_years) + d.charger_om_share
    choice = choose_site_chargers(
        "tiny", needs, 8, d.chargers, tariff, max_per_charger=4,
        annual_factor=annual, energy_days_per_year=250.0,
    )  # fmt: skip
    best = None
    for c, n in itertools.product(d.chargers, range(2, len(needs) + 1)):  # floor ceil(8/4)=2
        e = evaluate_site(
            "tiny", needs, c, n, tariff,
            annual_charger_cny=c.capex_cny * annual, energy_days_per_year=250.0,
        )  # fmt: skip
        if e.short_kwh == 0 and (
            best is None
            or (e.cost_cny_per_year, e.power_kw) < (best.cost_cny_per_year, best.power_kw)
        ):
            best = e
    assert best is not None
    assert (choice.chosen.power_kw, choice.chosen.count) == (best.power_kw, best.count)
    assert choice.chosen.short_kwh == 0 and choice.min_count == 2


def test_greedy_schedule_is_a_valid_schedule() -> None:
    d = load_fleet_defaults()
    tariff = ChargingSiteSpec.tariff_from_tuples(d.tariff)
    needs = _tiny_site()
    kw, used, delivered, _cost, short, binding = greedy_schedule(needs, d.charger(7.4), 1, tariff)
    assert max(used.values()) <= 1  # never more vehicles than chargers in a slot
    assert max(kw.values()) <= 7.4 + 1e-9
    need = sum(n.need_kwh for n in needs)
    assert math.isclose(delivered + short, need, rel_tol=1e-9)
    assert short > 0 and "chargers" in binding  # one 7.4 kW plug cannot refill six vans


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_limit_s": 0},
        {"engine": "spark"},
        {"workers": 0},
        {"max_stops": 0},
        {"charger_powers_kw": (15.0,)},
        {"charger_powers_kw": ()},
    ],
)
def test_bad_params_are_clear_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        PlanParams(**kwargs)


@pytest.mark.parametrize("year", [2025, 2036, "2030", True])
def test_bad_years_are_clear_errors(year: Any) -> None:
    with pytest.raises(InputError, match="year"):
        plan_fleet(year, PlanParams(max_stops=5))
    with pytest.raises(InputError, match="year"):
        plan_fleet_years([2030, year], PlanParams(max_stops=5))


def test_cli_errors_are_clear() -> None:
    from freight.cli.main import app

    runner = CliRunner()
    r = runner.invoke(app, ["fleet", "plan", "--years", "2031-2029"])
    assert r.exit_code == 2 and "--years" in r.output
    r = runner.invoke(app, ["fleet", "plan", "--year", "2040"])
    assert r.exit_code == 2 and "2040" in r.output
    r = runner.invoke(app, ["fleet", "plan"])
    assert r.exit_code == 2 and "--year" in r.output
