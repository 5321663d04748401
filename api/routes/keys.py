"""Key administration over HTTP (admin role): create, list, revoke."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.security import KeyInfo, Principal, create_key, list_keys, require_role, revoke_key

router = APIRouter(tags=["keys"], responses=problem_responses(401, 403, 404, 422, 429, 500))
admin = require_role("admin")
Role = Literal["operator", "planner", "platform", "admin"]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(min_length=1, max_length=128, pattern=r"\S")
    org: str | None = Field(
        None, min_length=1, max_length=128, pattern=r"\S",
        description="organisation whose bookings the key sees (default: name)",
    )  # fmt: skip


class KeyOut(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str = Field(description="first characters of the key, to recognise it")
    created_at: datetime
    revoked_at: datetime | None
    org: str = Field("", description="organisation whose bookings the key sees")


class KeyCreated(KeyOut):
    key: str = Field(description="the secret; shown only in this answer")


@router.post("/v1/keys", status_code=201, response_model=KeyCreated, summary="Create a key")
def create(request: Request, body: KeyCreate, _: Principal = Depends(admin)) -> KeyCreated:
    info, secret = create_key(request.app.state.db, body.role, body.name, body.org)
    return KeyCreated(**_asdict(info), key=secret)


@router.get("/v1/keys", response_model=list[KeyOut], summary="List keys")
def list_(request: Request, _: Principal = Depends(admin)) -> list[KeyOut]:
    return [KeyOut(**_asdict(k)) for k in list_keys(request.app.state.db)]


@router.delete("/v1/keys/{key_id}", response_model=KeyOut, summary="Revoke a key")
def revoke(
    request: Request,
    key_id: int = Path(ge=1, le=2**31 - 1),
    _: Principal = Depends(admin),
) -> KeyOut:
    return KeyOut(**_asdict(revoke_key(request.app.state.db, key_id)))


def _asdict(info: KeyInfo) -> dict[str, Any]:
    return asdict(info)
