"""``freight bookings export`` and ``freight match export``: the service's stored bookings
and rounds as the same tables the API answers (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight.cli.main import app
from freight.tables import COLUMNS

pytestmark = pytest.mark.db

PARTIES = {
    "shipper": {"name": "Kuytun Cotton Co.", "contact": "+86 992 111"},
    "consignee": {"name": "Alashankou Forwarding", "contact": "ops@example.cn"},
}
CARGO = {"commodity": "cotton", "form": "container", "quantity": 4, "unit": "teu"}


def _export(db_url: str, *args: str) -> object:
    env = {"FREIGHT_DATABASE_URL": db_url, "FREIGHT_LOG_LEVEL": "ERROR"}
    return CliRunner().invoke(app, list(args), env=env)


def test_bookings_export_matches_the_api(db_url, make_client, key_for, tmp_path: Path) -> None:
    client = make_client(db_url)
    keys = {org: key_for(client, "operator", org) for org in ("acme", "other")}
    for org, day in (("acme", "03"), ("other", "03"), ("acme", "04")):
        q = {"origin": "kuytun", "destination": "alashankou", "cargo": CARGO,
             "ready_at": f"2025-03-{day}T06:00:00+08:00"}  # fmt: skip
        offer_id = client.post("/v1/routes", json=q).json()["alternatives"][0]["offer_id"]
        r = client.post("/v1/bookings", json={"offer_id": offer_id, **PARTIES}, headers=keys[org])
        assert r.status_code == 201, r.text
    for fmt in ("csv", "parquet"):
        out = tmp_path / fmt
        res = _export(db_url, "bookings", "export", "--org", "acme", "--format", fmt,
                      "--out", str(out))  # fmt: skip
        assert res.exit_code == 0, res.output
        assert "2 booking(s)" in res.output
        for table in ("bookings", "legs"):
            read = pd.read_csv if fmt == "csv" else pd.read_parquet
            got = read(out / f"{table}.{fmt}")
            api = client.get("/v1/bookings", params={"format": "csv", "table": table},
                             headers=keys["acme"])  # fmt: skip
            want = pd.read_csv(io.StringIO(api.text))
            assert list(got.columns) == list(COLUMNS["booking"][table])
            assert got["booking_id"].tolist() == want["booking_id"].tolist()
            assert got["price_cny"].tolist() == pytest.approx(want["price_cny"].tolist())
    every = _export(db_url, "bookings", "export", "--out", str(tmp_path / "all"))
    assert every.exit_code == 0 and "3 booking(s)" in every.output
    assert set(pd.read_csv(tmp_path / "all" / "bookings.csv")["org"]) == {"acme", "other"}
    bad = _export(db_url, "bookings", "export", "--status", "lost", "--out", str(tmp_path))
    assert bad.exit_code == 2 and "--status 'lost'" in bad.output


def test_match_export_a_stored_round(make_client, key_for, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    client = make_client(url)
    h = key_for(client, "operator")
    truck = {"id": "T1", "kind": "flatbed", "capacity_t": 30, "location": "kuytun",
             "available_from": "2025-06-02T06:00:00+08:00",
             "available_until": "2025-06-03T06:00:00+08:00"}  # fmt: skip
    load = {"id": "L1", "origin": "kuytun", "destination": "dushanzi",
            "cargo": {"commodity": "steel", "form": "general", "quantity": 20, "unit": "t"},
            "pickup_from": "2025-06-02T06:00:00+08:00",
            "pickup_until": "2025-06-02T10:00:00+08:00",
            "deliver_by": "2025-06-02T18:00:00+08:00"}  # fmt: skip
    assert client.post("/v1/matching/vehicles", json=truck, headers=h).status_code == 200
    assert client.post("/v1/matching/loads", json=load, headers=h).status_code == 200
    rid = client.post("/v1/matching/rounds", headers=h).json()["id"]
    res = _export(url, "match", "export", "--round", rid, "--format", "parquet",
                  "--out", str(tmp_path / "r"))  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = pd.read_parquet(tmp_path / "r" / "lines.parquet")
    api = client.get(f"/v1/matching/rounds/{rid}", params={"format": "parquet"}, headers=h)
    assert lines.equals(pd.read_parquet(io.BytesIO(api.content)))
    assert lines[["round_id", "vehicle", "load"]].values.tolist() == [[rid, "T1", "L1"]]
    missing = _export(url, "match", "export", "--round", "nope", "--out", str(tmp_path / "x"))
    assert missing.exit_code == 2 and "no matching round with id 'nope'" in missing.output
