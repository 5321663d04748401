"""The report as a list of blocks (headings, paragraphs, lists, tables, figures).

The document is built once (``document``) and rendered to Markdown or HTML, so both carry
the same content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class Figure:
    svg: str
    caption: str


Block = Heading | Para | Bullets | Table | Figure


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> Table:
    return Table(tuple(header), tuple(tuple(r) for r in rows), tuple(numeric))


def columns(cols: Sequence[tuple[str, bool, bool]], rows: Sequence[Sequence[str]]) -> Table:
    """A table of the columns marked shown: ``cols`` are (header, numeric, shown)."""
    keep = [k for k, (_, _, shown) in enumerate(cols) if shown]
    return table(
        [cols[k][0] for k in keep],
        [[row[k] for k in keep] for row in rows],
        [cols[k][1] for k in keep],
    )
