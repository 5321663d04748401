"""Vehicle duties: chain one (depot, vehicle type)'s routes into multi-trip days.

Urban delivery routes are short (~14 stops, < 10 km) and return to the depot long before the
shift ends; a real van reloads and goes out again. A *duty* is one vehicle's day: a sequence
of routes of the same depot and type where each next route starts at or after the previous
route's return + ``reload_min``, and the battery covers every route. A duty starts with a
full battery; its usable energy is the type's battery - min SoC (PHEV: unlimited, the engine
takes over). Routes with an en-route charging visit stay alone (sound and simple).

**Midday charging.** With ``charge_kw_by_type`` (kW the vehicle draws on the depot's
chargers between trips: min of its on-board limit and the charger class power) the vehicle
is plugged in during each gap between two routes and gains at most ``kW x`` the whole
15-minute slots inside the gap (the charging schedule's granularity, so every gap the
chaining counts on can really be scheduled), never above a full battery. A route may follow
when the battery after the previous routes plus that charge covers it. The duty records in
:class:`MiddayCharge` what each gap *must* charge (least total, as late as possible: the
SoC floor at each departure is the next route's energy plus what later gaps cannot
supply), which ``chargers.py`` schedules on the depot's chargers with the overnight need.
Without ``charge_kw_by_type`` (or 0 kW) the battery only loses energy, so the rule is
today's "summed energy fits the usable battery".

Heuristic: routes sorted by (start, end, index); each goes to the compatible duty whose last
return is latest (best fit) and that still has energy for it, else opens a new duty. The
lower bound is the maximum number of routes in progress at once, each occupying
[start, end + reload_min) -- no assignment can use fewer vehicles (it ignores energy, so it
stays a bound with or without midday charging).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freight.errors import InputError
from freight.fleet.charging_schedule import SLOT_MIN
from freight.fleet.result import RoutePlan

#: Minutes between a route's return and the same vehicle's next departure. Assumption:
#: unloading returns, loading ~14 parcels/cases pre-sorted by the depot staff and paperwork
#: take about 20 min for an urban light van (no cited source; stated assumption).
DEFAULT_RELOAD_MIN = 20.0


@dataclass(frozen=True, slots=True)
class MiddayCharge:
    """Energy a duty must charge at the depot in the gap ``[arrival_min, departure_min]``.

    ``below_full_kwh``: how far below a full battery the vehicle arrives, every earlier gap
    having charged exactly its ``charge_kwh``.
    """

    arrival_min: float
    departure_min: float
    below_full_kwh: float
    charge_kwh: float


@dataclass(frozen=True, slots=True)
class Duty:
    """One vehicle's day: indices into the input routes, in driving order."""

    route_indices: tuple[int, ...]
    start_min: float
    end_min: float
    energy_kwh: float
    distance_km: float
    midday: tuple[MiddayCharge, ...] = ()

    @property
    def midday_kwh(self) -> float:
        """Energy charged between trips; the battery returns ``energy - midday`` below full."""
        return sum(m.charge_kwh for m in self.midday)


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


def plug_kwh(arrival_min: float, departure_min: float, kw: float) -> float:
    """kWh ``kw`` delivers in the whole 15-minute slots inside ``[arrival, departure]``."""
    if kw <= 0:
        return 0.0
    slots = math.floor(departure_min / SLOT_MIN + 1e-9) - math.ceil(arrival_min / SLOT_MIN - 1e-9)
    return max(0, slots) * SLOT_MIN / 60.0 * kw


def midday_charges(
    routes: Sequence[RoutePlan], seq: Sequence[int], usable_kwh: float, kw: float
) -> tuple[MiddayCharge, ...]:
    """Least charging per gap of a feasible chain ``seq`` (see module docstring)."""
    n = len(seq)
    if n < 2 or kw <= 0:
        return ()
    e = [routes[j].energy_kwh for j in seq]
    cap = [plug_kwh(routes[seq[k]].end_min, routes[seq[k + 1]].start_min, kw) for k in range(n - 1)]
    floor = [0.0] * (n - 1)  # SoC above min needed leaving gap k (before route k + 1)
    for k in range(n - 2, -1, -1):
        later = floor[k + 1] - cap[k + 1] if k + 1 < n - 1 else 0.0
        floor[k] = e[k + 1] + max(0.0, later)
    out: list[MiddayCharge] = []
    soc = usable_kwh - e[0]
    for k in range(n - 1):
        charge = max(0.0, floor[k] - soc)
        if charge > 1e-9:
            out.append(
                MiddayCharge(
                    routes[seq[k]].end_min,
                    routes[seq[k + 1]].start_min,
                    round(usable_kwh - soc, 6),
                    round(charge, 6),
                )
            )
        soc += charge - e[k + 1]
    return tuple(out)


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
    charge_kw_by_type: Mapping[str, float] | None = None,
) -> DutyResult:
    """Chain one (depot, type)'s routes into duties (see module docstring).

    ``usable_kwh_by_type[type]`` is battery - min SoC in kWh, or None for unlimited (PHEV).
    ``charge_kw_by_type[type]`` (optional, default none) is the depot charging power between
    trips in kW; a type missing from it does not charge between trips.
    """
    if reload_min < 0:
        raise InputError(f"reload_min must be >= 0, got {reload_min}")
    types = {r.vehicle_type for r in routes}
    if len(types) > 1:
        raise InputError(f"chain_routes takes one vehicle type, got {sorted(types)}")
    kw = 0.0
    if charge_kw_by_type is not None and types:
        kw = float(charge_kw_by_type.get(next(iter(types)), 0.0))
        if not (kw >= 0 and math.isfinite(kw)):
            raise InputError(f"charge_kw_by_type must be finite and >= 0, got {kw}")
    order = sorted(range(len(routes)), key=lambda i: (routes[i].start_min, routes[i].end_min, i))
    duties: list[list[int]] = []
    energy: list[float] = []
    soc: list[float] = []  # usable kWh left after the duty's last route, charging at most
    alone: list[bool] = []
    for i in order:
        r = routes[i]
        cap = _usable(r, usable_kwh_by_type)
        charges = bool(r.charge_visits)
        best = -1
        best_soc = 0.0
        if not charges:
            for k, seq in enumerate(duties):
                if alone[k]:
                    continue
                last = routes[seq[-1]]
                if last.end_min + reload_min > r.start_min + 1e-9:
                    continue
                if cap is not None:
                    if kw <= 0:
                        if energy[k] + r.energy_kwh > cap + 1e-9:
                            continue
                        left = cap - energy[k] - r.energy_kwh
                    else:
                        ready = min(cap, soc[k] + plug_kwh(last.end_min, r.start_min, kw))
                        if r.energy_kwh > ready + 1e-9:
                            continue
                        left = ready - r.energy_kwh
                else:
                    left = 0.0
                if best < 0 or last.end_min > routes[duties[best][-1]].end_min:
                    best, best_soc = k, left
        if best < 0:
            duties.append([i])
            energy.append(r.energy_kwh)
            soc.append((cap - r.energy_kwh) if cap is not None else 0.0)
            alone.append(charges)
        else:
            duties[best].append(i)
            energy[best] += r.energy_kwh
            soc[best] = best_soc
    usable = _usable(routes[0], usable_kwh_by_type) if routes else None
    out = tuple(
        Duty(
            route_indices=tuple(seq),
            start_min=routes[seq[0]].start_min,
            end_min=routes[seq[-1]].end_min,
            energy_kwh=round(e, 6),
            distance_km=round(sum(routes[j].distance_km for j in seq), 6),
            midday=(
                midday_charges(routes, seq, usable, kw)
                if usable is not None and e > usable + 1e-9
                else ()
            ),
        )
        for seq, e in zip(duties, energy, strict=True)
    )
    return DutyResult(duties=out, lower_bound=lower_bound(routes, reload_min))


def chain_by_type(
    routes: Sequence[RoutePlan],
    *,
    reload_min: float = DEFAULT_RELOAD_MIN,
    usable_kwh_by_type: Mapping[str, float | None],
    charge_kw_by_type: Mapping[str, float] | None = None,
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
            [routes[i] for i in idx],
            reload_min=reload_min,
            usable_kwh_by_type=usable_kwh_by_type,
            charge_kw_by_type=charge_kw_by_type,
        )
        out[t] = (res, idx)
    return out


__all__ = [
    "DEFAULT_RELOAD_MIN",
    "Duty",
    "DutyResult",
    "MiddayCharge",
    "chain_by_type",
    "chain_routes",
    "midday_charges",
    "plug_kwh",
]
