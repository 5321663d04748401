"""A planner's scenario: a named patch (add / remove / update rows) on a network year.

Tables: ``nodes``, ``links``, ``services`` (rows named by their ``id``) and
``terminal_options`` (piggyback ramps and drop-and-hook; a row is named
``node:option``, or ``node:option:from_year`` where one node has several rows of an
option). The patch is applied to the network's CSV files in a scratch directory and loaded with the
same loader and rules as the shipped data (``load_plan`` + ``network_for_year``), so a
scenario is validated exactly like the data files; every problem is reported at the JSON
path of the change that caused it (``$.changes[3].values.length_km``).
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freight.clock import current_year
from freight.errors import DataError, FieldIssue, InputError
from freight.network.loader import (
    LINK_COLUMNS,
    NODE_COLUMNS,
    OPTION_COLUMNS,
    OPTIONS_FILE,
    SERVICE_COLUMNS,
    SERVICE_OPTIONAL_COLUMNS,
)
from freight.network.model import Network
from freight.network.years import default_network_for_year, load_plan, network_for_year
from freight.paths import network_dir

OPS = ("add", "remove", "update")
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "nodes": ("nodes.csv", NODE_COLUMNS + ("source",)),
    "links": ("links.csv", LINK_COLUMNS + ("geometry", "ref")),
    "services": ("services.csv", SERVICE_COLUMNS + ("ref",) + SERVICE_OPTIONAL_COLUMNS),
    "terminal_options": (OPTIONS_FILE, OPTION_COLUMNS),
}
#: columns that name a row (in the change's ``id``), not settable through ``values``
KEY_COLUMNS: dict[str, tuple[str, ...]] = {"terminal_options": ("node", "option", "from_year")}
_LOC = re.compile(
    r"^((?:planned_)?(?:nodes|links|services|terminal_options)\.csv):row (\d+):(\w+)$"
)


@dataclass(frozen=True, slots=True)
class Change:
    """One row operation; ``values`` are CSV column -> value (text, number or flag)."""

    op: str
    table: str
    id: str
    values: tuple[tuple[str, str], ...] = ()


def _text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def change_of(op: str, table: str, id_: str, values: Mapping[str, object]) -> Change:
    """A ``Change`` from JSON-like parts (values rendered as CSV text)."""
    return Change(op, table, id_, tuple((k, _text(v)) for k, v in values.items()))


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _row_key(table: str, id_: str) -> dict[str, str] | str:
    """The columns that name the row ``id_`` of ``table`` (``{"id": id_}`` but for
    ``terminal_options``: ``node:option[:from_year]``), or why ``id_`` names none."""
    if table not in KEY_COLUMNS:
        return {"id": id_}
    parts = id_.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        return "name a terminal option as node:option or node:option:from_year"
    return dict(zip(KEY_COLUMNS[table], parts, strict=False))


def _patch(root: Path, changes: tuple[Change, ...]) -> dict[tuple[str, int], int]:
    """Apply ``changes`` to the CSVs in ``root``; returns (file, csv row) -> change index.

    Rows of today's files and of the planned files (``planned_links.csv`` ...) can be
    updated or removed; added rows go to today's file (dated by nothing: every year).
    """
    issues: list[FieldIssue] = []
    files = {
        name: _read(root / name)
        for t, (main, _) in TABLES.items()
        for name in (main, f"planned_{main}")
        if (root / name).is_file()
    }
    touched: dict[int, int] = {}  # id() of a touched row dict -> change index
    removed: set[tuple[str, str]] = set()
    for i, ch in enumerate(changes):
        at = f"$.changes[{i}]"
        if ch.table not in TABLES:
            issues.append(FieldIssue(f"{at}.table", f"unknown table {ch.table!r}"))
            continue
        main, allowed = TABLES[ch.table]
        key = _row_key(ch.table, ch.id)
        if isinstance(key, str):
            issues.append(FieldIssue(f"{at}.id", key))
            continue
        named = tuple(key)
        for col, _ in ch.values:
            if col not in allowed or col == "id":
                issues.append(FieldIssue(f"{at}.values.{col}", f"not a column of {ch.table}"))
            elif col in named:
                issues.append(FieldIssue(f"{at}.values.{col}", "named by the id, not a value"))
        if main not in files and ch.table in KEY_COLUMNS:  # an optional file the network lacks
            files[main] = (list(allowed), [])
        found = [
            (name, k)
            for name in (main, f"planned_{main}")
            if name in files
            for k, r in enumerate(files[name][1])
            if all(r.get(c, "") == v for c, v in key.items())
        ]
        if len(found) > 1 and ch.op != "add":
            issues.append(
                FieldIssue(f"{at}.id", f"{ch.id!r} names {len(found)} rows: add :from_year")
            )
            continue
        for name in (main, f"planned_{main}"):
            if name in files:  # an optional column (capacity_trailers) the file lacks
                header = files[name][0]
                header += [c for c, _ in ch.values if c in allowed and c not in header]
        if ch.op == "add":
            if found:
                issues.append(FieldIssue(f"{at}.id", f"{ch.table} {ch.id!r} exists already"))
                continue
            header, rows = files[main]
            rows.append({c: "" for c in header} | key | dict(ch.values))
            touched[id(rows[-1])] = i
            continue
        elif not found:
            issues.append(FieldIssue(f"{at}.id", f"no {ch.table} row {ch.id!r} to {ch.op}"))
            continue
        elif ch.op == "remove":
            name, k = found[0]
            touched.pop(id(files[name][1].pop(k)), None)
            removed.add((ch.table, ch.id))
        else:
            name, k = found[0]
            files[name][1][k].update(dict(ch.values))
            touched[id(files[name][1][k])] = i
    if issues:
        raise InputError("invalid scenario changes", issues=issues)
    rowmap: dict[tuple[str, int], int] = {}
    for name, (header, rows) in files.items():
        _write(root / name, header, rows)
        for k, r in enumerate(rows, start=2):
            if id(r) in touched:
                rowmap[(name, k)] = touched[id(r)]
    _drop_works(root / "works.csv", removed)
    return rowmap


def _drop_works(path: Path, elements: set[tuple[str, str]]) -> None:
    """Works of removed elements go with them (they date nothing any more)."""
    if not path.is_file():
        return
    header, rows = _read(path)
    keep = [r for r in rows if (r.get("table", ""), r.get("id", "")) not in elements]
    _write(path, header, keep)


def _issue_paths(exc: DataError, rowmap: dict[tuple[str, int], int]) -> list[FieldIssue]:
    out: list[FieldIssue] = []
    for issue in exc.issues:
        m = _LOC.match(issue.loc)
        if m and (m.group(1), int(m.group(2))) in rowmap:
            i = rowmap[(m.group(1), int(m.group(2)))]
            field = m.group(3)
            named = field == "id" or field in ("node", "option") and "terminal_options" in m[1]
            loc = f"$.changes[{i}].id" if named else f"$.changes[{i}].values.{field}"
            out.append(FieldIssue(loc, issue.message))
        else:
            out.append(FieldIssue("$.changes", f"{issue.loc}: {issue.message}"))
    return out or [FieldIssue("$.changes", str(exc))]


def apply_scenario(
    base_year: int, changes: tuple[Change, ...], path: Path | None = None
) -> Network:
    """The network of ``base_year`` with ``changes`` applied, validated like the data files.

    Raises ``InputError`` whose issues name the JSON path of each offending change.
    """
    src = Path(path) if path is not None else network_dir()
    with tempfile.TemporaryDirectory(prefix="scenario-") as tmp:
        root = Path(tmp) / src.name
        shutil.copytree(src, root, ignore=shutil.ignore_patterns("*.md"))
        rowmap = _patch(root, changes)
        try:
            plan = load_plan(root)
        except DataError as exc:
            raise InputError(
                "the scenario breaks the network's rules", issues=_issue_paths(exc, rowmap)
            ) from None
        net = network_for_year(plan, base_year)
    return net


def network_of(year: int | None, scenario: Mapping[str, Any] | None = None) -> Network:
    """The network a planning job runs on: a stored scenario's (``{"id", "base_year",
    "changes"}``, on ``year`` or else its base year), or the shipped network of ``year``
    (default: the current year in Beijing time)."""
    if scenario is not None:
        changes = tuple(
            change_of(c["op"], c["table"], c["id"], c.get("values") or {})
            for c in scenario["changes"]
        )
        return apply_scenario(year or int(scenario["base_year"]), changes)
    return default_network_for_year(current_year() if year is None else year)
