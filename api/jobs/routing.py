"""``add_job_route``: one line turns a parameter model into a job-starting POST endpoint.

(No ``from __future__ import annotations`` here: the endpoint's body annotation is the
caller's model, a runtime value FastAPI must see.)
"""

from enum import Enum
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.errors import problem_responses
from api.jobs import service
from api.jobs.registry import get_job_kind
from api.jobs.schemas import JobAccepted, JobOut
from api.network_params import SCENARIO_QUERY, YEAR_QUERY, network_params
from api.security import Principal, require_role


def accepted_response(job: JobOut, replayed: bool) -> JSONResponse:
    """202 + Location (the same answer when an Idempotency-Key replays a job)."""
    body = JobAccepted(id=job.id, kind=job.kind, status=job.status, links=job.links)
    headers = {"Location": job.links.self}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)


#: Media types of a plan job's report, by its ``format`` query parameter.
REPORT_MEDIA = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def report_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI answers of a plan job's report endpoint: Markdown or HTML, or a problem."""
    return {
        200: {
            "description": "The report, with inline SVG charts",
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(401, 404, 409, 422, 429, 500),
    }


def submit_job(
    request: Request,
    kind: str,
    params: dict[str, Any] | BaseModel,
    principal: Principal,
    idempotency_key: str | None = None,
    *,
    loc_prefix: str = "$",
) -> JSONResponse:
    """Persist a job of ``kind`` and answer 202 (for routes that build params themselves)."""
    job, replayed = service.submit(
        request.app.state.db, kind, params, principal, idempotency_key, loc_prefix=loc_prefix
    )
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake.set()
    return accepted_response(job, replayed)


IDEMPOTENCY_DOC = (
    "Optional. Repeating a POST with the same key and body returns the same job; "
    "the same key with another body is a 409."
)


def add_job_route(
    router: APIRouter,
    path: str,
    kind: str,
    *,
    summary: str,
    description: str = "",
    tags: list[str | Enum] | None = None,
    params_model: type[BaseModel] | None = None,
    network_query: bool = False,
    scenario_query: bool = False,
) -> None:
    """Add ``POST path`` whose JSON body is the kind's params model; it answers 202 with a job.

    Auth: a key with one of the kind's roles (401/403 otherwise). ``Idempotency-Key`` honoured.
    ``network_query``: the endpoint also takes ``?year=`` and ``?scenario=`` (the network
    the job runs on, :mod:`api.network_params`), set into the params' ``network_year`` and
    ``network_scenario``; ``scenario_query``: only ``?scenario=`` (a job whose own year
    is its network year).
    """
    spec = get_job_kind(kind)
    model = params_model or spec.params_model
    if model is None:
        raise ValueError(f"job kind {kind!r} has no params_model; pass params_model=")

    def endpoint(
        request: Request,
        body: model = Body(...),  # type: ignore[valid-type]
        principal: Principal = Depends(require_role(*spec.roles)),
        idempotency_key: str | None = Header(
            None, alias="Idempotency-Key", max_length=256, description=IDEMPOTENCY_DOC
        ),
    ) -> JSONResponse:
        return submit_job(request, kind, body, principal, idempotency_key)

    def network_endpoint(
        request: Request,
        body: model = Body(...),  # type: ignore[valid-type]
        principal: Principal = Depends(require_role(*spec.roles)),
        idempotency_key: str | None = Header(
            None, alias="Idempotency-Key", max_length=256, description=IDEMPOTENCY_DOC
        ),
        year: int | None = YEAR_QUERY,
        scenario: str | None = SCENARIO_QUERY,
    ) -> JSONResponse:
        params = body.model_dump(mode="json")  # type: ignore[attr-defined]
        params.update(network_params(request, principal, year, scenario))
        return submit_job(request, kind, params, principal, idempotency_key)

    def scenario_endpoint(
        request: Request,
        body: model = Body(...),  # type: ignore[valid-type]
        principal: Principal = Depends(require_role(*spec.roles)),
        idempotency_key: str | None = Header(
            None, alias="Idempotency-Key", max_length=256, description=IDEMPOTENCY_DOC
        ),
        scenario: str | None = SCENARIO_QUERY,
    ) -> JSONResponse:
        params = body.model_dump(mode="json")  # type: ignore[attr-defined]
        params.update(network_params(request, principal, None, scenario))
        return submit_job(request, kind, params, principal, idempotency_key)

    if network_query:
        endpoint = network_endpoint
    elif scenario_query:
        endpoint = scenario_endpoint
    endpoint.__name__ = "start_" + kind.replace("-", "_")
    router.add_api_route(
        path,
        endpoint,
        methods=["POST"],
        status_code=202,
        summary=summary,
        description=description or spec.description,
        tags=tags,
        response_model=JobAccepted,
        responses={
            202: {
                "description": "Job accepted; poll the Location",
                "headers": {"Location": {"schema": {"type": "string"}}},
            },
            **problem_responses(400, 401, 403, 404, 409, 422, 429, 500),
        },
    )
