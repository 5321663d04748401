"""Persistence of the matching pool (vehicles, loads), rounds, assignments, declined pairs.

Claiming: a round is solved on a snapshot of the open pool, then claims its trucks and loads
in ONE transaction. It locks the rows it wants with ``SELECT .. WHERE status = 'open'
ORDER BY id FOR UPDATE`` (trucks first, then loads, each in id order, so two rounds never
wait on each other in a cycle). On PostgreSQL a round that waits for a row lock re-checks
``status = 'open'`` against the newest committed row when it gets the lock, so a truck or
load that another round took meanwhile is not returned; an assignment whose truck or any
load is gone is dropped and its loads reported ``claimed_elsewhere``. On SQLite the
writer transaction is ``BEGIN IMMEDIATE`` (one writer at a time, see api/db.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime, Index, String, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.db import Base, Database, Job, utcnow
from freight.errors import ConflictError, FieldIssue, NotFoundError

OPEN, MATCHED = "open", "matched"
PROPOSED, ACCEPTED, DECLINED = "proposed", "accepted", "declined"
_CHUNK = 2000


class MatchVehicleRow(Base):
    __tablename__ = "matching_vehicles"
    __table_args__ = (Index("ix_matching_vehicles_status", "status"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    assignment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatchLoadRow(Base):
    __tablename__ = "matching_loads"
    __table_args__ = (Index("ix_matching_loads_status", "status"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    assignment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatchRoundRow(Base):
    __tablename__ = "matching_rounds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # solving | done | failed
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatchAssignmentRow(Base):
    __tablename__ = "matching_assignments"
    __table_args__ = (Index("ix_matching_assignments_round", "round_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(36))
    vehicle_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatchDeclinedRow(Base):
    __tablename__ = "matching_declined"

    vehicle_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    load_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Row = type[MatchVehicleRow] | type[MatchLoadRow]


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for n in range(0, len(ids), _CHUNK):
        yield list(ids[n : n + _CHUNK])


def put_items(db: Database, model: Row, items: list[dict[str, Any]], loc: str) -> None:
    """Insert or replace items (all or nothing); replacing a matched one is a 409."""
    ids = [str(d["id"]) for d in items]
    now = utcnow()
    with db.write() as s:
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(ids)):
            rows = s.execute(
                select(model.id, model.status)
                .where(model.id.in_(chunk))
                .order_by(model.id)
                .with_for_update()
            )
            found.update({r[0]: r[1] for r in rows})
        busy = [i for i in ids if found.get(i, OPEN) != OPEN]
        if busy:
            pos = {i: n for n, i in enumerate(ids)}
            raise ConflictError(
                f"{len(busy)} item(s) are matched and cannot be replaced",
                issues=[
                    FieldIssue(loc.format(pos[i]) + ".id", f"{i!r} is {found[i]}")
                    for i in busy[:20]
                ],
            )
        for chunk in _chunks([i for i in ids if i in found]):
            s.execute(delete(model).where(model.id.in_(chunk)))
        s.execute(
            model.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "id": i,
                    "status": OPEN,
                    "assignment_id": None,
                    "data": d,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, d in zip(ids, items, strict=True)
            ],
        )


def get_item(db: Database, model: Row, item_id: str, what: str) -> MatchVehicleRow | MatchLoadRow:
    with db.read() as s:
        row = cast("MatchVehicleRow | MatchLoadRow | None", s.get(model, item_id))
        if row is None:
            raise NotFoundError(f"no {what} with id {item_id!r}")
        return row


def delete_item(db: Database, model: Row, item_id: str, what: str) -> None:
    with db.write() as s:
        gone = s.execute(delete(model).where(model.id == item_id, model.status == OPEN)).rowcount  # type: ignore[attr-defined]
        if gone:
            return
        found = cast("MatchVehicleRow | MatchLoadRow | None", s.get(model, item_id))
        if found is None:
            raise NotFoundError(f"no {what} with id {item_id!r}")
        raise ConflictError(f"{what} {item_id!r} is {found.status}; decline its assignment first")


def list_items(
    db: Database, model: Row, status: str | None, limit: int
) -> list[MatchVehicleRow | MatchLoadRow]:
    with db.read() as s:
        q = select(model).order_by(model.id).limit(limit)
        if status:
            q = q.where(model.status == status)
        return list(s.scalars(q))


def open_pool(
    db: Database,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]]]:
    with db.read() as s:
        vs = [
            r.data
            for r in s.scalars(
                select(MatchVehicleRow)
                .where(MatchVehicleRow.status == OPEN)
                .order_by(MatchVehicleRow.id)
            )
        ]
        ls = [
            r.data
            for r in s.scalars(
                select(MatchLoadRow).where(MatchLoadRow.status == OPEN).order_by(MatchLoadRow.id)
            )
        ]
        dec = [(r.vehicle_id, r.load_id) for r in s.scalars(select(MatchDeclinedRow))]
    return vs, ls, dec


def new_round(db: Database, round_id: str, job_id: str | None) -> None:
    with db.write() as s:
        s.add(MatchRoundRow(id=round_id, status="solving", job_id=job_id, created_at=utcnow()))


def _lock_open(s: Session, model: Row, ids: Iterable[str]) -> set[str]:
    got: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        q = select(model.id).where(model.id.in_(chunk), model.status == OPEN).order_by(model.id)
        got.update(s.scalars(q.with_for_update()))
    return got


def claim(db: Database, round_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """Claim the round's trucks and loads (see module doc); store and return the answer.

    Only one caller applies a round: the round row moves from ``solving`` to ``done``
    conditionally, and a second caller gets the stored answer.
    """
    with db.write() as s:
        moved = s.execute(
            update(MatchRoundRow)
            .where(MatchRoundRow.id == round_id, MatchRoundRow.status == "solving")
            .values(status="done")
        ).rowcount  # type: ignore[attr-defined]
        if not moved:
            row = s.get_one(MatchRoundRow, round_id)
            return dict(row.result or {})
        assignments = result["assignments"]
        open_v = _lock_open(s, MatchVehicleRow, (a["vehicle"] for a in assignments))
        open_l = _lock_open(s, MatchLoadRow, (x for a in assignments for x in a["loads"]))
        kept, lost = [], []
        for a in assignments:
            if a["vehicle"] in open_v and all(x in open_l for x in a["loads"]):
                kept.append(a)
            else:
                lost.extend(a["loads"])
        now = utcnow()
        for a in kept:
            s.execute(
                update(MatchVehicleRow)
                .where(MatchVehicleRow.id == a["vehicle"])
                .values(status=MATCHED, assignment_id=a["id"], updated_at=now)
            )
            for chunk in _chunks(a["loads"]):
                s.execute(
                    update(MatchLoadRow)
                    .where(MatchLoadRow.id.in_(chunk))
                    .values(status=MATCHED, assignment_id=a["id"], updated_at=now)
                )
            a["status"] = PROPOSED
        if kept:
            s.execute(
                MatchAssignmentRow.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {
                        "id": a["id"],
                        "round_id": round_id,
                        "vehicle_id": a["vehicle"],
                        "status": PROPOSED,
                        "data": a,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for a in kept
                ],
            )
        answer = _recount(result, kept, lost)
        answer["id"] = round_id
        s.execute(update(MatchRoundRow).where(MatchRoundRow.id == round_id).values(result=answer))
        return answer


def _recount(result: dict[str, Any], kept: list[dict[str, Any]], lost: list[str]) -> dict[str, Any]:
    empty = sum(a["empty_km"] for a in kept)
    loaded = sum(a["loaded_km"] for a in kept)
    unmatched = list(result["unmatched"]) + [
        {
            "load": x,
            "reason": "claimed_elsewhere",
            "detail": "a concurrent round took its truck or it",
        }
        for x in lost
    ]
    kpis = dict(result["kpis"])
    kpis.update(
        matched=sum(len(a["loads"]) for a in kept),
        empty_km=round(empty, 3),
        loaded_km=round(loaded, 3),
        empty_share=round(empty / (empty + loaded), 6) if empty + loaded > 0 else 0.0,
        trucks_used=len(kept),
        cost_cny=round(sum(a["cost_cny"] for a in kept), 2),
        revenue_cny=round(sum(a["revenue_cny"] for a in kept), 2),
    )
    return {**result, "assignments": kept, "unmatched": unmatched, "kpis": kpis}


def fail_round(db: Database, round_id: str, error: dict[str, Any]) -> None:
    with db.write() as s:
        s.execute(
            update(MatchRoundRow)
            .where(MatchRoundRow.id == round_id, MatchRoundRow.status == "solving")
            .values(status="failed", result={"error": error})
        )


def get_round(db: Database, round_id: str) -> tuple[MatchRoundRow, Job | None]:
    with db.read() as s:
        row = s.get(MatchRoundRow, round_id)
        if row is None:
            raise NotFoundError(f"no matching round with id {round_id!r}")
        job = s.get(Job, row.job_id) if row.job_id else None
        return row, job


def settle(db: Database, assignment_id: str, accept: bool) -> dict[str, Any]:
    """Accept or decline a proposed assignment; declining reopens its truck and loads and
    remembers every (truck, load) pair so that no round proposes it again."""
    with db.write() as s:
        moved = s.execute(
            update(MatchAssignmentRow)
            .where(MatchAssignmentRow.id == assignment_id, MatchAssignmentRow.status == PROPOSED)
            .values(status=ACCEPTED if accept else DECLINED, updated_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]
        row = s.get(MatchAssignmentRow, assignment_id)
        if row is None:
            raise NotFoundError(f"no assignment with id {assignment_id!r}")
        if not moved:
            raise ConflictError(f"assignment {assignment_id!r} is already {row.status}")
        if not accept:
            s.execute(
                update(MatchVehicleRow)
                .where(
                    MatchVehicleRow.id == row.vehicle_id,
                    MatchVehicleRow.assignment_id == assignment_id,
                )
                .values(status=OPEN, assignment_id=None, updated_at=utcnow())
            )
            loads = list(row.data["loads"])
            s.execute(
                update(MatchLoadRow)
                .where(MatchLoadRow.id.in_(loads), MatchLoadRow.assignment_id == assignment_id)
                .values(status=OPEN, assignment_id=None, updated_at=utcnow())
            )
            ins = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
            s.execute(
                ins(MatchDeclinedRow)
                .values(
                    [
                        {"vehicle_id": row.vehicle_id, "load_id": x, "created_at": utcnow()}
                        for x in loads
                    ]
                )
                .on_conflict_do_nothing()
            )
        return {**row.data, "status": row.status}
