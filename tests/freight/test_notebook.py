"""The notebook API: ``from freight import ...`` gives DataFrames that match the solvers."""

from __future__ import annotations

from freight import network_tables, route_table
from freight.network.loader import default_network
from freight.routing import find_routes
from freight.routing.io import request_from_dict


def test_route_table_matches_the_route_answer() -> None:
    df = route_table("bonded_center", "alashankou", "cotton", "container", 40, unit="teu",
                     ready_at="2025-03-03T16:00:00+08:00")  # fmt: skip
    answer = find_routes(default_network(), request_from_dict({
        "origin": "bonded_center", "destination": "alashankou", "ready_at": "2025-03-03T08:00Z",
        "cargo": {"commodity": "cotton", "form": "container", "quantity": 40, "unit": "teu"},
    })).to_dict()  # fmt: skip
    legs = [(a["rank"], leg["from"], leg["to"], leg["depart"]) for a in answer["alternatives"]
            for leg in a["legs"]]  # fmt: skip
    assert list(zip(df["rank"], df["from"], df["to"], df["depart"], strict=True)) == legs
    totals = df.groupby("rank")["total_cost_cny"].first().tolist()
    assert totals == [a["total"]["cost_cny"] for a in answer["alternatives"]]
    # legs plus transfers make the total
    for a in answer["alternatives"]:
        legs = df[df["rank"] == a["rank"]]["cost_cny"].sum()
        moves = sum(t["cost_cny"] for t in a["transfers"])
        assert abs(legs + moves - a["total"]["cost_cny"]) < 0.05


def test_network_tables() -> None:
    t = network_tables()
    net = default_network()
    assert len(t["nodes"]) == len(net.nodes) and len(t["links"]) == len(net.links)
    assert {"id", "lon", "lat", "kind"} <= set(t["nodes"].columns)
