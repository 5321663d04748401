"""GET /v1/jobs/{job_id}/tables/{table}: a succeeded job's result as one CSV or Parquet table.

For the job kinds with tables (``freight.tables``: assignment, conversion-plan, fleet-plan,
fleet-route); the table names and columns are ``freight.tables.COLUMNS``.
"""

from __future__ import annotations

import io
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.errors import problem_responses
from api.jobs import service
from api.security import ROLES, Principal, require_role
from freight.errors import InputError, NotFoundError
from freight.tables import COLUMNS, TABLE_BUILDERS

router = APIRouter(tags=["jobs"], responses=problem_responses(401, 403, 404, 409, 422, 429))

MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


@router.get(
    "/v1/jobs/{job_id}/tables/{table}",
    operation_id="getJobTable",
    summary="One table of a job's result as CSV (default) or Parquet",
    response_class=Response,
    responses={200: {"content": {MEDIA["csv"]: {"schema": {"type": "string"}},
                                 MEDIA["parquet"]: {"schema": {"type": "string",
                                                               "format": "binary"}}}}},
)  # fmt: skip
def get_job_table(
    request: Request,
    job_id: str = Path(max_length=36, description="job id (UUID)"),
    table: str = Path(max_length=32, description="e.g. flows, utilization, vehicles"),
    fmt: Literal["csv", "parquet"] = Query("csv", alias="format"),
    principal: Principal = Depends(require_role(*ROLES)),
) -> Response:
    job, result = service.get_result(request.app.state.db, job_id, principal)
    build = TABLE_BUILDERS.get(job.kind)
    if build is None:
        raise InputError(f"job kind {job.kind!r} has no tables; kinds with tables: "
                         f"{', '.join(sorted(TABLE_BUILDERS))}")  # fmt: skip
    if table not in COLUMNS[job.kind]:
        raise NotFoundError(f"job kind {job.kind!r} has no table {table!r}; tables: "
                            f"{', '.join(COLUMNS[job.kind])}")  # fmt: skip
    df = build(result)[table]
    if fmt == "csv":
        body: bytes = df.to_csv(index=False).encode("utf-8")
    else:
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        body = buf.getvalue()
    name = f"{job.kind}-{job_id[:8]}-{table}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=MEDIA[fmt], headers=headers)
