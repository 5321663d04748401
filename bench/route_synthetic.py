"""A Kuytun-sized synthetic network and shipments, for benchmarks when the real data is absent.

70 nodes (25 rail stations with handling), ~200 road links, a rail line with 25 services
(3 weekdays each), and N shipments over random ODs/forms/months. Fixed seed. Not a model
of Kuytun: only its size, so latency and scaling can be measured before the data lands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from freight.network.model import (
    CargoForm,
    CostModel,
    Handling,
    Link,
    LinkMode,
    ModeCost,
    Network,
    Node,
    NodeKind,
    RailService,
)


@dataclass(frozen=True)
class SynthShipment:
    id: str
    origin: str
    destination: str
    commodity: str
    form: str
    tonnes: float
    ready_date: date


COMMODITY = {"container": "cotton", "bulk": "coal", "general": "steel", "reefer": "cold_food"}


def synthetic_network(seed: int = 1) -> Network:
    rng = random.Random(seed)
    nodes, links, services = {}, {}, {}
    stations = []
    for i in range(70):
        st = i < 25
        forms = frozenset(rng.sample(list(CargoForm), 3)) if st else frozenset()
        h = Handling(forms, 15.0, 300.0, 2.0, 5000.0 if st else 0.0, 300.0 if st else 0.0)
        nid = f"n{i}"
        nodes[nid] = Node(nid, nid, nid, 44 + rng.random(), 84 + rng.random(),
                          NodeKind.FREIGHT_STATION if st else NodeKind.INDUSTRIAL_PARK, h,
                          rail_access=st)  # fmt: skip
        if st:
            stations.append(nid)
    for i in range(70):
        for j in rng.sample(range(70), 3):
            if i != j:
                lid = f"r{i}_{j}"
                links[lid] = Link(lid, f"n{i}", f"n{j}", LinkMode.ROAD_NATIONAL,
                                  rng.randint(5, 300), 60.0, 3000.0)  # fmt: skip
    for k in range(len(stations) - 1):
        lid = f"l{k}"
        links[lid] = Link(lid, stations[k], stations[k + 1], LinkMode.RAIL,
                          rng.randint(10, 200), 80.0, 60.0)  # fmt: skip
    for s in range(25):
        a = rng.randrange(len(stations) - 3)
        b = rng.randrange(a + 2, len(stations))
        route = tuple(stations[a : b + 1])
        sid = f"s{s}"
        services[sid] = RailService(
            sid, sid, route, frozenset(rng.sample(range(7), 3)), rng.randrange(24) * 60,
            tuple(2.0 * x for x in range(len(route))), 100.0, 3000.0,
            frozenset(rng.sample(list(CargoForm), 4)),
        )  # fmt: skip
    road = ModeCost(0.40, 8.0, 5.0, 100.0, 60.0)
    rail = ModeCost(0.15, 3.0, 20.0, 400.0, 10.0)
    modes = {(fam, f): mc for f in CargoForm for fam, mc in (("road", road), ("rail", rail))}
    return Network(nodes, links, services, CostModel(modes, {"default": 20.0}), name="synthetic")


def synthetic_shipments(
    net: Network, n: int, seed: int = 2, year: int = 2025
) -> list[SynthShipment]:
    rng = random.Random(seed)
    ids = sorted(n.id for n in net.nodes.values() if n.accepts_freight)
    ods = [tuple(rng.sample(ids, 2)) for _ in range(300)]
    out = []
    for k in range(n):
        o, d = rng.choice(ods)
        form = rng.choice(list(COMMODITY))
        ready = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        tonnes = float(rng.choice([20, 60, 200, 600, 1500]))
        out.append(SynthShipment(f"x{k}", o, d, COMMODITY[form], form, tonnes, ready))
    return out
