"""Job kinds: name -> runner (``"freight.module:function"``), parameter model, limits, roles.

The runners themselves live in the domain packages (``freight/<package>/jobs.py`` and the
like): pure functions, JSON in and out, that know nothing of the queue. This registry only
says which runner a kind uses and how the API validates and authorises it. A process that
runs jobs without serving HTTP (``freight worker``) fills it with :func:`load_job_kinds`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from pydantic import BaseModel

from api.security import ROLES
from freight.errors import InputError


@dataclass(frozen=True)
class JobKind:
    """One kind of job. ``runner(params: dict, progress) -> dict`` runs in a worker process."""

    kind: str
    runner: str
    params_model: type[BaseModel] | None = None
    default_time_limit_s: float = 60.0
    max_time_limit_s: float = 3600.0
    roles: tuple[str, ...] = ("planner",)
    description: str = ""


_REGISTRY: dict[str, JobKind] = {}
#: Job runners are pure functions of the domain packages, never of the service.
RUNNER_PACKAGE = "freight"


def register_job_kind(
    kind: str,
    runner: str,
    *,
    params_model: type[BaseModel] | None = None,
    default_time_limit_s: float = 60.0,
    max_time_limit_s: float = 3600.0,
    roles: tuple[str, ...] = ("planner",),
    description: str = "",
) -> JobKind:
    """Register a job kind (idempotent for the same definition; a clash raises ValueError).

    ``runner`` is ``"freight.module:function"``: a pure, importable function
    ``(params: dict, progress: Callable[[float, str], None]) -> dict`` (JSON-ready). It
    should honour ``params["time_limit_s"]`` and put ``"partial": True`` in its result when
    the limit cut it short with a best-so-far answer.
    """
    if not kind or not kind.replace("-", "").replace("_", "").isalnum() or kind != kind.lower():
        raise ValueError(f"job kind {kind!r} must be a lowercase slug")
    if ":" not in runner:
        raise ValueError(f"runner {runner!r} must look like 'package.module:function'")
    if not runner.startswith(RUNNER_PACKAGE + "."):
        raise ValueError(
            f"runner {runner!r} of job kind {kind!r} must live in a domain package "
            f"({RUNNER_PACKAGE}.*): the API only queues and dispatches jobs"
        )
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(f"unknown roles {bad} for job kind {kind!r}")
    if not 0 < default_time_limit_s <= max_time_limit_s:
        raise ValueError("need 0 < default_time_limit_s <= max_time_limit_s")
    spec = JobKind(
        kind,
        runner,
        params_model,
        float(default_time_limit_s),
        float(max_time_limit_s),
        tuple(roles),
        description,
    )
    old = _REGISTRY.get(kind)
    if old is not None and old.runner != spec.runner:
        raise ValueError(f"job kind {kind!r} already registered with runner {old.runner}")
    _REGISTRY[kind] = spec
    return spec


def get_job_kind(kind: str) -> JobKind:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise InputError(
            f"unknown job kind {kind!r}; known: {', '.join(sorted(_REGISTRY)) or 'none'}"
        ) from None


def job_kinds() -> list[JobKind]:
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def load_job_kinds() -> list[JobKind]:
    """Import every ``api.routes`` module (each registers its kinds); returns all kinds.

    The API does this by building its app; a worker process calls it to know the same
    kinds without starting a server.
    """
    import api.routes

    for m in pkgutil.iter_modules(api.routes.__path__):
        if not m.name.startswith("_"):
            importlib.import_module(f"api.routes.{m.name}")
    return job_kinds()
