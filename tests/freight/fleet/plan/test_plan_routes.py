"""A fleet plan keeps its routes: typed, read back exactly, feasible, drawn and tabled."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import geojson
import pandas as pd
import pytest
from pydantic import TypeAdapter

from freight.errors import InputError, NotFoundError
from freight.fleet.plan import PlanParams, plan_fleet
from freight.fleet.plan.build import Part
from freight.fleet.plan.model import DayRoutes, FleetPlan, FleetPlanSet, PlanRoute, plan_from_dict
from freight.fleet.plan.plan_routes import day_result, day_routes, routes_geojson, select_days
from freight.fleet.result import ChargeVisit, FleetResult, FleetStatus, RoutePlan, StopVisit
from freight.fleet.verify import verify_plan
from freight.tables import COLUMNS, fleet_plan_route_tables, fleet_plan_tables
from tests.freight.fleet.fleet_helpers import line_problem
from tests.freight.fleet.plan.contract_sample import plan as sample_plan
from tests.freight.fleet.plan.route_check import PARAMS, route_errors

OFFSET_TIME = re.compile(r"^\d{2}:\d{2}\+08:00$")


@pytest.fixture(scope="module")
def real() -> FleetPlan:
    """A sampled 2030 plan routed for real (a few seconds)."""
    return plan_fleet(2030, PARAMS)


def test_the_plan_keeps_both_days_routes(real: FleetPlan) -> None:
    assert real.routes is not None
    assert [d.season for d in real.routes] == ["winter", "summer"]
    for day in real.routes:
        check = real.day(day.season)
        assert check is not None and day.year == real.year
        assert len(day.routes) == check.routes
        assert sum(len(r.stops) for r in day.routes) == check.served
        assert len(day.unserved) == check.unserved
        assert len({r.vehicle for r in day.routes}) == check.vehicles_used
        assert sum(r.distance_km for r in day.routes) == pytest.approx(check.distance_km, abs=0.01)
        assert {r.depot for r in day.routes} == {d.id for d in day.depots}
        for r in day.routes:
            assert r.vehicle.startswith(f"{r.vehicle_type}@{r.depot}#")
            assert OFFSET_TIME.match(r.start) and OFFSET_TIME.match(r.end)
            assert r.load_kg == pytest.approx(r.stops[0].load_kg + _drop(r, 0), abs=1e-3)
            for s in r.stops:
                assert OFFSET_TIME.match(s.arrive)
                h, m = int(s.arrive[:2]), int(s.arrive[3:5])
                assert abs(h * 60 + m - s.arrive_min) <= 0.5
                assert 84.0 < s.lon < 86.0 and 44.0 < s.lat < 45.0  # Kuytun area, [lon, lat]
            assert r.stops[-1].load_kg == pytest.approx(0.0, abs=1e-3)


def _drop(r: Any, k: int) -> float:
    """kg delivered at stop k: the load before it minus the load after it."""
    before = r.load_kg if k == 0 else r.stops[k - 1].load_kg
    return float(before - r.stops[k].load_kg)


def test_every_kept_route_passes_the_independent_checker(real: FleetPlan) -> None:
    assert real.policy.depot_rebalancing == ()  # the rebuilt days are the planner's days
    assert real.routes is not None
    for day in real.routes:
        assert route_errors(day, PARAMS) == [], day.season


def test_the_checker_sees_a_broken_kept_route(real: FleetPlan) -> None:
    """The re-check is not vacuous: the first stop served 15 hours late breaks the route."""
    assert real.routes is not None
    day = real.routes[0]
    first, s0 = day.routes[0], day.routes[0].stops[0]
    late = dataclasses.replace(
        s0, arrive_min=s0.arrive_min + 900, start_min=s0.start_min + 900,
        depart_min=s0.depart_min + 900,
    )  # fmt: skip
    moved = dataclasses.replace(first, stops=(late, *first.stops[1:]))
    broken = dataclasses.replace(day, routes=(moved, *day.routes[1:]))
    assert any("window" in e for e in route_errors(broken, PARAMS))


def test_routes_round_trip_through_json_and_pydantic(real: FleetPlan) -> None:
    data = json.loads(json.dumps(real.to_dict()))
    assert FleetPlan.from_dict(data) == real
    assert real.routes is not None
    day = real.routes[0]
    assert DayRoutes.from_dict(json.loads(json.dumps(day.to_dict()))) == day
    dumped = TypeAdapter(FleetPlan).dump_json(real, by_alias=True)
    assert json.loads(dumped) == real.to_dict()
    assert real.without_routes().to_dict()["routes"] is None
    # a plan from before routes were kept reads, with none
    assert plan_from_dict(sample_plan()).routes is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("mutate", "loc"),
    [
        (lambda d: d["routes"][0]["routes"][0]["stops"][0].update(lon="east"),
         "$.routes[0].routes[0].stops[0].lon"),
        (lambda d: d["routes"][0].update(season="spring"), "$.routes[0].season"),
        (lambda d: d["routes"][1].update(season="winter"), "$.routes[1].season"),
        (lambda d: d["routes"][0].update(year=2031), "$.routes[0].year"),
        (lambda d: d["routes"][0]["routes"][0].pop("vehicle"), "$.routes[0].routes[0].vehicle"),
    ],
)  # fmt: skip
def test_bad_route_fields_name_their_json_path(real: FleetPlan, mutate: Any, loc: str) -> None:
    data = json.loads(json.dumps(real.to_dict()))
    mutate(data)
    with pytest.raises(InputError) as err:
        plan_from_dict(data)
    assert loc in [i.loc for i in err.value.issues], err.value


def test_select_days_by_year_and_season(real: FleetPlan) -> None:
    both = FleetPlanSet(plans=(real,))
    assert [d.season for d in select_days(both)] == ["winter", "summer"]
    assert [d.season for d in select_days(both, 2030, "summer")] == ["summer"]
    with pytest.raises(NotFoundError) as err:
        select_days(both, 2031, loc_prefix="query.")
    assert [i.loc for i in err.value.issues] == ["query.year"]
    with pytest.raises(NotFoundError) as err:
        select_days(real.without_routes())
    assert [i.loc for i in err.value.issues] == ["routes"]


def test_keep_routes_false_leaves_them_out() -> None:
    p = plan_fleet(2026, PlanParams(max_stops=8, seed=1, workers=1, keep_routes=False))
    assert p.routes is None and p.to_dict()["routes"] is None
    with pytest.raises(InputError, match="keep_routes"):
        PlanParams(keep_routes="yes")  # type: ignore[arg-type]


def test_geojson_is_rfc7946_with_one_line_per_route(real: FleetPlan) -> None:
    assert real.routes is not None
    doc = geojson.loads(json.dumps(routes_geojson(real.routes)))
    assert doc.is_valid, doc.errors()
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == sum(len(d.routes) for d in real.routes)
    assert len({f["id"] for f in doc["features"]}) == len(doc["features"])
    for day in real.routes:
        depots = {d.id: [d.lon, d.lat] for d in day.depots}
        mine = [f for f in lines if f["properties"]["season"] == day.season]
        for f, r in zip(mine, day.routes, strict=True):
            p, line = f["properties"], f["geometry"]["coordinates"]
            assert line[0] == line[-1] == depots[r.depot]
            assert in_order(drawn_places(r), line[1:-1])  # along the roads between places
            assert p["straight_segments"] <= p["segments"] == len(drawn_places(r)) + 1
            assert (p["year"], p["vehicle"], p["depot"]) == (2030, r.vehicle, r.depot)
            assert p["stops"] == [s.id for s in r.stops]
            assert p["charging_at"] == [c.site for c in r.charging]
            assert p["distance_km"] == r.distance_km and p["start"] == r.start


def in_order(places: list[list[float]], line: list[list[float]]) -> bool:
    """Whether ``places`` appear in ``line`` in this order (other positions between)."""
    rest = iter(line)
    return all(any(pt == p for pt in rest) for p in places)


def drawn_places(r: PlanRoute) -> list[list[float]]:
    """The route's stops and charging stops in driving order, as ``[lon, lat]``."""
    where = {s.id: [s.lon, s.lat] for s in r.stops} | {c.site: [c.lon, c.lat] for c in r.charging}
    day = DayRoutes(year=2030, season="winter", depots=(), routes=(r,))
    visits = day_result(day).routes[0].visits
    return [where[v.stop_id if isinstance(v, StopVisit) else v.site_id] for v in visits]


def test_tables_round_trip_through_csv_and_parquet(real: FleetPlan, tmp_path: Any) -> None:
    assert real.routes is not None
    tables = fleet_plan_tables(real.to_dict())
    assert set(COLUMNS["fleet-plan"]) == set(tables)
    served = sum(len(r.stops) for d in real.routes for r in d.routes)
    charges = sum(len(r.charging) for d in real.routes for r in d.routes)
    for name in ("routes", "route_stops"):
        df = tables[name]
        assert list(df.columns) == list(COLUMNS["fleet-plan"][name])
        back = pd.read_csv(io.StringIO(df.to_csv(index=False)))
        assert list(back.columns) == list(df.columns) and len(back) == len(df)
        path = tmp_path / f"{name}.parquet"
        df.to_parquet(path, index=False)
        assert pd.read_parquet(path).equals(df)
    routes, stops = tables["routes"], tables["route_stops"]
    assert len(routes) == sum(len(d.routes) for d in real.routes)
    assert routes["stops"].sum() == served and routes["charging_stops"].sum() == charges
    assert (stops["kind"] == "stop").sum() == served
    one = stops[(stops.season == "winter") & (stops.route == 1)].sort_values("seq")
    first = real.routes[0].routes[0]
    assert list(one[one.kind == "stop"]["id"]) == [s.id for s in first.stops]
    assert list(one["seq"]) == list(range(1, len(one) + 1))
    only_summer = fleet_plan_route_tables([real.routes[1].to_dict()])["routes"]
    assert set(only_summer["season"]) == {"summer"}


def test_day_result_is_the_routers_shape(real: FleetPlan) -> None:
    assert real.routes is not None
    res = day_result(real.routes[0])
    assert res.vehicles_used == len(real.routes[0].routes)
    assert all("@" in r.vehicle_type for r in res.routes)


def test_charging_stops_are_kept_in_driving_order() -> None:
    """Hand-checked line (see tests/freight/fleet/test_fleet_verify.py): depot at km 0,
    charger c0 at km 60, s0 at km 100. 06:00 leave, c0 07:00-07:20 (20 kWh at 60 kW), s0
    08:00-08:10, back 09:50: 200 km, 0.31 kWh/km with 100 kg on board -> 61 kWh."""
    problem = line_problem(
        [100.0], sites_km=[60.0],
        vehicles=[{"id": "ev@d", "count": 1, "capacity_kg": 1000, "capacity_m3": 10,
                   "battery_kwh": 50, "min_soc_kwh": 5, "kwh_per_km": 0.3,
                   "kwh_per_km_per_tonne": 0.1, "fixed_cost_cny": 100, "cost_per_km_cny": 1.0}],
    )  # fmt: skip
    route = RoutePlan(
        "ev@d", 360.0, 590.0,
        (ChargeVisit("c0", 420.0, 420.0, 20.0, 440.0, 50.0),
         StopVisit("s0", 480.0, 480.0, 490.0, 50.0 - 40 * 0.31, 0.0)),
        200.0, 100 * 0.31 + 100 * 0.3, 300.0,
    )  # fmt: skip
    res = FleetResult(FleetStatus.FEASIBLE, 300.0, 200.0, 1, (route,), (), 0.0)
    assert verify_plan(problem, res) == []
    part = Part("winter/d/ord0", "winter", "d", problem)
    day = day_routes(2030, "winter", [part], res, {})
    (kept,) = day.routes
    (charge,) = kept.charging
    assert (charge.site, charge.after_stops, charge.arrive, charge.charge_min) == (
        "c0",
        0,
        "07:00+08:00",
        20.0,
    )
    assert (kept.start, kept.end, kept.load_kg, kept.depot) == ("06:00+08:00", "09:50+08:00",
                                                               100.0, "d")  # fmt: skip
    assert verify_plan(problem, day_result(day)) == []
    assert day_result(day).routes[0].visits == route.visits
    stops = fleet_plan_route_tables([day.to_dict()])["route_stops"]
    assert list(stops["kind"]) == ["charge", "stop"] and list(stops["id"]) == ["c0", "s0"]


def test_cli_exports_routes_as_geojson_csv_and_parquet(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from freight.cli.main import app

    base = ["fleet", "plan", "--year", "2026", "--max-stops", "8", "--workers", "1"]
    runner = CliRunner()
    r = runner.invoke(app, [*base, "--format", "geojson", "--out", str(tmp_path / "geo")])
    assert r.exit_code == 0, r.output
    doc = geojson.loads((tmp_path / "geo" / "routes.geojson").read_text(encoding="utf-8"))
    assert doc.is_valid and doc["features"]
    assert {f["properties"]["season"] for f in doc["features"]} == {"winter", "summer"}
    for fmt in ("csv", "parquet"):
        r = runner.invoke(app, [*base, "--format", fmt, "--out", str(tmp_path / fmt)])
        assert r.exit_code == 0, r.output
        for table in ("routes", "route_stops"):
            path = tmp_path / fmt / f"{table}.{fmt}"
            df = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
            assert list(df.columns) == list(COLUMNS["fleet-plan"][table]) and len(df)
    r = runner.invoke(app, [*base, "--format", "kml", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "geojson" in r.output
    r = runner.invoke(app, [*base, "--no-routes", "--format", "geojson", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "routes" in r.output


def test_route_table_columns_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[4] / "docs" / "fleet-plan.md").read_text("utf-8")
    section = doc[doc.index("## 4. Routes kept") : doc.index("## 5. Limits")]
    for table in ("routes", "route_stops"):
        missing = [c for c in COLUMNS["fleet-plan"][table] if f"`{c}`" not in section]
        assert not missing, f"docs/fleet-plan.md §4 lacks {table} columns {missing}"
