"""/v1/capacity/*: each day on the network of its year, or of a stored scenario."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db

KUQA_TRAIN = "reg_kuytun_kuqa"  # runs Mon, Wed, Fri on the Kuytun–Kuqa railway, from 2035


def _departures(client, headers, query: str):
    return client.get(f"/v1/capacity/departures?{query}", headers=headers)


def test_a_train_of_a_later_year_runs_in_that_year_only(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    op = key_for(c, "operator", "acme-ops")
    r = _departures(c, op, f"service={KUQA_TRAIN}&from=2035-03-02&to=2035-03-08")
    assert r.status_code == 200, r.text
    assert [d["depart"][:10] for d in r.json()] == ["2035-03-02", "2035-03-05", "2035-03-07"]
    assert all(d["capacity_teu"] == 80 and d["booked_teu"] == 0 for d in r.json())
    r = _departures(c, op, f"service={KUQA_TRAIN}&from=2026-03-02&to=2026-03-08")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert "not in the network of 2026" in r.json()["detail"]
    assert r.json()["errors"][0]["loc"] == "query.service"
    r = _departures(c, op, "service=no_such_train&from=2035-03-02&to=2035-03-02")
    assert r.status_code == 404 and "unknown service" in r.json()["detail"]
    # every train of a day: the Kuqa train is among 2035's, not among 2034's
    all_2035 = _departures(c, op, "from=2035-03-02&to=2035-03-02").json()
    all_2034 = _departures(c, op, "from=2034-03-03&to=2034-03-03").json()  # a Friday too
    assert KUQA_TRAIN in {d["service"] for d in all_2035}
    assert KUQA_TRAIN not in {d["service"] for d in all_2034} and all_2034


def test_a_range_over_new_year_reads_each_day_on_its_year(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    op = key_for(c, "planner", "acme-plan")
    r = _departures(c, op, f"service={KUQA_TRAIN}&from=2034-12-25&to=2035-01-07")
    assert r.status_code == 200, r.text
    days = [d["depart"][:10] for d in r.json()]
    assert days == ["2035-01-01", "2035-01-03", "2035-01-05"]  # none in 2034
    both = _departures(c, op, "from=2034-12-31&to=2035-01-01").json()
    kuqa = [d["depart"][:10] for d in both if d["service"] == KUQA_TRAIN]
    assert kuqa == ["2035-01-01"] and any(d["depart"].startswith("2034-12-31") for d in both)


def test_terminal_days_follow_the_year(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    op = key_for(c, "operator", "acme-ops")
    r = c.get("/v1/capacity/terminals?node=kuytun_hazmat&date=2026-06-01", headers=op)
    assert r.status_code == 404 and "not in the network of 2026" in r.json()["detail"]
    r = c.get("/v1/capacity/terminals?node=kuytun_hazmat&date=2028-06-01", headers=op)
    assert r.status_code == 200 and r.json()[0]["node"] == "kuytun_hazmat"  # opened in 2028
    # the bonded center grows into a comprehensive bonded zone in 2030 (works.csv)
    before = c.get("/v1/capacity/terminals?node=bonded_center&date=2029-06-01", headers=op)
    after = c.get("/v1/capacity/terminals?node=bonded_center&date=2030-06-01", headers=op)
    assert before.json()[0]["capacity_t"] == 8000 and after.json()[0]["capacity_t"] == 16000
    day_2026 = c.get("/v1/capacity/terminals?date=2026-06-01", headers=op).json()
    day_2028 = c.get("/v1/capacity/terminals?date=2028-06-01", headers=op).json()
    assert "kuytun_hazmat" not in {t["node"] for t in day_2026}
    assert "kuytun_hazmat" in {t["node"] for t in day_2028}


def test_scenario_capacity_is_its_orgs(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    plan = key_for(c, "planner", "org-a")
    sc = {
        "name": "bigger Alashankou pick-up train",
        "base_year": 2026,
        "changes": [{"op": "update", "table": "services", "id": "reg_kuytun_alashankou",
                     "values": {"capacity_teu": 120}}],
    }  # fmt: skip
    r = c.post("/v1/scenarios", json=sc, headers=plan)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    q = "service=reg_kuytun_alashankou&from=2026-03-02&to=2026-03-02"
    base = _departures(c, plan, q).json()
    mine = _departures(c, plan, f"{q}&scenario={sid}")
    assert mine.status_code == 200, mine.text
    assert base[0]["capacity_teu"] == 80 and mine.json()[0]["capacity_teu"] == 120
    later = _departures(
        c, plan, f"service={KUQA_TRAIN}&from=2035-03-02&to=2035-03-02&scenario={sid}"
    )
    assert later.status_code == 200 and len(later.json()) == 1  # the scenario on 2035's network
    other = key_for(c, "operator", "org-b")
    assert _departures(c, other, f"{q}&scenario={sid}").status_code == 404
    r = c.get(f"/v1/capacity/terminals?date=2026-03-02&scenario={sid}", headers=other)
    assert r.status_code == 404


def test_a_booking_of_a_later_year_shows_on_that_years_capacity(
    db_url, make_client, key_for
) -> None:
    c = make_client(db_url)
    op = key_for(c, "operator", "acme-ops")
    body = {
        "origin": "kuytun",
        "destination": "kuqa",
        "cargo": {"commodity": "general", "form": "general", "quantity": 500, "unit": "t"},
        "ready_at": "2035-03-05T06:00:00",
        "alternatives": 5,
    }
    r = c.post("/v1/routes?year=2035", json=body)
    assert r.status_code == 200, r.text
    alt = next(
        a for a in r.json()["alternatives"] if any(g["service"] == KUQA_TRAIN for g in a["legs"])
    )
    parties = {"shipper": {"name": "A", "contact": "a"}, "consignee": {"name": "B", "contact": "b"}}
    b = c.post("/v1/bookings", json={"offer_id": alt["offer_id"], **parties}, headers=op)
    assert b.status_code == 201, b.text
    leg = next(g for g in b.json()["legs"] if g["service"] == KUQA_TRAIN)
    day = leg["depart"][:10]
    runs = _departures(c, op, f"service={KUQA_TRAIN}&from={day}&to={day}").json()
    assert runs[0]["booked_t"] == pytest.approx(500.0)


def test_days_without_a_network_year_are_422_naming_the_parameter(client, key_for) -> None:
    op = key_for(client, "operator")
    r = _departures(client, op, "from=1999-12-30&to=2000-01-02")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "query.from"
    r = client.get("/v1/capacity/terminals?date=2101-01-01", headers=op)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "query.date"
