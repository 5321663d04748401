"""Network resilience by Monte-Carlo link failures: a real, seeded, time-limited job kind.

Each sample fails every link independently with probability ``p`` and recomputes the
shortest path (km) of each origin-destination pair. Reported: the share of samples in
which each pair stays connected (with a 95 % Wilson interval), its mean detour, and per
link how many pair disconnections coincided with its failure. Samples are drawn in a
fixed order from ``numpy.random.default_rng(seed)``, so the first ``n`` samples are the same
whatever the time limit; when the limit stops the run early the result says
``partial: true`` and how many samples it rests on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np

from freight.errors import FieldIssue, InputError

#: Link modes studied by default: the whole shipped network. Urban roads are included
#: because some terminals reach the network only by them (the bonded center's drayage links
#: are ``road_urban``), so a default pair from such a node needs them.
DEFAULT_MODES: tuple[str, ...] = (
    "rail",
    "siding",
    "road_expressway",
    "road_national",
    "road_urban",
)
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("kuytun", "alashankou"),
    ("kuytun", "horgos"),
    ("kuytun", "urumqi"),
    ("kuytun_west", "karamay"),
    ("kuytun_east", "dushanzi"),
    ("bonded_center", "alashankou"),
)


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    u: str
    v: str
    length_km: float


@dataclass(frozen=True, slots=True)
class PairStats:
    origin: str
    destination: str
    base_km: float | None
    connected_share: float
    connected_ci95: tuple[float, float]
    mean_detour_km: float | None


@dataclass(frozen=True, slots=True)
class LinkCriticality:
    link_id: str
    failures: int
    disconnections_when_failed: int


@dataclass(frozen=True, slots=True)
class ResilienceResult:
    samples_done: int
    samples_requested: int
    partial: bool
    failure_probability: float
    seed: int
    pairs: tuple[PairStats, ...]
    critical_links: tuple[LinkCriticality, ...]
    wall_time_s: float


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (sound also near 0 and 1)."""
    if n == 0:
        return (0.0, 1.0)
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def simulate(
    edges: Sequence[Edge],
    pairs: Sequence[tuple[str, str]],
    failure_probability: float,
    samples: int,
    seed: int,
    time_limit_s: float,
    progress: Callable[[float, str], None] | None = None,
    top_links: int = 15,
) -> ResilienceResult:
    """Pure Monte-Carlo core on an undirected edge list (parallel edges allowed)."""
    start = time.perf_counter()
    nodes = {e.u for e in edges} | {e.v for e in edges}
    for i, (o, d) in enumerate(pairs):
        for j, n in enumerate((o, d)):
            if n not in nodes:
                raise InputError(
                    f"unknown node id {n!r}", issues=[FieldIssue(f"$.pairs[{i}][{j}]", "unknown")]
                )

    def shortest(alive: np.ndarray | None) -> list[float | None]:
        g = nx.Graph()
        g.add_nodes_from(nodes)
        for k, e in enumerate(edges):
            if alive is not None and not alive[k]:
                continue
            w = g.get_edge_data(e.u, e.v)
            if w is None or w["w"] > e.length_km:
                g.add_edge(e.u, e.v, w=e.length_km)
        out: list[float | None] = []
        for o, d in pairs:
            try:
                out.append(float(nx.dijkstra_path_length(g, o, d, weight="w")))
            except nx.NetworkXNoPath:
                out.append(None)
        return out

    base = shortest(None)
    rng = np.random.default_rng(seed)
    connected = [0] * len(pairs)
    detour_sum = [0.0] * len(pairs)
    failures = np.zeros(len(edges), dtype=np.int64)
    blame = np.zeros(len(edges), dtype=np.int64)
    done = 0
    partial = False
    step = max(1, samples // 100)
    for s in range(samples):
        if time.perf_counter() - start > time_limit_s:
            partial = True
            break
        alive = rng.random(len(edges)) >= failure_probability
        lengths = shortest(alive)
        lost = 0
        for i, km in enumerate(lengths):
            if km is not None:
                connected[i] += 1
                b = base[i]
                detour_sum[i] += km - b if b is not None else 0.0
            elif base[i] is not None:
                lost += 1
        dead = ~alive
        failures += dead
        if lost:
            blame += dead * lost
        done = s + 1
        if progress is not None and done % step == 0:
            progress(done / samples, f"{done}/{samples} samples")
    pair_stats = tuple(
        PairStats(
            o,
            d,
            base[i],
            connected[i] / done if done else 0.0,
            wilson_interval(connected[i], done),
            detour_sum[i] / connected[i] if connected[i] else None,
        )
        for i, (o, d) in enumerate(pairs)
    )
    order = sorted(range(len(edges)), key=lambda k: (-int(blame[k]), edges[k].id))
    critical = tuple(
        LinkCriticality(edges[k].id, int(failures[k]), int(blame[k]))
        for k in order[:top_links]
        if blame[k] > 0
    )
    return ResilienceResult(
        done,
        samples,
        partial,
        failure_probability,
        seed,
        pair_stats,
        critical,
        time.perf_counter() - start,
    )


def run(params: dict[str, Any], progress: Callable[[float, str], None]) -> dict[str, Any]:
    """Job runner ``network-resilience`` on the shipped network (params validated upstream)."""
    modes = set(params.get("modes") or DEFAULT_MODES)
    if params.get("edges"):
        edges = [Edge(e["id"], e["u"], e["v"], float(e["length_km"])) for e in params["edges"]]
        if not params.get("pairs"):
            raise InputError(
                "pairs are required with edges", issues=[FieldIssue("$.pairs", "required")]
            )
        all_nodes = {e.u for e in edges} | {e.v for e in edges}
    else:
        from freight.network.loader import default_network

        net = default_network()
        edges = [
            Edge(link.id, link.source, link.target, float(link.length_km))
            for link in net.links.values()
            if str(link.mode) in modes
        ]
        all_nodes = set(net.nodes)
    pairs = [tuple(p) for p in (params.get("pairs") or DEFAULT_PAIRS)]
    known = {e.u for e in edges} | {e.v for e in edges}
    for i, (o, d) in enumerate(pairs):
        for j, n in enumerate((o, d)):
            if n not in all_nodes:
                raise InputError(
                    f"unknown node id {n!r}", issues=[FieldIssue(f"$.pairs[{i}][{j}]", "unknown")]
                )
            if n not in known:
                raise InputError(
                    f"node {n!r} has no link of modes {sorted(modes)}",
                    issues=[FieldIssue(f"$.pairs[{i}][{j}]", "not on the selected modes")],
                )
    result = simulate(
        edges,
        pairs,
        float(params.get("failure_probability", 0.05)),
        int(params.get("samples", 1000)),
        int(params.get("seed", 0)),
        float(params.get("time_limit_s", 30.0)),
        progress,
    )
    return asdict(result)
