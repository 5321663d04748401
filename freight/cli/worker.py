"""``freight worker``: run queued solve jobs apart from the HTTP service (see api.worker)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run queued solve jobs (no HTTP).")


@app.callback(invoke_without_command=True)
def worker(
    slots: int = typer.Option(
        1, min=1, max=64, help="Jobs run at once (one solver process each; ~1 per core)."
    ),
    database_url: str = typer.Option(
        None,
        envvar="FREIGHT_DATABASE_URL",
        help="The service's database (default: FREIGHT_DATABASE_URL, else the service default).",
        show_default=False,
    ),
    poll_s: float = typer.Option(
        0.5, min=0.05, max=60.0, help="Seconds between looks for queued jobs when idle."
    ),
    wait_for_db: float = typer.Option(
        60.0, min=0.0, help="Seconds to wait for a database that does not answer yet."
    ),
) -> None:
    """Take jobs from the service's database queue until SIGTERM or Ctrl-C.

    Several workers on several hosts may share one PostgreSQL; each job runs once. Running
    jobs go back to the queue on a clean stop; after a kill -9 another worker (or service
    with local slots) re-queues them.
    """
    from freight.cli.common import run_cli

    def go() -> None:
        from api.settings import Settings
        from api.worker import run_worker

        settings = Settings(database_url=database_url) if database_url else Settings()
        raise typer.Exit(run_worker(settings, slots, poll_s, wait_for_db))

    run_cli(go)
