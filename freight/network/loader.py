"""Read and validate a network directory (nodes.csv, links.csv, services.csv, costs.toml).

Every problem of the data is collected with its file, row and field and raised together
as one ``DataError``, so a user fixes the whole file in one pass. See docs/network-data.md.
"""

from __future__ import annotations

import csv
import functools
import tomllib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from freight.errors import DataError, IssueCollector
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
from freight.network.validate import validate_network
from freight.paths import network_dir
from freight.units import parse_hhmm

T = TypeVar("T")

NODE_COLUMNS = (
    "id", "name_en", "name_zh", "kind", "region", "lat", "lon", "accepts_freight",
    "rail_access", "station_class", "role", "district", "forms", "cost_cny_per_t",
    "cost_cny_per_teu", "handling_hours", "capacity_t_per_day", "capacity_teu_per_day",
)  # fmt: skip
LINK_COLUMNS = (
    "id", "source", "target", "mode", "length_km", "speed_kmh", "capacity_per_day",
    "corridor", "hazmat", "truck_bans", "oneway",
)  # fmt: skip
SERVICE_COLUMNS = (
    "id", "name", "route", "weekdays", "depart", "offsets_h", "capacity_teu", "capacity_t",
    "forms", "kind",
)  # fmt: skip
REGIONS = ("xinjiang", "inland", "abroad")
SERVICE_KINDS = ("regional", "block", "china_europe", "hazmat")
DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
MODE_FAMILIES = ("rail", "road")


class _Row:
    """One CSV row: typed field getters that record issues instead of raising."""

    def __init__(self, fname: str, rownum: int, raw: dict[str, str], issues: IssueCollector):
        self.fname, self.rownum, self.raw, self.issues = fname, rownum, raw, issues
        self.ok = True

    def loc(self, field: str) -> str:
        return f"{self.fname}:row {self.rownum}:{field}"

    def bad(self, field: str, message: str) -> None:
        self.ok = False
        self.issues.add(self.loc(field), message)

    def text(self, field: str) -> str:
        return (self.raw.get(field) or "").strip()

    def conv(self, field: str, fn: Callable[[str], T], what: str, default: T) -> T:
        value = self.text(field)
        try:
            return fn(value)
        except (ValueError, KeyError):
            self.bad(field, f"expected {what}, got {value!r}")
            return default

    def num(self, field: str, *, minimum: float | None = None, positive: bool = False) -> float:
        value = self.text(field)
        try:
            v = float(value)
        except ValueError:
            self.bad(field, f"expected a number, got {value!r}")
            return 0.0
        if v != v or v in (float("inf"), float("-inf")):
            self.bad(field, f"expected a finite number, got {value!r}")
        elif positive and v <= 0:
            self.bad(field, f"must be > 0, got {v:g}")
        elif minimum is not None and v < minimum:
            self.bad(field, f"must be >= {minimum:g}, got {v:g}")
        return v

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.text(field).lower()
        if value == "":
            return default
        if value in ("true", "yes", "1"):
            return True
        if value in ("false", "no", "0"):
            return False
        self.bad(field, f"expected true/false, got {value!r}")
        return default

    def enum(self, field: str, enum: Any) -> Any:
        value = self.text(field)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.bad(field, f"unknown value {value!r} (allowed: {allowed})")
            return None

    def forms(self, field: str) -> frozenset[CargoForm]:
        out: set[CargoForm] = set()
        for token in _split(self.text(field)):
            try:
                out.add(CargoForm(token))
            except ValueError:
                allowed = ", ".join(f.value for f in CargoForm)
                self.bad(field, f"unknown cargo form {token!r} (allowed: {allowed})")
        return frozenset(out)


def _split(text: str, seps: str = ";,") -> list[str]:
    for sep in seps[1:]:
        text = text.replace(sep, seps[0])
    return [t.strip() for t in text.split(seps[0]) if t.strip()]


def _read_csv(
    path: Path, required: tuple[str, ...], issues: IssueCollector
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV with their 1-based line numbers (header = row 1)."""
    if not path.is_file():
        issues.add(path.name, f"missing file {path}")
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                issues.add(path.name, f"missing column(s): {', '.join(missing)}")
                return []
            reader.fieldnames = header
            rows = []
            for i, raw in enumerate(reader, start=2):
                if None in raw:
                    issues.add(f"{path.name}:row {i}", "more values than columns")
                    continue
                rows.append((i, raw))
            return rows
    except (UnicodeDecodeError, csv.Error) as exc:
        issues.add(path.name, f"unreadable CSV: {exc}")
        return []


def parse_weekdays(text: str) -> frozenset[int]:
    """``"1234567"``, ``"1,3,5"`` (1 = Monday) or ``"Mon,Wed"`` -> {0..6} (0 = Monday)."""
    days: set[int] = set()
    for token in _split(text):
        low = token.lower()[:3]
        if low in DAY_NAMES:
            days.add(DAY_NAMES[low])
        elif token.isdigit():
            for ch in token:
                if not "1" <= ch <= "7":
                    raise ValueError(token)
                days.add(int(ch) - 1)
        else:
            raise ValueError(token)
    if not days:
        raise ValueError(text)
    return frozenset(days)


def parse_offsets(text: str) -> tuple[float, ...]:
    """``"0;6;6.5"`` -> arrival offsets in hours."""
    return tuple(float(x) for x in _split(text, ";"))


def parse_bans(text: str) -> tuple[TimeBan, ...]:
    """``"07:30-09:30;17:30-20:00"`` -> daily truck bans."""
    bans = []
    for part in _split(text, ";,"):
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(part)
        bans.append(TimeBan(parse_hhmm(start), parse_hhmm(end)))
    return tuple(bans)


def parse_geometry(text: str) -> tuple[tuple[float, float], ...]:
    """``"lon lat;lon lat;..."`` -> vertices (empty text = straight line)."""
    pts = []
    for part in _split(text, ";"):
        lon, lat = part.split()
        pts.append((float(lon), float(lat)))
    return tuple(pts)


def _new_id(r: _Row, seen: Collection[str]) -> str | None:
    """The row's ``id``, or None (with the issue recorded) if it is empty or already seen."""
    rid = r.text("id")
    if not rid:
        r.bad("id", "empty id")
        return None
    if rid in seen:
        r.bad("id", f"duplicate id {rid!r}")
        return None
    return rid


def _load_nodes(path: Path, issues: IssueCollector, rows: dict[str, int]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for rownum, raw in _read_csv(path, NODE_COLUMNS, issues):
        r = _Row(path.name, rownum, raw, issues)
        nid = _new_id(r, nodes)
        if nid is None:
            continue
        kind = r.enum("kind", NodeKind)
        region = r.text("region")
        if region not in REGIONS:
            r.bad("region", f"unknown region {region!r} (allowed: {', '.join(REGIONS)})")
        lat, lon = r.num("lat"), r.num("lon")
        if region == "xinjiang" and r.ok and not (34 <= lat <= 50 and 73 <= lon <= 97):
            r.bad("lat", f"({lat}, {lon}) is outside Xinjiang (lat 34–50, lon 73–97)")
        forms = r.forms("forms")
        numbers = {
            name: r.num(col, minimum=0)
            for name, col in (
                ("cost_cny_per_t", "cost_cny_per_t"),
                ("cost_cny_per_teu", "cost_cny_per_teu"),
                ("hours", "handling_hours"),
                ("capacity_t_per_day", "capacity_t_per_day"),
                ("capacity_teu_per_day", "capacity_teu_per_day"),
            )
        }
        accepts = r.flag("accepts_freight", True)
        rail = r.flag("rail_access")
        if not r.ok or kind is None:
            continue
        try:
            nodes[nid] = Node(
                id=nid,
                name_en=r.text("name_en"),
                name_zh=r.text("name_zh"),
                lat=lat,
                lon=lon,
                kind=kind,
                handling=Handling(forms=forms, **numbers),
                accepts_freight=accepts,
                rail_access=rail,
                station_class=r.text("station_class"),
                role=r.text("role"),
                district=r.text("district"),
                source=r.text("source"),
                region=region,
            )
            rows[f"nodes:{nid}"] = rownum
        except ValueError as exc:
            r.bad("id", str(exc))
    return nodes


def _load_links(path: Path, issues: IssueCollector, rows: dict[str, int]) -> dict[str, Link]:
    links: dict[str, Link] = {}
    for rownum, raw in _read_csv(path, LINK_COLUMNS, issues):
        r = _Row(path.name, rownum, raw, issues)
        lid = _new_id(r, links)
        if lid is None:
            continue
        mode = r.enum("mode", LinkMode)
        length = r.num("length_km", positive=True)
        speed = r.num("speed_kmh", positive=True)
        cap = r.num("capacity_per_day", positive=True)
        hazmat = r.flag("hazmat")
        oneway = r.flag("oneway")
        no_bans: tuple[TimeBan, ...] = ()
        bans = r.conv("truck_bans", parse_bans, "bans as HH:MM-HH:MM;...", no_bans)
        empty_geom: tuple[tuple[float, float], ...] = ()
        geometry = r.conv("geometry", parse_geometry, "geometry as 'lon lat;lon lat'", empty_geom)
        if r.text("source") == r.text("target"):
            r.bad("target", f"link joins {r.text('source')!r} to itself")
        if not r.ok or mode is None:
            continue
        links[lid] = Link(
            id=lid,
            source=r.text("source"),
            target=r.text("target"),
            mode=mode,
            length_km=length,
            speed_kmh=speed,
            capacity_per_day=cap,
            corridor=r.text("corridor"),
            hazmat=hazmat,
            truck_bans=bans,
            oneway=oneway,
            geometry=geometry,
            ref=r.text("ref"),
        )
        rows[f"links:{lid}"] = rownum
    return links


def _load_services(
    path: Path, issues: IssueCollector, rows: dict[str, int]
) -> dict[str, RailService]:
    services: dict[str, RailService] = {}
    for rownum, raw in _read_csv(path, SERVICE_COLUMNS, issues):
        r = _Row(path.name, rownum, raw, issues)
        sid = _new_id(r, services)
        if sid is None:
            continue
        route = tuple(s.strip() for s in r.text("route").split(">") if s.strip())
        no_days: frozenset[int] = frozenset()
        weekdays = r.conv("weekdays", parse_weekdays, "weekdays as 1234567 or Mon,Wed", no_days)
        depart = r.conv("depart", parse_hhmm, "a time HH:MM", 0)
        if depart >= 1440:
            r.bad("depart", "must be before 24:00")
        no_offsets: tuple[float, ...] = ()
        offsets = r.conv("offsets_h", parse_offsets, "hours as 0;6.5", no_offsets)
        cap_teu = r.num("capacity_teu", minimum=0)
        cap_t = r.num("capacity_t", minimum=0)
        if r.ok and cap_teu <= 0 and cap_t <= 0:
            r.bad("capacity_t", "a service needs capacity_teu or capacity_t > 0")
        forms = r.forms("forms")
        if not forms:
            r.bad("forms", "a service must carry at least one cargo form")
        kind = r.text("kind") or "regional"
        if kind not in SERVICE_KINDS:
            r.bad("kind", f"unknown service kind {kind!r} (allowed: {', '.join(SERVICE_KINDS)})")
        if not r.ok:
            continue
        try:
            services[sid] = RailService(
                id=sid,
                name=r.text("name"),
                route=route,
                weekdays=weekdays,
                depart_min=depart,
                offsets_h=offsets,
                capacity_teu=cap_teu,
                capacity_t=cap_t,
                forms=forms,
                kind=kind,
                ref=r.text("ref"),
            )
            rows[f"services:{sid}"] = rownum
        except ValueError as exc:
            field = "offsets_h" if "offsets" in str(exc) else "route"
            r.bad(field, str(exc))
    return services


def _load_costs(path: Path, issues: IssueCollector) -> CostModel | None:
    if not path.is_file():
        issues.add(path.name, f"missing file {path}")
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issues.add(path.name, f"unparsable TOML: {exc}")
        return None
    fname = path.name
    modes: dict[tuple[str, CargoForm], ModeCost] = {}
    raw_modes = doc.get("modes", {})
    for family in MODE_FAMILIES:
        for form in CargoForm:
            entry = raw_modes.get(family, {}).get(form.value)
            loc = f"{fname}:modes.{family}.{form.value}"
            if not isinstance(entry, dict):
                issues.add(loc, "missing table")
                continue
            try:
                modes[(family, form)] = ModeCost(**{k: float(v) for k, v in entry.items()})
            except (TypeError, ValueError) as exc:
                issues.add(loc, str(exc))
    tpt: dict[str, float] = {}
    for key, value in doc.get("tonnes_per_teu", {}).items():
        if not isinstance(value, int | float) or value <= 0:
            issues.add(f"{fname}:tonnes_per_teu.{key}", f"must be a number > 0, got {value!r}")
        else:
            tpt[key] = float(value)
    if "default" not in tpt:
        issues.add(f"{fname}:tonnes_per_teu.default", "missing")
    payloads: dict[str, float] = {}
    for key in (
        "road_truck_payload_t",
        "train_payload_t",
        "train_capacity_teu",
        "transfer_co2_kg_per_t",
    ):
        value = doc.get("payloads", {}).get(key)
        if (
            not isinstance(value, int | float)
            or value < 0
            or (value == 0 and key != "transfer_co2_kg_per_t")
        ):
            issues.add(f"{fname}:payloads.{key}", f"must be a positive number, got {value!r}")
        else:
            payloads[key] = float(value)
    if len(payloads) < 4 or "default" not in tpt or len(modes) < 2 * len(CargoForm):
        return None
    return CostModel(modes=modes, tonnes_per_teu=tpt, **payloads)


def load_network(path: str | Path | None = None) -> Network:
    """Load and validate the network in ``path`` (default ``freight.paths.network_dir()``).

    Raises ``DataError`` listing every problem (file:row N:field) found in the directory.
    """
    root = Path(path) if path is not None else network_dir()
    if not root.is_dir():
        raise DataError(f"network directory {root} does not exist")
    issues = IssueCollector()
    rows: dict[str, int] = {}
    nodes = _load_nodes(root / "nodes.csv", issues, rows)
    links = _load_links(root / "links.csv", issues, rows)
    services = _load_services(root / "services.csv", issues, rows)
    costs = _load_costs(root / "costs.toml", issues)
    issues.raise_if_any(f"invalid network data in {root}")
    assert costs is not None
    net = Network(
        nodes=nodes,
        links=links,
        services=services,
        costs=costs,
        name=root.name,
        meta={"path": str(root)},
    )
    validate_network(net, rows, issues)
    issues.raise_if_any(f"invalid network data in {root}")
    return net


@functools.cache
def default_network() -> Network:
    """The shipped network, loaded once per process."""
    return load_network()
