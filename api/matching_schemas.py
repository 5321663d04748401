"""Answers of the matching endpoints (shared with the job result union in api/jobs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PlanStepOut(BaseModel):
    load: str
    pickup_at: str
    deliver_at: str
    empty_km: float
    loaded_km: float


class AssignmentOut(BaseModel):
    id: str
    vehicle: str
    loads: list[str]
    plan: list[PlanStepOut]
    empty_km: float
    loaded_km: float
    cost_cny: float
    revenue_cny: float
    status: str = "proposed"


class UnmatchedOut(BaseModel):
    load: str
    reason: str
    detail: str


class KpisOut(BaseModel):
    loads: int
    matched: int
    empty_km: float
    loaded_km: float
    empty_share: float
    trucks_used: int
    cost_cny: float
    revenue_cny: float


class MatchingRoundResult(BaseModel):
    """A matching round's plan (also the result of a ``matching-round`` job)."""

    assignments: list[AssignmentOut]
    unmatched: list[UnmatchedOut]
    kpis: KpisOut
    method: str
    objective: str
    bound_matched: int | None = Field(
        None, description="proven optimum of matched loads (exact method only)"
    )
    wall_s: float
    network_year: int | None = Field(None, description="the network year the round ran on")
    network_scenario: str | None = Field(
        None, description="id of the stored scenario the round ran on, if any"
    )


class RoundOut(MatchingRoundResult):
    """A matching round as stored: its plan after claiming, with the round's id."""

    id: str
    status: Literal["done"] = "done"
