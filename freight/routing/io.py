"""JSON <-> ``RouteRequest``: one conversion point shared by the CLI and the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freight.clock import now_beijing, parse_time, to_beijing
from freight.errors import FieldIssue, InputError
from freight.network.model import CargoForm
from freight.routing.model import Cargo, Objective, RouteRequest, Unit


def _enum(cls: Any, value: Any, loc: str, issues: list[FieldIssue]) -> Any:
    try:
        return cls(str(value).lower())
    except ValueError:
        issues.append(FieldIssue(loc, f"{value!r} is not one of {[e.value for e in cls]}"))
        return None


def _time(value: Any, loc: str, issues: list[FieldIssue]) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_beijing(value)
    try:
        return parse_time(str(value))
    except ValueError:
        issues.append(FieldIssue(loc, f"{value!r} is not an ISO 8601 date-time"))
        return None


def request_from_dict(payload: dict[str, Any], *, now: datetime | None = None) -> RouteRequest:
    """Build a ``RouteRequest`` from the issue's JSON shape; errors name the JSON path."""
    issues: list[FieldIssue] = []
    cargo = payload.get("cargo") or {}
    if not isinstance(cargo, dict):
        raise InputError("invalid route query", issues=[FieldIssue("$.cargo", "must be an object")])
    for key in ("origin", "destination"):
        if not isinstance(payload.get(key), str) or not payload.get(key):
            issues.append(FieldIssue(f"$.{key}", "required node id"))
    for key in ("commodity", "form", "quantity"):
        if cargo.get(key) is None:
            issues.append(FieldIssue(f"$.cargo.{key}", "required"))
    if issues:
        raise InputError("invalid route query", issues=issues)
    form = _enum(CargoForm, cargo["form"], "$.cargo.form", issues)
    unit = _enum(Unit, cargo.get("unit", "t"), "$.cargo.unit", issues)
    objective = _enum(Objective, payload.get("objective") or "cost", "$.objective", issues)
    try:
        quantity = float(cargo["quantity"])
    except (TypeError, ValueError):
        issues.append(FieldIssue("$.cargo.quantity", "must be a number"))
        quantity = 0.0
    ready = _time(payload.get("ready_at"), "$.ready_at", issues)
    if ready is None and payload.get("ready_at") is None:
        ready = to_beijing(now) if now else now_beijing()
    due = _time(payload.get("due_by"), "$.due_by", issues)
    avoid = payload.get("avoid") or {}
    modes = avoid.get("modes") or [] if isinstance(avoid, dict) else []
    nodes = avoid.get("nodes") or [] if isinstance(avoid, dict) else []
    if issues or ready is None:
        raise InputError("invalid route query", issues=issues)
    return RouteRequest(
        origin=payload["origin"],
        destination=payload["destination"],
        cargo=Cargo(str(cargo["commodity"]).lower(), form, quantity, unit),
        ready_at=ready,
        due_by=due,
        objective=objective,
        alternatives=int(payload.get("alternatives") or 3),
        avoid_modes=frozenset(str(m) for m in modes),
        avoid_nodes=frozenset(str(n) for n in nodes),
        max_transfers=payload.get("max_transfers"),
    )
