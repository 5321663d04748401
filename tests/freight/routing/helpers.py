"""Tiny hand-made networks for routing tests (built straight from the dataclasses)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from freight.network.model import (
    PIGGYBACK_RAMP,
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
    TerminalOption,
    TimeBan,
    TrailerCosts,
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


TRAILER = TrailerCosts(
    trailer_payload_t=30.0, trailer_tare_t=7.0, teu_per_trailer=2.0,
    cost_cny_per_trailer_km=4.0, fixed_cny_per_trailer=300.0, co2_g_per_trailer_km=300.0,
    tractor_fixed_share_saved=0.5,
)  # fmt: skip


def ramp(nid: str, forms=ALL_FORMS - {CargoForm.BULK}) -> TerminalOption:
    return TerminalOption(nid, PIGGYBACK_RAMP, 1.0, 150.0, 80.0, frozenset(forms))


def piggyback_train(sid: str, route: tuple[str, ...], offsets: tuple[float, ...]) -> RailService:
    return RailService(
        sid, sid, route, frozenset(range(7)), 10 * 60, offsets, 80.0, 1200.0,
        ALL_FORMS, kind="piggyback", capacity_trailers=40.0,
    )  # fmt: skip


def piggyback_corridor(
    a: str = "a",
    a_kind: NodeKind = NodeKind.FREIGHT_STATION,
    options: tuple = (),
    b_kind: NodeKind = NodeKind.FREIGHT_STATION,
) -> Network:
    """Plant P -- road 20 km -- A == rail 500 km == B -- road 30 km -- city D; road P-D 520 km.

    Train S1 (wagons) and piggyback train PB1 A->B daily 10:00, 10 h; ramps at A and B
    (1 h, 150 CNY per trailer). Road 0.40 CNY/t-km + 5 CNY/t, rail 0.15 CNY/t-km + 20 CNY/t,
    handling 10 CNY/t and 2 h; piggyback 300 CNY + 4 CNY/km per trailer of 30 t.
    For 60 t general cargo (2 trailers), ready Monday 08:00:
      road only:  60 * (5 + 0.4 * 520)                                   = 12,780 CNY
      rail:       780 (P->A) + 600 + 60 * (20 + 0.15 * 500) + 600 + 1,020 =  8,700 CNY
                  (handling at A ends 10:20: Tuesday's train; arrives Tue 22:30, 38.5 h)
      piggyback:  780 + 2 * 150 + (2 * 300 + 2 * 4 * 500) + 2 * 150 + 300 (tractor) + 720
                                                                          =  7,000 CNY
                  (rolled on at 09:20, Monday's train; arrives Mon 21:30, 13.5 h)
    """
    nodes = [
        node("p"),
        node(a, a_kind, rail=True),
        node("b", b_kind, rail=True),
        node("d", NodeKind.CITY),
    ]
    links = [
        road("r_pa", "p", a, 20, hazmat=True),
        rail("l_ab", a, "b", 500),
        road("r_bd", "b", "d", 30, hazmat=True),
        road("r_pd", "p", "d", 520, hazmat=True),
    ]
    svcs = [service("s1", (a, "b"), (0.0, 10.0)), piggyback_train("pb1", (a, "b"), (0.0, 10.0))]
    net = network(nodes, links, svcs)
    return replace(
        net,
        costs=replace(net.costs, trailer=TRAILER),
        options=(ramp(a), ramp("b"), *options),
    )


@dataclass(frozen=True)
class Ship:
    """A shipment as the assignment reads it (the fields of demand_data's shipments)."""

    id: str
    origin: str
    destination: str
    commodity: str
    form: str
    tonnes: float
    ready_date: date
