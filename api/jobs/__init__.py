"""The job framework: register a kind, add a POST route, and the service runs it.

Public API (see ``api/README.md``)::

    from api.jobs import register_job_kind, add_job_route, submit_job

Runners are pure functions ``(params: dict, progress) -> dict`` of the domain packages
(``freight.*``), run in worker processes; this package only validates, queues, dispatches and
stores. ``api.jobs.dispatcher.Dispatcher`` runs them, inside the API process
(``FREIGHT_JOB_WORKERS`` slots) and in separate ``freight worker`` processes alike.
"""

from api.jobs.registry import (
    JobKind,
    get_job_kind,
    job_kinds,
    load_job_kinds,
    register_job_kind,
)
from api.jobs.routing import accepted_response, add_job_route, submit_job
from api.jobs.schemas import JobAccepted, JobOut, JobPage, JobResult

__all__ = [
    "JobAccepted",
    "JobKind",
    "JobOut",
    "JobPage",
    "JobResult",
    "accepted_response",
    "add_job_route",
    "get_job_kind",
    "job_kinds",
    "load_job_kinds",
    "register_job_kind",
    "submit_job",
]
