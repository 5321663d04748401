"""GET /v1/jobs/{id}/tables/{table}: a job's result as CSV or Parquet for pandas."""

from __future__ import annotations

import io

import pandas as pd

from freight.tables import COLUMNS


def test_conversion_tables_csv_and_parquet(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    r = client.post("/v1/conversion-plans", json={"time_limit_s": 20}, headers=hdr)
    job = wait_job(client, r.json()["id"], hdr, timeout_s=90)
    assert job["status"] == "succeeded", job
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=hdr).json()["result"]
    url = f"/v1/jobs/{job['id']}/tables/flows"
    csv = client.get(url, headers=hdr)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    flows = pd.read_csv(io.StringIO(csv.text))
    assert list(flows.columns) == list(COLUMNS["conversion-plan"]["flows"])
    assert flows["id"].tolist() == [f["id"] for f in result["flows"]]
    pq = client.get(url, params={"format": "parquet"}, headers=hdr)
    assert pq.status_code == 200
    assert pd.read_parquet(io.BytesIO(pq.content)).equals(flows)
    missing = client.get(f"/v1/jobs/{job['id']}/tables/nope", headers=hdr)
    assert missing.status_code == 404 and "flows" in missing.json()["detail"]
    assert client.get(url).status_code == 401
    # the same table from the result itself: ?format=csv (first table unless ?table=)
    res = f"/v1/jobs/{job['id']}/result"
    summary = client.get(res, params={"format": "csv"}, headers=hdr)
    assert summary.status_code == 200
    assert list(pd.read_csv(io.StringIO(summary.text)).columns) == list(
        COLUMNS["conversion-plan"]["summary"]
    )
    same = client.get(res, params={"format": "csv", "table": "flows"}, headers=hdr)
    assert same.text == csv.text
