"""GET /v1/matching/rounds/{id}?format=csv|parquet: a round's plan as tables for pandas."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from freight.tables import COLUMNS
from tests.freight.matching.pairs import BACK, OUT, TRUCK

pytestmark = pytest.mark.db

# a 22:00 pickup (08:00 UTC on 3 June) after the truck's availability ends at 06:00
LATE = {**OUT, "id": "late", "pickup_from": "2025-06-03T08:00:00Z",
        "pickup_until": "2025-06-03T10:00:00Z", "deliver_by": "2025-06-03T20:00:00Z"}  # fmt: skip


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_round_tables_round_trip(client, key_for) -> None:
    h = key_for(client, "operator")
    assert client.post("/v1/matching/vehicles", json=TRUCK, headers=h).status_code == 200
    r = client.post("/v1/matching/loads/batch", json={"items": [OUT, BACK, LATE]}, headers=h)
    assert r.status_code == 200, r.text
    body = client.post("/v1/matching/rounds", headers=h).json()
    url = f"/v1/matching/rounds/{body['id']}"
    (a,) = body["assignments"]
    assert a["loads"] == ["out", "back"]

    got = {}
    for table, cols in COLUMNS["matching-round"].items():
        r = client.get(url, params={"format": "csv", "table": table}, headers=h)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        df = _csv(r.text)
        assert list(df.columns) == list(cols), table
        pq = client.get(url, params={"format": "parquet", "table": table}, headers=h)
        assert pq.status_code == 200
        assert pq.headers["content-type"] == "application/vnd.apache.parquet"
        back = pd.read_parquet(io.BytesIO(pq.content))
        assert list(back.columns) == list(cols) and len(back) == len(df)
        got[table] = df
    lines = got["lines"]
    assert lines["load"].tolist() == ["out", "back"]
    assert lines["backhaul"].tolist() == [False, True]
    assert lines["seq"].tolist() == [1, 2] and set(lines["vehicle"]) == {"T1"}
    assert set(lines["round_id"]) == {body["id"]} and set(lines["assignment_id"]) == {a["id"]}
    assert lines["pickup_at"].tolist() == [p["pickup_at"] for p in a["plan"]]
    assert all(t.endswith("+08:00") for t in lines["deliver_at"])
    assert lines["empty_km"].sum() == pytest.approx(a["empty_km"])
    assert lines["loaded_km"].sum() == pytest.approx(a["loaded_km"])
    assert got["assignments"].iloc[0]["load_count"] == 2
    assert got["assignments"].iloc[0]["revenue_cny"] == pytest.approx(a["revenue_cny"])
    assert got["unmatched"][["load", "reason"]].values.tolist() == [
        [u["load"], u["reason"]] for u in body["unmatched"]
    ]
    assert got["unmatched"]["load"].tolist() == ["late"]
    summary = got["summary"].iloc[0]
    assert summary["matched"] == 2 and summary["loads"] == 3
    assert summary["network_year"] == body["network_year"] == 2025
    # default table: lines; the same bytes as ?table=lines
    default = client.get(url, params={"format": "csv"}, headers=h)
    assert default.text == client.get(url, params={"format": "csv", "table": "lines"},
                                      headers=h).text  # fmt: skip
    assert client.get(url, headers=h).json()["assignments"] == body["assignments"]  # JSON stays


def test_round_tables_empty_and_bad_params(client, key_for) -> None:
    h = key_for(client, "operator")
    body = client.post("/v1/matching/rounds", headers=h).json()
    url = f"/v1/matching/rounds/{body['id']}"
    for table in ("lines", "assignments", "unmatched"):
        r = client.get(url, params={"format": "csv", "table": table}, headers=h)
        assert r.text.strip() == ",".join(COLUMNS["matching-round"][table])  # header only
    for params, loc in (({"format": "xml"}, "query.format"),
                        ({"format": "csv", "table": "trucks"}, "query.table")):  # fmt: skip
        r = client.get(url, params=params, headers=h)
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert loc in r.text
    missing = client.get("/v1/matching/rounds/nope", params={"format": "csv"}, headers=h)
    assert missing.status_code == 404
    assert client.get(url, params={"format": "csv"}).status_code == 401
