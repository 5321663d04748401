"""The fleet plan's depots and charging sites are those its network has."""

from __future__ import annotations

from freight.demand import load_charging_sites, load_depots
from freight.fleet.plan.planner import on_network
from freight.network.scenario import network_of

WITHOUT_EAST_HUB = {
    "id": "s1",
    "base_year": 2030,
    "changes": [
        {"op": "remove", "table": "links", "id": "d_hub_east_industrial__j_312_e"},
        {"op": "remove", "table": "nodes", "id": "hub_east_industrial"},
    ],
}


def test_a_scenario_without_a_depot_node_drops_its_depot_and_sites() -> None:
    depots, sites = load_depots(), load_charging_sites()
    kept_d, kept_s = on_network(depots, sites, network_of(2030))
    assert kept_d == tuple(depots) and kept_s == tuple(sites)  # every depot node exists
    less_d, less_s = on_network(depots, sites, network_of(2030, WITHOUT_EAST_HUB))
    assert {d.id for d in depots} - {d.id for d in less_d} == {"dep_east_industrial"}
    gone = {s.id for s in sites} - {s.id for s in less_s}
    assert gone and all(s.node_id == "hub_east_industrial" for s in sites if s.id in gone)
    assert all(s.node_id != "hub_east_industrial" for s in less_s)
