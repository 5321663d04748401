"""Keys and roles (hashed at rest), 401/403 as problem+json, rate limits, the keys CLI."""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.db import ApiKey
from api.observability.ratelimit import MemoryBuckets
from api.settings import RateLimit, parse_rate_limits
from freight.cli.main import app as cli

pytestmark = pytest.mark.db

JOB = {"kind": "network-resilience", "params": {"samples": 5}}


def test_write_endpoints_need_a_key_with_the_right_role(db_url, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    r = c.post("/v1/jobs", json=JOB)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = c.post("/v1/jobs", json=JOB, headers={"Authorization": "Bearer kfo_wrong"})
    assert r.status_code == 401
    r = c.post("/v1/jobs", json=JOB, headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    r = c.post("/v1/jobs", json=JOB, headers=key_for(c, "operator"))
    assert r.status_code == 403 and "operator" in r.json()["detail"]
    for role in ("planner", "platform", "admin"):
        assert c.post("/v1/jobs", json=JOB, headers=key_for(c, role)).status_code == 202
    # key administration: admin only
    body = {"role": "operator", "name": "depot tablet"}
    assert c.post("/v1/keys", json=body, headers=key_for(c, "platform")).status_code == 403
    made = c.post("/v1/keys", json=body, headers=key_for(c, "admin", "root"))
    assert made.status_code == 201
    secret = made.json()["key"]
    # open endpoints stay open
    assert c.get("/v1/health").status_code == 200
    assert c.get("/v1/network").status_code in (200, 503)
    # stored hashed only
    with c.app.state.db.read() as s:
        rows = s.scalars(select(ApiKey)).all()
        assert all(secret not in (r.key_sha256, r.prefix, r.name) for r in rows)
        assert all(len(r.key_sha256) == 64 for r in rows)
    # revoke -> 401
    admin = key_for(c, "admin", "root2")
    kid = made.json()["id"]
    assert c.delete(f"/v1/keys/{kid}", headers=admin).json()["revoked_at"]
    r = c.get("/v1/jobs", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401
    assert c.delete("/v1/keys/999999", headers=admin).status_code == 404


def test_rate_limits_answer_429_with_retry_after(make_client, key_for) -> None:
    c = make_client(rate_limits="anonymous=3/minute,key=5/minute")
    refused_before = _rate_limited(c.get("/metrics").text)  # metrics are per process
    codes = [c.get("/v1/health").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = c.get("/v1/health")
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) >= 1
    assert r.json()["status"] == 429 and r.headers["x-request-id"]
    h = key_for(c, "planner")  # keys have their own, larger bucket
    codes = [c.get("/v1/jobs", headers=h).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert _rate_limited(c.get("/metrics").text) == refused_before + 3  # /metrics is exempt


def _rate_limited(metrics_text: str) -> float:
    found = re.search(r"^freight_rate_limited_total (\S+)$", metrics_text, re.M)
    assert found, "freight_rate_limited_total missing"
    return float(found.group(1))


def test_token_bucket_refills() -> None:
    b = MemoryBuckets(RateLimit(2, 1.0))
    t0 = time.monotonic()
    assert b.take_at("x", t0) == 0 and b.take_at("x", t0) == 0
    wait = b.take_at("x", t0)
    assert 0 < wait <= 0.5
    assert b.take_at("x", t0 + 0.6) == 0


def test_rate_limit_setting_parsing() -> None:
    assert not parse_rate_limits("off").enabled
    rl = parse_rate_limits("anonymous=10/second, key=600/minute")
    assert rl.anonymous == RateLimit(10, 1.0) and rl.key == RateLimit(600, 60.0)
    with pytest.raises(ValueError, match="FREIGHT_RATE_LIMITS"):
        parse_rate_limits("lots")


def test_keys_cli_create_list_revoke(db_url, make_client, monkeypatch) -> None:
    monkeypatch.setenv("FREIGHT_DATABASE_URL", db_url)
    from api.settings import get_settings

    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = runner.invoke(cli, ["keys", "create", "--role", "planner", "--name", "ops"])
        assert out.exit_code == 0, out.output
        secret = out.output.strip().splitlines()[-1]
        assert secret.startswith("kfo_") and len(secret) > 40
        c = make_client(db_url, run_jobs=False)
        auth = {"Authorization": f"Bearer {secret}"}
        assert c.post("/v1/jobs", json=JOB, headers=auth).status_code == 202
        org = runner.invoke(cli, ["keys", "create", "--role", "operator", "--name", "ann",
                                  "--org", "Kuytun Park"])  # fmt: skip
        assert org.exit_code == 0 and "org=Kuytun Park" in org.output, org.output
        listed = runner.invoke(cli, ["keys", "list", "--json"])
        assert {k["name"]: k["org"] for k in json.loads(listed.output)} == {
            "ops": "ops",
            "ann": "Kuytun Park",
        }  # the organisation defaults to the key's name
        listed = runner.invoke(cli, ["keys", "list"])
        assert "ops" in listed.output and secret not in listed.output
        bad = runner.invoke(cli, ["keys", "create", "--role", "king", "--name", "x"])
        assert bad.exit_code == 2 and "Traceback" not in bad.output
        kid = listed.output.split()[0]
        assert runner.invoke(cli, ["keys", "revoke", kid]).exit_code == 0
        assert c.get("/v1/jobs", headers=auth).status_code == 401
        assert runner.invoke(cli, ["keys", "revoke", "9999"]).exit_code == 2
    finally:
        get_settings.cache_clear()
