"""Markdown/HTML report of a heavy-truck plan (one year or several) with inline SVG charts.

The document is built as blocks and rendered by the report renderers shared with the fleet
plan (``freight.fleet.plan.report``: blocks, Markdown, HTML page, escaping), so both
outputs carry the same content. Charts (hand-written SVG, deterministic): the fleet by
truck type and year, the electrified t-km share by year, and each station's grid peak.
The input is the plan JSON (``TruckPlan.to_dict`` or the years wrapper of
``freight.trucks.jobs``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from freight.errors import InputError
from freight.fleet.plan.report.blocks import Block, Figure, Heading, Para, table
from freight.fleet.plan.report.charts import xml_escape
from freight.fleet.plan.report.html_page import to_html
from freight.fleet.plan.report.markdown import to_markdown

COLOURS = {"bev_swap": "#2a9d8f", "bev_plugin": "#8ab17d", "lng": "#e9c46a", "diesel": "#6d6875"}
OTHER = ("#264653", "#f4a261", "#e76f51", "#a8dadc")
REQUIRED = ("year", "status", "gap", "stations", "lanes", "kpis", "fleet")


def _plans(result: Any) -> list[dict[str, Any]]:
    if not isinstance(result, dict):
        raise InputError("report: a plan must be a JSON object")
    plans = result.get("plans", [result])
    if not isinstance(plans, list) or not plans:
        raise InputError("report: plans must be a non-empty list")
    for k, p in enumerate(plans):
        for key in REQUIRED:
            if not isinstance(p, dict) or key not in p:
                raise InputError(f"report: plans[{k}].{key} is missing")
    return plans


def _colour(name: str, k: int) -> str:
    return COLOURS.get(name, OTHER[k % len(OTHER)])


def bars_svg(title: str, labels: Sequence[str], series: dict[str, Sequence[float]]) -> str:
    """A stacked bar chart, one bar per label and one colour per series, with a legend."""
    w, h, left, bottom, top = 660.0, 270.0, 70.0, 46.0, 28.0
    plot_h = h - bottom - top
    totals = [sum(v[i] for v in series.values()) for i in range(len(labels))]
    vmax = max([*totals, 1e-9])
    bw = (w - left - 20) / max(len(labels), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="0 0 {w:.0f} {h:.0f}" role="img" font-family="sans-serif" font-size="10">'
        f"<title>{xml_escape(title)}</title>"
        f'<text x="{left:.0f}" y="16" font-size="12">{xml_escape(title)}</text>'
    ]
    for t in range(5):
        y = h - bottom - plot_h * t / 4
        out.append(
            f'<line x1="{left:.0f}" x2="{w - 10:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6:.0f}" y="{y + 4:.1f}" text-anchor="end">{vmax * t / 4:,.3g}</text>'
        )
    for i, lab in enumerate(labels):
        y = h - bottom
        for k, (name, vals) in enumerate(series.items()):
            bh = plot_h * vals[i] / vmax
            tip = xml_escape(f"{name} {lab}: {vals[i]:,.3f}")
            out.append(
                f'<rect x="{left + i * bw + 3:.1f}" y="{y - bh:.1f}" width="{max(bw - 6, 1):.1f}" '
                f'height="{bh:.1f}" fill="{_colour(name, k)}"><title>{tip}</title></rect>'
            )
            y -= bh
        out.append(
            f'<text x="{left + (i + 0.5) * bw:.1f}" y="{h - bottom + 13:.0f}" '
            f'text-anchor="middle">{xml_escape(lab)}</text>'
        )
    for k, name in enumerate(series):
        x = left + k * 110
        out.append(
            f'<rect x="{x:.0f}" y="{h - 14:.0f}" width="10" height="10" fill="{_colour(name, k)}"/>'
            f'<text x="{x + 14:.0f}" y="{h - 5:.0f}">{xml_escape(name)}</text>'
        )
    return "".join(out) + "</svg>"


def _summary(plans: list[dict[str, Any]]) -> Block:
    rows = []
    for p in plans:
        k = p["kpis"]
        rows.append([
            str(p["year"]), str(p["status"]), f"{p['gap']:.2%}",
            f"{k['electrified_tkm_share']:.1%}", f"{k['tco_cny_year']:,.0f}",
            f"{k['baseline_tco_cny_year']:,.0f}", f"{k['co2_t_saved']:,.0f}",
            str(len(p["stations"])), f"{k.get('grid_peak_kw', 0):,.0f}",
        ])  # fmt: skip
    head = ["year", "status", "gap", "electrified t-km", "TCO CNY/yr", "baseline CNY/yr",
            "CO2 saved t", "stations", "grid peak kW"]  # fmt: skip
    return table(head, rows, [False, False, True, True, True, True, True, True, True])


def _year_blocks(p: dict[str, Any]) -> list[Block]:
    st_rows = [
        [f"{s['id']}{'' if s.get('new', True) else ' (kept)'}", s["kind"], str(s["bays"]),
         str(s["chargers"]), str(s["batteries"]), f"{s['peak_kw']:,.0f}",
         f"{s['energy_kwh_day']:,.0f}", f"{s['capex_cny']:,.0f}", f"{s.get('peak_hour', '')}:00"]
        for s in p["stations"]
    ]  # fmt: skip
    lanes = sorted(p["lanes"], key=lambda x: -x["tonnes_year"] * x["distance_km"])
    ln_rows = [
        [f"{x['origin']} → {x['destination']}", f"{x['distance_km']:.1f}",
         f"{x['tonnes_year']:,.0f}", x["truck_type"], str(x["trucks"]), f"{x['trips_day']:.1f}",
         ", ".join(x["via_stations"])]
        for x in lanes if x["electrified"]
    ]  # fmt: skip
    off = [x for x in p["lanes"] if not x["electrified"]]
    return [
        Heading(3, f"{p['year']}"),
        table(
            [
                "station",
                "kind",
                "bays",
                "chargers",
                "batteries",
                "peak kW",
                "kWh/day",
                "capex CNY",
                "peak hour",
            ],
            st_rows,
            [False, False, True, True, True, True, True, True, True],
        ),  # fmt: skip
        table(
            ["electrified lane", "km", "t/yr", "truck", "trucks", "trips/day", "via"],
            ln_rows,
            [False, True, True, False, True, True, False],
        ),  # fmt: skip
        Para(f"{len(off)} lanes stay on fuel trucks ({sum(x['trucks'] for x in off)} trucks)."),
    ]


def build_blocks(result: Any) -> tuple[str, list[Block]]:
    """Title and blocks of the report."""
    plans = _plans(result)
    years = [str(p["year"]) for p in plans]
    title = "Electric heavy trucks: plan " + years[0] + (f"–{years[-1]}" if len(years) > 1 else "")
    types = sorted({t for p in plans for t in p["fleet"]})
    last = plans[-1]
    names = [s["site"].removeprefix("cs_").removeprefix("st_")[:16] for s in last["stations"]]
    blocks: list[Block] = [
        Heading(1, title),
        _summary(plans),
        Figure(bars_svg("Fleet by truck type (trucks)", years,
                        {t: [float(p["fleet"].get(t, 0)) for p in plans] for t in types}),
               "Trucks by type and year; electric types are sized with their energy stops."),
        Figure(bars_svg("Electrified share of t-km", years,
                        {"share": [p["kpis"]["electrified_tkm_share"] for p in plans]}),
               "Share of the region's heavy-truck tonne-km driven electric."),
        Figure(bars_svg(f"Grid peak per station, {last['year']} (kW)", names,
                        {"peak_kw": [float(s["peak_kw"]) for s in last["stations"]]}),
               "Peak hourly grid power of each station (battery slots or chargers)."),
        Heading(2, "Years"),
    ]  # fmt: skip
    for p in plans:
        blocks += _year_blocks(p)
    blocks.append(
        Para(
            "Method: freight/trucks/METHOD.md; data and sources: networks/kuytun/trucks.toml "
            "and SOURCES-trucks.md."
        )  # fmt: skip
    )
    return title, blocks


def render_report(result: Any) -> str:
    """The plan as Markdown with inline SVG charts."""
    _, blocks = build_blocks(result)
    return to_markdown(blocks)


def render_report_html(result: Any) -> str:
    """The same report as a self-contained HTML page."""
    title, blocks = build_blocks(result)
    return to_html(blocks, title)
