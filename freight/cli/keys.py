"""``freight keys create|list|revoke``: API keys in the service's database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from freight.cli.common import echo_json, run_cli

if TYPE_CHECKING:  # annotations only: importing the CLI loads no service code
    from api.db import Database

app = typer.Typer(help="Manage API keys (stored hashed).", no_args_is_help=True)


def _db() -> Database:
    """The service's database, migrated (imported lazily: only this adapter needs it)."""
    from api.db import Database, run_migrations
    from api.settings import get_settings

    db = Database(get_settings().database_url)
    run_migrations(db)
    return db


@app.command()
def create(
    role: str = typer.Option(..., help="operator | planner | platform | admin"),
    name: str = typer.Option(..., help="Who or what uses the key."),
    org: str | None = typer.Option(
        None, "--org", help="Organisation whose bookings the key sees (default: --name)."
    ),
) -> None:
    """Create a key; the key itself is printed on the last line (shown only once)."""
    from api.security import create_key

    def go() -> None:
        info, secret = create_key(_db(), role, name, org)
        typer.echo(f"created key id={info.id} name={info.name} role={info.role} org={info.org}")
        typer.echo(secret)

    run_cli(go)


@app.command("list")
def list_(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List keys (never the secrets)."""
    from api.security import list_keys

    def go() -> None:
        keys = list_keys(_db())
        if json_out:
            echo_json([_row(k) for k in keys])
            return
        for k in keys:
            state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
            typer.echo(f"{k.id:>4}  {k.role:<9} {k.prefix}…  {k.name}  ({state})")

    run_cli(go)


@app.command()
def revoke(key_id: int = typer.Argument(..., help="Key id (see `freight keys list`).")) -> None:
    """Revoke a key: it stops working at once."""
    from api.security import revoke_key

    def go() -> None:
        info = revoke_key(_db(), key_id)
        typer.echo(f"revoked key id={info.id} name={info.name}")

    run_cli(go)


def _row(k: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(k)
