"""``freight vrp solve FILE``: public VRP benchmarks (Solomon, CVRPLIB, Schneider E-VRPTW)."""

from __future__ import annotations

from pathlib import Path

import typer

from freight.cli.common import echo_json, run_cli

app = typer.Typer(help="Solve public VRP benchmark instances.", no_args_is_help=True)


@app.command("solve")
def solve(
    file: Path = typer.Argument(..., help="Solomon .txt, VRPLIB .vrp or E-VRPTW .txt file"),
    time_limit: float = typer.Option(10.0, "--time-limit", help="seconds of search"),
    seed: int = typer.Option(0, "--seed", help="random seed (deterministic per seed+limit)"),
    as_json: bool = typer.Option(False, "--json", help="print the full answer as JSON"),
) -> None:
    """Solve FILE and print distance, vehicles and routes (depot left out)."""

    def run() -> None:
        from freight.vrp.solve import solve_file

        sol = solve_file(file, time_limit, seed)
        if as_json:
            echo_json(sol.to_dict())
            return
        gap = sol.gap_pct
        typer.echo(
            f"{sol.instance} ({sol.kind.value}, {sol.method}): distance {sol.distance:.2f}, "
            f"{sol.vehicles} vehicles, feasible {sol.feasible}"
            + (", proven optimal" if sol.optimal else "")
            + (f", gap to best known {gap:+.2f} %" if gap is not None else "")
            + f", {sol.wall_s:.1f} s"
        )
        for k, route in enumerate(sol.routes, start=1):
            typer.echo(f"  route {k}: " + " ".join(str(v) for v in route))

    run_cli(run)
