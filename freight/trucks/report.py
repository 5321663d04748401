"""Markdown/HTML report of a heavy-truck plan (one year or several) with inline SVG charts.

Charts: electrified t-km share and TCO against the baseline by year, the fleet by truck
type and year, and each station's bays/chargers, batteries and grid peak. The input is
the plan JSON (``TruckPlan.to_dict`` or the years wrapper of ``freight.trucks.jobs``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from freight.errors import InputError

COLOURS = {"bev_swap": "#2a9d8f", "bev_plugin": "#8ab17d", "lng": "#e9c46a", "diesel": "#6d6875"}


def _plans(result: Any) -> list[dict[str, Any]]:
    if not isinstance(result, dict):
        raise InputError("report: a plan must be a JSON object")
    plans = result.get("plans", [result])
    for k, p in enumerate(plans):
        for key in ("year", "status", "gap", "stations", "lanes", "kpis", "fleet"):
            if not isinstance(p, dict) or key not in p:
                raise InputError(f"report: plans[{k}].{key} is missing")
    return list(plans)


def _bars(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str) -> str:
    """A stacked bar chart (one bar per label, one colour per series) as an SVG string."""
    w, h, left, bottom, top = 640, 260, 70, 40, 30
    n = max(len(labels), 1)
    totals = [sum(vals[i] for vals in series.values()) for i in range(len(labels))]
    vmax = max(totals + [1e-9])
    bw = (w - left - 20) / n
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="18" font-size="13" font-family="sans-serif">'
        f"{html.escape(title)} ({html.escape(unit)})</text>",
    ]
    for t in range(5):
        v = vmax * t / 4
        y = h - bottom - (h - bottom - top) * t / 4
        out.append(f'<line x1="{left}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'font-family="sans-serif">{v:,.3g}</text>'
        )
    for i, lab in enumerate(labels):
        y = h - bottom
        for k, (name, vals) in enumerate(series.items()):
            bh = (h - bottom - top) * vals[i] / vmax
            colour = COLOURS.get(name, ["#264653", "#f4a261", "#e76f51", "#a8dadc"][k % 4])
            out.append(
                f'<rect x="{left + i * bw + 4:.1f}" y="{y - bh:.1f}" width="{bw - 8:.1f}" '
                f'height="{bh:.1f}" fill="{colour}"><title>{html.escape(name)} '
                f"{html.escape(lab)}: {vals[i]:,.3f}</title></rect>"
            )
            y -= bh
        out.append(
            f'<text x="{left + (i + 0.5) * bw:.1f}" y="{h - bottom + 14}" font-size="10" '
            f'text-anchor="middle" font-family="sans-serif">{html.escape(lab)}</text>'
        )
    for k, name in enumerate(series):
        colour = COLOURS.get(name, ["#264653", "#f4a261", "#e76f51", "#a8dadc"][k % 4])
        x = left + k * 120
        out.append(
            f'<rect x="{x}" y="{h - 16}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{h - 7}" font-size="10" font-family="sans-serif">'
            f"{html.escape(name)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _summary_rows(plans: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| year | status | gap | electrified t-km | TCO CNY/yr | baseline CNY/yr | CO2 saved t "
        "| stations | grid peak kW |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in plans:
        k = p["kpis"]
        rows.append(
            f"| {p['year']} | {p['status']} | {p['gap']:.2%} | {k['electrified_tkm_share']:.1%} "
            f"| {k['tco_cny_year']:,.0f} | {k['baseline_tco_cny_year']:,.0f} "
            f"| {k['co2_t_saved']:,.0f} | {len(p['stations'])} | {k.get('grid_peak_kw', 0):,.0f} |"
        )
    return rows


def _year_details(p: dict[str, Any]) -> list[str]:
    out = [
        f"### {p['year']}",
        "",
        "| station | kind | bays | chargers | batteries | peak kW "
        "| kWh/day | capex CNY | peak hour |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in p["stations"]:
        out.append(
            f"| {s['id']}{'' if s.get('new', True) else ' (kept)'} | {s['kind']} | {s['bays']} "
            f"| {s['chargers']} | {s['batteries']} | {s['peak_kw']:,.0f} "
            f"| {s['energy_kwh_day']:,.0f} | {s['capex_cny']:,.0f} | {s.get('peak_hour', '')}:00 |"
        )
    out += [
        "",
        "| lane | km | t/yr | truck | trucks | trips/day | via |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for lane in sorted(p["lanes"], key=lambda x: -x["tonnes_year"] * x["distance_km"]):
        if lane["electrified"]:
            out.append(
                f"| {lane['origin']} → {lane['destination']} | {lane['distance_km']:.1f} "
                f"| {lane['tonnes_year']:,.0f} | {lane['truck_type']} | {lane['trucks']} "
                f"| {lane['trips_day']:.1f} | {', '.join(lane['via_stations'])} |"
            )
    off = [x for x in p["lanes"] if not x["electrified"]]
    out += [
        "",
        f"{len(off)} lanes stay on fuel trucks ({sum(x['trucks'] for x in off)} trucks).",
        "",
    ]
    return out


def render_report(result: Any) -> str:
    """The plan as Markdown with inline SVG charts."""
    plans = _plans(result)
    years = [str(p["year"]) for p in plans]
    types = sorted({t for p in plans for t in p["fleet"]})
    lines = [
        f"# Electric heavy trucks: plan {years[0]}" + (f"–{years[-1]}" if len(years) > 1 else ""),
        "",
        *_summary_rows(plans),
        "",
    ]
    lines.append(
        _bars(
            "Fleet by truck type",
            years,
            {t: [float(p["fleet"].get(t, 0)) for p in plans] for t in types},
            "trucks",
        )
    )
    lines.append("")
    lines.append(
        _bars(
            "Electrified t-km share",
            years,
            {"share": [p["kpis"]["electrified_tkm_share"] for p in plans]},
            "fraction",
        )
    )
    lines.append("")
    last = plans[-1]
    ids = [
        s["id"].split(":")[0].removeprefix("cs_").removeprefix("st_")[:14] for s in last["stations"]
    ]
    lines.append(
        _bars(
            f"Grid peak per station, {last['year']}",
            ids,
            {"peak_kw": [s["peak_kw"] for s in last["stations"]]},
            "kW",
        )
    )
    lines.append("")
    for p in plans:
        lines += _year_details(p)
    lines += [
        "Method: `freight/trucks/METHOD.md`; data and sources: "
        "`networks/kuytun/trucks.toml`, `SOURCES-trucks.md`.",
        "",
    ]
    return "\n".join(lines)


def render_report_html(result: Any) -> str:
    """The same report as a self-contained HTML page (tables and SVG kept)."""
    md = render_report(result)
    body: list[str] = []
    table: list[str] = []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-:"):
                continue
            tag = "th" if not table else "td"
            table.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if table:
            body.append("<table>" + "".join(table) + "</table>")
            table = []
        if line.startswith("<svg"):
            body.append(line)
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('#').strip())}</h{level}>")
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:2px 6px;font-size:12px}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Heavy-truck plan</title>"
        f"<style>{style}</style></head><body>{''.join(body)}</body></html>"
    )
