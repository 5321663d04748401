"""``freight assign``: the year's shipments on the capacitated rail–road network."""

from __future__ import annotations

from pathlib import Path

import typer

from freight.cli.common import check_table_args, echo_json, export_tables, run_cli


def assign_cmd(
    year: int = typer.Option(2025, "--year"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON answer"),
    co2_price: float = typer.Option(0.0, "--co2-price", help="CNY per tonne of CO2"),
    close: list[str] = typer.Option([], "--close", help="closed link/station/service id"),  # noqa: B006
    new_service: list[str] = typer.Option(  # noqa: B006
        [], "--new-service", help='JSON, e.g. {"id":"x","route":["a","b"],"offsets_h":[0,9]}'
    ),
    scale: int = typer.Option(1, "--scale", help="repeat the demand N times (stress test)"),
    network_year: int | None = typer.Option(
        None,
        "--network-year",
        help="the network the plan has built by this year (works.csv); default: the current year",
    ),
    time_limit: float = typer.Option(60.0, "--time-limit", help="LP time limit, seconds"),
    top: int = typer.Option(10, "--top", help="rows of utilization to print"),
    table_format: str | None = typer.Option(
        None, "--format", help="write the result's tables: csv or parquet (into --out)"
    ),
    out_dir: Path | None = typer.Option(None, "--out", help="directory for --format tables"),
) -> None:
    """Assign the year's shipments under link, terminal and train capacities."""

    def go() -> None:
        check_table_args(table_format, out_dir)
        import json

        from freight.assign.jobs import run
        from freight.errors import InputError

        try:
            services = [json.loads(text) for text in new_service]
        except json.JSONDecodeError as exc:
            raise InputError(f"--new-service is not JSON: {exc}") from None

        out = run(
            {
                "year": year,
                "co2_price_cny_per_t": co2_price,
                "closed": close,
                "new_services": services,
                "scale": scale,
                "time_limit_s": time_limit,
                "network_year": network_year,
            }
        )
        if export_tables("assignment", out, table_format, out_dir):
            return
        if as_json:
            echo_json(out)
            return
        un = out["uncapacitated"]
        typer.echo(
            f"{out['shipments']} shipments, {out['groups']} groups, "
            f"{out['tonnes_total']:,.0f} t; assigned {out['tonnes_assigned']:,.0f} t, "
            f"unassigned {out['tonnes_unassigned']:,.0f} t"
        )
        typer.echo(
            f"rail share {out['rail_share']:.1%} (tonnes), {out['rail_tkm_share']:.1%} (t-km); "
            f"cost {out['objective_cny']:,.0f} CNY, CO2 {out['co2_kg'] / 1000:,.0f} t"
        )
        forms = out.get("tonnes_by_multimodal_form", {})
        typer.echo(
            f"piggyback (驮背) {forms.get('piggyback', 0.0):,.0f} t, "
            f"drop-and-hook (甩挂) {forms.get('drop_and_hook', 0.0):,.0f} t"
        )
        typer.echo(
            f"uncapacitated cheapest paths: rail share {un['rail_share']:.1%}, "
            f"{un['overloaded_count']} resource-months over capacity; capacity costs "
            f"{out['capacity_cost_cny']:,.0f} CNY"
        )
        typer.echo("utilization (peak month):")
        for u in out["utilization"][:top]:
            typer.echo(
                f"  {u['kind']:<9} {u['id']:<28} {u['period']}  {u['load']:>12,.1f} / "
                f"{u['capacity']:>12,.1f} {u['unit']:<8} {u['ratio']:.0%}"
            )
        for b in out["bottlenecks"][:top]:
            typer.echo(
                f"  bottleneck {b['kind']} {b['id']} {b['period']}: shadow price "
                f"{b['shadow_price_cny_per_unit']:,.2f} CNY/{b['unit']}"
            )
        for u in out["unassigned"][:top]:
            typer.echo(
                f"  unassigned {u['tonnes']:,.0f} t {u['origin']}->{u['destination']} "
                f"{u['form']} {u['period']}: {u['reason']}"
            )
        typer.echo(f"wall {out['wall_s']:.2f} s")

    run_cli(go)
