"""Depot charger sizing with midday stays (freight.fleet.plan.chargers).

The greedy schedule is checked constraint by constraint from its own output, against the
MIP on small sites, and the class/count choice against exhaustive evaluation.
"""

from __future__ import annotations

import itertools

import pytest

from freight.fleet.charging_mip import solve_charging_schedule
from freight.fleet.charging_schedule import (
    ChargingSiteSpec,
    ChargingVehicle,
    DutyChargingVehicle,
)
from freight.fleet.plan.chargers import (
    MiddayStay,
    OvernightNeed,
    choose_site_chargers,
    evaluate_site,
    greedy_site_schedule,
    need_for_duty,
    refine_with_cp_sat,
)
from freight.fleet.plan.defaults import ChargerClass, capital_recovery_factor, load_fleet_defaults
from freight.fleet.plan.duties import chain_routes
from freight.fleet.result import RoutePlan, StopVisit

T = "bev_light@d1"
BATTERY = 81.0
USABLE = 81.0 - 8.1
AC11 = ChargerClass(11.0, "ac", 10_000.0)


def _route(start: float, end: float, kwh: float) -> RoutePlan:
    return RoutePlan(T, start, end, (StopVisit("s", start + 1, start + 1, start + 2, None, 0.0),),
                     8.0, kwh, 10.0)  # fmt: skip


def _tariff():  # the cited time-of-use tariff
    return ChargingSiteSpec.tariff_from_tuples(load_fleet_defaults().tariff)


def _midday_needs(n: int) -> list[OvernightNeed]:
    """``n`` vans each driving 50 kWh 08:00-10:00 and 50 kWh 13:00-15:00 (chained only with
    a 27.1 kWh midday charge in the 10:00-13:00 gap), plus one van with a single route."""
    rs = [_route(480, 600, 50.0), _route(780, 900, 50.0)]
    res = chain_routes(rs, reload_min=20, usable_kwh_by_type={T: USABLE}, charge_kw_by_type={T: 11})
    (duty,) = res.duties
    assert duty.midday_kwh == pytest.approx(27.1)
    out = [
        need_for_duty(f"m{i}", duty, battery_kwh=BATTERY, ac_max_kw=11.0, dc_max_kw=80.0)
        for i in range(n)
    ]
    return out + [OvernightNeed("solo", 1000, 1440 + 420, 40.0, BATTERY, BATTERY, 11.0, 80.0)]


def _check_greedy(needs: list[OvernightNeed], c: ChargerClass, count: int) -> float:
    """Every constraint of the greedy schedule from its per-stay slots; returns short kWh."""
    g = greedy_site_schedule(needs, c, count, _tariff())
    used: dict[int, int] = {}
    short = 0.0
    for n in needs:
        v = n.for_class(c)
        if isinstance(v, ChargingVehicle):
            v = v.as_duty()
        assert isinstance(v, DutyChargingVehicle)
        soc = v.soc_arrival_kwh
        for k, iv in enumerate(v.intervals):
            rows = g.slots_by_stay.get((n.vehicle_id, k), ())
            for start, kw in rows:
                assert iv.arrival_min <= start and start + 15 <= iv.departure_min
                assert 0 < kw <= n.charge_kw(c) + 1e-9
                used[start % 1440] = used.get(start % 1440, 0) + 1
            soc += sum(kw for _, kw in rows) * 0.25 - iv.trip_kwh
            assert soc <= v.battery_kwh + 1e-6
            gap = max(0.0, iv.soc_needed_kwh - soc)
            short += gap
            soc += gap  # made up (counted once)
    assert all(u <= count for u in used.values())
    assert used == g.used_by_slot
    assert short == pytest.approx(g.short_kwh, abs=1e-6)
    return short


def test_need_for_duty_keeps_the_energy_balance() -> None:
    n = _midday_needs(1)[0]
    (m,) = n.midday
    assert (m.arrival_min, m.departure_min) == (600, 780)
    assert m.soc_arrival_kwh == pytest.approx(31.0) and m.soc_needed_kwh == pytest.approx(58.1)
    # back at 15:00 with 58.1 - 50 = 8.1 kWh (the reserve); full again by 08:00 tomorrow
    assert (n.arrival_min, n.departure_min) == (900, 1440 + 480)
    assert n.soc_arrival_kwh == pytest.approx(8.1)
    assert n.need_kwh == pytest.approx(27.1 + 72.9) and n.midday_kwh == pytest.approx(27.1)
    v = n.for_class(AC11)
    assert isinstance(v, DutyChargingVehicle)
    assert [iv.trip_kwh for iv in v.intervals] == pytest.approx([0.0, 50.0])
    # a need without midday stays is the overnight vehicle, unchanged
    assert isinstance(_midday_needs(0)[0].for_class(AC11), ChargingVehicle)


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_greedy_with_midday_stays_is_a_valid_schedule(count: int) -> None:
    needs = _midday_needs(3)
    short = _check_greedy(needs, AC11, count)
    g = greedy_site_schedule(needs, AC11, count, _tariff())
    assert g.midday_kwh <= 3 * 27.1 + 1e-6
    assert all(t % 1440 in range(600, 780) for t in g.midday_kw_by_slot)
    if count >= 3:  # one charger per midday van: the gap holds 33 kWh each
        assert short == 0 and g.midday_kwh == pytest.approx(3 * 27.1)
    if count == 1:  # one plug gives 33 kWh in the gap for 81.3 kWh of midday need
        assert short > 0 and "chargers" in g.binding


def test_midday_shortage_is_reported_and_sizing_adds_chargers() -> None:
    d = load_fleet_defaults()
    needs = _midday_needs(3)
    e = evaluate_site("s", needs, AC11, 1, _tariff(), annual_charger_cny=1.0,
                      energy_days_per_year=300.0)  # fmt: skip
    assert e.short_kwh > 0 and e.binding == ("chargers",)
    annual = capital_recovery_factor(d.discount_rate, d.charger_life_years) + d.charger_om_share
    choice = choose_site_chargers(
        "s", needs, 4, [AC11], _tariff(), max_per_charger=4, annual_factor=annual,
        energy_days_per_year=300.0,
    )  # fmt: skip
    # each 11 kW plug gives at most 33 kWh in the gap: 81.3 kWh needs three
    assert choice.chosen.short_kwh == 0 and choice.chosen.count >= 3
    assert choice.chosen.midday_kwh == pytest.approx(3 * 27.1)
    assert choice.chosen.midday_peak_kw > 0


def test_midday_stays_too_short_report_plug_time() -> None:
    # the gap 600-630 gives at most 2 slots x 2.75 kWh on 11 kW: 10 kWh cannot fit
    n = OvernightNeed("p", 900, 1440 + 420, 30.0, BATTERY, BATTERY, 11.0, 80.0,
                      (MiddayStay(600, 630, 40.0, 50.0),))  # fmt: skip
    g = greedy_site_schedule([n], AC11, 5, _tariff())
    assert g.binding == ("plug_time",) and g.short_kwh == pytest.approx(10.0 - 5.5)


def _small_site() -> list[OvernightNeed]:
    """Two vans with a midday stay (15 and 10 kWh) and evening stays; short windows so the
    MIP proves optimality fast."""
    return [
        OvernightNeed("a", 1080, 1380, 45.0, BATTERY, BATTERY, 11.0, 80.0,
                      (MiddayStay(600, 690, 40.0, 55.0),)),
        OvernightNeed("b", 1110, 1410, 45.0, BATTERY, BATTERY, 11.0, 80.0,
                      (MiddayStay(630, 720, 50.0, 60.0),)),
        OvernightNeed("c", 1140, 1320, 55.0, BATTERY, BATTERY, 11.0, 80.0),
    ]  # fmt: skip


@pytest.mark.parametrize("count", [1, 2, 3])
def test_greedy_is_never_better_than_the_mip(count: int) -> None:
    needs = _small_site()
    _check_greedy(needs, AC11, count)
    g = greedy_site_schedule(needs, AC11, count, _tariff())
    res = solve_charging_schedule(
        ChargingSiteSpec("s", count, AC11.power_kw, None, _tariff()),
        [n.for_class(AC11) for n in needs],
        power_step_kw=0.25,
        time_limit_s=20.0,
    )
    assert res.status == "optimal"
    assert res.unmet_kwh <= g.short_kwh + 1e-6
    if g.short_kwh == 0:
        assert res.unmet_kwh == 0
        assert res.energy_cost_cny <= g.cost_cny + 1e-6


def test_refine_keeps_midday_figures() -> None:
    needs = _small_site()
    e = evaluate_site("s", needs, AC11, 3, _tariff(), annual_charger_cny=1.0,
                      energy_days_per_year=300.0)  # fmt: skip
    assert e.short_kwh == 0 and e.midday_kwh == pytest.approx(15.0 + 10.0)
    r = refine_with_cp_sat("s", needs, AC11, e, _tariff(), annual_charger_cny=1.0,
                           energy_days_per_year=300.0, time_limit_s=20.0, seed=0)  # fmt: skip
    assert r.short_kwh == 0 and r.energy_cost_cny <= e.energy_cost_cny + 1e-6
    assert r.midday_kwh >= 25.0 - 1e-6  # at least the midday floors
    # charging more at midday lowers the night's need: the day's total stays the need
    assert r.energy_kwh == pytest.approx(sum(n.need_kwh for n in needs), abs=0.1)


def test_choice_with_midday_matches_exhaustive_search() -> None:
    d = load_fleet_defaults()
    tariff = _tariff()
    needs = _small_site() + _midday_needs(2)
    annual = capital_recovery_factor(d.discount_rate, d.charger_life_years) + d.charger_om_share
    choice = choose_site_chargers(
        "s", needs, 8, d.chargers, tariff, max_per_charger=4,
        annual_factor=annual, energy_days_per_year=250.0,
    )  # fmt: skip
    best = None
    for c, n in itertools.product(d.chargers, range(2, len(needs) + 1)):
        e = evaluate_site("s", needs, c, n, tariff, annual_charger_cny=c.capex_cny * annual,
                          energy_days_per_year=250.0)  # fmt: skip
        if e.short_kwh == 0 and (
            best is None
            or (e.cost_cny_per_year, e.power_kw) < (best.cost_cny_per_year, best.power_kw)
        ):
            best = e
    assert best is not None
    assert (choice.chosen.power_kw, choice.chosen.count) == (best.power_kw, best.count)
    assert choice.chosen.short_kwh == 0 and choice.chosen.midday_kwh > 0


def test_greedy_shares_chargers_by_clock_time() -> None:
    # a's night 23:00 -> 07:30 tomorrow needs every slot at 7.4 kW (34 x 1.85 kWh); b's
    # midday stay 06:30-07:30 today needs all 4 of its slots: the same clock time as a's
    # last hour, so one charger cannot do both (the day repeats).
    ac7 = ChargerClass(7.4, "ac", 5_000.0)
    a = OvernightNeed("a", 1380, 1440 + 450, BATTERY - 34 * 1.85, BATTERY, BATTERY, 11.0, 80.0)
    b = OvernightNeed("b", 600, 1440 + 300, 50.0 + 4 * 1.85, BATTERY, BATTERY, 11.0, 80.0,
                      (MiddayStay(390, 450, 50.0, 50.0 + 4 * 1.85),))  # fmt: skip
    assert _check_greedy([a, b], ac7, 1) == pytest.approx(4 * 1.85)  # b's midday stay
    assert greedy_site_schedule([a, b], ac7, 1, _tariff()).binding == ("chargers",)
    assert _check_greedy([a, b], ac7, 2) == 0
