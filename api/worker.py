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
from types import FrameType

from api.db import connect_database
from api.jobs import load_job_kinds
from api.jobs.dispatcher import Dispatcher
from api.observability.logs import configure_logging
from api.settings import Settings

log = logging.getLogger("api.worker")

#: Printed on stdout once the worker claims jobs (scripts and tests wait for it).
READY = "freight worker ready"


def run_worker(
    settings: Settings, slots: int, poll_s: float = 0.5, wait_for_db_s: float = 60.0
) -> int:
    """Run jobs until SIGTERM/SIGINT; returns the exit status."""
    configure_logging(settings.log_level, settings.log_json)
    if slots < 1:
        raise ValueError("a worker needs at least one slot")
    db = connect_database(settings.database_url, wait_for_db_s)
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
