"""Planners' network scenarios: POST/GET/DELETE /v1/scenarios (role planner).

A scenario is a named patch (add / remove / update rows of nodes, links, services) on the
network of ``base_year``; it is validated like the data files before it is stored, every
problem named by its JSON path, and belongs to the key's organisation (others see it only
when ``shared``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.scenario_store import create_scenario, delete_scenario, get_scenario, list_scenarios
from api.security import Principal, require_role
from freight.network.scenario import apply_scenario, change_of

router = APIRouter(tags=["scenarios"], responses=problem_responses(401, 403, 404, 422, 429, 500))
planner = require_role("planner")

CellValue = str | float | int | bool | None


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op: Literal["add", "remove", "update"]
    table: Literal["nodes", "links", "services", "terminal_options"]
    id: str = Field(
        min_length=1,
        max_length=128,
        examples=["r_kuytun__kuqa", "kuytun_west:piggyback_ramp"],
        description="the row's id; terminal_options: node:option (node:option:from_year "
        "where a node has several rows of the option)",
    )
    values: dict[str, CellValue] = Field(
        default_factory=dict,
        max_length=40,
        description="column -> value, columns as in the network's CSV files",
        examples=[{"capacity_per_day": 40}],
    )


class ScenarioIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Kuqa railway doubled",
                    "base_year": 2035,
                    "changes": [
                        {
                            "op": "update",
                            "table": "links",
                            "id": "r_kuytun__kuqa",
                            "values": {"capacity_per_day": 40},
                        }
                    ],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    base_year: int = Field(ge=2000, le=2100)
    changes: list[ChangeIn] = Field(max_length=500)
    shared: bool = Field(False, description="visible to every organisation (read-only)")


class ScenarioOut(BaseModel):
    id: str
    name: str
    base_year: int
    shared: bool
    org: str
    changes: list[ChangeIn]
    created_by: str
    created_at: datetime


class ScenarioList(BaseModel):
    items: list[ScenarioOut]
    total: int


def _org(p: Principal) -> str | None:
    return None if p.role == "admin" else (p.org or p.name)


@router.post(
    "/v1/scenarios",
    status_code=201,
    response_model=ScenarioOut,
    operation_id="createScenario",
    summary="Store a network scenario (validated like the data files)",
)
def create(
    body: ScenarioIn, request: Request, response: Response, who: Principal = Depends(planner)
) -> ScenarioOut:
    changes = tuple(change_of(c.op, c.table, c.id, c.values) for c in body.changes)
    apply_scenario(body.base_year, changes)  # raises InputError naming $.changes[i]...
    stored = create_scenario(
        request.app.state.db, who.org or who.name, who.name, body.model_dump(mode="json")
    )
    response.headers["Location"] = f"/v1/scenarios/{stored['id']}"
    return ScenarioOut.model_validate(stored)


@router.get(
    "/v1/scenarios",
    response_model=ScenarioList,
    operation_id="listScenarios",
    summary="Scenarios of the key's organisation and shared ones",
)
def list_(request: Request, who: Principal = Depends(planner)) -> ScenarioList:
    items = [ScenarioOut.model_validate(r) for r in list_scenarios(request.app.state.db, _org(who))]
    return ScenarioList(items=items, total=len(items))


@router.get(
    "/v1/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    operation_id="getScenario",
    summary="One scenario",
)
def get(
    request: Request,
    scenario_id: str = Path(max_length=64),
    who: Principal = Depends(planner),
) -> ScenarioOut:
    return ScenarioOut.model_validate(get_scenario(request.app.state.db, _org(who), scenario_id))


@router.delete(
    "/v1/scenarios/{scenario_id}",
    status_code=204,
    operation_id="deleteScenario",
    summary="Delete a scenario of the key's organisation",
)
def delete(
    request: Request,
    scenario_id: str = Path(max_length=64),
    who: Principal = Depends(planner),
) -> Response:
    delete_scenario(request.app.state.db, _org(who), scenario_id)
    return Response(status_code=204)
