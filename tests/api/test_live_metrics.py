"""Live: ``freight serve --workers 2``: /metrics counts the requests of both workers, a
killed worker's live gauges go, a 50 MB body answers 413 without growing the workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_workers import Workers, counter, per_worker_requests, rss_kib

from api.observability.multiproc import DeadWorkerReaper, metrics_dir

HEALTH_OK = 'freight_http_requests_total{method="GET",route="/v1/health",status="200"}'


def _health_until_both_served(w: Workers, max_requests: int = 2000) -> int:
    """GET /v1/health on new connections until both workers answered some; returns the count."""

    def get(_: int) -> int:
        with httpx.Client(timeout=30) as http:  # a new connection per request
            return http.get(w.base + "/v1/health").status_code

    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while sent < max_requests:
            assert set(pool.map(get, range(100))) == {200}
            sent += 100
            served = per_worker_requests(w.metrics())
            if len(served) >= 2 and all(n > 0 for n in served.values()):
                break
    return sent


def _post_50mb(base_port: int, chunked: bool) -> bytes:
    """POST 50 MB to /v1/routes over a raw socket; returns the start of the answer."""
    total, chunk = 50 * 1000 * 1000, b"x" * 65536
    head = "POST /v1/routes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", base_port), timeout=30)
    answer = bytearray()

    def read() -> None:
        try:
            while b"\r\n\r\n" not in answer or len(answer) < 200:
                data = sock.recv(65536)
                if not data:
                    return
                answer.extend(data)
        except OSError:
            return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        sock.sendall(head.encode())
        sent = 0
        while sent < total and reader.is_alive():
            piece = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
            sock.sendall(piece)
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed: the rest is refused, as it should be
    reader.join(30)
    sock.close()
    return bytes(answer)


@pytest.mark.slow
def test_metrics_count_both_workers_and_dead_workers_are_marked(tmp_path: Path) -> None:
    with Workers(tmp_path, 2, FREIGHT_MAX_BODY_BYTES=str(1 << 20)) as w:
        pids = set(w.workers())
        sent = _health_until_both_served(w)
        text = w.metrics()
        served = per_worker_requests(text)
        assert set(served) == pids, (served, pids)  # one series per live worker process
        assert all(n > 0 for n in served.values())
        assert counter(text, HEALTH_OK) == sent  # every request of both workers counted
        total = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("freight_http_requests_total{")
        )
        assert sum(served.values()) == total  # per-worker series sum to the totals

        # 50 MB bodies, declared and chunked: 413 problem+json, the workers do not grow
        rss0 = sum(rss_kib(p) for p in pids)
        for chunked in (False, True):
            answer = _post_50mb(w.port, chunked)
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
            assert b"application/problem+json" in answer
        grown_mib = (sum(rss_kib(p) for p in pids) - rss0) / 1024
        assert grown_mib < 20, grown_mib
        text = w.metrics()
        assert counter(text, HEALTH_OK) == sent
        too_large = [
            f'{{method="POST",route="{r}",status="413"}}' for r in ("unmatched", "/v1/routes")
        ]
        # declared length: refused before routing; chunked: refused while the route reads
        assert [counter(text, "freight_http_requests_total" + t) for t in too_large] == [1, 1]

        # kill -9 one worker: its live series goes, its counts stay in the totals
        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the killed worker's series stayed"
            try:
                text = w.metrics()
            except httpx.HTTPError:
                time.sleep(0.5)
                continue
            if victim not in per_worker_requests(text):
                break
            time.sleep(0.5)
        assert counter(text, HEALTH_OK) == sent


def test_metrics_dir_is_fresh_per_start_and_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with metrics_dir(1) as none:
        assert none is None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    with metrics_dir(2) as path:
        assert path is not None and os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(path)
        assert list(path.iterdir()) == []
    assert not path.exists() and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    given = tmp_path / "prom"
    given.mkdir()
    (given / "counter_123.db").write_bytes(b"stale")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(given))
    with metrics_dir(2) as path:
        assert path == given and list(given.iterdir()) == []  # stale files of a past start
    assert given.exists()  # the operator's directory stays


def test_reaper_marks_a_dead_process(tmp_path: Path) -> None:
    code = (
        "from prometheus_client import Counter, Gauge\n"
        "Gauge('g', 'g', multiprocess_mode='liveall').set(1)\n"
        "Counter('c', 'c').inc()\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert proc.returncode == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith("gauge_liveall_") for n in names), names
    reaper = DeadWorkerReaper(tmp_path)
    assert len(reaper.sweep()) == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not any(n.startswith("gauge_liveall_") for n in names)  # live gauge gone
    assert any(n.startswith("counter_") for n in names)  # its counts stay
    assert reaper.sweep() == []  # marked once
    mine = tmp_path / f"gauge_liveall_{os.getpid()}.db"
    mine.write_bytes(b"")
    assert reaper.sweep() == [] and mine.exists()  # a live process is left alone
