"""``freight scenario compare BASE OTHER --year Y``: what a network scenario changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from freight.cli.common import echo_json, run_cli

app = typer.Typer(help="Network scenarios (named patches on a network year).", no_args_is_help=True)


def _changes(body: dict[str, Any], where: str) -> tuple[Any, ...]:
    from freight.errors import FieldIssue, InputError
    from freight.network.scenario import change_of

    try:
        return tuple(
            change_of(c["op"], c["table"], c["id"], c.get("values") or {}) for c in body["changes"]
        )
    except (KeyError, TypeError) as exc:
        raise InputError(
            f"{where}: not a scenario", issues=[FieldIssue("$.changes", str(exc))]
        ) from None


def _stored(
    name: str, hint: str = "give 'base', a scenario JSON file or a stored name"
) -> dict[str, Any]:
    """A scenario stored by the service, by name or id (imported lazily, adapter only)."""
    from api.db import Database, run_migrations
    from api.scenario_store import list_scenarios
    from api.settings import get_settings
    from freight.errors import NotFoundError

    db = Database(get_settings().database_url)
    run_migrations(db)
    found = [s for s in list_scenarios(db, None) if name in (s["name"], s["id"])]
    if not found:
        raise NotFoundError(f"no scenario {name!r}: {hint}")
    return found[-1]


def scenario_patch(arg: str) -> dict[str, Any]:
    """A network scenario as planning jobs take it (``network_scenario``: id, base year,
    changes) from a scenario JSON file (as ``POST /v1/scenarios`` takes it) or the name
    or id of a scenario stored by the service. Its changes are checked here, so a bad one
    is an error naming the file or name before any solving."""
    from freight.errors import FieldIssue, InputError

    path = Path(arg)
    if path.is_file():
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{arg}: not a scenario JSON file ({exc})") from None
        if not isinstance(body, dict):
            raise InputError(f"{arg}: not a scenario", issues=[FieldIssue("$", "not an object")])
    else:
        body = _stored(arg, "give a scenario JSON file or the name or id of a stored one")
    _changes(body, arg)
    base_year = body.get("base_year")
    if not isinstance(base_year, int):
        raise InputError(
            f"{arg}: not a scenario", issues=[FieldIssue("$.base_year", "a year is required")]
        )
    return {
        "id": str(body.get("id") or body.get("name") or arg),
        "base_year": base_year,
        "changes": body["changes"],
    }


def _network(arg: str, year: int) -> tuple[str, Any]:
    from freight.network.scenario import apply_scenario
    from freight.network.years import default_network_for_year

    if arg == "base":
        return f"base {year}", default_network_for_year(year)
    path = Path(arg)
    body = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else _stored(arg)
    return str(body.get("name") or arg), apply_scenario(year, _changes(body, arg))


@app.command("compare")
def compare_cmd(
    base: str = typer.Argument(..., help="'base', a scenario JSON file or a stored scenario name"),
    other: str = typer.Argument(..., help="'base', a scenario JSON file or a stored scenario name"),
    year: int = typer.Option(..., "--year", help="demand year and network year"),
    time_limit: float = typer.Option(60.0, "--time-limit", help="LP time limit per side, s"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    report: Path | None = typer.Option(
        None, "--report", help="also write a report with a chart (.md or .html)"
    ),
) -> None:
    """Assign the year's demand on both networks; print what changes."""

    def go() -> dict[str, Any]:
        from freight.assign.compare import compare
        from freight.demand import load_shipments

        a, b = _network(base, year), _network(other, year)
        ships = list(load_shipments(year))
        return compare(a, b, ships, year, time_limit).to_dict()

    out = run_cli(go)
    if report is not None:
        from freight.assign.compare_report import render

        fmt = "html" if report.suffix.lower() in (".html", ".htm") else "md"
        report.write_text(render(out, fmt), encoding="utf-8")
    if as_json:
        echo_json(out)
        return
    b, o, d = out["base"], out["other"], out["delta"]
    rows = [
        ("rail t", b["tonnes_by_mode"]["rail"], o["tonnes_by_mode"]["rail"], d["rail_tonnes"]),
        ("road t", b["tonnes_by_mode"]["road"], o["tonnes_by_mode"]["road"], d["road_tonnes"]),
        ("rail share", b["rail_share"], o["rail_share"], d["rail_share"]),
        ("unassigned t", b["unassigned_tonnes"], o["unassigned_tonnes"], d["unassigned_tonnes"]),
        ("cost CNY", b["cost_cny"], o["cost_cny"], d["cost_cny"]),
        ("CO2 t", b["co2_t"], o["co2_t"], d["co2_t"]),
    ]
    typer.echo(f"{'':<14}{b['label'][:18]:>20}{o['label'][:18]:>20}{'change':>16}")
    for label, x, y, z in rows:
        f, g = (".4f", "+.4f") if label == "rail share" else (",.0f", "+,.0f")
        typer.echo(f"{label:<14}{x:>20{f}}{y:>20{f}}{z:>16{g}}")
    typer.echo(
        f"bottlenecks   {', '.join(b['bottlenecks'][:3])}  ->  {', '.join(o['bottlenecks'][:3])}"
    )
