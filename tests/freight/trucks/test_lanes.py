"""Heavy-truck lanes: legs rebuilt from a route's road links, regional filter, totals kept."""

from __future__ import annotations

import pytest

from freight.errors import InputError
from freight.network.loader import default_network
from freight.trucks.lanes import build_lanes, lanes_from_legs, region_nodes, road_legs


@pytest.fixture(scope="module")
def net():
    return default_network()


@pytest.fixture(scope="module")
def lanes2030(net):
    return build_lanes(2030, net)


def test_road_legs_oriented_from_origin(net):
    links = ["d_j_g30_w__karamay", "d_j_g30_kt__j_g30_w", "d_j_g30_kt__j_hq"]
    legs = road_legs(net, links, "karamay")
    assert legs == [("karamay", "j_g30_w", "j_g30_kt", "j_hq")]
    legs = road_legs(net, reversed(links), "j_hq")
    assert legs == [("j_hq", "j_g30_kt", "j_g30_w", "karamay")]


def test_two_legs_of_a_rail_route(net):
    # first mile wh_coal -> kuytun_east side and last mile into huyanghe
    links = ["d_wh_coal__j_hs_s", "d_j_hs_s__j_sr_tj", "d_j_312_tj__huyanghe"]
    legs = road_legs(net, links, "wh_coal")
    assert ("wh_coal", "j_hs_s", "j_sr_tj") in legs
    assert len(legs) == 2


def test_lanes_stay_in_region_and_follow_road_links(net, lanes2030):
    region = region_nodes(net)
    road = {
        frozenset((lk.source, lk.target)): lk.length_km
        for lk in net.links.values()
        if lk.mode.is_road
    }
    assert len(lanes2030.lanes) > 20
    for lane in lanes2030.lanes:
        assert set(lane.path) <= region
        assert lane.path[0] == lane.origin and lane.path[-1] == lane.destination
        hops = zip(lane.path, lane.path[1:], strict=False)
        for (a, b), km in zip(hops, lane.hop_km, strict=True):
            assert road[frozenset((a, b))] <= km + 1e-9
        assert lane.tonnes_year == pytest.approx(sum(t for _, t in lane.tonnes_by_commodity))
        assert lane.tonnes_winter + lane.tonnes_summer == pytest.approx(lane.tonnes_year)
    assert any(lane.destination == "karamay" for lane in lanes2030.lanes)
    assert lanes2030.excluded_tonnes > 0


def test_lanes_from_legs_sums_and_excludes(net):
    p1 = ("wh_coal", "j_hs_s", "j_sr_tj")
    p_out = ("j_g30_e", "shihezi")
    legs = [
        (p1, "coal", 1, 100.0, "assignment"),
        (p1, "grain", 7, 50.0, "assignment"),
        (p_out, "coal", 1, 70.0, "assignment"),
    ]
    ls = lanes_from_legs(net, 2030, legs)
    assert len(ls.lanes) == 1
    lane = ls.lanes[0]
    assert lane.tonnes_year == 150.0
    assert lane.tonnes_winter == 100.0
    assert lane.design_tonnes_day == pytest.approx(100.0 / 25)
    assert ls.excluded_tonnes == 70.0


def test_bad_year():
    with pytest.raises(InputError, match="year"):
        build_lanes(2040)
