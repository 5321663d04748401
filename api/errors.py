"""The ONE error mapping: ``problem_for(exc)`` turns any exception into a :class:`Problem`.

Every error answer comes from here: the app's exception handlers (RFC 9457
``application/problem+json``), the request middleware (429 rate limit, 413 body too large)
and the job worker (a failed job's ``error``).

| exception | status | type (slug) |
| --- | --- | --- |
| ``InputError`` | 422 | ``invalid-input`` (+ ``errors``) |
| ``NotFoundError`` | 404 | ``not-found`` |
| ``ExpiredError`` (e.g. an expired offer) | 410 | ``expired`` / its own |
| ``ConflictError`` (e.g. a full train; ``resources`` names it) | 409 | ``conflict`` |
| ``InfeasibleError`` | 422 | ``infeasible`` (+ ``binding``) |
| ``DataError`` (a broken server-side data file) | 500 | ``invalid-data`` |
| ``SolverError`` | 500 | ``solver-error`` |
| request validation | 422 | ``validation-error`` (``errors: [{"loc": "$.cargo.quantity", ...}]``) |
| ``ApiError`` (401, 403, 409, 413, 429, ...) | its own | its own |
| anything else | 500 | ``internal-error`` |

``DataError`` and ``SolverError`` are the service's fault, not the caller's: their answer
says so in a fixed sentence (no file names, server paths or solver internals); the handler
logs the full message with the request id, which every answer carries in ``X-Request-ID``
and every 5xx ``detail`` quotes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from freight.errors import (
    ConflictError,
    DataError,
    ExpiredError,
    FieldIssue,
    FreightError,
    InfeasibleError,
    NotFoundError,
    SolverError,
)

log = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://kuytun-freight.example/problems/"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    410: "Gone",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}

_FREIGHT_TITLES = {
    "not-found": "Not found",
    "invalid-input": "Invalid input",
    "invalid-data": "Server data error",
    "infeasible": "Infeasible problem",
    "solver-error": "Solver error",
}

#: What a caller is told about errors that are the service's fault (details are logged).
SAFE_DETAIL = {
    "invalid-data": "a data file of the service is invalid; the request itself may be fine",
    "solver-error": "the solver failed on this request; this is not a fault of the input",
    "internal-error": "internal error",
}


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class Problem:
    """What an error answer says: status, ``type`` (slug ``code``), title, detail, issues.

    ``headers`` go on the HTTP answer (``Retry-After``, ``Allow``); ``extra`` are additional
    members of the problem body (e.g. the conflicting job id of a 409).
    """

    status: int
    code: str
    title: str
    detail: str
    errors: tuple[FieldIssue, ...] = ()
    binding: tuple[str, ...] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return TYPE_BASE + self.code

    @property
    def server_fault(self) -> bool:
        return self.status >= 500

    def body(self, *, instance: str, request_id: str) -> dict[str, Any]:
        """The RFC 9457 JSON body of an HTTP answer (a 5xx detail quotes the request id)."""
        detail = self.detail
        if self.server_fault:
            detail += f"; quote request id {request_id} when reporting it"
        out: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": detail,
            "instance": instance,
            "request_id": request_id,
        }
        if self.errors:
            out["errors"] = [{"loc": i.loc, "msg": i.message} for i in self.errors]
        if self.binding is not None:
            out["binding"] = list(self.binding)
        out.update({k: v for k, v in self.extra.items() if v is not None})
        return out

    def job_error(self) -> dict[str, Any]:
        """A failed job's ``error`` (``code``, ``status``, ``type``, ``title``, ``detail``...)."""
        out: dict[str, Any] = {
            "code": self.code,
            "status": self.status,
            "type": self.type,
            "title": self.title,
            "detail": self.detail,
            "errors": [{"loc": i.loc, "msg": i.message} for i in self.errors] or None,
        }
        if self.binding is not None:
            out["binding"] = list(self.binding)
        return out

    def response(self, *, instance: str, request_id: str) -> JSONResponse:
        """The HTTP answer: problem+json, ``X-Request-ID`` and the problem's headers."""
        return JSONResponse(
            self.body(instance=instance, request_id=request_id),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers={"X-Request-ID": request_id, **self.headers},
        )


class ApiError(Exception):
    """An HTTP-level refusal raised by routes, dependencies and the middleware."""

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
        self.code = code or _slug(TITLES.get(status, "error"))
        self.title = title or TITLES.get(status, "Error")
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class TooManyRequests(ApiError):
    """429 from the rate limiter; ``Retry-After`` in whole seconds (at least 1)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            429,
            f"rate limit exceeded; retry after {retry_after_s} s",
            headers={"Retry-After": str(retry_after_s)},
        )


class ContentTooLarge(ApiError):
    """413: the request body is larger than ``FREIGHT_MAX_BODY_BYTES``."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            413,
            f"the request body is larger than the limit of {limit_bytes} bytes",
            code="content-too-large",
        )


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


def problem_for(exc: BaseException) -> Problem:
    """The one mapping from an exception to what the caller is told."""
    if isinstance(exc, ApiError):
        return Problem(
            exc.status, exc.code, exc.title, exc.detail, headers=exc.headers, extra=exc.extra
        )
    if isinstance(exc, FreightError):
        return _freight_problem(exc)
    if isinstance(exc, RequestValidationError):
        return _validation_problem(exc)
    if isinstance(exc, StarletteHTTPException):
        return _http_problem(exc)
    return Problem(500, "internal-error", TITLES[500], SAFE_DETAIL["internal-error"])


def _freight_problem(exc: FreightError) -> Problem:
    title = _FREIGHT_TITLES.get(exc.code, "Error")
    if isinstance(exc, DataError | SolverError):
        return Problem(500, exc.code, title, SAFE_DETAIL[exc.code])
    if isinstance(exc, ExpiredError):
        return Problem(410, exc.code, "Gone", exc.message, exc.issues)
    if isinstance(exc, NotFoundError):
        return Problem(404, exc.code, title, exc.message, exc.issues)
    if isinstance(exc, ConflictError):
        extra = {"resources": list(exc.resources)} if exc.resources else {}
        return Problem(409, exc.code, "Conflict", exc.message, exc.issues, extra=extra)
    binding = exc.binding if isinstance(exc, InfeasibleError) else None
    return Problem(422, exc.code, title, exc.message, exc.issues, binding)


def _validation_problem(exc: RequestValidationError) -> Problem:
    issues = [
        FieldIssue(json_path(err.get("loc", ())), str(err.get("msg", "invalid value")))
        for err in exc.errors()
    ] or [FieldIssue("$", "invalid request")]
    detail = "; ".join(str(i) for i in issues[:5])
    if len(issues) > 5:
        detail += f"; ... ({len(issues)} problems)"
    return Problem(422, "validation-error", "Invalid request", detail, tuple(issues))


def _http_problem(exc: StarletteHTTPException) -> Problem:
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(status, "Error")
    headers = dict(exc.headers or {})
    if status == 400 and "parsing the body" in detail:
        msg = "the request body is not valid JSON (UTF-8)"
        return Problem(422, "validation-error", "Invalid request", msg, (FieldIssue("$", msg),))
    if status == 404 and detail == "Not Found":
        detail = "no resource at this path"
    elif status == 405:
        detail = "method not allowed on this path; allowed: " + headers.get("Allow", "none")
    title = TITLES.get(status, "Error")
    return Problem(status, _slug(title), title, detail, headers=headers)


# -- HTTP ------------------------------------------------------------------------------------


def request_id_of(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid:
        return str(rid)
    return str(request.scope.get("state", {}).get("request_id", "-"))


def log_server_fault(problem: Problem, exc: BaseException, request_id: str, path: str) -> None:
    """Log a 5xx with everything the answer leaves out (message, issues, trace)."""
    if problem.server_fault:
        log.error(
            f"{problem.code}: {exc}",
            extra={"request_id": request_id, "path": path, "problem": problem.code},
            exc_info=exc,
        )


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception through :func:`problem_for` (called by ``create_app``)."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        problem = problem_for(exc)
        rid = request_id_of(request)
        log_server_fault(problem, exc, rid, request.url.path)
        return problem.response(instance=request.url.path, request_id=rid)

    for kind in (FreightError, RequestValidationError, StarletteHTTPException, ApiError, Exception):
        app.add_exception_handler(kind, handler)


# -- OpenAPI ---------------------------------------------------------------------------------


class ProblemIssue(BaseModel):
    loc: str = Field(description="JSON path (`$.a.b[0]`) of the bad field, or `query.x`")
    msg: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every 4xx/5xx answer of this API (schema ``Problem``)."""

    model_config = ConfigDict(
        title="Problem",
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


STANDARD_PROBLEM_STATUSES = (400, 401, 403, 404, 413, 422, 429, 500)
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def document_problems(schema: dict[str, Any]) -> None:
    """Make every operation document problem+json for the standard error statuses.

    Replaces FastAPI's default 422 (HTTPValidationError), which this API never sends.
    """
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
                        "description": TITLES.get(status, "Error"),
                        "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
                    }
                elif PROBLEM_MEDIA_TYPE not in content:
                    entry.setdefault("content", {})[PROBLEM_MEDIA_TYPE] = {"schema": _PROBLEM_REF}
    schemas = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and unused not in str(schema.get("paths")):
            schemas.pop(unused)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json answers for ``statuses``."""
    return {
        s: {
            "description": TITLES.get(s, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        for s in statuses
    }
