"""The report's blocks as Markdown (SVG charts inline; text escaped for HTML and Markdown)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from freight.fleet.plan.report.blocks import Block, Bullets, Heading, Para, Table

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#~!])")
_MD_LEADING = re.compile(r"^([-+>])(?=\s|$)|^(\d+)([.)])(?=\s|$)")


def _md(text: str) -> str:
    """One line of Markdown-safe text: HTML escaped, Markdown syntax backslash-escaped."""
    flat = " ".join(str(text).split())
    esc = _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    return esc


def _md_line(text: str) -> str:
    """Like :func:`_md`, also escaping what would start a list or quote at a line's start."""

    def fix(m: re.Match[str]) -> str:
        if m.group(1):
            return "\\" + m.group(1)
        return m.group(2) + "\\" + m.group(3)

    return _MD_LEADING.sub(fix, _md(text))


def to_markdown(blocks: Sequence[Block]) -> str:
    lines: list[str] = []
    fig = 0
    for b in blocks:
        if isinstance(b, Heading):
            lines += ["#" * b.level + " " + _md_line(b.text), ""]
        elif isinstance(b, Para):
            lines += [_md_line(b.text), ""]
        elif isinstance(b, Bullets):
            lines += ["- " + _md_line(item) for item in b.items] + [""]
        elif isinstance(b, Table):
            lines.append("| " + " | ".join(_md(h) for h in b.header) + " |")
            lines.append("|" + "|".join("---:" if n else "---" for n in b.numeric) + "|")
            for r in b.rows:
                lines.append("| " + " | ".join(_md(c) if c else " " for c in r) + " |")
            lines.append("")
        else:
            fig += 1
            lines += [b.svg, "", f"*Figure {fig}. {_md(b.caption)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
