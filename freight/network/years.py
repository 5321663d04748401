"""The network of a year: the plan's works open, close or change elements of the network.

A network directory may hold, next to today's ``nodes.csv``/``links.csv``/``services.csv``:

* ``planned_links.csv`` / ``planned_services.csv`` (same columns): elements that do not
  exist yet (a new expressway, railway, train);
* ``works.csv``: one row per change, ``work,op,table,id,column,value,year,source``.
  ``op`` is ``open`` (the element exists from ``year`` on, not before), ``close`` (it is
  gone from ``year`` on) or ``set`` (``column`` takes ``value`` from ``year`` on).

``network_for_year(plan, year)`` applies them; it is pure (the plan is not changed) and
drops what loses its support: links whose end node is absent, services calling at an
absent node or running over an absent rail link. Every year's network is validated by the
same cross-reference rules as the data files (tests do it for the plan's years).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from freight.errors import FieldIssue, InputError, IssueCollector
from freight.network.loader import _load_links, _load_services, _read_csv, load_network
from freight.network.model import Link, Network, Node, RailService
from freight.network.validate import piggyback_issue
from freight.paths import network_dir

WORK_COLUMNS = ("work", "op", "table", "id", "column", "value", "year", "source")
OPS = ("open", "close", "set")
TABLES = ("nodes", "links", "services")
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: Columns a ``set`` work may change, by table, with their parser.
SETTABLE: dict[str, dict[str, type]] = {
    "nodes": {
        "capacity_t_per_day": float,
        "capacity_teu_per_day": float,
        "rail_access": bool,
        "role": str,
    },
    "links": {"capacity_per_day": float, "speed_kmh": float, "length_km": float},
    "services": {"capacity_t": float, "capacity_teu": float, "capacity_trailers": float},
}
#: ``Network.meta`` key: the plan's node ids absent from the year's network.
NOT_IN_YEAR = "nodes_not_in_year"
_HANDLING = ("capacity_t_per_day", "capacity_teu_per_day")


@dataclass(frozen=True, slots=True)
class Work:
    """One change of one element by one of the plan's works, effective from ``year``."""

    work: str  # the planned work, e.g. ``hazmat_station``
    op: str  # open | close | set
    table: str  # nodes | links | services
    element: str  # the element's id
    column: str  # for ``set``
    value: str | float | bool  # for ``set``, parsed
    year: int
    source: str

    def __post_init__(self) -> None:
        if self.op not in OPS or self.table not in TABLES:
            raise ValueError(f"work {self.work}: op/table {self.op}/{self.table} unknown")


@dataclass(frozen=True)
class NetworkPlan:
    """Today's network plus the planned elements and the works that date them."""

    base: Network  # every element that exists in any year
    works: tuple[Work, ...]

    def years_of(self, table: str, element: str) -> tuple[int | None, int | None]:
        """(from_year, to_year) of an element: ``None`` = unbounded; to_year exclusive."""
        start = [
            w.year for w in self.works if (w.table, w.element, w.op) == (table, element, "open")
        ]
        end = [
            w.year for w in self.works if (w.table, w.element, w.op) == (table, element, "close")
        ]
        return (max(start) if start else None, min(end) if end else None)


def _parse_value(kind: type, text: str) -> str | float | bool:
    if kind is bool:
        if text.lower() not in ("true", "false"):
            raise ValueError("expected true or false")
        return text.lower() == "true"
    if kind is float:
        v = float(text)
        if v < 0:
            raise ValueError("must be >= 0")
        return v
    return text


def _work_row(
    rownum: int, raw: dict[str, str], known: dict[str, set[str]], issues: IssueCollector
) -> Work | None:
    def bad(field: str, msg: str) -> None:
        issues.add(f"works.csv:row {rownum}:{field}", msg)

    f = {k: (raw.get(k) or "").strip() for k in WORK_COLUMNS}
    ok = True
    for field in ("work", "op", "table", "id", "year", "source"):
        if not f[field]:
            bad(field, "required")
            ok = False
    if not ok:
        return None
    if f["op"] not in OPS:
        bad("op", f"unknown op {f['op']!r} (allowed: {', '.join(OPS)})")
        return None
    if f["table"] not in TABLES:
        bad("table", f"unknown table {f['table']!r} (allowed: {', '.join(TABLES)})")
        return None
    if f["id"] not in known[f["table"]]:
        bad("id", f"no {f['table']} element {f['id']!r} in the network or its planned files")
        ok = False
    try:
        year = int(f["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError
    except ValueError:
        bad("year", f"expected a year {FIRST_YEAR}..{LAST_YEAR}, got {f['year']!r}")
        return None
    value: str | float | bool = ""
    if f["op"] == "set":
        kind = SETTABLE[f["table"]].get(f["column"])
        if kind is None:
            allowed = ", ".join(SETTABLE[f["table"]])
            bad("column", f"{f['table']} column {f['column']!r} cannot change (allowed: {allowed})")
            return None
        try:
            value = _parse_value(kind, f["value"])
        except ValueError as exc:
            bad("value", f"{f['column']}: {exc}")
            return None
    if not ok:
        return None
    return Work(f["work"], f["op"], f["table"], f["id"], f["column"], value, year, f["source"])


def load_plan(path: str | Path | None = None) -> NetworkPlan:
    """Today's network, the planned elements and ``works.csv`` of a network directory.

    A directory without ``works.csv`` has no works: every year is today's network.
    Raises ``DataError`` naming file:row:field of every problem.
    """
    root = Path(path) if path is not None else network_dir()
    today = load_network(root)
    issues = IssueCollector()
    rows: dict[str, int] = {}
    links = dict(today.links)
    services = dict(today.services)
    for fname, loader, into in (
        ("planned_links.csv", _load_links, links),
        ("planned_services.csv", _load_services, services),
    ):
        if (root / fname).is_file():
            for eid, el in loader(root / fname, issues, rows).items():
                if eid in into:
                    issues.add(f"{fname}:{eid}", "id already used by today's network")
                into[eid] = el  # type: ignore[assignment]
                why = piggyback_issue(el, today.options) if isinstance(el, RailService) else None
                if why:
                    issues.add(f"{fname}:row {rows[f'services:{eid}']}:route", why)
    base = replace(today, links=links, services=services)
    known = {"nodes": set(base.nodes), "links": set(links), "services": set(services)}
    works: list[Work] = []
    if (root / "works.csv").is_file():
        for rownum, raw in _read_csv(root / "works.csv", WORK_COLUMNS, issues):
            w = _work_row(rownum, raw, known, issues)
            if w is not None:
                works.append(w)
    issues.raise_if_any(f"invalid network plan in {root}")
    return NetworkPlan(base=base, works=tuple(sorted(works, key=lambda w: w.year)))


def _present(plan: NetworkPlan, table: str, element: str, year: int) -> bool:
    start, end = plan.years_of(table, element)
    return (start is None or year >= start) and (end is None or year < end)


E = TypeVar("E", Node, Link, RailService)


def _apply_sets(table: dict[str, E], works: list[Work]) -> None:
    """Apply ``set`` works (in year order) to the elements of one table, in place."""
    for w in works:
        if w.element not in table:
            continue
        el: Any = table[w.element]
        change: dict[str, Any] = {w.column: w.value}
        if isinstance(el, Node) and w.column in _HANDLING:
            el = replace(el, handling=replace(el.handling, **change))
        else:
            el = replace(el, **change)
        table[w.element] = el


def network_for_year(plan: NetworkPlan, year: int) -> Network:
    """The network as the plan has built it in ``year`` (pure; see the module docstring)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        msg = f"must be within {FIRST_YEAR}..{LAST_YEAR}, got {year}"
        raise InputError(f"year {msg}", issues=[FieldIssue("year", msg)])
    base = plan.base
    nodes = {k: v for k, v in base.nodes.items() if _present(plan, "nodes", k, year)}
    links = {
        k: v
        for k, v in base.links.items()
        if _present(plan, "links", k, year) and v.source in nodes and v.target in nodes
    }
    services = {k: v for k, v in base.services.items() if _present(plan, "services", k, year)}
    due = [w for w in plan.works if w.op == "set" and w.year <= year]
    _apply_sets(nodes, [w for w in due if w.table == "nodes"])
    _apply_sets(links, [w for w in due if w.table == "links"])
    _apply_sets(services, [w for w in due if w.table == "services"])
    rail = nx.Graph()
    rail.add_edges_from((lk.source, lk.target) for lk in links.values() if lk.mode.is_rail)
    services = {
        k: s
        for k, s in services.items()
        if all(n in nodes and nodes[n].rail_access for n in s.route)
        and all(
            rail.has_node(a) and rail.has_node(b) and nx.has_path(rail, a, b)
            for a, b in zip(s.route, s.route[1:], strict=False)
        )
    }
    options = tuple(o for o in base.options if o.in_year(year) and o.node in nodes)
    absent = ",".join(sorted(set(base.nodes) - set(nodes)))
    meta = {**base.meta, "year": str(year), NOT_IN_YEAR: absent}
    return replace(base, nodes=nodes, links=links, services=services, meta=meta, options=options)


def nodes_not_in_year(net: Network) -> frozenset[str]:
    """Ids of the plan's nodes that the network of its year lacks (not built yet, or
    closed), as recorded by ``network_for_year``; empty for any other network."""
    return frozenset(x for x in net.meta.get(NOT_IN_YEAR, "").split(",") if x)


@functools.cache
def default_plan() -> NetworkPlan:
    """The shipped network plan, loaded once per process."""
    return load_plan()


@functools.lru_cache(maxsize=16)
def default_network_for_year(year: int) -> Network:
    """The shipped network of ``year``, built once per process and year."""
    return network_for_year(default_plan(), year)
