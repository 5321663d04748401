"""The independent route checker rejects broken routes (a checker that passes everything
would make every feasibility assertion of the routing tests meaningless)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from freight.network.model import CargoForm
from freight.routing import Cargo, RouteRequest, Unit, find_routes
from freight.routing.model import Alternative
from freight.routing.verify import check_alternative
from tests.freight.routing.test_route_rules import MONDAY_08, two_stations


@pytest.fixture()
def case():
    net = two_stations(frozenset({CargoForm.BULK, CargoForm.GENERAL}))
    req = RouteRequest("p", "d", Cargo("steel", CargoForm.GENERAL, 100.0, Unit.T), MONDAY_08)
    alt = next(
        a for a in find_routes(net, req).alternatives if any(g.mode == "rail" for g in a.legs)
    )
    assert check_alternative(net, req, alt) == []
    return net, req, alt


def _with_leg(alt: Alternative, mode: str, **changes: object) -> Alternative:
    legs = list(alt.legs)
    k = next(i for i, g in enumerate(legs) if g.mode == mode)
    legs[k] = replace(legs[k], **changes)
    return replace(alt, legs=tuple(legs))


def test_wrong_total_cost_is_reported(case) -> None:
    net, req, alt = case
    errs = check_alternative(net, req, replace(alt, cost_cny=alt.cost_cny + 1.0))
    assert any("total cost" in e for e in errs)


def test_a_train_leaving_off_timetable_is_reported(case) -> None:
    net, req, alt = case
    rail = next(g for g in alt.legs if g.mode == "rail")
    shifted = _with_leg(
        alt,
        "rail",
        depart=rail.depart + timedelta(hours=1),
        arrive=rail.arrive + timedelta(hours=1),
    )
    assert any("does not depart at" in e for e in check_alternative(net, req, shifted))


def test_a_road_leg_with_a_missing_link_is_reported(case) -> None:
    net, req, alt = case
    road = next(g for g in alt.legs if g.mode == "road")
    broken = _with_leg(alt, "road", links=road.links[1:])
    errs = check_alternative(net, req, broken)
    assert any("leg links end at" in e for e in errs)


def test_an_unknown_service_and_an_avoided_node_are_reported(case) -> None:
    net, req, alt = case
    errs = check_alternative(net, req, _with_leg(alt, "rail", service="ghost"))
    assert any("without a known service" in e for e in errs)
    avoid = replace(req, avoid_nodes=frozenset({alt.legs[0].to_id}))
    assert any("avoided node" in e for e in check_alternative(net, avoid, alt))
