"""Depot capacity rebalancing: move whole parts away from depots whose charger site is full.

A depot's plug-in vehicles need ``ceil(vehicles / max_vehicles_per_charger)`` chargers, and
its candidate charging site has at most ``max_plugs`` of them, so a depot can base at most
``max_plugs x max_vehicles_per_charger`` vehicles. The nearest-depot rule can exceed that
(2035: the central station-area depot). After a first routing pass the planner knows each
depot's fleet; for an over-full depot it moves whole parts (angular sectors) to another
depot that covers every zone of the part and still has room, cheapest detour first, until
the moved stops make up the over-full share of the depot's stops (plus a margin, because the
fleet does not scale exactly with stops). The moved parts keep their stops, vehicle counts
and public-plug share, so the merged day still respects every public site's plug count;
only they are routed again. Deterministic: ties break on keys and ids.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freight.demand import UrbanDepot
from freight.fleet.plan.build import Part
from freight.units import haversine_km

__all__ = ["MARGIN", "Move", "plan_moves"]

#: Extra share of stops moved beyond the over-full share (the fleet is not proportional to
#: stops: routes of the moved sectors may have been chained with routes that stay).
MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Move:
    """Serve part ``key`` (``stops`` stops) from depot ``to`` instead of ``frm``."""

    key: str
    day: str
    frm: str
    to: str
    stops: int
    extra_km: float  # depot-to-sector-centroid distance added by the move


def _centroid(part: Part) -> tuple[float, float]:
    st = part.problem.stops
    return sum(s.lat for s in st) / len(st), sum(s.lon for s in st) / len(st)


def plan_moves(
    parts: Mapping[str, Sequence[Part]],
    fleet_by_depot: Mapping[str, int],
    cap_by_depot: Mapping[str, int | None],
    depots: Sequence[UrbanDepot],
) -> list[Move]:
    """Parts to move so that each depot's estimated fleet fits its cap (see module doc).

    ``parts``: the parts of each day; ``fleet_by_depot``: the fleet a first pass sized;
    ``cap_by_depot``: most vehicles a depot can base (``None`` = no limit). A depot's fleet
    is estimated to fall in proportion to the stops it gives away on its busier day, and to
    grow in proportion on the receiving side (with the giver's vehicles per stop).
    """
    dep_of = {d.id: d for d in depots}
    est = {d.id: float(fleet_by_depot.get(d.id, 0)) for d in depots}
    stops_of: dict[tuple[str, str], int] = defaultdict(int)
    for day, ps in parts.items():
        for p in ps:
            stops_of[day, p.depot] += len(p.problem.stops)
    moves: list[Move] = []
    for dep in sorted(est):
        cap = cap_by_depot.get(dep)
        if cap is None or est[dep] <= cap or est[dep] <= 0:
            continue
        share = min(1.0, (est[dep] - cap) / est[dep] + MARGIN)
        d0 = dep_of[dep]
        for day in sorted(parts):
            total = stops_of[day, dep]
            if total == 0:
                continue
            per_stop = est[dep] / total  # vehicles per stop of this depot (estimate)
            want = share * total
            options: list[tuple[float, str, str, Part]] = []
            for p in parts[day]:
                if p.depot != dep or not p.problem.stops:
                    continue
                lat, lon = _centroid(p)
                here = haversine_km(lat, lon, d0.lat, d0.lon)
                for other in depots:
                    if other.id == dep or not p.zones <= set(other.zones):
                        continue
                    extra = haversine_km(lat, lon, other.lat, other.lon) - here
                    options.append((extra, p.key, other.id, p))
            options.sort(key=lambda o: (o[0], o[1], o[2]))
            moved = 0.0
            taken: set[str] = set()
            room: dict[str, float] = {}
            for o in est:
                c = cap_by_depot.get(o)
                room[o] = math.inf if c is None else c - est[o]
            for extra, key, to, p in options:
                if moved >= want:
                    break
                if key in taken:
                    continue
                add = per_stop * len(p.problem.stops)
                if room[to] < add:
                    continue
                room[to] -= add
                taken.add(key)
                moved += len(p.problem.stops)
                moves.append(Move(key, day, dep, to, len(p.problem.stops), round(extra, 3)))
        # the estimate the next depots see: the busier day's shifted vehicles
        shifted: dict[str, float] = defaultdict(float)
        for day in parts:
            total = stops_of[day, dep]
            by_to: dict[str, float] = defaultdict(float)
            for m in moves:
                if m.frm == dep and m.day == day and total:
                    by_to[m.to] += est[dep] * m.stops / total
            for to, v in by_to.items():
                shifted[to] = max(shifted[to], v)
        gone = sum(shifted.values())
        for to, v in shifted.items():
            est[to] += v
        est[dep] -= gone
    return moves
