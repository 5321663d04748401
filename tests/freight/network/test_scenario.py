"""apply_scenario: patches of a network year, validated like the data files."""

from __future__ import annotations

import pytest

from freight.errors import InputError
from freight.network.scenario import apply_scenario, change_of
from freight.network.years import default_network_for_year


def test_update_add_remove_land_in_the_year_network():
    net = apply_scenario(
        2035,
        (
            change_of("update", "links", "r_kuytun__kuqa", {"capacity_per_day": 40}),
            change_of("remove", "links", "d_urumqi__karamay", {}),
            change_of(
                "add",
                "links",
                "d_wusu__huyanghe",
                {"source": "wusu", "target": "huyanghe", "mode": "road_national",
                 "length_km": 40, "speed_kmh": 60, "capacity_per_day": 8000},
            ),
        ),
    )  # fmt: skip
    base = default_network_for_year(2035)
    assert (
        net.links["r_kuytun__kuqa"].capacity_per_day
        == 40
        != base.links["r_kuytun__kuqa"].capacity_per_day
    )
    assert "d_urumqi__karamay" not in net.links and "d_urumqi__karamay" in base.links
    assert net.links["d_wusu__huyanghe"].length_km == 40
    # a planned element patched in an earlier year stays absent there
    assert (
        "r_kuytun__kuqa"
        not in apply_scenario(
            2030, (change_of("update", "links", "r_kuytun__kuqa", {"capacity_per_day": 40}),)
        ).links
    )


def test_removing_a_dated_element_drops_its_works_too():
    net = apply_scenario(2035, (change_of("remove", "services", "reg_kuytun_kuqa", {}),))
    assert "reg_kuytun_kuqa" not in net.services and "reg_kuqa_kuytun" in net.services


def test_errors_name_the_change_and_field():
    with pytest.raises(InputError) as e:
        apply_scenario(
            2035,
            (
                change_of("update", "nodes", "kuytun", {"lat": 44.4}),
                change_of("update", "links", "d_j_g30_w__wusu", {"speed_kmh": "fast"}),
            ),
        )
    assert [i.loc for i in e.value.issues] == ["$.changes[1].values.speed_kmh"]
