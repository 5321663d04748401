"""``freight worker``: a process that runs queued jobs and serves no HTTP.

It connects to the service's database (``FREIGHT_DATABASE_URL``), brings the schema up to
date (the same process-safe migration the service runs), learns every job kind the service
knows (:func:`api.jobs.load_job_kinds`) and runs an :class:`api.jobs.dispatcher.Dispatcher`
with ``slots`` solver processes until SIGTERM or SIGINT. On a clean stop its running jobs go
back to the queue; after a kill -9 any other dispatcher re-queues them (see
:meth:`Dispatcher.recover`). Start as many as the solving load needs, on any host that
reaches the database; the service itself can then run with ``FREIGHT_JOB_WORKERS=0``.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from api.db import Database, run_migrations
from api.jobs import load_job_kinds
from api.jobs.dispatcher import Dispatcher
from api.observability.logs import configure_logging
from api.settings import Settings

log = logging.getLogger("api.worker")

#: Printed on stdout once the worker claims jobs (scripts and tests wait for it).
READY = "freight worker ready"


def connect(url: str, wait_s: float) -> Database:
    """The database, schema migrated; waits up to ``wait_s`` for a server that is starting.

    Exits with a one-line message (password hidden) for a URL that is not one or a server
    that does not answer in time.
    """
    try:
        shown = make_url(url).render_as_string(hide_password=True)
        db = Database(url)
    except (ArgumentError, ValueError) as exc:
        raise SystemExit(f"error: FREIGHT_DATABASE_URL is not a database URL: {exc}") from None
    deadline = time.monotonic() + wait_s
    while True:
        try:
            run_migrations(db)
            return db
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                db.dispose()
                reason = str(exc.orig or exc).strip().splitlines()[0]
                raise SystemExit(f"error: cannot reach the database {shown}: {reason}") from None
            log.warning("database not reachable yet; retrying", extra={"database": shown})
            time.sleep(1.0)


def run_worker(
    settings: Settings, slots: int, poll_s: float = 0.5, wait_for_db_s: float = 60.0
) -> int:
    """Run jobs until SIGTERM/SIGINT; returns the exit status."""
    configure_logging(settings.log_level, settings.log_json)
    if slots < 1:
        raise ValueError("a worker needs at least one slot")
    db = connect(settings.database_url, wait_for_db_s)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    dispatcher: Dispatcher | None = None
    try:
        kinds = load_job_kinds()
        dispatcher = Dispatcher(db, settings, slots=slots, poll_s=poll_s)
        dispatcher.start()
        log.info(
            "worker ready",
            extra={
                "runner_id": dispatcher.runner_id,
                "database": db.engine.dialect.name,
                "slots": slots,
                "kinds": [k.kind for k in kinds],
            },
        )
        print(f"{READY}: {dispatcher.runner_id} slots={slots}", flush=True)  # noqa: T201
        stop.wait()
        log.info("worker stopping", extra={"runner_id": dispatcher.runner_id})
    finally:
        if dispatcher is not None:
            dispatcher.stop()  # running jobs go back to the queue
        db.dispose()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":  # python -m api.worker [SLOTS]
    sys.exit(run_worker(Settings(), int(sys.argv[1]) if len(sys.argv) > 1 else 1))
