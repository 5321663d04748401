"""Live capacity of train runs and terminal handling days: the tables, and taking and
giving back a booking's claims (see api/booking_store.py for the locking argument).

Locking: for each claim, in a fixed order (so two bookings never wait on each other in a
cycle), one ``INSERT .. ON CONFLICT DO UPDATE SET booked = booked + x WHERE booked + x <=
capacity RETURNING``. On PostgreSQL the upsert takes the row lock and re-checks its
condition against the newest committed row, so concurrent transactions in any process or
host serialise on that row; no row back means full. On SQLite the writer session starts
with ``BEGIN IMMEDIATE`` (api/db.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, String, and_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.db import Base, Database
from freight.booking import BEIJING, Claim, ledger_from_usage
from freight.booking.capacity import departures_between
from freight.errors import ConflictError, FieldIssue
from freight.network.model import Network
from freight.routing import CapacityLedger

_EPS = 1e-6


class DepartureCapacityRow(Base):
    """Capacity of one train run (``depart``: the run's first departure, ISO, +08:00)."""

    __tablename__ = "capacity_departures"

    service: Mapped[str] = mapped_column(String(128), primary_key=True)
    depart: Mapped[str] = mapped_column(String(32), primary_key=True)
    capacity_t: Mapped[float] = mapped_column(Float)
    capacity_teu: Mapped[float] = mapped_column(Float)
    booked_t: Mapped[float] = mapped_column(Float, default=0.0)
    booked_teu: Mapped[float] = mapped_column(Float, default=0.0)
    #: semitrailer slots of a piggyback run (0 for other trains) and those booked
    capacity_trailers: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    booked_trailers: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class TerminalCapacityRow(Base):
    """Handling capacity of one terminal on one day (``day``: ISO date, Beijing)."""

    __tablename__ = "capacity_terminals"

    node: Mapped[str] = mapped_column(String(128), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity_t: Mapped[float] = mapped_column(Float)
    capacity_teu: Mapped[float] = mapped_column(Float)
    booked_t: Mapped[float] = mapped_column(Float, default=0.0)
    booked_teu: Mapped[float] = mapped_column(Float, default=0.0)


def _insert_ignore(s: Session, model: Any, values: dict[str, Any]) -> None:
    dialect = s.get_bind().dialect.name
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    s.execute(ins(model).values(**values).on_conflict_do_nothing())


def _capacity_of(network: Network, claim: Claim) -> tuple[float, float, float]:
    """``(t, TEU, trailer slots)`` of the claimed run or terminal day."""
    if claim.kind == "departure":
        svc = network.services[claim.resource]
        return svc.capacity_t, svc.capacity_teu, svc.capacity_trailers
    h = network.nodes[claim.resource].handling
    return h.capacity_t_per_day, h.capacity_teu_per_day, 0.0


def _fits_empty(claim: Claim, cap_t: float, cap_teu: float, cap_trailers: float) -> bool:
    """Whether the claim fits a resource with nothing booked yet (same rules as below)."""
    if claim.kind == "departure":
        if claim.trailers > 0 and claim.trailers > cap_trailers + _EPS:
            return False
        return claim.tonnes <= cap_t + _EPS and (claim.teu <= 0 or claim.teu <= cap_teu + _EPS)
    if claim.teu > 0:
        return cap_teu <= 0 or claim.teu <= cap_teu + _EPS
    return cap_t <= 0 or claim.tonnes <= cap_t + _EPS


def _full(claim: Claim) -> ConflictError:
    slots = f" / {claim.trailers:g} trailers" if claim.trailers else ""
    return ConflictError(
        f"{claim.label()} is full: it cannot take {claim.tonnes:g} t / "
        f"{claim.teu:g} TEU{slots} more; nothing was booked",
        resources=[claim.label()],
        issues=[FieldIssue("$.offer_id", f"{claim.label()} is full")],
    )


@lru_cache(maxsize=32)  # keys: 2 dialects x 2 kinds x 6 check sets
def _upsert(dialect: str, kind: str, checks: tuple[str, ...]) -> Any:
    """The claim's upsert, built once per shape: the values are bound parameters
    (``resource``, ``when``, ``cap_t``, ``cap_teu``, ``tonnes``, ``teu``; departures also
    ``cap_trailers``, ``trailers``), so every booking reuses the statement and its
    compiled SQL (SQLAlchemy's cache)."""
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    table: Any = (DepartureCapacityRow if kind == "departure" else TerminalCapacityRow).__table__
    keys = ("service", "depart") if kind == "departure" else ("node", "day")
    c = table.c
    tonnes, teu = bindparam("tonnes", type_=Float), bindparam("teu", type_=Float)
    fits = {
        "t": c.booked_t + tonnes <= c.capacity_t + _EPS,
        "teu": c.booked_teu + teu <= c.capacity_teu + _EPS,
    }
    values = {keys[0]: bindparam("resource"), keys[1]: bindparam("when"),
              "capacity_t": bindparam("cap_t", type_=Float),
              "capacity_teu": bindparam("cap_teu", type_=Float),
              "booked_t": tonnes, "booked_teu": teu}  # fmt: skip
    set_ = {"booked_t": c.booked_t + tonnes, "booked_teu": c.booked_teu + teu}
    if kind == "departure":
        trailers = bindparam("trailers", type_=Float)
        cap_tr = bindparam("cap_trailers", type_=Float)
        # a row stored before runs counted trailer slots has capacity 0: the network's then
        slots = func.coalesce(func.nullif(c.capacity_trailers, 0.0), cap_tr)
        fits["trailers"] = c.booked_trailers + trailers <= slots + _EPS
        values.update(capacity_trailers=cap_tr, booked_trailers=trailers)
        set_.update(booked_trailers=c.booked_trailers + trailers, capacity_trailers=slots)
    return (
        ins(table)
        .values(values)
        .on_conflict_do_update(
            index_elements=list(keys),
            set_=set_,
            where=and_(*(fits[k] for k in checks)) if checks else None,
        )
        .returning(c.booked_t)
    )


def _checks(claim: Claim, cap_t: float, cap_teu: float) -> tuple[str, ...]:
    """Which measures the upsert checks against the capacity (as the router)."""
    if claim.kind == "departure":  # tonnes always, TEU for containers, slots for trailers
        base = ("t", "teu") if claim.teu > 0 else ("t",)
        return (*base, "trailers") if claim.trailers > 0 else base
    if claim.teu > 0:  # terminals: containers count TEU; capacity 0 = not limited
        return ("teu",) if cap_teu > 0 else ()
    return ("t",) if cap_t > 0 else ()  # other forms tonnes


def take_claims(s: Session, network: Network, claims: tuple[Claim, ...]) -> None:
    """Raise every claim's booked amount, or raise ConflictError naming the full ones.

    One statement per claim: ``INSERT .. ON CONFLICT (key) DO UPDATE SET booked = booked
    + x WHERE booked + x <= capacity RETURNING``; no row back means full. The first
    booking of a resource inserts its row (checked against the capacity beforehand).
    """
    conn = s.connection()
    dialect = conn.dialect.name
    for claim in sorted(claims, key=lambda c: c.key):
        cap_t, cap_teu, cap_trailers = _capacity_of(network, claim)
        if not _fits_empty(claim, cap_t, cap_teu, cap_trailers):
            raise _full(claim)
        upsert = _upsert(dialect, claim.kind, _checks(claim, cap_t, cap_teu))
        params = {"resource": claim.resource, "when": claim.when, "cap_t": cap_t,
                  "cap_teu": cap_teu, "tonnes": claim.tonnes, "teu": claim.teu}  # fmt: skip
        if claim.kind == "departure":
            params.update(cap_trailers=cap_trailers, trailers=claim.trailers)
        if conn.execute(upsert, params).first() is None:
            raise _full(claim)


def give_back(s: Session, claims: tuple[Claim, ...]) -> None:
    for claim in sorted(claims, key=lambda c: c.key):
        model: Any
        values: dict[str, Any]
        if claim.kind == "departure":
            model = DepartureCapacityRow
            where = and_(model.service == claim.resource, model.depart == claim.when)
            values = {"booked_trailers": model.booked_trailers - claim.trailers}
        else:
            model = TerminalCapacityRow
            where = and_(model.node == claim.resource, model.day == claim.when)
            values = {}
        values.update(
            booked_t=model.booked_t - claim.tonnes, booked_teu=model.booked_teu - claim.teu
        )
        s.execute(update(model).where(where).values(**values))


def ledger_for(s: Session, ready: datetime, horizon_days: int = 30) -> CapacityLedger:
    """The router's view of what is booked from ``ready`` on (full runs are skipped)."""
    ready = ready.astimezone(BEIJING)
    lo = (ready - timedelta(days=16)).date().isoformat()  # China-Europe runs are long
    hi = (ready + timedelta(days=horizon_days)).date().isoformat() + "T99"
    deps = s.execute(
        select(
            DepartureCapacityRow.service, DepartureCapacityRow.depart,
            DepartureCapacityRow.booked_t, DepartureCapacityRow.booked_teu,
            DepartureCapacityRow.booked_trailers,
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
        ((r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4]) for r in deps),
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
    capacity_trailers: float = 0.0  # piggyback runs: semitrailer slots
    booked_trailers: float = 0.0


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
                (r.capacity_trailers or run.capacity_trailers) if r else run.capacity_trailers,
                round(r.booked_trailers, 3) if r else 0.0,
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
