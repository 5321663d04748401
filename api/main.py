"""The FastAPI application: ``create_app()`` and the module-level ``app`` (uvicorn api.main:app).

Startup (lifespan): connect, run Alembic migrations, store the network at first start,
recover orphaned jobs and start the job dispatcher. Every module in ``api/routes/`` that
defines ``router`` is included automatically (sorted by module name), so a capability adds
its endpoints by adding one file there.
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.utils import generate_unique_id

import api.routes
from api.db import Database, run_migrations, startup_lock
from api.errors import ProblemDetails, document_problems, install_error_handlers
from api.jobs.dispatcher import Dispatcher
from api.network_store import load_snapshot, seed_network
from api.observability.logs import configure_logging
from api.observability.middleware import RequestMiddleware
from api.observability.ratelimit import RateLimiter
from api.settings import Settings, get_settings
from freight.errors import DataError

log = logging.getLogger("api")
VERSION = "0.1.0"

DESCRIPTION = """Kuytun Freight Optimizer API (奎屯多式联运货运优化).

* Open: `GET /v1/health`, `GET /v1/network*`, `POST /v1/routes`, the docs — rate-limited per client.
* Everything that starts a job or writes needs `Authorization: Bearer <key>` (roles operator,
  planner, platform, admin). Long solves are jobs: `POST` answers 202 + `Location`; poll
  `GET /v1/jobs/{id}`, fetch `/result`, cancel with `DELETE`. `Idempotency-Key` is honoured.
* Every error is `application/problem+json` (RFC 9457) with a `request_id`.
"""


#: Matched first (the router tries routes in order): the high-rate open endpoints.
#: The OpenAPI document keeps the sorted-by-module order.
_HOT_ROUTE_MODULES = ("api.routes.routes", "api.routes.health")


#: Short, stable operationIds (the names of a generated client's functions), one per
#: operation, keyed "METHOD /path". A route's own ``operation_id=`` wins; an operation in
#: neither place keeps FastAPI's long default, which tests/api/test_openapi_contracts.py
#: rejects. Documented in api/README.md.
OPERATION_IDS: dict[str, str] = {
    "GET /v1/health": "getHealth",
    "GET /v1/network": "getNetwork",
    "GET /v1/network/nodes/{node_id}": "getNetworkNode",
    "POST /v1/network/resilience": "startNetworkResilience",
    "POST /v1/routes": "createRouteQuery",
    "POST /v1/assignments": "startAssignment",
    "POST /v1/conversion-plans": "startConversionPlan",
    "POST /v1/fleet/routes": "solveFleetRoutes",
    "POST /v1/fleet/plans": "startFleetPlan",
    "GET /v1/fleet/plans/{job_id}/report": "getFleetPlanReport",
    "POST /v1/jobs": "createJob",
    "GET /v1/jobs": "listJobs",
    "GET /v1/job-kinds": "listJobKinds",
    "GET /v1/jobs/{job_id}": "getJob",
    "DELETE /v1/jobs/{job_id}": "cancelJob",
    "GET /v1/jobs/{job_id}/result": "getJobResult",
    "GET /v1/keys": "listKeys",
    "POST /v1/keys": "createKey",
    "DELETE /v1/keys/{key_id}": "revokeKey",
    "GET /metrics": "getMetrics",
}


def operation_id(route: APIRoute) -> str:
    """The operationId of ``route`` from ``OPERATION_IDS`` (FastAPI's default otherwise)."""
    for method in sorted(route.methods or ()):
        found = OPERATION_IDS.get(f"{method} {route.path_format}")
        if found:
            return found
    return generate_unique_id(route)


def _route_modules() -> list[str]:
    names = [
        m.name for m in pkgutil.iter_modules(api.routes.__path__) if not m.name.startswith("_")
    ]
    return [f"api.routes.{n}" for n in sorted(names)]


def _inclusion_order(modules: list[str]) -> list[str]:
    hot = [m for m in _HOT_ROUTE_MODULES if m in modules]
    return hot + [m for m in modules if m not in hot]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        app.state.db = db
        run_migrations(db)
        if settings.seed_network:
            _store_network(db)
        app.state.network = load_snapshot(db)
        # with 0 local slots, separate `freight worker` processes run (and recover) the jobs
        run_here = settings.run_jobs and settings.job_workers > 0
        dispatcher = Dispatcher(db, settings) if run_here else None
        app.state.dispatcher = dispatcher
        if dispatcher is not None:
            dispatcher.start()
        elif settings.run_jobs:
            log.info("no local solver slots: queued jobs wait for `freight worker` processes")
        # What startup made (modules, the network, the app) lives as long as the process: a
        # full garbage collection would scan it again and again (~0.3 s with every request
        # of the worker waiting); frozen, the collector only scans what requests allocate.
        gc.collect()
        gc.freeze()
        log.info(
            "service ready",
            extra={"database": db.engine.dialect.name, "job_workers": settings.job_workers},
        )
        try:
            yield
        finally:
            if dispatcher is not None:
                dispatcher.stop()
            db.dispose()
            gc.unfreeze()  # collectable again (tests start many apps in one process)

    app = FastAPI(
        title="Kuytun Freight Optimizer",
        version=VERSION,
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.network = None
    install_error_handlers(app)
    modules = _route_modules()
    doc_paths: list[str] = []  # path order of the OpenAPI document: sorted by module
    for name in modules:
        router = getattr(importlib.import_module(name), "router", None)
        if router is not None:
            doc_paths += [r.path for r in router.routes if hasattr(r, "path")]
    for name in _inclusion_order(modules):
        router = getattr(importlib.import_module(name), "router", None)
        if router is not None:
            app.include_router(router)
    app.add_middleware(
        RequestMiddleware,
        limiter=RateLimiter.from_settings(
            settings.rates, settings.rate_limit_url, settings.database_url
        ),
        max_body_bytes=settings.max_body_bytes,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        paths = schema.get("paths", {})
        order = {p: i for i, p in reversed(list(enumerate(doc_paths)))}
        schema["paths"] = dict(sorted(paths.items(), key=lambda kv: order.get(kv[0], len(order))))
        comps = schema.setdefault("components", {})
        comps.setdefault("schemas", {})["Problem"] = ProblemDetails.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        comps["schemas"].update(comps["schemas"]["Problem"].pop("$defs", {}))
        document_problems(schema)
        _document_security(app, schema)
        comps["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "API key"}
        }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


class StartupError(RuntimeError):
    """The service cannot start (the message says why and what to fix)."""


def _store_network(db: Database) -> None:
    """Store the shipped network; broken network data stops the start with the file named."""
    try:
        with startup_lock(db):
            seed_network(db)
    except DataError as exc:
        log.critical("the network data is invalid; the service does not start: %s", exc)
        raise StartupError(f"the network data is invalid; fix it and start again: {exc}") from None


def _roles_of(dependant: Any) -> tuple[str, ...] | None:
    for dep in dependant.dependencies:
        roles = getattr(dep.call, "freight_roles", None)
        if roles:
            return tuple(roles)
        found = _roles_of(dep)
        if found:
            return found
    return None


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's included-router wrapper
            found += _api_routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            found += _api_routes(route.routes)
    return found


def _document_security(app: FastAPI, schema: dict[str, Any]) -> None:
    """Mark operations that need a key: ``security`` plus ``x-roles`` (the admitted roles)."""
    for route in _api_routes(app.routes):
        roles = _roles_of(route.dependant)
        if not roles:
            continue
        for method in route.methods or ():
            op = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if op is not None:
                op["security"] = [{"bearer": []}]
                op["x-roles"] = list(roles)
                op["description"] = (
                    op.get("description", "")
                    + f"\n\nNeeds an API key with role: {', '.join(roles)} "
                    "(admin and platform keys are admitted too, except to key administration)."
                ).strip()


app = create_app()
