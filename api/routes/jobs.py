"""The job resource: POST /v1/jobs (generic), GET/DELETE /v1/jobs/{id}, its result, the list."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.errors import problem_responses
from api.jobs import job_kinds, service
from api.jobs.routing import IDEMPOTENCY_DOC, submit_job
from api.jobs.schemas import JobAccepted, JobOut, JobPage, JobResult, JobStatus, JobSubmit
from api.routes.tables import TABLE_CONTENT
from api.security import ROLES, Principal, require_role

router = APIRouter(
    tags=["jobs"], responses=problem_responses(400, 401, 403, 404, 409, 422, 429, 500)
)
any_key = require_role(*ROLES)
JOB_ID = Path(max_length=36, description="job id (UUID)")


@router.post(
    "/v1/jobs",
    status_code=202,
    response_model=JobAccepted,
    summary="Start a job of any registered kind",
    responses={202: {"headers": {"Location": {"schema": {"type": "string"}}}}},
)
def start_job(
    request: Request,
    body: JobSubmit,
    principal: Principal = Depends(any_key),
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=256, description=IDEMPOTENCY_DOC
    ),
) -> JSONResponse:
    return submit_job(
        request, body.kind, body.params, principal, idempotency_key, loc_prefix="$.params"
    )


class JobKindOut(BaseModel):
    kind: str
    description: str
    roles: list[str]
    default_time_limit_s: float
    max_time_limit_s: float
    params_schema: dict[str, Any] | None = Field(
        description="free-form: the JSON Schema of the kind's params"
    )


@router.get(
    "/v1/job-kinds",
    response_model=list[JobKindOut],
    summary="The kinds of job this service runs, with their parameter schemas",
)
def list_job_kinds() -> list[JobKindOut]:
    return [
        JobKindOut(
            kind=k.kind,
            description=k.description,
            roles=list(k.roles),
            default_time_limit_s=k.default_time_limit_s,
            max_time_limit_s=k.max_time_limit_s,
            params_schema=k.params_model.model_json_schema() if k.params_model else None,
        )
        for k in job_kinds()
    ]


@router.get("/v1/jobs", response_model=JobPage, summary="List jobs (newest first)")
def list_jobs(
    request: Request,
    principal: Principal = Depends(any_key),
    kind: str | None = Query(None, max_length=64),
    status: JobStatus | None = Query(None),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> JobPage:
    items, total = service.list_jobs(
        request.app.state.db, principal, kind=kind, status=status, limit=limit, offset=offset
    )
    nxt = None
    if offset + len(items) < total:
        q = f"limit={limit}&offset={offset + limit}"
        q += f"&kind={kind}" if kind else ""
        q += f"&status={status}" if status else ""
        nxt = f"/v1/jobs?{q}"
    return JobPage(items=items, total=total, limit=limit, offset=offset, next=nxt)


@router.get("/v1/jobs/{job_id}", response_model=JobOut, summary="A job's status and timings")
def get_job(
    request: Request, job_id: str = JOB_ID, principal: Principal = Depends(any_key)
) -> JobOut:
    return service.get(request.app.state.db, job_id, principal)


@router.get(
    "/v1/jobs/{job_id}/result",
    response_model=JobResult,
    summary="A succeeded job's result (409 while it is not succeeded)",
    responses={200: {"content": TABLE_CONTENT}},
)
def get_job_result(
    request: Request,
    job_id: str = JOB_ID,
    principal: Principal = Depends(any_key),
    fmt: Literal["json", "csv", "parquet"] = Query(
        "json", alias="format", description="csv/parquet: one table (GET .../tables/{table})"
    ),
    table: str | None = Query(None, max_length=32, description="with csv/parquet"),
    routes: bool = Query(
        False,
        description="fleet-plan jobs: also send the kept routes (each plan's `routes`; null "
        "without this, as they can run to megabytes a year). GET /v1/fleet/plans/{id}/routes"
        "?year=&season= serves one day's routes (JSON, GeoJSON, CSV or Parquet); the tables "
        "`routes` and `route_stops` hold them all. Other kinds ignore it.",
    ),
) -> Response:
    """The stored result as the solver wrote it (its model is the ``kind``'s in the schema;
    sent as stored, so a kind without a typed model yet is not refused). A fleet-plan
    result leaves its kept routes out (each plan's ``routes`` null) unless ``?routes=true``;
    ``GET /v1/fleet/plans/{id}/routes?year=&season=`` serves them one day at a time."""
    job, result = service.get_result(request.app.state.db, job_id, principal)
    if fmt != "json":
        from api.routes.tables import table_response

        return table_response(job.kind, job.id, result, table, fmt)
    if job.kind == "fleet-plan" and not routes:
        from api.routes.fleet_plans import without_routes

        result = without_routes(result)
    body = {"id": job.id, "kind": job.kind, "partial": bool(job.partial), "result": result}
    return JSONResponse(body)


@router.delete("/v1/jobs/{job_id}", response_model=JobOut, summary="Cancel a job")
def cancel_job(
    request: Request, job_id: str = JOB_ID, principal: Principal = Depends(any_key)
) -> JobOut:
    job = service.cancel(request.app.state.db, job_id, principal)
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake.set()
    return job
