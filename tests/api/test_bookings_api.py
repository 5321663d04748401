"""Bookings over HTTP on SQLite and PostgreSQL: quote -> book -> track, capacity, bad input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from api.booking_store import BookingRow, offer_secret
from api.capacity_store import DepartureCapacityRow
from freight.booking import decode_offer, encode_offer
from freight.booking.model import Offer
from freight.clock import BEIJING

pytestmark = pytest.mark.db

PARTIES = {
    "shipper": {"name": "Kuytun Cotton Co.", "contact": "+86 992 111"},
    "consignee": {"name": "Alashankou Forwarding", "contact": "ops@example.cn"},
}


def quote(client, origin="kuytun", dest="alashankou", teu=20, ready="2025-03-03T06:00:00"):
    r = client.post(
        "/v1/routes",
        json={
            "origin": origin,
            "destination": dest,
            "cargo": {"commodity": "cotton", "form": "container", "quantity": teu, "unit": "teu"},
            "ready_at": ready,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()["alternatives"]


def book(client, headers, offer_id, **extra) -> Any:
    return client.post(
        "/v1/bookings", json={"offer_id": offer_id, **PARTIES}, headers={**headers, **extra}
    )


def departures(client, headers, service, day):
    r = client.get(
        f"/v1/capacity/departures?service={service}&from={day}&to={day}", headers=headers
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_quote_book_track_contract(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    op = key_for(client, "operator", "acme-ops")
    alts = quote(client)
    for alt in alts:
        assert alt["offer_id"] and alt["offer_expires_at"].endswith("+08:00")
    alt = alts[0]
    assert alt["legs"][0]["service"] == "reg_kuytun_alashankou"
    r = book(client, op, alt["offer_id"], reference="PO-1")
    assert r.status_code == 201, r.text
    b = r.json()
    assert r.headers["location"] == f"/v1/bookings/{b['id']}"
    assert b["status"] == "confirmed" and b["bill_no"].startswith("KT")
    assert b["price_cny"] == alt["total"]["cost_cny"]
    assert b["eta"] == alt["arrive"]
    assert [leg["seq"] for leg in b["legs"]] == list(range(1, len(alt["legs"]) + 1))
    assert all(leg["status"] == "planned" and leg["carrier"] for leg in b["legs"])
    assert round(sum(s["amount_cny"] for s in b["settlement"]), 2) == b["price_cny"]
    assert b["org"] == "acme-ops"
    dep = departures(client, op, "reg_kuytun_alashankou", "2025-03-03")
    # 20 TEU of cotton at 13 t per TEU (costs.toml tonnes_per_teu)
    assert dep == [
        {"service": "reg_kuytun_alashankou", "depart": "2025-03-03T10:00:00+08:00",
         "capacity_teu": 80.0, "booked_teu": 20.0, "capacity_t": 2500.0, "booked_t": 260.0,
         "capacity_trailers": 0.0, "booked_trailers": 0.0}  # not a piggyback train
    ]  # fmt: skip
    # GET one, list, bill
    assert client.get(f"/v1/bookings/{b['id']}", headers=op).json() == b
    page = client.get("/v1/bookings?status=confirmed&limit=10", headers=op).json()
    assert page["total"] == 1 and page["items"][0]["id"] == b["id"]
    assert client.get("/v1/bookings?status=cancelled", headers=op).json()["total"] == 0
    bill = client.get(f"/v1/bookings/{b['id']}/bill", headers=op).json()
    assert bill["bill_no"] == b["bill_no"] and bill["price_cny"] == b["price_cny"]
    page_html = client.get(f"/v1/bookings/{b['id']}/bill?format=html", headers=op)
    assert page_html.headers["content-type"].startswith("text/html")
    assert b["bill_no"] in page_html.text and "Kuytun Cotton Co." in page_html.text
    # track: gate_in, departed (late 30 min), arrived -> delivered
    leg = b["legs"][0]
    events = [
        {"event_id": "e1", "type": "gate_in", "leg": 1, "at": "2025-03-03T09:00:00+08:00",
         "location": "kuytun"},
        {"event_id": "e2", "type": "departed", "leg": 1, "at": "2025-03-03T11:00:00+08:00"},
    ]  # fmt: skip
    for ev in events:
        r = client.post(f"/v1/bookings/{b['id']}/events", json=ev, headers=op)
        assert r.status_code == 201, r.text
    after = r.json()["booking"]
    assert after["status"] == "in_transit" and after["legs"][0]["status"] == "in_progress"
    assert after["eta"] == "2025-03-03T17:30:00+08:00"  # 30 min late departure, same run time
    assert after["eta_history"][-1]["eta"] == after["eta"]
    again = client.post(f"/v1/bookings/{b['id']}/events", json=events[1], headers=op)
    assert again.status_code == 201 and again.json() == r.json()  # stored once, same answer
    arr = {"event_id": "e3", "type": "arrived", "leg": 1, "at": "2025-03-03T17:40:00",
           "location": leg["to"]}  # fmt: skip
    assert client.post(f"/v1/bookings/{b['id']}/events", json=arr, headers=op).status_code == 201
    dl = {"event_id": "e4", "type": "delivered", "leg": 1, "at": "2025-03-03T18:00:00+08:00"}
    done = client.post(f"/v1/bookings/{b['id']}/events", json=dl, headers=op).json()["booking"]
    assert done["status"] == "delivered" and done["eta"] == "2025-03-03T17:40:00+08:00"
    listed = client.get(f"/v1/bookings/{b['id']}/events", headers=op).json()
    assert [e["event_id"] for e in listed] == ["e1", "e2", "e3", "e4"]
    # delivered: no more events, no cancel
    late = {"event_id": "e5", "type": "delayed", "leg": 1, "at": "2025-03-03T19:00:00+08:00",
            "delay_minutes": 10}  # fmt: skip
    r = client.post(f"/v1/bookings/{b['id']}/events", json=late, headers=op)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert client.delete(f"/v1/bookings/{b['id']}", headers=op).status_code == 409


def test_full_departure_refused_and_next_run_offered(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    op = key_for(client, "operator")
    offer_id = quote(client, teu=30)[0]["offer_id"]
    codes = [book(client, op, offer_id).status_code for _ in range(3)]
    assert codes == [201, 201, 409]  # 80 TEU: two of 30 TEU fit
    r = book(client, op, offer_id)
    p = r.json()
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert "reg_kuytun_alashankou 2025-03-03T10:00:00+08:00" in p["detail"]
    assert p["resources"] == ["departure reg_kuytun_alashankou 2025-03-03T10:00:00+08:00"]
    dep = departures(client, op, "reg_kuytun_alashankou", "2025-03-03")[0]
    assert dep["booked_teu"] == 60.0  # the refusals took nothing
    # a new quote skips the full run and offers the next train (another service or day)
    leg = quote(client, teu=30)[0]["legs"][0]
    assert leg["mode"] == "rail"
    assert (leg["service"], leg["depart"][:10]) != ("reg_kuytun_alashankou", "2025-03-03")
    # a smaller consignment still fits the Monday run
    assert quote(client, teu=20)[0]["legs"][0]["depart"].startswith("2025-03-03")
    # cancelling gives the capacity back
    first = client.get("/v1/bookings", headers=op).json()["items"][0]
    assert client.delete(f"/v1/bookings/{first['id']}", headers=op).json()["status"] == "cancelled"
    assert departures(client, op, "reg_kuytun_alashankou", "2025-03-03")[0]["booked_teu"] == 30
    assert client.delete(f"/v1/bookings/{first['id']}", headers=op).status_code == 200
    assert departures(client, op, "reg_kuytun_alashankou", "2025-03-03")[0]["booked_teu"] == 30
    assert book(client, op, offer_id).status_code == 201


def _state(client) -> tuple[list[Any], list[Any]]:
    db = client.app.state.db
    with db.read() as s:
        rows = [(r.id, r.status, r.data) for r in s.scalars(select(BookingRow))]
        caps = [(c.service, c.depart, c.booked_t, c.booked_teu)
                for c in s.scalars(select(DepartureCapacityRow))]  # fmt: skip
    return sorted(rows, key=lambda r: r[0]), sorted(caps)


def test_bad_input_is_refused_and_changes_nothing(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    op = key_for(client, "operator", "acme")
    other = key_for(client, "operator", "rival")
    planner = key_for(client, "planner")
    offer_id = quote(client)[0]["offer_id"]
    b = book(client, op, offer_id).json()
    before = _state(client)

    def problem(r, status, loc=None):
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
        if loc:
            assert loc in [e["loc"] for e in r.json().get("errors", [])], r.json()

    # unknown, altered and expired offers
    problem(book(client, op, "nonsense"), 404, "$.offer_id")
    payload, mac = offer_id.split(".")
    problem(book(client, op, payload[:-2] + "AA." + mac), 404, "$.offer_id")
    secret = client.app.state.db._offer_secret
    offer = decode_offer(offer_id, secret, Offer.from_dict(_first(offer_id, secret)).created_at)
    from dataclasses import replace

    stale = replace(offer, created_at=offer.created_at.replace(year=2024),
                    expires_at=offer.created_at.replace(year=2024, minute=59))  # fmt: skip
    problem(book(client, op, encode_offer(stale, secret)), 410, "$.offer_id")
    gone = replace(offer, claims=tuple(replace(c, resource="svc_closed") for c in offer.claims))
    problem(book(client, op, encode_offer(gone, secret)), 410, "$.offer_id")
    # malformed parties
    bad = client.post(
        "/v1/bookings",
        json={"offer_id": offer_id, "shipper": {"name": " ", "contact": "x"},
              "consignee": {"name": "B"}},
        headers=op,
    )  # fmt: skip
    problem(bad, 422, "$.shipper.name")
    assert "$.consignee.contact" in [e["loc"] for e in bad.json()["errors"]]
    # roles and organisations
    problem(book(client, planner, offer_id), 403)
    problem(book(client, {}, offer_id), 401)
    problem(client.get(f"/v1/bookings/{b['id']}", headers=other), 404)
    problem(client.delete(f"/v1/bookings/{b['id']}", headers=other), 404)
    ev = {"event_id": "x1", "type": "gate_in", "leg": 1, "at": "2025-03-03T09:00:00+08:00"}
    problem(client.post(f"/v1/bookings/{b['id']}/events", json=ev, headers=other), 404)
    assert client.get("/v1/bookings", headers=other).json()["total"] == 0
    # events: out of order, wrong place, absurd delays, unknown leg
    url = f"/v1/bookings/{b['id']}/events"
    ok = {"event_id": "ok1", "type": "departed", "leg": 1, "at": "2025-03-03T10:30:00+08:00"}
    assert client.post(url, json=ok, headers=op).status_code == 201
    before = _state(client)
    ev = {**ev, "at": "2025-03-03T11:00:00+08:00"}
    cases = [
        ({**ev, "event_id": "b1"}, 422, "$.type"),  # gate_in after departed
        ({**ev, "event_id": "b2", "type": "arrived", "at": "2025-03-03T10:00:00+08:00"}, 422,
         "$.at"),  # before the previous event
        ({**ev, "event_id": "b3", "type": "arrived", "location": "urumqi",
          "at": "2025-03-03T17:00:00+08:00"}, 422, "$.location"),
        ({**ev, "event_id": "b4", "type": "delayed", "delay_minutes": 10**7}, 422,
         "$.delay_minutes"),
        ({**ev, "event_id": "b5", "type": "delayed", "delay_minutes": -5}, 422,
         "$.delay_minutes"),
        ({**ev, "event_id": "b6", "leg": 7}, 422, "$.leg"),
        ({**ev, "event_id": "b7", "type": "delivered"}, 409, "$.type"),
        ({**ev, "event_id": "b8", "type": "flew"}, 422, "$.type"),
        ({**ev, "event_id": "b9", "type": "arrived", "at": "2031-01-01T00:00:00+08:00"}, 422,
         "$.at"),
    ]  # fmt: skip
    for body, status, loc in cases:
        problem(client.post(url, json=body, headers=op), status, loc)
    problem(client.delete(f"/v1/bookings/{b['id']}", headers=op), 409)  # cargo under way
    assert _state(client) == before
    assert [e["event_id"] for e in client.get(url, headers=op).json()] == ["ok1"]
    # idempotency: same key + same offer -> same booking; other offer -> 409
    k = {"Idempotency-Key": "po-77"}
    one = book(client, op, offer_id, **k)
    two = book(client, op, offer_id, **k)
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    other_offer = quote(client, teu=10)[0]["offer_id"]
    problem(book(client, op, other_offer, **k), 409)


def _first(offer_id: str, secret: bytes) -> dict[str, Any]:
    import base64
    import json
    import zlib

    payload = offer_id.split(".")[0]
    return json.loads(
        zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    )


def test_missed_train_is_replanned_and_capacity_moves(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    op = key_for(client, "platform")
    alt = quote(client, origin="hub_west_coldchain", dest="urumqi")[0]
    assert [leg["mode"] for leg in alt["legs"]] == ["road", "siding", "rail"]
    b = book(client, op, alt["offer_id"]).json()
    old_run = b["legs"][2]["run_depart"]
    old_svc = b["legs"][2]["service"]
    url = f"/v1/bookings/{b['id']}/events"
    ev = {"event_id": "d1", "type": "delayed", "leg": 1, "at": "2025-03-03T06:30:00+08:00",
          "delay_minutes": 720}  # fmt: skip
    r = client.post(url, json=ev, headers=op)
    assert r.status_code == 201, r.text
    after = r.json()["booking"]
    assert after["status"] == "replanned", after
    (rp,) = after["replans"]
    assert rp["from_leg"] == 3 and "missed" in rp["reason"]
    new_rail = [leg for leg in after["legs"] if leg["mode"] == "rail"][-1]
    assert (new_rail["service"], new_rail["run_depart"]) != (old_svc, old_run)
    assert new_rail["depart"] > b["legs"][2]["depart"]
    assert after["eta"] > b["eta"]
    assert round(sum(s["amount_cny"] for s in after["settlement"]), 2) == after["price_cny"]
    day = old_run[:10]
    old = departures(client, op, old_svc, day)
    assert [d["booked_teu"] for d in old if d["depart"] == old_run] == [0.0]
    new_day = new_rail["run_depart"][:10]
    new = departures(client, op, new_rail["service"], new_day)
    assert [d["booked_teu"] for d in new if d["depart"] == new_rail["run_depart"]] == [20.0]
    # the booking's claims are exactly what the capacity tables hold
    assert {c["resource"] for c in after["claims"] if c["kind"] == "departure"} == {
        new_rail["service"]
    }


def test_due_by_unreachable_is_at_risk_naming_the_constraint(db_url, make_client, key_for):
    client = make_client(db_url)
    op = key_for(client, "operator")
    r = client.post(
        "/v1/routes",
        json={"origin": "kuytun", "destination": "alashankou",
              "cargo": {"commodity": "cotton", "form": "container", "quantity": 20, "unit": "teu"},
              "ready_at": "2025-03-03T06:00:00", "due_by": "2025-03-04T00:00:00",
              "avoid": {"modes": ["road"]}},
    )  # fmt: skip
    alt = r.json()["alternatives"][0]
    b = book(client, op, alt["offer_id"]).json()
    assert b["due_by"] == "2025-03-04T00:00:00+08:00"
    ev = {"event_id": "g", "type": "delayed", "leg": 1, "at": "2025-03-03T09:00:00+08:00",
          "delay_minutes": 600}  # fmt: skip
    after = client.post(f"/v1/bookings/{b['id']}/events", json=ev, headers=op).json()["booking"]
    assert after["status"] == "at_risk"
    assert "due_by" in after["reason"]


def test_keys_carry_an_organisation(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    admin = key_for(client, "admin")
    r = client.post("/v1/keys", json={"role": "operator", "name": "ann", "org": "acme"},
                    headers=admin)  # fmt: skip
    assert r.status_code == 201 and r.json()["org"] == "acme"
    ann = {"Authorization": f"Bearer {r.json()['key']}"}
    r2 = client.post("/v1/keys", json={"role": "operator", "name": "bob", "org": "acme"},
                     headers=admin)  # fmt: skip
    bob = {"Authorization": f"Bearer {r2.json()['key']}"}
    b = book(client, ann, quote(client)[0]["offer_id"]).json()
    assert b["org"] == "acme"
    assert client.get(f"/v1/bookings/{b['id']}", headers=bob).status_code == 200
    assert client.get(f"/v1/bookings/{b['id']}", headers=admin).status_code == 200
    assert client.get("/v1/bookings", headers=admin).json()["total"] == 1


KUQA = {
    "origin": "kuytun",
    "destination": "kuqa",
    "cargo": {"commodity": "general", "form": "general", "quantity": 500, "unit": "t"},
    "ready_at": "2035-03-05T06:00:00",
    "alternatives": 5,
}


def _kuqa_rail_offer(client, url: str, headers: dict[str, str], origin: str = "kuytun") -> str:
    """The offer of an alternative on the Kuytun–Kuqa train, which only the 2035 network
    (the planned railway) runs."""
    r = client.post(url, json={**KUQA, "origin": origin}, headers=headers)
    assert r.status_code == 200, r.text
    for alt in r.json()["alternatives"]:
        if any(leg["service"] == "reg_kuytun_kuqa" for leg in alt["legs"]):
            return str(alt["offer_id"])
    raise AssertionError("no alternative on reg_kuytun_kuqa")


def test_offer_of_a_network_year_is_booked_on_that_year(db_url, make_client, key_for) -> None:
    client = make_client(db_url)
    op = key_for(client, "operator", "acme-ops")
    offer_id = _kuqa_rail_offer(client, "/v1/routes?year=2035", {})
    offer = decode_offer(offer_id, offer_secret(client.app.state.db), datetime.now(BEIJING))
    assert offer.network_year == 2035 and offer.scenario is None
    r = book(client, op, offer_id)
    assert r.status_code == 201, r.text  # the train exists in 2035, not in the shipped files
    dep = r.json()["legs"]
    run = next(leg for leg in dep if leg["service"] == "reg_kuytun_kuqa")
    assert run["from"] == "kuytun"


def test_offer_of_a_scenario_is_booked_on_it_by_its_org_only(db_url, make_client, key_for):
    client = make_client(db_url)
    plan = key_for(client, "planner", "org-a")
    sc = {
        "name": "Kuqa railway doubled",
        "base_year": 2035,
        "changes": [{"op": "update", "table": "links", "id": "r_kuytun__kuqa",
                     "values": {"capacity_per_day": 40}}],
    }  # fmt: skip
    sid = client.post("/v1/scenarios", json=sc, headers=plan).json()["id"]
    offer_id = _kuqa_rail_offer(client, f"/v1/routes?scenario={sid}", plan)
    other = key_for(client, "operator", "org-b")
    gone = book(client, other, offer_id)
    assert gone.status_code == 410 and "scenario" in gone.text  # org-b cannot see it
    own = key_for(client, "operator", "org-a")
    assert book(client, own, offer_id).status_code == 201
    second = _kuqa_rail_offer(client, f"/v1/routes?scenario={sid}", plan)
    assert client.delete(f"/v1/scenarios/{sid}", headers=plan).status_code == 204
    r = book(client, own, second)
    assert r.status_code == 410 and r.headers["content-type"] == "application/problem+json"


def test_replan_of_a_network_year_booking_stays_on_that_year(db_url, make_client, key_for):
    """A missed train of a 2035 booking is re-planned on the 2035 network (the Kuqa train
    exists there, not in the shipped files)."""
    client = make_client(db_url)
    op = key_for(client, "platform")
    offer_id = _kuqa_rail_offer(client, "/v1/routes?year=2035", {}, origin="wh_steel")
    b = book(client, op, offer_id).json()
    assert b["network_year"] == 2035 and b["legs"][0]["service"] != "reg_kuytun_kuqa"
    seq = next(leg["seq"] for leg in b["legs"] if leg["service"] == "reg_kuytun_kuqa")
    ev = {"event_id": "d1", "type": "delayed", "leg": 1, "at": b["legs"][0]["depart"],
          "delay_minutes": 1440}  # fmt: skip
    r = client.post(f"/v1/bookings/{b['id']}/events", json=ev, headers=op)
    assert r.status_code == 201, r.text
    after = r.json()["booking"]
    assert after["status"] == "replanned", after
    assert after["replans"][0]["from_leg"] <= seq
    assert any(leg["service"] == "reg_kuytun_kuqa" for leg in after["legs"])


def test_a_piggyback_booking_holds_trailer_slots_until_cancelled(
    db_url, make_client, key_for
) -> None:
    """A 50 t reefer consignment fills 2 semitrailers: the booking's leg and claim carry
    them, the run shows them booked, and cancelling gives them back."""
    client = make_client(db_url)
    op = key_for(client, "operator", "acme-ops")
    r = client.post(
        "/v1/routes?year=2030",
        json={"origin": "kuytun_west", "destination": "urumqi", "ready_at": "2030-03-04T08:00:00",
              "cargo": {"commodity": "cold_food", "form": "reefer", "quantity": 50, "unit": "t"}},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    alt = r.json()["alternatives"][0]
    assert [(leg["mode"], leg["trailers"]) for leg in alt["legs"]] == [("rail_piggyback", 2)]
    b = book(client, op, alt["offer_id"]).json()
    assert b["legs"][0]["trailers"] == 2
    run = [c for c in b["claims"] if c["kind"] == "departure"]
    assert [(c["resource"], c["trailers"]) for c in run] == [("pb_kuytun_urumqi", 2.0)]
    (dep,) = departures(client, op, "pb_kuytun_urumqi", "2030-03-04")
    assert (dep["capacity_trailers"], dep["booked_trailers"], dep["booked_t"]) == (40, 2, 50)
    assert client.delete(f"/v1/bookings/{b['id']}", headers=op).status_code == 200
    (dep,) = departures(client, op, "pb_kuytun_urumqi", "2030-03-04")
    assert (dep["booked_trailers"], dep["booked_t"]) == (0, 0)


def test_a_run_row_stored_before_trailer_slots_takes_the_network_figure(
    db_url, make_client
) -> None:
    """A capacity row of a piggyback run written with no slot capacity (as the column's
    default leaves older rows) is checked against the network's capacity_trailers."""
    from api.capacity_store import take_claims
    from api.db import Database
    from freight.booking import Claim
    from freight.errors import ConflictError
    from freight.network.years import default_network_for_year

    make_client(db_url)  # migrates
    net = default_network_for_year(2030)
    when = "2030-03-04T21:00:00+08:00"
    db = Database(db_url)
    try:
        with db.write() as s:
            s.add(DepartureCapacityRow(service="pb_kuytun_urumqi", depart=when,
                                       capacity_t=1200.0, capacity_teu=80.0, booked_t=10.0,
                                       booked_teu=0.0, capacity_trailers=0.0,
                                       booked_trailers=0.0))  # fmt: skip
        with db.write() as s:
            take_claims(s, net, (Claim("departure", "pb_kuytun_urumqi", when, 10.0, 0.0, 40.0),))
        with pytest.raises(ConflictError), db.write() as s:
            take_claims(s, net, (Claim("departure", "pb_kuytun_urumqi", when, 1, 0.0, 1.0),))
        with db.read() as s:
            row = s.scalars(select(DepartureCapacityRow)).one()
            assert (row.capacity_trailers, row.booked_trailers, row.booked_t) == (40.0, 40.0, 20.0)
    finally:
        db.dispose()
