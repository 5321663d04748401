"""Markdown and HTML report of a fleet plan, with hand-written inline SVG charts.

``render_report(plan)`` takes a :class:`~freight.fleet.plan.model.FleetPlan` or
``FleetPlanSet`` (or their JSON, read by the model) and returns Markdown: a summary against
the plan's policy (3,000 new-energy vehicles by 2035, at most 4 plug-in vehicles per charger,
refrigerated share at least 0.5 %, overnight energy), the cost table, per-year fleet and
charger tables, and three SVG charts. ``render_report_html(plan)`` gives a self-contained
HTML page with the same content and the same SVGs. Both are deterministic (same input,
same bytes) and escape every string that comes from the input. Malformed JSON raises
:class:`~freight.errors.InputError` whose issues name the JSON path
(``$.plans[2].vehicles[0].count``).

Modules: ``view`` (the plan as the report reads it), ``document`` and ``tables`` (the
content as blocks), ``charts`` (SVG), ``markdown`` and ``html_page`` (the two renderings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freight.fleet.plan.model import FleetPlan, FleetPlanSet
from freight.fleet.plan.report.document import build_document, report_title
from freight.fleet.plan.report.html_page import to_html
from freight.fleet.plan.report.markdown import to_markdown
from freight.fleet.plan.report.view import read_report

__all__ = ["render_report", "render_report_html"]


def render_report(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> str:
    """Markdown report (with inline SVG charts) of a single- or multi-year fleet plan."""
    return to_markdown(build_document(read_report(result)))


def render_report_html(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> str:
    """A self-contained HTML page with the same content and charts as :func:`render_report`."""
    rep = read_report(result)
    return to_html(build_document(rep), report_title(rep))
