"""Number and value formatting of the report (a dash for a missing value)."""

from __future__ import annotations

import json
from typing import Any


def fmt_num(x: float | int | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def fmt_int(x: int | None) -> str:
    return "–" if x is None else f"{x:,}"


def fmt_cny(x: float | None) -> str:
    if x is None:
        return "–"
    if float(x).is_integer() or abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:,.2f}"  # small sums (sampled runs) keep their fen


def fmt_ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def fmt_pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def fmt_yes(ok: bool | None, yes: str = "yes", no: str = "NO") -> str:
    return "–" if ok is None else (yes if ok else no)


def fmt_plain(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, int | float):
        return fmt_num(v)
    try:
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(v)
