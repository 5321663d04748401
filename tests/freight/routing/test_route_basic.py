from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from freight.errors import InputError, NotFoundError
from freight.network.model import CargoForm, NodeKind
from freight.routing import (
    CapacityLedger,
    Cargo,
    Objective,
    RouteRequest,
    RoutingIndex,
    Unit,
    find_routes,
)
from tests.freight.routing.helpers import corridor, network, node, road, service

MONDAY_08 = datetime(2025, 3, 3, 8, 0)  # a Monday


def req(**kw) -> RouteRequest:
    cargo = kw.pop("cargo", Cargo("general", CargoForm.GENERAL, 100.0, Unit.T))
    base = dict(origin="p", destination="d", cargo=cargo, ready_at=MONDAY_08)
    base.update(kw)
    return RouteRequest(**base)


def check_alternative(alt) -> None:
    """Legs chain without gaps from origin to destination; totals are sums."""
    legs = alt["legs"]
    for x, y in zip(legs, legs[1:], strict=False):
        assert x["to"] == y["from"]
        assert x["arrive"] <= y["depart"]
    s = sum(leg["cost_cny"] for leg in legs) + sum(t["cost_cny"] for t in alt["transfers"])
    assert alt["total"]["cost_cny"] == pytest.approx(s, abs=0.05)
    assert alt["total"]["distance_km"] == pytest.approx(
        sum(leg["distance_km"] for leg in legs), abs=0.01
    )


def test_corridor_costs_worked_by_hand() -> None:
    res = find_routes(corridor(), req()).to_dict()
    alts = res["alternatives"]
    assert [a["total"]["cost_cny"] for a in alts] == [pytest.approx(14500), pytest.approx(21300)]
    rail_alt, road_alt = alts
    assert [leg["mode"] for leg in rail_alt["legs"]] == ["road", "rail", "road"]
    assert rail_alt["legs"][1]["service"] == "s1"
    assert rail_alt["legs"][1]["links"] == ["l_ab"]
    # truck 08:00-08:20, transfer 2 h to 10:20 -> misses 10:00 train, takes Tuesday's
    assert rail_alt["legs"][1]["depart"] == "2025-03-04T10:00:00+08:00"
    assert rail_alt["total"]["co2_kg"] == pytest.approx(800)
    assert road_alt["total"]["hours"] == pytest.approx(520 / 60, abs=1e-3)
    for a in alts:
        check_alternative(a)
    # ranked by time, road first
    res_t = find_routes(corridor(), req(objective=Objective.TIME)).to_dict()
    assert res_t["alternatives"][0]["legs"][0]["links"] == ["r_pd"]


def test_earlier_ready_catches_same_day_train() -> None:
    res = find_routes(corridor(), req(ready_at=datetime(2025, 3, 3, 7, 0))).to_dict()
    rail_alt = res["alternatives"][0]
    assert rail_alt["legs"][1]["depart"] == "2025-03-03T10:00:00+08:00"
    # 07:00 + 20 min road + 2 h transfer = 09:20, wait, 10 h ride, 2 h transfer, 30 min road
    assert rail_alt["arrive"] == "2025-03-03T22:30:00+08:00"


def test_weekday_schedule_wait() -> None:
    net = corridor()
    from dataclasses import replace

    svc = replace(net.services["s1"], weekdays=frozenset({4}))  # Fridays only
    net2 = replace(net, services={"s1": svc})
    res = find_routes(net2, req()).to_dict()
    rail_alt = next(a for a in res["alternatives"] if any(lg["service"] for lg in a["legs"]))
    assert rail_alt["legs"][1]["depart"] == "2025-03-07T10:00:00+08:00"


def test_full_train_is_skipped_via_ledger() -> None:
    idx = RoutingIndex(corridor())
    ledger = CapacityLedger()
    svc = idx.network.services["s1"]
    ledger.book(svc, datetime(2025, 3, 4).date(), 2950.0, 0.0)
    res = find_routes(idx, req(), ledger).to_dict()
    rail_alt = res["alternatives"][0]
    assert rail_alt["legs"][1]["depart"] == "2025-03-05T10:00:00+08:00"
    assert res["pruned"]["train_full"] >= 1
    with pytest.raises(ValueError, match="left"):
        ledger.book(svc, datetime(2025, 3, 4).date(), 100.0, 0.0)


def test_pareto_property_and_due_by() -> None:
    res = find_routes(corridor(), req()).to_dict()
    tot = [a["total"] for a in res["alternatives"]]
    for i, x in enumerate(tot):
        for j, y in enumerate(tot):
            if i != j:
                assert not all(x[k] <= y[k] for k in ("cost_cny", "hours", "co2_kg"))
    res = find_routes(corridor(), req(due_by=datetime(2025, 3, 3, 17, 0))).to_dict()
    assert res["due_by"]["met"] is True
    assert len(res["alternatives"]) == 1  # only the road route (16:40) is on time
    assert res["alternatives"][0]["legs"][0]["links"] == ["r_pd"]


def test_due_by_unmet_said_plainly() -> None:
    res = find_routes(corridor(), req(due_by=datetime(2025, 3, 3, 9, 0))).to_dict()
    assert res["due_by"]["met"] is False
    assert res["due_by"]["earliest_arrival"] == "2025-03-03T16:40:00+08:00"
    assert "cannot be met" in res["due_by"]["message"]
    assert res["alternatives"]


def test_truck_time_ban_wait_or_detour() -> None:
    from freight.network.model import LinkMode, TimeBan

    ban = (TimeBan(7 * 60, 10 * 60),)
    nodes = [node("p"), node("m"), node("d", NodeKind.CITY)]
    links = [
        road("short", "p", "d", 30, mode=LinkMode.ROAD_URBAN, bans=ban),
        road("d1", "p", "m", 60),
        road("d2", "m", "d", 60),
    ]
    net = network(nodes, links)
    res = find_routes(net, req(objective=Objective.TIME)).to_dict()
    # detour 2 h arrives 10:00, waiting 2 h then 30 min arrives 10:30
    fastest = res["alternatives"][0]
    assert fastest["legs"][0]["links"] == ["d1", "d2"]
    cheapest = find_routes(net, req()).to_dict()["alternatives"][0]
    assert cheapest["legs"][0]["links"] == ["short"]
    assert cheapest["arrive"] == "2025-03-03T10:30:00+08:00"


def test_unknown_ids_and_bad_quantities() -> None:
    with pytest.raises(NotFoundError, match="nowhere"):
        find_routes(corridor(), req(origin="nowhere"))
    with pytest.raises(NotFoundError, match="ghost"):
        find_routes(corridor(), req(avoid_nodes=frozenset({"ghost"})))
    for q in (-5.0, 0.0, 1e9):
        with pytest.raises(InputError, match="quantity"):
            req(cargo=Cargo("general", CargoForm.GENERAL, q, Unit.T))
    with pytest.raises(InputError, match="unit"):
        req(cargo=Cargo("coal", CargoForm.BULK, 10, Unit.TEU))
    with pytest.raises(InputError, match="dangerous-goods"):
        req(cargo=Cargo("tdi", CargoForm.GENERAL, 10, Unit.T))


def test_max_transfers_and_avoid_modes() -> None:
    res = find_routes(corridor(), req(max_transfers=0)).to_dict()
    assert all(not a["transfers"] for a in res["alternatives"])
    res = find_routes(corridor(), req(avoid_nodes=frozenset({"a"}))).to_dict()
    assert all(leg["mode"] == "road" for a in res["alternatives"] for leg in a["legs"])
    with pytest.raises(InputError, match="no route"):
        find_routes(corridor(), req(avoid_modes=frozenset({"road"})))


def test_passenger_station_takes_no_freight() -> None:
    nodes = [
        node("p"),
        node("a", NodeKind.FREIGHT_STATION, rail=True),
        node("north", NodeKind.PASSENGER_STATION, rail=True, freight=False),
        node("d", NodeKind.CITY, rail=True),
    ]
    from tests.freight.routing.helpers import rail

    links = [road("r1", "p", "north", 5), road("r2", "p", "a", 50), rail("x", "north", "d", 100),
             rail("y", "a", "north", 10), road("r3", "north", "d", 400)]  # fmt: skip
    svcs = [service("s", ("north", "d"), (0.0, 2.0)), service("t", ("a", "north", "d"), (0, 1, 3))]
    net = network(nodes, links, svcs)
    res = find_routes(net, req()).to_dict()
    for a in res["alternatives"]:
        assert all(leg["service"] != "s" for leg in a["legs"])
        assert all(t["terminal"] != "north" for t in a["transfers"])
    assert any(leg["service"] == "t" for a in res["alternatives"] for leg in a["legs"])
    with pytest.raises(InputError, match="no-freight"):
        find_routes(net, req(origin="north"))


def test_checker_rejects_a_tampered_route() -> None:
    from dataclasses import replace
    from datetime import timedelta

    from freight.routing.verify import check_alternative

    net = corridor()
    r = req()
    alt = find_routes(net, r).alternatives[0]
    assert check_alternative(net, r, alt) == []
    legs = list(alt.legs)
    legs[1] = replace(legs[1], depart=legs[1].depart - timedelta(hours=3))  # not a timetable run
    bad = replace(alt, legs=tuple(legs))
    errs = check_alternative(net, r, bad)
    assert any("does not depart" in e for e in errs)
    bad2 = replace(alt, cost_cny=alt.cost_cny - 1)
    assert any("not the sum" in e for e in check_alternative(net, r, bad2))


def test_odd_times_are_rejected_or_handled() -> None:

    with pytest.raises(InputError, match="ready_at"):
        req(ready_at=datetime(9999, 12, 31, 23, 0))
    with pytest.raises(InputError, match="due_by"):
        req(due_by=datetime(2025, 3, 3, 7, 0))  # before ready
    aware = find_routes(corridor(), req(ready_at=MONDAY_08.replace(tzinfo=UTC)))
    assert aware.alternatives[0].arrive.utcoffset() == timedelta(hours=8)
    # 08:00Z is 16:00 Beijing time: the same query as 16:00+08:00, whose answer is 16:00 naive
    beijing = find_routes(corridor(), req(ready_at=datetime(2025, 3, 3, 16, 0))).to_dict()
    assert aware.to_dict()["alternatives"] == beijing["alternatives"]
    with pytest.raises(InputError, match="ready_at"):
        req(ready_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC))
