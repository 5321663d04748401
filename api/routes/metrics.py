"""GET /metrics: Prometheus text exposition (requests, latencies, jobs, solver time)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from api.errors import problem_responses
from api.jobs.schemas import JOB_STATUSES
from api.jobs.service import job_counts

router = APIRouter(tags=["service"], responses=problem_responses(500))


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> PlainTextResponse:
    lines = request.app.state.metrics.render()
    counts = job_counts(request.app.state.db)
    lines += [
        "# HELP freight_jobs Jobs in the database by kind and status.",
        "# TYPE freight_jobs gauge",
    ]
    seen = {(k, s) for k, s, _, _ in counts}
    kinds = sorted({k for k, _, _, _ in counts})
    for kind, status, n, _ in counts:
        lines.append(f'freight_jobs{{kind="{kind}",status="{status}"}} {n}')
    for kind in kinds:
        for status in JOB_STATUSES:
            if (kind, status) not in seen:
                lines.append(f'freight_jobs{{kind="{kind}",status="{status}"}} 0')
    lines += [
        "# HELP freight_solver_seconds_total Solver run time of finished jobs, by kind.",
        "# TYPE freight_solver_seconds_total counter",
    ]
    per_kind: dict[str, float] = {}
    for kind, _, _, secs in counts:
        per_kind[kind] = per_kind.get(kind, 0.0) + secs
    for kind, secs in sorted(per_kind.items()):
        lines.append(f'freight_solver_seconds_total{{kind="{kind}"}} {secs:.3f}')
    return PlainTextResponse(
        "\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8"
    )
