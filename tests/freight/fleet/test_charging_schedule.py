"""Charging schedule: optimal vs brute force, feasibility, shortages, bad input."""

from __future__ import annotations

import itertools

import pytest

from freight.errors import InputError
from freight.fleet.charging_mip import solve_charging_schedule
from freight.fleet.charging_schedule import (
    SLOT_MIN,
    ChargingScheduleResult,
    ChargingSiteSpec,
    ChargingVehicle,
    DutyChargingVehicle,
    PlugInterval,
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


# ---- several stays per vehicle: midday gaps between trips, then the night


def _duty(
    vid: str, soc: float, stays: list[tuple[int, int, float, float]], kw: float = 2.0
) -> DutyChargingVehicle:
    """``stays``: (arrival, departure, SoC floor on leaving, trip kWh before arriving)."""
    return DutyChargingVehicle(
        vid, soc, tuple(PlugInterval(a, d, f, t) for a, d, f, t in stays), 10.0, kw
    )


def _check_multi(
    site: ChargingSiteSpec, vehicles: list[DutyChargingVehicle], res: ChargingScheduleResult
) -> None:
    """Independent check of the multi-stay schedule: slots inside stays, power, chargers and
    grid per clock slot (the day repeats), the SoC trajectory, and the reported shortfall."""
    by_id = {v.vehicle_id: v for v in vehicles}
    kw: dict[int, float] = {}
    occ: dict[int, int] = {}
    for vs in res.vehicles:
        v = by_id[vs.vehicle_id]
        got = [0.0] * len(v.intervals)
        for start, p in vs.slots:
            (k,) = [
                k
                for k, iv in enumerate(v.intervals)
                if iv.arrival_min <= start and start + SLOT_MIN <= iv.departure_min
            ]
            assert 0 < p <= min(v.max_charge_kw, site.charger_power_kw) + 1e-9
            got[k] += p * SLOT_MIN / 60
            clock = start % 1440
            kw[clock] = kw.get(clock, 0.0) + p
            occ[clock] = occ.get(clock, 0) + 1
        assert got == pytest.approx(list(vs.delivered_by_stay_kwh))
        soc, short = v.soc_arrival_kwh, 0.0
        for k, iv in enumerate(v.intervals):
            soc += got[k] - iv.trip_kwh
            assert soc <= v.battery_kwh + 1e-6  # real energy never above a full battery
            assert soc + short >= -1e-6
            gap = max(0.0, iv.soc_needed_kwh - soc - short)
            assert vs.unmet_by_stay_kwh[k] == pytest.approx(gap, abs=1e-6)
            short += gap
        assert vs.unmet_kwh == pytest.approx(short, abs=1e-6)
    assert all(n <= site.charger_count for n in occ.values())
    if site.grid_limit_kw is not None:
        assert all(p <= site.grid_limit_kw + 1e-9 for p in kw.values())
    assert res.peak_kw == pytest.approx(max(kw.values(), default=0.0))
    assert res.max_occupancy == max(occ.values(), default=0)
    assert res.unmet_kwh == pytest.approx(sum(vs.unmet_kwh for vs in res.vehicles))
    assert {s.vehicle_id for s in res.shortages} == {
        vs.vehicle_id for vs in res.vehicles if vs.unmet_kwh > 1e-6
    }


def _brute_multi(
    site: ChargingSiteSpec, vehicles: list[DutyChargingVehicle], step_kw: float
) -> tuple[float, float, float]:
    """Every per-slot power level; best (unmet kWh, cost CNY, peak kW) by clock slot."""
    h = SLOT_MIN / 60
    cells = []
    for i, v in enumerate(vehicles):
        for k, iv in enumerate(v.intervals):
            for s in range(0, 3 * 1440, SLOT_MIN):
                if s >= iv.arrival_min and s + SLOT_MIN <= iv.departure_min:
                    cells.append((i, k, s))
    pmax = [int(min(v.max_charge_kw, site.charger_power_kw) / step_kw + 1e-9) for v in vehicles]
    best = (float("inf"), float("inf"), float("inf"))
    for levels in itertools.product(*[range(pmax[i] + 1) for i, _, _ in cells]):
        kw: dict[int, float] = {}
        occ: dict[int, int] = {}
        got = [[0.0] * len(v.intervals) for v in vehicles]
        cost = 0.0
        for (i, k, s), lv in zip(cells, levels, strict=True):
            if lv:
                kw[s % 1440] = kw.get(s % 1440, 0.0) + lv * step_kw
                occ[s % 1440] = occ.get(s % 1440, 0) + 1
                got[i][k] += lv * step_kw * h
                cost += lv * step_kw * h * site.price_at(s)
        if any(n > site.charger_count for n in occ.values()):
            continue
        if site.grid_limit_kw is not None and any(p > site.grid_limit_kw for p in kw.values()):
            continue
        unmet, ok = 0.0, True
        for v, g in zip(vehicles, got, strict=True):
            soc, short = v.soc_arrival_kwh, 0.0
            for k, iv in enumerate(v.intervals):
                soc += g[k] - iv.trip_kwh
                ok = ok and soc <= v.battery_kwh + 1e-9
                gap = max(0.0, iv.soc_needed_kwh - soc - short)
                short += gap
            unmet += short
        if ok:
            best = min(
                best, (round(unmet, 6), round(cost, 6), round(max(kw.values(), default=0), 6))
            )
    return best


@pytest.mark.parametrize(("count", "grid_kw"), [(1, None), (2, None), (2, 3.0), (1, 1.0)])
def test_multi_stay_matches_brute_force(count: int, grid_kw: float | None) -> None:
    site = ChargingSiteSpec("S", count, 2.0, grid_kw, TARIFF)
    # A: a midday stay 0-30 (must leave with 2 kWh, arrives with 0.5), a 1.5 kWh trip,
    # then the night 45-75 back to 3 kWh; B: one stay 15-60 overlapping both.
    a = _duty("A", 0.5, [(0, 30, 2.0, 0.0), (45, 75, 3.0, 1.5)])
    b = _duty("B", 1.0, [(15, 60, 2.5, 0.0)])
    res = solve_charging_schedule(site, [a, b], power_step_kw=1.0)
    assert res.status == "optimal"
    _check_multi(site, [a, b], res)
    unmet, cost, peak = _brute_multi(site, [a, b], 1.0)
    assert res.unmet_kwh == pytest.approx(unmet)
    assert res.energy_cost_cny == pytest.approx(cost)
    assert res.peak_kw == pytest.approx(peak)
    assert (len(res.shortages) > 0) == (unmet > 0)
    # A's first stay is the midday one
    va = next(v for v in res.vehicles if v.vehicle_id == "A")
    assert res.midday_kwh == pytest.approx(va.delivered_by_stay_kwh[0])


def test_one_stay_duty_equals_the_overnight_form() -> None:
    site = ChargingSiteSpec("S", 1, 2.0, None, TARIFF)
    single = [_veh("A", 0, 60, 1.0, 2.0), _veh("B", 15, 60, 3.0, 3.75)]
    a = solve_charging_schedule(site, single, power_step_kw=1.0)
    b = solve_charging_schedule(site, [v.as_duty() for v in single], power_step_kw=1.0)
    assert (a.unmet_kwh, a.energy_cost_cny, a.peak_kw) == (
        b.unmet_kwh,
        b.energy_cost_cny,
        b.peak_kw,
    )
    assert a.midday_kwh == 0.0 and a.midday_peak_kw == 0.0


def test_midday_charge_carries_over_to_the_night() -> None:
    # Charging at midday (cheap 30-60 band) beyond the floor lowers the night's need: the
    # cheapest plan fills the battery at 0.5 CNY/kWh instead of 2.0 at night.
    site = ChargingSiteSpec("S", 1, 4.0, None, TARIFF)
    v = _duty("A", 2.0, [(30, 60, 3.0, 0.0), (120, 300, 10.0, 1.0)], kw=4.0)
    res = solve_charging_schedule(site, [v], power_step_kw=1.0)
    _check_multi(site, [v], res)
    assert res.unmet_kwh == 0
    (vs,) = res.vehicles
    assert vs.delivered_by_stay_kwh == pytest.approx((2.0, 7.0))  # 2 kWh is all 30-60 gives
    assert res.midday_kwh == pytest.approx(2.0) and res.midday_peak_kw == pytest.approx(4.0)
    assert vs.needed_kwh == pytest.approx(9.0)


def test_the_day_repeats_tomorrow_morning_shares_todays_chargers() -> None:
    # A's night ends at 07:30 tomorrow (1440 + 450); B's stay is 06:30-07:30 today: the same
    # clock time, so one charger cannot give both their full hour.
    site = ChargingSiteSpec("S", 1, 2.0, None, TARIFF)
    a = _duty("A", 8.0, [(1440 + 390, 1440 + 450, 10.0, 0.0)])
    b = _duty("B", 8.0, [(390, 450, 10.0, 0.0)])
    res = solve_charging_schedule(site, [a, b], power_step_kw=1.0)
    _check_multi(site, [a, b], res)
    assert res.unmet_kwh == pytest.approx(2.0)
    assert res.shortages[0].binding == ("chargers",)
    assert len(res.slot_starts_min) == 96  # the site series cover one day
    two = ChargingSiteSpec("S", 2, 2.0, None, TARIFF)
    assert solve_charging_schedule(two, [a, b], power_step_kw=1.0).unmet_kwh == 0


def test_midday_shortage_names_the_stay_and_what_binds() -> None:
    # two vans need 2 kWh each in the 30-min midday gap 600-630, at 2 kW that is the whole gap
    vans = [_duty(f"v{i}", 3.0, [(600, 630, 4.0, 0.0), (900, 1800, 10.0, 4.0)]) for i in range(2)]
    res = solve_charging_schedule(ChargingSiteSpec("S", 1, 2.0), vans, power_step_kw=1.0)
    _check_multi(ChargingSiteSpec("S", 1, 2.0), vans, res)
    assert res.unmet_kwh == pytest.approx(1.0)
    (sh,) = res.shortages
    assert sh.stays == (0,) and sh.binding == ("chargers",) and "630" in sh.message
    assert res.binding == ("chargers",)
    res = solve_charging_schedule(
        ChargingSiteSpec("S", 2, 2.0, grid_limit_kw=2.0), vans, power_step_kw=1.0
    )
    assert res.unmet_kwh == pytest.approx(1.0) and res.binding == ("grid_limit",)
    # gap too short for the vehicle's power: plug time binds whatever the chargers
    short = [_duty("w", 0.0, [(600, 630, 3.0, 0.0), (900, 1800, 10.0, 3.0)])]
    res = solve_charging_schedule(ChargingSiteSpec("S", 5, 2.0), short, power_step_kw=1.0)
    assert res.unmet_kwh == pytest.approx(2.0) and res.binding == ("plug_time",)


def test_multi_stay_bad_input_rejected() -> None:
    with pytest.raises(InputError, match="intervals"):
        _duty("A", 1.0, [])
    with pytest.raises(InputError, match="before the previous stay"):
        _duty("A", 1.0, [(0, 60, 2.0, 0.0), (30, 90, 2.0, 1.0)])
    with pytest.raises(InputError, match="trip"):
        _duty("A", 1.0, [(0, 60, 2.0, 0.0), (90, 120, 2.0, 3.0)])  # trip above the SoC left
    with pytest.raises(InputError, match="24 h"):
        _duty("A", 1.0, [(0, 60, 2.0, 0.0), (90, 1500, 2.0, 1.0)])
    with pytest.raises(InputError, match="first stay"):
        _duty("A", 1.0, [(0, 60, 2.0, 1.0)])
    with pytest.raises(InputError, match="soc_needed"):
        _duty("A", 1.0, [(0, 60, 11.0, 0.0)])
