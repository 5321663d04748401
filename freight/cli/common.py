"""Helpers shared by CLI commands: error reporting and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from freight.errors import FreightError, InfeasibleError

if TYPE_CHECKING:  # annotations only: importing the CLI loads no service code
    from api.db import Database

T = TypeVar("T")


def run_cli(fn: Callable[[], T]) -> T:
    """Run ``fn``; on a ``FreightError`` print its message and exit 2 (1 if infeasible)."""
    try:
        return fn()
    except FreightError as exc:
        typer.echo(f"error: {exc}", err=True)
        if isinstance(exc, InfeasibleError) and exc.binding:
            typer.echo("binding: " + ", ".join(exc.binding), err=True)
        raise typer.Exit(1 if isinstance(exc, InfeasibleError) else 2) from None


def echo_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON (UTF-8, Chinese names kept readable)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def check_table_args(
    fmt: str | None, out: Path | None, allowed: tuple[str, ...] = ("csv", "parquet")
) -> None:
    """Refuse a bad ``--format``/``--out`` before any solving starts."""
    from freight.errors import InputError

    if fmt is not None and fmt not in allowed:
        raise InputError(
            f"--format must be {', '.join(allowed[:-1])} or {allowed[-1]}, got {fmt!r}"
        )
    if fmt is not None and out is None:
        raise InputError("--format needs --out DIR (where the tables go)")


def write_geojson(doc: dict[str, Any], out: Path, name: str) -> Path:
    """Write the GeoJSON ``doc`` as ``<out>/<name>.geojson`` (UTF-8); its path."""
    from freight.errors import InputError

    path = out / f"{name}.geojson"
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out: cannot write {path} ({exc})") from None
    return path


def export_tables(kind: str, result: dict[str, Any], fmt: str | None, out: Path | None) -> bool:
    """``--format csv|parquet --out DIR``: write the result's tables; True if written."""
    if fmt is None:
        return False
    from freight.errors import InputError
    from freight.tables import TABLE_BUILDERS, write_tables

    if out is None:
        raise InputError("--format needs --out DIR (where the tables go)")
    for path in write_tables(TABLE_BUILDERS[kind](result), out, fmt):
        typer.echo(f"wrote {path}")
    return True


def service_db() -> Database:
    """The service's database (FREIGHT_DATABASE_URL), migrated; one line naming the URL
    and exit 1 when it cannot be used. Imported lazily: only commands that read the
    service's data load the service's code."""
    from api.db import connect_database
    from api.settings import Settings

    return connect_database(Settings().database_url)
