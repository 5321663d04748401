"""The size of an urban day: bottom-up from residents and rates, read from one module."""

from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path

import pytest

from freight.demand import assumptions as A
from freight.demand import generate as G
from freight.demand import urban_scale as S

DEMAND_SRC = Path(G.__file__).parent


def _by_town(points):
    out: dict[str, int] = {}
    for p in points:
        out[p.town] = out.get(p.town, 0) + 1
    return out


@pytest.mark.parametrize(("year", "season"), [(2026, "winter"), (2030, "summer"), (2035, "summer")])
def test_seeded_point_counts_follow_the_documented_formula(year, season):
    # served residents x stops per 1,000, recomputed here from the inputs of METHOD.md U1-U3
    expected: dict[str, int] = {}
    for t in S.SERVED_TOWNS:
        served = t.residents * t.served_share * (1 + t.growth) ** (year - t.residents_year)
        n = 0
        for k in A.POINT_KINDS:
            if k.name == "parcel":
                p = S.PARCELS
                start = p.xinjiang_per_resident_2024 * (1 + p.xinjiang_growth_2025)
                per_res = start * (p.national_per_resident_2024 / start) ** ((year - 2025) / 10)
                months = S.SEASON_MONTHS[season]
                season_f = (sum(A.PARCELS[m - 1] for m in months) / len(months)) / (
                    sum(A.PARCELS) / 12
                )
                drop_kg = k.median_kg * math.exp(k.sigma**2 / 2)
                rate = per_res / 365 * season_f * p.kg_per_parcel / drop_kg * 1000
            else:
                r = next(r for r in S.OUTLETS if r.kind == k.name)
                rate = (
                    r.outlets_per_1000
                    * r.deliveries_per_outlet_day
                    * (1 + r.growth) ** (year - 2025)
                    * r.season[season]
                )
            n += round(served / 1000 * rate)
        expected[t.town] = n
    points = G.generate_urban_day(year, season)
    assert _by_town(points) == expected
    assert len(points) == G.stops_in_day(year, season) == sum(expected.values())


def test_every_town_and_kind_has_a_calibration_input():
    assert {t.town for t in S.SERVED_TOWNS} == {t.name for t in A.TOWN_AREAS}
    assert {r.kind for r in S.OUTLETS} | {"parcel"} == {k.name for k in A.POINT_KINDS}
    for r in S.OUTLETS:
        assert set(r.season) == {"winter", "summer"}


def test_parcels_per_resident_start_from_xinjiang_and_reach_the_national_level():
    p = S.PARCELS
    assert p.per_resident(2025) == pytest.approx(48.0 * 1.30)
    assert p.per_resident(2035) == pytest.approx(175.08e9 / 1408.28e6)
    assert p.per_resident(2025) < p.per_resident(2030) < p.per_resident(2035)


def test_the_generator_reads_the_calibration_from_urban_scale(monkeypatch):
    before = G.stops_in_day(2030, "winter")
    parcels = sum(k["parcel"] for k in S.stops_by_town_kind(2030, "winter").values())
    doubled = dataclasses.replace(S.PARCELS, kg_per_parcel=2 * S.PARCELS.kg_per_parcel)
    monkeypatch.setattr(S, "PARCELS", doubled)
    # twice the kg per parcel, twice the parcel drops (rounded per town): nothing else moves
    assert G.stops_in_day(2030, "winter") - before == pytest.approx(parcels, abs=len(A.TOWN_AREAS))


def test_no_demand_module_reads_a_fleet_size_or_target():
    for path in DEMAND_SRC.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("freight.fleet"), path.name
        assert "STOPS_PER_VEHICLE" not in path.read_text(encoding="utf-8"), path.name
