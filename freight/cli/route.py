"""``freight route``: Pareto-optimal rail–road routes for one consignment."""

from __future__ import annotations

from typing import Any

import typer

from freight.cli.common import echo_json, run_cli
from freight.clock import current_year
from freight.network.model import Network
from freight.network.years import default_network_for_year


def load_network(year: int | None = None) -> Network:
    """The shipped network of ``year`` (default: the current year, Beijing time; tests
    replace this)."""
    return default_network_for_year(current_year() if year is None else year)


def route(
    origin: str = typer.Option(..., "--from", help="origin node id"),
    destination: str = typer.Option(..., "--to", help="destination node id"),
    commodity: str = typer.Option(..., "--commodity"),
    form: str = typer.Option(..., "--form", help="container|bulk|general|hazmat|reefer"),
    quantity: float = typer.Option(..., "--quantity"),
    unit: str = typer.Option("t", "--unit", help="t|teu"),
    ready: str | None = typer.Option(None, "--ready", help="ISO date-time (default now)"),
    due: str | None = typer.Option(None, "--due", help="ISO date-time the cargo is due"),
    objective: str = typer.Option("cost", "--objective", help="cost|time|co2"),
    alternatives: int = typer.Option(3, "--alternatives"),
    avoid_mode: list[str] = typer.Option([], "--avoid-mode"),  # noqa: B006
    avoid_node: list[str] = typer.Option([], "--avoid-node"),  # noqa: B006
    max_transfers: int | None = typer.Option(None, "--max-transfers"),
    year: int | None = typer.Option(
        None, "--year", help="network year (works.csv); default: the current year"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the JSON answer"),
) -> None:
    """Rank the Pareto-optimal ways (cost, hours, CO2) to move a consignment."""

    def go() -> None:
        from freight.routing import find_routes
        from freight.routing.io import request_from_dict

        payload: dict[str, Any] = {
            "origin": origin,
            "destination": destination,
            "cargo": {"commodity": commodity, "form": form, "quantity": quantity, "unit": unit},
            "ready_at": ready,
            "due_by": due,
            "objective": objective,
            "alternatives": alternatives,
            "avoid": {"modes": avoid_mode, "nodes": avoid_node},
            "max_transfers": max_transfers,
        }
        req = request_from_dict(payload)
        net = load_network() if year is None else load_network(year)
        out = find_routes(net, req).to_dict()
        if as_json:
            echo_json(out)
            return
        typer.echo(
            f"{out['origin']} -> {out['destination']}: {out['cargo']['tonnes']:g} t "
            f"{out['cargo']['form']} {out['cargo']['commodity']}, ready {out['ready_at']}"
        )
        for alt in out["alternatives"]:
            tot = alt["total"]
            typer.echo(
                f"#{alt['rank']}  {tot['cost_cny']:>12,.0f} CNY  {tot['hours']:>7.1f} h  "
                f"{tot['co2_kg']:>10,.0f} kg CO2  {tot['distance_km']:>7.0f} km  "
                f"arrive {alt['arrive']}"
            )
            for leg in alt["legs"]:
                svc = f" [{leg['service']}]" if leg["service"] else ""
                typer.echo(
                    f"     {leg['mode']:<6} {leg['from']} -> {leg['to']}{svc} "
                    f"{leg['depart']} -> {leg['arrive']}  {leg['cost_cny']:,.0f} CNY"
                )
            for t in alt["transfers"]:
                typer.echo(f"     xfer   {t['terminal']} {t['kind']} {t['hours']:g} h")
        if "due_by" in out:
            typer.echo(out["due_by"]["message"])
        cut = {k: v for k, v in out["pruned"].items() if v}
        typer.echo("rules applied: " + ", ".join(out["rules_applied"]))
        if cut:
            typer.echo("options cut: " + ", ".join(f"{k}={v}" for k, v in sorted(cut.items())))

    run_cli(go)
