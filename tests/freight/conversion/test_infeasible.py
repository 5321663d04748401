"""Infeasible scenarios name the capacity or policy that binds."""

from __future__ import annotations

import pytest

from freight.conversion import explain_infeasibility, parse_scenario, plan_conversion
from freight.errors import InfeasibleError


def test_terminal_capacity_and_policy_bind(tiny) -> None:
    # all coal must be converted, but the only terminal can host one reach stacker
    tiny["commodities"]["coal"]["min_converted_share"] = 1.0
    tiny["terminals"] = [tiny["terminals"][1]]
    tiny["terminals"][0]["max_units"] = {"rs": 1}  # 240 t/h × 100 h < 48 kt in January
    tiny["terminals"][0]["hours_per_month"] = 100.0
    sc = parse_scenario(tiny, "tiny")
    with pytest.raises(InfeasibleError) as err:
        plan_conversion(sc, time_limit_s=3)
    assert set(err.value.binding) == {"terminal_capacity:t2", "policy_floor:coal"}
    assert "terminal_capacity:t2" in str(err.value)


def test_pool_and_policy_bind(tiny) -> None:
    tiny["commodities"]["grain"]["min_converted_share"] = 0.5
    tiny["pool"]["max_owned_teu"] = 10
    tiny["pool"]["max_leased_teu"] = 0
    sc = parse_scenario(tiny, "tiny")
    assert explain_infeasibility(sc) == ["container_pool", "policy_floor:grain"]


def test_no_terminals_with_container_only_commodity(tiny) -> None:
    tiny["terminals"] = []
    tiny["commodities"]["coal"]["min_converted_share"] = 1.0
    sc = parse_scenario(tiny, "tiny")
    with pytest.raises(InfeasibleError) as err:
        plan_conversion(sc, time_limit_s=3)
    assert err.value.binding == ("policy_floor:coal",)
