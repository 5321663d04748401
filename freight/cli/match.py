"""``freight match replay``: rolling-horizon replay of road shipments on the platform."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import typer

from freight.cli.common import echo_json, run_cli
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
