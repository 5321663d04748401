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


@app.command("vroom")
def vroom(
    file: Path = typer.Argument(..., help="a problem in VROOM's input format (JSON)"),
    time_limit: float = typer.Option(1.0, "--time-limit", help="seconds of search (a bound)"),
    seed: int = typer.Option(0, "--seed", help="random seed"),
) -> None:
    """Solve a VROOM-format problem (as POST /v1/vrp); print VROOM's output format.

    Without matrices, [lon, lat] locations are routed over the Kuytun road network.
    """

    def run() -> None:
        import json

        from freight.errors import InputError
        from freight.network.loader import default_network
        from freight.vrp.vroom.parse import parse_vroom
        from freight.vrp.vroom.road import road_router
        from freight.vrp.vroom.solver import solve_vroom

        try:
            payload = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{file}: not JSON ({exc})") from None
        prob = parse_vroom(payload, router=lambda pts: road_router(default_network())(pts))
        echo_json(solve_vroom(prob, time_limit, seed).to_dict())

    run_cli(run)
