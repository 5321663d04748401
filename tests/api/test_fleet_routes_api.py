"""POST /v1/fleet/routes: sync answer for small problems, a job for large ones, 422 paths."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes.fleet_routes import EXAMPLE
from api.security import create_key
from api.settings import Settings
from freight.fleet.jobs import run as run_job
from freight.fleet.problem_json import parse_problem
from freight.fleet.result import FleetResult
from freight.fleet.verify import verify_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "demand_data" / "examples"


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}",
        run_jobs=False,
        seed_network=False,
        rate_limits="off",
    )
    app = create_app(settings)
    with TestClient(app) as c:
        _, key = create_key(app.state.db, "planner", "fleet-test")
        yield c, {"Authorization": f"Bearer {key}"}


def test_small_problem_is_answered_synchronously_and_verifies(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, auth = client
    body = json.loads((EXAMPLES / "fleet_small.json").read_text())
    body.update(time_limit_s=2, max_iterations=200)
    res = c.post("/v1/fleet/routes", json=body, headers=auth)
    assert res.status_code == 200, res.text
    ans = res.json()
    assert ans["status"] == "feasible"
    assert any("charge_at" in v for r in ans["routes"] for v in r["visits"])  # Karamay stop
    problem = parse_problem(
        {k: v for k, v in body.items() if k not in ("time_limit_s", "max_iterations")}
    )
    errs = verify_plan(problem, FleetResult.from_dict(ans))
    assert errs == []


def test_bad_input_is_422_with_json_path(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    body = copy.deepcopy(EXAMPLE)
    body["stops"][0]["window"] = ["14:00", "12:00"]
    res = c.post("/v1/fleet/routes", json=body, headers=auth)
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    assert "$.stops[0].window" in res.text
    res = c.post("/v1/fleet/routes", json={"stops": 3}, headers=auth)
    assert res.status_code == 422


def test_extra_fields_are_welcome(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    body = copy.deepcopy(EXAMPLE)
    body["operator_note"] = "winter day"
    body["stops"][0]["customer"] = "Kuytun No. 1 Middle School canteen"
    body["max_iterations"] = 50
    res = c.post("/v1/fleet/routes", json=body, headers=auth)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "feasible"


def test_auth_required(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    assert c.post("/v1/fleet/routes", json=EXAMPLE).status_code == 401


def test_large_problem_becomes_a_job(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    body = json.loads((EXAMPLES / "fleet_kuytun_200.json").read_text())
    body["time_limit_s"] = 5
    res = c.post("/v1/fleet/routes", json=body, headers=auth)
    assert res.status_code == 202, res.text
    assert res.headers["Location"].startswith("/v1/jobs/")
    assert res.json()["kind"] == "fleet-route"


def test_job_runner_solves(client: tuple[TestClient, dict[str, str]]) -> None:
    body = copy.deepcopy(EXAMPLE)
    body.update(time_limit_s=1, max_iterations=50)
    seen: list[str] = []
    out = run_job(body, lambda f, msg: seen.append(msg))
    assert out["status"] == "feasible" and out["partial"] is False
    assert seen[-1] == "done"


@pytest.mark.slow
def test_job_runs_end_to_end(tmp_path: Path) -> None:
    import time

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'jobs.db'}",
        run_jobs=True,
        job_workers=1,
        seed_network=False,
        rate_limits="off",
    )
    app = create_app(settings)
    with TestClient(app) as c:
        _, key = create_key(app.state.db, "operator", "fleet-job")
        auth = {"Authorization": f"Bearer {key}"}
        body = json.loads((EXAMPLES / "fleet_kuytun_200.json").read_text())
        body.update(time_limit_s=2, mode="job")
        res = c.post("/v1/fleet/routes", json=body, headers=auth)
        assert res.status_code == 202, res.text
        loc = res.headers["Location"]
        status = ""
        for _ in range(120):
            status = c.get(loc, headers=auth).json()["status"]
            if status in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.5)
        assert status == "succeeded"
        ans = c.get(loc + "/result", headers=auth).json()["result"]
    problem = parse_problem({k: v for k, v in body.items() if k not in ("time_limit_s", "mode")})
    assert verify_plan(problem, FleetResult.from_dict(ans)) == []
    assert ans["served"] + len(ans["unserved"]) == 200
