"""``freight match replay``: rolling-horizon replay of road shipments on the platform;
``freight match round``: one round over trucks and loads from JSON files; ``freight match
export``: a stored round of the service as CSV/Parquet tables."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import typer

from freight.cli.common import (
    check_table_args,
    echo_json,
    export_tables,
    run_cli,
    service_db,
)
from freight.matching.replay import Replay

app = typer.Typer(help="Vehicle–cargo matching (车货对接).", no_args_is_help=True)


@app.command("replay")
def replay_cmd(
    year: int = typer.Option(2025, "--year", help="Demand year (demand_data/shipments_<year>)."),
    days: int = typer.Option(7, "--days", min=1, max=62, help="Days of simulated time."),
    interval_min: float = typer.Option(
        15.0, "--interval-min", min=1, max=1440, help="Minutes between rounds."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First day, YYYY-MM-DD (default: 1 January)."
    ),
    lead_h: float = typer.Option(
        12.0, "--lead-h", min=0, max=72, help="Hours a load is posted before its pickup."
    ),
    at_ready: bool = typer.Option(
        False, "--post-at-ready", help="Post loads when their pickup window opens (lead 0)."
    ),
    commit_h: float = typer.Option(
        2.0,
        "--commit-h",
        min=0,
        max=48,
        help="Commitment horizon (h) of the optimiser; 0 commits every proposed leg at once.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Replay the year's road shipments as loads on that year's network; optimiser and
    greedy side by side."""
    from freight.demand import load_shipments
    from freight.errors import FieldIssue, InputError
    from freight.matching.replay import replay
    from freight.network.years import default_network_for_year

    def go() -> Replay:
        try:
            day0 = date.fromisoformat(start) if start else None
        except ValueError:
            raise InputError(
                "bad --start", issues=[FieldIssue("--start", "use YYYY-MM-DD")]
            ) from None
        if day0 is not None and day0.year != year:
            raise InputError("bad --start", issues=[FieldIssue("--start", f"must lie in {year}")])
        net = default_network_for_year(year)  # the loads' pickups are in the demand year
        ships = load_shipments(year)
        say = None if as_json else (lambda m: typer.echo(m, err=True))
        return replay(
            net,
            ships,
            year,
            days,
            interval_min,
            day0,
            progress=say,
            lead_h=0.0 if at_ready else lead_h,
            commit_h=commit_h or None,
        )

    r = run_cli(go)
    if as_json:
        echo_json(asdict(r))
        return
    typer.echo(
        f"{r.year} from {r.start}, {r.days} days, a round every {r.interval_min:g} min: "
        f"{r.road_shipments} road shipments -> {r.loads} truckloads, {r.trucks} trucks; "
        f"posted {r.lead_h:g} h ahead, commitment horizon {r.commit_h or 0:g} h"
    )
    head = ("method", "matched %", "empty %", "km/load", "wait min", "trucks used", "solve s")
    widths = (15, 9, 8, 8, 9, 11, 8)
    typer.echo(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for s in r.results:
        typer.echo(
            f"{s.method:>15} {100 * s.matched_share:>9.1f} {100 * s.empty_share:>8.1f} "
            f"{s.empty_km_per_matched:>8.2f} {s.mean_wait_min:>9.1f} "
            f"{s.trucks_used:>11} {s.solve_s:>8.1f}"
        )


def _items(path: Path) -> tuple[list[dict[str, Any]], str]:
    """The objects of a JSON file: a list, or ``{"items": [...]}`` (the API's batch body);
    with the JSON path of the list."""
    from freight.errors import FieldIssue, InputError

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno})") from None
    loc = "$.items" if isinstance(doc, dict) else "$"
    items = doc.get("items") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputError(f"{path}: want a list of objects or {{\"items\": [...]}}",
                         issues=[FieldIssue(loc, "not a list")])  # fmt: skip
    bad = [FieldIssue(f"{loc}[{n}]", "not an object") for n, d in enumerate(items)
           if not isinstance(d, dict)]  # fmt: skip
    if bad:
        raise InputError(f"{path}: {len(bad)} item(s) are not objects", issues=bad[:50])
    return items, loc


def _parse(path: Path, parse: Any, network: Any) -> list[Any]:
    """Every item of ``path`` through ``parse``; all problems at once, naming the file."""
    from freight.errors import FieldIssue, InputError

    items, loc = _items(path)
    out, issues, seen = [], [], set()
    for n, d in enumerate(items):
        if d.get("id") in seen:
            issues.append(FieldIssue(f"{loc}[{n}].id", f"duplicate id {d['id']!r}"))
            continue
        seen.add(d.get("id"))
        try:
            out.append(parse(d, network, f"{loc}[{n}]"))
        except InputError as exc:
            issues.extend(exc.issues or [FieldIssue(f"{loc}[{n}]", exc.message)])
    if issues:
        raise InputError(f"{path}: {len(issues)} problem(s)", issues=issues[:50])
    return out


@app.command("round")
def round_cmd(
    vehicles: Path = typer.Option(..., "--vehicles", help="JSON: trucks as POST .../vehicles"),
    loads: Path = typer.Option(..., "--loads", help="JSON: loads as POST .../loads"),
    year: int | None = typer.Option(
        None,
        "--year",
        min=2000,
        max=2100,
        help="network year (default: the year of the earliest pickup, Beijing time)",
    ),
    method: str = typer.Option("auto", "--method", help="auto | exact | flow | greedy | batched"),
    round_id: str = typer.Option("local", "--id", help="the round's id in the tables"),
    as_json: bool = typer.Option(False, "--json", help="print the round's JSON"),
    fmt: str | None = typer.Option(
        None, "--format", help="csv | parquet: write lines, assignments, unmatched, summary"
    ),
    out: Path | None = typer.Option(None, "--out", help="directory of the tables"),
) -> None:
    """Match trucks and loads in one round, offline (the answer POST /v1/matching/rounds
    gives for the same pool, without storing or claiming anything)."""  # fmt: skip
    from freight.clock import current_year
    from freight.errors import InputError
    from freight.matching.io import load_from_dict, result_to_dict, round_year, vehicle_from_dict
    from freight.matching.solve import Method, match
    from freight.network.loader import default_network
    from freight.network.years import default_network_for_year

    def go() -> dict[str, Any]:
        check_table_args(fmt, out)
        if method not in {str(m) for m in Method}:
            names = ", ".join(str(m) for m in Method)
            raise InputError(f"--method {method!r}: use one of {names}")
        every = default_network()  # node ids are checked against the plan, as the API does
        vs = _parse(vehicles, vehicle_from_dict, every)
        ls = _parse(loads, load_from_dict, every)
        net_year = year or round_year(_items(loads)[0]) or current_year()
        network = default_network_for_year(net_year)
        result = result_to_dict(
            match(network, vs, ls, method=Method(method), id_prefix=f"{round_id}-", verify=True)
        )
        result.update(id=round_id, network_year=net_year, network_scenario=None)
        return result

    result = run_cli(go)
    if as_json:
        echo_json(result)
    else:
        k = result["kpis"]
        typer.echo(
            f"round {result['id']} on the {result['network_year']} network ({result['method']}): "
            f"{k['matched']}/{k['loads']} loads matched, {k['trucks_used']} trucks, "
            f"{k['empty_km']:.1f} empty km, {k['loaded_km']:.1f} loaded km"
        )
    run_cli(lambda: export_tables("matching-round", result, fmt, out))


@app.command("export")
def export_cmd(
    round_id: str = typer.Option(..., "--round", help="the round's id (POST /v1/matching/rounds)"),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet"),
    out: Path = typer.Option(..., "--out", help="directory of the tables"),
) -> None:
    """Write a done round stored by the service as the tables GET
    /v1/matching/rounds/{id}?format= answers (lines, assignments, unmatched, summary)."""
    from freight.errors import ConflictError

    def go() -> None:
        check_table_args(fmt, out)
        from api.matching_store import get_round

        db = service_db()
        try:
            row, _ = get_round(db, round_id)
        finally:
            db.dispose()
        if row.status != "done" or not row.result:
            raise ConflictError(
                f"round {round_id} is {row.status}; a round solved as a job is stored once "
                f"GET /v1/matching/rounds/{round_id} has claimed its plan"
            )
        export_tables("matching-round", dict(row.result), fmt, out)

    run_cli(go)
