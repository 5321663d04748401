"""Tiny hand-made networks for routing tests (built straight from the dataclasses)."""

from __future__ import annotations

from collections.abc import Iterable

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
    TimeBan,
)

ALL_FORMS = frozenset(CargoForm)
NO_HANDLING = Handling(frozenset(), 0, 0, 0, 0, 0)


def handling(forms: Iterable[CargoForm] = ALL_FORMS, hours: float = 2.0) -> Handling:
    return Handling(frozenset(forms), 10.0, 200.0, hours, 50_000, 2_000)


def node(
    nid: str,
    kind: NodeKind = NodeKind.INDUSTRIAL_PARK,
    *,
    rail: bool = False,
    forms: Iterable[CargoForm] | None = None,
    freight: bool = True,
    lat: float = 44.4,
    lon: float = 84.9,
) -> Node:
    h = handling(forms if forms is not None else ALL_FORMS) if rail else NO_HANDLING
    return Node(nid, nid, nid, lat, lon, kind, h, accepts_freight=freight, rail_access=rail)


def road(
    lid: str, a: str, b: str, km: float, *, mode: LinkMode = LinkMode.ROAD_NATIONAL,
    speed: float = 60.0, hazmat: bool = False, bans: tuple[TimeBan, ...] = (),
) -> Link:  # fmt: skip
    return Link(lid, a, b, mode, km, speed, 5000, hazmat=hazmat, truck_bans=bans)


def rail(lid: str, a: str, b: str, km: float, *, mode: LinkMode = LinkMode.RAIL) -> Link:
    return Link(lid, a, b, mode, km, 60.0 if mode is LinkMode.RAIL else 15.0, 40)


def service(
    sid: str, route: tuple[str, ...], offsets_h: tuple[float, ...], *, depart: str = "10:00",
    weekdays: Iterable[int] = range(7), forms: Iterable[CargoForm] = ALL_FORMS,
    cap_t: float = 3000.0, cap_teu: float = 100.0,
) -> RailService:  # fmt: skip
    h, m = depart.split(":")
    return RailService(
        sid, sid, route, frozenset(weekdays), int(h) * 60 + int(m), offsets_h, cap_teu, cap_t,
        frozenset(forms),
    )  # fmt: skip


def costs() -> CostModel:
    # road 0.40 CNY/t-km + 5 CNY/t fixed, 60 g/t-km; rail 0.15 CNY/t-km + 20 CNY/t, 10 g/t-km
    road_mc = ModeCost(0.40, 8.0, 5.0, 100.0, 60.0)
    rail_mc = ModeCost(0.15, 3.0, 20.0, 400.0, 10.0)
    modes = {}
    for f in CargoForm:
        modes[("road", f)] = road_mc
        modes[("rail", f)] = rail_mc
    return CostModel(modes=modes, tonnes_per_teu={"default": 20.0})


def network(
    nodes: Iterable[Node], links: Iterable[Link], services: Iterable[RailService] = ()
) -> Network:
    return Network(
        nodes={n.id: n for n in nodes},
        links={lk.id: lk for lk in links},
        services={s.id: s for s in services},
        costs=costs(),
        name="test",
    )


def corridor() -> Network:
    """Plant P -- road 20 km -- station A == rail 500 km == station B -- road 30 km -- city D.

    Also a direct road P -> D of 520 km. Train S1 A->B daily 10:00, 10 h.
    For 100 t general cargo:
      road only: 100 * (5 + 0.40 * 520) = 21300 CNY, 520/60 h = 8.67 h, co2 3120 kg
      rail combo: road 100*(5+0.4*20)=1300, xfer 1000, rail 100*(20+0.15*500)=9500,
                  xfer 1000, road 100*(5+0.4*30)=1700 -> 14500 CNY; co2 120+500+180=800 kg
    """
    nodes = [
        node("p"),
        node("a", NodeKind.FREIGHT_STATION, rail=True),
        node("b", NodeKind.FREIGHT_STATION, rail=True),
        node("d", NodeKind.CITY),
    ]
    links = [
        road("r_pa", "p", "a", 20),
        rail("l_ab", "a", "b", 500),
        road("r_bd", "b", "d", 30),
        road("r_pd", "p", "d", 520),
    ]
    svcs = [service("s1", ("a", "b"), (0.0, 10.0))]
    return network(nodes, links, svcs)
