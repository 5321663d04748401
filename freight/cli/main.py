"""The ``freight`` console script: a thin typer front-end over the package.

Each capability registers its sub-app here. Commands catch ``FreightError`` via
``run_cli`` so users see one readable message and a non-zero exit, never a traceback.
``freight/cli`` is an adapter layer like ``api/``: only it may import the service
(lazily, inside ``serve`` and ``keys``); the core modules never do.
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


def main() -> None:  # pragma: no cover - console entry point
    app()
