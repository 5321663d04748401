"""Times: no offset means Beijing time whatever the server's TZ; answers carry +08:00.

Each scenario runs the service in a subprocess under ``TZ=UTC`` and ``TZ=America/New_York``
(the process's local zone must not leak into any answer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, tempfile
from fastapi.testclient import TestClient
import api.routes.routes as routes_mod
from api.main import create_app
from api.settings import Settings
from freight.routing import RoutingIndex
from freight.clock import current_year
from tests.freight.routing.helpers import corridor

routes_mod._by_year[current_year()] = RoutingIndex(corridor())
body = {"origin": "p", "destination": "d",
        "cargo": {"commodity": "steel", "form": "general", "quantity": 100, "unit": "t"}}
db = tempfile.mktemp(suffix=".sqlite3")
app = create_app(Settings(database_url=f"sqlite:///{db}", rate_limits="off",
                          log_level="WARNING", run_jobs=False, seed_network=False))
out = {}
with TestClient(app) as c:
    for name, ready in [("naive", "2025-03-03T16:00:00"), ("zulu", "2025-03-03T08:00:00Z"),
                        ("beijing", "2025-03-03T16:00:00+08:00"), ("default", None)]:
        b = dict(body) if ready is None else {**body, "ready_at": ready}
        r = c.post("/v1/routes", json=b)
        assert r.status_code == 200, r.text
        a = r.json()
        a.pop("wall_s", None)
        for alt in a["alternatives"]:  # offers are per quote (time of quote, signing key)
            assert alt.pop("offer_expires_at").endswith("+08:00") and alt.pop("offer_id")
        out[name] = a
print(json.dumps(out))
"""


def run_in_zone(tz: str) -> dict:
    env = {**os.environ, "TZ": tz, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def offsets(answer: dict) -> set[str]:
    """Every time string's offset in a route answer."""
    times = [answer["ready_at"]]
    for alt in answer["alternatives"]:
        times.append(alt["arrive"])
        times += [t for leg in alt["legs"] for t in (leg["depart"], leg["arrive"])]
        times += [t["start"] for t in alt["transfers"]]
    return {datetime.fromisoformat(t).isoformat()[-6:] for t in times}


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_route_times_are_beijing_whatever_the_server_zone(tz: str) -> None:
    before = datetime.now(UTC)
    out = run_in_zone(tz)
    naive, zulu, beijing = out["naive"], out["zulu"], out["beijing"]
    assert naive == zulu == beijing  # one instant, one answer
    assert naive["ready_at"] == "2025-03-03T16:00:00+08:00"
    assert offsets(naive) == {"+08:00"}
    # a 16:00 start misses Monday's 10:00 train: the rail leg leaves Tuesday 10:00 Beijing
    rail = [leg for alt in naive["alternatives"] for leg in alt["legs"] if leg["service"]]
    assert rail and rail[0]["depart"] == "2025-03-04T10:00:00+08:00"
    # no ready_at: now, in Beijing time
    default = datetime.fromisoformat(out["default"]["ready_at"])
    assert default.utcoffset() == timedelta(hours=8)
    assert before - timedelta(minutes=1) <= default <= datetime.now(UTC)
    assert offsets(out["default"]) == {"+08:00"}


def test_the_zones_agree() -> None:
    a, b = run_in_zone("UTC"), run_in_zone("America/New_York")
    assert a["naive"] == b["naive"] and a["zulu"] == b["zulu"]
