"""Health, problem+json for every error class, request ids, no traces to clients."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter

from api.errors import json_path
from freight.errors import (
    DataError,
    FieldIssue,
    InfeasibleError,
    InputError,
    NotFoundError,
    SolverError,
)

pytestmark = pytest.mark.db


def test_health_on_both_databases(db_url: str, make_client) -> None:
    c = make_client(db_url)
    r = c.get("/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
    assert len(r.headers["x-request-id"]) >= 8


def test_request_id_is_echoed_and_unknown_paths_are_problems(client) -> None:
    r = client.get("/v1/nowhere", headers={"X-Request-ID": "abc123"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "abc123"
    body = r.json()
    assert body["request_id"] == "abc123"
    assert body["instance"] == "/v1/nowhere"
    assert {"type", "title", "status", "detail"} <= set(body)
    r = client.put("/v1/health")
    assert r.status_code == 405 and r.json()["status"] == 405


def _boom_router() -> APIRouter:
    router = APIRouter()
    errors = {
        "input": InputError("bad cargo", issues=[FieldIssue("$.cargo.quantity", "must be > 0")]),
        "notfound": NotFoundError("unknown node id 'x'"),
        "infeasible": InfeasibleError("no plan", binding=["capacity:kuytun_west"]),
        "data": DataError("nodes.csv row 3: lat missing"),
        "solver": SolverError("solver crashed"),
    }

    @router.get("/test/raise/{what}")
    def raise_it(what: str) -> dict:
        if what in errors:
            raise errors[what]
        raise RuntimeError("secret internal detail /etc/passwd")

    return router


@pytest.mark.parametrize(
    ("what", "status", "code"),
    [
        ("input", 422, "invalid-input"),
        ("notfound", 404, "not-found"),
        ("infeasible", 422, "infeasible"),
        ("data", 500, "invalid-data"),
        ("solver", 500, "solver-error"),
    ],
)
def test_freight_errors_map_to_statuses(make_client, what: str, status: int, code: str) -> None:
    c = make_client(raise_server_exceptions=False)
    c.app.include_router(_boom_router())
    r = c.get(f"/test/raise/{what}")
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"].endswith("/" + code)
    if what == "input":
        assert body["errors"] == [{"loc": "$.cargo.quantity", "msg": "must be > 0"}]
    if what == "infeasible":
        assert body["binding"] == ["capacity:kuytun_west"]
    if status >= 500:  # the service's fault: a fixed sentence, no file names or internals
        assert "nodes.csv" not in r.text and "crashed" not in r.text
        assert body["request_id"] in body["detail"]


def test_unexpected_exception_is_500_without_trace_but_logged(make_client, caplog) -> None:
    c = make_client(raise_server_exceptions=False)
    c.app.include_router(_boom_router())
    logger = logging.getLogger("api.errors")
    logger.addHandler(caplog.handler)
    try:
        r = c.get("/test/raise/other", headers={"X-Request-ID": "rid-500"})
    finally:
        logger.removeHandler(caplog.handler)
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "rid-500"
    text = r.text
    assert "Traceback" not in text and "secret internal detail" not in text
    assert "rid-500" in r.json()["detail"]
    logged = [rec for rec in caplog.records if getattr(rec, "request_id", None) == "rid-500"]
    assert logged and logged[0].exc_info is not None


def test_validation_errors_carry_json_paths(client, key_for) -> None:
    h = key_for(client, "planner")
    r = client.post("/v1/jobs", json={"params": {}}, headers=h)
    assert r.status_code == 422
    assert {"loc": "$.kind", "msg": "Field required"} in r.json()["errors"]
    r = client.post(
        "/v1/jobs",
        json={"kind": "network-resilience", "params": {"samples": 0, "pairs": [["a"]]}},
        headers=h,
    )
    assert r.status_code == 422
    locs = {e["loc"] for e in r.json()["errors"]}
    assert "$.params.samples" in locs and any(loc.startswith("$.params.pairs[0]") for loc in locs)
    r = client.post(
        "/v1/jobs", content=b"{not json", headers={**h, "content-type": "application/json"}
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = client.get("/v1/jobs?limit=0", headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "query.limit"


def test_json_path_rendering() -> None:
    assert json_path(("body", "cargo", "items", 0, "qty")) == "$.cargo.items[0].qty"
    assert json_path(("query", "limit")) == "query.limit"
    assert json_path(("body",)) == "$"


def test_metrics_exposes_requests_and_jobs(client) -> None:
    client.get("/v1/health")
    text = client.get("/metrics").text
    assert 'freight_http_requests_total{method="GET",route="/v1/health",status="200"}' in text
    assert "freight_http_request_duration_seconds_bucket" in text
    assert "# TYPE freight_jobs gauge" in text


def test_logs_are_json_lines_with_request_id() -> None:
    import json

    from api.observability.logs import JsonFormatter

    rec = logging.LogRecord("api.access", logging.INFO, __file__, 1, "request", (), None)
    rec.request_id = "r1"
    rec.status = 200
    line = json.loads(JsonFormatter().format(rec))
    assert line["msg"] == "request" and line["request_id"] == "r1" and line["status"] == 200
    assert line["level"] == "INFO" and line["ts"].endswith("Z")


def test_server_data_error_is_logged_with_the_request_id(make_client, caplog) -> None:
    c = make_client(raise_server_exceptions=False)
    c.app.include_router(_boom_router())
    logger = logging.getLogger("api.errors")
    logger.addHandler(caplog.handler)
    try:
        r = c.get("/test/raise/data", headers={"X-Request-ID": "rid-data"})
    finally:
        logger.removeHandler(caplog.handler)
    assert r.status_code == 500 and "nodes.csv" not in r.text
    logged = [rec for rec in caplog.records if getattr(rec, "request_id", None) == "rid-data"]
    assert logged and "nodes.csv row 3: lat missing" in logged[0].getMessage()


class _Conn:
    def __init__(self) -> None:
        self.sent: list[tuple[object, ...]] = []

    def send(self, msg: tuple[object, ...]) -> None:
        self.sent.append(msg)

    def close(self) -> None:
        pass


def _raise_data(params: dict, progress: object) -> dict:
    raise DataError("/srv/secret/nodes.csv row 3: lat missing")


def _raise_infeasible(params: dict, progress: object) -> dict:
    raise InfeasibleError("no plan", binding=["capacity:t1"])


@pytest.mark.parametrize(
    ("runner", "status", "code"),
    [("_raise_data", 500, "invalid-data"), ("_raise_infeasible", 422, "infeasible")],
)
def test_job_failures_use_the_same_mapping(runner: str, status: int, code: str) -> None:
    from api.errors import problem_for
    from api.jobworker import child_main

    conn = _Conn()
    child_main(f"{__name__}:{runner}", {}, conn)
    kind, error = conn.sent[-1]
    assert kind == "error"
    assert isinstance(error, dict) and error["status"] == status and error["code"] == code
    assert error["type"].endswith("/" + code)
    assert "/srv/secret" not in str(error)
    exc = DataError("x") if code == "invalid-data" else InfeasibleError("no plan", binding=["b"])
    assert error["detail"] == problem_for(exc).detail
    if code == "infeasible":
        assert error["binding"] == ["capacity:t1"]


def test_rate_limit_answer_is_a_problem(make_client) -> None:
    c = make_client(rate_limits="anonymous=1/minute", rate_limit_url="memory:")
    assert c.get("/v1/health").status_code == 200
    r = c.get("/v1/health", headers={"X-Request-ID": "rid-429"})
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) >= 1
    body = r.json()
    assert body["type"].endswith("/too-many-requests") and body["request_id"] == "rid-429"
    assert body["instance"] == "/v1/health"


def test_broken_network_data_stops_the_start_with_the_file_named(
    make_client, tmp_path, monkeypatch, capsys
) -> None:
    import shutil

    from api.main import StartupError
    from freight.network.loader import default_network
    from freight.paths import network_dir

    net = tmp_path / "net"
    shutil.copytree(network_dir(), net)
    lines = (net / "nodes.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("lat")] = "north"
    (net / "nodes.csv").write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    monkeypatch.setenv("FREIGHT_NETWORK_DIR", str(net))
    default_network.cache_clear()
    try:
        with pytest.raises(StartupError, match=r"nodes\.csv:row 2:lat"):
            make_client()
    finally:
        default_network.cache_clear()
    logged = capsys.readouterr().err  # the JSON log line, with the trace
    assert '"level": "CRITICAL"' in logged and "nodes.csv:row 2:lat" in logged
