"""The seeded demand generator: shipments, urban delivery days, bulk flows, depots, sites.

Pure functions of (year, season, seed): the same arguments give the same objects and the
same CSV bytes on any machine (``random.Random`` seeded with a string, fixed decimal
formatting). The method and every figure's source are in ``demand_data/METHOD.md``;
the figures themselves are in :mod:`freight.demand.assumptions`.
"""

from __future__ import annotations

import calendar
import csv
import functools
import gzip
import io
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from freight.demand import assumptions as A
from freight.demand.model import (
    SEASONS,
    BulkFlow,
    ChargingSiteCandidate,
    DeliveryPoint,
    Shipment,
    UrbanDepot,
)
from freight.units import haversine_km

SHIPMENT_COLUMNS = (
    "id", "origin", "destination", "commodity", "form", "quantity", "unit", "tonnes",
    "ready_date", "due_date",
)  # fmt: skip
POINT_COLUMNS = (
    "id", "lat", "lon", "demand_kg", "demand_m3", "service_min", "window_open",
    "window_close", "refrigerated", "zone", "town",
)  # fmt: skip
BULK_COLUMNS = ("id", "commodity", "origin", "destination", "annual_t") + tuple(
    f"m{m:02d}" for m in range(1, 13)
)
DEPOT_COLUMNS = ("id", "node_id", "lat", "lon", "open", "close", "district", "zones")
SITE_COLUMNS = (
    "id", "lat", "lon", "town", "district", "kind", "power_kw", "max_plugs", "node_id",
)  # fmt: skip
KM_PER_DEG_LAT = 111.2
COVER_SLACK_KM = 1.5
COLD_CHAIN_DEPOT = "dep_west_coldchain"
BULK_COMMODITIES = (
    "coal", "grain", "cotton", "fertilizer", "sugar", "pvc", "caustic_soda", "steel",
    "petrochemicals", "general",
)  # fmt: skip


def check_year(year: int, first: int = A.FIRST_YEAR) -> None:
    """Raise ``ValueError`` unless ``first <= year <= 2035``."""
    if not isinstance(year, int) or not first <= year <= A.LAST_YEAR:
        raise ValueError(f"year must be within {first}..{A.LAST_YEAR}, got {year!r}")


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("|".join(str(p) for p in (seed, *parts)))


def _norm(weights: Iterable[float]) -> tuple[float, ...]:
    w = tuple(float(x) for x in weights)
    total = sum(w)
    return tuple(x / total for x in w)


# ------------------------------------------------------------------------------ shipments


def lane_tonnes(group: A.Group, year: int) -> list[float]:
    """Tonnes of each lane of ``group`` in ``year`` (0.1 t; sums to the group's tonnes)."""
    total_dt = round(group.tonnes(year) * 10)
    shares = _norm(lane.share for lane in group.lanes)
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
        season = _norm(group.season)
        per_lane = lane_tonnes(group, year)
        for li, (lane, lane_t) in enumerate(zip(group.lanes, per_lane, strict=True)):
            if lane_t <= 0:
                continue
            rng = _rng(seed, year, group.key, li)
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


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def _render(columns: tuple[str, ...], rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def shipments_csv(shipments: Iterable[Shipment]) -> str:
    """The CSV text of ``demand_data/shipments_<year>.csv``."""
    return _render(
        SHIPMENT_COLUMNS,
        (
            (
                s.id,
                s.origin,
                s.destination,
                s.commodity,
                s.form,
                str(int(s.quantity)) if s.unit == "teu" else _num(s.quantity, 1),
                s.unit,
                _num(s.tonnes, 1),
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


# ------------------------------------------------------------------------------ urban days


def stops_in_day(year: int, season: str) -> int:
    """Delivery points of the representative ``season`` day of ``year`` (geometric growth)."""
    check_year(year, A.URBAN_FIRST_YEAR)
    a, b = A.STOPS_2026[season], A.STOPS_2035[season]
    frac = (year - A.URBAN_FIRST_YEAR) / (A.LAST_YEAR - A.URBAN_FIRST_YEAR)
    return int(round(a * (b / a) ** frac))


def _check_season(season: str) -> None:
    if season not in SEASONS:
        raise ValueError(f"season must be one of {', '.join(SEASONS)}, got {season!r}")


def town_box(town: A.Town) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a town's delivery area."""
    dlat = town.half_ns_km / KM_PER_DEG_LAT
    dlon = town.half_ew_km / (KM_PER_DEG_LAT * math.cos(math.radians(town.lat)))

    def inward(x: float, up: bool) -> float:  # 5-decimal box, so rounded points stay inside
        return round((math.ceil if up else math.floor)(round(x * 1e5, 6)) / 1e5, 5)

    return (
        inward(town.lat - dlat, True),
        inward(town.lat + dlat, False),
        inward(town.lon - dlon, True),
        inward(town.lon + dlon, False),
    )


def zone_of(town: A.Town, lat: float, lon: float) -> str:
    """Zone id ``<prefix><row><col>`` of the town's grid (row 1 = south, col 1 = west)."""
    la0, la1, lo0, lo1 = town_box(town)
    r = min(town.rows - 1, max(0, int((lat - la0) / (la1 - la0) * town.rows)))
    c = min(town.cols - 1, max(0, int((lon - lo0) / (lo1 - lo0) * town.cols)))
    return f"{town.prefix}{r + 1}{c + 1}"


def zone_centres() -> dict[str, tuple[str, float, float]]:
    """Every zone id -> (town, lat, lon) of its cell centre."""
    out = {}
    for t in A.TOWN_AREAS:
        la0, la1, lo0, lo1 = town_box(t)
        for r in range(t.rows):
            for c in range(t.cols):
                lat = la0 + (r + 0.5) * (la1 - la0) / t.rows
                lon = lo0 + (c + 0.5) * (lo1 - lo0) / t.cols
                out[f"{t.prefix}{r + 1}{c + 1}"] = (t.name, lat, lon)
    return out


def _town_counts(n: int) -> list[int]:
    counts = [round(n * t.share) for t in A.TOWN_AREAS]
    counts[0] += n - sum(counts)
    return counts


@functools.lru_cache(maxsize=8)
def generate_urban_day(
    year: int, season: str, seed: int = A.DEFAULT_SEED
) -> tuple[DeliveryPoint, ...]:
    """Delivery points of a representative winter or summer day (2026–2035).

    >>> pts = generate_urban_day(2026, "winter")
    >>> len(pts) == stops_in_day(2026, "winter") and pts[0].town == "kuytun"
    True
    """
    _check_season(season)
    n = stops_in_day(year, season)
    kinds = A.POINT_KINDS
    kind_w = _norm(k.share[season] for k in kinds)
    out: list[DeliveryPoint] = []
    for town, count in zip(A.TOWN_AREAS, _town_counts(n), strict=True):
        rng = _rng(seed, "urban", year, season, town.name)
        la0, la1, lo0, lo1 = town_box(town)
        sd_lat = town.sd_km / KM_PER_DEG_LAT
        sd_lon = town.sd_km / (KM_PER_DEG_LAT * math.cos(math.radians(town.lat)))
        for _ in range(count):
            kind = rng.choices(kinds, weights=kind_w)[0]
            for _try in range(20):  # truncated normal around the centre, inside the box
                lat = rng.gauss(town.lat, sd_lat)
                lon = rng.gauss(town.lon, sd_lon)
                if la0 <= lat <= la1 and lo0 <= lon <= lo1:
                    break
            lat, lon = min(max(lat, la0), la1), min(max(lon, lo0), lo1)
            kg = kind.median_kg * math.exp(kind.sigma * rng.gauss(0.0, 1.0))
            kg = round(min(max(kg, 2.0), A.MAX_STOP_KG), 1)
            w_open, w_close = rng.choice(kind.windows)
            out.append(
                DeliveryPoint(
                    id=f"u{year}{season[0]}-{len(out) + 1:05d}",
                    lat=round(lat, 5),
                    lon=round(lon, 5),
                    demand_kg=kg,
                    demand_m3=max(0.001, round(kg / kind.kg_per_m3, 3)),
                    service_min=float(rng.randint(*kind.service_min)),
                    window_open=w_open,
                    window_close=w_close,
                    refrigerated=rng.random() < kind.refrigerated_p,
                    zone=zone_of(town, lat, lon),
                    town=town.name,
                )
            )
    return tuple(out)


def urban_day_csv(points: Iterable[DeliveryPoint]) -> str:
    """The CSV text of ``demand_data/urban_<year>_<season>.csv``."""
    return _render(
        POINT_COLUMNS,
        (
            (
                p.id,
                _num(p.lat, 5),
                _num(p.lon, 5),
                _num(p.demand_kg, 1),
                _num(p.demand_m3, 3),
                str(int(p.service_min)),
                p.window_open,
                p.window_close,
                "1" if p.refrigerated else "0",
                p.zone,
                p.town,
            )  # fmt: skip
            for p in points
        ),
    )


def vehicles_needed(points: Iterable[DeliveryPoint]) -> tuple[int, int]:
    """Rough fleet of a day: (all vehicles, refrigerated vehicles) at STOPS_PER_VEHICLE_DAY."""
    pts = list(points)
    cold = sum(1 for p in pts if p.refrigerated)
    per = A.STOPS_PER_VEHICLE_DAY
    return math.ceil(len(pts) / per), math.ceil(cold / per)


# ------------------------------------------------------------------- depots and sites


def urban_depots() -> tuple[UrbanDepot, ...]:
    """Depots of the urban fleet and the zones each covers (assumption U6 in METHOD.md).

    A depot covers a zone of its town when it lies within ``COVER_SLACK_KM`` of the
    zone's nearest depot, so central zones have several candidate depots; the cold-chain
    hub covers every Kuytun zone (it serves the refrigerated deliveries of the city).
    """
    zones = zone_centres()
    served: dict[str, list[str]] = {d[0]: [] for d in A.DEPOTS}
    for zid, (town, lat, lon) in zones.items():
        dist = {d[0]: haversine_km(lat, lon, d[2], d[3]) for d in A.DEPOTS if d[7] == town}
        best = min(dist.values())
        for did, km in dist.items():
            if km <= best + COVER_SLACK_KM or did == COLD_CHAIN_DEPOT:
                served[did].append(zid)
    return tuple(
        UrbanDepot(did, node, lat, lon, op, cl, district, tuple(sorted(served[did])))
        for did, node, lat, lon, op, cl, district, _town in A.DEPOTS
    )


def depots_csv(depots: Iterable[UrbanDepot]) -> str:
    return _render(
        DEPOT_COLUMNS,
        (
            (
                d.id,
                d.node_id,
                _num(d.lat, 5),
                _num(d.lon, 5),
                d.open,
                d.close,
                d.district,
                ";".join(d.zones),
            )  # fmt: skip
            for d in depots
        ),
    )


def charging_sites(seed: int = A.DEFAULT_SEED) -> tuple[ChargingSiteCandidate, ...]:
    """Candidate charging sites: one at each depot plus jittered sites around the anchors."""
    out: list[ChargingSiteCandidate] = []
    for did, node, lat, lon, _o, _c, district, town in A.DEPOTS:
        out.append(
            ChargingSiteCandidate(
                f"cs_{did}",
                lat,
                lon,
                town,
                district,
                "depot",
                A.DEPOT_CHARGER_KW,
                A.DEPOT_MAX_PLUGS,
                node,
            )  # fmt: skip
        )
    rng = _rng(seed, "charging_sites")
    depot_nodes = [(d[1], d[2], d[3]) for d in A.DEPOTS]
    for district, town, lat0, lon0, n, kind, kw, plugs in A.SITE_ANCHORS:
        slug = district.lower().replace(" ", "_")
        for k in range(n):
            lat = round(lat0 + rng.uniform(-0.012, 0.012), 5)
            lon = round(lon0 + rng.uniform(-0.016, 0.016), 5)
            near = min(depot_nodes, key=lambda d: haversine_km(lat, lon, d[1], d[2]))
            node = near[0] if haversine_km(lat, lon, near[1], near[2]) <= 3.0 else ""
            out.append(
                ChargingSiteCandidate(
                    f"cs_{slug}_{kind}_{k + 1}", lat, lon, town, district, kind, kw, plugs, node
                )
            )
    return tuple(out)


def charging_sites_csv(sites: Iterable[ChargingSiteCandidate]) -> str:
    return _render(
        SITE_COLUMNS,
        (
            (
                s.id,
                _num(s.lat, 5),
                _num(s.lon, 5),
                s.town,
                s.district,
                s.kind,
                _num(s.power_kw, 1),
                str(s.max_plugs),
                s.node_id,
            )  # fmt: skip
            for s in sites
        ),
    )


# ------------------------------------------------------------------------------ bulk flows


def monthly_share(weights: Iterable[float]) -> tuple[float, ...]:
    """Weights as 12 shares with 6 decimals (as written) summing to 1 (residue on the peak)."""
    raw = [round(x, 6) for x in _norm(weights)]
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
    return _render(
        BULK_COLUMNS,
        (
            (
                f.id,
                f.commodity,
                f.origin,
                f.destination,
                _num(f.annual_t, 1),
                *(_num(s, 6) for s in f.monthly_share),
            )  # fmt: skip
            for f in flows
        ),
    )


# ------------------------------------------------------------------- the checked-in set

SHIPMENT_YEARS = (2025, 2030, 2035)
URBAN_YEARS = (2026, 2030, 2035)


def checked_in_files(seed: int = A.DEFAULT_SEED) -> dict[str, Callable[[], str]]:
    """File name (relative to demand_data/) -> function rendering its exact CSV text.

    The large tables are stored gzipped (``.csv.gz``, mtime 0) to keep the repository small.
    """
    files: dict[str, Callable[[], str]] = {}
    for y in SHIPMENT_YEARS:
        files[f"shipments_{y}.csv.gz"] = functools.partial(_ship_text, y, seed)
    for y in URBAN_YEARS:
        for s in SEASONS:
            files[f"urban_{y}_{s}.csv.gz"] = functools.partial(_urban_text, y, s, seed)
    files["bulk_flows.csv"] = lambda: bulk_flows_csv(bulk_flows())
    files["urban_depots.csv"] = lambda: depots_csv(urban_depots())
    files["charging_sites.csv"] = lambda: charging_sites_csv(charging_sites(seed))
    return files


def _ship_text(year: int, seed: int) -> str:
    return shipments_csv(generate_shipments(year, seed))


def _urban_text(year: int, season: str, seed: int) -> str:
    return urban_day_csv(generate_urban_day(year, season, seed))


def encode(name: str, text: str) -> bytes:
    """The bytes stored for ``name``: UTF-8, gzipped (level 9, mtime 0) for ``.gz`` names."""
    raw = text.encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0) if name.endswith(".gz") else raw
