"""The demand generator: determinism, checked-in files, totals, shares, network consistency."""

from __future__ import annotations

import gzip
from collections import defaultdict
from datetime import date

import pytest

from freight.demand import assumptions as A
from freight.demand import generate as G
from freight.network.loader import default_network
from freight.paths import demand_dir
from freight.units import haversine_km, parse_hhmm


@pytest.fixture(scope="module")
def ships_2025():
    return G.generate_shipments(2025)


@pytest.fixture(scope="module")
def net():
    return default_network()


def _disk_text(name: str) -> str:
    raw = (demand_dir() / name).read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


# ------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes_other_seed_other_bytes():
    raw = G.generate_shipments.__wrapped__  # bypass the cache: really generate twice
    a = G.shipments_csv(raw(2026, 11))
    b = G.shipments_csv(raw(2026, 11))
    c = G.shipments_csv(raw(2026, 12))
    assert a == b and a != c
    u1 = G.urban_day_csv(G.generate_urban_day.__wrapped__(2027, "summer", 5))
    u2 = G.urban_day_csv(G.generate_urban_day.__wrapped__(2027, "summer", 5))
    assert u1 == u2


@pytest.mark.parametrize(
    "name",
    ["shipments_2025.csv.gz", "urban_2026_winter.csv.gz", "bulk_flows.csv", "urban_depots.csv",
     "charging_sites.csv"],
)  # fmt: skip
def test_checked_in_file_matches_regeneration(name):
    files = G.checked_in_files()
    assert name in files
    assert _disk_text(name) == files[name](), (
        f"demand_data/{name} is stale: run `freight demand generate`"
    )


def test_gzip_bytes_are_reproducible():
    name = "urban_2026_winter.csv.gz"
    assert (demand_dir() / name).read_bytes() == G.encode(name, G.checked_in_files()[name]())


def test_every_checked_in_file_exists():
    missing = [n for n in G.checked_in_files() if not (demand_dir() / n).is_file()]
    assert not missing


# ------------------------------------------------------------------- shipments: totals


def test_shipments_count_ids_and_dates(ships_2025):
    assert len(ships_2025) >= 10_000
    assert len({s.id for s in ships_2025}) == len(ships_2025)
    assert all(s.ready_date.year == 2025 and s.due_date >= s.ready_date for s in ships_2025)
    assert [s.ready_date for s in ships_2025] == sorted(s.ready_date for s in ships_2025)


def test_tonnes_by_commodity_match_the_method(ships_2025):
    got: dict[str, float] = defaultdict(float)
    for s in ships_2025:
        got[s.commodity] += s.tonnes
    planned = G.planned_summary(2025)
    assert set(got) == {c for c, t in planned.tonnes_by_commodity.items() if t > 0}
    for c, t in planned.tonnes_by_commodity.items():
        # t-lots hit the lane tonnage exactly; TEU lots round each lane to whole TEU
        assert got[c] == pytest.approx(t, rel=0.005, abs=1.0), c


def test_lane_tonnes_are_exact_for_tonne_lots(ships_2025):
    by_lane: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for s in ships_2025:
        by_lane[(s.commodity, s.origin, s.destination, s.form)] += s.tonnes
    group = next(g for g in A.GROUPS if g.key == "coal_out")
    for lane, t in zip(group.lanes, G.lane_tonnes(group, 2025), strict=True):
        assert by_lane[("coal", lane.origin, lane.destination, lane.form)] == pytest.approx(t)


def test_2025_total_is_plausible_against_marshalling_capacity():
    s = G.planned_summary(2025)
    # METHOD.md: ~17.5 Mt handled, ~64 % (~11 Mt) rail-expected: under half of the 24 Mt/yr
    # marshalling capacity, leaving room for through trains re-marshalled at Kuytun.
    assert 15e6 < s.tonnes < 20e6
    assert 0.55 < s.rail_share < 0.75
    assert s.rail_tonnes < 0.5 * 24e6
    later = G.planned_summary(2035)
    assert s.tonnes < later.tonnes and later.rail_tonnes < 24e6


def test_named_plant_capacities_are_never_exceeded():
    caps = {"pvc": 1e6, "tdi": 200e3, "fertilizer": 1e6, "olefins_out": 8e6, "pla": 230e3}
    for year in range(A.FIRST_YEAR, A.LAST_YEAR + 1):
        for g in A.GROUPS:
            if g.key in caps:
                assert g.tonnes(year) <= caps[g.key], (g.key, year)


def test_plants_still_to_be_built_ship_nothing_before_they_start_then_ramp_up():
    """The plan (March 2026) lists the 1 Mt PVC/caustic soda and 1 Mt fertiliser projects
    as to be built: nothing in 2025, growing output afterwards, full-ish by 2030."""
    for key in ("pvc", "caustic_soda", "fertilizer"):
        g = next(g for g in A.GROUPS if g.key == key)
        by_year = [g.tonnes(y) for y in range(A.FIRST_YEAR, A.LAST_YEAR + 1)]
        assert by_year[0] == 0.0, key
        assert by_year == sorted(by_year), key
        assert g.tonnes(2030) >= 0.9 * g.base_t, key


def test_seasonality_cotton_after_harvest_grain_summer_autumn(ships_2025):
    def share(commodity: str, origin_prefix: str | tuple[str, ...], months: set[int]) -> float:
        rows = [
            s for s in ships_2025 if s.commodity == commodity and s.origin.startswith(origin_prefix)
        ]
        return sum(s.tonnes for s in rows if s.ready_date.month in months) / sum(
            s.tonnes for s in rows
        )

    assert share("cotton", ("siding_", "wh_"), {10, 11, 12, 1, 2}) > 0.6  # Oct–Feb
    assert share("grain", ("siding_", "wh_"), {6, 7, 8, 9, 10}) > 0.5  # summer/autumn
    assert share("sugar", ("huyanghe", "wusu", "shihezi"), {3, 4, 5, 6, 7, 8}) == 0.0


def test_transit_times_follow_distance(ships_2025):
    for s in ships_2025[:3000]:
        days = (s.due_date - s.ready_date).days
        if "duisburg" in (s.origin, s.destination):
            assert 16 <= days <= 24
        elif s.destination in A.INLAND or s.origin in A.INLAND:
            assert 6 <= days <= 11


def test_every_end_is_a_freight_node_of_the_network(ships_2025, net):
    ends = {x for s in ships_2025 for x in (s.origin, s.destination)}
    ends |= {x for g in A.GROUPS for lane in g.lanes for x in (lane.origin, lane.destination)}
    missing = sorted(e for e in ends if e not in net.nodes)
    assert not missing
    assert all(net.nodes[e].accepts_freight for e in ends)


def test_in_memory_year_has_the_same_shape():
    s = G.generate_shipments(2031)
    assert len(s) >= 10_000 and s[0].id == "s2031-000001"
    assert min(x.ready_date for x in s) >= date(2031, 1, 1)
    with pytest.raises(ValueError, match="2025..2035"):
        G.generate_shipments(2036)


# ------------------------------------------------------------------------ urban days


@pytest.fixture(scope="module")
def day_2035():
    return G.generate_urban_day(2035, "summer")


def test_day_sizes_grow_and_refrigerated_drops_exceed_the_plan_floor(day_2035):
    counts = [G.stops_in_day(y, "winter") for y in range(2026, 2036)]
    assert counts == sorted(counts) and counts[-1] == G.stops_in_day(2035, "winter")
    assert len(day_2035) == G.stops_in_day(2035, "summer")
    cold = sum(1 for p in day_2035 if p.refrigerated)
    assert cold / len(day_2035) > 0.005  # plan: refrigerated vehicles above 0.5 %


def test_points_lie_in_their_town_and_windows_are_valid(day_2035):
    boxes = {t.name: G.town_box(t) for t in A.TOWN_AREAS}
    for p in day_2035:
        la0, la1, lo0, lo1 = boxes[p.town]
        assert la0 <= p.lat <= la1 and lo0 <= p.lon <= lo1, p
        assert parse_hhmm(p.window_open) < parse_hhmm(p.window_close)
        assert 0 < p.demand_kg <= A.MAX_STOP_KG and p.demand_m3 > 0


def test_kuytun_points_fill_the_built_up_area(day_2035):
    # 22.75 km2 built-up (seed preface): 90 % of Kuytun points within ~3.5 km of the centre
    kt = next(t for t in A.TOWN_AREAS if t.name == "kuytun")
    d = sorted(haversine_km(p.lat, p.lon, kt.lat, kt.lon) for p in day_2035 if p.town == "kuytun")
    assert 1.0 < d[len(d) // 2] < 3.0 and d[int(0.9 * len(d))] < 4.0


def test_depots_sit_on_network_nodes_and_cover_every_zone(net, day_2035):
    depots = G.urban_depots()
    assert {d.node_id for d in depots} >= {
        "bonded_center", "hub_station_front", "hub_east_industrial", "hub_west_coldchain",
        "dushanzi", "wusu", "huyanghe",
    }  # fmt: skip
    for d in depots:
        node = net.nodes[d.node_id]
        assert haversine_km(d.lat, d.lon, node.lat, node.lon) < 0.5, d.id
    covered = {z for d in depots for z in d.zones}
    assert {p.zone for p in day_2035} <= covered


def test_charging_sites_favour_east_and_west_districts(net):
    sites = G.charging_sites()
    others = [s for s in sites if s.kind != "depot"]
    east_west = [s for s in others if s.district in ("east district", "west district")]
    assert len(east_west) > len(others) / 2
    assert all(s.node_id == "" or s.node_id in net.nodes for s in sites)
    assert len({s.id for s in sites}) == len(sites)
    plugs = sum(s.max_plugs for s in sites if s.kind == "depot")
    assert plugs >= 3000 / 4  # plan: at most 4 vehicles per charger in 2035


# ------------------------------------------------------------------------ bulk flows


def test_bulk_flows_cover_the_bulk_commodities_and_match_shipments(ships_2025, net):
    flows = G.bulk_flows()
    assert len(flows) >= 10
    assert {"coal", "grain", "cotton", "sugar", "steel"} <= {f.commodity for f in flows}
    # the PVC/caustic soda and fertiliser plants are still to be built in 2025
    assert not {"pvc", "caustic_soda", "fertilizer"} & {f.commodity for f in flows}
    assert {"pvc", "caustic_soda", "fertilizer"} <= {f.commodity for f in G.bulk_flows(2030)}
    rail_kinds = {"siding", "transit_warehouse", "freight_station", "hazmat_station"}
    assert all(net.nodes[f.origin].kind.value in rail_kinds for f in flows)
    by_lane: dict[tuple[str, str, str], float] = defaultdict(float)
    for s in ships_2025:
        by_lane[(s.commodity, s.origin, s.destination)] += s.tonnes
    planned: dict[tuple[str, str, str], float] = defaultdict(float)
    for f in flows:
        assert sum(f.monthly_share) == pytest.approx(1.0, abs=1e-5)
        planned[(f.commodity, f.origin, f.destination)] += f.annual_t
    for key, t in planned.items():
        assert by_lane[key] == pytest.approx(t, rel=0.01), key
