"""Ray engine: a private local instance without an address, the cluster as-is with one.

``RAY_ADDRESS`` set and no ``--address`` must join that cluster without ``num_cpus`` (Ray
refuses it for an existing cluster) and ship the package as a runtime_env py_module; the
slow test does exactly that against a real Ray instance started by another process.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import freight
from freight.fleet.plan.executors import ray_init_kwargs

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="ray is not installed (the ray extra)"
)
ROOT = Path(__file__).resolve().parents[4]


def test_without_an_address_a_private_local_instance(monkeypatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    kw = ray_init_kwargs(None, 3)
    assert kw["address"] == "local" and kw["num_cpus"] == 3 and "runtime_env" not in kw


@pytest.mark.parametrize(
    ("env", "address", "expected"),
    [
        ("10.1.2.3:6379", None, "10.1.2.3:6379"),
        ("auto", None, "auto"),
        ("10.1.2.3:6379", "ray://head:10001", "ray://head:10001"),  # --address wins
        (None, "192.0.2.7:6379", "192.0.2.7:6379"),
    ],
)
def test_an_address_joins_the_cluster_with_the_package(
    monkeypatch, env: str | None, address: str | None, expected: str
) -> None:
    if env is None:
        monkeypatch.delenv("RAY_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("RAY_ADDRESS", env)
    kw = ray_init_kwargs(address, 3)
    assert kw["address"] == expected
    assert "num_cpus" not in kw  # Ray refuses it when connecting to a cluster
    (module,) = kw["runtime_env"]["py_modules"]
    assert Path(module) == Path(freight.__file__).resolve().parent
    assert (Path(module) / "fleet" / "plan" / "executors.py").is_file()


HEAD = textwrap.dedent(
    """
    import sys, ray
    ray.init(address="local", num_cpus=1, include_dashboard=False)
    print(ray.get_runtime_context().gcs_address, flush=True)
    sys.stdin.read()  # until the test closes stdin
    ray.shutdown()
    """
)

CLIENT = textwrap.dedent(
    """
    import time
    from freight.demand import load_charging_sites, load_depots, load_urban_day
    from freight.fleet.plan.build import build_parts, sample_points
    from freight.fleet.plan.defaults import load_fleet_defaults
    from freight.fleet.plan.executors import PartTask, run_parts
    from freight.fleet.routing import RouterParams, solve_fleet

    d = load_fleet_defaults()
    pts = sample_points(load_urban_day(2030, "winter"), 12, 1)
    part = build_parts("winter", pts, load_depots(), load_charging_sites(), d, 120)[0]
    prm = RouterParams(time_limit_s=30, seed=1, max_iterations=50)
    (there,) = run_parts([PartTask(part.key, part.problem, prm)], engine="ray", workers=4,
                         deadline=time.perf_counter() + 240)
    here = solve_fleet(part.problem, prm)
    assert there is not None and there.routes == here.routes, "cluster answer differs"
    print("OK", there.objective_cny)
    """
)


@needs_ray
@pytest.mark.slow
def test_ray_address_from_the_environment_joins_a_running_cluster() -> None:
    # a private instance for this test: no token (the machine's token is not the test's)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_AUTH_MODE": "disabled"}
    env.pop("RAY_ADDRESS", None)
    head = subprocess.Popen(
        [sys.executable, "-c", HEAD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert head.stdout is not None
        address = head.stdout.readline().strip()
        assert address, "the Ray head did not start"
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CLIENT], env={**env, "RAY_ADDRESS": address},
            capture_output=True, text=True, timeout=300, cwd=ROOT,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stdout.startswith("OK"), out.stdout
        assert "num_cpus" not in out.stderr
        assert time.perf_counter() - t0 < 300
    finally:
        if head.stdin is not None:
            head.stdin.close()
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            head.kill()
            head.wait()
