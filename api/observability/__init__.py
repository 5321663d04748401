"""What the service does around every request, one concern per module.

* ``logs``: JSON log lines on stderr (``configure_logging``).
* ``metrics``: Prometheus metrics (``prometheus_client``), summed over every worker process.
* ``multiproc``: the shared metrics directory and dead-worker cleanup of ``freight serve``.
* ``ratelimit``: token buckets per client, admission (fails open when a store is down).
* ``hoststore`` / ``redisstore``: where buckets live (a file shared by the host's workers,
  or one Redis shared by several hosts).
* ``middleware``: the one ASGI middleware (request id, body size limit, rate limit,
  metrics, access log).
"""
