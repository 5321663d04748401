"""Job throughput of separate ``freight worker`` processes sharing one PostgreSQL queue.

For each worker count: a fresh schema, ``--jobs`` network-resilience jobs queued at once
(the bridge network, ``--samples`` samples each, so every job does the same work), then that
many ``freight worker --slots 1`` processes; reported: wall time from the workers' start until
the last job succeeded, jobs per second, the mean queue wait, and how the jobs spread over
the workers. Every job must succeed on its first attempt (none run twice).

    .venv/bin/python bench/worker_scaling.py --workers 1,2 --jobs 16

Needs PostgreSQL (``FREIGHT_TEST_POSTGRES_URL`` or ``--database-url``; default the local
``test`` database). Each job starts a fresh interpreter, so small jobs measure mostly that
start; the figures are only comparable on an otherwise idle machine (print ``uptime``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from api.db import Database, Job, as_utc, run_migrations
from api.jobs import load_job_kinds, service
from api.security import Principal

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BRIDGE = [
    {"id": "sa", "u": "s", "v": "a", "length_km": 1},
    {"id": "sb", "u": "s", "v": "b", "length_km": 2},
    {"id": "ab", "u": "a", "v": "b", "length_km": 1},
    {"id": "at", "u": "a", "v": "t", "length_km": 2},
    {"id": "bt", "u": "b", "v": "t", "length_km": 1},
]


def run_once(base_url: str, workers: int, jobs: int, samples: int) -> dict[str, float | str]:
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_s = url.render_as_string(hide_password=False)
    db = Database(url_s)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        run_migrations(db)
        load_job_kinds()
        who = Principal(key_id=1, name="bench", role="planner")
        params = {"edges": BRIDGE, "pairs": [["s", "t"]], "failure_probability": 0.2}
        ids = [
            service.submit(
                db, "network-resilience", {**params, "samples": samples, "seed": i}, who
            )[0].id
            for i in range(jobs)
        ]
        env = {**os.environ, "FREIGHT_DATABASE_URL": url_s, "FREIGHT_LOG_LEVEL": "WARNING"}
        freight = str(Path(sys.executable).parent / "freight")
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [freight, "worker", "--slots", "1", "--poll-s", "0.1"],
                env=env,
                stdout=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        while True:
            with db.read() as s:
                rows = s.scalars(select(Job).where(Job.id.in_(ids))).all()
            if all(r.status in ("succeeded", "failed") for r in rows):
                break
            if time.perf_counter() - start > 600:
                raise SystemExit("jobs did not finish in 600 s")
            time.sleep(0.05)
        wall = time.perf_counter() - start
        bad = [r.id for r in rows if r.status != "succeeded" or r.attempts != 1]
        if bad:
            raise SystemExit(f"{len(bad)} jobs failed or ran twice: {bad[:3]}")
        waits = [
            (as_utc(r.started_at) - as_utc(r.created_at)).total_seconds()  # type: ignore[operator]
            for r in rows
        ]
        spread = sorted(Counter(r.runner_id for r in rows).values(), reverse=True)
        return {
            "workers": workers,
            "jobs": jobs,
            "wall_s": wall,
            "jobs_per_s": jobs / wall,
            "mean_run_s": sum(r.run_seconds or 0.0 for r in rows) / jobs,
            "mean_queue_s": sum(waits) / jobs,
            "spread": "/".join(str(n) for n in spread),
        }
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        db.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--database-url", default=os.environ.get("FREIGHT_TEST_POSTGRES_URL") or DEFAULT_PG
    )
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--samples", type=int, default=3000)
    args = ap.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"load average before: {' '.join(load)}; cores: {os.cpu_count()}")
    print("| workers | jobs | wall s | jobs/s | mean run s | mean queue wait s | jobs per worker |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for n in (int(x) for x in args.workers.split(",")):
        r = run_once(args.database_url, n, args.jobs, args.samples)
        print(
            f"| {r['workers']} | {r['jobs']} | {r['wall_s']:.1f} | {r['jobs_per_s']:.2f} | "
            f"{r['mean_run_s']:.2f} | {r['mean_queue_s']:.1f} | {r['spread']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
