"""``--network-scenario`` / ``--scenario`` of the planning CLIs: a scenario JSON file or a
scenario stored by the service (by name or id), as the API's ``?scenario=``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.db import Database, run_migrations
from api.scenario_store import create_scenario
from api.settings import get_settings
from freight.cli.main import app
from freight.clock import current_year

runner = CliRunner()
# the Northern Xinjiang line Wusu–Jinghe made 255 km longer: westbound rail costs more
LONG_WEST = {
    "name": "long-west",
    "base_year": 2026,
    "changes": [{"op": "update", "table": "links", "id": "r_wusu__jinghe",
                 "values": {"length_km": 400}}],
}  # fmt: skip
NO_EAST_HUB = {
    "name": "no east hub",
    "base_year": 2030,
    "changes": [{"op": "remove", "table": "links", "id": "d_hub_east_industrial__j_312_e"},
                {"op": "remove", "table": "nodes", "id": "hub_east_industrial"}],
}  # fmt: skip


@pytest.fixture()
def stored_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The service database the CLI reads stored scenarios from (FREIGHT_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'svc.sqlite3'}"
    monkeypatch.setenv("FREIGHT_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    run_migrations(db)
    yield db
    db.dispose()
    get_settings.cache_clear()


def _plan(args: list[str]) -> dict[str, Any]:
    r = runner.invoke(app, ["convert", "plan", "--time-limit", "20", "--json", *args])
    assert r.exit_code == 0, r.output
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def test_conversion_plan_on_a_network_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "long-west.json"
    path.write_text(json.dumps(LONG_WEST), encoding="utf-8")
    base = _plan(["--network-year", "2026"])
    other = _plan(["--network-scenario", str(path)])  # on its base year, 2026
    assert base["network_year"] == 2026 and base["network_scenario"] is None
    assert other["network_year"] == 2026 and other["network_scenario"] == "long-west"
    assert other["objective_cny"] > base["objective_cny"]  # longer rail hauls cost more
    assert other["kpis"]["co2_t"] > base["kpis"]["co2_t"]


def test_conversion_plan_defaults_to_the_current_year(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    nope = {"op": "update", "table": "links", "id": "nope", "values": {}}
    bad.write_text(json.dumps({**LONG_WEST, "changes": [nope]}), encoding="utf-8")
    r = runner.invoke(app, ["convert", "plan", "--network-scenario", str(bad)])
    assert r.exit_code == 2 and "$.changes[0].id" in r.output and "Traceback" not in r.output
    assert _plan([])["network_year"] == current_year()


def test_fleet_plan_takes_a_stored_scenario_by_name_or_id(
    stored_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import freight.fleet.plan as fleet_plan

    sc = create_scenario(stored_db, "org-a", "planner", NO_EAST_HUB)
    seen: list[Any] = []

    def fake_plan(year: int, params: Any, progress: Any, scenario: Any = None) -> Any:
        seen.append((year, scenario))
        raise fleet_plan_stop

    fleet_plan_stop = RuntimeError("stop after the arguments")
    monkeypatch.setattr(fleet_plan, "plan_fleet", fake_plan)
    for ref in ("no east hub", sc["id"]):
        r = runner.invoke(app, ["fleet", "plan", "--year", "2030", "--scenario", ref])
        assert r.exception is fleet_plan_stop, r.output
    assert [y for y, _ in seen] == [2030, 2030]
    for _, patch in seen:
        assert patch == {"id": sc["id"], "base_year": 2030, "changes": NO_EAST_HUB["changes"]}
    r = runner.invoke(app, ["fleet", "plan", "--year", "2030", "--scenario", "nope"])
    assert r.exit_code == 2 and "no scenario 'nope'" in r.output and "Traceback" not in r.output
    assert len(seen) == 2  # nothing planned
