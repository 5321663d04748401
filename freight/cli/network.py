"""``freight network summary|validate|export``: inspect, validate and export the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from freight.cli.common import echo_json, run_cli

app = typer.Typer(help="Inspect, validate and export the network.", no_args_is_help=True)

PathOpt = typer.Option(None, "--path", help="Network directory (default: the shipped network).")


@app.command("summary")
def summary_cmd(
    path: Path | None = PathOpt,
    year: int | None = typer.Option(
        None,
        "--year",
        help="The network the plan has built by this year (works.csv); default: the current "
        "year (Beijing time).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts of nodes, links and services of the network of a year (default: this year)."""
    from freight.clock import current_year
    from freight.network import summary
    from freight.network.years import load_plan, network_for_year

    def go() -> dict[str, Any]:
        y = current_year() if year is None else year
        return {"year": y, **summary(network_for_year(load_plan(path), y))}

    data = run_cli(go)
    if as_json:
        echo_json(data)
        return
    typer.echo(
        f"network {data['name']} {data['year']}: {data['nodes']} nodes, "
        f"{data['links']} links, "
        f"{data['services']} services, {data['total_length_km']} km"
    )
    for title, key in (
        ("nodes by kind", "nodes_by_kind"),
        ("links by mode", "links_by_mode"),
        ("km by mode", "length_km_by_mode"),
        ("services by kind", "services_by_kind"),
    ):
        typer.echo(f"{title}:")
        for k, v in data[key].items():
            typer.echo(f"  {k:<20} {v}")


@app.command("validate")
def validate_cmd(path: Path = typer.Argument(..., help="Network directory to check.")) -> None:
    """Check a network directory; print OK or every problem (exit 1)."""
    from freight.errors import FreightError
    from freight.network.loader import load_network

    try:
        net = load_network(path)
    except FreightError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"OK: {path}: {len(net.nodes)} nodes, {len(net.links)} links, {len(net.services)} services"
    )


@app.command("export")
def export_cmd(
    fmt: str = typer.Option("geojson", "--format", help="Output format (geojson)."),
    path: Path | None = PathOpt,
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default stdout)."),
) -> None:
    """Export the network as GeoJSON."""
    from freight.errors import InputError
    from freight.network.geojson import to_geojson
    from freight.network.loader import load_network

    def run() -> dict[str, Any]:
        if fmt != "geojson":
            raise InputError(f"--format: unknown format {fmt!r} (allowed: geojson)")
        return to_geojson(load_network(path))

    data = run_cli(run)
    if output is None:
        echo_json(data)
    else:
        output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}")
