"""Scenarios edit terminal_options.csv (piggyback ramps, drop-and-hook): adding ramps makes
a piggyback route appear; bad rows are named by the change's JSON path."""

from __future__ import annotations

from datetime import datetime

import pytest

from freight.errors import InputError
from freight.network.model import CargoForm
from freight.network.scenario import apply_scenario, change_of
from freight.routing import Cargo, RouteRequest, RoutingIndex, Unit, find_routes

TRAIN = change_of(
    "add", "services", "pb_scenario_urumqi",
    {"name": "Scenario Kuytun West–Urumqi piggyback", "route": "kuytun_west>urumqi",
     "weekdays": "1234567", "depart": "21:00", "offsets_h": "0;6.5", "capacity_teu": 80,
     "capacity_t": 1200, "forms": "container;general;reefer", "kind": "piggyback",
     "capacity_trailers": 40},
)  # fmt: skip


def ramp(at: str, **values: object) -> object:
    """A ramp from 2026 until the shipped one opens in 2030."""
    row = {"to_year": 2030, "hours": 1, "cost_cny_per_trailer": 150,
           "capacity_trailers_per_day": 80, "forms": "container;general;reefer",
           "source": "scenario: an early ramp"} | values  # fmt: skip
    return change_of("add", "terminal_options", f"{at}:piggyback_ramp:2026", row)


def modes(net) -> list[list[str]]:
    req = RouteRequest(
        "kuytun_west", "urumqi", Cargo("cold_food", CargoForm.REEFER, 20, Unit.T),
        datetime(2026, 3, 4, 8, 0), alternatives=5,
    )  # fmt: skip
    return [[leg.mode for leg in a.legs] for a in find_routes(RoutingIndex(net), req).alternatives]


def test_adding_ramps_makes_a_piggyback_route_appear() -> None:
    without = apply_scenario(2026, (TRAIN,))
    assert not without.options or all(o.option != "piggyback_ramp" for o in without.options)
    assert all("rail_piggyback" not in m for m in modes(without))
    net = apply_scenario(2026, (TRAIN, ramp("kuytun_west"), ramp("urumqi")))
    ramps = {o.node for o in net.options if o.option == "piggyback_ramp"}
    assert ramps == {"kuytun_west", "urumqi"}
    assert ["rail_piggyback"] in modes(net)


def test_update_and_remove_name_a_row_by_node_and_option() -> None:
    net = apply_scenario(
        2030, (change_of("update", "terminal_options", "urumqi:piggyback_ramp",
                         {"cost_cny_per_trailer": 90}),)
    )  # fmt: skip
    (opt,) = [o for o in net.options if (o.node, o.option) == ("urumqi", "piggyback_ramp")]
    assert opt.cost_cny_per_trailer == 90
    swaps = [o for o in apply_scenario(2030, ()).options if o.option == "drop_and_hook"]
    assert swaps
    gone = change_of("remove", "terminal_options", f"{swaps[0].node}:drop_and_hook", {})
    left = apply_scenario(2030, (gone,)).options
    assert (swaps[0].node, "drop_and_hook") not in {(o.node, o.option) for o in left}


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (ramp("urumqi", forms="bulk"), "$.changes[1].values.forms"),
        (
            ramp("urumqi", capacity_trailers_per_day=0),
            "$.changes[1].values.capacity_trailers_per_day",
        ),
        (ramp("no_such_node"), "$.changes[1].id"),
        (ramp("urumqi", kind="x"), "$.changes[1].values.kind"),
        (ramp("urumqi", node="kuytun"), "$.changes[1].values.node"),
        (change_of("update", "terminal_options", "urumqi", {}), "$.changes[1].id"),
        (change_of("update", "terminal_options", "urumqi:teleport", {}), "$.changes[1].id"),
        (change_of("add", "terminal_options", "urumqi:piggyback_ramp", {}), "$.changes[1].id"),
    ],
)
def test_bad_terminal_option_changes_are_named_by_json_path(change, loc) -> None:
    with pytest.raises(InputError) as info:
        apply_scenario(2026, (TRAIN, change))
    assert loc in [i.loc for i in info.value.issues], info.value.issues
