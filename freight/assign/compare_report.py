"""A scenario comparison as a Markdown or HTML report: the table and a bar chart (tonnes by
mode and unassigned, base next to the scenario), with the shared report renderers."""

from __future__ import annotations

from typing import Any

from freight.fleet.plan.report.blocks import Block, Figure, Heading, Para, table
from freight.fleet.plan.report.charts import PALETTE, _nice_ticks, _Svg, _y_axis
from freight.fleet.plan.report.html_page import to_html
from freight.fleet.plan.report.markdown import to_markdown

_BARS = (("rail", "rail t"), ("road", "road t"), ("unassigned", "unassigned t"))


def _tonnes(side: dict[str, Any], key: str) -> float:
    return float(side["unassigned_tonnes"] if key == "unassigned" else side["tonnes_by_mode"][key])


def svg_comparison(out: dict[str, Any]) -> str:
    """Grouped bars: rail, road and unassigned Mt of the base and of the scenario."""
    sides = (out["base"], out["other"])
    vmax = max(_tonnes(s, k) for s in sides for k, _ in _BARS) / 1e6
    ticks = _nice_ticks(vmax or 1.0)
    svg = _Svg(460, 260, "tonnes by mode, base and scenario")
    x0, y0, y1 = 60.0, 220.0, 30.0
    _y_axis(svg, x0, y0, y1, ticks, "Mt")
    for g, (key, label) in enumerate(_BARS):
        gx = x0 + 20 + g * 130
        for k, side in enumerate(sides):
            v = _tonnes(side, key) / 1e6
            h = (y0 - y1) * v / (ticks[-1] or 1.0)
            svg.rect(gx + k * 45, y0 - h, 40, h, PALETTE[k], f"{side['label']}: {v:.3f} Mt")
        svg.text(gx + 42, y0 + 16, label, anchor="middle")
    for k, side in enumerate(sides):
        svg.rect(300, 30 + 16 * k, 10, 10, PALETTE[k])
        svg.text(315, 39 + 16 * k, str(side["label"]))
    return svg.done()


def report_blocks(out: dict[str, Any]) -> list[Block]:
    b, o, d = out["base"], out["other"], out["delta"]

    def row(label: str, x: float, y: float, z: float, f: str) -> list[str]:
        return [label, format(x, f), format(y, f), format(z, "+" + f)]

    rows = [
        row(
            "rail t",
            b["tonnes_by_mode"]["rail"],
            o["tonnes_by_mode"]["rail"],
            d["rail_tonnes"],
            ",.0f",
        ),
        row(
            "road t",
            b["tonnes_by_mode"]["road"],
            o["tonnes_by_mode"]["road"],
            d["road_tonnes"],
            ",.0f",
        ),
        row("rail share", b["rail_share"], o["rail_share"], d["rail_share"], ".4f"),
        row(
            "unassigned t",
            b["unassigned_tonnes"],
            o["unassigned_tonnes"],
            d["unassigned_tonnes"],
            ",.0f",
        ),
        row("cost CNY", b["cost_cny"], o["cost_cny"], d["cost_cny"], ",.0f"),
        row("CO2 t", b["co2_t"], o["co2_t"], d["co2_t"], ",.1f"),
    ]
    return [
        Heading(1, f"Scenario comparison {out['year']}: {b['label']} vs {o['label']}"),
        table(["", b["label"], o["label"], "change"], rows, [False, True, True, True]),
        Para(f"Bottlenecks: {', '.join(b['bottlenecks'][:3]) or '–'} → "
             f"{', '.join(o['bottlenecks'][:3]) or '–'}."),
        Figure(svg_comparison(out), "Tonnes by mode and unassigned, base and scenario"),
    ]  # fmt: skip


def render(out: dict[str, Any], fmt: str) -> str:
    """``fmt`` "md" or "html"."""
    blocks = report_blocks(out)
    return to_markdown(blocks) if fmt == "md" else to_html(blocks, "Scenario comparison")
