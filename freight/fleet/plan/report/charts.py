"""The report's three charts as hand-written SVG (no plotting library, nothing fetched).

* fleet by year, stacked by vehicle type (with the policy target as a dashed line);
* chargers (stacked by power class) and peak kW by charging site, for the horizon year;
* winter versus summer representative day: stops, vehicles used, km and kWh, per year.

Deterministic (same plan, same bytes); every string from the plan is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from freight.fleet.plan.model import FleetPlan
from freight.fleet.plan.report.fmt import fmt_num
from freight.fleet.plan.report.view import winter_first

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

SVG_NS = "http://www.w3.org/2000/svg"
FONT = 'font-family="sans-serif" font-size="11"'


def xml_escape(s: str) -> str:
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
            f"<title>{xml_escape(title)}</title>",
            f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>',
        ]

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> None:
        body = f"<title>{xml_escape(tip)}</title>" if tip else ""
        end = f">{body}</rect>" if body else "/>"
        self.parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0.0))}" height="{_f(max(h, 0.0))}" '
            f'fill="{xml_escape(fill)}"{end}'
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
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{extra}>{xml_escape(s)}</text>'
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


def svg_fleet_by_year(plans: Sequence[FleetPlan]) -> str:
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


def svg_chargers_by_site(p: FleetPlan) -> str:
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
            svg.rect(x, y, n * sc, row - 8, color[pw], f"{s_id}: {n:,} × {fmt_num(pw)} kW")
            x += n * sc
        svg.text(x + 4, y + 11, f"{sum(counts[s_id].values()):,}")
        pk = peak[s_id]
        if pk is None:
            svg.text(x_p + 4, y + 11, "–")
        else:
            svg.rect(x_p, y, pk * sp, row - 8, "#6c5ce7", f"{s_id}: peak {fmt_num(pk)} kW")
            svg.text(x_p + pk * sp + 4, y + 11, fmt_num(pk))
    lx = x_c
    for pw in powers:
        label = f"{fmt_num(pw)} kW"
        svg.rect(lx, 28, 10, 10, color[pw])
        svg.text(lx + 14, 37, label)
        lx += 24 + 7 * len(label)
    return svg.done()


def svg_winter_summer(plans: Sequence[FleetPlan]) -> str:
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
            for d in winter_first(p):
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
                svg.rect(bx + k * bw, y0 - h, bw, h, col, f"{p.year} {name} {label}: {fmt_num(v)}")
            svg.text(left + band * (i + 0.5), y0 + 14, str(p.year), anchor="middle")
    return svg.done()
