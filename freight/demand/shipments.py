"""Seeded shipments of a year and the bulk flows derived from the same lanes.

Pure functions of (year, seed): ``random.Random`` seeded with ``seed|year|group|lane``,
fixed decimal formatting. Method and sources: ``demand_data/METHOD.md`` §1 and §3; the
figures are in :mod:`freight.demand.assumptions`.
"""

from __future__ import annotations

import calendar
import functools
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from freight.demand import assumptions as A
from freight.demand.common import check_year, norm, num, render, rng_for
from freight.demand.model import BulkFlow, Shipment

SHIPMENT_COLUMNS = (
    "id", "origin", "destination", "commodity", "form", "quantity", "unit", "tonnes",
    "ready_date", "due_date",
)  # fmt: skip
BULK_COLUMNS = ("id", "commodity", "origin", "destination", "annual_t") + tuple(
    f"m{m:02d}" for m in range(1, 13)
)
BULK_COMMODITIES = (
    "coal", "grain", "cotton", "fertilizer", "sugar", "pvc", "caustic_soda", "steel",
    "petrochemicals", "general",
)  # fmt: skip


def lane_tonnes(group: A.Group, year: int) -> list[float]:
    """Tonnes of each lane of ``group`` in ``year`` (0.1 t; sums to the group's tonnes)."""
    total_dt = round(group.tonnes(year) * 10)
    shares = norm(lane.share for lane in group.lanes)
    out = [math.floor(total_dt * s) for s in shares]
    out[0] += total_dt - sum(out)  # rounding remainder on the first lane
    return [x / 10 for x in out]


def _lots_t(rng: random.Random, lot: str, target_dt: int) -> list[int]:
    """Lot sizes in decitonnes summing exactly to ``target_dt``."""
    _, kmin, kmax, lo, hi = A.LOTS[lot]
    lots: list[int] = []
    left = target_dt
    while left > 0:
        k = rng.randint(kmin, kmax)
        size = sum(round(rng.uniform(lo, hi) * 10) for _ in range(k))
        if size >= left or left - size < round(lo * 10):
            size = left  # the last lot takes the remainder (never a sliver)
        lots.append(size)
        left -= size
    return lots


def _lots_teu(rng: random.Random, lot: str, target_teu: int) -> list[int]:
    _, kmin, kmax, _, _ = A.LOTS[lot]
    lots: list[int] = []
    left = target_teu
    while left > 0:
        k = min(rng.randint(kmin, kmax), left)
        lots.append(k)
        left -= k
    return lots


def _ready(rng: random.Random, year: int, season: tuple[float, ...]) -> date:
    month = rng.choices(range(1, 13), weights=season)[0]
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _transit_days(lane: A.Lane) -> tuple[int, int]:
    far = A.place_class(lane.destination)
    if far == "kuytun":
        far = A.place_class(lane.origin)
    return A.TRANSIT_DAYS[far]


def is_rail_lane(lane: A.Lane) -> bool:
    """Whether a lane is expected to move by rail (assumption M1 in METHOD.md).

    Train and wagon lots are rail by construction; container and tank lots are rail when
    the far end is beyond Xinjiang (inland gateways, Central Asia, Europe).
    """
    if lane.lot in A.RAIL_LOTS:
        return True
    far = {A.place_class(lane.origin), A.place_class(lane.destination)}
    return lane.lot in ("teu", "teu_small", "tanks") and bool(
        far & {"inland", "central_asia", "almaty", "europe"}
    )


@functools.lru_cache(maxsize=16)
def generate_shipments(year: int, seed: int = A.DEFAULT_SEED) -> tuple[Shipment, ...]:
    """A year's shipments (2025–2035), ordered by ready date; ids ``s<year>-<nnnnnn>``.

    >>> s = generate_shipments(2025)
    >>> len(s) >= 10_000 and s[0].ready_date.year == 2025
    True
    """
    check_year(year)
    drafts: list[tuple[date, int, int, int, A.Group, A.Lane, float, float, date]] = []
    for gi, group in enumerate(A.GROUPS):
        season = norm(group.season)
        per_lane = lane_tonnes(group, year)
        for li, (lane, lane_t) in enumerate(zip(group.lanes, per_lane, strict=True)):
            if lane_t <= 0:
                continue
            rng = rng_for(seed, year, group.key, li)
            unit = A.LOTS[lane.lot][0]
            if unit == "teu":
                teus = _lots_teu(rng, lane.lot, max(1, round(lane_t / group.teu_payload_t)))
                sized = [(float(k), k * group.teu_payload_t) for k in teus]
            else:
                sized = [(d / 10, d / 10) for d in _lots_t(rng, lane.lot, round(lane_t * 10))]
            lo, hi = _transit_days(lane)
            for k, (qty, tonnes) in enumerate(sized):
                ready = _ready(rng, year, season)
                due = ready + timedelta(days=rng.randint(lo, hi))
                drafts.append((ready, gi, li, k, group, lane, qty, tonnes, due))
    drafts.sort(key=lambda d: d[:4])
    out = []
    for n, (ready, _gi, _li, _k, group, lane, qty, tonnes, due) in enumerate(drafts, start=1):
        out.append(
            Shipment(
                id=f"s{year}-{n:06d}",
                origin=lane.origin,
                destination=lane.destination,
                commodity=group.commodity,
                form=lane.form,
                quantity=qty,
                unit=A.LOTS[lane.lot][0],
                tonnes=round(tonnes, 1),
                ready_date=ready,
                due_date=due,
            )
        )
    return tuple(out)


def shipments_csv(shipments: Iterable[Shipment]) -> str:
    """The CSV text of ``demand_data/shipments_<year>.csv``."""
    return render(
        SHIPMENT_COLUMNS,
        (
            (
                s.id,
                s.origin,
                s.destination,
                s.commodity,
                s.form,
                str(int(s.quantity)) if s.unit == "teu" else num(s.quantity, 1),
                s.unit,
                num(s.tonnes, 1),
                s.ready_date.isoformat(),
                s.due_date.isoformat(),
            )  # fmt: skip
            for s in shipments
        ),
    )


@dataclass(frozen=True, slots=True)
class YearSummary:
    """Totals of a year's planned demand (what METHOD.md states and the tests check)."""

    year: int
    tonnes: float
    rail_tonnes: float
    tonnes_by_commodity: dict[str, float]

    @property
    def rail_share(self) -> float:
        return self.rail_tonnes / self.tonnes if self.tonnes else 0.0


def planned_summary(year: int) -> YearSummary:
    """Tonnes by commodity and the rail-expected tonnes from the assumptions (no sampling)."""
    check_year(year)
    by: dict[str, float] = {}
    rail = 0.0
    for g in A.GROUPS:
        for lane, t in zip(g.lanes, lane_tonnes(g, year), strict=True):
            by[g.commodity] = by.get(g.commodity, 0.0) + t
            rail += t if is_rail_lane(lane) else 0.0
    return YearSummary(year, round(sum(by.values()), 1), round(rail, 1), by)


# ------------------------------------------------------------------------------ bulk flows


def monthly_share(weights: Iterable[float]) -> tuple[float, ...]:
    """Weights as 12 shares with 6 decimals (as written) summing to 1 (residue on the peak)."""
    raw = [round(x, 6) for x in norm(weights)]
    peak = max(range(len(raw)), key=lambda i: raw[i])
    raw[peak] = round(raw[peak] + 1.0 - sum(raw), 6)
    return tuple(raw)


def bulk_flows(year: int = A.FIRST_YEAR) -> tuple[BulkFlow, ...]:
    """Bulk flows for the conversion planner: outbound lanes of bulk commodities from
    Kuytun sidings, warehouses and stations, with their group's monthly profile.

    ``annual_t`` equals the tonnes the shipment generator puts on that lane in ``year``.
    """
    check_year(year)
    out: list[BulkFlow] = []
    seen: set[str] = set()
    for g in A.GROUPS:
        if g.commodity not in BULK_COMMODITIES:
            continue
        share = monthly_share(g.season)
        for lane, t in zip(g.lanes, lane_tonnes(g, year), strict=True):
            if t <= 0 or not lane.origin.startswith(("siding_", "wh_", "kuytun")):
                continue
            if A.place_class(lane.destination) == "kuytun":
                continue
            if lane.form == "hazmat" and g.commodity != "caustic_soda":
                continue  # liquid fuels/chemicals stay in tank wagons (M3 in METHOD.md)
            fid = f"{g.commodity}_{lane.origin}_{lane.destination}"
            if fid in seen:
                fid = f"{fid}_{g.key}"
            seen.add(fid)
            out.append(BulkFlow(fid, g.commodity, lane.origin, lane.destination, t, share))
    return tuple(out)


def bulk_flows_csv(flows: Iterable[BulkFlow]) -> str:
    return render(
        BULK_COLUMNS,
        (
            (
                f.id,
                f.commodity,
                f.origin,
                f.destination,
                num(f.annual_t, 1),
                *(num(s, 6) for s in f.monthly_share),
            )  # fmt: skip
            for f in flows
        ),
    )
