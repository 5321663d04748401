"""The typed fleet-plan model: one JSON form, read back exactly, typed for pydantic too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from freight.demand import assumptions as demand
from freight.errors import InputError
from freight.fleet.plan import FIRST_YEAR, LAST_YEAR, PlanParams, plan_fleet, plan_fleet_years
from freight.fleet.plan.model import DepotMove, FleetPlan, FleetPlanSet, plan_from_dict
from tests.freight.fleet.plan.contract_sample import plan, plans


@pytest.fixture(scope="module")
def real() -> FleetPlanSet:
    """Two sampled years planned for real (a few seconds)."""
    return plan_fleet_years([2026, 2035], PlanParams(max_stops=25, seed=4, time_limit_s=120))


def test_planner_returns_the_typed_model(real: FleetPlanSet) -> None:
    assert isinstance(real, FleetPlanSet) and real.kind == "fleet-plan-set"
    assert [p.year for p in real.plans] == [2026, 2035]
    for p in real.plans:
        assert isinstance(p, FleetPlan) and p.kind == "fleet-plan"
        assert {d.day for d in p.daily_check} == {"winter", "summer"}
        assert p.policy.planned_new_energy_vehicles == p.fleet_total > 0


def test_to_dict_and_from_dict_round_trip(real: FleetPlanSet) -> None:
    data = json.loads(json.dumps(real.to_dict()))  # through real JSON
    assert FleetPlanSet.from_dict(data) == real
    one = real.plans[0]
    assert FleetPlan.from_dict(json.loads(json.dumps(one.to_dict()))) == one
    assert plan_from_dict(plan()).to_dict()["vehicles"] == plan()["vehicles"]


def test_pydantic_serialises_the_model_as_to_dict(real: FleetPlanSet) -> None:
    """The API answers with pydantic; its JSON must be the contract's, key for key."""
    moved = FleetPlan.from_dict(
        {
            **plan(),
            "policy": {
                **plan()["policy"],
                "depot_rebalancing": [
                    {"day": "summer", "from": "a", "to": "b", "parts": 1, "stops": 9}
                ],
            },
        }
    )
    assert moved.policy.depot_rebalancing == (
        DepotMove(day="summer", from_depot="a", to="b", parts=1, stops=9),
    )
    for value, tp in ((real, FleetPlanSet), (moved, FleetPlan)):
        adapter: TypeAdapter[Any] = TypeAdapter(tp)
        dumped = adapter.dump_json(value, by_alias=True)
        assert json.loads(dumped) == value.to_dict()
        assert adapter.validate_json(dumped) == value


def test_a_plan_set_of_one_year_reads_as_a_set() -> None:
    s = FleetPlanSet.from_dict(plan(2030))
    assert [p.year for p in s.plans] == [2030]
    with pytest.raises(InputError, match="single-year"):
        FleetPlan.from_dict(plans())


@pytest.mark.parametrize(
    ("mutate", "loc"),
    [
        (lambda d: d["policy"].update(depot_rebalancing=[{"day": "w", "to": "b"}]),
         "$.policy.depot_rebalancing[0].from"),
        (lambda d: d.update(kind="conversion-plan"), "$.kind"),
        (lambda d: d["daily_check"][0].update(verify_errors="none"),
         "$.daily_check[0].verify_errors"),
        (lambda d: d["daily_check"][1].update(day="summer"), "$.daily_check[1].day"),
        (lambda d: d["chargers"][0].update(site_max_plugs=-1), "$.chargers[0].site_max_plugs"),
        (lambda d: d.update(assumptions=[1]), "$.assumptions"),
        (lambda d: d["assumptions"]["vehicles"]["bev_light"].update(battery_kwh="big"),
         "$.assumptions.vehicles.bev_light.battery_kwh"),
        (lambda d: d["assumptions"]["tariff_cny_per_kwh"][0].pop("to_min"),
         "$.assumptions.tariff_cny_per_kwh[0].to_min"),
        (lambda d: d.pop("overnight_energy_ok"), "$.overnight_energy_ok"),
    ],
)  # fmt: skip
def test_bad_fields_name_their_json_path(mutate: Any, loc: str) -> None:
    data = plan()
    mutate(data)
    with pytest.raises(InputError) as err:
        plan_from_dict(data)
    assert loc in [i.loc for i in err.value.issues], err.value


def test_years_and_engines_are_defined_once() -> None:
    from freight.fleet.plan import executors, params

    assert (FIRST_YEAR, LAST_YEAR) == (demand.URBAN_FIRST_YEAR, demand.LAST_YEAR)
    assert executors.ENGINES is params.ENGINES


@pytest.mark.parametrize(
    ("kwargs", "loc"),
    [
        ({"time_limit_s": 0}, "$.time_limit_s"),
        ({"engine": "spark"}, "$.engine"),
        ({"workers": 0}, "$.workers"),
        ({"part_stops": 5}, "$.part_stops"),
        ({"max_iterations": 0}, "$.max_iterations"),
        ({"charger_powers_kw": (22.0, 15.0)}, "$.charger_powers_kw[1]"),
        ({"ray_address": " "}, "$.ray_address"),
    ],
)
def test_plan_params_name_the_bad_field(kwargs: dict[str, Any], loc: str) -> None:
    with pytest.raises(InputError) as err:
        PlanParams(**kwargs)
    assert [i.loc for i in err.value.issues] == [loc]
    with pytest.raises(InputError) as err:
        PlanParams.from_json({k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()})
    assert [i.loc for i in err.value.issues] == [loc]


def test_plan_params_from_json_keeps_defaults() -> None:
    p = PlanParams.from_json({"seed": 3, "charger_powers_kw": [11, 60], "max_stops": None})
    assert p.seed == 3 and p.charger_powers_kw == (11.0, 60.0) and p.max_stops is None
    assert p == PlanParams(seed=3, charger_powers_kw=(11.0, 60.0))


def test_same_seed_same_plan() -> None:
    a = plan_fleet(2030, PlanParams(max_stops=20, seed=9, workers=1)).to_dict()
    b = plan_fleet(2030, PlanParams(max_stops=20, seed=9, workers=1)).to_dict()
    for x in (a, b):
        x.pop("wall_s")
        for d in x["daily_check"]:
            d.pop("wall_s")
    assert a == b
