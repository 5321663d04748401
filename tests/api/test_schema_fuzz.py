"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis).

No 5xx for any generated input, and every answer conforms to the schema (status codes,
content types, headers, bodies). Bounded: a few examples per operation. Jobs are stored but
not run (``run_jobs=False``) so random parameters do not start long solves.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.main import create_app
from api.security import create_key
from api.settings import Settings

_AUTH: dict[str, str] = {}
_DB_DIR = Path(tempfile.mkdtemp(prefix="freight-fuzz-"))
APP = create_app(
    Settings(
        database_url=f"sqlite:///{_DB_DIR / 'fuzz.sqlite3'}",
        run_jobs=False,
        rate_limits="off",
        log_level="ERROR",
    )
)
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def started_app() -> Iterator[None]:
    """Run the app's startup (migrations, network) once; schemathesis then calls it directly."""
    with TestClient(APP):
        _, secret = create_key(APP.state.db, "platform", "fuzzer")
        _AUTH["Authorization"] = f"Bearer {secret}"
        yield
    shutil.rmtree(_DB_DIR, ignore_errors=True)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case) -> None:
    case.call_and_validate(headers=_AUTH, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_without_key_never_fails_server_side(case) -> None:
    case.call_and_validate(checks=CHECKS)
