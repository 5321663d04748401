"""The web page's fleet-plan view reads the typed plan model's fields, and nothing else.

The view (``web/src/views.js``) is plain JavaScript, so nothing checks its field names at
build time; this test reads the fleet-plan section of the source and checks every plan
field it reads against the JSON schema of :class:`~freight.fleet.plan.model.FleetPlan` /
``FleetPlanSet`` (the same schema the OpenAPI document publishes). Renaming a model field
without updating the view fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from freight.fleet.plan.model import FleetPlan, FleetPlanSet

VIEWS = Path(__file__).resolve().parents[2] / "web" / "src" / "views.js"
#: Variables of the view that hold (parts of) a plan, and what part.
PLAN_VARS = ("r", "p", "last", "pol", "v", "c", "d", "x", "cost")
#: Names the view reads that are not plan fields: JS built-ins, the job result's report,
#: rows the view builds itself (label/value/note), and the page context.
NOT_PLAN = {
    "length", "map", "filter", "reduce", "find", "flatMap", "some", "sort", "join",
    "indexOf", "entries", "keys", "push", "report_md", "label", "value", "note", "jobId",
    "querySelector", "addEventListener", "innerHTML", "textContent", "disabled", "message",
}  # fmt: skip


def _fleet_section() -> str:
    text = VIEWS.read_text(encoding="utf-8")
    start = re.search(r"^// -+ fleet plan$", text, flags=re.M)
    end = re.search(r"^// -+ conversion plan$", text, flags=re.M)
    assert start is not None and end is not None, "views.js lost its section markers"
    return text[start.start() : end.start()]


def _schema_fields() -> set[str]:
    schema = TypeAdapter(FleetPlan | FleetPlanSet).json_schema(by_alias=True)
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return names


def _read_by_view(src: str) -> set[str]:
    """Plan fields the view reads: ``p.year``, ``pol.note``, column keys, ``sumBy`` keys."""
    names = set()
    for var in PLAN_VARS:
        names |= set(re.findall(rf"(?<![\w.]){var}\??\.(\w+)", src))
    names |= set(re.findall(r"\bcost\.(\w+)", src))  # last.cost.total_cny_per_year
    names |= set(re.findall(r"\|\| \{\}\)\.(\w+)", src))  # (p.policy || {}).note
    names |= set(re.findall(r"\bkey: \"(\w+)\"", src))
    names |= set(re.findall(r"sumBy\(\w+, \"(\w+)\", \"(\w+)\"\)", src)[0])
    names |= set(re.findall(r"\[\"[\w ]+\", \"(\w+)\"\](?!\.)", src))  # [title, field] pairs
    return names - NOT_PLAN


def test_every_field_the_fleet_view_reads_is_in_the_model_schema() -> None:
    src = _fleet_section()
    read = _read_by_view(src)
    # the parse found the view's reads (a broken regex must not pass vacuously)
    assert {"vehicles_per_charger", "planned_new_energy_vehicles", "peak_kw", "daily_check",
            "duty_lower_bound", "battery_kwh", "total_cny_per_year"} <= read  # fmt: skip
    computed = {"year", "total"} | {"k", "v"}  # rows the view builds: year/total, cost k/v
    unknown = sorted(read - _schema_fields() - computed)
    assert not unknown, f"views.js reads fields the fleet-plan model does not have: {unknown}"


def test_the_check_catches_a_renamed_field() -> None:
    """The same check fails on a view that reads a field the model lacks."""
    src = _fleet_section().replace("p.vehicles_per_charger", "p.vehicles_per_plug")
    assert "vehicles_per_plug" in _read_by_view(src) - _schema_fields()


def test_the_view_recognises_a_plan_by_its_kind() -> None:
    text = VIEWS.read_text(encoding="utf-8")
    kinds = {a.__dataclass_fields__["kind"].default for a in (FleetPlan, FleetPlanSet)}
    for kind in kinds:
        assert f'r.kind === "{kind}"' in text
