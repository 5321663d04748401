"""API keys and roles: hashed at rest, Bearer auth, and ``require_role`` for routes.

Roles: ``operator`` (route queries), ``planner`` (plans and jobs), ``platform`` (everything
but key administration), ``admin`` (everything). ``require_role("planner")`` admits planner,
platform and admin keys; ``require_role("admin")`` admits only admin keys.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Depends, Request
from sqlalchemy import bindparam, select

from api.db import ApiKey, Database, as_utc, utcnow
from api.errors import ApiError
from freight.errors import InputError, NotFoundError

ROLES = ("operator", "planner", "platform", "admin")
KEY_PREFIX = "kfo_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an API key (id, name, role) or anonymous (key_id None)."""

    key_id: int | None
    name: str
    role: str | None
    org: str | None = None  # the organisation whose bookings the key sees (admin: all)

    @property
    def is_anonymous(self) -> bool:
        return self.key_id is None

    @property
    def scope(self) -> str:
        """Idempotency and ownership scope: one per key, one shared by anonymous callers."""
        return f"key:{self.key_id}" if self.key_id is not None else "anonymous"

    def has_role(self, *roles: str) -> bool:
        if self.role is None:
            return False
        if self.role == "admin":
            return True
        if self.role == "platform":
            return any(r != "admin" for r in roles)
        return self.role in roles


ANONYMOUS = Principal(None, "anonymous", None)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    org: str = ""


def _info(row: ApiKey) -> KeyInfo:
    created = as_utc(row.created_at)
    assert created is not None
    return KeyInfo(
        row.id, row.name, row.role, row.prefix, created, as_utc(row.revoked_at),
        row.org or row.name,
    )  # fmt: skip


def create_key(db: Database, role: str, name: str, org: str | None = None) -> tuple[KeyInfo, str]:
    """Create a key; returns its info and the secret (shown once, stored only hashed).

    ``org`` is the organisation whose bookings the key sees (default: ``name``).
    """
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    name = name.strip()
    if not name or len(name) > 128:
        raise InputError("name must be 1..128 characters")
    org = (org if org is not None else name).strip()
    if not org or len(org) > 128:
        raise InputError("org must be 1..128 characters")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.write() as s:
        row = ApiKey(name=name, role=role, prefix=secret[:10], key_sha256=hash_key(secret), org=org)
        s.add(row)
        s.flush()
        info = _info(row)
    return info, secret


def list_keys(db: Database) -> list[KeyInfo]:
    with db.read() as s:
        return [_info(r) for r in s.scalars(select(ApiKey).order_by(ApiKey.id))]


def revoke_key(db: Database, key_id: int) -> KeyInfo:
    with db.write() as s:
        row = s.get(ApiKey, key_id)
        if row is None:
            raise NotFoundError(f"no API key with id {key_id}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        s.flush()
        return _info(row)


#: The key lookup of every authenticated request: built once, only the columns it needs.
_KEYS = ApiKey.__table__.c
_KEY_BY_HASH = select(_KEYS.id, _KEYS.name, _KEYS.role, _KEYS.org, _KEYS.revoked_at).where(
    _KEYS.key_sha256 == bindparam("sha256")
)


def authenticate(db: Database, authorization: str | None) -> Principal:
    """Resolve an ``Authorization`` header; anonymous when absent, 401 when wrong."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "Authorization must be 'Bearer <API key>'",
            headers={"WWW-Authenticate": 'Bearer realm="freight"'},
        )
    with db.lookup() as conn:
        row = conn.execute(_KEY_BY_HASH, {"sha256": hash_key(token)}).first()
    if row is None or row.revoked_at is not None:
        raise ApiError(
            401,
            "unknown or revoked API key",
            headers={"WWW-Authenticate": 'Bearer realm="freight", error="invalid_token"'},
        )
    return Principal(row.id, row.name, row.role, row.org or row.name)


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller (anonymous allowed)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    db: Database = request.app.state.db
    principal = authenticate(db, request.headers.get("authorization"))
    request.state.principal = principal
    return principal


def require_role(*roles: str) -> Callable[[Principal], Principal]:
    """FastAPI dependency factory: 401 without a key, 403 when its role is not allowed.

    The dependency carries ``freight_roles`` (read by the OpenAPI document's ``x-roles``).
    """
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise ValueError(f"require_role: unknown roles {unknown} (known: {ROLES})")

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.is_anonymous:
            raise ApiError(
                401,
                "this endpoint needs an API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": 'Bearer realm="freight"'},
            )
        if not principal.has_role(*roles):
            raise ApiError(
                403,
                f"role {principal.role!r} may not do this (needs one of: {', '.join(roles)})",
            )
        return principal

    setattr(dependency, "freight_roles", tuple(roles))  # noqa: B010 - a function attribute
    return dependency
