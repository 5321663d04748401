from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

from freight.assign import AssignOptions, Candidate, Group, assign, solve_lp
from freight.errors import NotFoundError
from freight.network.model import NodeKind
from tests.freight.routing.helpers import Ship, corridor, network, node, road

PENALTY = 1000


@st.composite
def lp_instance(draw):
    """Groups, routes using at most one capacitated 'train', integer data."""
    n_res = draw(st.integers(1, 3))
    caps = {(f"train:{k}", "p"): draw(st.integers(0, 120)) for k in range(n_res)}
    groups = []
    for gi in range(draw(st.integers(1, 4))):
        cands = []
        for ci in range(draw(st.integers(0, 3))):
            res = draw(st.integers(-1, n_res - 1))
            uses = () if res < 0 else ((f"train:{res}", 1.0),)
            cands.append(Candidate(f"c{ci}", float(draw(st.integers(1, 200))), 0.0, uses, res >= 0))
        groups.append(Group(f"g{gi}", "p", float(draw(st.integers(1, 100))), tuple(cands)))
    return groups, caps


def mcf_optimum(groups, caps) -> int:
    """Second formulation: the same problem as an integer min-cost flow."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids: dict[str, int] = {}

    def nid(name: str) -> int:
        return ids.setdefault(name, len(ids))

    total = int(sum(g.tonnes for g in groups))
    src, sink = nid("src"), nid("sink")
    for (res, _), cap in caps.items():
        smcf.add_arc_with_capacity_and_unit_cost(nid(res + ":in"), nid(res + ":out"), cap, 0)
        smcf.add_arc_with_capacity_and_unit_cost(nid(res + ":out"), sink, total, 0)
    for g in groups:
        smcf.add_arc_with_capacity_and_unit_cost(src, nid(g.id), int(g.tonnes), 0)
        smcf.add_arc_with_capacity_and_unit_cost(nid(g.id), sink, int(g.tonnes), PENALTY)
        for c in g.candidates:
            head = nid(c.uses[0][0] + ":in") if c.uses else sink
            smcf.add_arc_with_capacity_and_unit_cost(nid(g.id), head, total, int(c.cost_cny_per_t))
    smcf.set_node_supply(src, total)
    smcf.set_node_supply(sink, -total)
    assert smcf.solve() == smcf.OPTIMAL
    return smcf.optimal_cost()


@settings(max_examples=60, deadline=None)
@given(lp_instance())
def test_lp_matches_min_cost_flow(case) -> None:
    groups, caps = case
    res = solve_lp(groups, {k: float(v) for k, v in caps.items()}, penalty_cny_per_t=PENALTY)
    total = res.objective_cny + PENALTY * sum(res.unassigned.values())
    assert total == pytest.approx(mcf_optimum(groups, caps), abs=1e-4)
    for g in groups:  # conservation
        served = sum(v for (gid, _), v in res.flows.items() if gid == g.id)
        assert served + res.unassigned.get(g.id, 0.0) == pytest.approx(g.tonnes, abs=1e-6)
    for k, load in res.loads.items():  # capacity
        if k in caps:
            assert load <= caps[k] + 1e-6


def ships(n: int, tonnes: float, month: int = 3, od=("p", "d")) -> list[Ship]:
    return [
        Ship(f"s{i}", od[0], od[1], "steel", "general", tonnes, date(2025, month, 1 + i % 28))
        for i in range(n)
    ]


def test_train_capacity_binds_and_rest_goes_by_road() -> None:
    net = corridor()  # S1 daily, 3000 t per run -> 93,000 t in March
    demand = ships(40, 3000.0)  # 120,000 t in March
    res = assign(net, demand, AssignOptions(time_limit_s=3))
    out = res.to_dict()
    assert out["tonnes_total"] == pytest.approx(120_000)
    assert out["tonnes_assigned"] + out["tonnes_unassigned"] == pytest.approx(120_000)
    for u in out["utilization"]:
        assert u["load"] <= u["capacity"] * (1 + 1e-6), u
    svc = next(u for u in out["utilization"] if u["id"] == "s1" and u["unit"] == "t")
    assert svc["load"] == pytest.approx(93_000)
    assert out["rail_share"] == pytest.approx(93_000 / 120_000, abs=1e-3)
    assert any(b["id"] == "s1" and b["shadow_price_cny_per_unit"] > 0 for b in out["bottlenecks"])
    # uncapacitated: everything on the cheaper rail route, overloading S1
    assert out["uncapacitated"]["rail_share"] == 1.0
    assert out["uncapacitated"]["overloaded"][0]["id"] == "s1"
    # 27,000 t pay road instead of rail: (213-145) CNY/t more... per hand costs in helpers
    road_t, rail_t = 21300 / 100, 14500 / 100
    assert out["capacity_cost_cny"] == pytest.approx(27_000 * (road_t - rail_t), rel=1e-6)


def test_closing_the_train_moves_freight_to_road() -> None:
    res = assign(corridor(), ships(5, 100.0), AssignOptions(closed=frozenset({"s1"}))).to_dict()
    assert res["rail_share"] == 0.0
    assert res["tonnes_unassigned"] == 0.0
    with pytest.raises(NotFoundError, match="nope"):
        assign(corridor(), ships(1, 10.0), AssignOptions(closed=frozenset({"nope"})))


def test_unreachable_demand_is_explained() -> None:
    net = corridor()
    island = node("island", NodeKind.CITY)
    net = replace(net, nodes={**net.nodes, "island": island})
    demand = ships(3, 50.0) + ships(2, 40.0, od=("p", "island"))
    out = assign(net, demand).to_dict()
    assert out["tonnes_unassigned"] == pytest.approx(80.0)
    (un,) = out["unassigned"]
    assert un["destination"] == "island" and un["reason"].startswith("no route")


def test_road_capacity_binds() -> None:
    nodes = [node("p"), node("d", NodeKind.CITY)]
    from tests.freight.routing.helpers import costs

    lk = replace(road("r", "p", "d", 100), capacity_per_day=1.0)  # 1 truck/day = 25 t/day
    net = network(nodes, [lk])
    assert costs().road_truck_payload_t == 25.0
    out = assign(net, ships(10, 100.0)).to_dict()  # 1000 t in March, 31 * 25 = 775 t room
    assert out["tonnes_assigned"] == pytest.approx(775.0)
    assert "link:r" in out["unassigned"][0]["reason"]


def test_terminal_capacity_binds() -> None:
    net = corridor()
    a = net.nodes["a"]
    small = replace(a, handling=replace(a.handling, capacity_t_per_day=1000.0))
    net = replace(net, nodes={**net.nodes, "a": small})
    out = assign(net, ships(20, 2000.0)).to_dict()  # 40,000 t in March; a handles 31,000 t
    term = next(u for u in out["utilization"] if u["id"] == "a" and u["kind"] == "terminal")
    assert term["load"] == pytest.approx(31_000) and term["ratio"] == pytest.approx(1.0)
    assert out["rail_share"] == pytest.approx(31_000 / 40_000, abs=1e-4)
    assert out["tonnes_unassigned"] == 0.0  # the rest goes by road


def test_new_service_scenario() -> None:
    from freight.assign.jobs import service_from_dict
    from freight.errors import InputError

    s2 = service_from_dict(
        {"id": "s2", "route": ["a", "b"], "offsets_h": [0, 8], "weekdays": [0]}, "$.x"
    )
    opts = AssignOptions(closed=frozenset({"s1"}), new_services=(s2,))
    out = assign(corridor(), ships(5, 100.0), opts).to_dict()
    assert out["rail_share"] == 1.0 and out["scenario"]["new_services"] == ["s2"]
    with pytest.raises(InputError, match="offsets_h"):
        service_from_dict({"id": "s3", "route": ["a", "b"]}, "$.x")
    with pytest.raises(NotFoundError, match="zz"):
        bad = replace(s2, id="s4", route=("a", "zz"))
        assign(corridor(), ships(1, 10.0), AssignOptions(new_services=(bad,)))


def test_job_runner_on_kuytun_with_stand_in_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    """freight.assign.jobs.run end to end on the real network (demand loader stubbed)."""
    import random

    from freight.assign import jobs
    from freight.network.loader import default_network

    net = default_network()
    rng = random.Random(5)
    ids = sorted(n.id for n in net.nodes.values() if n.accepts_freight)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(30)]
    demand = [
        Ship(f"k{i}", *pairs[i % 30], "steel", "general", 500.0, date(2025, 1 + i % 12, 2))
        for i in range(300)
    ]
    monkeypatch.setattr(jobs, "load_shipments", lambda year: demand)
    progress: list[float] = []
    out = jobs.run(
        {"year": 2025, "scale": 2, "time_limit_s": 3}, lambda f, msg="": progress.append(f)
    )
    assert out["shipments"] == 600 and progress
    assert out["tonnes_assigned"] + out["tonnes_unassigned"] == pytest.approx(300_000)
    assert all(u["load"] <= u["capacity"] * (1 + 1e-6) for u in out["utilization"])
    assert out["partial"] is False


def test_job_runner_assigns_on_the_network_of_its_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kuytun–Kuqa freight: by road before the railway (2035 in works.csv), rail after."""
    from freight.assign import jobs

    demand = [
        Ship(f"q{i}", "kuytun", "kuqa", "general", "general", 2000.0, date(2035, 1 + i, 5))
        for i in range(12)
    ]
    monkeypatch.setattr(jobs, "load_shipments", lambda year: demand)
    monkeypatch.setattr("freight.network.scenario.current_year", lambda: 2026)
    today = jobs.run({"year": 2035, "time_limit_s": 5})  # default: the current year's network
    built = jobs.run({"year": 2035, "time_limit_s": 5, "network_year": 2035})
    assert today["network_year"] == 2026 and built["network_year"] == 2035
    assert today["rail_share"] == 0.0  # Kuqa has no railway in 2026
    assert built["rail_share"] > 0.0
    assert built["tonnes_assigned"] == pytest.approx(24_000)


def test_demand_at_a_node_not_built_in_the_year_is_unassigned_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dangerous-goods station opens in 2028: on the 2026 network its shipments are
    reported unassigned (node not built yet), the rest is assigned; a typo still fails."""
    from freight.assign import jobs

    demand = [
        Ship("h1", "urumqi", "kuytun_hazmat", "tdi", "hazmat", 300.0, date(2026, 3, 5)),
        Ship("h2", "urumqi", "kuytun_hazmat", "tdi", "hazmat", 200.0, date(2026, 3, 9)),
        Ship("g1", "kuytun", "urumqi", "steel", "general", 1000.0, date(2026, 3, 5)),
    ]
    monkeypatch.setattr(jobs, "load_shipments", lambda year: demand)
    early = jobs.run({"year": 2026, "time_limit_s": 5, "network_year": 2026})
    assert early["tonnes_total"] == pytest.approx(1500.0)
    assert early["tonnes_assigned"] == pytest.approx(1000.0)
    (gone,) = [u for u in early["unassigned"] if u["destination"] == "kuytun_hazmat"]
    assert gone["tonnes"] == pytest.approx(500.0) and gone["shipments"] == 2
    assert "kuytun_hazmat" in gone["reason"] and "2026" in gone["reason"]
    assert "not built" in gone["reason"]
    built = jobs.run({"year": 2026, "time_limit_s": 5, "network_year": 2030})
    assert not [u for u in built["unassigned"] if u["destination"] == "kuytun_hazmat"]
    typo = [*demand, Ship("t", "urumqi", "atlantis", "steel", "general", 1.0, date(2026, 3, 5))]
    monkeypatch.setattr(jobs, "load_shipments", lambda year: typo)
    with pytest.raises(NotFoundError, match="atlantis"):
        jobs.run({"year": 2026, "time_limit_s": 5, "network_year": 2026})


def test_job_runner_assigns_on_a_stored_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario without the Kuytun–Kuqa railway sends the 2035 Kuqa freight by road."""
    from freight.assign import jobs

    demand = [
        Ship(f"q{i}", "kuytun", "kuqa", "general", "general", 2000.0, date(2035, 1 + i, 5))
        for i in range(6)
    ]
    monkeypatch.setattr(jobs, "load_shipments", lambda year: demand)
    patch = {"id": "s1", "base_year": 2035,
             "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}]}  # fmt: skip
    built = jobs.run({"year": 2035, "time_limit_s": 5, "network_year": 2035})
    without = jobs.run({"year": 2035, "time_limit_s": 5, "network_scenario": patch})
    assert built["rail_share"] > 0.0 and without["rail_share"] == 0.0
    assert without["network_year"] == 2035 and without["network_scenario"] == "s1"
    assert without["tonnes_assigned"] == pytest.approx(12_000)
