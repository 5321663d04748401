"""The fleet-plan job runner: parameters parsed into PlanParams with JSON-path errors."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from freight.errors import InputError
from freight.fleet.plan.jobs import plan_params_kwargs, run
from freight.fleet.plan.params import parse_years


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2035}, (2035, None)),
        ({"year": 2026, "years": None}, (2026, None)),
        ({"years": "2026-2035"}, (None, tuple(range(2026, 2036)))),
        ({"years": " 2030 - 2032 "}, (None, (2030, 2031, 2032))),
        ({"years": "2030"}, (None, (2030,))),
        ({"years": [2035, 2026, 2030]}, (None, (2026, 2030, 2035))),
    ],
)
def test_years_parsed(params: dict[str, Any], expected: tuple[Any, Any]) -> None:
    assert parse_years(params) == expected


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({}, "$"),
        ({"year": 2035, "years": [2030]}, "$.years"),
        ({"year": 2025}, "$.year"),
        ({"year": "2035"}, "$.year"),
        ({"year": True}, "$.year"),
        ({"years": "2035-2026"}, "$.years"),
        ({"years": "2026-2040"}, "$.years"),
        ({"years": "next year"}, "$.years"),
        ({"years": []}, "$.years"),
        ({"years": [2026, 2036]}, "$.years[1]"),
        ({"years": [2030, 2030]}, "$.years[1]"),
        ({"years": 2030}, "$.years"),
    ],
)
def test_bad_years_name_the_path(params: dict[str, Any], loc: str) -> None:
    with pytest.raises(InputError) as err:
        parse_years(params)
    assert loc in [i.loc for i in err.value.issues], err.value


def test_plan_params_from_job_params() -> None:
    kw = plan_params_kwargs(
        {
            "year": 2035,
            "seed": 7,
            "time_limit_s": 60,
            "max_stops": 40,
            "engine": "process",
            "charger_powers_kw": [11, 60.0],
        }
    )
    assert kw == {
        "seed": 7,
        "time_limit_s": 57.0,  # 5 % kept back for the report
        "max_stops": 40,
        "engine": "process",
        "charger_powers_kw": (11.0, 60.0),
    }
    # long plans keep back at most 5 s; unset fields keep the planner's defaults
    assert plan_params_kwargs({"time_limit_s": 600}) == {"time_limit_s": 595.0}
    assert plan_params_kwargs({"seed": None, "max_stops": None}) == {}


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"seed": -1}, "$.seed"),
        ({"seed": 1.5}, "$.seed"),
        ({"time_limit_s": 0}, "$.time_limit_s"),
        ({"time_limit_s": float("inf")}, "$.time_limit_s"),
        ({"max_stops": 0}, "$.max_stops"),
        ({"engine": "threads"}, "$.engine"),
        ({"charger_powers_kw": []}, "$.charger_powers_kw"),
        ({"charger_powers_kw": [22, -7]}, "$.charger_powers_kw[1]"),
        ({"charger_powers_kw": [22, 22]}, "$.charger_powers_kw[1]"),
    ],
)
def test_bad_plan_params_name_the_path(params: dict[str, Any], loc: str) -> None:
    with pytest.raises(InputError) as err:
        plan_params_kwargs(params)
    assert loc in [i.loc for i in err.value.issues], err.value


def test_ray_engine_needs_ray(monkeypatch) -> None:
    if importlib.util.find_spec("ray") is not None:
        assert plan_params_kwargs({"engine": "ray"}) == {"engine": "ray"}
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    with pytest.raises(InputError) as err:
        plan_params_kwargs({"engine": "ray"})
    assert err.value.issues[0].loc == "$.engine"


def test_run_rejects_bad_params_before_planning() -> None:
    calls: list[tuple[float, str]] = []
    with pytest.raises(InputError) as err:
        run({"year": 2040, "time_limit_s": 5}, lambda f, m: calls.append((f, m)))
    assert err.value.issues[0].loc == "$.year"
    assert calls == []


def test_unknown_charger_class_names_the_element() -> None:
    with pytest.raises(InputError) as err:
        plan_params_kwargs({"charger_powers_kw": [22, 50]})
    assert [i.loc for i in err.value.issues] == ["$.charger_powers_kw[1]"]


CONTRACT_KEYS = {
    "year",
    "vehicles",
    "chargers",
    "vehicles_per_charger",
    "vehicles_per_charger_by_depot",
    "refrigerated_share",
    "overnight_energy_ok",
    "daily_check",
    "policy",
    "cost",
    "assumptions",
    "sampled",
    "partial",
    "wall_s",
}


def test_run_plans_a_small_sampled_year_with_its_report() -> None:
    """The real planner on 20 sampled stops per representative day (a few seconds)."""
    calls: list[tuple[float, str]] = []
    out = run(
        {"years": [2026], "max_stops": 20, "seed": 3, "time_limit_s": 60},
        lambda f, m: calls.append((f, m)),
    )
    assert set(out) == {"kind", "plans", "wall_s", "partial", "report_md"}
    assert out["kind"] == "fleet-plan-set"
    (p,) = out["plans"]
    assert set(p) >= CONTRACT_KEYS and p["year"] == 2026 and p["sampled"] is True
    assert sorted(d["day"] for d in p["daily_check"]) == ["summer", "winter"]
    assert all(d["stops"] == 20 for d in p["daily_check"])
    assert out["partial"] is False and isinstance(out["partial"], bool)
    fleet = sum(v["count"] for v in p["vehicles"])
    md = out["report_md"]
    assert md.startswith("# Fleet and charger plan, Kuytun urban delivery, 2026\n")
    assert f"Vehicles in the fleet: {fleet:,}." in md and "Sampled run" in md
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert max(fractions[:-1]) <= 0.98


def test_run_honours_the_time_limit_with_a_partial_plan() -> None:
    """400 stops a day cannot be routed in one second: the answer is partial, not late."""
    out = run({"year": 2035, "max_stops": 400, "seed": 1, "time_limit_s": 1.0})
    assert out["partial"] is True
    # Routing stops at the budget; the steps after it (charger refinement) have fixed
    # limits of their own. The full 400-stop plan takes minutes, so a generous bound still
    # fails when the limit is ignored, without failing on a loaded machine.
    assert out["wall_s"] < 1.0 + 30.0
    assert "Partial: the time limit cut the plan short" in out["report_md"]
