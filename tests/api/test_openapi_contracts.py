"""The published contract: every /v1 operation has a short stable operationId, and every
JSON request body and 2xx JSON response is a named, fully typed schema.

Free-form values are allowed only where the schema says so in its description
("free-form"), so a generated client never gets an unexplained ``dict``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

JSON_TYPES = ("application/json", "application/geo+json")
#: Open objects owned by another area, listed (with the owner) until they are typed; the
#: test fails once an entry is no longer found, so the list can only shrink.
KNOWN_GAPS: dict[str, str] = {}
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]{2,39}$")


def untyped(doc: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Every place under ``schema`` that a client could only type as ``Any``/``dict``."""
    if "free-form" in str(schema.get("description", "")).lower() or where in KNOWN_GAPS:
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return untyped(doc, doc["components"]["schemas"][name], name, seen)
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for k, sub in enumerate(schema.get(key, [])):
            found += untyped(doc, sub, f"{where}|{k}", seen)
    if any(key in schema for key in ("anyOf", "oneOf", "allOf", "const", "enum")):
        return found
    kind = schema.get("type")
    if kind is None:
        return [f"{where}: no type (Any)"]
    if kind == "array":
        for k, sub in enumerate(schema.get("prefixItems", [])):
            found += untyped(doc, sub, f"{where}[{k}]", seen)
        items = schema.get("items", {} if found or "prefixItems" in schema else None)
        if items == {} and "prefixItems" in schema:
            return found
        if not items:
            return [f"{where}: array of Any"]
        return untyped(doc, items, f"{where}[]", seen)
    if kind == "object":
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            found.append(f"{where}: open object (dict[str, Any])")
        elif isinstance(extra, dict):
            found += untyped(doc, extra, f"{where}{{}}", seen)
        elif not props:
            found.append(f"{where}: object without properties")
        for name, sub in props.items():
            found += untyped(doc, sub, f"{where}.{name}", seen)
    return found


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if path.startswith("/v1")
    ]


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    from api.main import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url="sqlite://", seed_network=False, run_jobs=False))
    return app.openapi()


def test_operation_ids_are_short_stable_and_unique(doc: dict[str, Any]) -> None:
    ids = [op.get("operationId", "") for _, _, op in operations(doc)]
    bad = [f"{m} {p}: {op.get('operationId')}" for m, p, op in operations(doc)
           if not OPERATION_ID.match(op.get("operationId", ""))]  # fmt: skip
    head = "operationIds must be short camelCase (api/main.py OPERATION_IDS):\n"
    assert not bad, head + "\n".join(bad)
    assert len(ids) == len(set(ids))


def test_schema_names_are_plain_and_unique(doc: dict[str, Any]) -> None:
    """Two models with one class name in different modules get module-qualified component
    names (``api__routes__x__Name``), which generated clients mangle or drop."""
    names = list(doc["components"]["schemas"])
    qualified = [n for n in names if "__" in n]
    assert not qualified, f"rename the colliding models: {qualified}"


def test_every_body_is_a_named_typed_schema(doc: dict[str, Any]) -> None:
    problems: list[str] = []
    for method, path, op in operations(doc):
        bodies = [("request", op.get("requestBody", {}).get("content", {}))]
        bodies += [(code, r.get("content", {})) for code, r in op["responses"].items()
                   if code.startswith("2")]  # fmt: skip
        for label, content in bodies:
            for ctype, media in content.items():
                if ctype not in JSON_TYPES:
                    continue
                schema = media.get("schema") or {}
                named = (
                    "$ref" in schema
                    or "$ref" in schema.get("items", {})
                    or any("$ref" in s for s in schema.get("oneOf", []) + schema.get("anyOf", []))
                )
                if not named:
                    problems.append(f"{method} {path} {label} {ctype}: not a named schema")
                    continue
                problems += [f"{method} {path} {label}: {u}"
                             for u in untyped(doc, schema, "body", set())]  # fmt: skip
    assert not problems, "untyped bodies in /v1/openapi.json:\n" + "\n".join(problems)


def test_known_gaps_still_exist(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    for gap in KNOWN_GAPS:
        model, field = gap.split(".")
        prop = schemas.get(model, {}).get("properties", {}).get(field)
        assert prop is not None and untyped(doc, prop, "gap", set()), f"{gap} is typed: unlist it"
