"""Charging schedule: optimal vs brute force, feasibility, shortages, bad input."""

from __future__ import annotations

import itertools

import pytest

from freight.errors import InputError
from freight.fleet.charging_schedule import (
    SLOT_MIN,
    ChargingScheduleResult,
    ChargingSiteSpec,
    ChargingVehicle,
    solve_charging_schedule,
)

TARIFF = ChargingSiteSpec.tariff_from_tuples([(0, 30, 1.0), (30, 60, 0.5), (60, 1440, 2.0)])


def _veh(vid: str, arr: int, dep: int, soc: float, need: float, kw: float = 2.0) -> ChargingVehicle:
    return ChargingVehicle(vid, arr, dep, soc, need, battery_kwh=10.0, max_charge_kw=kw)


def _check_feasible(
    site: ChargingSiteSpec, vehicles: list[ChargingVehicle], res: ChargingScheduleResult
) -> None:
    """Independent check of every constraint from the returned schedule alone."""
    by_id = {v.vehicle_id: v for v in vehicles}
    kw: dict[int, float] = {}
    occ: dict[int, int] = {}
    for vs in res.vehicles:
        v = by_id[vs.vehicle_id]
        energy = 0.0
        for start, p in vs.slots:
            assert v.arrival_min <= start and start + SLOT_MIN <= v.departure_min
            assert 0 < p <= min(v.max_charge_kw, site.charger_power_kw) + 1e-9
            energy += p * SLOT_MIN / 60
            kw[start] = kw.get(start, 0.0) + p
            occ[start] = occ.get(start, 0) + 1
        assert energy == pytest.approx(vs.delivered_kwh)
        assert v.soc_arrival_kwh + energy <= v.battery_kwh + 1e-9
        assert energy + vs.unmet_kwh >= vs.needed_kwh - 1e-6
        if vs.unmet_kwh == 0:
            assert v.soc_arrival_kwh + energy >= v.soc_needed_kwh - 1e-9
    assert all(n <= site.charger_count for n in occ.values())
    if site.grid_limit_kw is not None:
        assert all(p <= site.grid_limit_kw + 1e-9 for p in kw.values())
    assert res.peak_kw == pytest.approx(max(kw.values(), default=0.0))
    assert res.max_occupancy == max(occ.values(), default=0)


def _brute_force(
    site: ChargingSiteSpec, vehicles: list[ChargingVehicle], step_kw: float
) -> tuple[float, float, float]:
    """Enumerate every per-slot power level; best (unmet kWh, cost CNY, peak kW)."""
    slot_h = SLOT_MIN / 60
    cells = []
    for i, v in enumerate(vehicles):
        for s in range(0, 24 * 60, SLOT_MIN):
            if s >= v.arrival_min and s + SLOT_MIN <= v.departure_min:
                cells.append((i, s))
    pmax = [int(min(v.max_charge_kw, site.charger_power_kw) / step_kw + 1e-9) for v in vehicles]
    best = (float("inf"), float("inf"), float("inf"))
    for levels in itertools.product(*[range(pmax[i] + 1) for i, _ in cells]):
        kw: dict[int, float] = {}
        occ: dict[int, int] = {}
        energy = [0.0] * len(vehicles)
        cost = 0.0
        for (i, s), lv in zip(cells, levels, strict=True):
            if lv == 0:
                continue
            p = lv * step_kw
            kw[s] = kw.get(s, 0.0) + p
            occ[s] = occ.get(s, 0) + 1
            energy[i] += p * slot_h
            cost += p * slot_h * site.price_at(s)
        if any(n > site.charger_count for n in occ.values()):
            continue
        if site.grid_limit_kw is not None and any(p > site.grid_limit_kw for p in kw.values()):
            continue
        if any(
            v.soc_arrival_kwh + e > v.battery_kwh for v, e in zip(vehicles, energy, strict=True)
        ):
            continue
        unmet = sum(
            max(0.0, v.soc_needed_kwh - v.soc_arrival_kwh - e)
            for v, e in zip(vehicles, energy, strict=True)
        )
        key = (round(unmet, 6), round(cost, 6), round(max(kw.values(), default=0.0), 6))
        best = min(best, key)
    return best


@pytest.mark.parametrize(
    ("count", "grid_kw"),
    [(2, 3.0), (1, None), (2, None), (1, 1.0)],
)
def test_tiny_case_matches_brute_force(count: int, grid_kw: float | None) -> None:
    site = ChargingSiteSpec("S", count, 2.0, grid_kw, TARIFF)
    vehicles = [_veh("A", 0, 60, 1.0, 2.0), _veh("B", 15, 60, 3.0, 3.75)]
    res = solve_charging_schedule(site, vehicles, power_step_kw=1.0)
    assert res.status == "optimal"
    _check_feasible(site, vehicles, res)
    unmet, cost, peak = _brute_force(site, vehicles, 1.0)
    assert res.unmet_kwh == pytest.approx(unmet)
    assert res.energy_cost_cny == pytest.approx(cost)
    assert res.peak_kw == pytest.approx(peak)
    assert (len(res.shortages) > 0) == (unmet > 0)


def test_overnight_fleet_restored_within_chargers_and_grid() -> None:
    site = ChargingSiteSpec(
        "depot-1",
        charger_count=3,
        charger_power_kw=60.0,
        grid_limit_kw=150.0,
        tariff=ChargingSiteSpec.tariff_from_tuples(
            [(0, 480, 0.35), (480, 1020, 0.9), (1020, 1320, 1.2), (1320, 1440, 0.35)]
        ),
    )
    vehicles = [
        ChargingVehicle(f"v{i}", 1080 + 15 * i, 1440 + 360, 20.0, 90.0 + 5 * i, 120.0, 80.0)
        for i in range(6)
    ]
    res = solve_charging_schedule(site, vehicles, time_limit_s=5.0)
    _check_feasible(site, vehicles, res)
    assert res.shortages == ()
    assert res.unmet_kwh == 0
    assert res.max_occupancy <= 3
    assert res.peak_kw <= 150.0 + 1e-9
    # Cheapest energy: all charging falls in the 0.35 CNY/kWh night band.
    needed = sum(v.soc_needed_kwh - v.soc_arrival_kwh for v in vehicles)
    assert res.energy_cost_cny == pytest.approx(needed * 0.35, rel=1e-3)


def test_shortage_reports_chargers_and_grid() -> None:
    vehicles = [_veh("A", 0, 60, 0.0, 2.0), _veh("B", 0, 60, 0.0, 2.0)]
    # One 2 kW charger for one hour restores 2 kWh of the 4 kWh needed.
    res = solve_charging_schedule(ChargingSiteSpec("S", 1, 2.0), vehicles)
    assert res.unmet_kwh == pytest.approx(2.0)
    assert any("chargers" in s.binding for s in res.shortages)
    assert all("short" in s.message for s in res.shortages)
    # Enough plugs but a 2 kW grid: grid binds.
    res = solve_charging_schedule(ChargingSiteSpec("S", 2, 2.0, grid_limit_kw=2.0), vehicles)
    assert res.unmet_kwh == pytest.approx(2.0)
    assert any("grid_limit" in s.binding for s in res.shortages)
    # Plug window too short for the vehicle's own power.
    res = solve_charging_schedule(ChargingSiteSpec("S", 2, 50.0), [_veh("C", 0, 30, 0.0, 5.0)])
    assert res.unmet_kwh == pytest.approx(4.0)
    assert res.shortages[0].binding == ("plug_time",)


def test_bad_input_rejected() -> None:
    with pytest.raises(InputError):
        _veh("A", 60, 30, 0.0, 1.0)
    with pytest.raises(InputError):
        ChargingVehicle("A", 0, 60, 5.0, 11.0, 10.0, 2.0)
    with pytest.raises(InputError):
        ChargingSiteSpec("S", 1, 2.0, tariff=ChargingSiteSpec.tariff_from_tuples([(0, 600, 1.0)]))
    with pytest.raises(InputError):
        solve_charging_schedule(
            ChargingSiteSpec("S", 1, 2.0), [_veh("A", 0, 60, 0, 1), _veh("A", 0, 60, 0, 1)]
        )
