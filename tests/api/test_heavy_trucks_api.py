"""POST /v1/heavy-trucks/plans: a planner job; validation, the plan's JSON contract, the report."""

from __future__ import annotations

import pytest

URL = "/v1/heavy-trucks/plans"


def test_needs_planner_key(client, key_for) -> None:
    assert client.post(URL, json={"year": 2030}).status_code == 401
    op = key_for(client, "operator")
    assert client.post(URL, json={"year": 2030}, headers=op).status_code == 403


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"year": 2030, "budget_cny": -1}, "budget_cny"),
        ({"year": 2030, "years": "2026-2030"}, "year"),
        ({}, "year"),
        ({"years": "2030-2026"}, "years"),
        ({"year": 2040}, "year"),
        ({"year": 2030, "target_tkm_share": 1.5}, "target_tkm_share"),
        ({"year": 2030, "truck_types": {"bev_swap": {"battery_kwh": -5}}}, "battery_kwh"),
        ({"year": 2030, "truck_types": {"bev_swap": {"wings": 2}}}, "wings"),
        ({"year": 2030, "sites": ["st_kuytun", "nowhere"]}, "sites[1]"),
    ],
)
def test_params_validated_naming_the_field(client, key_for, body, where) -> None:
    r = client.post(URL, json=body, headers=key_for(client, "planner"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert where in r.text


def test_operation_ids(client) -> None:
    spec = client.get("/v1/openapi.json").json()
    assert spec["paths"][URL]["post"]["operationId"] == "createHeavyTruckPlan"
    report = spec["paths"][URL + "/{job_id}/report"]["get"]
    assert report["operationId"] == "getHeavyTruckPlanReport"


def test_plan_job_contract_and_report(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    r = client.post(URL, json={"year": 2030, "time_limit_s": 60}, headers=hdr)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], hdr, timeout_s=240)
    assert job["status"] == "succeeded", job
    out = client.get(f"/v1/jobs/{job['id']}/result", headers=hdr).json()["result"]
    assert out["kind"] == "heavy-truck-plan" and out["status"] in {"optimal", "feasible"}
    assert out["gap"] <= 0.01
    st = out["stations"][0]
    assert set(st) >= {"id", "node", "kind", "bays", "chargers", "batteries", "peak_kw",
                       "energy_kwh_day", "capex_cny"}  # fmt: skip
    lane = next(x for x in out["lanes"] if x["electrified"])
    assert set(lane) >= {"origin", "destination", "distance_km", "tonnes_year", "electrified",
                         "truck_type", "trucks", "trips_day", "via_stations"}  # fmt: skip
    truck_fields = {"id", "payload_t", "battery_kwh", "usable_share", "kwh_per_km_loaded",
                    "kwh_per_km_empty", "swap_min"}  # fmt: skip
    assert set(out["truck_types"][0]) >= truck_fields
    assert set(out["kpis"]) >= {"electrified_tkm_share", "co2_t_saved", "tco_cny_year",
                                "baseline_tco_cny_year"}  # fmt: skip
    assert out["kpis"]["electrified_tkm_share"] >= 0.25 - 1e-9
    md = client.get(f"{URL}/{job['id']}/report", headers=hdr)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "<svg" in md.text and "2030" in md.text
    page = client.get(f"{URL}/{job['id']}/report?format=html", headers=hdr)
    assert page.status_code == 200 and page.text.lower().startswith("<!doctype html>")


def test_infeasible_target_job_names_binding(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    # every lane can go electric, but not all of them on a budget of 1 M CNY
    body = {"year": 2030, "target_tkm_share": 1.0, "budget_cny": 1e6}
    r = client.post(URL, json=body, headers=hdr)
    job = wait_job(client, r.json()["id"], hdr, timeout_s=240)
    assert job["status"] == "failed", job
    assert "budget_cny" in str(job["error"])


def test_truck_type_without_reach_fails_naming_the_field(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    body = {"year": 2030, "truck_types": {"bev_swap": {"battery_kwh": 1}}}
    r = client.post(URL, json=body, headers=hdr)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], hdr, timeout_s=240)
    assert job["status"] == "failed", job
    assert "truck_types.bev_swap.battery_kwh" in str(job["error"])
