"""The ``freight`` console script: a thin typer front-end over the package.

Each capability registers its sub-app here. Commands catch ``FreightError`` via
``run_cli`` so users see one readable message and a non-zero exit, never a traceback.
``freight/cli`` is an adapter layer like ``api/``: only it may import the service
(lazily, inside ``serve``, ``worker`` and ``keys``); the core modules never do.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="freight",
    help="Kuytun multimodal freight optimizer.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

from freight.cli import network as _network  # noqa: E402

app.add_typer(_network.app, name="network")
from freight.cli import vrp as _vrp  # noqa: E402

app.add_typer(_vrp.app, name="vrp")
from freight.cli import fleet as _fleet  # noqa: E402

app.add_typer(_fleet.app, name="fleet")
from freight.cli import fleet_plan as _fleet_plan  # noqa: E402

_fleet.app.command("plan")(_fleet_plan.plan)
from freight.cli import trucks as _trucks  # noqa: E402

app.add_typer(_trucks.app, name="trucks")

from freight.cli import route as _route  # noqa: E402

app.command("route")(_route.route)
from freight.cli import assign as _assign  # noqa: E402

app.command("assign")(_assign.assign_cmd)
from freight.cli import serve as _serve  # noqa: E402

app.add_typer(_serve.app, name="serve")
from freight.cli import worker as _worker  # noqa: E402

app.add_typer(_worker.app, name="worker")
from freight.cli import keys as _keys  # noqa: E402

app.add_typer(_keys.app, name="keys")

from freight.cli import convert as _convert  # noqa: E402

app.add_typer(_convert.app, name="convert")
from freight.cli import demand as _demand  # noqa: E402

app.add_typer(_demand.app, name="demand")
from freight.cli import bookings as _bookings  # noqa: E402

app.add_typer(_bookings.app, name="bookings")
from freight.cli import match as _match  # noqa: E402

app.add_typer(_match.app, name="match")
from freight.cli import scenario as _scenario  # noqa: E402

app.add_typer(_scenario.app, name="scenario")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover - python -m freight.cli.main
    main()
