"""Per-year detail tables: fleet by type and depot, chargers by site, ratios, days."""

from __future__ import annotations

from freight.fleet.plan.model import FleetPlan
from freight.fleet.plan.report.blocks import Block, Heading, Table, columns, table
from freight.fleet.plan.report.fmt import fmt_cny, fmt_int, fmt_num, fmt_ratio, fmt_yes
from freight.fleet.plan.report.view import vpc_limit, winter_first


def plan_details(p: FleetPlan, heading: int, multi: bool) -> list[Block]:
    out: list[Block] = []
    suffix = f", {p.year}" if multi else ""
    if multi:
        out.append(Heading(heading - 1, f"Plan for {p.year}"))
    out.append(Heading(heading, f"Fleet by type and depot{suffix}"))
    vs = sorted(p.vehicles, key=lambda v: (v.depot, v.type))
    rows: list[tuple[str, ...]] = [
        (
            v.type,
            v.depot,
            str(v.powertrain),
            fmt_yes(v.refrigerated, "yes", "no"),
            fmt_num(v.battery_kwh),
            fmt_int(v.count),
        )
        for v in vs
    ]
    rows.append(("total", "", "", "", "", fmt_int(p.fleet_total)))
    out.append(
        table(
            ("type", "depot", "powertrain", "refrigerated", "battery kWh", "vehicles"),
            rows,
            (False, False, False, False, True, True),
        )
    )
    out.append(Heading(heading, f"Chargers by site{suffix}"))
    out.append(_charger_table(p))
    if p.vehicles_per_charger_by_depot:
        out.append(Heading(heading, f"Plug-in vehicles per charger by depot{suffix}"))
        limit = vpc_limit(p)
        out.append(
            table(
                ("depot", "plug-in vehicles", "chargers", "vehicles per charger", "within limit"),
                [
                    (
                        d.depot,
                        fmt_int(d.plug_in_vehicles),
                        fmt_int(d.chargers),
                        fmt_ratio(d.ratio),
                        fmt_yes(None if d.ratio is None else d.ratio <= limit + 1e-9),
                    )
                    for d in sorted(p.vehicles_per_charger_by_depot, key=lambda d: d.depot)
                ],
                (False, True, True, True, False),
            )
        )
    out.append(Heading(heading, f"Representative days{suffix}"))
    out.append(_day_table(p))
    return out


def _charger_table(p: FleetPlan) -> Table:
    """Chargers by site; the midday columns only when some site charges at midday."""
    cs = sorted(p.chargers, key=lambda c: (c.site, c.power_kw))
    midday = any(c.midday_kwh or c.midday_peak_kw or c.midday_vehicles for c in cs)
    cols = (
        ("site", False, True),
        ("depot", False, True),
        ("power kW", True, True),
        ("chargers", True, True),
        ("peak kW", True, True),
        ("energy kWh", True, True),
        ("midday kWh", True, midday),
        ("midday peak kW", True, midday),
        ("midday vehicles", True, midday),
        ("occupancy", True, True),
        ("energy cost CNY", True, True),
        ("short kWh", True, True),
        ("binding", False, True),
    )
    rows: list[tuple[str, ...]] = [
        (
            c.site,
            c.depot or "–",
            fmt_num(c.power_kw),
            fmt_int(c.count),
            fmt_num(c.peak_kw),
            fmt_num(c.energy_kwh),
            fmt_num(c.midday_kwh),
            fmt_num(c.midday_peak_kw),
            fmt_int(c.midday_vehicles),
            "–" if c.occupancy is None else f"{100 * c.occupancy:.1f} %",
            fmt_cny(c.energy_cost_cny),
            fmt_num(c.short_kwh),
            c.binding or "–",
        )
        for c in cs
    ]
    total = ["total", "", "", fmt_int(sum(c.count for c in cs))] + [""] * (len(cols) - 4)
    if midday:
        total[6] = fmt_num(sum(c.midday_kwh or 0.0 for c in cs))
    rows.append(tuple(total))
    return columns(cols, rows)


def _day_table(p: FleetPlan) -> Table:
    """Representative days; route and duty columns only when the plan reports them."""
    days = winter_first(p)
    duties = any(
        d.routes is not None
        or d.duty_lower_bound is not None
        or d.duties_with_midday_charge is not None
        for d in days
    )
    cols = (
        ("day", False, True),
        ("stops", True, True),
        ("served", True, True),
        ("unserved", True, True),
        ("routes", True, any(d.routes is not None for d in days)),
        ("vehicles used (duties)" if duties else "vehicles used", True, True),
        ("duty lower bound", True, any(d.duty_lower_bound is not None for d in days)),
        (
            "duties with midday charge",
            True,
            any(d.duties_with_midday_charge is not None for d in days),
        ),
        ("distance km", True, True),
        ("energy kWh", True, True),
        ("verified", False, True),
        ("wall s", True, True),
    )
    rows = [
        (
            d.day,
            fmt_int(d.stops),
            fmt_int(d.served),
            fmt_int(d.unserved),
            fmt_int(d.routes),
            fmt_int(d.vehicles_used),
            fmt_int(d.duty_lower_bound),
            fmt_int(d.duties_with_midday_charge),
            fmt_num(d.distance_km),
            fmt_num(d.energy_kwh),
            fmt_yes(d.verified, "yes", "no"),
            fmt_num(d.wall_s),
        )
        for d in days
    ]
    return columns(cols, rows)
