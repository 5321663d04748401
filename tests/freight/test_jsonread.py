"""The shared JSON reader: type rules, JSON paths, defaults and the issue cap."""

from __future__ import annotations

from typing import Any

import pytest

from freight.errors import DataError, InputError
from freight.jsonread import JsonReader, at, describe, key_path


def read(method: str, value: Any, **kw: Any) -> tuple[Any, list[tuple[str, str]]]:
    r = JsonReader()
    out = getattr(r, method)({"x": value}, "x", "$.a[0]", **kw)
    return out, [(i.loc, i.message) for i in r.issues.issues]


@pytest.mark.parametrize(
    ("method", "value", "kw", "expected", "issue"),
    [
        ("number", 2, {}, 2.0, None),
        ("number", True, {}, None, "expected a finite number, got a boolean"),
        ("number", float("nan"), {}, None, "expected a finite number, got nan"),
        ("number", "3", {}, None, "expected a finite number, got the string '3'"),
        ("number", -1, {"minimum": 0.0}, None, "must be >= 0, got -1"),
        ("number", -1, {"minimum": 0.0, "default": 5.0}, 5.0, "must be >= 0, got -1"),
        ("number", None, {}, None, "required number"),
        ("number", None, {"nullable": True}, None, None),
        ("number", None, {"default": 7.0}, 7.0, None),
        ("integer", 3.0, {}, 3, None),
        ("integer", 1.5, {}, None, "expected an integer, got the number 1.5"),
        ("integer", False, {}, None, "expected an integer, got a boolean"),
        ("integer", 0, {"minimum": 1}, None, "must be >= 1, got 0"),
        ("integer", None, {"required": False}, None, None),
        ("text", "  ", {}, None, "expected a non-empty string, got an empty string"),
        ("text", "x" * 500, {}, None, None),
        ("text", 5, {}, None, "expected a non-empty string, got the number 5"),
        ("text", None, {}, None, "required non-empty string"),
        ("boolean", "no", {}, None, "expected true or false, got the string 'no'"),
        ("boolean", None, {"default": False}, False, None),
        ("boolean", None, {}, None, "required true or false"),
        ("array", {"a": 1}, {}, (), "expected a list, got an object"),
        ("array", None, {}, (), "required list"),
        ("array", None, {"required": False}, (), None),
        ("obj_field", [1], {}, None, "expected an object, got a list"),
        ("obj_field", None, {"required": False}, None, None),
    ],
)
def test_type_rules_and_messages(
    method: str, value: Any, kw: dict[str, Any], expected: Any, issue: str | None
) -> None:
    out, issues = read(method, value, **kw)
    if expected is None and issue is None and method == "text":
        expected = value
    assert out == expected
    assert issues == ([] if issue is None else [("$.a[0].x", issue)])


def test_missing_key_is_like_null_but_null_can_be_a_value() -> None:
    r = JsonReader()
    assert r.number({}, "k", "$", nullable=True) is None
    assert r.count == 1 and r.first is not None and r.first.loc == "$.k"
    assert r.number({"k": None}, "k", "$", nullable=True) is None
    assert r.count == 1


def test_long_strings_are_not_echoed() -> None:
    assert describe("x" * 41) == "a string"
    assert describe("short") == "the string 'short'"
    assert describe([1]) == "a list" and describe(None) == "null"


def test_paths() -> None:
    assert key_path(at("$.vehicle_types", 0), "cost_per_hour_cny") == (
        "$.vehicle_types[0].cost_per_hour_cny"
    )
    assert key_path("", "meta") == "meta"


def test_raises_input_error_listing_every_issue_up_to_the_cap() -> None:
    r = JsonReader(max_issues=3)
    r.raise_if_any("nothing wrong")  # no issues: no error
    for k in range(5):
        r.integer({"n": "x"}, "n", at("$.items", k))
    with pytest.raises(InputError) as err:
        r.raise_if_any("bad items")
    assert [i.loc for i in err.value.issues] == ["$.items[0].n", "$.items[1].n", "$.items[2].n"]
    assert "$.items[2].n: expected an integer, got the string 'x'" in str(err.value)
    with pytest.raises(DataError):
        r.raise_if_any("bad data file", DataError)
