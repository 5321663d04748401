"""The OpenAPI contract: versioned under /v1, problem+json errors, keys marked, examples."""

from __future__ import annotations


def test_schema_is_complete(client) -> None:
    r = client.get("/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert client.get("/v1/docs").status_code == 200
    paths = schema["paths"]
    assert all(p.startswith("/v1/") or p == "/metrics" for p in paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            responses = op["responses"]
            ok = [s for s in responses if s.startswith("2")]
            assert ok, (method, path)
            for status in ("422", "429", "500"):
                content = responses[status]["content"]
                assert "application/problem+json" in content, (method, path, status)
            assert "HTTPValidationError" not in str(responses)
    # writes and job starts declare the bearer scheme and their roles
    for path, method in [
        ("/v1/jobs", "post"),
        ("/v1/network/resilience", "post"),
        ("/v1/keys", "post"),
    ]:
        assert paths[path][method]["security"] == [{"bearer": []}]
        assert paths[path][method]["x-roles"]
    assert "security" not in paths["/v1/network"]["get"]
    comps = schema["components"]["schemas"]
    assert comps["Problem"]["examples"] and comps["JobAccepted"]["examples"]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_job_kinds_are_listed_with_schemas(client) -> None:
    kinds = {k["kind"]: k for k in client.get("/v1/job-kinds").json()}
    res = kinds["network-resilience"]
    assert res["roles"] == ["planner"] and res["max_time_limit_s"] == 600
    assert "samples" in res["params_schema"]["properties"]
