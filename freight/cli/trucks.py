"""``freight trucks plan``: electric heavy trucks, lanes and stations (a thin adapter)."""

from __future__ import annotations

from pathlib import Path

import typer

from freight.cli.common import echo_json, run_cli

app = typer.Typer(help="Electric heavy trucks: lanes, swap/charge stations, year by year.")


@app.command("plan")
def plan(
    year: int | None = typer.Option(None, "--year", help="One year, 2026-2035."),
    years: str | None = typer.Option(None, "--years", help="A range A-B, e.g. 2026-2035."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan JSON (contract)."),
    target: float | None = typer.Option(
        None, "--target", help="Electrified t-km share (default: 5 % in 2026 to 50 % in 2035)."
    ),
    budget: float | None = typer.Option(None, "--budget", help="Station capital, CNY."),
    time_limit: float = typer.Option(
        600.0, "--time-limit", help="Whole-plan budget, s (each year's MIP at most 60 s)."
    ),
    scenario: str | None = typer.Option(
        None,
        "--scenario",
        help="Network scenario on each year: a scenario JSON file (as POST /v1/scenarios takes "
        "it) or the name or id of a stored one (the API's ?scenario=).",
    ),
    report: Path | None = typer.Option(None, "--report", help="Write a Markdown report."),
) -> None:
    """Which lanes to electrify, where the swap/charge stations go, for --year or --years,
    each year on the network of that year (or the scenario's network on it)."""

    def go() -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from freight.cli.scenario import scenario_patch
        from freight.trucks.jobs import run

        params = {"year": year, "years": years, "target_tkm_share": target,
                  "budget_cny": budget, "time_limit_s": time_limit,
                  "network_scenario": scenario_patch(scenario) if scenario else None}  # fmt: skip
        with Progress(
            TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
            transient=True, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task("planning", total=1.0)
            out = run(params, lambda f, m: bar.update(task, completed=f, description=m[:60]))
        if report is not None:
            from freight.errors import InputError
            from freight.trucks.report import render_report

            try:
                report.write_text(render_report(out), encoding="utf-8")
            except OSError as exc:
                raise InputError(f"--report: cannot write {report} ({exc})") from None
        if as_json:
            echo_json(out)
            return
        for p in out.get("plans", [out]):
            k = p["kpis"]
            typer.echo(
                f"{p['year']}: {p['status']} (gap {p['gap']:.2%}), electrified t-km "
                f"{k['electrified_tkm_share']:.1%}, TCO {k['tco_cny_year']:,.0f} vs baseline "
                f"{k['baseline_tco_cny_year']:,.0f} CNY/yr, CO2 saved {k['co2_t_saved']:,.0f} t, "
                f"fleet {p['fleet']}, {p['wall_s']:.1f} s"
            )
            for s in p["stations"]:
                typer.echo(
                    f"  {s['id']:<42} bays {s['bays']:>2} chargers {s['chargers']:>2} "
                    f"batteries {s['batteries']:>3} peak {s['peak_kw']:>7,.0f} kW "
                    f"{s['energy_kwh_day']:>8,.0f} kWh/day{'' if s['new'] else ' (kept)'}"
                )

    run_cli(go)


@app.command("lanes")
def lanes(
    year: int = typer.Option(2030, "--year", help="A year, 2025-2035."),
    as_json: bool = typer.Option(False, "--json", help="Print the lanes JSON."),
    top: int = typer.Option(20, "--top", help="Lanes to print (by tonne-km)."),
    scenario: str | None = typer.Option(
        None,
        "--scenario",
        help="Network scenario on the year: a scenario JSON file (as POST /v1/scenarios takes "
        "it) or the name or id of a stored one (the API's ?scenario=).",
    ),
) -> None:
    """The year's heavy-truck lanes of the region (from the assignment and the conversion
    plan on the network of that year, or the scenario's network on it)."""

    def go() -> None:
        from freight.cli.scenario import scenario_patch
        from freight.network.scenario import network_of
        from freight.trucks.lanes import build_lanes

        patch = scenario_patch(scenario) if scenario else None
        ls = build_lanes(year, network_of(year, patch))
        if as_json:
            echo_json(ls.to_dict())
            return
        tkm = sum(x.tonnes_year * x.distance_km for x in ls.lanes)
        typer.echo(
            f"{year}: {len(ls.lanes)} lanes, {sum(x.tonnes_year for x in ls.lanes):,.0f} t, "
            f"{tkm / 1e6:,.1f} M t-km; {ls.excluded_tonnes:,.0f} t on road legs outside the region"
        )
        for x in sorted(ls.lanes, key=lambda x: -x.tonnes_year * x.distance_km)[:top]:
            typer.echo(
                f"  {x.origin:>26} -> {x.destination:<26} {x.distance_km:6.1f} km "
                f"{x.tonnes_year:>11,.0f} t/yr (winter {x.tonnes_winter:>10,.0f}) "
                f"design {x.design_tonnes_day:>7,.0f} t/day  {'+'.join(x.sources)}"
            )

    run_cli(go)
