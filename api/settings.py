"""Service settings, read once from the environment (prefix ``FREIGHT_``).

``FREIGHT_DATABASE_URL`` defaults to an SQLite file under ``<repo>/var`` (created on demand),
so ``python3 dev.py run`` needs nothing else. ``FREIGHT_RATE_LIMITS`` is ``off`` or a list
like ``anonymous=120/minute,key=1200/minute`` (per client address / per API key).
``FREIGHT_RATE_LIMIT_URL`` says where the buckets live: empty (default) = a file shared by
all worker processes of this host, ``memory:`` = per process, ``redis://host:port/db`` (or
``rediss://`` with TLS) = one Redis shared by several hosts (see
``api.observability.ratelimit``). ``FREIGHT_MAX_BODY_BYTES`` (default 10 MiB) caps request
bodies (413 above it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from freight.paths import REPO_ROOT

DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "freight.sqlite3"
_RATE_RE = re.compile(r"^\s*(anonymous|key)\s*=\s*(\d+)\s*/\s*(second|minute|hour)\s*$")
_PERIOD_S = {"second": 1.0, "minute": 60.0, "hour": 3600.0}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``requests`` per ``period_s`` seconds (burst = ``requests``)."""

    requests: int
    period_s: float


@dataclass(frozen=True, slots=True)
class RateLimits:
    anonymous: RateLimit | None
    key: RateLimit | None

    @property
    def enabled(self) -> bool:
        return self.anonymous is not None or self.key is not None


def parse_rate_limits(text: str) -> RateLimits:
    """Parse ``off`` or ``anonymous=N/period,key=N/period`` (either part may be omitted)."""
    if text.strip().lower() in ("off", "none", "0", "false", ""):
        return RateLimits(None, None)
    found: dict[str, RateLimit] = {}
    for part in text.split(","):
        m = _RATE_RE.match(part)
        if not m:
            raise ValueError(
                f"FREIGHT_RATE_LIMITS: cannot parse {part.strip()!r}; "
                "expected e.g. 'anonymous=120/minute,key=1200/minute' or 'off'"
            )
        who, n, period = m.groups()
        if int(n) <= 0:
            raise ValueError(f"FREIGHT_RATE_LIMITS: {who} limit must be > 0")
        found[who] = RateLimit(int(n), _PERIOD_S[period])
    return RateLimits(found.get("anonymous"), found.get("key"))


class Settings(BaseSettings):
    """Everything configurable about the service."""

    model_config = SettingsConfigDict(env_prefix="FREIGHT_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    rate_limits: str = "anonymous=300/minute,key=3000/minute"
    #: Bucket store: "" (host-wide file), "file:///path", "memory:" (per process),
    #: "redis://..." or "rediss://..." (TLS)
    rate_limit_url: str = ""
    #: Largest accepted request body; larger ones answer 413 before they are read.
    max_body_bytes: int = 10 * 1024 * 1024
    log_level: str = "INFO"
    log_json: bool = True
    #: Solver worker processes per service process (CPU-bound jobs; keep small). 0: this
    #: service runs no jobs itself; separate ``freight worker`` processes take them.
    job_workers: int = 2
    #: What to do with a job whose worker died: re-run it (until ``job_max_attempts``) or fail it.
    job_recovery: Literal["requeue", "fail"] = "requeue"
    job_max_attempts: int = 2
    #: A running job whose heartbeat is older than this is considered orphaned.
    job_stale_after_s: float = 30.0
    #: Extra seconds after a job's own time limit before its process is terminated.
    job_grace_s: float = 10.0
    #: Start the job dispatcher in this process (tests may turn it off to inspect queues).
    run_jobs: bool = True
    seed_network: bool = True

    @field_validator("rate_limits")
    @classmethod
    def _check_rates(cls, v: str) -> str:
        parse_rate_limits(v)
        return v

    @field_validator("rate_limit_url")
    @classmethod
    def _check_rate_store(cls, v: str) -> str:
        v = v.strip()
        if v not in ("", "host", "memory", "memory:", "process") and not v.startswith(
            ("file:///", "redis://", "rediss://")
        ):
            raise ValueError(
                f"FREIGHT_RATE_LIMIT_URL: cannot use {v!r}; expected '' (a file shared by the "
                "host's workers), 'memory:' (per process), 'file:///path' or "
                "'redis://host:port/db' or 'rediss://host:port/db' (TLS)"
            )
        return v

    @field_validator("max_body_bytes")
    @classmethod
    def _check_body_limit(cls, v: int) -> int:
        if v < 1024:
            raise ValueError("FREIGHT_MAX_BODY_BYTES must be at least 1024")
        return v

    @field_validator("job_workers")
    @classmethod
    def _check_workers(cls, v: int) -> int:
        if not 0 <= v <= 64:
            raise ValueError("job_workers must be within 0..64")
        return v

    @property
    def rates(self) -> RateLimits:
        return parse_rate_limits(self.rate_limits)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """Filesystem path of an SQLite database (None for in-memory or other engines)."""
        if not self.is_sqlite:
            return None
        rest = self.database_url.split("///", 1)[1] if "///" in self.database_url else ""
        if not rest or rest.startswith(":memory:"):
            return None
        return Path(rest.split("?", 1)[0])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
