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
    TerminalOption,
    TimeBan,
    TrailerCosts,
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
#: Optional ``services.csv`` columns (a file without them gives their defaults).
SERVICE_OPTIONAL_COLUMNS = ("capacity_trailers",)
OPTION_COLUMNS = (
    "node", "option", "from_year", "to_year", "hours", "cost_cny_per_trailer",
    "capacity_trailers_per_day", "forms", "source",
)  # fmt: skip
OPTIONS_FILE = "terminal_options.csv"
SERVICE_KINDS = ("regional", "block", "china_europe", "hazmat", "piggyback")
#: Cargo that cannot ride in a road semitrailer on a piggyback wagon: bulk travels in
#: open wagons and hoppers, loose; it has no trailer to roll on.
NOT_IN_TRAILERS = frozenset({CargoForm.BULK})
YEAR_RANGE = (2000, 2100)
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
        cap_tr = r.num("capacity_trailers", minimum=0) if r.text("capacity_trailers") else 0.0
        forms = r.forms("forms")
        if not forms:
            r.bad("forms", "a service must carry at least one cargo form")
        kind = r.text("kind") or "regional"
        if kind not in SERVICE_KINDS:
            r.bad("kind", f"unknown service kind {kind!r} (allowed: {', '.join(SERVICE_KINDS)})")
        elif (kind == "piggyback") != (cap_tr > 0):
            r.bad(
                "capacity_trailers",
                "a piggyback service needs capacity_trailers > 0"
                if kind == "piggyback"
                else f"only piggyback services carry trailers, not kind {kind!r}",
            )
        if kind == "piggyback" and forms & NOT_IN_TRAILERS:
            r.bad("forms", "piggyback carries road semitrailers: no bulk (open wagons)")
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
                capacity_trailers=cap_tr,
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
    trailer = _trailer_costs(doc, fname, issues)
    if len(payloads) < 4 or "default" not in tpt or len(modes) < 2 * len(CargoForm):
        return None
    return CostModel(modes=modes, tonnes_per_teu=tpt, trailer=trailer, **payloads)


_TRAILER_KEYS = {
    "piggyback": (
        "trailer_payload_t", "trailer_tare_t", "teu_per_trailer", "cost_cny_per_trailer_km",
        "fixed_cny_per_trailer", "co2_g_per_trailer_km",
    ),
    "drop_and_hook": ("tractor_fixed_share_saved",),
}  # fmt: skip


def _trailer_costs(doc: dict[str, Any], fname: str, issues: IssueCollector) -> TrailerCosts | None:
    """``[piggyback]`` and ``[drop_and_hook]`` of costs.toml (both or neither)."""
    if not any(t in doc for t in _TRAILER_KEYS):
        return None
    values: dict[str, float] = {}
    for table, keys in _TRAILER_KEYS.items():
        got = doc.get(table)
        if not isinstance(got, dict):
            issues.add(f"{fname}:{table}", "missing table (piggyback, drop_and_hook: both)")
            continue
        for key in keys:
            v = got.get(key)
            if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
                issues.add(f"{fname}:{table}.{key}", f"must be a number >= 0, got {v!r}")
            else:
                values[key] = float(v)
    if len(values) < sum(len(k) for k in _TRAILER_KEYS.values()):
        return None
    try:
        return TrailerCosts(**values)
    except ValueError as exc:
        issues.add(f"{fname}:piggyback", str(exc))
        return None


def _year(r: _Row, field: str) -> int | None:
    text = r.text(field)
    if not text:
        return None
    lo, hi = YEAR_RANGE
    if not text.isdigit() or not lo <= int(text) <= hi:
        r.bad(field, f"expected a year {lo}..{hi} or empty, got {text!r}")
        return None
    return int(text)


def load_options(
    path: Path, nodes: dict[str, Node], costs: CostModel | None, issues: IssueCollector
) -> tuple[TerminalOption, ...]:
    """Rows of ``terminal_options.csv`` (optional file): piggyback ramps and drop-and-hook.

    Checks per row: the node exists, takes freight and has rail access; the option is
    known; years are a range; ramps take no bulk and hazmat only at the dangerous-goods
    station rule's places (checked by the router's rules); drop-and-hook takes only forms
    the node handles, saves no more than the node's handling hours, and the tractor share
    it saves never exceeds the node's handling charge (a transfer never costs < 0).
    Rows of one node and option must not overlap in years.
    """
    if not path.is_file():
        return ()
    out: list[TerminalOption] = []
    for rownum, raw in _read_csv(path, OPTION_COLUMNS, issues):
        r = _Row(path.name, rownum, raw, issues)
        nid = r.text("node")
        node = nodes.get(nid)
        if node is None:
            r.bad("node", f"unknown node id {nid!r}")
        elif not node.accepts_freight or not node.rail_access:
            r.bad("node", f"node {nid!r} has no rail freight access")
        option = r.text("option")
        if option not in ("piggyback_ramp", "drop_and_hook"):
            r.bad("option", f"unknown option {option!r} (allowed: piggyback_ramp, drop_and_hook)")
        y0, y1 = _year(r, "from_year"), _year(r, "to_year")
        if y0 is not None and y1 is not None and y1 <= y0:
            r.bad("to_year", f"must be after from_year {y0}, got {y1}")
        hours = r.num("hours", minimum=0)
        fee = r.num("cost_cny_per_trailer", minimum=0)
        cap = r.num("capacity_trailers_per_day", positive=True)
        forms = r.forms("forms")
        if not forms:
            r.bad("forms", "name the cargo forms the option takes")
        if option == "piggyback_ramp" and forms & NOT_IN_TRAILERS:
            r.bad("forms", "a piggyback ramp rolls road semitrailers: no bulk (open wagons)")
        if option == "drop_and_hook" and node is not None and r.ok:
            _check_drop_and_hook(r, node, forms, hours, costs)
        if not r.ok or node is None:
            continue
        opt = TerminalOption(nid, option, hours, fee, cap, forms, y0, y1, r.text("source"))
        clash = next(
            (
                o for o in out
                if (o.node, o.option) == (nid, option)
                and (o.to_year is None or y0 is None or y0 < o.to_year)
                and (y1 is None or o.from_year is None or o.from_year < y1)
            ),
            None,
        )  # fmt: skip
        if clash is not None:
            r.bad("from_year", f"{option} of {nid} overlaps the years of an earlier row")
            continue
        out.append(opt)
    if out and costs is not None and costs.trailer is None:
        issues.add("costs.toml:piggyback", f"missing table ({OPTIONS_FILE} has rows)")
    return tuple(out)


def _check_drop_and_hook(
    r: _Row, node: Node, forms: frozenset[CargoForm], hours: float, costs: CostModel | None
) -> None:
    h = node.handling
    if hours > h.hours:
        r.bad("hours", f"saves {hours:g} h of a transfer that takes {h.hours:g} h at {node.id}")
    missing = sorted(f.value for f in forms if not h.handles(f))
    if missing:
        r.bad("forms", f"{node.id} does not handle {', '.join(missing)}")
    if costs is None or costs.trailer is None:
        return
    share = costs.trailer.tractor_fixed_share_saved
    for f in sorted(forms & h.forms):
        road = costs.modes.get(("road", f))
        if road is None:
            continue
        if f is CargoForm.CONTAINER:
            unit, saved, charge = "TEU", share * road.fixed_cny_per_teu, h.cost_cny_per_teu
        else:
            unit, saved, charge = "t", share * road.fixed_cny_per_t, h.cost_cny_per_t
        if saved > charge + 1e-9:
            r.bad(
                "node",
                f"drop-and-hook saves {saved:g} CNY/{unit} of tractor time on {f} but "
                f"{node.id} charges only {charge:g} CNY/{unit}: a transfer would cost < 0",
            )


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
    options = load_options(root / OPTIONS_FILE, nodes, costs, issues)
    issues.raise_if_any(f"invalid network data in {root}")
    assert costs is not None
    net = Network(
        nodes=nodes,
        links=links,
        services=services,
        costs=costs,
        name=root.name,
        meta={"path": str(root)},
        options=options,
    )
    validate_network(net, rows, issues)
    issues.raise_if_any(f"invalid network data in {root}")
    return net


@functools.cache
def default_network() -> Network:
    """The shipped network, loaded once per process."""
    return load_network()
