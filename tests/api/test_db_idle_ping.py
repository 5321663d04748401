"""PostgreSQL pool: a connection idle past ``PING_AFTER_IDLE_S`` is pinged before use and
replaced when its server process is gone; one in steady use is not pinged."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text

import api.db
from api.db import Database
from tests.api.conftest import fresh_pg_schema

pytestmark = pytest.mark.db

GONE = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p")


def _backend_pid(db: Database) -> int:
    with db.lookup() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_idle_connection_is_pinged_and_a_dead_one_replaced(pg_admin: Any, monkeypatch) -> None:
    with fresh_pg_schema(pg_admin) as url:
        db = Database(url)
        pings: list[int] = []
        real_ping = db.engine.dialect.do_ping

        def counted(dbapi_conn: Any) -> bool:
            pings.append(1)
            return bool(real_ping(dbapi_conn))

        monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
        try:
            first = _backend_pid(db)
            for _ in range(5):  # in steady use: the same connection, no ping
                assert _backend_pid(db) == first
            assert pings == []

            monkeypatch.setattr(api.db, "PING_AFTER_IDLE_S", 0.0)  # every reuse is "idle"
            with pg_admin.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
                deadline = time.monotonic() + 10
                while (
                    admin.execute(GONE, {"p": first}).scalar_one() and time.monotonic() < deadline
                ):
                    time.sleep(0.05)
            second = _backend_pid(db)  # the ping fails: a new connection answers
            assert second != first and len(pings) == 1
            assert _backend_pid(db) == second and len(pings) == 2
        finally:
            db.dispose()
