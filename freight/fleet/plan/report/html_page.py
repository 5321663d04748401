"""The report's blocks as a self-contained HTML page (inline CSS and SVG)."""

from __future__ import annotations

from collections.abc import Sequence

from freight.fleet.plan.report.blocks import Block, Bullets, Heading, Para, Table
from freight.fleet.plan.report.charts import xml_escape

_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.2em}"
    "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f3f3f3}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:1em 0}figcaption{font-style:italic;color:#555}"
    "svg{max-width:100%;height:auto}"
)


def to_html(blocks: Sequence[Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{xml_escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    fig = 0
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{xml_escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{xml_escape(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{xml_escape(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{xml_escape(h)}</th>" for h in b.header)
            body = "".join(
                "<tr>"
                + "".join(
                    f'<td class="n">{xml_escape(c)}</td>' if n else f"<td>{xml_escape(c)}</td>"
                    for c, n in zip(r, b.numeric, strict=True)
                )
                + "</tr>"
                for r in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            fig += 1
            caption = f"Figure {fig}. {xml_escape(b.caption)}"
            out.append(f"<figure>{b.svg}<figcaption>{caption}</figcaption></figure>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
