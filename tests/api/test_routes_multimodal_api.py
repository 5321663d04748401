"""POST /v1/routes answers piggyback (驮背) and drop-and-hook (甩挂) alternatives in the
route contract, with added fields only; bookings claim the piggyback train's run."""

from __future__ import annotations

from datetime import datetime

import pytest

import api.routes.routes as routes_mod
from freight.booking.model import CargoSpec
from freight.booking.offer import booked_legs, claims_for
from freight.clock import current_year
from freight.network.model import DROP_AND_HOOK, TerminalOption
from freight.routing import RoutingIndex
from tests.freight.routing.helpers import ALL_FORMS, piggyback_corridor

BODY = {
    "origin": "p",
    "destination": "d",
    "cargo": {"commodity": "general", "form": "general", "quantity": 60, "unit": "t"},
    "ready_at": "2026-03-02T08:00:00",
    "alternatives": 10,
}


@pytest.fixture()
def trailers(monkeypatch: pytest.MonkeyPatch, client):
    swap = TerminalOption("b", DROP_AND_HOOK, 1.5, 20.0, 100.0, frozenset(ALL_FORMS))
    net = piggyback_corridor(options=(swap,))
    monkeypatch.setattr(routes_mod, "_by_year", {current_year(): RoutingIndex(net)})
    return client


def test_piggyback_alternative_in_the_route_contract(trailers) -> None:
    r = trailers.post("/v1/routes", json=BODY)
    assert r.status_code == 200, r.text
    best = r.json()["alternatives"][0]
    assert best["total"]["cost_cny"] == 7000.0  # hand-computed in piggyback_corridor
    assert best["multimodal_forms"] == ["piggyback"]
    assert [leg["mode"] for leg in best["legs"]] == ["road", "rail_piggyback", "road"]
    assert best["legs"][1]["trailers"] == 2 and best["legs"][1]["service"] == "pb1"
    roll_on, roll_off = best["transfers"]
    assert (roll_on["kind"], roll_off["kind"]) == ("road->piggyback", "piggyback->road")
    assert roll_on["trailers"] == 2 and roll_on["drop_and_hook"] is False
    assert best["offer_id"]


def test_avoiding_piggyback_answers_the_wagon_route_with_a_swap(trailers) -> None:
    body = {**BODY, "avoid": {"modes": ["rail_piggyback"]}}
    r = trailers.post("/v1/routes", json=body)
    assert r.status_code == 200, r.text
    best = r.json()["alternatives"][0]
    assert "rail_piggyback" not in best["modes"]
    (swap,) = [t for t in best["transfers"] if t["drop_and_hook"]]
    assert swap["terminal"] == "b" and swap["hours"] == 0.5  # 2 h handling - 1.5 h
    assert best["total"]["cost_cny"] == 8700.0 + 2 * 20.0 - 150.0
    assert swap["tractor_saved_cny"] == 150.0 and swap["trailers"] == 2
    assert best["multimodal_forms"] == ["drop_and_hook"]


def test_unknown_avoid_mode_still_422(trailers) -> None:
    r = trailers.post("/v1/routes", json={**BODY, "avoid": {"modes": ["rail_hyperloop"]}})
    assert r.status_code == 422


def test_a_booked_piggyback_leg_claims_its_train_run() -> None:
    from freight.network.model import CargoForm
    from freight.routing import Cargo, RouteRequest, Unit, find_routes

    net = piggyback_corridor()
    req = RouteRequest(
        "p", "d", Cargo("general", CargoForm.GENERAL, 60, Unit.T), datetime(2026, 3, 2, 8)
    )
    alt = find_routes(net, req).alternatives[0]
    legs, _ = booked_legs(net, alt)
    claims = claims_for(net, legs, [], CargoSpec.from_dict(
        {"commodity": "general", "form": "general", "quantity": 60, "unit": "t",
         "tonnes": 60, "teu": 0}))  # fmt: skip
    assert [(c.kind, c.resource) for c in claims] == [("departure", "pb1")]


def test_geojson_answer_draws_the_piggyback_leg_on_its_rail_links(trailers) -> None:
    r = trailers.post("/v1/routes?format=geojson", json=BODY)
    assert r.status_code == 200, r.text
    legs = [f for f in r.json()["features"] if f["properties"].get("mode") == "rail_piggyback"]
    assert legs and legs[0]["properties"]["service"] == "pb1"
    assert legs[0]["geometry"]["type"] == "LineString"
