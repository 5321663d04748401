"""Persistence of bookings, tracking events and live capacity (train departures, terminal
handling days), and the transactions that take and give back capacity.

Locking: a booking takes every claim in ONE transaction. For each claim, in a fixed order
(so two bookings never wait on each other in a cycle), the capacity row is inserted if
missing (``INSERT .. ON CONFLICT DO NOTHING``) and then raised with a conditional
``UPDATE .. SET booked = booked + x WHERE booked + x <= capacity``. On PostgreSQL the
UPDATE takes the row lock and re-checks its condition against the newest committed row,
so concurrent transactions in any process or host serialise on that row; a rowcount of 0
means full: the transaction rolls back and nothing is taken. On SQLite the writer session
starts with ``BEGIN IMMEDIATE`` (one writer at a time, see api/db.py).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.db import Base, Database, utcnow
from freight.booking import (
    BEIJING,
    Booking,
    BookingStatus,
    Claim,
    Offer,
    Party,
    TrackEvent,
    apply_event,
    ledger_from_usage,
    new_booking,
    replan,
)
from freight.booking.capacity import departures_between
from freight.errors import ConflictError, ExpiredError, FieldIssue, NotFoundError
from freight.network.model import Network
from freight.routing import CapacityLedger, RoutingIndex

_EPS = 1e-6


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_bookings_idempotency"),
        Index("ix_bookings_org_created", "org", "created_at"),
        Index("ix_bookings_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bill_no: Mapped[str] = mapped_column(String(32), unique=True)
    org: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    idempotency_scope: Mapped[str | None] = mapped_column(String(64), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(256), nullable=True)
    offer_sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BookingEventRow(Base):
    __tablename__ = "booking_events"

    booking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the event as accepted
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)  # the booking after it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DepartureCapacityRow(Base):
    """Capacity of one train run (``depart``: the run's first departure, ISO, +08:00)."""

    __tablename__ = "capacity_departures"

    service: Mapped[str] = mapped_column(String(128), primary_key=True)
    depart: Mapped[str] = mapped_column(String(32), primary_key=True)
    capacity_t: Mapped[float] = mapped_column(Float)
    capacity_teu: Mapped[float] = mapped_column(Float)
    booked_t: Mapped[float] = mapped_column(Float, default=0.0)
    booked_teu: Mapped[float] = mapped_column(Float, default=0.0)


class TerminalCapacityRow(Base):
    """Handling capacity of one terminal on one day (``day``: ISO date, Beijing)."""

    __tablename__ = "capacity_terminals"

    node: Mapped[str] = mapped_column(String(128), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity_t: Mapped[float] = mapped_column(Float)
    capacity_teu: Mapped[float] = mapped_column(Float)
    booked_t: Mapped[float] = mapped_column(Float, default=0.0)
    booked_teu: Mapped[float] = mapped_column(Float, default=0.0)


class ServiceSecretRow(Base):
    """Secrets shared by every worker process (the offer signing key)."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


def offer_secret(db: Database) -> bytes:
    """The HMAC key for offers: ``FREIGHT_OFFER_SECRET`` or one random key per database."""
    cached = getattr(db, "_offer_secret", None)
    if cached is not None:
        return bytes(cached)
    env = os.environ.get("FREIGHT_OFFER_SECRET")
    if env:
        value = env
    else:
        with db.write() as s:
            _insert_ignore(
                s, ServiceSecretRow, {"name": "offer_hmac", "value": secrets.token_hex(32)}
            )
        with db.read() as s:
            value = s.get_one(ServiceSecretRow, "offer_hmac").value
    db._offer_secret = value.encode()  # type: ignore[attr-defined]
    return value.encode()


def _insert_ignore(s: Session, model: Any, values: dict[str, Any]) -> None:
    dialect = s.get_bind().dialect.name
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    s.execute(ins(model).values(**values).on_conflict_do_nothing())


# -- capacity ----------------------------------------------------------------------------


def _capacity_of(network: Network, claim: Claim) -> tuple[float, float]:
    if claim.kind == "departure":
        svc = network.services[claim.resource]
        return svc.capacity_t, svc.capacity_teu
    h = network.nodes[claim.resource].handling
    return h.capacity_t_per_day, h.capacity_teu_per_day


def _fits_empty(claim: Claim, cap_t: float, cap_teu: float) -> bool:
    """Whether the claim fits a resource with nothing booked yet (same rules as below)."""
    if claim.kind == "departure":
        return claim.tonnes <= cap_t + _EPS and (claim.teu <= 0 or claim.teu <= cap_teu + _EPS)
    if claim.teu > 0:
        return cap_teu <= 0 or claim.teu <= cap_teu + _EPS
    return cap_t <= 0 or claim.tonnes <= cap_t + _EPS


def take_claims(s: Session, network: Network, claims: tuple[Claim, ...]) -> None:
    """Raise every claim's booked amount, or raise ConflictError naming the full ones.

    One statement per claim: ``INSERT .. ON CONFLICT (key) DO UPDATE SET booked = booked
    + x WHERE booked + x <= capacity RETURNING``; no row back means full. The first
    booking of a resource inserts its row (checked against the capacity beforehand).
    """
    ins = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    for claim in sorted(claims, key=lambda c: c.key):
        cap_t, cap_teu = _capacity_of(network, claim)
        full = ConflictError(
            f"{claim.label()} is full: it cannot take {claim.tonnes:g} t / "
            f"{claim.teu:g} TEU more; nothing was booked",
            resources=[claim.label()],
            issues=[FieldIssue("$.offer_id", f"{claim.label()} is full")],
        )
        if not _fits_empty(claim, cap_t, cap_teu):
            raise full
        model: Any
        if claim.kind == "departure":
            model, pk = DepartureCapacityRow, {"service": claim.resource, "depart": claim.when}
        else:
            model, pk = TerminalCapacityRow, {"node": claim.resource, "day": claim.when}
        check_t = model.booked_t + claim.tonnes <= model.capacity_t + _EPS
        check_teu = model.booked_teu + claim.teu <= model.capacity_teu + _EPS
        cond: list[Any] = []
        if claim.kind == "departure":  # as the router: tonnes always, TEU for containers
            cond += [check_t, check_teu] if claim.teu > 0 else [check_t]
        elif claim.teu > 0 and cap_teu > 0:  # terminals: containers count TEU
            cond.append(check_teu)
        elif claim.teu <= 0 and cap_t > 0:  # other forms tonnes; capacity 0 = not limited
            cond.append(check_t)
        stmt = ins(model).values(
            **pk, capacity_t=cap_t, capacity_teu=cap_teu, booked_t=claim.tonnes,
            booked_teu=claim.teu,
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(
            index_elements=list(pk),
            set_={"booked_t": model.booked_t + claim.tonnes,
                  "booked_teu": model.booked_teu + claim.teu},
            where=and_(*cond) if cond else None,
        ).returning(model.booked_t)  # fmt: skip
        if s.execute(stmt).first() is None:
            raise full


def give_back(s: Session, claims: tuple[Claim, ...]) -> None:
    for claim in sorted(claims, key=lambda c: c.key):
        model: Any
        if claim.kind == "departure":
            model = DepartureCapacityRow
            where = and_(model.service == claim.resource, model.depart == claim.when)
        else:
            model = TerminalCapacityRow
            where = and_(model.node == claim.resource, model.day == claim.when)
        s.execute(
            update(model)
            .where(where)
            .values(booked_t=model.booked_t - claim.tonnes, booked_teu=model.booked_teu - claim.teu)
        )


def ledger_for(s: Session, ready: datetime, horizon_days: int = 30) -> CapacityLedger:
    """The router's view of what is booked from ``ready`` on (full runs are skipped)."""
    ready = ready.astimezone(BEIJING)
    lo = (ready - timedelta(days=16)).date().isoformat()  # China-Europe runs are long
    hi = (ready + timedelta(days=horizon_days)).date().isoformat() + "T99"
    deps = s.execute(
        select(
            DepartureCapacityRow.service, DepartureCapacityRow.depart,
            DepartureCapacityRow.booked_t, DepartureCapacityRow.booked_teu,
        ).where(
            DepartureCapacityRow.depart >= lo, DepartureCapacityRow.depart <= hi,
            DepartureCapacityRow.booked_t > 0,
        )
    ).all()  # fmt: skip
    terms = s.execute(
        select(
            TerminalCapacityRow.node, TerminalCapacityRow.day,
            TerminalCapacityRow.booked_t, TerminalCapacityRow.booked_teu,
        ).where(
            TerminalCapacityRow.day >= ready.date().isoformat(), TerminalCapacityRow.day <= hi,
            TerminalCapacityRow.booked_t > 0,
        )
    ).all()  # fmt: skip
    return ledger_from_usage(
        ((r[0], datetime.fromisoformat(r[1]), r[2], r[3]) for r in deps),
        ((r[0], date.fromisoformat(r[1]), r[2], r[3]) for r in terms),
    )


@dataclass(frozen=True, slots=True)
class DepartureUse:
    service: str
    depart: str
    capacity_teu: float
    booked_teu: float
    capacity_t: float
    booked_t: float


def departure_usage(
    db: Database, network: Network, first: date, last: date, service: str | None
) -> list[DepartureUse]:
    runs = departures_between(network, first, last, service)
    with db.read() as s:
        q = select(DepartureCapacityRow).where(
            DepartureCapacityRow.depart >= first.isoformat(),
            DepartureCapacityRow.depart <= last.isoformat() + "T99",
        )
        if service:
            q = q.where(DepartureCapacityRow.service == service)
        rows = {(r.service, r.depart): r for r in s.scalars(q)}
    out = []
    for run in runs:
        r = rows.get((run.service, run.depart.isoformat()))
        out.append(
            DepartureUse(
                run.service,
                run.depart.isoformat(),
                r.capacity_teu if r else run.capacity_teu,
                round(r.booked_teu, 3) if r else 0.0,
                r.capacity_t if r else run.capacity_t,
                round(r.booked_t, 3) if r else 0.0,
            )  # fmt: skip
        )
    return out


@dataclass(frozen=True, slots=True)
class TerminalUse:
    node: str
    date: str
    capacity_teu: float
    booked_teu: float
    capacity_t: float
    booked_t: float


def terminal_usage(
    db: Database, network: Network, day: date, node: str | None
) -> list[TerminalUse]:
    nodes = [network.nodes[node]] if node else [
        n for n in network.nodes.values()
        if n.handling.forms and (n.handling.capacity_t_per_day or n.handling.capacity_teu_per_day)
    ]  # fmt: skip
    with db.read() as s:
        q = select(TerminalCapacityRow).where(TerminalCapacityRow.day == day.isoformat())
        if node:
            q = q.where(TerminalCapacityRow.node == node)
        rows = {r.node: r for r in s.scalars(q)}
    out = []
    for n in sorted(nodes, key=lambda n: n.id):
        r = rows.get(n.id)
        h = n.handling
        out.append(
            TerminalUse(
                n.id,
                day.isoformat(),
                r.capacity_teu if r else h.capacity_teu_per_day,
                round(r.booked_teu, 3) if r else 0.0,
                r.capacity_t if r else h.capacity_t_per_day,
                round(r.booked_t, 3) if r else 0.0,
            )  # fmt: skip
        )
    return out


# -- bookings ------------------------------------------------------------------------------


def _bill_no(now: datetime) -> str:
    return f"KT{now.astimezone(BEIJING):%Y%m%d}{secrets.token_hex(5).upper()}"


def create_booking(
    db: Database,
    network: Network,
    *,
    offer: Offer,
    offer_id: str,
    org: str,
    scope: str,
    idempotency_key: str | None,
    shipper: Party,
    consignee: Party,
    reference: str | None,
) -> tuple[Booking, bool]:
    """Store a confirmed booking and take its capacity in one transaction.

    Returns ``(booking, replayed)``: a repeated ``Idempotency-Key`` with the same offer
    answers the stored booking; with another offer it is a conflict.
    """
    digest = hashlib.sha256(offer_id.encode()).hexdigest()
    for c in offer.claims:  # the network may have changed since the quote
        known = network.services if c.kind == "departure" else network.nodes
        if c.resource not in known:
            raise ExpiredError(
                f"the offer uses {c.label()}, which the network no longer has; quote again",
                issues=[FieldIssue("$.offer_id", "offer no longer matches the network")],
            )
    if idempotency_key:
        found = _by_idempotency(db, scope, idempotency_key, digest)
        if found is not None:
            return found, True
    now = datetime.now(BEIJING)
    booking = new_booking(
        offer, booking_id=str(uuid.uuid4()), bill_no=_bill_no(now), org=org, shipper=shipper,
        consignee=consignee, reference=reference, now=now,
    )  # fmt: skip
    try:
        with db.write() as s:
            take_claims(s, network, booking.claims)
            s.add(
                BookingRow(
                    id=booking.id, bill_no=booking.bill_no, org=org, status=str(booking.status),
                    idempotency_scope=scope if idempotency_key else None,
                    idempotency_key=idempotency_key, offer_sha256=digest,
                    data=booking.to_dict(),
                )
            )  # fmt: skip
    except IntegrityError:
        if idempotency_key:  # a concurrent request with the same key won the insert
            found = _by_idempotency(db, scope, idempotency_key, digest)
            if found is not None:
                return found, True
        raise
    return booking, False


def _by_idempotency(db: Database, scope: str, key: str, digest: str) -> Booking | None:
    with db.read() as s:
        row = s.scalar(
            select(BookingRow).where(
                BookingRow.idempotency_scope == scope, BookingRow.idempotency_key == key
            )
        )
    if row is None:
        return None
    if row.offer_sha256 != digest:
        raise ConflictError(
            "Idempotency-Key was already used for a booking of another offer",
            issues=[FieldIssue("header.Idempotency-Key", "reused with a different offer_id")],
        )
    return Booking.from_dict(row.data)


def _row(s: Session, booking_id: str, org: str | None, lock: bool = False) -> BookingRow:
    q = select(BookingRow).where(BookingRow.id == booking_id)
    if lock:
        q = q.with_for_update()
    row = s.scalar(q)
    if row is None or (org is not None and row.org != org):
        raise NotFoundError(
            f"no booking {booking_id!r}", issues=[FieldIssue("path.booking_id", "unknown id")]
        )
    return row


def get_booking(db: Database, booking_id: str, org: str | None) -> Booking:
    with db.read() as s:
        return Booking.from_dict(_row(s, booking_id, org).data)


def list_bookings(
    db: Database, org: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[Booking], int]:
    with db.read() as s:
        q = select(BookingRow)
        cq = select(func.count()).select_from(BookingRow)
        if org is not None:
            q, cq = q.where(BookingRow.org == org), cq.where(BookingRow.org == org)
        if status is not None:
            q, cq = q.where(BookingRow.status == status), cq.where(BookingRow.status == status)
        total = int(s.scalar(cq) or 0)
        rows = s.scalars(
            q.order_by(BookingRow.created_at.desc(), BookingRow.id).limit(limit).offset(offset)
        ).all()
        return [Booking.from_dict(r.data) for r in rows], total


def _save(row: BookingRow, booking: Booking) -> None:
    row.status = str(booking.status)
    row.data = booking.to_dict()
    row.updated_at = utcnow()


def cancel_booking(db: Database, booking_id: str, org: str | None) -> Booking:
    """Cancel and give the capacity back (a second cancel answers the cancelled booking)."""
    with db.write() as s:
        row = _row(s, booking_id, org, lock=True)
        booking = Booking.from_dict(row.data)
        if booking.status is BookingStatus.CANCELLED:
            return booking
        if booking.status is BookingStatus.DELIVERED:
            raise ConflictError(
                f"booking {booking_id} is delivered; it cannot be cancelled",
                issues=[FieldIssue("path.booking_id", "delivered")],
            )
        give_back(s, booking.claims)
        booking = replace(booking, status=BookingStatus.CANCELLED, claims=())
        _save(row, booking)
        return booking


def add_event(
    db: Database, index: RoutingIndex, booking_id: str, org: str | None, ev: TrackEvent
) -> tuple[dict[str, Any], bool]:
    """Record ``ev``, recompute the ETA, re-plan after a missed train; the stored answer.

    Returns ``(answer, replayed)``; the same ``event_id`` again answers the first answer.
    """
    with db.write() as s:
        row = _row(s, booking_id, org, lock=True)
        done = s.get(BookingEventRow, (booking_id, ev.event_id))
        if done is not None:
            return done.answer, True
        history = [
            TrackEvent.from_dict(r.data)
            for r in s.scalars(
                select(BookingEventRow)
                .where(BookingEventRow.booking_id == booking_id)
                .order_by(BookingEventRow.seq)
            )
        ]
        booking = Booking.from_dict(row.data)
        updated, missed = apply_event(booking, history, ev)
        if missed is not None:
            updated = _replan(s, index, updated, missed, ev.at)
        _save(row, updated)
        answer = {"event": {**ev.to_dict(), "seq": len(history) + 1}, "booking": updated.to_dict()}
        s.add(
            BookingEventRow(
                booking_id=booking_id, event_id=ev.event_id, seq=len(history) + 1,
                data=ev.to_dict(), answer=answer,
            )
        )  # fmt: skip
        return answer, False


def _replan(
    s: Session, index: RoutingIndex, booking: Booking, missed: int, at: datetime
) -> Booking:
    """Re-plan inside the event's transaction; capacity moves only if the new plan fits."""
    ledger = ledger_for(s, at)
    result = replan(index, booking, missed, ledger, at)
    if not result.take and not result.release and result.booking.status is BookingStatus.AT_RISK:
        return result.booking
    try:
        with s.begin_nested():
            give_back(s, result.release)
            take_claims(s, index.network, result.take)
    except ConflictError as exc:
        return replace(
            booking, status=BookingStatus.AT_RISK,
            reason=f"re-plan found no free capacity: {', '.join(exc.resources)} is full",
        )  # fmt: skip
    return result.booking


def list_events(db: Database, booking_id: str, org: str | None) -> list[dict[str, Any]]:
    with db.read() as s:
        _row(s, booking_id, org)
        rows = s.scalars(
            select(BookingEventRow)
            .where(BookingEventRow.booking_id == booking_id)
            .order_by(BookingEventRow.seq)
        ).all()
        return [{**r.data, "seq": r.seq} for r in rows]
