"""``freight fleet ...`` commands: daily EV fleet routing.

The fleet-planning work adds ``plan`` in its own module by registering on this ``app``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from freight.cli.common import echo_json, run_cli
from freight.errors import InputError
from freight.units import format_hhmm

app = typer.Typer(help="Route the electric distribution fleet.", no_args_is_help=True)


def load_json(path: Path) -> Any:
    """Read a JSON file; errors name the file (and line/column for bad JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}") from None


@app.command("route")
def route(
    problem_file: Path = typer.Argument(..., help="Problem JSON (the fleet problem contract)."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Wall-time budget, seconds."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the search."),
    method: str = typer.Option(
        "pyvrp", "--method", help="pyvrp | ortools | ortools-energy | ortools-plain"
    ),
    iterations: int | None = typer.Option(
        None, "--iterations", help="Iteration cap (makes runs reproducible)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer JSON."),
) -> None:
    """Route PROBLEM_FILE: serve every stop possible, then minimise cost."""

    def go() -> None:
        from freight.fleet.problem_json import parse_problem
        from freight.fleet.result import StopVisit
        from freight.fleet.routing import Method, RouterParams, solve_fleet

        try:
            m = Method(method)
        except ValueError:
            raise InputError(
                f"--method: expected one of {', '.join(x.value for x in Method)}, got {method!r}"
            ) from None
        if time_limit <= 0:
            raise InputError(f"--time-limit: must be > 0, got {time_limit}")
        problem = parse_problem(load_json(problem_file))
        result = solve_fleet(
            problem,
            RouterParams(time_limit_s=time_limit, seed=seed, method=m, max_iterations=iterations),
        )
        if as_json:
            echo_json(result.to_dict())
            return
        typer.echo(
            f"status {result.status.value}  objective {result.objective_cny:.2f} CNY  "
            f"distance {result.distance_km:.1f} km  vehicles {result.vehicles_used}  "
            f"served {result.served_count}/{len(problem.stops)}  wall {result.wall_s:.2f} s"
        )
        for k, r in enumerate(result.routes):
            path = " ".join(
                v.stop_id if isinstance(v, StopVisit) else f"[{v.site_id} {v.charge_min:g}min]"
                for v in r.visits
            )
            typer.echo(
                f"  {k:3d} {r.vehicle_type:24s} {format_hhmm(r.start_min)}-"
                f"{format_hhmm(r.end_min)} {r.distance_km:7.1f} km {r.cost_cny:9.2f} CNY  {path}"
            )
        for u in result.unserved:
            typer.echo(f"  unserved {u.id}: {u.reason}")

    run_cli(go)
