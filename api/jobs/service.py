"""Job operations on the database: submit (idempotent), read, list, cancel."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from api.db import Database, Job, as_utc, utcnow
from api.errors import ApiError, json_path
from api.jobs.registry import JobKind, get_job_kind
from api.jobs.schemas import FINISHED, JobErrorInfo, JobLinks, JobOut, JobTimings
from api.security import Principal
from freight.errors import FieldIssue, InputError, NotFoundError


def job_links(job_id: str) -> JobLinks:
    base = f"/v1/jobs/{job_id}"
    return JobLinks(self=base, result=base + "/result", cancel=base)


def job_out(job: Job) -> JobOut:
    created = as_utc(job.created_at)
    started = as_utc(job.started_at)
    finished = as_utc(job.finished_at)
    assert created is not None
    queued_s = (started - created).total_seconds() if started else None
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        progress=max(0.0, min(1.0, job.progress or 0.0)),
        message=job.message or "",
        partial=bool(job.partial),
        attempts=job.attempts,
        time_limit_s=job.time_limit_s,
        timings=JobTimings(
            created_at=created,
            started_at=started,
            finished_at=finished,
            queued_s=queued_s,
            run_s=job.run_seconds,
        ),
        error=JobErrorInfo(**job.error) if job.error else None,
        links=job_links(job.id),
    )


def validate_params(
    spec: JobKind, params: dict[str, Any] | BaseModel, prefix: str
) -> dict[str, Any]:
    """Validate ``params`` with the kind's model; errors name JSON paths under ``prefix``."""
    if isinstance(params, BaseModel):
        data = params.model_dump(mode="json")
    elif spec.params_model is not None:
        try:
            data = spec.params_model.model_validate(params).model_dump(mode="json")
        except ValidationError as exc:
            issues = [
                FieldIssue(prefix + json_path(e["loc"])[1:], str(e["msg"])) for e in exc.errors()
            ]
            raise InputError(
                f"invalid parameters for job kind {spec.kind!r}", issues=issues
            ) from None
    else:
        data = json.loads(json.dumps(params))
    limit = data.get("time_limit_s", spec.default_time_limit_s)
    if (
        not isinstance(limit, int | float)
        or isinstance(limit, bool)
        or not (0 < limit <= spec.max_time_limit_s)
    ):
        raise InputError(
            "time limit out of range",
            issues=[
                FieldIssue(
                    prefix + ".time_limit_s",
                    f"must be a number in (0, {spec.max_time_limit_s:g}] seconds",
                )
            ],
        )
    data["time_limit_s"] = float(limit)
    return data


def params_digest(kind: str, params: dict[str, Any]) -> str:
    canonical = json.dumps([kind, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit(
    db: Database,
    kind: str,
    params: dict[str, Any] | BaseModel,
    principal: Principal,
    idempotency_key: str | None = None,
    *,
    loc_prefix: str = "$",
) -> tuple[JobOut, bool]:
    """Store a queued job (committed before returning). Returns (job, replayed)."""
    spec = get_job_kind(kind)
    if not principal.has_role(*spec.roles):
        raise ApiError(
            403, f"role {principal.role!r} may not start {kind!r} jobs (needs {spec.roles})"
        )
    data = validate_params(spec, params, loc_prefix)
    digest = params_digest(kind, data)
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not idempotency_key or len(idempotency_key) > 256:
            raise ApiError(400, "Idempotency-Key must be 1..256 characters")
        found = _by_key(db, principal.scope, idempotency_key, digest)
        if found is not None:
            return found, True
    job = Job(
        id=str(uuid.uuid4()),
        kind=kind,
        status="queued",
        params=data,
        params_sha256=digest,
        idempotency_scope=principal.scope if idempotency_key else None,
        idempotency_key=idempotency_key,
        owner=principal.scope,
        progress=0.0,
        message="queued",
        time_limit_s=data["time_limit_s"],
        attempts=0,
        cancel_requested=False,
        partial=False,
        created_at=utcnow(),
    )
    try:
        with db.write() as s:
            s.add(job)
    except IntegrityError:
        if idempotency_key is None:
            raise
        found = _by_key(db, principal.scope, idempotency_key, digest)
        if found is None:  # pragma: no cover - the conflicting row vanished
            raise
        return found, True
    return job_out(job), False


def _by_key(db: Database, scope: str, key: str, digest: str) -> JobOut | None:
    with db.read() as s:
        row = s.scalar(
            select(Job).where(Job.idempotency_scope == scope, Job.idempotency_key == key)
        )
        if row is None:
            return None
        if row.params_sha256 != digest:
            raise ApiError(
                409,
                f"Idempotency-Key {key!r} was already used with a different request body "
                f"(job {row.id})",
                code="idempotency-conflict",
            )
        return job_out(row)


def _visible(job: Job | None, principal: Principal, job_id: str) -> Job:
    if job is None or not (principal.has_role("platform") or job.owner == principal.scope):
        raise NotFoundError(f"no job with id {job_id!r}")
    return job


def get(db: Database, job_id: str, principal: Principal) -> JobOut:
    with db.read() as s:
        return job_out(_visible(s.get(Job, job_id), principal, job_id))


def get_result(db: Database, job_id: str, principal: Principal) -> tuple[Job, dict[str, Any]]:
    with db.read() as s:
        job = _visible(s.get(Job, job_id), principal, job_id)
        if job.status != "succeeded" or job.result is None:
            detail = f"job {job_id} is {job.status}; no result"
            if job.error:
                detail += f": {job.error.get('detail', '')}"
            raise ApiError(409, detail, code="job-not-succeeded", extra={"job_status": job.status})
        return job, job.result


def cancel(db: Database, job_id: str, principal: Principal) -> JobOut:
    """Cancel a queued or running job (its worker process is terminated within ~1 s)."""
    with db.write() as s:
        job = _visible(s.get(Job, job_id), principal, job_id)
        if job.status in ("succeeded", "failed"):
            raise ApiError(
                409, f"job {job_id} already {job.status}; nothing to cancel", code="job-finished"
            )
        if job.status != "cancelled":
            job.status = "cancelled"
            job.cancel_requested = True
            job.finished_at = utcnow()
            job.message = "cancelled by the client"
        s.flush()
        return job_out(job)


def list_jobs(
    db: Database,
    principal: Principal,
    *,
    kind: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[JobOut], int]:
    q = select(Job)
    if not principal.has_role("platform"):
        q = q.where(Job.owner == principal.scope)
    if kind:
        q = q.where(Job.kind == kind)
    if status:
        q = q.where(Job.status == status)
    with db.read() as s:
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.scalars(
            q.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
        ).all()
        return [job_out(r) for r in rows], int(total)


def job_counts(db: Database) -> list[tuple[str, str, int, float]]:
    """(kind, status, count, summed run seconds) for /metrics."""
    with db.read() as s:
        rows = s.execute(
            select(Job.kind, Job.status, func.count(), func.coalesce(func.sum(Job.run_seconds), 0))
            .group_by(Job.kind, Job.status)
            .order_by(Job.kind, Job.status)
        ).all()
        return [(k, st, int(n), float(t or 0.0)) for k, st, n, t in rows]


__all__ = ["FINISHED", "submit", "get", "get_result", "cancel", "list_jobs", "job_counts"]
