"""``freight serve``: run the FastAPI service with uvicorn (migrations run at startup)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run the HTTP service.")


@app.callback(invoke_without_command=True)
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, min=1, max=64, help="Uvicorn worker processes."),
    log_level: str = typer.Option("warning", help="uvicorn's own log level."),
    wait_for_db: float = typer.Option(
        0.0, min=0.0, help="Seconds to wait for a database that does not answer yet."
    ),
) -> None:
    """Start the service (GET /v1/health answers 200 when it is ready).

    With several workers, their metrics go to a fresh shared directory (removed at exit),
    so GET /metrics on any worker counts the requests of all of them. A database that
    cannot be reached (FREIGHT_DATABASE_URL) stops it before it binds, with one line naming
    the URL (password hidden) and exit status 1.
    """
    import uvicorn

    from api.db import connect_database
    from api.observability.multiproc import metrics_dir
    from api.settings import Settings
    from freight.cli.common import run_cli

    def go() -> None:
        connect_database(Settings().database_url, wait_for_db).dispose()
        with metrics_dir(workers):
            uvicorn.run(
                "api.main:app",
                host=host,
                port=port,
                workers=workers,
                log_level=log_level,
                access_log=False,  # the service writes its own JSON access log
                proxy_headers=True,
            )

    run_cli(go)
