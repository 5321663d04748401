"""A matching round on the network of a year: roads and nodes by year, the job runner."""

from __future__ import annotations

import pytest

from freight.errors import NotFoundError
from freight.matching.io import load_from_dict, round_year, vehicle_from_dict
from freight.matching.jobs import run
from freight.matching.model import Reason
from freight.matching.solve import match
from freight.network.years import default_network_for_year
from tests.freight.matching.pairs import KUQA_LOAD as LOAD
from tests.freight.matching.pairs import KUQA_TRUCK as TRUCK


def test_round_year_is_the_earliest_pickup_in_beijing_time() -> None:
    assert round_year([]) is None
    assert round_year([LOAD]) == 2030
    new_year = {**LOAD, "pickup_from": "2030-12-31T17:00:00+00:00"}  # 01:00 on 1 Jan, Beijing
    assert round_year([new_year]) == 2031
    assert round_year([new_year, LOAD]) == 2030


def test_job_runs_on_the_network_of_its_year_or_scenario() -> None:
    later = run({"vehicles": [TRUCK], "loads": [LOAD]})  # the G3033 expressway opens 2030
    assert later["network_year"] == 2030 and later["network_scenario"] is None
    assert later["assignments"][0]["loaded_km"] == pytest.approx(330.0)
    today = run({"vehicles": [TRUCK], "loads": [LOAD], "network_year": 2026})
    assert today["assignments"][0]["loaded_km"] == pytest.approx(561.0)  # the G217
    patch = {
        "id": "sc-1",
        "base_year": 2026,
        "changes": [{"op": "update", "table": "links", "id": "d_dushanzi__kuqa",
                     "values": {"length_km": 480}}],
    }  # fmt: skip
    mine = run({"vehicles": [TRUCK], "loads": [LOAD], "network_year": 2026,
                "network_scenario": patch})  # fmt: skip
    assert mine["network_scenario"] == "sc-1"
    assert mine["assignments"][0]["loaded_km"] == pytest.approx(480.0)


def test_nodes_the_year_lacks_are_left_out_not_an_error() -> None:
    net = default_network_for_year(2026)  # the dangerous-goods station opens in 2028
    when = {"available_from": "2026-06-03T06:00:00+08:00",
            "available_until": "2026-06-05T06:00:00+08:00"}  # fmt: skip
    trucks = [
        vehicle_from_dict({**TRUCK, **when, "id": "at-station", "location": "kuytun_hazmat"}),
        vehicle_from_dict({**TRUCK, **when, "id": "in-town", "location": "kuytun"}),
    ]
    window = {"pickup_from": "2026-06-03T08:00:00+08:00",
              "pickup_until": "2026-06-03T12:00:00+08:00",
              "deliver_by": "2026-06-04T12:00:00+08:00"}  # fmt: skip
    loads = [
        load_from_dict({**LOAD, **window, "id": "to-station", "origin": "kuytun",
                        "destination": "kuytun_hazmat"}),
        load_from_dict({**LOAD, **window, "id": "to-wusu", "origin": "kuytun",
                        "destination": "wusu"}),
    ]  # fmt: skip
    res = match(net, trucks, loads, verify=True)
    assert [(a.vehicle, a.loads) for a in res.assignments] == [("in-town", ("to-wusu",))]
    (un,) = res.unmatched
    assert un.load == "to-station" and un.reason is Reason.NOT_IN_YEAR
    assert "not in the network of 2026: kuytun_hazmat" in un.detail
    assert res.kpis.loads == 2 and res.kpis.matched == 1
    with pytest.raises(
        NotFoundError, match="unusable node"
    ):  # an id no year knows is still an error
        match(net, trucks, [load_from_dict({**LOAD, **window, "destination": "atlantis"})])


def test_road_tables_of_a_few_networks_are_kept() -> None:
    """Rounds of many network years must not keep ~50 MB of tables per year forever."""
    from pathlib import Path

    from freight.matching import roads
    from freight.network.loader import load_network

    good = Path(__file__).resolve().parents[2] / "fixtures" / "network" / "good"
    nets = [load_network(good) for _ in range(roads.CACHE_NETWORKS + 2)]
    tables = [roads.road_tables(n) for n in nets]
    assert roads.road_tables(nets[-1]) is tables[-1]  # kept: the same object
    kept = {key for key in roads._CACHE}
    assert id(nets[0]) not in kept and id(nets[1]) not in kept  # the least recently used
    assert len(roads._CACHE) <= roads.CACHE_NETWORKS
    assert roads.road_tables(nets[0]) is not tables[0]  # built again when asked again
