"""``freight convert plan``: the bulk-to-container (散改集) conversion plan."""

from __future__ import annotations

from pathlib import Path

import typer

from freight.cli.common import check_table_args, echo_json, export_tables, run_cli

app = typer.Typer(help="Bulk-to-container (散改集) conversion planning.", no_args_is_help=True)


@app.command("plan")
def plan_cmd(
    scenario: Path | None = typer.Option(None, "--scenario", help="scenario TOML file"),
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
        from freight.conversion.scenario import load_scenario, with_overrides
        from freight.conversion.solve import plan_conversion
        from freight.conversion.sweep import format_table, run_sweep, write_report
        from freight.errors import InputError

        sc = load_scenario(scenario)
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
        if export_tables("conversion-plan", plan.to_json(), table_format, out_dir):
            return
        if as_json:
            echo_json(plan.to_json())
            return
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
