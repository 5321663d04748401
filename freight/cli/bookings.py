"""``freight bookings replay``: book a year's shipments against capacity, with delays."""

from __future__ import annotations

import typer

from freight.cli.common import echo_json, run_cli
from freight.errors import InputError

app = typer.Typer(help="Bookings under one through-bill.", no_args_is_help=True)


@app.command()
def replay(
    year: int = typer.Option(2025, "--year", help="demand year (demand_data/shipments_YEAR)"),
    days: int = typer.Option(30, "--days", min=1, max=366, help="replay this many days"),
    seed: int = typer.Option(1, "--seed", help="seed of ready hours and delays"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON report"),
) -> None:
    """Book the year's shipments in ready-time order; report fill, re-plans, on-time share."""
    from freight.booking.replay import replay as run
    from freight.demand import load_shipments
    from freight.network.loader import default_network
    from freight.routing import RoutingIndex

    def go() -> None:
        if not 2025 <= year <= 2035:
            raise InputError(f"--year {year}: demand exists for 2025..2035")
        rep = run(RoutingIndex(default_network()), list(load_shipments(year)), year=year,
                  days=days, seed=seed)  # fmt: skip
        if as_json:
            echo_json(rep.to_dict())
            return
        typer.echo(
            f"{rep.year}, {rep.days} days: {rep.shipments} shipments, {rep.accepted} booked "
            f"({rep.accepted_rail} by rail), refused {sum(rep.refused.values())}; "
            f"{rep.departures_used} departures used, {rep.departures_full} full; "
            f"{rep.delayed} delayed, {rep.replanned} re-planned, {rep.at_risk} at risk; "
            f"on time {rep.on_time_share:.1%}  ({rep.wall_s:.1f} s)"
        )
        typer.echo(
            "  turned away most: "
            + ", ".join(f"{k} {v}x" for k, v in rep.turned_away_by_resource.items())
        )
        for b in rep.binds_first[:10]:
            typer.echo(
                f"  first turned away: {b['resource']} {b['day']} at {b['turned_away_at']} "
                f"({b['times']}x)"
            )

    run_cli(go)
