"""Taking claims on train runs and terminal days, on SQLite and PostgreSQL: each measure
that counts is checked against the capacity, a full resource is refused by name, and a
refused booking takes nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from api.capacity_store import DepartureCapacityRow, TerminalCapacityRow, give_back, take_claims
from api.db import Database, run_migrations
from freight.booking import Claim
from freight.errors import ConflictError

pytestmark = pytest.mark.db

RUN = "2025-03-03T10:00:00+08:00"
DAY = "2025-03-03"


def _network() -> Any:
    """Capacities of one train (10 t, 2 TEU), one piggyback train (3 trailer slots, 90 t)
    and three terminals: tonnes only, TEU only, and not limited (0 in both measures)."""

    def handling(t: float, teu: float) -> Any:
        return SimpleNamespace(handling=SimpleNamespace(capacity_t_per_day=t,
                                                        capacity_teu_per_day=teu))  # fmt: skip

    return SimpleNamespace(
        services={"svc": SimpleNamespace(capacity_t=10.0, capacity_teu=2.0, capacity_trailers=0.0),
                  "pb": SimpleNamespace(capacity_t=90.0, capacity_teu=6.0, capacity_trailers=3.0)},
        nodes={"term_t": handling(5.0, 0.0), "term_teu": handling(0.0, 3.0),
               "term_free": handling(0.0, 0.0)},
    )  # fmt: skip


def _take(db: Database, *claims: Claim) -> str | None:
    """Take ``claims`` in one transaction; the refused resource's name, or None."""
    try:
        with db.write() as s:
            take_claims(s, _network(), claims)
    except ConflictError as exc:
        assert "nothing was booked" in exc.message
        return exc.resources[0]
    return None


def _booked(db: Database) -> dict[str, tuple[float, float]]:
    with db.read() as s:
        deps = s.scalars(select(DepartureCapacityRow)).all()
        terms = s.scalars(select(TerminalCapacityRow)).all()
        return {**{r.service: (r.booked_t, r.booked_teu) for r in deps},
                **{r.node: (r.booked_t, r.booked_teu) for r in terms}}  # fmt: skip


def test_each_claim_shape_fills_to_capacity_and_no_further(db_url: str) -> None:
    db = Database(db_url)
    run_migrations(db)
    try:
        dep = Claim("departure", "svc", RUN, 4.0, 0.0)  # tonnes only
        assert _take(db, dep) is None and _take(db, dep) is None
        assert _take(db, dep) == f"departure svc {RUN}"  # 12 t > 10 t
        box = Claim("departure", "svc", RUN, 0.5, 1.0)  # containers: tonnes and TEU
        assert _take(db, box) is None and _take(db, box) is None  # 9 t, 2 TEU
        assert _take(db, Claim("departure", "svc", RUN, 0.1, 1.0)) == f"departure svc {RUN}"

        bulk = Claim("terminal", "term_t", DAY, 2.5, 0.0)
        assert _take(db, bulk) is None and _take(db, bulk) is None
        assert _take(db, Claim("terminal", "term_t", DAY, 0.5, 0.0)) == f"terminal term_t {DAY}"
        ctr = Claim("terminal", "term_teu", DAY, 30.0, 1.5)  # TEU count, tonnes do not
        assert _take(db, ctr) is None and _take(db, ctr) is None
        assert _take(db, Claim("terminal", "term_teu", DAY, 1.0, 0.5)) == (
            f"terminal term_teu {DAY}"
        )
        for _ in range(3):  # capacity 0 in both measures: not limited
            assert _take(db, Claim("terminal", "term_free", DAY, 1000.0, 50.0)) is None

        assert _booked(db) == {
            "svc": (9.0, 2.0),
            "term_t": (5.0, 0.0),
            "term_teu": (60.0, 3.0),
            "term_free": (3000.0, 150.0),
        }
    finally:
        db.dispose()


def test_a_refused_claim_leaves_the_others_untaken(db_url: str) -> None:
    db = Database(db_url)
    run_migrations(db)
    try:
        assert _take(db, Claim("terminal", "term_t", DAY, 5.0, 0.0)) is None  # now full
        # sorted order takes the departure first, then finds the terminal day full
        both = (
            Claim("terminal", "term_t", DAY, 1.0, 0.0),
            Claim("departure", "svc", RUN, 1.0, 0.0),
        )
        assert _take(db, *both) == f"terminal term_t {DAY}"
        assert _booked(db) == {"term_t": (5.0, 0.0)}
    finally:
        db.dispose()


def test_piggyback_claims_fill_trailer_slots_before_tonnes(db_url: str) -> None:
    db = Database(db_url)
    run_migrations(db)
    try:
        small = Claim("departure", "pb", RUN, 5.0, 0.0, 1.0)  # a part-load trailer
        for _ in range(3):
            assert _take(db, small) is None
        # 15 t of 90 t booked, but all 3 slots are: the run is full for trailers
        assert _take(db, small) == f"departure pb {RUN}"
        assert _take(db, Claim("departure", "pb", RUN, 1.0, 0.0, 1.0)) == f"departure pb {RUN}"
        with db.read() as s:
            (row,) = s.scalars(select(DepartureCapacityRow)).all()
            assert (row.booked_t, row.booked_trailers, row.capacity_trailers) == (15.0, 3.0, 3.0)
        give_back_one(db, small)
        assert _take(db, small) is None  # a cancelled trailer frees its slot
        assert _take(db, Claim("departure", "pb", RUN, 0.0, 0.0, 4.0)) == f"departure pb {RUN}"
    finally:
        db.dispose()


def test_a_consignment_of_more_trailers_than_the_run_is_refused_on_an_empty_run(
    db_url: str,
) -> None:
    db = Database(db_url)
    run_migrations(db)
    try:
        assert _take(db, Claim("departure", "pb", RUN, 60.0, 0.0, 4.0)) == f"departure pb {RUN}"
        assert _booked(db) == {}
    finally:
        db.dispose()


def test_a_refused_trailer_claim_leaves_the_terminal_day_untaken(db_url: str) -> None:
    db = Database(db_url)
    run_migrations(db)
    try:
        assert _take(db, Claim("departure", "pb", RUN, 3.0, 0.0, 3.0)) is None
        both = (
            Claim("terminal", "term_t", DAY, 1.0, 0.0),
            Claim("departure", "pb", RUN, 1.0, 0.0, 1.0),
        )
        assert _take(db, *both) == f"departure pb {RUN}"
        assert _booked(db) == {"pb": (3.0, 0.0)}
    finally:
        db.dispose()


def give_back_one(db: Database, claim: Claim) -> None:
    with db.write() as s:
        give_back(s, (claim,))
