"""``freight bookings replay``: book a year's shipments against capacity, with delays;
``freight bookings export``: the service's stored bookings as CSV/Parquet tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from freight.cli.common import check_table_args, echo_json, run_cli, service_db
from freight.errors import InputError

app = typer.Typer(help="Bookings under one through-bill.", no_args_is_help=True)


@app.command()
def replay(
    year: int = typer.Option(2025, "--year", help="demand year (demand_data/shipments_YEAR)"),
    days: int = typer.Option(30, "--days", min=1, max=366, help="replay this many days"),
    seed: int = typer.Option(1, "--seed", help="seed of ready hours and delays"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON report"),
    fmt: str | None = typer.Option(
        None, "--format", help="csv | parquet: also write the bookings and legs tables"
    ),
    out: Path | None = typer.Option(None, "--out", help="directory of the tables"),
) -> None:
    """Book the year's shipments in ready-time order; report fill, re-plans, on-time share."""
    from freight.booking.replay import replay as run
    from freight.demand import load_shipments
    from freight.network.loader import default_network
    from freight.routing import RoutingIndex

    def go() -> None:
        check_table_args(fmt, out)
        if not 2025 <= year <= 2035:
            raise InputError(f"--year {year}: demand exists for 2025..2035")
        rep = run(RoutingIndex(default_network()), list(load_shipments(year)), year=year,
                  days=days, seed=seed)  # fmt: skip
        if fmt is not None and out is not None:
            _write([b.to_dict() for b in rep.bookings], fmt, out, err=as_json)
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


def _write(bookings: list[dict[str, Any]], fmt: str, out: Path, err: bool = False) -> None:
    """``bookings.<fmt>`` and ``legs.<fmt>`` in ``out`` (columns: ``freight.tables``)."""
    from freight.tables import booking_tables, write_tables

    for path in write_tables(booking_tables(bookings), out, fmt):
        typer.echo(f"wrote {path}", err=err)


@app.command()
def export(
    org: str | None = typer.Option(
        None, "--org", help="only this organisation's bookings (default: every organisation)"
    ),
    status: str | None = typer.Option(None, "--status", help="only bookings in this status"),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet"),
    out: Path = typer.Option(..., "--out", help="directory of the tables"),
) -> None:
    """Write the service's bookings (newest first) as the tables GET /v1/bookings?format=
    answers: bookings and legs."""
    from freight.booking.model import BookingStatus

    def go() -> None:
        check_table_args(fmt, out)
        if status is not None and status not in {str(s) for s in BookingStatus}:
            names = ", ".join(str(s) for s in BookingStatus)
            raise InputError(f"--status {status!r}: use one of {names}")
        from api.booking_store import list_bookings

        db, page = service_db(), 1000
        rows: list[dict[str, Any]] = []
        try:
            while True:
                items, total = list_bookings(db, org, status, page, len(rows))
                rows += [b.to_dict() for b in items]
                if not items or len(rows) >= total:
                    break
        finally:
            db.dispose()
        _write(rows, fmt, out)
        typer.echo(f"{len(rows)} booking(s)")

    run_cli(go)
