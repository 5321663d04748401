"""Vehicle duties: chain one (depot, vehicle type)'s routes into multi-trip days (issue #7).

Urban delivery routes are short (~14 stops, < 10 km) and return to the depot long before the
shift ends; a real van reloads and goes out again. A *duty* is one vehicle's day: a sequence
of routes of the same depot and type where each next route starts at or after the previous
route's return + ``reload_min``, and the routes' summed ``energy_kwh`` fits the type's usable
battery (battery - min SoC; PHEV: unlimited, the engine takes over). Summing is valid because
without charging the state of charge only decreases; routes with an en-route charging visit
stay alone (sound and simple).

Heuristic: routes sorted by (start, end, index); each goes to the compatible duty whose last
return is latest (best fit) and that still has energy room, else opens a new duty. The lower
bound is the maximum number of routes in progress at once, each occupying
[start, end + reload_min) -- no assignment can use fewer vehicles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freight.errors import InputError
from freight.fleet.result import RoutePlan

#: Minutes between a route's return and the same vehicle's next departure. Assumption:
#: unloading returns, loading ~14 parcels/cases pre-sorted by the depot staff and paperwork
#: take about 20 min for an urban light van (no cited source; stated assumption).
DEFAULT_RELOAD_MIN = 20.0


@dataclass(frozen=True, slots=True)
class Duty:
    """One vehicle's day: indices into the input routes, in driving order."""

    route_indices: tuple[int, ...]
    start_min: float
    end_min: float
    energy_kwh: float
    distance_km: float


@dataclass(frozen=True, slots=True)
class DutyResult:
    """Duties found, and the interval-overlap lower bound on their number."""

    duties: tuple[Duty, ...]
    lower_bound: int

    @property
    def gap(self) -> int:
        return len(self.duties) - self.lower_bound


def _usable(r: RoutePlan, usable_kwh_by_type: Mapping[str, float | None]) -> float | None:
    if r.vehicle_type not in usable_kwh_by_type:
        raise InputError(f"usable_kwh_by_type has no entry for vehicle type {r.vehicle_type!r}")
    return usable_kwh_by_type[r.vehicle_type]


def lower_bound(routes: Sequence[RoutePlan], reload_min: float) -> int:
    """Maximum number of routes in progress at once, each busy ``[start, end + reload)``."""
    events = sorted(
        [(r.start_min, 1) for r in routes] + [(r.end_min + reload_min, -1) for r in routes],
        key=lambda e: (e[0], e[1]),  # a release at t frees the vehicle for a start at t
    )
    best = cur = 0
    for _, delta in events:
        cur += delta
        best = max(best, cur)
    return best


def chain_routes(
    routes: Sequence[RoutePlan],
    *,
    reload_min: float = DEFAULT_RELOAD_MIN,
    usable_kwh_by_type: Mapping[str, float | None],
) -> DutyResult:
    """Chain one (depot, type)'s routes into duties (see module docstring).

    ``usable_kwh_by_type[type]`` is battery - min SoC in kWh, or None for unlimited (PHEV).
    """
    if reload_min < 0:
        raise InputError(f"reload_min must be >= 0, got {reload_min}")
    types = {r.vehicle_type for r in routes}
    if len(types) > 1:
        raise InputError(f"chain_routes takes one vehicle type, got {sorted(types)}")
    order = sorted(range(len(routes)), key=lambda i: (routes[i].start_min, routes[i].end_min, i))
    duties: list[list[int]] = []
    energy: list[float] = []
    alone: list[bool] = []
    for i in order:
        r = routes[i]
        cap = _usable(r, usable_kwh_by_type)
        charges = bool(r.charge_visits)
        best = -1
        if not charges:
            for k, seq in enumerate(duties):
                if alone[k]:
                    continue
                last = routes[seq[-1]]
                if last.end_min + reload_min > r.start_min + 1e-9:
                    continue
                if cap is not None and energy[k] + r.energy_kwh > cap + 1e-9:
                    continue
                if best < 0 or last.end_min > routes[duties[best][-1]].end_min:
                    best = k
        if best < 0:
            duties.append([i])
            energy.append(r.energy_kwh)
            alone.append(charges)
        else:
            duties[best].append(i)
            energy[best] += r.energy_kwh
    out = tuple(
        Duty(
            route_indices=tuple(seq),
            start_min=routes[seq[0]].start_min,
            end_min=routes[seq[-1]].end_min,
            energy_kwh=round(e, 6),
            distance_km=round(sum(routes[j].distance_km for j in seq), 6),
        )
        for seq, e in zip(duties, energy, strict=True)
    )
    return DutyResult(duties=out, lower_bound=lower_bound(routes, reload_min))


def chain_by_type(
    routes: Sequence[RoutePlan],
    *,
    reload_min: float = DEFAULT_RELOAD_MIN,
    usable_kwh_by_type: Mapping[str, float | None],
) -> dict[str, tuple[DutyResult, tuple[int, ...]]]:
    """Group ``routes`` by ``vehicle_type`` (type@depot) and chain each group.

    Returns type -> (result, indices of the group's routes in ``routes``) so a duty's
    ``route_indices`` map back via ``indices[j]``.
    """
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(routes):
        groups.setdefault(r.vehicle_type, []).append(i)
    out: dict[str, tuple[DutyResult, tuple[int, ...]]] = {}
    for t in sorted(groups):
        idx = tuple(groups[t])
        res = chain_routes(
            [routes[i] for i in idx], reload_min=reload_min, usable_kwh_by_type=usable_kwh_by_type
        )
        out[t] = (res, idx)
    return out


__all__ = ["DEFAULT_RELOAD_MIN", "Duty", "DutyResult", "chain_by_type", "chain_routes"]
