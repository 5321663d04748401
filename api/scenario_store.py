"""Persistence of planners' network scenarios: one row per scenario, owned by an org."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, Database, utcnow
from freight.errors import NotFoundError


class ScenarioRow(Base):
    __tablename__ = "scenarios"
    __table_args__ = (Index("ix_scenarios_org", "org"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    base_year: Mapped[int] = mapped_column(Integer)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _out(row: ScenarioRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "base_year": row.base_year,
        "shared": row.shared,
        "org": row.org,
        "changes": row.changes,
        "created_by": row.created_by,
        "created_at": row.created_at,
    }


def create_scenario(db: Database, org: str, by: str, body: dict[str, Any]) -> dict[str, Any]:
    """Store a validated scenario; returns it with its new id."""
    row = ScenarioRow(
        id=str(uuid.uuid4()),
        org=org,
        name=body["name"],
        base_year=body["base_year"],
        shared=bool(body.get("shared")),
        changes=body["changes"],
        created_by=by,
        created_at=utcnow(),
    )
    with db.write() as s:
        s.add(row)
        s.flush()
        return _out(row)


def _visible(org: str | None) -> Any:
    return True if org is None else or_(ScenarioRow.org == org, ScenarioRow.shared.is_(True))


def get_scenario(db: Database, org: str | None, scenario_id: str) -> dict[str, Any]:
    """A scenario of ``org`` or a shared one (``org`` None = every org); else NotFound."""
    with db.read() as s:
        row = s.scalar(select(ScenarioRow).where(ScenarioRow.id == scenario_id, _visible(org)))
        if row is None:
            raise NotFoundError(f"unknown scenario {scenario_id!r}")
        return _out(row)


def list_scenarios(db: Database, org: str | None) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.scalars(
            select(ScenarioRow).where(_visible(org)).order_by(ScenarioRow.created_at)
        ).all()
        return [_out(r) for r in rows]


def delete_scenario(db: Database, org: str | None, scenario_id: str) -> None:
    """Delete a scenario of ``org`` (shared ones of other orgs are not theirs to delete)."""
    with db.write() as s:
        q = select(ScenarioRow).where(ScenarioRow.id == scenario_id)
        if org is not None:
            q = q.where(ScenarioRow.org == org)
        row = s.scalar(q)
        if row is None:
            raise NotFoundError(f"unknown scenario {scenario_id!r}")
        s.delete(row)
