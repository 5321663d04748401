"""Bookings over HTTP on PostgreSQL: bookings/s and latency with concurrent clients, and
the replay's figures for a year.

    .venv/bin/python bench/bookings_bench.py [--clients 32] [--requests 4000] [--workers 2]
        [--offers 40] [--replay-days 30]

Starts ``freight serve --workers N`` on a fresh PostgreSQL schema
(``FREIGHT_TEST_POSTGRES_URL``, default the local server), quotes ``--offers`` offers
(1 t of steel, Kuytun East -> Urumqi on the daily through train, one per ready day: each
run holds 3,000 such bookings, so the capacity rows are many and never full), then
``--clients`` asyncio httpx clients book them round-robin as fast as they can. Latency is
client-side (request sent -> answer read). Prints a table, the machine's load, and the
replay of ``--replay-days`` days of 2025 (in-process).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTIES = {
    "shipper": {"name": "Kuytun Steel", "contact": "+86 992 000"},
    "consignee": {"name": "Urumqi Depot", "contact": "+86 991 000"},
}


def fresh_schema(base: str) -> tuple[str, str]:
    schema = "bench_" + uuid.uuid4().hex[:10]
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(base: str, schema: str) -> None:
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


def start(db_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FREIGHT_DATABASE_URL": db_url, "FREIGHT_RATE_LIMITS": "off",
           "FREIGHT_LOG_LEVEL": "WARNING", "FREIGHT_RUN_JOBS": "false",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    exe = str(Path(sys.executable).parent / "freight")
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", str(workers)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("server did not start")


def quote(base: str, n: int) -> list[str]:
    out = []
    for day in range(n):
        r = httpx.post(
            base + "/v1/routes",
            json={"origin": "kuytun_east", "destination": "urumqi",
                  "cargo": {"commodity": "steel", "form": "general", "quantity": 1, "unit": "t"},
                  "ready_at": f"2025-03-{1 + day % 28:02d}T02:00:00", "avoid": {"modes": ["road"]},
                  "alternatives": 1},
            timeout=30,
        )  # fmt: skip
        r.raise_for_status()
        out.append(r.json()["alternatives"][0]["offer_id"])
    return out


async def burst(base: str, auth: dict[str, str], offers: list[str], clients: int, n: int):
    lat: list[float] = []
    codes: dict[int, int] = {}
    nxt = 0

    async def client() -> None:
        nonlocal nxt
        async with httpx.AsyncClient(base_url=base, timeout=60, headers=auth) as http:
            while nxt < n:
                i = nxt
                nxt += 1
                body = {"offer_id": offers[i % len(offers)], **PARTIES}
                t = time.perf_counter()
                r = await http.post("/v1/bookings", json=body)
                lat.append(time.perf_counter() - t)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - t0, lat, codes


def server_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) of every process in the server's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 (pgrp), after the command
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


OVERBOOKED = "SELECT count(*) FROM capacity_departures WHERE booked_t > capacity_t + 1e-6"
WRK_LUA = """
local bodies = dofile(os.getenv("WRK_BODIES"))
local n = #bodies
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
function init(args) i = math.random(n) end
function request()
  i = i % n + 1
  return wrk.format(nil, "/v1/bookings", nil, bodies[i])
end
"""


def run_wrk(base: str, auth: str, offers: list[str], clients: int, duration: str) -> dict:
    """wrk (C client, little CPU) for ``duration``; parses rate, latency and non-2xx."""
    import json
    import re
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp, "bodies.lua")
        items = ",\n".join("[==[" + json.dumps({"offer_id": o, **PARTIES}) + "]==]" for o in offers)
        bodies.write_text("return {\n" + items + "\n}\n")
        script = Path(tmp, "book.lua")
        script.write_text(WRK_LUA)
        env = {**os.environ, "WRK_BODIES": str(bodies), "WRK_AUTH": auth}
        out = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{duration}", "--latency", "-s", str(script),
             base], env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    def ms(label: str) -> float:
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    reqs = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": reqs, "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": ms("50%"), "p90": ms("90%"), "p99": ms("99%"),
        "non2xx": int(bad.group(1)) if bad else 0, "raw": out,
    }  # fmt: skip


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--offers", type=int, default=40)
    ap.add_argument("--replay-days", type=int, default=30)
    ap.add_argument("--client", choices=("wrk", "httpx"), default="wrk")
    ap.add_argument("--duration", default="20s", help="wrk run time")
    args = ap.parse_args()
    base_pg = os.environ.get("FREIGHT_TEST_POSTGRES_URL",
                             "postgresql+psycopg://postgres@127.0.0.1:5432/test")  # fmt: skip
    db_url, schema = fresh_schema(base_pg)
    from api.db import Database, run_migrations
    from api.security import create_key
    from tests.api.conftest import free_port

    db = Database(db_url)
    run_migrations(db)
    _, secret = create_key(db, "operator", "bench")
    db.dispose()
    port = free_port()
    proc = start(db_url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        offers = quote(base, args.offers)
        auth = {"Authorization": f"Bearer {secret}"}
        asyncio.run(burst(base, auth, offers, args.clients, min(200, args.requests)))  # warm
        cpu0 = server_cpu_s(proc.pid)
        if args.client == "wrk":
            w = run_wrk(base, auth["Authorization"], offers, args.clients, args.duration)
            cpu = server_cpu_s(proc.pid) - cpu0
            db = Database(db_url)
            with db.read() as s:
                stored = s.execute(text("SELECT count(*) FROM bookings")).scalar_one()
                over = s.execute(text(OVERBOOKED)).scalar_one()
            db.dispose()
        else:
            wall, lat, codes = asyncio.run(burst(base, auth, offers, args.clients, args.requests))
            cpu = server_cpu_s(proc.pid) - cpu0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        drop_schema(base_pg, schema)
    if args.client == "wrk":
        print(f"bookings over HTTP (wrk): PostgreSQL, {args.workers} workers, {args.clients} "
              f"connections, {args.duration}, {args.offers} offers")  # fmt: skip
        print(f"{'requests':>8} {'non-2xx':>7} {'stored':>7} {'book/s':>7} {'p50 ms':>7} "
              f"{'p90 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} {'overbooked':>10}")  # fmt: skip
        print(f"{w['requests']:>8} {w['non2xx']:>7} {stored:>7} {w['rate']:>7.1f} "
              f"{w['p50']:>7.1f} {w['p90']:>7.1f} {w['p99']:>7.1f} "
              f"{cpu / max(1, w['requests']) * 1000:>10.2f} {over:>10}")  # fmt: skip
        print(f"load average {os.getloadavg()}")
        replay_figures(args.replay_days)
        return
    ok = codes.get(201, 0)
    print(f"bookings over HTTP: PostgreSQL, {args.workers} workers, {args.clients} clients, "
          f"{args.requests} requests over {args.offers} offers")  # fmt: skip
    print(f"{'201':>6} {'409':>6} {'5xx':>5} {'wall s':>7} {'book/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")  # fmt: skip
    print(f"{ok:>6} {codes.get(409, 0):>6} {sum(v for k, v in codes.items() if k >= 500):>5} "
          f"{wall:>7.2f} {ok / wall:>7.1f} {statistics.median(lat) * 1000:>7.1f} "
          f"{pct(lat, 0.95):>7.1f} {pct(lat, 0.99):>7.1f} {max(lat) * 1000:>7.1f}")  # fmt: skip
    print(f"server CPU {cpu:.1f} s = {cpu / max(1, sum(codes.values())) * 1000:.2f} ms per "
          f"request (all workers); load average {os.getloadavg()}")  # fmt: skip
    replay_figures(args.replay_days)


def replay_figures(days: int) -> None:
    if days:
        from freight.booking.replay import replay
        from freight.demand import load_shipments
        from freight.network.loader import default_network
        from freight.routing import RoutingIndex

        rep = replay(RoutingIndex(default_network()), list(load_shipments(2025)), year=2025,
                     days=days, seed=1)  # fmt: skip
        print(f"replay 2025, {rep.days} days: {rep.shipments} shipments, {rep.accepted} booked "
              f"({rep.accepted_rail} by rail), {sum(rep.refused.values())} refused; "
              f"{rep.departures_used} departures used ({rep.departures_full} full); "
              f"{rep.delayed} delayed, {rep.replanned} re-planned, {rep.at_risk} at risk; "
              f"on time {rep.on_time_share:.1%}; {rep.wall_s:.1f} s")  # fmt: skip
        print("turned away most:", rep.turned_away_by_resource)


if __name__ == "__main__":
    main()
