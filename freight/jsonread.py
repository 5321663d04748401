"""One reader for untrusted JSON: typed field access that collects issues with JSON paths.

The fleet problem (``freight.fleet.problem``), the fleet-plan report
(``freight.fleet.plan.report``) and the conversion scenario (``freight.conversion.scenario``)
all read caller-supplied JSON. ``JsonReader`` gives them one set of type rules (a bool is
not a number, numbers must be finite, an integral float is an integer) and one wording, and
collects every problem as a :class:`~freight.errors.FieldIssue` whose ``loc`` is a JSON path
(``$.vehicle_types[0].cost_per_hour_cny``), so the caller can report them all at once as an
:class:`~freight.errors.InputError`. Error messages describe a bad value by its kind
(``got a list``) and never echo long input strings back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from freight.errors import FieldIssue, FreightError, InputError, IssueCollector

__all__ = ["DEFAULT_MAX_ISSUES", "JsonReader", "at", "describe", "key_path"]

#: Issues kept per read; a hostile document cannot make the error unbounded.
DEFAULT_MAX_ISSUES = 50
_SHOWN_STRING_CHARS = 40


def key_path(path: str, key: str) -> str:
    """``$.a`` + ``b`` -> ``$.a.b`` (an empty ``path`` gives just ``b``)."""
    return f"{path}.{key}" if path else key


def at(path: str, index: int) -> str:
    """``$.a`` + 3 -> ``$.a[3]``."""
    return f"{path}[{index}]"


def describe(v: Any) -> str:
    """A short, safe description of a bad value for an error message (``a list``, ``'9h'``)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return f"the number {v!r}" if isinstance(v, int) or math.isfinite(v) else repr(v)
    if isinstance(v, str):
        if not v.strip():
            return "an empty string"
        if len(v) <= _SHOWN_STRING_CHARS:
            return f"the string {v!r}"
        return "a string"
    if isinstance(v, Mapping):
        return "an object"
    if isinstance(v, list | tuple):
        return "a list"
    return type(v).__name__


class JsonReader:
    """Typed access to JSON values; every problem is recorded at its path, nothing raises.

    Getters return ``None`` (or the given ``default``) for a missing or bad value, so the
    caller keeps reading and reports everything at the end with :meth:`raise_if_any`.
    ``required`` fields that are missing (or null) are reported as ``required <kind>``.
    """

    def __init__(self, *, max_issues: int = DEFAULT_MAX_ISSUES) -> None:
        self.issues = IssueCollector()
        self.max_issues = max_issues

    # -- issues ------------------------------------------------------------------------------

    def add(self, loc: str, message: str) -> None:
        """Record one issue (beyond ``max_issues`` they are dropped)."""
        if len(self.issues.issues) < self.max_issues:
            self.issues.add(loc, message)

    @property
    def count(self) -> int:
        """Issues recorded so far (to tell whether one part of the document was clean)."""
        return len(self.issues.issues)

    @property
    def first(self) -> FieldIssue | None:
        return self.issues.issues[0] if self.issues.issues else None

    def raise_if_any(self, message: str, error: type[FreightError] = InputError) -> None:
        """Raise ``error`` listing every issue, if there is any."""
        self.issues.raise_if_any(message, error)

    # -- containers --------------------------------------------------------------------------

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        """``value`` if it is an object."""
        if not isinstance(value, Mapping):
            self.add(path, f"expected an object, got {describe(value)}")
            return None
        return value

    def arr(self, value: Any, path: str) -> Sequence[Any]:
        """``value`` if it is a list, else ``()``."""
        if not isinstance(value, list | tuple):
            self.add(path, f"expected a list, got {describe(value)}")
            return ()
        return value

    def obj_field(
        self, o: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> Mapping[str, Any] | None:
        """The object at ``o[key]``; a missing or null optional one gives ``None``."""
        v = o.get(key)
        if v is None:
            if required:
                self.add(key_path(path, key), "required object")
            return None
        return self.obj(v, key_path(path, key))

    def array(
        self, o: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> Sequence[Any]:
        """The list at ``o[key]``; a missing or null optional one gives ``()``."""
        v = o.get(key)
        if v is None:
            if required:
                self.add(key_path(path, key), "required list")
            return ()
        return self.arr(v, key_path(path, key))

    # -- scalars -----------------------------------------------------------------------------

    def text(
        self, o: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> str | None:
        """A non-empty (not blank) string."""
        v = o.get(key)
        if v is None:
            if required:
                self.add(key_path(path, key), "required non-empty string")
            return None
        if not isinstance(v, str) or not v.strip():
            self.add(key_path(path, key), f"expected a non-empty string, got {describe(v)}")
            return None
        return v

    def integer(
        self,
        o: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        minimum: int | None = 0,
    ) -> int | None:
        """An integer (``3.0`` counts) of at least ``minimum``."""
        v = o.get(key)
        if v is None:
            if required:
                self.add(key_path(path, key), "required integer")
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            self.add(key_path(path, key), f"expected an integer, got {describe(v)}")
            return None
        if minimum is not None and v < minimum:
            self.add(key_path(path, key), f"must be >= {minimum}, got {v}")
            return None
        return v

    def number(
        self,
        o: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        default: float | None = None,
        nullable: bool = False,
        minimum: float | None = None,
    ) -> float | None:
        """A finite number of at least ``minimum``.

        Missing (or null unless ``nullable``): ``default`` if given, else an issue when
        ``required``. A null in a ``nullable`` field reads as ``None``. A bad value records
        an issue and gives ``default``.
        """
        v = o.get(key)
        if v is None and (key not in o or not nullable):
            if default is None and required:
                self.add(key_path(path, key), "required number")
            return default
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            self.add(key_path(path, key), f"expected a finite number, got {describe(v)}")
            return default
        if minimum is not None and v < minimum:
            self.add(key_path(path, key), f"must be >= {minimum:g}, got {v!r}")
            return default
        return float(v)

    def boolean(
        self,
        o: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        default: bool | None = None,
    ) -> bool | None:
        """``true`` or ``false``; missing or null gives ``default`` (an issue if required)."""
        v = o.get(key)
        if v is None:
            if default is None and required:
                self.add(key_path(path, key), "required true or false")
            return default
        if not isinstance(v, bool):
            self.add(key_path(path, key), f"expected true or false, got {describe(v)}")
            return default
        return v
