"""The plan's 3,000 vehicles are additions: the target is the baseline fleet + additions."""

from __future__ import annotations

import dataclasses

import pytest

from freight.fleet.plan.defaults import load_fleet_defaults
from freight.fleet.plan.model import PlanPolicy
from freight.fleet.plan.sizing import PolicyInputs, policy, target_for_year


def _inputs(year: int, planned: int, sampled: bool = False) -> PolicyInputs:
    return PolicyInputs(
        year=year,
        planned=planned,
        needed=planned - 10,
        refrigerated_added=0,
        sampled=sampled,
        served_all=True,
        moves=(),
        chargers=(),
    )


@pytest.fixture
def d():
    # round numbers, so that every expected value below is worked out by hand
    return dataclasses.replace(
        load_fleet_defaults(),
        baseline_new_energy_vehicles=200,
        additional_new_energy_vehicles=3000,
        baseline_year=2025,
        target_year=2035,
    )


def test_the_2035_target_is_the_baseline_plus_the_additions(d) -> None:
    pol = policy(_inputs(2035, 640), d)
    assert isinstance(pol, PlanPolicy)
    assert pol.target_new_energy_vehicles == 3200 == pol.target_for_year
    assert (pol.baseline_vehicles, pol.baseline_year, pol.additional_vehicles) == (200, 2025, 3000)
    assert pol.planned_new_energy_vehicles == 640 and pol.planned_additional_vehicles == 440
    assert pol.note is not None and "demand needs -2,560 against it" in pol.note
    assert "+440 on the 2025 fleet of 200" in pol.note
    assert "its fleet is 3,200 then (baseline + additions)" in pol.note


def test_an_earlier_year_names_its_straight_line_share(d) -> None:
    pol = policy(_inputs(2030, 900), d)
    assert pol.note is not None
    assert "its fleet is 3,200 then and 1,700 in 2030 (baseline + a straight-line" in pol.note


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, 200), (2026, 500), (2030, 1700), (2035, 3200), (2040, 3200)]
)
def test_intermediate_years_add_a_straight_line_share_to_the_baseline(d, year, expected) -> None:
    assert target_for_year(d, year) == expected


def test_a_need_below_the_baseline_shows_negative_additions(d) -> None:
    pol = policy(_inputs(2026, 120), d)
    assert pol.planned_additional_vehicles == -80 and pol.target_for_year == 500


def test_the_shipped_defaults_name_the_plans_additions_and_a_baseline() -> None:
    shipped = load_fleet_defaults()
    assert shipped.additional_new_energy_vehicles == 3000  # seed ch. 5 §5: 新增 3000 辆
    assert shipped.baseline_year == 2025 and shipped.baseline_new_energy_vehicles > 0
    pol = policy(_inputs(2035, 600), shipped)
    assert pol.target_new_energy_vehicles == shipped.baseline_new_energy_vehicles + 3000
