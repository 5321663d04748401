"""Persistence: SQLAlchemy 2 models, engine set-up, and Alembic migrations at startup.

SQLite (WAL, busy timeout, ``BEGIN IMMEDIATE`` for writers so concurrent writers queue
instead of failing) is the embedded default; PostgreSQL is supported via
``postgresql+psycopg://``. Timestamps are stored as timezone-aware UTC.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

log = logging.getLogger("api.db")

API_DIR = Path(__file__).resolve().parent


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class NetworkSnapshot(Base):
    """The network as served (GeoJSON), stored at first start; a new row when data change."""

    __tablename__ = "network_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    node_count: Mapped[int] = mapped_column(Integer)
    link_count: Mapped[int] = mapped_column(Integer)
    geojson: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NodeRow(Base):
    __tablename__ = "network_nodes"

    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(256))
    name_zh: Mapped[str] = mapped_column(String(256))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class LinkRow(Base):
    __tablename__ = "network_links"

    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    target: Mapped[str] = mapped_column(String(128), index=True)
    mode: Mapped[str] = mapped_column(String(32))
    length_km: Mapped[float] = mapped_column(Float)
    hazmat: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored (keys are 256-bit random, so no salt needed)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    prefix: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    org: Mapped[str | None] = mapped_column(String(128), nullable=True)  # owner of bookings
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Job(Base):
    """A long-running solve. Written before the 202 answer; results stored before 'succeeded'."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_jobs_idempotency"),
        Index("ix_jobs_status_created", "status", "created_at"),
        Index("ix_jobs_kind_created", "kind", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    params_sha256: Mapped[str] = mapped_column(String(64))
    idempotency_scope: Mapped[str | None] = mapped_column(String(64), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(256), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    time_limit_s: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    runner_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    run_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written as UTC, so say so."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def make_engine(url: str) -> Engine:
    """Create the engine; for SQLite: create the directory, WAL, busy timeout, IMMEDIATE writers."""
    if url.startswith("sqlite"):
        rest = url.split("///", 1)[1] if "///" in url else ""
        if rest and not rest.startswith(":memory:"):
            Path(rest.split("?", 1)[0]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=10
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    # 20 connections at most, all kept open (no overflow): an overflow connection is closed
    # at check-in, so a pool smaller than the requests in flight would open and close a
    # PostgreSQL connection for every few requests
    engine = create_engine(url, pool_size=20, max_overflow=0)
    _ping_when_idle(engine)
    return engine


#: A pooled connection that has been idle longer than this is pinged before use (a server
#: restarted or failed over, a firewall's idle timeout meanwhile) and replaced if the ping
#: fails. One in steady use is not pinged: that would be one more round trip for every
#: checkout, two per booking. A connection that broke less than this ago fails its
#: statement; SQLAlchemy then invalidates the whole pool, so the next checkouts connect anew.
PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # new, or in use moments ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool drops it and checks out another (up to 3)
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


class Database:
    """Engine plus two session factories, plain readers and (on SQLite) IMMEDIATE writers,
    and ``lookup`` connections for one-statement reads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_immediate=True)
        self._write = sessionmaker(writer, expire_on_commit=False)
        # one-statement reads need no transaction: on PostgreSQL no BEGIN and ROLLBACK
        # round trips around them
        self._lookup = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextlib.contextmanager
    def lookup(self) -> Iterator[Connection]:
        """A Core connection for a single read statement (autocommit on PostgreSQL)."""
        with self._lookup.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any exception."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    """Serialise migrations/seeding across processes (uvicorn workers start together)."""
    if db.is_sqlite:
        rest = db.url.split("///", 1)[1] if "///" in db.url else ""
        if not rest or rest.startswith(":memory:"):
            yield
            return
        lock_path = Path(rest.split("?", 1)[0] + ".lock")
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    with db.engine.connect() as conn:
        key = int(hashlib.sha256(b"kuytun-freight-migrations").hexdigest()[:15], 16)
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def run_migrations(db: Database) -> None:
    """Upgrade the schema to the newest Alembic revision (idempotent, process-safe)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(API_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(API_DIR / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    with _migration_lock(db), db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def connect_database(url: str, wait_s: float = 0.0) -> Database:
    """The database at ``url``, schema migrated; waits up to ``wait_s`` for a server that
    is starting (used by ``freight serve`` and ``freight worker`` before they start).

    Exits (``SystemExit``) with one line naming the URL, password hidden, for a URL that is
    not one, a driver that is not installed, or a server that does not answer in time.
    """
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError) as exc:
        raise SystemExit(f"error: FREIGHT_DATABASE_URL is not a database URL: {exc}") from None
    try:
        db = Database(url)
    except (ArgumentError, ValueError, ImportError, NoSuchModuleError, OSError) as exc:
        raise SystemExit(f"error: cannot open the database {shown}: {_first_line(exc)}") from None
    deadline = time.monotonic() + wait_s
    while True:
        try:
            run_migrations(db)
            return db
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                db.dispose()
                reason = _first_line(exc)
                raise SystemExit(f"error: cannot reach the database {shown}: {reason}") from None
            log.warning("database not reachable yet; retrying", extra={"database": shown})
            time.sleep(1.0)
        except (DBAPIError, OSError) as exc:  # reached, but not usable (rights, schema)
            db.dispose()
            raise SystemExit(
                f"error: cannot use the database {shown}: {_first_line(exc)}"
            ) from None


@contextlib.contextmanager
def startup_lock(db: Database) -> Iterator[None]:
    with _migration_lock(db):
        yield


# models that live in their own modules, imported so that the metadata is complete
from api import booking_store as _booking_store  # noqa: E402,F401
from api import matching_store as _matching_store  # noqa: E402,F401
from api import scenario_store as _scenario_store  # noqa: E402,F401
