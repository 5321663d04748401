"""Network path lengths feed the planner's distances (synthetic network, no data files)."""

from __future__ import annotations

import csv
import shutil

import pytest

from freight.conversion import flow_options, load_scenario, parse_scenario
from freight.conversion import scenario as scenario_mod
from freight.conversion.distances import path_km
from freight.conversion.solve import distance_km
from freight.errors import DataError
from freight.network.model import (
    CargoForm,
    CostModel,
    Handling,
    Link,
    LinkMode,
    Network,
    Node,
    NodeKind,
)
from freight.paths import network_dir


def _network() -> Network:
    h = Handling(frozenset({CargoForm.BULK}), 1.0, 1.0, 1.0, 1.0, 1.0)
    pts = {"a": (0.0, 0.0), "b": (0.0, 0.1), "t1": (0.0, 0.05), "t2": (0.0, 0.2), "d": (0.0, 20.0)}
    nodes = {k: Node(k, k, k, lat, lon, list(NodeKind)[0], h) for k, (lat, lon) in pts.items()}
    links = [
        Link("r1", "a", "t1", LinkMode.SIDING, 7.0, 30.0, 10.0),
        Link("r2", "t1", "d", LinkMode.RAIL, 3000.0, 60.0, 10.0),
        Link("r3", "b", "t1", LinkMode.RAIL, 9.0, 30.0, 10.0),
        Link("r4", "t2", "d", LinkMode.RAIL, 2900.0, 60.0, 10.0),
        Link("r5", "t1", "t2", LinkMode.RAIL, 20.0, 60.0, 10.0),
        Link("g1", "a", "d", LinkMode.ROAD_EXPRESSWAY, 2500.0, 80.0, 100.0),
        Link("g2", "a", "t1", LinkMode.ROAD_URBAN, 6.0, 30.0, 100.0, oneway=True),
    ]
    return Network(nodes, {x.id: x for x in links}, {}, CostModel({}, {"default": 25.0}))


def test_path_km_by_mode_and_direction() -> None:
    net = _network()
    rail = path_km(net, [("a", "d"), ("b", "d"), ("a", "t2")], rail=True)
    assert rail == {("a", "d"): 2927.0, ("b", "d"): 2929.0, ("a", "t2"): 27.0}
    road = path_km(net, [("a", "t1"), ("t1", "a"), ("a", "d")], rail=False)
    assert road == {("a", "t1"): 6.0, ("a", "d"): 2500.0}  # g2 is one-way, t1 has no way back


def test_scenario_uses_network_paths(tiny, monkeypatch) -> None:
    tiny["geometry"]["use_network"] = True
    del tiny["geometry"]["nodes"]  # positions come from the network
    monkeypatch.setattr(scenario_mod, "_network", _network)
    sc = parse_scenario(tiny, "tiny")
    assert sc.geometry.distance_source.startswith("network paths")
    assert distance_km(sc, "a", "d", rail=True) == 2927.0
    assert distance_km(sc, "a", "t1", rail=False) == 6.0
    # b has no road in the network: haversine × detour (1.0) fallback
    assert distance_km(sc, "b", "d", rail=False) == pytest.approx(19.9 * 111.195, rel=1e-5)
    bulk = next(o for o in flow_options(sc, sc.flows[0]) if o.mode.value == "bulk_rail")
    assert bulk.cost_cny == pytest.approx(400000 * (15 + 0.10 * 2927) + 400000 * 0.016 * 600)


def test_a_node_table_next_to_the_network_is_refused(tiny, monkeypatch) -> None:
    """One source of coordinates: with ``use_network`` the scenario may not bring its own."""
    tiny["geometry"]["use_network"] = True
    monkeypatch.setattr(scenario_mod, "_network", _network)
    with pytest.raises(DataError, match=r"tiny: geometry\.nodes: coordinates come from"):
        parse_scenario(tiny, "tiny")


def test_a_broken_network_is_an_error_naming_the_file(tmp_path, monkeypatch) -> None:
    """The Kuytun scenario with a network whose nodes.csv is broken: DataError, no fallback."""
    net_dir = tmp_path / "kuytun"
    shutil.copytree(network_dir(), net_dir)
    nodes = net_dir / "nodes.csv"
    with nodes.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["lat"] = "north"
    with nodes.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    monkeypatch.setenv("FREIGHT_NETWORK_DIR", str(net_dir))
    with pytest.raises(DataError, match=r"nodes\.csv:row 2"):
        load_scenario(net_dir / "conversion.toml")
