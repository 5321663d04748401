"""Route queries on the real Kuytun network: the issue's examples, rules, feasibility."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from freight.errors import InputError
from freight.network.loader import default_network
from freight.network.model import CargoForm
from freight.routing import Cargo, Objective, RouteRequest, RoutingIndex, Unit, find_routes
from freight.routing.verify import check_alternative

MONDAY_08 = datetime(2025, 3, 3, 8, 0)
COMMODITY = {CargoForm.CONTAINER: "cotton", CargoForm.BULK: "coal", CargoForm.GENERAL: "steel",
             CargoForm.HAZMAT: "tdi", CargoForm.REEFER: "cold_food"}  # fmt: skip


@pytest.fixture(scope="module")
def index() -> RoutingIndex:
    return RoutingIndex(default_network())


def _pareto_ok(alts) -> bool:
    for a in alts:
        for b in alts:
            if a is not b and (
                b.cost_cny <= a.cost_cny and b.hours <= a.hours and b.co2_kg <= a.co2_kg
            ):
                return False
    return True


@pytest.mark.parametrize(
    ("origin", "dest", "cargo"),
    [
        ("bonded_center", "alashankou", Cargo("cotton", CargoForm.CONTAINER, 40, Unit.TEU)),
        ("etdz_north1", "urumqi", Cargo("steel", CargoForm.GENERAL, 600, Unit.T)),
        ("kuidong_park", "urumqi", Cargo("tdi", CargoForm.HAZMAT, 200, Unit.T)),
    ],
)
def test_issue_examples_have_rail_and_road_options(index, origin, dest, cargo) -> None:
    res = find_routes(index, RouteRequest(origin, dest, cargo, MONDAY_08, alternatives=5))
    modes = [{leg.mode for leg in a.legs} for a in res.alternatives]
    assert any("rail" in m for m in modes) and any(m == {"road"} for m in modes)
    assert _pareto_ok(res.alternatives)
    for a in res.alternatives:
        assert check_alternative(index.network, res.request, a) == []


def test_hazmat_rail_goes_through_kuytun_hazmat(index) -> None:
    req = RouteRequest("kuidong_park", "urumqi", Cargo("tdi", CargoForm.HAZMAT, 200, Unit.T),
                       MONDAY_08, alternatives=5)  # fmt: skip
    for a in find_routes(index, req).alternatives:
        for leg in a.legs:
            if leg.mode == "rail" and index.network.nodes[leg.from_id].kind.value != "city":
                assert leg.from_id == "kuytun_hazmat"


def test_passenger_station_rejected_with_rule(index) -> None:
    with pytest.raises(InputError, match="no-freight-at-passenger-station"):
        cargo = Cargo("steel", CargoForm.GENERAL, 10, Unit.T)
        find_routes(index, RouteRequest("kuytun_north", "urumqi", cargo, MONDAY_08))


def test_random_queries_are_feasible_and_pareto(index) -> None:
    rng = random.Random(11)
    ids = sorted(n.id for n in index.network.nodes.values() if n.accepts_freight)
    answered = 0
    for _ in range(150):
        o, d = rng.sample(ids, 2)
        form = rng.choice(list(CargoForm))
        unit = Unit.TEU if form is CargoForm.CONTAINER else Unit.T
        req = RouteRequest(o, d, Cargo(COMMODITY[form], form, 10, unit),
                           MONDAY_08 + timedelta(minutes=rng.randrange(10080)),
                           objective=rng.choice(list(Objective)), alternatives=10)  # fmt: skip
        try:
            res = find_routes(index, req)
        except InputError:
            continue
        answered += 1
        assert _pareto_ok(res.alternatives)
        for a in res.alternatives:
            assert check_alternative(index.network, req, a) == [], (req, a)
    assert answered > 100
