"""``freight fleet plan``: fleet and charger sizing 2026-2035, a thin adapter.

Registered on the ``fleet`` sub-app by ``freight.cli.main``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from freight.cli.common import (
    check_table_args,
    echo_json,
    export_tables,
    run_cli,
    write_geojson,
)
from freight.errors import InputError

if TYPE_CHECKING:
    from freight.fleet.plan import FleetPlan


def _parse_years(text: str) -> list[int]:
    """``A-B`` or a comma list of years, checked by the planner's ``parse_years``."""
    from freight.fleet.plan.params import parse_years

    years: str | list[int] = text
    if "," in text:
        try:
            years = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise InputError(
                f"--years: expected A-B or a comma list of years, got {text!r}"
            ) from None
    try:
        _, out = parse_years({"years": years})
    except InputError as exc:
        raise InputError("--years: " + "; ".join(i.message for i in exc.issues)) from None
    return list(out or ())


def plan(
    year: int | None = typer.Option(None, "--year", help="One year, 2026-2035."),
    years: str | None = typer.Option(None, "--years", help="A range A-B (or 2026,2030)."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan JSON (contract)."),
    engine: str = typer.Option("process", "--engine", help="process | ray"),
    address: str | None = typer.Option(None, "--address", help="Ray cluster address."),
    workers: int | None = typer.Option(None, "--workers", help="Parallel workers (CPUs)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (sampling and search)."),
    time_limit: float = typer.Option(600.0, "--time-limit", help="Whole-plan budget, s."),
    max_stops: int | None = typer.Option(
        None, "--max-stops", help="Seeded subsample of each day (quick runs)."
    ),
    scenario: str | None = typer.Option(
        None,
        "--scenario",
        help="Network scenario on each plan year: a scenario JSON file (as POST /v1/scenarios "
        "takes it) or the name or id of a stored one (the API's ?scenario=).",
    ),
    report: Path | None = typer.Option(None, "--report", help="Write a Markdown report."),
    table_format: str | None = typer.Option(
        None,
        "--format",
        help="write the result's tables as csv or parquet (routes and route_stops among them), "
        "or the routes as geojson (routes.geojson), into --out",
    ),
    out_dir: Path | None = typer.Option(None, "--out", help="directory for --format output"),
    keep_routes: bool = typer.Option(
        True, "--routes/--no-routes", help="Keep both days' routes in the plan."
    ),
) -> None:
    """Size the urban EV fleet and depot chargers for --year Y or --years A-B."""

    def go() -> None:
        check_table_args(table_format, out_dir, ("csv", "parquet", "geojson"))
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from freight.cli.scenario import scenario_patch
        from freight.fleet.plan import FleetPlanSet, PlanParams, plan_fleet, plan_fleet_years
        from freight.fleet.plan.report import render_report

        if (year is None) == (years is None):
            raise InputError("give exactly one of --year Y or --years A-B")
        patch = scenario_patch(scenario) if scenario is not None else None
        params = PlanParams(
            seed=seed,
            time_limit_s=time_limit,
            engine=engine,
            workers=workers,
            ray_address=address,
            max_stops=max_stops,
            keep_routes=keep_routes,
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("planning", total=1.0)

            def progress(frac: float, msg: str) -> None:
                bar.update(task, completed=frac, description=msg[:60])

            if year is not None:
                one = plan_fleet(year, params, progress, patch)
                plan: FleetPlan | FleetPlanSet = one
                plans: tuple[FleetPlan, ...] = (one,)
            else:
                plan = plan_fleet_years(_parse_years(years or ""), params, progress, patch)
                plans = plan.plans
        if report is not None:
            try:
                report.write_text(render_report(plan), encoding="utf-8")
            except OSError as exc:
                raise InputError(f"--report: cannot write {report} ({exc})") from None
        if table_format == "geojson" and out_dir is not None:
            from freight.fleet.plan.plan_routes import routes_geojson, select_days

            path = write_geojson(routes_geojson(select_days(plan)), out_dir, "routes")
            typer.echo(f"wrote {path}")
            return
        if export_tables("fleet-plan", plan.to_dict(), table_format, out_dir):
            return
        if as_json:
            echo_json(plan.to_dict())
            return
        for p in plans:
            _echo_plan(p)
        if report is not None:
            typer.echo(f"report written to {report}")

    run_cli(go)


def _echo_plan(p: FleetPlan) -> None:
    """A few lines per year: fleet, chargers, policy checks, cost, each day and site."""
    total = p.cost.total_cny_per_year or 0.0
    typer.echo(
        f"{p.year}: {p.policy.planned_new_energy_vehicles} vehicles, "
        f"{sum(c.count for c in p.chargers)} chargers "
        f"({p.vehicles_per_charger or 0.0:.2f} per charger), refrigerated "
        f"{p.refrigerated_share or 0.0:.2%}, overnight energy "
        f"{'ok' if p.overnight_energy_ok else 'SHORT'}, "
        f"total {total:,.0f} CNY/year"
        f"{' (sampled)' if p.sampled else ''}{' (partial)' if p.partial else ''}"
    )
    for dc in p.daily_check:
        typer.echo(
            f"  {dc.day}: {dc.served}/{dc.stops} served, "
            f"{dc.vehicles_used} vehicles, verified={dc.verified}"
        )
    for c in p.chargers:
        typer.echo(
            f"  {c.site}: {c.count} x {c.power_kw:g} kW, peak "
            f"{c.peak_kw or 0.0:.0f} kW, short {c.short_kwh or 0.0:.1f} kWh"
        )
    typer.echo(f"  {p.policy.note}")
