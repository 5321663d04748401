"""GET /v1/health: liveness plus a database round trip."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from api.errors import ApiError, problem_responses

router = APIRouter(tags=["service"], responses=problem_responses(429, 500, 503))


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str
    network_nodes: int
    network_links: int


@router.get("/v1/health", response_model=Health, summary="Service health")
def health(request: Request) -> Health:
    db = request.app.state.db
    try:
        with db.read() as s:
            s.execute(text("SELECT 1"))
    except Exception as exc:  # the answer must say the DB is down, not crash
        raise ApiError(503, f"database unreachable: {type(exc).__name__}") from None
    snap = request.app.state.network
    return Health(
        status="ok",
        version=request.app.version,
        database=db.engine.dialect.name,
        network_nodes=snap.node_count if snap else 0,
        network_links=snap.link_count if snap else 0,
    )
