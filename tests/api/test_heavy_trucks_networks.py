"""Heavy-truck plans on the network of each year, or a stored scenario's network on it:
``?scenario=`` of the API, ``--scenario`` of ``freight trucks plan|lanes``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import freight.trucks.jobs as truck_jobs
from api.db import Job
from api.settings import get_settings
from freight.cli.main import app
from freight.network.model import Network

URL = "/v1/heavy-trucks/plans"
NO_EAST_HUB = {
    "name": "no east hub",
    "base_year": 2030,
    "changes": [{"op": "remove", "table": "links", "id": "d_hub_east_industrial__j_312_e"},
                {"op": "remove", "table": "nodes", "id": "hub_east_industrial"}],
}  # fmt: skip


class _Plan:
    status = "optimal"

    def __init__(self, year: int) -> None:
        self.year = year

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "status": "optimal"}


@pytest.fixture()
def nets(monkeypatch: pytest.MonkeyPatch) -> dict[int, Network]:
    """The network each year's plan was given (the solver itself is not run)."""
    seen: dict[int, Network] = {}

    def plan_year(year: int, *, net: Network, **_: Any) -> _Plan:
        seen[year] = net
        return _Plan(year)

    def plan_years(first: int, last: int, *, networks: Any, **_: Any) -> list[_Plan]:
        for y in range(first, last + 1):
            seen[y] = networks(y)
        return [_Plan(y) for y in range(first, last + 1)]

    monkeypatch.setattr(truck_jobs, "plan_year", plan_year)
    monkeypatch.setattr(truck_jobs, "plan_years", plan_years)
    return seen


def test_each_year_on_its_network_or_the_scenarios(nets: dict[int, Network]) -> None:
    out = truck_jobs.run({"years": "2029-2030"})
    assert [p["network_year"] for p in out["plans"]] == [2029, 2030]
    assert out["network_scenario"] is None
    assert nets[2029].meta["year"] == "2029" and nets[2030].meta["year"] == "2030"
    assert "d_dushanzi__kuqa_g3033" not in nets[2029].links  # the G3033 opens in 2030
    assert "d_dushanzi__kuqa_g3033" in nets[2030].links
    patch = {"id": "sc-1", **{k: NO_EAST_HUB[k] for k in ("base_year", "changes")}}
    one = truck_jobs.run({"year": 2028, "network_scenario": patch})
    assert one["network_year"] == 2028 and one["network_scenario"] == "sc-1"
    assert nets[2028].meta["year"] == "2028" and "hub_east_industrial" not in nets[2028].nodes


def test_api_scenario_of_the_callers_org_goes_to_the_job(make_client, key_for) -> None:
    c = make_client(run_jobs=False)
    a, b = key_for(c, "planner", "org-a"), key_for(c, "planner", "org-b")
    sid = c.post("/v1/scenarios", json=NO_EAST_HUB, headers=a).json()["id"]
    r = c.post(f"{URL}?scenario={sid}", json={"year": 2030}, headers=a)
    assert r.status_code == 202, r.text
    with c.app.state.db.read() as s:
        row = s.get(Job, r.json()["id"])
        assert row is not None and row.params["network_scenario"]["id"] == sid
        ids = [ch["id"] for ch in row.params["network_scenario"]["changes"]]
        assert ids == ["d_hub_east_industrial__j_312_e", "hub_east_industrial"]
    assert c.post(f"{URL}?scenario={sid}", json={"year": 2030}, headers=b).status_code == 404
    plain = c.post(URL, json={"year": 2030}, headers=a)
    assert plain.status_code == 202
    with c.app.state.db.read() as s:
        row = s.get(Job, plain.json()["id"])
        assert row is not None and row.params.get("network_scenario") is None


@pytest.fixture()
def service_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The database the CLI looks stored scenarios up in (FREIGHT_DATABASE_URL)."""
    monkeypatch.setenv("FREIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'svc.sqlite3'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_scenario_file(nets: dict[int, Network], tmp_path: Path, service_db: None) -> None:
    path = tmp_path / "no-east-hub.json"
    path.write_text(json.dumps(NO_EAST_HUB), encoding="utf-8")
    r = CliRunner().invoke(app, ["trucks", "plan", "--year", "2031", "--scenario", str(path),
                                 "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["network_year"] == 2031 and out["network_scenario"] == "no east hub"
    assert "hub_east_industrial" not in nets[2031].nodes
    bad = CliRunner().invoke(app, ["trucks", "plan", "--year", "2031", "--scenario", "nope"])
    assert bad.exit_code == 2 and "no scenario 'nope'" in bad.output
