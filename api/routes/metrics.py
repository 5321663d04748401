"""GET /metrics: Prometheus text exposition (requests of every worker, jobs, solver time)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from api.db import Database
from api.errors import problem_responses
from api.jobs.schemas import JOB_STATUSES
from api.jobs.service import job_counts
from api.observability import metrics as service_metrics

router = APIRouter(tags=["service"], responses=problem_responses(500))


class JobsCollector:
    """Jobs by kind and status and summed solver time, read from the database per scrape
    (the same figures whichever worker answers)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterable[Metric]:
        counts = job_counts(self.db)
        jobs = GaugeMetricFamily(
            "freight_jobs", "Jobs in the database by kind and status.", labels=["kind", "status"]
        )
        found = {(kind, status): n for kind, status, n, _ in counts}
        for kind in sorted({kind for kind, _, _, _ in counts}):
            for status in JOB_STATUSES:
                jobs.add_metric([kind, status], found.get((kind, status), 0))
        solver = CounterMetricFamily(
            "freight_solver_seconds",
            "Solver run time of finished jobs, by kind.",
            labels=["kind"],
        )
        per_kind: dict[str, float] = {}
        for kind, _, _, secs in counts:
            per_kind[kind] = per_kind.get(kind, 0.0) + secs
        for kind, secs in sorted(per_kind.items()):
            solver.add_metric([kind], secs)
        return [jobs, solver]


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    body = service_metrics.render(JobsCollector(request.app.state.db))
    return Response(body, media_type=service_metrics.CONTENT_TYPE)
