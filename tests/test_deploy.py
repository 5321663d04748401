"""Deployment files: compose.yaml, the Dockerfile and the lock files that dev.py installs."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import dev
from freight.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==([^\s;\\]+)")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_api_without_slots_and_a_worker_on_postgres_and_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "api", "worker"}
    api, worker = services["api"], services["worker"]
    assert api["environment"]["FREIGHT_JOB_WORKERS"] == "0"
    url = api["environment"]["FREIGHT_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://") and "@postgres:" in url
    assert worker["environment"]["FREIGHT_DATABASE_URL"] == url  # one queue
    assert api["environment"]["FREIGHT_RATE_LIMIT_URL"].startswith("redis://redis:")
    assert api["image"] == worker["image"] and api["build"] == worker["build"] == "."
    for svc in (api, worker):
        assert set(svc["depends_on"]) <= set(services)
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert worker["healthcheck"] == {"disable": True}
    runner = CliRunner()
    for svc, name in ((api, "serve"), (worker, "worker")):
        assert svc["command"][:2] == ["freight", name]
        assert runner.invoke(app, [*svc["command"][1:], "--help"]).exit_code == 0


def test_dockerfile_installs_the_hashed_lock_with_ray() -> None:
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes -r requirements/lock.txt" in docker
    assert "pip install --no-deps -e ." in docker
    pins = dict(pins_of(ROOT / "requirements" / "lock.txt"))
    assert "ray" in pins  # the API offers engine "ray" for fleet plans


def pins_of(lock: Path) -> list[tuple[str, str]]:
    """(name, version) of each requirement; every one is pinned with at least one hash."""
    text = lock.read_text(encoding="utf-8")
    out = []
    for block in re.split(r"\n(?=\S)", text):
        first = block.splitlines()[0]
        if first.startswith("#") or not first.strip():
            continue
        m = PIN.match(first)
        assert m, f"{lock.name}: unpinned requirement {first!r}"
        assert "--hash=sha256:" in block, f"{lock.name}: {m.group(1)} has no hash"
        out.append((m.group(1).lower().replace("_", "-"), m.group(2)))
    return out


@pytest.mark.parametrize("extras", ["", "dev"])
def test_lock_is_used_only_when_it_matches_pyproject(extras: str) -> None:
    lock, extra = dev.LOCKS[extras]
    names = {n for n, _ in pins_of(lock)}
    problem = dev.lock_problem(lock)
    if dev.lock_digest(lock) == dev.deps_digest():
        # in step with pyproject.toml: every dependency it names is pinned
        import tomllib

        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        wanted = project["dependencies"] + project["optional-dependencies"][extra]
        for req in wanted:
            name = re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-")
            assert name in names, f"{lock.name} lacks {name}"
    else:  # dependencies changed after the lock: dev.py must say so and not use it
        assert problem is not None and "older than pyproject.toml" in problem


def test_stale_lock_is_reported_with_the_relock_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "requirements").mkdir()
    lock = tmp_path / "requirements" / "lock.txt"
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    assert "is missing" in (dev.lock_problem(lock) or "")
    lock.write_text(f"{dev.LOCK_DIGEST}{dev.deps_digest()}\nnumpy==2.0.0 \\\n    --hash=x\n")
    here_ok = sys.version_info[:2] == (3, 11) and sys.platform.startswith("linux")
    assert (dev.lock_problem(lock) is None) == here_ok
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("dependencies = [", 'dependencies = [\n    "geojson>=3",', 1)
    )
    problem = dev.lock_problem(lock)
    assert problem is not None and "older than pyproject.toml" in problem
    assert dev.RELOCK in problem


def test_stack_commands_are_the_service_without_slots_and_workers() -> None:
    procs = dev.stack_processes(Path("/x/bin"), "postgresql+psycopg://h/db", 8123, 2, 3)
    assert procs["api"][:2] == ["/x/bin/freight", "serve"] and "8123" in procs["api"]
    assert procs["worker-1"] == procs["worker-2"] == ["/x/bin/freight", "worker", "--slots", "3"]
