"""Migrations produce exactly the models' schema, on SQLite and PostgreSQL; WAL on SQLite."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from api.db import Base, Database, run_migrations

pytestmark = pytest.mark.db


def test_migrations_match_models_and_are_idempotent(db_url: str) -> None:
    db = Database(db_url)
    try:
        run_migrations(db)
        run_migrations(db)  # a second start changes nothing
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
            if db.is_sqlite:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        db.dispose()
