"""``?year=`` and ``?scenario=``: the network a job or a live request runs on.

The job runner works without the database, so the stored scenario is resolved here, at
submission, where the key's organisation is known: the job's parameters get the network
year and the scenario's patch (``network_scenario``: id, base year, changes). An unknown
scenario, or another organisation's, is 404 as for ``POST /v1/routes``. Requests answered
at once (capacity, matching rounds) take the network itself from ``network_for``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.routes.routes import routing_index, scenario_index
from api.routes.scenarios import ChangeIn
from api.scenario_store import get_scenario
from api.security import Principal
from freight.clock import current_year
from freight.network.model import Network


class NetworkScenarioIn(BaseModel):
    """A stored scenario as a job runs it (set from ``?scenario=`` at submission)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    base_year: int = Field(ge=2000, le=2100)
    changes: list[ChangeIn] = Field(max_length=500)


YEAR_QUERY = Query(
    None,
    ge=2000,
    le=2100,
    examples=[2035],
    description="network year: the network the plan has built by this year (works.csv); "
    "default: the current year (Beijing time), or the scenario's base year",
)
SCENARIO_QUERY = Query(
    None,
    max_length=64,
    description="id of a stored scenario (POST /v1/scenarios) of the caller's organisation "
    "or a shared one, to run on",
)


def network_params(
    request: Request, who: Principal, year: int | None, scenario: str | None
) -> dict[str, Any]:
    """The job parameters that pin its network: ``network_year`` and ``network_scenario``."""
    out: dict[str, Any] = {}
    if year is not None:
        out["network_year"] = year
    if scenario is not None:
        org = None if who.role == "admin" else (who.org or who.name)
        sc = get_scenario(request.app.state.db, org, scenario)  # 404 when not visible
        out["network_scenario"] = {
            "id": sc["id"],
            "base_year": sc["base_year"],
            "changes": sc["changes"],
        }
    return out


def network_for(
    request: Request, who: Principal, year: int | None, scenario: str | None
) -> Network:
    """The network of ``year`` a request answered at once runs on: the shipped network's
    (``year`` None: the current year's), or with ``scenario`` that stored scenario's on
    ``year`` (None: its base year), visible to the caller, else 404. Both are built once
    per process (and year) and shared with route queries."""
    if scenario is None:
        return routing_index(current_year() if year is None else year).network
    return scenario_index(request, who, scenario, year).network
