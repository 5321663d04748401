"""Persistence of bookings and tracking events, and the transactions that book, cancel,
track and re-plan.

A booking takes every claim (api/capacity_store.py) and inserts its row in ONE
transaction: when any train run or terminal day is full, the transaction rolls back and
nothing is taken; a booking exists if and only if its capacity is held. Cancelling and
re-planning give capacity back in the same transaction that changes the booking.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.capacity_store import _insert_ignore, give_back, ledger_for, take_claims
from api.db import Base, Database, utcnow
from freight.booking import (
    BEIJING,
    Booking,
    BookingStatus,
    LegStatus,
    Offer,
    Party,
    TrackEvent,
    apply_event,
    new_booking,
    replan,
)
from freight.errors import ConflictError, ExpiredError, FieldIssue, NotFoundError
from freight.network.model import Network
from freight.routing import RoutingIndex


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


# -- bookings ------------------------------------------------------------------------------

#: A booking's row, inserted with Core (one statement, compiled once) rather than through
#: the ORM unit of work: the booking transaction is the hot path of ``POST /v1/bookings``.
_INSERT_BOOKING = insert(Base.metadata.tables[BookingRow.__tablename__])


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
            s.connection().execute(
                _INSERT_BOOKING,
                {"id": booking.id, "bill_no": booking.bill_no, "org": org,
                 "status": str(booking.status),
                 "idempotency_scope": scope if idempotency_key else None,
                 "idempotency_key": idempotency_key, "offer_sha256": digest,
                 "data": booking.to_dict()},
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
        moving = [leg for leg in booking.legs if leg.status is not LegStatus.PLANNED]
        if moving:  # its trains carry the cargo: their capacity is not free
            raise ConflictError(
                f"booking {booking_id} is under way (leg {moving[-1].seq} is "
                f"{moving[-1].status}); it cannot be cancelled",
                issues=[FieldIssue("path.booking_id", "cargo under way")],
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
