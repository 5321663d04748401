"""Matching API: pool, rounds, accept/decline, bad input; concurrent rounds on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.db import Database
from api.security import create_key
from freight.matching.generate import random_round
from freight.matching.io import load_to_dict, vehicle_to_dict
from freight.network.loader import default_network
from tests.freight.matching.pairs import BACK, OUT
from tests.freight.matching.pairs import TRUCK as VEHICLE

pytestmark = pytest.mark.db

NET = default_network()


def _pool(n_loads: int, n_veh: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    r = random_round(NET, n_loads, n_veh, seed)
    loads = [{k: v for k, v in load_to_dict(x).items() if k != "posted_at"} for x in r.loads]
    return [vehicle_to_dict(v) for v in r.vehicles], loads


def test_round_contract_accept_decline(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    h = key_for(client, "operator")
    assert client.post("/v1/matching/vehicles", json=VEHICLE).status_code == 401
    assert (
        client.post(
            "/v1/matching/vehicles", json=VEHICLE, headers=key_for(client, "planner")
        ).status_code
        == 403
    )
    assert client.post("/v1/matching/vehicles", json=VEHICLE, headers=h).status_code == 200
    r = client.post("/v1/matching/loads/batch", json={"items": [OUT, BACK]}, headers=h)
    assert r.status_code == 200 and r.json()["stored"] == 2
    # naive times are Beijing time
    naive = {**VEHICLE, "id": "T2", "available_from": "2025-06-02T06:00:00", "location": "wusu"}
    got = client.post("/v1/matching/vehicles", json=naive, headers=h).json()
    assert got["available_from"] == "2025-06-02T06:00:00+08:00"
    r = client.post("/v1/matching/rounds", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"id", "assignments", "unmatched", "kpis", "wall_s"}
    assert set(body["kpis"]) >= {"loads", "matched", "empty_km", "loaded_km", "empty_share"}
    (a,) = body["assignments"]
    assert set(a) >= {
        "id",
        "vehicle",
        "loads",
        "plan",
        "empty_km",
        "loaded_km",
        "cost_cny",
        "revenue_cny",
    }
    assert a["vehicle"] == "T1" and a["loads"] == ["out", "back"] and a["empty_km"] == 0
    assert set(a["plan"][0]) >= {"load", "pickup_at", "deliver_at", "empty_km", "loaded_km"}
    assert a["plan"][0]["pickup_at"].endswith("+08:00")
    assert a["revenue_cny"] == 1800
    # matched items left the pool: replacing or deleting them is a conflict
    assert client.get("/v1/matching/loads/out", headers=h).json()["status"] == "matched"
    r = client.post("/v1/matching/loads", json=OUT, headers=h)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert client.delete("/v1/matching/vehicles/T1", headers=h).status_code == 409
    # a second round finds nothing to match for T1
    again = client.post("/v1/matching/rounds", headers=h).json()
    assert again["assignments"] == [] and again["kpis"]["loads"] == 0
    # decline: back to the pool, and the pair is never proposed again
    d = client.post(f"/v1/matching/assignments/{a['id']}/decline", headers=h)
    assert d.status_code == 200 and d.json()["status"] == "declined"
    assert client.post(f"/v1/matching/assignments/{a['id']}/accept", headers=h).status_code == 409
    third = client.post("/v1/matching/rounds", headers=h).json()
    assert all(x["vehicle"] != "T1" for x in third["assignments"])
    t2 = [x for x in third["assignments"] if x["vehicle"] == "T2"]
    assert t2, third
    ok = client.post(f"/v1/matching/assignments/{t2[0]['id']}/accept", headers=h)
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    declined = {u["load"]: u["reason"] for u in third["unmatched"]}
    assert all(x in t2[0]["loads"] or declined.get(x) for x in ("out", "back"))
    # delete while open; then it is gone
    client.post("/v1/matching/vehicles", json={**VEHICLE, "id": "T9"}, headers=h)
    assert client.delete("/v1/matching/vehicles/T9", headers=h).status_code == 204
    assert client.get("/v1/matching/vehicles/T9", headers=h).status_code == 404


BAD = [
    ({**OUT, "origin": "atlantis"}, "$.items[1].origin"),
    ({**OUT, "pickup_until": "2025-06-02T05:00:00+08:00"}, "$.items[1].pickup_until"),
    ({**OUT, "cargo": {**OUT["cargo"], "quantity": -1}}, "$.items[1].cargo.quantity"),
    (
        {**OUT, "cargo": {"commodity": "coal", "form": "bulk", "quantity": 2, "unit": "teu"}},
        "$.items[1].cargo.unit",
    ),
    ({**BACK, "id": "good"}, "$.items[1].id"),  # duplicate of items[0]
]


@pytest.mark.parametrize(("bad", "path"), BAD)
def test_bad_batch_names_path_and_stores_nothing(db_url, make_client, key_for, bad, path) -> None:
    client = make_client(db_url)
    h = key_for(client, "platform")
    first = {**BACK, "id": "good"}
    r = client.post("/v1/matching/loads/batch", json={"items": [first, bad]}, headers=h)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert path in [e["loc"] for e in r.json()["errors"]], r.json()
    assert client.get("/v1/matching/loads/good", headers=h).status_code == 404


def test_batch_over_limit_refused(client, key_for) -> None:
    h = key_for(client, "admin")
    r = client.post("/v1/matching/loads/batch", json={"items": [OUT] * 10_001}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "$.items"


def test_concurrent_rounds_on_two_processes_never_share(pg_admin, live_server) -> None:
    """Two server processes on one PostgreSQL schema run rounds at once: no truck and no
    load ends up in two proposed assignments."""
    from tests.api.conftest import fresh_pg_schema

    with fresh_pg_schema(pg_admin) as url:
        a = live_server(url, FREIGHT_JOB_WORKERS="0")
        b = live_server(url, FREIGHT_JOB_WORKERS="0")
        _, secret = create_key(Database(url), "operator", "race")
        h = {"Authorization": f"Bearer {secret}"}
        for rep in range(3):
            vs, ls = _pool(120, 60, seed=rep)
            vs = [{**v, "id": f"r{rep}-{v['id']}"} for v in vs]
            ls = [{**x, "id": f"r{rep}-{x['id']}"} for x in ls]
            assert (
                httpx.post(
                    a.base + "/v1/matching/vehicles/batch",
                    json={"items": vs},
                    headers=h,
                    timeout=60,
                ).status_code
                == 200
            )
            assert (
                httpx.post(
                    b.base + "/v1/matching/loads/batch", json={"items": ls}, headers=h, timeout=60
                ).status_code
                == 200
            )

            def go(server: Any) -> dict:
                r = httpx.post(server.base + "/v1/matching/rounds", headers=h, timeout=120)
                assert r.status_code == 200, r.text
                return r.json()

            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(go, [a, b, a, b]))
            assert sum(x["kpis"]["matched"] for x in answers) > 0
        eng = create_engine(url)
        with eng.connect() as conn:
            rows = conn.execute(
                text("SELECT vehicle_id, data FROM matching_assignments WHERE status = 'proposed'")
            ).all()
            loads = Counter(
                x
                for _, d in rows
                for x in (d if isinstance(d, dict) else __import__("json").loads(d))["loads"]
            )
            trucks = Counter(v for v, _ in rows)
            matched = conn.execute(
                text("SELECT count(*) FROM matching_loads WHERE status = 'matched'")
            ).scalar()
        eng.dispose()
        assert loads and max(loads.values()) == 1
        assert max(trucks.values()) == 1
        assert matched == len(loads)


def test_large_round_runs_as_a_job(db_url, make_client, key_for, monkeypatch) -> None:
    import time

    import api.routes.matching as routes

    monkeypatch.setattr(routes, "SYNC_MAX_LOADS", 1)
    client = make_client(db_url)
    h = key_for(client, "operator")
    client.post("/v1/matching/vehicles", json=VEHICLE, headers=h)
    client.post("/v1/matching/loads/batch", json={"items": [OUT, BACK]}, headers=h)
    r = client.post("/v1/matching/rounds", headers=h)
    assert r.status_code == 202 and r.json()["status"] == "solving" and r.json()["job"]
    deadline = time.monotonic() + 60
    while True:
        got = client.get(f"/v1/matching/rounds/{r.json()['id']}", headers=h)
        if got.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert got.status_code == 200, got.text
    assert got.json()["assignments"][0]["loads"] == ["out", "back"]
    assert client.get("/v1/matching/loads/back", headers=h).json()["status"] == "matched"
    # reading it again does not claim twice
    assert client.get(f"/v1/matching/rounds/{r.json()['id']}", headers=h).json() == got.json()
    # the job's own result is typed like every job result
    res = client.get(f"/v1/jobs/{r.json()['job']}/result", headers=h)
    assert res.status_code == 200, res.text
    assert res.json()["kind"] == "matching-round"
    assert res.json()["result"]["assignments"][0]["loads"] == ["out", "back"]
