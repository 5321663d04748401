"""Markdown and HTML report of a fleet plan (issue #7), with hand-written inline SVG charts.

``render_report(result)`` takes the JSON of a single-year plan (``FleetPlan.to_dict()``) or of
several years (``{"plans": [...], "wall_s", "partial"}``, ``FleetPlanSet.to_dict()``) and
returns Markdown: a summary against the plan's policy (3,000 new-energy vehicles by 2035, at
most 4 plug-in vehicles per charger, refrigerated share at least 0.5 %, overnight energy),
the cost table, per-year fleet and charger tables, and three charts drawn as SVG by this
module (no plotting library, nothing loaded from the internet):

* fleet by year, stacked by vehicle type (with the policy target as a dashed line);
* chargers (stacked by power class) and peak kW by charging site, for the horizon year;
* winter versus summer representative day: stops, vehicles used, km and kWh, per year.

``render_report_html(result)`` gives a self-contained HTML page with the same content and
the same SVGs. Both are deterministic (same input, same bytes) and escape every string that
comes from the input. A malformed input raises :class:`~freight.errors.InputError` whose
issues name the JSON path (``$.plans[2].vehicles[0].count``).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from freight.fleet.plan.model import DayCheck, FleetPlan, FleetPlanSet, plan_from_dict

__all__ = ["render_report", "render_report_html"]

# Defaults when a plan's "policy" omits them: the plan's own figures (facts digest, "Green
# urban fleet"; see the fleet-plan contract).
DEFAULT_MAX_VEHICLES_PER_CHARGER = 4.0
DEFAULT_MIN_REFRIGERATED_SHARE = 0.005

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
WINTER_COLOR = "#3b6fb6"
SUMMER_COLOR = "#e08a1e"
COST_KEYS = (
    ("vehicles_cny_per_year", "vehicles"),
    ("chargers_cny_per_year", "chargers"),
    ("energy_cny_per_year", "energy"),
    ("driver_and_maintenance_cny_per_year", "drivers and maintenance"),
    ("total_cny_per_year", "total"),
)


# -- the plan as the report reads it -----------------------------------------------------------


@dataclass(frozen=True)
class _Report:
    plans: tuple[FleetPlan, ...]
    multi: bool
    wall_s: float | None
    partial: bool


def _read(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> _Report:
    """The plan(s) to report; JSON is read by the model (errors name JSON paths)."""
    plan = result if isinstance(result, FleetPlan | FleetPlanSet) else plan_from_dict(result)
    if isinstance(plan, FleetPlan):
        return _Report(plans=(plan,), multi=False, wall_s=plan.wall_s, partial=plan.partial)
    return _Report(
        plans=plan.plans,
        multi=True,
        wall_s=plan.wall_s,
        partial=plan.partial or any(p.partial for p in plan.plans),
    )


def _days(p: FleetPlan) -> tuple[DayCheck, ...]:
    """The representative days, winter first."""
    return tuple(sorted(p.daily_check, key=lambda d: 0 if d.day == "winter" else 1))


def _cost(p: FleetPlan) -> tuple[tuple[str, float], ...]:
    return tuple((f.name, v) for f in fields(p.cost) if (v := getattr(p.cost, f.name)) is not None)


def _assumptions(p: FleetPlan) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), _plain(p.assumptions[k])) for k in sorted(p.assumptions, key=str))


def _max_vpc(p: FleetPlan) -> float:
    v = p.policy.max_vehicles_per_charger
    return DEFAULT_MAX_VEHICLES_PER_CHARGER if v is None else v


def _min_reefer(p: FleetPlan) -> float:
    v = p.policy.min_refrigerated_share
    return DEFAULT_MIN_REFRIGERATED_SHARE if v is None else v


def _plain(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, int | float):
        return _num(v)
    try:
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(v)


# -- number formatting -------------------------------------------------------------------------


def _num(x: float | int | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def _int(x: int | None) -> str:
    return "–" if x is None else f"{x:,}"


def _cny(x: float | None) -> str:
    if x is None:
        return "–"
    if float(x).is_integer() or abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:,.2f}"  # small sums (sampled runs) keep their fen


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def _yes(ok: bool | None, yes: str = "yes", no: str = "NO") -> str:
    return "–" if ok is None else (yes if ok else no)


# -- the document, as blocks rendered to Markdown or HTML -------------------------------------


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str


@dataclass(frozen=True)
class _Para:
    text: str


@dataclass(frozen=True)
class _List:
    items: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class _Figure:
    svg: str
    caption: str


_Block = _Heading | _Para | _List | _Table | _Figure


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> _Table:
    return _Table(tuple(header), tuple(tuple(r) for r in rows), tuple(numeric))


def _title(rep: _Report) -> str:
    years = [p.year for p in rep.plans]
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"Fleet and charger plan, Kuytun urban delivery, {span}"


def _build(rep: _Report) -> list[_Block]:
    plans = rep.plans
    last = plans[-1]
    out: list[_Block] = [_Heading(1, _title(rep))]
    flags = []
    if any(p.sampled for p in plans):
        flags.append(
            "Sampled run: each representative day was subsampled (max_stops); the figures "
            "describe a quick run, not the full plan."
        )
    if rep.partial:
        flags.append("Partial: the time limit cut the plan short; this is the best plan so far.")
    if flags:
        out.append(_List(tuple(flags)))
    wall = rep.wall_s if rep.wall_s is not None else last.wall_s
    if wall is not None:
        out.append(
            _Para(f"Years: {', '.join(str(p.year) for p in plans)}. Wall time {wall:,.1f} s.")
        )

    # summary ---------------------------------------------------------------------------
    out.append(_Heading(2, "Summary"))
    target_plan = next((p for p in plans if p.year == last.policy.target_year), last)
    pol = target_plan.policy
    target, planned = pol.target_new_energy_vehicles, pol.planned_new_energy_vehicles
    diff = planned - target
    share = (planned / target) if target > 0 else None
    target_year = f" by {pol.target_year}" if pol.target_year is not None else ""
    compared = (
        f" against the plan's target of {target:,}{target_year} "
        f"({'+' if diff >= 0 else '−'}{abs(diff):,}"
        + (f", {100 * share:.1f} % of the target)" if share is not None else ")")
        if not target_plan.sampled
        else f" (sampled days: not comparable with the plan's target of {target:,}{target_year})"
    )
    items = [
        f"New-energy vehicles planned for {target_plan.year}: {planned:,}{compared}"
        + f"; vehicles in the fleet: {target_plan.fleet_total:,}.",
        f"Plug-in vehicles per charger: {_ratio(target_plan.vehicles_per_charger)} city-wide "
        f"(at most {_num(_max_vpc(target_plan), 2)}): "
        + _yes(_vpc_ok(target_plan), "within the limit", "ABOVE THE LIMIT")
        + ".",
        f"Refrigerated share: {_pct(target_plan.refrigerated_share)} (at least "
        f"{_pct(_min_reefer(target_plan))}): " + _yes(_ref_ok(target_plan), "met", "NOT MET") + ".",
        "Overnight charging restores the fleet: "
        + _yes(target_plan.overnight_energy_ok, "yes", "NO, chargers or grid are short")
        + ".",
    ]
    for d in _days(target_plan):
        items.append(
            f"{d.day.capitalize()} day: {d.served:,} of {d.stops:,} stops served, "
            f"{d.unserved:,} unserved" + (", routes verified." if d.verified else ".")
        )
    out.append(_List(tuple(items)))
    if pol.note:
        out.append(_Para(f"Note: {pol.note}"))

    if rep.multi:
        rows = []
        for p in plans:
            w, s = p.day("winter"), p.day("summer")
            rows.append(
                (
                    str(p.year),
                    _int(p.policy.planned_new_energy_vehicles),
                    _int(p.fleet_total),
                    _ratio(p.vehicles_per_charger),
                    _pct(p.refrigerated_share),
                    _yes(p.overnight_energy_ok),
                    _served(w),
                    _served(s),
                    _cny(dict(_cost(p)).get("total_cny_per_year")),
                )
            )
        out.append(
            _table(
                (
                    "year",
                    "new-energy vehicles",
                    "fleet",
                    "vehicles per charger",
                    "refrigerated share",
                    "overnight energy ok",
                    "winter served / stops",
                    "summer served / stops",
                    "total cost CNY/year",
                ),
                rows,
                (False, True, True, True, True, False, True, True, True),
            )
        )

    # cost -----------------------------------------------------------------------------
    out.append(_Heading(2, "Cost (CNY per year, annualised)"))
    labels = dict(COST_KEYS)
    keys: list[str] = []
    for p in plans:
        keys.extend(k for k, _ in _cost(p) if k not in keys)
    if rep.multi:
        out.append(
            _table(
                ("year", *(labels.get(k, k) for k in keys)),
                [(str(p.year), *(_cny(dict(_cost(p)).get(k)) for k in keys)) for p in plans],
                (False, *(True for _ in keys)),
            )
        )
    else:
        out.append(
            _table(
                ("item", "CNY per year"),
                [(labels.get(k, k), _cny(v)) for k, v in _cost(last)],
                (False, True),
            )
        )

    # charts -------------------------------------------------------------------------------
    out.append(_Heading(2, "Charts"))
    out.append(
        _Figure(
            _svg_fleet_by_year(plans),
            "Fleet by year, stacked by vehicle type"
            + (
                f"; dashed line: the plan's target of {target:,} new-energy vehicles{target_year}."
                if target > 0
                else "."
            ),
        )
    )
    multi_class = _sites_with_classes(last)
    out.append(
        _Figure(
            _svg_chargers_by_site(last),
            f"Chargers (stacked by power class) and peak kW by charging site, {last.year}"
            + (
                "; a site's peak kW is the sum of its power classes' peaks." if multi_class else "."
            ),
        )
    )
    out.append(
        _Figure(
            _svg_winter_summer(plans),
            "Winter versus summer representative day: stops, vehicles used, distance (km) and "
            "energy (kWh), by year.",
        )
    )

    # per year details --------------------------------------------------------------------
    for p in plans:
        out.extend(_plan_details(p, heading=2 if not rep.multi else 3, multi=rep.multi))

    # assumptions -------------------------------------------------------------------------
    distinct = {_assumptions(p) for p in plans}
    if any(distinct - {()}):
        out.append(_Heading(2, "Assumptions"))
        if len(distinct) == 1:
            out.append(
                _table(("assumption", "value and source"), _assumptions(last), (False, False))
            )
        else:
            for p in plans:
                out.append(_Heading(3, f"Assumptions, {p.year}"))
                out.append(
                    _table(("assumption", "value and source"), _assumptions(p), (False, False))
                )
    return out


def _vpc_ok(p: FleetPlan) -> bool | None:
    if p.vehicles_per_charger is None:
        return None
    return p.vehicles_per_charger <= _max_vpc(p) + 1e-9


def _ref_ok(p: FleetPlan) -> bool | None:
    if p.refrigerated_share is None:
        return None
    return p.refrigerated_share >= _min_reefer(p) - 1e-12


def _served(d: DayCheck | None) -> str:
    return "–" if d is None else f"{d.served:,} / {d.stops:,}"


def _sites_with_classes(p: FleetPlan) -> bool:
    seen: dict[str, int] = {}
    for c in p.chargers:
        seen[c.site] = seen.get(c.site, 0) + 1
    return any(n > 1 for n in seen.values())


def _plan_details(p: FleetPlan, heading: int, multi: bool) -> list[_Block]:
    out: list[_Block] = []
    suffix = f", {p.year}" if multi else ""
    if multi:
        out.append(_Heading(heading - 1, f"Plan for {p.year}"))
    out.append(_Heading(heading, f"Fleet by type and depot{suffix}"))
    vs = sorted(p.vehicles, key=lambda v: (v.depot, v.type))
    rows: list[tuple[str, ...]] = [
        (
            v.type,
            v.depot,
            str(v.powertrain),
            _yes(v.refrigerated, "yes", "no"),
            _num(v.battery_kwh),
            _int(v.count),
        )
        for v in vs
    ]
    rows.append(("total", "", "", "", "", _int(p.fleet_total)))
    out.append(
        _table(
            ("type", "depot", "powertrain", "refrigerated", "battery kWh", "vehicles"),
            rows,
            (False, False, False, False, True, True),
        )
    )
    out.append(_Heading(heading, f"Chargers by site{suffix}"))
    out.append(_charger_table(p))
    if p.vehicles_per_charger_by_depot:
        out.append(_Heading(heading, f"Plug-in vehicles per charger by depot{suffix}"))
        limit = _max_vpc(p)
        out.append(
            _table(
                ("depot", "plug-in vehicles", "chargers", "vehicles per charger", "within limit"),
                [
                    (
                        d.depot,
                        _int(d.plug_in_vehicles),
                        _int(d.chargers),
                        _ratio(d.ratio),
                        _yes(None if d.ratio is None else d.ratio <= limit + 1e-9),
                    )
                    for d in sorted(p.vehicles_per_charger_by_depot, key=lambda d: d.depot)
                ],
                (False, True, True, True, False),
            )
        )
    out.append(_Heading(heading, f"Representative days{suffix}"))
    out.append(_day_table(p))
    return out


def _columns(cols: Sequence[tuple[str, bool, bool]], rows: Sequence[Sequence[str]]) -> _Table:
    """A table of the columns marked shown: ``cols`` are (header, numeric, shown)."""
    keep = [k for k, (_, _, shown) in enumerate(cols) if shown]
    return _table(
        [cols[k][0] for k in keep],
        [[row[k] for k in keep] for row in rows],
        [cols[k][1] for k in keep],
    )


def _charger_table(p: FleetPlan) -> _Table:
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
            _num(c.power_kw),
            _int(c.count),
            _num(c.peak_kw),
            _num(c.energy_kwh),
            _num(c.midday_kwh),
            _num(c.midday_peak_kw),
            _int(c.midday_vehicles),
            "–" if c.occupancy is None else f"{100 * c.occupancy:.1f} %",
            _cny(c.energy_cost_cny),
            _num(c.short_kwh),
            c.binding or "–",
        )
        for c in cs
    ]
    total = ["total", "", "", _int(sum(c.count for c in cs))] + [""] * (len(cols) - 4)
    if midday:
        total[6] = _num(sum(c.midday_kwh or 0.0 for c in cs))
    rows.append(tuple(total))
    return _columns(cols, rows)


def _day_table(p: FleetPlan) -> _Table:
    """Representative days; route and duty columns only when the plan reports them."""
    days = _days(p)
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
            _int(d.stops),
            _int(d.served),
            _int(d.unserved),
            _int(d.routes),
            _int(d.vehicles_used),
            _int(d.duty_lower_bound),
            _int(d.duties_with_midday_charge),
            _num(d.distance_km),
            _num(d.energy_kwh),
            _yes(d.verified, "yes", "no"),
            _num(d.wall_s),
        )
        for d in days
    ]
    return _columns(cols, rows)


# -- SVG charts -----------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
FONT = 'font-family="sans-serif" font-size="11"'


def _x(s: str) -> str:
    """Escape text and attribute values for XML/HTML."""
    return html.escape(s, quote=True)


def _f(v: float) -> str:
    out = f"{v:.1f}"
    return "0.0" if out == "-0.0" else out


def _nice_ticks(vmax: float, n: int = 5) -> list[float]:
    """0 and round steps (1, 2, 5 × 10^k) up to at least ``vmax``."""
    if vmax <= 0:
        return [0.0, 1.0]
    raw = vmax / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw - 1e-12)
    top = math.ceil(vmax / step - 1e-9) * step
    count = int(round(top / step))
    return [i * step for i in range(count + 1)]


def _tick_label(v: float) -> str:
    if abs(v) >= 1_000_000:
        return f"{v / 1_000_000:g}M"
    if abs(v) >= 10_000:
        return f"{v / 1000:g}k"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


class _Svg:
    def __init__(self, width: float, height: float, title: str) -> None:
        self.width = width
        self.height = height
        self.parts = [
            f'<svg xmlns="{SVG_NS}" width="{_f(width)}" height="{_f(height)}" '
            f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" {FONT}>',
            f"<title>{_x(title)}</title>",
            f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>',
        ]

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> None:
        body = f"<title>{_x(tip)}</title>" if tip else ""
        end = f">{body}</rect>" if body else "/>"
        self.parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0.0))}" height="{_f(max(h, 0.0))}" '
            f'fill="{_x(fill)}"{end}'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#444", dash: str = ""
    ) -> None:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}"{d}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        s: str,
        anchor: str = "start",
        size: int | None = None,
        weight: str = "",
    ) -> None:
        extra = f' font-size="{size}"' if size else ""
        extra += f' font-weight="{weight}"' if weight else ""
        self.parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{extra}>{_x(s)}</text>'
        )

    def done(self) -> str:
        return "".join(self.parts) + "</svg>"


def _y_axis(svg: _Svg, x0: float, y0: float, y1: float, ticks: list[float], label: str) -> None:
    """Ticks and grid from value 0 at ``y0`` (bottom) to ``ticks[-1]`` at ``y1`` (top)."""
    top = ticks[-1] or 1.0
    for t in ticks:
        y = y0 - (y0 - y1) * t / top
        svg.line(x0 - 4, y, x0, y)
        svg.text(x0 - 6, y + 4, _tick_label(t), anchor="end")
    svg.line(x0, y0, x0, y1)
    if label:
        svg.text(x0 - 6, y1 - 10, label, anchor="start")


def _svg_fleet_by_year(plans: Sequence[FleetPlan]) -> str:
    types = sorted({v.type for p in plans for v in p.vehicles})
    color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
    totals = [p.fleet_total for p in plans]
    target = plans[-1].policy.target_new_energy_vehicles
    legend_w = 20 + 7 * max([len(t) for t in types] + [12])
    left, right, top, bottom = 64.0, legend_w + 20.0, 34.0, 36.0
    band = max(44.0, min(90.0, 560.0 / max(1, len(plans))))
    width = left + band * len(plans) + right
    height = 330.0
    svg = _Svg(width, height, "Fleet by year, stacked by vehicle type")
    svg.text(left, 18, "Fleet by year (vehicles, stacked by type)", size=13, weight="bold")
    y0, y1 = height - bottom, top + 10
    ticks = _nice_ticks(max(totals + [target, 1]))
    scale = (y0 - y1) / (ticks[-1] or 1.0)
    for t in ticks[1:]:
        svg.line(left, y0 - t * scale, left + band * len(plans), y0 - t * scale, "#e4e4e4")
    _y_axis(svg, left, y0, y1, ticks, "")
    svg.line(left, y0, left + band * len(plans), y0)
    for i, p in enumerate(plans):
        x = left + band * i + band * 0.2
        w = band * 0.6
        by_type: dict[str, int] = {}
        for v in p.vehicles:
            by_type[v.type] = by_type.get(v.type, 0) + v.count
        y = y0
        for vt in types:
            n = by_type.get(vt, 0)
            if n <= 0:
                continue
            h = n * scale
            svg.rect(x, y - h, w, h, color[vt], f"{p.year} {vt}: {n:,}")
            y -= h
        svg.text(x + w / 2, y - 4, f"{totals[i]:,}", anchor="middle")
        svg.text(x + w / 2, y0 + 16, str(p.year), anchor="middle")
    if target > 0:
        ty = y0 - target * scale
        svg.line(left, ty, left + band * len(plans), ty, "#c0392b", "6 4")
        svg.text(left + band * len(plans) - 2, ty - 4, f"target {target:,}", anchor="end")
    lx = left + band * len(plans) + 16
    for j, vt in enumerate(types):
        ly = top + 16 * j
        svg.rect(lx, ly, 10, 10, color[vt])
        svg.text(lx + 14, ly + 9, vt)
    return svg.done()


def _svg_chargers_by_site(p: FleetPlan) -> str:
    sites = sorted({c.site for c in p.chargers})
    powers = sorted({c.power_kw for c in p.chargers})
    color = {pw: PALETTE[i % len(PALETTE)] for i, pw in enumerate(powers)}
    counts: dict[str, dict[float, int]] = {s: {} for s in sites}
    peak: dict[str, float | None] = {s: None for s in sites}
    for c in p.chargers:
        counts[c.site][c.power_kw] = counts[c.site].get(c.power_kw, 0) + c.count
        if c.peak_kw is not None:
            peak[c.site] = (peak[c.site] or 0.0) + c.peak_kw
    label_w = 12 + 6.5 * max([len(s) for s in sites] + [8])
    row = 22.0
    top, bottom = 72.0, 34.0
    panel = 230.0
    gap = 40.0
    width = label_w + panel + gap + panel + 30
    height = top + row * max(1, len(sites)) + bottom
    svg = _Svg(width, height, f"Chargers and peak kW by site, {p.year}")
    svg.text(8, 18, f"Chargers and peak kW by charging site, {p.year}", size=13, weight="bold")
    x_c = label_w
    x_p = label_w + panel + gap
    svg.text(x_c, top - 14, "chargers (by power class)", weight="bold")
    svg.text(x_p, top - 14, "peak kW", weight="bold")
    if not sites:
        svg.text(x_c, top + 14, "no chargers in this plan")
        return svg.done()
    max_c = max(sum(v.values()) for v in counts.values())
    max_p = max([v for v in peak.values() if v is not None] + [0.0])
    tc = _nice_ticks(max(max_c, 1))
    tp = _nice_ticks(max(max_p, 1.0))
    sc = panel / (tc[-1] or 1.0)
    sp = panel / (tp[-1] or 1.0)
    y_axis = top + row * len(sites)
    for ticks, x0, s in ((tc, x_c, sc), (tp, x_p, sp)):
        for t in ticks:
            svg.line(x0 + t * s, top - 4, x0 + t * s, y_axis, "#e4e4e4")
            svg.text(x0 + t * s, y_axis + 14, _tick_label(t), anchor="middle")
        svg.line(x0, top - 4, x0, y_axis)
    for i, s_id in enumerate(sites):
        y = top + row * i + 4
        svg.text(x_c - 6, y + 11, s_id, anchor="end")
        x = x_c
        for pw in powers:
            n = counts[s_id].get(pw, 0)
            if n <= 0:
                continue
            svg.rect(x, y, n * sc, row - 8, color[pw], f"{s_id}: {n:,} × {_num(pw)} kW")
            x += n * sc
        svg.text(x + 4, y + 11, f"{sum(counts[s_id].values()):,}")
        pk = peak[s_id]
        if pk is None:
            svg.text(x_p + 4, y + 11, "–")
        else:
            svg.rect(x_p, y, pk * sp, row - 8, "#6c5ce7", f"{s_id}: peak {_num(pk)} kW")
            svg.text(x_p + pk * sp + 4, y + 11, _num(pk))
    lx = x_c
    for pw in powers:
        label = f"{_num(pw)} kW"
        svg.rect(lx, 28, 10, 10, color[pw])
        svg.text(lx + 14, 37, label)
        lx += 24 + 7 * len(label)
    return svg.done()


def _svg_winter_summer(plans: Sequence[FleetPlan]) -> str:
    metrics: list[tuple[str, str]] = [
        ("stops", "stops"),
        ("vehicles_used", "vehicles used"),
        ("distance_km", "distance km"),
        ("energy_kwh", "energy kWh"),
    ]
    band = max(36.0, min(80.0, 300.0 / max(1, len(plans))))
    pw, ph = 56 + band * len(plans) + 16, 190.0
    top = 40.0
    width = 2 * pw + 20
    height = top + 2 * ph + 10
    svg = _Svg(width, height, "Winter versus summer representative day")
    svg.text(8, 18, "Winter versus summer representative day", size=13, weight="bold")
    lx = width - 170
    for k, (name, col) in enumerate((("winter", WINTER_COLOR), ("summer", SUMMER_COLOR))):
        svg.rect(lx + 80 * k, 9, 10, 10, col)
        svg.text(lx + 80 * k + 14, 18, name)
    for m, (attr, label) in enumerate(metrics):
        ox = 10 + (m % 2) * (pw + 10)
        oy = top + (m // 2) * ph
        left = ox + 56
        y0, y1 = oy + ph - 30, oy + 26
        svg.text(left, oy + 12, label, weight="bold")
        values: list[float] = []
        for p in plans:
            for d in _days(p):
                v = getattr(d, attr)
                if v is not None:
                    values.append(float(v))
        ticks = _nice_ticks(max(values + [1.0]), 4)
        scale = (y0 - y1) / (ticks[-1] or 1.0)
        for t in ticks[1:]:
            svg.line(left, y0 - t * scale, left + band * len(plans), y0 - t * scale, "#e4e4e4")
        _y_axis(svg, left, y0, y1, ticks, "")
        svg.line(left, y0, left + band * len(plans), y0)
        for i, p in enumerate(plans):
            bx = left + band * i + band * 0.15
            bw = band * 0.35
            for k, (name, col) in enumerate((("winter", WINTER_COLOR), ("summer", SUMMER_COLOR))):
                day = p.day(name)
                v = None if day is None else getattr(day, attr)
                if v is None:
                    continue
                h = float(v) * scale
                svg.rect(bx + k * bw, y0 - h, bw, h, col, f"{p.year} {name} {label}: {_num(v)}")
            svg.text(left + band * (i + 0.5), y0 + 14, str(p.year), anchor="middle")
    return svg.done()


# -- renderers ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#~!])")
_MD_LEADING = re.compile(r"^([-+>])(?=\s|$)|^(\d+)([.)])(?=\s|$)")


def _md(text: str) -> str:
    """One line of Markdown-safe text: HTML escaped, Markdown syntax backslash-escaped."""
    flat = " ".join(str(text).split())
    esc = _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    return esc


def _md_line(text: str) -> str:
    """Like :func:`_md`, also escaping what would start a list or quote at a line's start."""

    def fix(m: re.Match[str]) -> str:
        if m.group(1):
            return "\\" + m.group(1)
        return m.group(2) + "\\" + m.group(3)

    return _MD_LEADING.sub(fix, _md(text))


def _to_markdown(blocks: Sequence[_Block]) -> str:
    lines: list[str] = []
    fig = 0
    for b in blocks:
        if isinstance(b, _Heading):
            lines += ["#" * b.level + " " + _md_line(b.text), ""]
        elif isinstance(b, _Para):
            lines += [_md_line(b.text), ""]
        elif isinstance(b, _List):
            lines += ["- " + _md_line(item) for item in b.items] + [""]
        elif isinstance(b, _Table):
            lines.append("| " + " | ".join(_md(h) for h in b.header) + " |")
            lines.append("|" + "|".join("---:" if n else "---" for n in b.numeric) + "|")
            for r in b.rows:
                lines.append("| " + " | ".join(_md(c) if c else " " for c in r) + " |")
            lines.append("")
        else:
            fig += 1
            lines += [b.svg, "", f"*Figure {fig}. {_md(b.caption)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.2em}"
    "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f3f3f3}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:1em 0}figcaption{font-style:italic;color:#555}"
    "svg{max-width:100%;height:auto}"
)


def _to_html(blocks: Sequence[_Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_x(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    fig = 0
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"<h{b.level}>{_x(b.text)}</h{b.level}>")
        elif isinstance(b, _Para):
            out.append(f"<p>{_x(b.text)}</p>")
        elif isinstance(b, _List):
            out.append("<ul>" + "".join(f"<li>{_x(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, _Table):
            head = "".join(f"<th>{_x(h)}</th>" for h in b.header)
            body = "".join(
                "<tr>"
                + "".join(
                    f'<td class="n">{_x(c)}</td>' if n else f"<td>{_x(c)}</td>"
                    for c, n in zip(r, b.numeric, strict=True)
                )
                + "</tr>"
                for r in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            fig += 1
            out.append(
                f"<figure>{b.svg}<figcaption>Figure {fig}. {_x(b.caption)}</figcaption></figure>"
            )
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_report(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> str:
    """Markdown report (with inline SVG charts) of a single- or multi-year fleet plan JSON."""
    return _to_markdown(_build(_read(result)))


def render_report_html(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> str:
    """A self-contained HTML page with the same content and charts as :func:`render_report`."""
    rep = _read(result)
    return _to_html(_build(rep), _title(rep))
