"""The report's content, as blocks: summary, years, cost, charts, details, assumptions."""

from __future__ import annotations

from dataclasses import dataclass

from freight.fleet.plan.model import DayCheck, FleetPlan
from freight.fleet.plan.report.blocks import Block, Bullets, Figure, Heading, Para, table
from freight.fleet.plan.report.charts import (
    svg_chargers_by_site,
    svg_fleet_by_year,
    svg_winter_summer,
)
from freight.fleet.plan.report.fmt import fmt_cny, fmt_int, fmt_num, fmt_pct, fmt_ratio, fmt_yes
from freight.fleet.plan.report.tables import plan_details
from freight.fleet.plan.report.view import (
    COST_KEYS,
    ReportInput,
    assumption_rows,
    cost_rows,
    reefer_minimum,
    vpc_limit,
    winter_first,
)


def report_title(rep: ReportInput) -> str:
    years = [p.year for p in rep.plans]
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"Fleet and charger plan, Kuytun urban delivery, {span}"


@dataclass(frozen=True, slots=True)
class _Target:
    """The plan compared with the policy target (the target year's, else the last).

    The city's plan *adds* ``additional`` new-energy vehicles by the target year to the
    ``baseline`` fleet of the baseline year, so its fleet then is ``target`` = baseline +
    additional; plans from before the baseline was recorded have ``baseline`` None.
    """

    plan: FleetPlan
    target: int
    planned: int
    by_year: str  # " by 2035", or "" when the plan names no target year
    baseline: int | None
    additional: int | None
    baseline_year: int | None


def _target(rep: ReportInput) -> _Target:
    last = rep.plans[-1]
    p = next((x for x in rep.plans if x.year == last.policy.target_year), last)
    pol = p.policy
    by_year = f" by {pol.target_year}" if pol.target_year is not None else ""
    return _Target(
        p,
        pol.target_new_energy_vehicles,
        pol.planned_new_energy_vehicles,
        by_year,
        pol.baseline_vehicles,
        pol.additional_vehicles,
        pol.baseline_year,
    )


def _target_sentence(t: _Target) -> str:
    """The planned new-energy fleet against the plan's target, additions made explicit."""
    p, target, planned = t.plan, t.target, t.planned
    if p.sampled:
        return (
            f"New-energy vehicles planned for {p.year}: {planned:,} (sampled days: not "
            f"comparable with the plan's target of {target:,}{t.by_year})."
        )
    if t.baseline is None or t.additional is None:  # a plan stored without its baseline
        diff = planned - target
        share = f", {100 * planned / target:.1f} % of the target" if target > 0 else ""
        return (
            f"New-energy vehicles planned for {p.year}: {planned:,} against the plan's "
            f"target of {target:,}{t.by_year} ({'+' if diff >= 0 else '−'}{abs(diff):,}{share})."
        )
    added = planned - t.baseline
    diff = planned - target
    share = f", {100 * added / t.additional:.1f} %" if t.additional > 0 else ""
    return (
        f"New-energy vehicles planned for {p.year}: {planned:,} = the {t.baseline:,} of "
        f"{t.baseline_year} {'+' if added >= 0 else '−'} {abs(added):,} added. The plan adds "
        f"{t.additional:,}{t.by_year}, so its fleet then is {target:,} = {t.baseline:,} + "
        f"{t.additional:,}; the demand needs {'+' if diff >= 0 else '−'}{abs(diff):,} against "
        f"it ({added:,} of the {t.additional:,} additions{share})."
    )


def build_document(rep: ReportInput) -> list[Block]:
    """Every block of the report, in order."""
    t = _target(rep)
    out = _header(rep) + _summary(t)
    if rep.multi:
        out.append(_years_table(rep.plans))
    out += _cost(rep) + _charts(rep, t)
    for p in rep.plans:
        out.extend(plan_details(p, heading=2 if not rep.multi else 3, multi=rep.multi))
    return out + _assumptions(rep.plans)


def _header(rep: ReportInput) -> list[Block]:
    plans = rep.plans
    out: list[Block] = [Heading(1, report_title(rep))]
    flags = []
    if any(p.sampled for p in plans):
        flags.append(
            "Sampled run: each representative day was subsampled (max_stops); the figures "
            "describe a quick run, not the full plan."
        )
    if rep.partial:
        flags.append("Partial: the time limit cut the plan short; this is the best plan so far.")
    if flags:
        out.append(Bullets(tuple(flags)))
    wall = rep.wall_s if rep.wall_s is not None else plans[-1].wall_s
    if wall is not None:
        out.append(
            Para(f"Years: {', '.join(str(p.year) for p in plans)}. Wall time {wall:,.1f} s.")
        )
    return out


def _summary(t: _Target) -> list[Block]:
    p = t.plan
    items = [
        _target_sentence(t) + f" Vehicles in the fleet: {p.fleet_total:,}.",
        f"Plug-in vehicles per charger: {fmt_ratio(p.vehicles_per_charger)} city-wide "
        f"(at most {fmt_num(vpc_limit(p), 2)}): "
        + fmt_yes(_vpc_ok(p), "within the limit", "ABOVE THE LIMIT")
        + ".",
        f"Refrigerated share: {fmt_pct(p.refrigerated_share)} (at least "
        f"{fmt_pct(reefer_minimum(p))}): " + fmt_yes(_ref_ok(p), "met", "NOT MET") + ".",
        "Overnight charging restores the fleet: "
        + fmt_yes(p.overnight_energy_ok, "yes", "NO, chargers or grid are short")
        + ".",
    ]
    for d in winter_first(p):
        items.append(
            f"{d.day.capitalize()} day: {d.served:,} of {d.stops:,} stops served, "
            f"{d.unserved:,} unserved" + (", routes verified." if d.verified else ".")
        )
    out: list[Block] = [Heading(2, "Summary"), Bullets(tuple(items))]
    if p.policy.note:
        out.append(Para(f"Note: {p.policy.note}"))
    return out


def _years_table(plans: tuple[FleetPlan, ...]) -> Block:
    rows = [
        (
            str(p.year),
            fmt_int(p.policy.planned_new_energy_vehicles),
            fmt_int(p.policy.planned_additional_vehicles),
            fmt_int(p.policy.target_for_year),
            fmt_int(p.fleet_total),
            fmt_ratio(p.vehicles_per_charger),
            fmt_pct(p.refrigerated_share),
            fmt_yes(p.overnight_energy_ok),
            _served(p.day("winter")),
            _served(p.day("summer")),
            fmt_cny(dict(cost_rows(p)).get("total_cny_per_year")),
        )
        for p in plans
    ]
    return table(
        (
            "year",
            "new-energy vehicles",
            "added since baseline",
            "plan's fleet (baseline + additions)",
            "fleet",
            "vehicles per charger",
            "refrigerated share",
            "overnight energy ok",
            "winter served / stops",
            "summer served / stops",
            "total cost CNY/year",
        ),
        rows,
        (False, True, True, True, True, True, True, False, True, True, True),
    )


def _cost(rep: ReportInput) -> list[Block]:
    labels = dict(COST_KEYS)
    keys: list[str] = []
    for p in rep.plans:
        keys.extend(k for k, _ in cost_rows(p) if k not in keys)
    if rep.multi:
        body = table(
            ("year", *(labels.get(k, k) for k in keys)),
            [(str(p.year), *(fmt_cny(dict(cost_rows(p)).get(k)) for k in keys)) for p in rep.plans],
            (False, *(True for _ in keys)),
        )
    else:
        body = table(
            ("item", "CNY per year"),
            [(labels.get(k, k), fmt_cny(v)) for k, v in cost_rows(rep.plans[-1])],
            (False, True),
        )
    return [Heading(2, "Cost (CNY per year, annualised)"), body]


def _charts(rep: ReportInput, t: _Target) -> list[Block]:
    last = rep.plans[-1]
    made_of = (
        f" (the {t.baseline:,} of {t.baseline_year} + the {t.additional:,} the plan adds)"
        if t.baseline is not None and t.additional is not None
        else ""
    )
    target_line = (
        f"; dashed line: the plan's fleet of {t.target:,} new-energy vehicles{t.by_year}{made_of}."
        if t.target > 0
        else "."
    )
    peaks = "; a site's peak kW is the sum of its power classes' peaks."
    return [
        Heading(2, "Charts"),
        Figure(
            svg_fleet_by_year(rep.plans), "Fleet by year, stacked by vehicle type" + target_line
        ),
        Figure(
            svg_chargers_by_site(last),
            f"Chargers (stacked by power class) and peak kW by charging site, {last.year}"
            + (peaks if _sites_with_classes(last) else "."),
        ),
        Figure(
            svg_winter_summer(rep.plans),
            "Winter versus summer representative day: stops, vehicles used, distance (km) and "
            "energy (kWh), by year.",
        ),
    ]


def _assumptions(plans: tuple[FleetPlan, ...]) -> list[Block]:
    distinct = {assumption_rows(p) for p in plans}
    if not any(distinct - {()}):
        return []
    header = ("assumption", "value and source")
    if len(distinct) == 1:
        return [
            Heading(2, "Assumptions"),
            table(header, assumption_rows(plans[-1]), (False, False)),
        ]
    out: list[Block] = [Heading(2, "Assumptions")]
    for p in plans:
        out += [
            Heading(3, f"Assumptions, {p.year}"),
            table(header, assumption_rows(p), (False, False)),
        ]
    return out


def _vpc_ok(p: FleetPlan) -> bool | None:
    if p.vehicles_per_charger is None:
        return None
    return p.vehicles_per_charger <= vpc_limit(p) + 1e-9


def _ref_ok(p: FleetPlan) -> bool | None:
    if p.refrigerated_share is None:
        return None
    return p.refrigerated_share >= reefer_minimum(p) - 1e-12


def _served(d: DayCheck | None) -> str:
    return "–" if d is None else f"{d.served:,} / {d.stops:,}"


def _sites_with_classes(p: FleetPlan) -> bool:
    seen: dict[str, int] = {}
    for c in p.chargers:
        seen[c.site] = seen.get(c.site, 0) + 1
    return any(n > 1 for n in seen.values())
