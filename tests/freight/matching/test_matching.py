"""Matching: every plan passes the independent checker; small rounds equal brute force."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freight.errors import InputError, NotFoundError
from freight.matching import Method, Reason, Vehicle, VehicleKind, check_result, match
from freight.matching.check import RoadGraph
from freight.matching.generate import random_round, usable_nodes
from freight.matching.instance import LOAD_MIN, UNLOAD_MIN
from freight.matching.model import Load, load_tonnes
from freight.matching.roads import BEIJING, STEP_MIN
from freight.network.loader import default_network
from freight.network.model import CargoForm
from freight.routing.model import Cargo, Unit

NET = default_network()
GRAPH = RoadGraph(NET)
DAY = datetime(2025, 6, 2, tzinfo=BEIJING)


def _next_mark(t: datetime) -> datetime:
    """Trucks leave on the next STEP_MIN mark (the model's departure rule)."""
    m = t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 6e7
    k = -(-round(m * 60) // (STEP_MIN * 60))
    return t.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=k * STEP_MIN)


def _brute(vehicles, loads) -> tuple[int, float]:
    """Best (matched, -empty km) over every assignment of loads to trucks in every order,
    timed with the checker's own Dijkstra (shares nothing with the solvers)."""

    def run(v, seq):
        where, free, km, empty = v.location, v.available_from, 0.0, 0.0
        for load in seq:
            if (
                v.kind
                not in {
                    CargoForm.CONTAINER: {VehicleKind.CONTAINER_TRUCK},
                    CargoForm.BULK: {VehicleKind.BULK_TRUCK},
                    CargoForm.GENERAL: {VehicleKind.FLATBED, VehicleKind.VAN},
                    CargoForm.HAZMAT: {VehicleKind.TANKER},
                    CargoForm.REEFER: {VehicleKind.REEFER},
                }[load.cargo.form]
            ):
                return None
            if load.cargo.form is CargoForm.HAZMAT and "hazmat" not in v.permits:
                return None
            if load_tonnes(NET, load) > v.capacity_t or (
                load.cargo.unit is Unit.TEU and load.cargo.quantity > v.teu
            ):
                return None
            arr = (
                free
                if where == load.origin
                else GRAPH.earliest(False, where, load.origin, _next_mark(free))
            )
            if arr is None:
                return None
            pick = max(arr, load.pickup_from)
            if pick > load.pickup_until:
                return None
            haz = load.cargo.form is CargoForm.HAZMAT
            dl = GRAPH.earliest(
                haz, load.origin, load.destination, _next_mark(pick + timedelta(minutes=LOAD_MIN))
            )
            if dl is None or dl > load.deliver_by or dl > v.available_until:
                return None
            ekm = (
                0.0
                if where == load.origin
                else _km_of_path(False, where, load.origin, _next_mark(free))
            )
            lkm = _km_of_path(
                haz, load.origin, load.destination, _next_mark(pick + timedelta(minutes=LOAD_MIN))
            )
            km += ekm + lkm
            empty += ekm
            if v.range_km is not None and v.powertrain == "bev" and km > v.range_km + 1e-6:
                return None
            where, free = load.destination, dl + timedelta(minutes=UNLOAD_MIN)
        return empty

    best = (0, 0.0)
    n = len(loads)
    for owner in itertools.product(range(-1, len(vehicles)), repeat=n):
        total_e, count, ok = 0.0, 0, True
        for k, v in enumerate(vehicles):
            mine = [loads[i] for i in range(n) if owner[i] == k]
            got = min(
                (e for p in itertools.permutations(mine) if (e := run(v, p)) is not None),
                default=None,
            )
            if got is None:
                ok = False
                break
            total_e += got
            count += len(mine)
        if ok and (count, -total_e) > best:
            best = (count, -total_e)
    return best


def _km_of_path(haz: bool, a: str, b: str, t: datetime) -> float:
    """km of the earliest-arrival route (ties: fewer km), by a small label search."""
    import heapq
    import math

    adj = GRAPH.hazmat if haz else GRAPH.all
    local = t.astimezone(BEIJING)
    base = local.replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = (local - base).total_seconds() / 60
    best = {a: (t0, 0.0)}
    heap = [(t0, 0.0, a)]
    from freight.matching.check import _wait

    while heap:
        m, km, u = heapq.heappop(heap)
        if (m, km) > best[u]:
            continue
        for v, lk, minutes, bans in adj.get(u, ()):
            lab = (m + _wait(m, bans) + minutes, km + lk)
            old = best.get(v, (math.inf, math.inf))
            if lab[0] < old[0] - 1e-9 or (abs(lab[0] - old[0]) <= 1e-9 and lab[1] < old[1] - 1e-9):
                best[v] = lab
                heapq.heappush(heap, (lab[0], lab[1], v))
    return best[b][1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_loads=st.integers(1, 4), n_veh=st.integers(1, 3))
def test_small_rounds_equal_brute_force(seed: int, n_loads: int, n_veh: int) -> None:
    nodes = usable_nodes(NET)[:12]
    r = random_round(
        NET,
        n_loads,
        n_veh,
        seed,
        forms=(CargoForm.GENERAL, CargoForm.BULK),
        nodes=nodes,
        window_h=6.0,
    )
    res = match(NET, r.vehicles, r.loads, method=Method.AUTO)
    assert check_result(NET, r.vehicles, r.loads, res, graph=GRAPH) == []
    count, neg_empty = _brute(r.vehicles, r.loads)
    assert res.kpis.matched == count
    assert res.bound_matched == count  # the exact method reports its proven optimum
    assert res.kpis.empty_km == pytest.approx(-neg_empty, abs=0.01 * max(1, count))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_every_method_returns_checked_plans(seed: int) -> None:
    r = random_round(NET, 150, 80, seed)
    for method in (Method.FLOW, Method.GREEDY, Method.BATCHED, Method.AUTO):
        res = match(NET, r.vehicles, r.loads, method=method)
        assert check_result(NET, r.vehicles, r.loads, res, graph=GRAPH) == [], method
        assert res.kpis.matched + len(res.unmatched) == 150


def test_optimiser_at_least_greedy_and_flow_exact_when_trucks_alike() -> None:
    r = random_round(NET, 300, 150, 3, capacities_t=(35.0,), bev_share=0.0, window_h=1.0)
    auto = match(NET, r.vehicles, r.loads)
    greedy = match(NET, r.vehicles, r.loads, method=Method.GREEDY)
    assert (auto.kpis.matched, -auto.kpis.empty_km) >= (greedy.kpis.matched, -greedy.kpis.empty_km)


def _load(**kw) -> Load:
    base = dict(
        id="L1",
        origin="kuytun",
        destination="dushanzi",
        cargo=Cargo("steel", CargoForm.GENERAL, 20.0, Unit.T),
        pickup_from=DAY,
        pickup_until=DAY + timedelta(hours=4),
        deliver_by=DAY + timedelta(hours=12),
    )
    base.update(kw)
    return Load(**base)


def _truck(**kw) -> Vehicle:
    base = dict(
        id="T1",
        kind=VehicleKind.FLATBED,
        capacity_t=30.0,
        location="kuytun",
        available_from=DAY,
        available_until=DAY + timedelta(hours=24),
    )
    base.update(kw)
    return Vehicle(**base)


def test_unmatched_reasons_name_the_binding_constraint() -> None:
    cases = [
        (_truck(kind=VehicleKind.VAN, capacity_t=10.0), Reason.CAPACITY),
        (_truck(kind=VehicleKind.REEFER), Reason.NO_COMPATIBLE_TRUCK),
        (_truck(available_from=DAY + timedelta(hours=6)), Reason.WINDOW),
        (_truck(powertrain="bev", range_km=5.0), Reason.RANGE),
    ]
    for truck, reason in cases:
        res = match(NET, [truck], [_load()])
        assert [u.reason for u in res.unmatched] == [reason], truck
    res = match(NET, [_truck()], [_load()], declined=frozenset({("T1", "L1")}))
    assert [u.reason for u in res.unmatched] == [Reason.DECLINED]


def test_hazmat_needs_permit_and_dangerous_goods_roads() -> None:
    haz = Cargo("caustic_soda", CargoForm.HAZMAT, 20.0, Unit.T)
    plain = _truck(kind=VehicleKind.TANKER)
    res = match(NET, [plain], [_load(cargo=haz)])
    assert res.unmatched[0].reason is Reason.NO_COMPATIBLE_TRUCK
    permitted = _truck(kind=VehicleKind.TANKER, permits=frozenset({"hazmat"}))
    res = match(NET, [permitted], [_load(cargo=haz)])
    assert check_result(NET, [permitted], [_load(cargo=haz)], res, graph=GRAPH) == []
    if res.unmatched:
        assert res.unmatched[0].reason in (Reason.HAZMAT_ROAD, Reason.WINDOW)


def test_backhaul_chain_beats_two_trucks() -> None:
    """Out to Dushanzi and back: one truck carries both, with no empty km."""
    out = _load(id="out")
    back = _load(
        id="back",
        origin="dushanzi",
        destination="kuytun",
        pickup_from=DAY + timedelta(hours=2),
        pickup_until=DAY + timedelta(hours=10),
        deliver_by=DAY + timedelta(hours=20),
    )
    t1 = _truck(id="T1")
    t2 = _truck(id="T2", location="wusu")
    res = match(NET, [t1, t2], [out, back])
    assert check_result(NET, [t1, t2], [out, back], res, graph=GRAPH) == []
    assert res.kpis.matched == 2 and res.kpis.empty_km == 0.0
    assert [a.loads for a in res.assignments] == [("out", "back")]


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InputError, match="L1") as e:
        _load(pickup_until=DAY - timedelta(hours=1))
    assert any(i.loc == "$.pickup_until" for i in e.value.issues)
    with pytest.raises(InputError) as e:
        _load(cargo=Cargo("coal", CargoForm.BULK, 2, Unit.TEU))
    assert any(i.loc == "$.cargo.unit" for i in e.value.issues)
    with pytest.raises(InputError) as e:
        _load(cargo=Cargo("coal", CargoForm.BULK, -3, Unit.T))
    assert any(i.loc == "$.cargo.quantity" for i in e.value.issues)
    with pytest.raises(InputError) as e:
        _truck(capacity_t=0.0)
    assert any(i.loc == "$.capacity_t" for i in e.value.issues)
    with pytest.raises(NotFoundError) as e2:
        match(NET, [_truck(location="atlantis")], [])
    assert e2.value.issues[0].loc == "$.location"


def test_rechaining_never_makes_a_plan_worse() -> None:
    from freight.matching.baselines import solve_greedy
    from freight.matching.flow import improve
    from freight.matching.instance import Instance
    from freight.matching.roads import road_tables
    from freight.matching.solve import _score, build_result

    for seed in (1, 2):
        r = random_round(NET, 200, 90, seed, capacities_t=(30.0, 35.0))
        inst = Instance(NET, road_tables(NET), r.vehicles, r.loads)
        base = solve_greedy(inst)
        better = improve(inst, base, rounds=3)
        assert _score(inst, better) >= _score(inst, base)
        res = build_result(inst, better, "rechain", 0.0, "a")
        assert check_result(NET, r.vehicles, r.loads, res, graph=GRAPH) == []


def test_checker_catches_broken_plans() -> None:
    """The checker is only worth its 'no errors' if it finds errors: tamper with a plan."""
    from dataclasses import replace

    out = _load(id="out")
    back = _load(
        id="back",
        origin="dushanzi",
        destination="kuytun",
        pickup_from=DAY + timedelta(hours=2),
        pickup_until=DAY + timedelta(hours=10),
        deliver_by=DAY + timedelta(hours=20),
    )
    t1 = _truck(id="T1", location="wusu")
    res = match(NET, [t1], [out, back])
    assert check_result(NET, [t1], [out, back], res, graph=GRAPH) == []
    a = res.assignments[0]
    p0, p1 = a.plan

    def broken(**kw: object) -> list[str]:
        bad = replace(a, **kw)
        return check_result(NET, [t1], [out, back], replace(res, assignments=(bad,)), graph=GRAPH)

    assert any(
        "before the truck can be there" in e for e in broken(plan=(replace(p0, pickup_at=DAY), p1))
    )
    fast = replace(p1, deliver_at=p1.pickup_at + timedelta(minutes=1))
    assert any("faster than the network" in e for e in broken(plan=(p0, fast)))
    assert any(
        "below the shortest road km" in e for e in broken(plan=(replace(p0, empty_km=0.1), p1))
    )
    assert any("carried twice" in e for e in broken(plan=(p0, p0), loads=("out", "out")))
    small = _truck(id="T1", location="wusu", capacity_t=10.0)
    assert any(
        "over capacity" in e for e in check_result(NET, [small], [out, back], res, graph=GRAPH)
    )
    van = _truck(id="T1", location="wusu", kind=VehicleKind.REEFER)
    assert any(
        "may not carry" in e for e in check_result(NET, [van], [out, back], res, graph=GRAPH)
    )
    bev = _truck(id="T1", location="wusu", powertrain="bev", range_km=30.0)
    assert any("bev range" in e for e in check_result(NET, [bev], [out, back], res, graph=GRAPH))
    assert check_result(NET, [t1], [out, back], res, frozenset({("T1", "back")}), graph=GRAPH)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_optimiser_never_worse_than_greedy_lexicographically(seed: int) -> None:
    r = random_round(NET, 120, 60, seed)
    auto = match(NET, r.vehicles, r.loads)
    greedy = match(NET, r.vehicles, r.loads, method=Method.GREEDY)
    assert check_result(NET, r.vehicles, r.loads, auto, graph=GRAPH) == []
    assert auto.kpis.matched >= greedy.kpis.matched
    if auto.kpis.matched == greedy.kpis.matched:
        assert auto.kpis.empty_km <= greedy.kpis.empty_km + 1e-6


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_reassignment_is_the_best_truck_for_each_chain(seed: int) -> None:
    """Same chains, fewest empty km over every way of giving them distinct trucks."""
    from freight.matching.baselines import solve_greedy
    from freight.matching.instance import Instance
    from freight.matching.reassign import reassign
    from freight.matching.roads import road_tables
    from freight.matching.solve import build_result

    nodes = usable_nodes(NET)[:10]
    r = random_round(NET, 6, 6, seed, forms=(CargoForm.GENERAL,), nodes=nodes, window_h=5.0)
    inst = Instance(NET, road_tables(NET), r.vehicles, r.loads)
    base = solve_greedy(inst)
    got = reassign(inst, base, k=len(r.vehicles))
    assert sorted(map(tuple, got.values())) == sorted(map(tuple, base.values()))
    seqs = [c for c in base.values() if c]
    best = math.inf
    for trucks in itertools.permutations(range(len(r.vehicles)), len(seqs)):
        km = 0.0
        for v, c in zip(trucks, seqs, strict=True):
            steps, _, ok = inst.run(v, c)
            if ok < len(c):
                break
            km += sum(s.empty_km for s in steps)
        else:
            best = min(best, km)
    assert -inst.score(got)[1] == pytest.approx(best, abs=1e-6)
    res = build_result(inst, got, "reassign", 0.0, "a")
    assert check_result(NET, r.vehicles, r.loads, res, graph=GRAPH) == []
