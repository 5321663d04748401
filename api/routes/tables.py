"""GET /v1/jobs/{job_id}/tables/{table}: a succeeded job's result as one CSV or Parquet table.

For the job kinds with tables (``freight.tables``: assignment, conversion-plan, fleet-plan,
fleet-route); the table names and columns are ``freight.tables.COLUMNS``.
"""

from __future__ import annotations

import io
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.errors import problem_responses
from api.jobs import service
from api.security import ROLES, Principal, require_role
from freight.errors import InputError, NotFoundError
from freight.tables import COLUMNS, TABLE_BUILDERS

router = APIRouter(tags=["jobs"], responses=problem_responses(401, 403, 404, 409, 422, 429))

MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
#: OpenAPI ``content`` of a table answer.
TABLE_CONTENT: dict[str, Any] = {
    MEDIA["csv"]: {"schema": {"type": "string"}},
    MEDIA["parquet"]: {"schema": {"type": "string", "format": "binary"}},
}


@router.get(
    "/v1/jobs/{job_id}/tables/{table}",
    operation_id="getJobTable",
    summary="One table of a job's result as CSV (default) or Parquet",
    response_class=Response,
    responses={200: {"content": TABLE_CONTENT}},
)  # fmt: skip
def get_job_table(
    request: Request,
    job_id: str = Path(max_length=36, description="job id (UUID)"),
    table: str = Path(max_length=32, description="e.g. flows, utilization, vehicles"),
    fmt: Literal["csv", "parquet"] = Query("csv", alias="format"),
    principal: Principal = Depends(require_role(*ROLES)),
) -> Response:
    job, result = service.get_result(request.app.state.db, job_id, principal)
    return table_response(job.kind, job_id, result, table, fmt)


def table_response(kind: str, job_id: str, result: dict[str, Any], table: str | None,
                   fmt: str) -> Response:  # fmt: skip
    """One table (default: the kind's first) of a job result, as CSV or Parquet."""
    build = TABLE_BUILDERS.get(kind)
    if build is None:
        raise InputError(f"job kind {kind!r} has no tables; kinds with tables: "
                         f"{', '.join(sorted(TABLE_BUILDERS))}")  # fmt: skip
    table = table or next(iter(COLUMNS[kind]))
    if table not in COLUMNS[kind]:
        raise NotFoundError(f"job kind {kind!r} has no table {table!r}; tables: "
                            f"{', '.join(COLUMNS[kind])}")  # fmt: skip
    return frame_response(build(result)[table], fmt, f"{kind}-{job_id[:8]}-{table}")


def frame_response(
    df: pd.DataFrame, fmt: str, stem: str, headers: dict[str, str] | None = None
) -> Response:
    """``df`` as a CSV (UTF-8, header row even when empty) or Parquet attachment
    ``<stem>.<fmt>``; ``headers`` are added to the answer."""
    if fmt == "csv":
        body: bytes = df.to_csv(index=False).encode("utf-8")
    else:
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        body = buf.getvalue()
    disposition = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    return Response(body, media_type=MEDIA[fmt], headers={**disposition, **(headers or {})})
