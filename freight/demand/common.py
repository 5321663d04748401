"""Helpers shared by the demand generators: year check, seeded RNG, CSV rendering."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable

from freight.demand import assumptions as A


def check_year(year: int, first: int = A.FIRST_YEAR) -> None:
    """Raise ``ValueError`` unless ``first <= year <= 2035``."""
    if not isinstance(year, int) or not first <= year <= A.LAST_YEAR:
        raise ValueError(f"year must be within {first}..{A.LAST_YEAR}, got {year!r}")


def rng_for(seed: int, *parts: object) -> random.Random:
    """A ``random.Random`` seeded with ``seed|part|part…`` (independent streams per key)."""
    return random.Random("|".join(str(p) for p in (seed, *parts)))


def norm(weights: Iterable[float]) -> tuple[float, ...]:
    """Weights scaled to sum to 1."""
    w = tuple(float(x) for x in weights)
    total = sum(w)
    return tuple(x / total for x in w)


def num(x: float, digits: int) -> str:
    """Fixed-decimal text of a number (the CSV files' only number format)."""
    return f"{x:.{digits}f}"


def render(columns: tuple[str, ...], rows: Iterable[Iterable[object]]) -> str:
    """CSV text with a header row and ``\\n`` line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()
