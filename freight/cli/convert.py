"""``freight convert plan``: the bulk-to-container (散改集) conversion plan."""

from __future__ import annotations

from pathlib import Path

import typer

from freight.cli.common import check_table_args, echo_json, export_tables, run_cli

app = typer.Typer(help="Bulk-to-container (散改集) conversion planning.", no_args_is_help=True)


@app.command("plan")
def plan_cmd(
    scenario: Path | None = typer.Option(
        None, "--scenario", help="conversion scenario TOML file (flows, terminals, costs)"
    ),
    network_year: int | None = typer.Option(
        None,
        "--network-year",
        help="network year whose paths give the distances (works.csv); default: the current "
        "year, or the network scenario's base year",
    ),
    network_scenario: str | None = typer.Option(
        None,
        "--network-scenario",
        help="network scenario: a scenario JSON file (as POST /v1/scenarios takes it) or the "
        "name or id of a stored one (the API's ?scenario=)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the JSON answer"),
    co2_price: float | None = typer.Option(None, "--co2-price", help="CNY per tonne of CO2"),
    time_limit: float = typer.Option(30.0, "--time-limit", help="MIP time limit, seconds"),
    sweep: str | None = typer.Option(
        None, "--sweep", help="pool | co2 | capacity:<terminal>: sensitivity table and chart"
    ),
    values: str | None = typer.Option(None, "--values", help="comma-separated sweep values"),
    out_dir: Path = typer.Option(
        Path("conversion-report"), "--out", help="report directory (and --format tables)"
    ),
    table_format: str | None = typer.Option(
        None, "--format", help="write the result's tables: csv or parquet (into --out)"
    ),
) -> None:
    """Per flow: bulk rail, container rail via a terminal, or road; size equipment and pool."""

    def go() -> None:
        check_table_args(table_format, out_dir)
        from freight.cli.scenario import scenario_patch
        from freight.conversion.scenario import load_scenario, with_overrides
        from freight.conversion.solve import plan_conversion
        from freight.conversion.sweep import format_table, run_sweep, write_report
        from freight.errors import InputError
        from freight.network.scenario import network_of

        patch = scenario_patch(network_scenario) if network_scenario is not None else None
        net = network_of(network_year, patch)
        sc = load_scenario(scenario, network=net)
        sc = with_overrides(sc, co2_price_cny_per_t=co2_price)
        if sweep is not None:
            try:
                vals = [float(v) for v in values.split(",")] if values else None
            except ValueError:
                raise InputError(
                    f"--values must be comma-separated numbers, got {values!r}"
                ) from None
            points = run_sweep(sc, sweep, vals, time_limit_s=time_limit)
            typer.echo(format_table(sweep, points))
            md = write_report(sweep, points, out_dir, f"Conversion plan sensitivity: {sweep}")
            typer.echo(f"report: {md}")
            return
        plan = plan_conversion(sc, time_limit_s=time_limit)
        out = plan.to_json()
        out["network_year"] = int(net.meta["year"])
        out["network_scenario"] = patch["id"] if patch else None
        if export_tables("conversion-plan", out, table_format, out_dir):
            return
        if as_json:
            echo_json(out)
            return
        on = f"network {out['network_year']}" + (f", scenario {patch['id']}" if patch else "")
        typer.echo(on)
        typer.echo(
            f"{plan.status}: {plan.objective_cny / 1e6:,.2f} M CNY/yr "
            f"(bound {plan.bound_cny / 1e6:,.2f}, gap {plan.gap:.2e}, {plan.wall_s:.2f} s)"
        )
        for f in plan.flows:
            where = f" via {f.terminal}" if f.terminal else ""
            typer.echo(
                f"  {f.id:32s} {f.commodity:14s} {f.tonnes:>12,.0f} t  {f.mode.value}{where}"
            )
        for t in plan.terminals:
            eq = ", ".join(f"{n} × {k}" for k, n in t.equipment.items()) or "none"
            typer.echo(
                f"  terminal {t.id}: {eq}; {t.throughput_t:,.0f} t/yr, "
                f"peak utilization {t.utilization_peak:.0%}"
            )
        k = plan.kpis
        typer.echo(
            f"pool {plan.containers_teu} TEU (owned {plan.owned_teu}, leased {plan.leased_teu}); "
            f"rail share {k['rail_share']:.1%}, converted {k['converted_share']:.1%}, "
            f"CO2 {k['co2_t']:,.0f} t, losses {k['losses_t']:,.0f} t"
        )
        b = plan.baselines

        def fmt(v: float | None) -> str:
            return "infeasible" if v is None else f"{v / 1e6:,.2f} M CNY"

        typer.echo(
            f"baselines: all bulk {fmt(b.get('all_bulk'))}, "
            f"all container {fmt(b.get('all_container'))}"
        )

    run_cli(go)
