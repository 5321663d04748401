"""The network against public figures: reference_distances.csv and reference_places.csv
(each row names its source) must agree with nodes.csv/links.csv within the audit's
tolerances (distances 5 %, places 2 km)."""

from __future__ import annotations

import csv
import tomllib

import networkx as nx
import pytest

from freight.demand import assumptions
from freight.network.graph import build_graph
from freight.network.loader import load_network
from freight.network.model import LinkMode
from freight.paths import REPO_ROOT, network_dir

NET_DIR = network_dir()


def _rows(name: str) -> list[dict[str, str]]:
    with (NET_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def net():
    return load_network()


@pytest.fixture(scope="module")
def lengths(net):
    """Shortest path length (km) per mode family, ``{family: DiGraph}``."""
    g = build_graph(net)
    subs = {"road": nx.DiGraph(), "rail": nx.DiGraph()}
    for u, v, d in g.edges(data=True):
        mode: LinkMode = d["mode"]
        fam = "road" if mode.is_road else "rail" if mode is LinkMode.RAIL else None
        if fam is None:
            continue
        sub = subs[fam]
        if not sub.has_edge(u, v) or sub[u][v]["w"] > d["length_km"]:
            sub.add_edge(u, v, w=d["length_km"])
    return subs


DISTANCES = _rows("reference_distances.csv")
PLACES = _rows("reference_places.csv")


@pytest.mark.parametrize("row", DISTANCES, ids=lambda r: f"{r['a']}-{r['b']}-{r['modes']}")
def test_distance_within_five_percent_of_public_figure(lengths, row):
    assert row["source"].split(":")[0] in {"public", "stated", "derived"}
    km = nx.shortest_path_length(lengths[row["modes"]], row["a"], row["b"], weight="w")
    public = float(row["public_km"])
    assert abs(km - public) <= 0.05 * public, (row["a"], row["b"], km, public)


@pytest.mark.parametrize("row", PLACES, ids=lambda r: r["id"])
def test_place_within_two_km_of_public_coordinates(net, row):
    from freight.units import haversine_km

    node = net.nodes[row["id"]]
    off_km = haversine_km(node.lat, node.lon, float(row["lat"]), float(row["lon"]))
    assert off_km <= 2.0, (row["id"], off_km)


def test_horgos_road_does_not_pass_through_yining(lengths):
    path = nx.shortest_path(lengths["road"], "j_bj_tj", "horgos", weight="w")
    assert "yining" not in path


def test_karamay_expressway_leaves_kuytun_on_the_west_side(net):
    (link,) = [
        lk
        for lk in net.links.values()
        if "karamay" in (lk.source, lk.target)
        and lk.mode is LinkMode.ROAD_EXPRESSWAY
        and {lk.source, lk.target} & {n for n in net.nodes if n.startswith("j_")}
    ]
    end = net.nodes[link.source if link.target == "karamay" else link.target]
    assert end.lon < net.nodes["j_bj_tj"].lon


def test_bonded_center_has_rail_access(net):
    node = net.nodes["bonded_center"]
    assert node.rail_access
    assert any(
        "bonded_center" in (lk.source, lk.target) and lk.mode.is_rail for lk in net.links.values()
    )


def test_cotton_payload_per_teu_is_one_figure_everywhere():
    costs = tomllib.loads((NET_DIR / "costs.toml").read_text(encoding="utf-8"))
    conv = tomllib.loads((NET_DIR / "conversion.toml").read_text(encoding="utf-8"))
    demand = {
        g.teu_payload_t
        for g in assumptions.GROUPS
        if g.commodity == "cotton" and any(lane.lot == "teu" for lane in g.lanes)
    }
    method = (REPO_ROOT / "demand_data" / "METHOD.md").read_text(encoding="utf-8")
    figure = costs["tonnes_per_teu"]["cotton"]
    assert conv["commodities"]["cotton"]["tonnes_per_teu"] == figure
    assert demand == {figure}
    assert f"cotton bales {figure:g} t" in method


def test_fertiliser_company_spelled_as_in_the_plan(net):
    assert net.nodes["siding_shikefeng_fert"].name_zh.startswith("施可丰")
