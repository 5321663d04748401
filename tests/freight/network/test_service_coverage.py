"""The shipped network serves the demand's lanes (rail and hazmat gaps).

Every lane of ``freight.demand.assumptions.GROUPS`` must have at least one route under the
routing rules; the only lane left without one is listed in ``KNOWN_NO_ROUTE`` with its
reason (see ``networks/kuytun/SOURCES.md``, "Gaps left open"). A gap that opens or closes
fails the test, so the list and the documentation stay true.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from freight.demand.assumptions import GROUPS
from freight.errors import InputError
from freight.network.loader import load_network
from freight.network.model import CargoForm, LinkMode
from freight.routing import Cargo, RouteRequest, RoutingIndex, Unit, find_routes

#: (origin, destination, form) lanes with no route, and why (SOURCES.md "Gaps left open").
KNOWN_NO_ROUTE = {
    # no refrigerated rail service leaves Kuytun West eastbound, and Chengdu has no road link
    ("hub_west_coldchain", "chengdu", "reefer"),
}

INLAND = ("chongqing", "chengdu", "xian", "zhengzhou", "wuhan")


@pytest.fixture(scope="module")
def index():
    return RoutingIndex(load_network())


def _lanes() -> set[tuple[str, str, str, str]]:
    return {(ln.origin, ln.destination, ln.form, g.commodity) for g in GROUPS for ln in g.lanes}


def _has_route(index: RoutingIndex, o: str, d: str, form: str, commodity: str) -> bool:
    req = RouteRequest(
        o, d, Cargo(commodity, CargoForm(form), 30.0, Unit.T), datetime(2025, 1, 6, 8, 0)
    )
    try:
        return bool(find_routes(index, req).alternatives)
    except InputError:
        return False


def test_every_demand_lane_has_a_route_except_the_known_gaps(index):
    missing = {(o, d, f) for o, d, f, c in sorted(_lanes()) if not _has_route(index, o, d, f, c)}
    assert missing == KNOWN_NO_ROUTE


def test_every_inland_gateway_is_reached_by_rail_for_bulk_general_and_hazmat(index):
    net = index.network
    for form in (CargoForm.BULK, CargoForm.GENERAL, CargoForm.HAZMAT):
        reached = {
            s.route[j]
            for s in net.services.values()
            if form in s.forms and s.route[0] in ("kuytun_west", "kuytun", "kuytun_hazmat")
            for j in range(1, len(s.route))
        }
        assert set(INLAND) <= reached, (form, set(INLAND) - reached)
        for gw in INLAND:
            assert net.nodes[gw].handling.handles(form), (gw, form)


def test_kuibei_line_carries_coal_towards_kuytun(index):
    net = index.network
    into_kuytun = [
        s
        for s in net.services.values()
        if s.route[0] == "beitun" and CargoForm.BULK in s.forms and len(s.route) >= 2
    ]
    ends = {s.route[-1] for s in into_kuytun}
    assert {"siding_power_coal", "kuytun"} <= ends


def test_hazmat_depots_reach_a_designated_corridor(index):
    """Tank trucks leave the oil depot and the petroleum warehouse on hazmat-marked roads."""
    net = index.network
    for depot in ("siding_oil_depot", "wh_petroleum"):
        marked = [
            lk
            for lk in net.links.values()
            if depot in (lk.source, lk.target) and lk.mode.is_road and lk.hazmat
        ]
        assert marked, depot
        assert all(lk.mode is LinkMode.ROAD_URBAN for lk in marked)
    view = index.view(CargoForm.HAZMAT)
    assert any(a.to == "j_g30_kt" for a in view.road["wh_petroleum"])
