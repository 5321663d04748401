"""Read JSON into frozen dataclasses by their type hints, naming the path of each bad field.

One rule per annotation: ``str`` a non-empty string, ``int`` an integer >= 0 (or the
field's ``minimum`` metadata), ``float`` a finite number (``positive`` metadata: > 0),
``bool``, a ``Literal`` of strings, ``tuple[X, ...]`` a list, ``Mapping`` an object
(``Mapping[str, X]``: each value read as ``X``), a nested dataclass an object. ``X | None``
may be null; a field with a default may be absent. A field's ``alias`` metadata is its JSON
name. Unknown keys are ignored (the contract lets answers grow). Every problem is collected
by a :class:`~freight.jsonread.JsonReader`; the caller raises them together.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from typing import Any

from freight.jsonread import JsonReader, describe, key_path

__all__ = ["read_dataclass"]

_MISSING = object()


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None``, else ``(tp, False)``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def read_dataclass(r: JsonReader, cls: type, raw: Any, path: str) -> Any:
    """An instance of dataclass ``cls`` from the JSON object ``raw`` at ``path``.

    ``None`` when anything inside was bad (the issues are in ``r``).
    """
    obj = r.obj(raw, path)
    if obj is None:
        return None
    before = r.count
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        name = f.metadata.get("alias", f.name)
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        value = _read_field(r, f, _hints(cls)[f.name], obj, name, path, has_default)
        if value is not _MISSING:
            kwargs[f.name] = value
    if r.count > before:
        return None
    return cls(**kwargs)


def _read_field(
    r: JsonReader,
    f: dataclasses.Field[Any],
    hint: Any,
    obj: Mapping[str, Any],
    name: str,
    path: str,
    has_default: bool,
) -> Any:
    tp, nullable = _split_optional(hint)
    loc = key_path(path, name)
    if name not in obj or (obj[name] is None and not nullable):
        if has_default:
            return _MISSING
        r.add(loc, f"required {_kind(tp)}")
        return _MISSING
    v = obj[name]
    if v is None:
        return None
    return _read_value(r, f, tp, v, loc)


def _kind(tp: Any) -> str:
    if dataclasses.is_dataclass(tp) or tp is Mapping or typing.get_origin(tp) is Mapping:
        return "object"
    if typing.get_origin(tp) is tuple:
        return "list"
    return {str: "non-empty string", int: "integer", float: "number", bool: "true or false"}.get(
        tp, "value"
    )


def _read_value(r: JsonReader, f: dataclasses.Field[Any], tp: Any, v: Any, loc: str) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        allowed = typing.get_args(tp)
        if v not in allowed:
            r.add(loc, f"must be {' or '.join(repr(a) for a in allowed)}, got {describe(v)}")
        return v
    if origin is tuple:
        (item,) = [a for a in typing.get_args(tp) if a is not Ellipsis]
        return tuple(_read_value(r, f, item, x, f"{loc}[{i}]") for i, x in enumerate(r.arr(v, loc)))
    if tp is Mapping or origin is Mapping:
        m = r.obj(v, loc)
        if m is None:
            return None
        args = typing.get_args(tp)
        if not args or args[1] is Any:
            return dict(m)
        return {k: _read_value(r, f, args[1], x, key_path(loc, k)) for k, x in m.items()}
    if dataclasses.is_dataclass(tp):
        return read_dataclass(r, typing.cast(type, tp), v, loc)
    return _read_scalar(r, f, tp, v, loc)


def _read_scalar(r: JsonReader, f: dataclasses.Field[Any], tp: Any, v: Any, loc: str) -> Any:
    """The rules of :class:`~freight.jsonread.JsonReader` for one value."""
    if tp is str:
        if f.metadata.get("joins_list") and isinstance(v, list):
            if all(isinstance(x, str) for x in v):
                return ", ".join(v) or None
        elif isinstance(v, str) and v.strip():
            return v
        r.add(loc, f"expected a non-empty string, got {describe(v)}")
    elif tp is bool:
        if isinstance(v, bool):
            return v
        r.add(loc, f"expected true or false, got {describe(v)}")
    elif tp is int:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            r.add(loc, f"expected an integer, got {describe(v)}")
        elif v < (minimum := f.metadata.get("minimum", 0)):
            r.add(loc, f"must be >= {minimum}, got {v}")
        else:
            return v
    elif tp is float:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            r.add(loc, f"expected a finite number, got {describe(v)}")
        elif f.metadata.get("positive") and v <= 0:
            r.add(loc, f"must be > 0, got {v:g}")
        else:
            return float(v)
    else:
        raise TypeError(f"no JSON rule for {tp!r}")  # a programming error in the model
    return None
