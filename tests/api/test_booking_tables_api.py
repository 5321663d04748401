"""GET /v1/bookings?format=csv|parquet: the organisation's bookings and legs as tables."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest

from freight.tables import COLUMNS

pytestmark = pytest.mark.db

PARTIES = {
    "shipper": {"name": "Kuytun Cotton Co.", "contact": "+86 992 111"},
    "consignee": {"name": "Alashankou Forwarding", "contact": "ops@example.cn"},
}
BOOKING_COLS = list(COLUMNS["booking"]["bookings"])
LEG_COLS = list(COLUMNS["booking"]["legs"])


def _book(client: Any, headers: dict[str, str], teu: int, ready: str) -> dict[str, Any]:
    cargo = {"commodity": "cotton", "form": "container", "quantity": teu, "unit": "teu"}
    q = {"origin": "kuytun", "destination": "alashankou", "cargo": cargo, "ready_at": ready}
    r = client.post("/v1/routes", json=q)
    assert r.status_code == 200, r.text
    offer_id = r.json()["alternatives"][0]["offer_id"]
    r = client.post("/v1/bookings", json={"offer_id": offer_id, **PARTIES}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _table(client: Any, headers: dict[str, str], **params: Any) -> Any:
    r = client.get("/v1/bookings", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r


def test_booking_tables_round_trip_and_org_scoping(db_url, make_client, key_for) -> None:
    """Runs on SQLite and PostgreSQL: the tables hold exactly the caller's page."""
    client = make_client(db_url)
    acme = key_for(client, "operator", "acme-ops")
    other = key_for(client, "operator", "other-ops")
    mine = [_book(client, acme, 10, "2025-03-03T06:00:00"),
            _book(client, acme, 5, "2025-03-04T06:00:00+08:00")]  # fmt: skip
    theirs = _book(client, other, 4, "2025-03-03T06:00:00")
    listed = client.get("/v1/bookings", headers=acme).json()["items"]  # newest first

    r = _table(client, acme, format="csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["x-total-count"] == "2"
    assert 'filename="bookings-bookings.csv"' in r.headers["content-disposition"]
    heads = pd.read_csv(io.StringIO(r.text))
    assert list(heads.columns) == BOOKING_COLS
    assert heads["booking_id"].tolist() == [b["id"] for b in listed]
    assert theirs["id"] not in heads["booking_id"].tolist()
    assert set(heads["org"]) == {"acme-ops"}
    by_id = {b["id"]: b for b in mine}
    for _, row in heads.iterrows():
        b = by_id[row["booking_id"]]
        assert row["bill_no"] == b["bill_no"] and row["price_cny"] == pytest.approx(b["price_cny"])
        assert row["teu"] == b["cargo"]["teu"] and row["quantity_t"] == b["cargo"]["tonnes"]
        assert row["quoted_unit"] == "teu" and row["legs"] == len(b["legs"])
        assert row["eta"] == b["eta"] and row["eta"].endswith("+08:00")
        assert row["created_at"].endswith("+08:00") and row["depart"].endswith("+08:00")
        assert row["distance_km"] == pytest.approx(sum(x["distance_km"] for x in b["legs"]))

    legs_csv = _table(client, acme, format="csv", table="legs")
    legs = pd.read_csv(io.StringIO(legs_csv.text))
    assert list(legs.columns) == LEG_COLS
    want = [(b["id"], leg["seq"]) for b in listed for leg in b["legs"]]
    assert list(zip(legs["booking_id"], legs["seq"], strict=True)) == want
    first = listed[0]["legs"][0]
    row = legs.iloc[0]
    assert (row["from_node"], row["to_node"], row["mode"]) == (first["from"], first["to"],
                                                               first["mode"])  # fmt: skip
    assert row["depart"] == first["depart"] and row["delay_min"] == 0
    assert row["price_cny"] == pytest.approx(first["price_cny"])
    assert row["nodes"].split(";") == first["nodes"]
    assert all(str(t).endswith("+08:00") for t in legs["arrive"])

    for name, cols, csv_df in (("bookings", BOOKING_COLS, heads), ("legs", LEG_COLS, legs)):
        pq = _table(client, acme, format="parquet", table=name)
        assert pq.headers["content-type"] == "application/vnd.apache.parquet"
        df = pd.read_parquet(io.BytesIO(pq.content))
        assert list(df.columns) == cols and len(df) == len(csv_df)
        assert df["booking_id"].tolist() == csv_df["booking_id"].tolist()
        assert df["price_cny"].tolist() == pytest.approx(csv_df["price_cny"].tolist())
    # the JSON list's filters apply to the tables too
    page = pd.read_csv(io.StringIO(_table(client, acme, format="csv", limit=1, offset=1).text))
    assert page["booking_id"].tolist() == [listed[1]["id"]]
    # the other organisation sees only its own booking, an admin sees all three
    theirs_df = pd.read_csv(io.StringIO(_table(client, other, format="csv").text))
    assert theirs_df["booking_id"].tolist() == [theirs["id"]]
    admin = key_for(client, "admin", "root")
    assert len(pd.read_csv(io.StringIO(_table(client, admin, format="csv").text))) == 3


def test_booking_tables_empty_and_bad_params(client, key_for) -> None:
    op = key_for(client, "operator", "nobody-yet")
    for table, cols in (("bookings", BOOKING_COLS), ("legs", LEG_COLS)):
        r = _table(client, op, format="csv", table=table)
        assert r.text.strip() == ",".join(cols)  # header only
        assert r.headers["x-total-count"] == "0"
        empty = pd.read_parquet(
            io.BytesIO(_table(client, op, format="parquet", table=table).content)
        )
        assert list(empty.columns) == cols and empty.empty
    for params, loc in (({"format": "xlsx"}, "query.format"),
                        ({"format": "csv", "table": "claims"}, "query.table")):  # fmt: skip
        r = client.get("/v1/bookings", params=params, headers=op)
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert loc in r.text
    assert client.get("/v1/bookings", params={"format": "csv"}).status_code == 401
