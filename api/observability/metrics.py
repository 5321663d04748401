"""Prometheus metrics of the service (``prometheus_client``), counted by every worker.

With several worker processes ``PROMETHEUS_MULTIPROC_DIR`` names a directory in which each
process keeps its values (memory-mapped files; ``freight serve --workers N`` makes a fresh
one per start, see ``api.observability.multiproc``); a scrape of ``GET /metrics`` on any
worker sums every process's files, so the answer is the same whichever worker serves it.
Without that variable (one process, tests) the values live in this process.

| metric | type | labels |
| --- | --- | --- |
| ``freight_http_requests_total`` | counter | method, route (template), status |
| ``freight_http_request_duration_seconds`` | histogram | method, route |
| ``freight_rate_limited_total`` | counter | |
| ``freight_worker_requests`` | gauge | pid (several workers): requests served by each live worker |

``freight_jobs`` and ``freight_solver_seconds_total`` come from the database at scrape time
(``api/routes/metrics.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

# No ``_created`` series: multiprocess mode cannot sum them.
disable_created_metrics()  # type: ignore[no-untyped-call]

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: This process's own metrics (rendered directly when there is one process).
REGISTRY = CollectorRegistry()

HTTP_REQUESTS = Counter(
    "freight_http_requests",
    "HTTP requests by method, route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "freight_http_request_duration_seconds",
    "Request latency.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS_S,
    registry=REGISTRY,
)
RATE_LIMITED = Counter("freight_rate_limited", "Requests refused with 429.", registry=REGISTRY)
WORKER_REQUESTS = Gauge(
    "freight_worker_requests",
    "HTTP requests served by each live worker process since it started (label pid).",
    multiprocess_mode="liveall",
    registry=REGISTRY,
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one finished request."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)
    WORKER_REQUESTS.inc()


def multiproc_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class _Collected:
    """A collector that yields the metrics of another registry (or collector)."""

    def __init__(self, source: Collector) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        return self.source.collect()


def render(*extra: Collector) -> bytes:
    """Text exposition of every worker's metrics (or this process's) plus ``extra``."""
    registry = CollectorRegistry()
    path = multiproc_dir()
    if path:
        multiprocess.MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Collected(REGISTRY))
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)
