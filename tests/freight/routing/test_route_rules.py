"""Each routing rule, on a tiny network where breaking it would be cheaper."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freight.errors import InputError
from freight.network.model import CargoForm, LinkMode, NodeKind
from freight.routing import Cargo, RouteRequest, Unit, find_routes
from freight.routing.verify import check_alternative
from tests.freight.routing.helpers import network, node, rail, road, service

MONDAY_08 = datetime(2025, 3, 3, 8, 0)


def two_stations(station_a_forms, *, hazmat_id: str = "a", siding: bool = False):
    """P --road 10--> A ==rail 600==> B --road 10--> D; also P --road 800--> D (expensive).

    Rail is the cheaper way unless a rule forbids A.
    """
    nodes = [
        node("p", rail=siding, forms=station_a_forms),
        node(hazmat_id, NodeKind.FREIGHT_STATION, rail=True, forms=station_a_forms),
        node("b", NodeKind.CITY, rail=True),
        node("d", NodeKind.CITY),
    ]
    links = [road("pa", "p", hazmat_id, 10, hazmat=True), rail("ab", hazmat_id, "b", 600),
             road("bd", "b", "d", 10), road("pd", "p", "d", 800)]  # fmt: skip
    if siding:
        links.append(rail("sid", "p", hazmat_id, 3, mode=LinkMode.SIDING))
    return network(nodes, links, [service("s", (hazmat_id, "b"), (0.0, 10.0))])


def ask(net, commodity, form, unit=Unit.T, qty=100.0, origin="p"):
    res = find_routes(net, RouteRequest(origin, "d", Cargo(commodity, form, qty, unit), MONDAY_08))
    for alt in res.alternatives:
        assert check_alternative(net, res.request, alt) == []
    return res


def uses_rail(res) -> bool:
    return any(leg.mode == "rail" for a in res.alternatives for leg in a.legs)


@pytest.mark.parametrize(
    ("form", "commodity", "unit", "rule"),
    [
        (CargoForm.CONTAINER, "ecommerce", Unit.TEU, "containers-only-via-container-terminals"),
        (CargoForm.BULK, "coal", Unit.T, "bulk-rail-only-at-bulk-handling-stations"),
        (CargoForm.REEFER, "cold_food", Unit.T, "reefer-only-via-cold-chain-hubs"),
    ],
)
def test_terminal_form_rules(form, commodity, unit, rule) -> None:
    allowed = ask(
        two_stations(set(CargoForm)), commodity, form, unit, 5.0 if unit is Unit.TEU else 100.0
    )
    assert uses_rail(allowed)
    others = set(CargoForm) - {form}
    cut = ask(two_stations(others), commodity, form, unit, 5.0 if unit is Unit.TEU else 100.0)
    assert not uses_rail(cut)
    assert cut.pruned.get(rule, 0) >= 1
    assert rule in cut.rules_applied


def test_bulk_from_own_siding() -> None:
    res = ask(two_stations(set(CargoForm), siding=True), "coal", CargoForm.BULK)
    best = res.alternatives[0]
    assert [leg.mode for leg in best.legs] == ["siding", "rail", "road"]
    assert best.transfers[0].kind == "rail->road"


def test_hazmat_rail_only_at_hazmat_station() -> None:
    plain = ask(two_stations(set(CargoForm)), "tdi", CargoForm.HAZMAT)
    assert not uses_rail(plain)
    assert plain.pruned.get("hazmat-rail-only-at-kuytun_hazmat", 0) >= 1
    ok = ask(two_stations(set(CargoForm), hazmat_id="kuytun_hazmat"), "tdi", CargoForm.HAZMAT)
    assert uses_rail(ok)


def test_hazmat_road_only_on_marked_city_links() -> None:
    nodes = [node("p"), node("m"), node("q", NodeKind.CITY)]
    links = [
        road("urban_short", "p", "q", 10, mode=LinkMode.ROAD_URBAN),
        road("urban_hz_1", "p", "m", 10, mode=LinkMode.ROAD_URBAN, hazmat=True),
        road("ring", "m", "q", 15, mode=LinkMode.ROAD_NATIONAL),
    ]
    net = network(nodes, links)
    req = RouteRequest("p", "q", Cargo("tdi", CargoForm.HAZMAT, 20, Unit.T), MONDAY_08)
    res = find_routes(net, req)
    assert [lk for a in res.alternatives for leg in a.legs for lk in leg.links] == [
        "urban_hz_1", "ring"
    ]  # fmt: skip
    assert res.pruned["hazmat-road-only-on-marked-links-in-city"] == 1
    general = find_routes(
        net, RouteRequest("p", "q", Cargo("general", CargoForm.GENERAL, 20, Unit.T), MONDAY_08)
    )
    assert general.alternatives[0].legs[0].links == ("urban_short",)
    # only the unmarked urban link: the query cannot be served and says which rule cut it
    net2 = network(nodes, links[:1])
    with pytest.raises(InputError, match="hazmat-road"):
        find_routes(net2, req)


def test_service_must_carry_form() -> None:
    net = two_stations(set(CargoForm))
    from dataclasses import replace

    svc = replace(net.services["s"], forms=frozenset({CargoForm.CONTAINER}))
    net = replace(net, services={"s": svc})
    res = ask(net, "steel", CargoForm.GENERAL)
    assert not uses_rail(res)
    assert res.pruned["train-must-carry-form"] == 1


@st.composite
def ruled_net(draw):
    """Random stations with random form handling, random hazmat marks, a hazmat station."""
    n = draw(st.integers(4, 7))
    forms = list(CargoForm)
    nodes = []
    for i in range(n):
        nid = "kuytun_hazmat" if i == 1 else f"n{i}"
        has_rail = i == 1 or draw(st.booleans())
        fs = draw(st.sets(st.sampled_from(forms))) if has_rail else set()
        kind = NodeKind.CITY if i == n - 1 else NodeKind.FREIGHT_STATION
        nodes.append(node(nid, kind, rail=has_rail, forms=fs))
    ids = [nd.id for nd in nodes]
    links = []
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.integers(0, 2)) == 0:
                mode = draw(st.sampled_from([LinkMode.ROAD_URBAN, LinkMode.ROAD_NATIONAL]))
                links.append(road(f"r{i}_{j}", ids[i], ids[j], draw(st.integers(5, 300)),
                                  mode=mode, hazmat=draw(st.booleans())))  # fmt: skip
    rails = [nd.id for nd in nodes if nd.rail_access]
    svcs = []
    if len(rails) >= 2:
        stops = draw(st.permutations(rails))
        for a, b in zip(stops, stops[1:], strict=False):
            links.append(rail(f"l_{a}_{b}", a, b, draw(st.integers(20, 300))))
        svcs.append(service("s", tuple(stops), tuple(float(k) for k in range(len(stops))),
                            forms=draw(st.sets(st.sampled_from(forms), min_size=1))))  # fmt: skip
    return network(nodes, links, svcs), ids


COMMODITY_OF = {CargoForm.CONTAINER: "cotton", CargoForm.BULK: "coal",
                CargoForm.GENERAL: "steel", CargoForm.HAZMAT: "tdi",
                CargoForm.REEFER: "cold_food"}  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(ruled_net(), st.sampled_from(list(CargoForm)))
def test_every_returned_route_obeys_the_rules(case, form) -> None:
    net, ids = case
    unit = Unit.TEU if form is CargoForm.CONTAINER else Unit.T
    req = RouteRequest(ids[0], ids[-1], Cargo(COMMODITY_OF[form], form, 5.0, unit), MONDAY_08,
                       alternatives=10)  # fmt: skip
    try:
        res = find_routes(net, req)
    except InputError as exc:
        assert "no route" in str(exc)
        return
    for alt in res.alternatives:
        assert check_alternative(net, req, alt) == []
