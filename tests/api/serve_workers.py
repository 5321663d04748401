"""``freight serve --workers N`` in a subprocess, for tests that need real worker processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

_WORKER_LINE = re.compile(r'^freight_worker_requests\{pid="(\d+)"\} ([\d.e+]+)$', re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def per_worker_requests(metrics_text: str) -> dict[int, float]:
    """``freight_worker_requests`` by pid, from a /metrics answer."""
    return {int(pid): float(n) for pid, n in _WORKER_LINE.findall(metrics_text)}


def counter(metrics_text: str, sample: str) -> float:
    """The value of one sample line (``name{labels}``), 0 if absent."""
    m = re.search("^" + re.escape(sample) + r" ([\d.e+]+)$", metrics_text, re.M)
    return float(m.group(1)) if m else 0.0


class Workers:
    """A service with ``n`` uvicorn worker processes on a free loopback port."""

    def __init__(self, tmp_path: Path, n: int = 2, **env: str) -> None:
        self.n = n
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"} | {
            "FREIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
            "FREIGHT_RATE_LIMITS": "off",
            "FREIGHT_LOG_LEVEL": "WARNING",
            "FREIGHT_JOB_WORKERS": "1",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Workers:
        exe = str(Path(sys.executable).parent / "freight")
        self.proc = subprocess.Popen(
            [exe, "serve", "--port", str(self.port), "--workers", str(self.n)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while True:  # /metrics is never rate-limited, so waiting costs no tokens
            assert self.proc.poll() is None, f"server exited with {self.proc.returncode}"
            assert time.monotonic() < deadline, "server did not start"
            try:
                ok = httpx.get(self.base + "/metrics", timeout=2).status_code == 200
                if ok and len(self.workers()) >= self.n:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        time.sleep(1.0)  # the last worker finishes its startup
        return self

    def workers(self) -> list[int]:
        """The uvicorn worker processes (not multiprocessing's resource tracker)."""
        assert self.proc is not None
        found = []
        for pid in children(self.proc.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:
                found.append(pid)
        return found

    def metrics(self) -> str:
        return httpx.get(self.base + "/metrics", timeout=30).text

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
