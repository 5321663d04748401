"""``freight network ...`` commands (owned by the network work; placeholder app)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Inspect, validate and export the network.", no_args_is_help=True)
