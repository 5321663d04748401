"""The ONE place where errors become HTTP answers: RFC 9457 ``application/problem+json``.

``freight.errors`` map as: InputError -> 422, NotFoundError -> 404, InfeasibleError -> 422
(with ``binding``), DataError -> 422, SolverError -> 500. Request validation -> 422 with
``errors: [{"loc": "$.cargo.quantity", "msg": ...}]``. API-level refusals (401, 403, 404,
409, 429, ...) are raised as :class:`ApiError`. Anything else -> 500 without a trace; the
trace is logged with the request id, which every answer carries in ``X-Request-ID``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from freight.errors import (
    DataError,
    FieldIssue,
    FreightError,
    InfeasibleError,
    InputError,
    NotFoundError,
    SolverError,
)

log = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://kuytun-freight.example/problems/"

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemIssue(BaseModel):
    loc: str = Field(description="JSON path (`$.a.b[0]`) of the bad field, or `query.x`")
    msg: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every 4xx/5xx answer of this API."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": TYPE_BASE + "validation-error",
                    "title": "Unprocessable content",
                    "status": 422,
                    "detail": "1 field(s) are invalid",
                    "instance": "/v1/jobs",
                    "request_id": "5f0c8a1e2b7d4c3a",
                    "errors": [{"loc": "$.params.samples", "msg": "Input should be > 0"}],
                }
            ]
        },
    )

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: list[ProblemIssue] | None = None
    binding: list[str] | None = None


class ApiError(Exception):
    """An HTTP-level refusal raised by routes and dependencies."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or _slug(_TITLES.get(status, "error"))
        self.title = title or _TITLES.get(status, "Error")
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def request_id_of(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid:
        return str(rid)
    return str(request.scope.get("state", {}).get("request_id", "-"))


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build one problem+json answer (``X-Request-ID`` included)."""
    rid = request_id_of(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + (code or _slug(_TITLES.get(status, "error"))),
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": rid,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    hdrs = {"X-Request-ID": rid, **dict(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=hdrs)


def json_path(loc: Sequence[Any]) -> str:
    """``("body", "cargo", "items", 0, "qty")`` -> ``$.cargo.items[0].qty``; ``query.x``."""
    parts = list(loc)
    if parts and parts[0] in ("query", "path", "header", "cookie"):
        head, rest = str(parts[0]), parts[1:]
        return head + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)
    if parts and parts[0] == "body":
        parts = parts[1:]
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _issues(issues: Iterable[FieldIssue]) -> list[dict[str, str]] | None:
    found = [{"loc": i.loc, "msg": i.message} for i in issues]
    return found or None


def freight_error_response(request: Request, exc: FreightError) -> JSONResponse:
    if isinstance(exc, NotFoundError):
        status = 404
    elif isinstance(exc, InputError | DataError | InfeasibleError):
        status = 422
    elif isinstance(exc, SolverError):
        status = 500
        log.error("solver error", extra={"request_id": request_id_of(request)}, exc_info=exc)
    else:
        status = 422
    binding = list(exc.binding) if isinstance(exc, InfeasibleError) else None
    title = {
        "not-found": "Not found",
        "invalid-input": "Invalid input",
        "invalid-data": "Invalid data",
        "infeasible": "Infeasible problem",
        "solver-error": "Solver error",
    }.get(exc.code, _TITLES.get(status, "Error"))
    return problem_response(
        request,
        status,
        exc.message,
        code=exc.code,
        title=title,
        errors=_issues(exc.issues),
        binding=binding,
    )


def _validation_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        loc = json_path(err.get("loc", ()))
        msg = str(err.get("msg", "invalid value"))
        errors.append({"loc": loc, "msg": msg})
    if not errors:
        errors = [{"loc": "$", "msg": "invalid request"}]
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:5])
    if len(errors) > 5:
        detail += f"; ... ({len(errors)} problems)"
    return problem_response(
        request, 422, detail, code="validation-error", title="Invalid request", errors=errors
    )


def _http_response(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    if exc.status_code == 400 and "parsing the body" in detail:
        return problem_response(
            request,
            422,
            "the request body is not valid JSON",
            code="validation-error",
            title="Invalid request",
            errors=[{"loc": "$", "msg": "the request body is not valid JSON (UTF-8)"}],
        )
    if exc.status_code == 405:
        detail = f"method {request.method} is not allowed on {request.url.path}"
    return problem_response(request, exc.status_code, detail, headers=exc.headers)


def _api_response(request: Request, exc: ApiError) -> JSONResponse:
    return problem_response(
        request,
        exc.status,
        exc.detail,
        code=exc.code,
        title=exc.title,
        headers=exc.headers,
        **exc.extra,
    )


def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    rid = request_id_of(request)
    log.error(
        "unhandled exception", extra={"request_id": rid, "path": request.url.path}, exc_info=exc
    )
    return problem_response(
        request,
        500,
        f"internal error; quote request id {rid} when reporting it",
        code="internal-error",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on ``app`` (called by ``create_app``)."""

    async def freight_h(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, FreightError)
        return freight_error_response(request, exc)

    async def validation_h(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation_response(request, exc)

    async def http_h(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return _http_response(request, exc)

    async def api_h(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _api_response(request, exc)

    async def any_h(request: Request, exc: Exception) -> JSONResponse:
        return _unhandled(request, exc)

    app.add_exception_handler(FreightError, freight_h)
    app.add_exception_handler(RequestValidationError, validation_h)
    app.add_exception_handler(StarletteHTTPException, http_h)
    app.add_exception_handler(ApiError, api_h)
    app.add_exception_handler(Exception, any_h)


STANDARD_PROBLEM_STATUSES = (400, 401, 403, 404, 422, 429, 500)


def document_problems(schema: dict[str, Any]) -> None:
    """Make every operation document problem+json for the standard error statuses.

    Replaces FastAPI's default 422 (HTTPValidationError), which this API never sends.
    """
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in schema.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            for status in STANDARD_PROBLEM_STATUSES:
                entry = responses.get(str(status))
                content = (entry or {}).get("content", {})
                default_422 = "HTTPValidationError" in str(content)
                if entry is None or default_422:
                    responses[str(status)] = {
                        "description": _TITLES.get(status, "Error"),
                        "content": {PROBLEM_MEDIA_TYPE: {"schema": ref}},
                    }
                elif PROBLEM_MEDIA_TYPE not in content:
                    entry.setdefault("content", {})[PROBLEM_MEDIA_TYPE] = {"schema": ref}
    schemas = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and unused not in str(schema.get("paths")):
            schemas.pop(unused)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json answers for ``statuses``."""
    return {
        s: {
            "model": Problem,
            "description": _TITLES.get(s, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }
