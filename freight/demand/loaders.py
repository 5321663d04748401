"""Load and validate the demand files of ``demand_data/`` (or generate missing years).

A file is read as ``<name>.csv`` if present, else ``<name>.csv.gz``; a year with no file is
generated in memory with the default seed (the same rows the file would hold). Every bad
value is collected with ``file:row N:field`` and raised together as one ``DataError``.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from freight.demand import assumptions as A
from freight.demand import generate as G
from freight.demand.model import (
    SEASONS,
    TOWNS,
    URBAN_LAT,
    URBAN_LON,
    BulkFlow,
    ChargingSiteCandidate,
    DeliveryPoint,
    Shipment,
    UrbanDepot,
)
from freight.errors import DataError, InputError, IssueCollector
from freight.paths import demand_dir
from freight.units import parse_hhmm

T = TypeVar("T")


def find_file(name: str, folder: Path | None = None) -> Path | None:
    """``<folder>/<name>`` or ``<folder>/<name>.gz``, whichever exists (plain first)."""
    base = Path(folder) if folder is not None else demand_dir()
    for p in (base / name, base / f"{name}.gz"):
        if p.is_file():
            return p
    return None


def read_text(path: Path) -> str:
    """The text of a CSV file, gunzipped when its name ends in ``.gz``."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{path.name}: unreadable: {exc}") from None


class _Row:
    """Typed getters over one CSV row that record issues instead of raising."""

    def __init__(self, fname: str, rownum: int, raw: dict[str, str], issues: IssueCollector):
        self.fname, self.rownum, self.raw, self.issues = fname, rownum, raw, issues
        self.ok = True

    def bad(self, field: str, message: str) -> None:
        self.ok = False
        self.issues.add(f"{self.fname}:row {self.rownum}:{field}", message)

    def text(self, field: str, *, choices: tuple[str, ...] = ()) -> str:
        v = (self.raw.get(field) or "").strip()
        if not v:
            self.bad(field, "required")
        elif choices and v not in choices:
            self.bad(field, f"expected one of {', '.join(choices)}, got {v!r}")
        return v

    def num(self, field: str, *, positive: bool = False, minimum: float | None = None) -> float:
        v = (self.raw.get(field) or "").strip()
        try:
            x = float(v)
        except ValueError:
            self.bad(field, f"expected a number, got {v!r}")
            return 0.0
        if x != x or x in (float("inf"), float("-inf")):
            self.bad(field, f"expected a finite number, got {v!r}")
        elif positive and not x > 0:
            self.bad(field, f"must be > 0, got {v}")
        elif minimum is not None and x < minimum:
            self.bad(field, f"must be >= {minimum:g}, got {v}")
        return x

    def day(self, field: str) -> date:
        v = (self.raw.get(field) or "").strip()
        try:
            return date.fromisoformat(v)
        except ValueError:
            self.bad(field, f"expected a date YYYY-MM-DD, got {v!r}")
            return date(2000, 1, 1)

    def flag(self, field: str) -> bool:
        v = (self.raw.get(field) or "").strip().lower()
        if v not in ("0", "1", "true", "false"):
            self.bad(field, f"expected 0/1, got {v!r}")
        return v in ("1", "true")

    def build(self, field: str, fn: Callable[[], T]) -> T | None:
        """Construct the domain object; its ``ValueError`` becomes an issue on ``field``."""
        if not self.ok:
            return None
        try:
            return fn()
        except ValueError as exc:
            self.bad(field, str(exc))
            return None


def _rows(text: str, fname: str, columns: tuple[str, ...], issues: IssueCollector) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{fname}: missing column(s): {', '.join(missing)}")
    reader.fieldnames = header
    out = []
    for i, raw in enumerate(reader, start=2):
        if None in raw:
            issues.add(f"{fname}:row {i}", "more values than columns")
            continue
        out.append(_Row(fname, i, raw, issues))
    return out


def _unique(rows: list[_Row], items: list[T | None], key: Callable[[T], str]) -> None:
    seen: dict[str, int] = {}
    for r, x in zip(rows, items, strict=True):
        if x is None:
            continue
        k = key(x)
        if k in seen:
            r.bad("id", f"duplicate id {k!r} (first on row {seen[k]})")
        else:
            seen[k] = r.rownum


# ------------------------------------------------------------------------------ shipments


def parse_shipments(
    text: str, fname: str, year: int | None = None, known_nodes: frozenset[str] | None = None
) -> tuple[Shipment, ...]:
    """Validate a shipments CSV; ``year`` checks the ready dates, ``known_nodes`` the ends."""
    issues = IssueCollector()
    rows = _rows(text, fname, G.SHIPMENT_COLUMNS, issues)
    items: list[Shipment | None] = []
    for r in rows:
        sid, o, d = r.text("id"), r.text("origin"), r.text("destination")
        for field, node in (("origin", o), ("destination", d)):
            if known_nodes is not None and node and node not in known_nodes:
                r.bad(field, f"unknown node id {node!r}")
        unit = r.text("unit", choices=("t", "teu"))
        qty, tonnes = r.num("quantity", positive=True), r.num("tonnes", positive=True)
        ready, due = r.day("ready_date"), r.day("due_date")
        if year is not None and r.ok and ready.year != year:
            r.bad("ready_date", f"{ready} is not in {year}")
        commodity, form = r.text("commodity"), r.text("form")
        items.append(
            r.build(
                "id", partial(Shipment, sid, o, d, commodity, form, qty, unit, tonnes, ready, due)
            )
        )
    _unique(rows, items, lambda s: s.id)
    issues.raise_if_any(f"{fname}: invalid shipments")
    return tuple(x for x in items if x is not None)


def load_shipments(
    year: int = A.FIRST_YEAR, *, folder: Path | None = None, seed: int = A.DEFAULT_SEED
) -> tuple[Shipment, ...]:
    """A year's shipments: ``shipments_<year>.csv[.gz]`` if on disk, else generated.

    >>> len(load_shipments(2025)) >= 10_000
    True
    """
    _year(year, A.FIRST_YEAR)
    path = find_file(f"shipments_{year}.csv", folder)
    if path is None:
        return G.generate_shipments(year, seed)
    return parse_shipments(read_text(path), path.name, year, _known_nodes())


def _known_nodes() -> frozenset[str]:
    """Node ids a shipment may name: the network's when it loads, else the canonical list."""
    try:
        from freight.network.loader import default_network

        return frozenset(default_network().nodes)
    except Exception:  # noqa: BLE001 - a broken network must not hide demand errors
        return CANONICAL_NODES


CANONICAL_NODES = frozenset(
    """kuytun kuytun_west kuytun_east kuytun_river kuytun_hazmat kuytun_north bonded_center
    hub_station_front hub_east_industrial hub_west_coldchain hub_kuidong_hazmat etdz_north1
    etdz_south kuidong_park wh_grain_oil wh_cotton wh_materials wh_petroleum wh_coal
    wh_fertilizer wh_steel wh_sugar wh_chemicals wh_general siding_kunyu_steel siding_juli_chem
    siding_shikefeng_fert siding_kuishan_petchem siding_tunhe_sugar siding_power_coal
    siding_grain_depot siding_cotton_yard siding_oil_depot siding_building_materials
    siding_logistics_park airport_wusu airport_karamay urumqi karamay dushanzi wusu huyanghe
    shihezi alashankou horgos baketu beitun kuqa chongqing chengdu xian zhengzhou wuhan dostyk
    altynkol bakhty almaty duisburg""".split()  # noqa: SIM905
)


def _year(year: int, first: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= A.LAST_YEAR:
        raise InputError(f"year must be within {first}..{A.LAST_YEAR}, got {year!r}")


# ------------------------------------------------------------------------------ urban days


def parse_urban_day(text: str, fname: str) -> tuple[DeliveryPoint, ...]:
    """Validate a delivery-points CSV (coordinates, positive demand, windows, towns)."""
    issues = IssueCollector()
    rows = _rows(text, fname, G.POINT_COLUMNS, issues)
    items: list[DeliveryPoint | None] = []
    for r in rows:
        pid = r.text("id")
        lat, lon = r.num("lat"), r.num("lon")
        kg, m3 = r.num("demand_kg", positive=True), r.num("demand_m3", positive=True)
        svc = r.num("service_min", minimum=0)
        wo, wc = r.text("window_open"), r.text("window_close")
        cold = r.flag("refrigerated")
        zone, town = r.text("zone"), r.text("town", choices=TOWNS)
        if not (URBAN_LAT[0] <= lat <= URBAN_LAT[1]):
            r.bad("lat", f"{lat} is outside the Kui-Du-Wu-Hu area ({URBAN_LAT[0]}..{URBAN_LAT[1]})")
        if not (URBAN_LON[0] <= lon <= URBAN_LON[1]):
            r.bad("lon", f"{lon} is outside the Kui-Du-Wu-Hu area ({URBAN_LON[0]}..{URBAN_LON[1]})")
        _window(r, wo, wc)
        items.append(
            r.build(
                "id", partial(DeliveryPoint, pid, lat, lon, kg, m3, svc, wo, wc, cold, zone, town)
            )
        )
    _unique(rows, items, lambda p: p.id)
    issues.raise_if_any(f"{fname}: invalid delivery points")
    return tuple(x for x in items if x is not None)


def _window(r: _Row, wo: str, wc: str) -> None:
    """Record a bad HH:MM or a window that does not open before it closes."""
    try:
        o = parse_hhmm(wo)
    except ValueError as exc:
        r.bad("window_open", str(exc))
        return
    try:
        c = parse_hhmm(wc)
    except ValueError as exc:
        r.bad("window_close", str(exc))
        return
    if o >= c:
        r.bad("window_close", f"window closes {wc} not after it opens {wo}")


def load_urban_day(
    year: int, season: str, *, folder: Path | None = None, seed: int = A.DEFAULT_SEED
) -> tuple[DeliveryPoint, ...]:
    """Delivery points of the representative ``season`` ('winter'|'summer') day of ``year``."""
    _year(year, A.URBAN_FIRST_YEAR)
    if season not in SEASONS:
        raise InputError(f"season must be one of {', '.join(SEASONS)}, got {season!r}")
    path = find_file(f"urban_{year}_{season}.csv", folder)
    if path is None:
        return G.generate_urban_day(year, season, seed)
    return parse_urban_day(read_text(path), path.name)


# ---------------------------------------------------------------- bulk flows, depots, sites


def parse_bulk_flows(text: str, fname: str) -> tuple[BulkFlow, ...]:
    issues = IssueCollector()
    rows = _rows(text, fname, G.BULK_COLUMNS, issues)
    items: list[BulkFlow | None] = []
    for r in rows:
        fid, com = r.text("id"), r.text("commodity")
        o, d = r.text("origin"), r.text("destination")
        t = r.num("annual_t", positive=True)
        shares = [r.num(f"m{m:02d}", minimum=0) for m in range(1, 13)]
        if r.ok and abs(sum(shares) - 1.0) > 1e-3:
            r.bad("m01", f"monthly shares sum to {sum(shares):.6f}, not 1")
        items.append(r.build("id", partial(BulkFlow, fid, com, o, d, t, tuple(shares))))
    _unique(rows, items, lambda f: f.id)
    issues.raise_if_any(f"{fname}: invalid bulk flows")
    return tuple(x for x in items if x is not None)


def load_bulk_flows(*, folder: Path | None = None) -> tuple[BulkFlow, ...]:
    """Yearly bulk flows (2025) of ``bulk_flows.csv`` for the bulk-to-container planner."""
    path = find_file("bulk_flows.csv", folder)
    if path is None:
        return G.bulk_flows()
    return parse_bulk_flows(read_text(path), path.name)


def parse_depots(text: str, fname: str) -> tuple[UrbanDepot, ...]:
    issues = IssueCollector()
    rows = _rows(text, fname, G.DEPOT_COLUMNS, issues)
    items: list[UrbanDepot | None] = []
    for r in rows:
        did, node = r.text("id"), r.text("node_id")
        lat, lon = r.num("lat"), r.num("lon")
        op, cl, dist = r.text("open"), r.text("close"), r.text("district")
        zones = tuple(z.strip() for z in (r.raw.get("zones") or "").split(";") if z.strip())
        items.append(r.build("open", partial(UrbanDepot, did, node, lat, lon, op, cl, dist, zones)))
    _unique(rows, items, lambda x: x.id)
    issues.raise_if_any(f"{fname}: invalid depots")
    return tuple(x for x in items if x is not None)


def load_depots(*, folder: Path | None = None) -> tuple[UrbanDepot, ...]:
    """Urban distribution depots of ``urban_depots.csv``."""
    path = find_file("urban_depots.csv", folder)
    if path is None:
        return G.urban_depots()
    return parse_depots(read_text(path), path.name)


def parse_charging_sites(text: str, fname: str) -> tuple[ChargingSiteCandidate, ...]:
    issues = IssueCollector()
    rows = _rows(text, fname, G.SITE_COLUMNS, issues)
    items: list[ChargingSiteCandidate | None] = []
    for r in rows:
        sid, town, dist, kind = r.text("id"), r.text("town"), r.text("district"), r.text("kind")
        lat, lon = r.num("lat"), r.num("lon")
        kw, plugs = r.num("power_kw", positive=True), r.num("max_plugs", minimum=1)
        if r.ok and not float(plugs).is_integer():
            r.bad("max_plugs", f"expected a whole number, got {plugs}")
        node = (r.raw.get("node_id") or "").strip()
        items.append(
            r.build(
                "id",
                partial(
                    ChargingSiteCandidate, sid, lat, lon, town, dist, kind, kw, int(plugs), node
                ),
            )
        )
    _unique(rows, items, lambda x: x.id)
    issues.raise_if_any(f"{fname}: invalid charging sites")
    return tuple(x for x in items if x is not None)


def load_charging_sites(*, folder: Path | None = None) -> tuple[ChargingSiteCandidate, ...]:
    """Candidate charging sites of ``charging_sites.csv``."""
    path = find_file("charging_sites.csv", folder)
    if path is None:
        return G.charging_sites()
    return parse_charging_sites(read_text(path), path.name)
