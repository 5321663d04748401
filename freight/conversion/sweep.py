"""Sensitivity of the conversion plan: pool size, CO2 price or one terminal's capacity.

Each point re-solves the MIP; infeasible points are reported with what binds. The report
is a Markdown table plus a PNG chart (matplotlib, Agg backend).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from freight.conversion.model import Scenario
from freight.conversion.scenario import with_overrides
from freight.conversion.solve import plan_conversion
from freight.errors import InfeasibleError, InputError


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One sensitivity point: the parameter value and the plan's headline numbers."""

    value: float
    status: str
    objective_cny: float | None
    converted_share: float | None
    containers_teu: int | None
    co2_t: float | None
    binding: tuple[str, ...] = ()


def default_values(kind: str, sc: Scenario) -> list[float]:
    """Sensible sweep values for ``pool``, ``co2`` or ``capacity:<terminal>``."""
    if kind == "pool":
        top = sc.pool.max_owned_teu + sc.pool.max_leased_teu
        return [round(top * f) for f in (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0)]
    if kind == "co2":
        return [0.0, 50.0, 100.0, 200.0, 400.0, 800.0]
    if kind.startswith("capacity:"):
        return [0.0, 0.25, 0.5, 1.0, 1.5, 2.0]
    raise InputError(f"--sweep must be pool, co2 or capacity:<terminal>, got {kind!r}")


def run_sweep(
    sc: Scenario, kind: str, values: list[float] | None = None, time_limit_s: float = 20.0
) -> list[SweepPoint]:
    """Re-solve the plan for each value of the swept parameter."""
    values = values if values is not None else default_values(kind, sc)
    points = []
    for v in values:
        if kind == "pool":
            variant = with_overrides(sc, pool_max_teu=int(v))
        elif kind == "co2":
            variant = with_overrides(sc, co2_price_cny_per_t=v)
        elif kind.startswith("capacity:"):
            variant = with_overrides(sc, terminal_scale=(kind.split(":", 1)[1], v))
        else:
            default_values(kind, sc)  # raises the InputError
            raise AssertionError("unreachable")
        try:
            p = plan_conversion(variant, time_limit_s=time_limit_s, baselines=False)
        except InfeasibleError as exc:
            points.append(SweepPoint(v, "infeasible", None, None, None, None, exc.binding))
            continue
        points.append(
            SweepPoint(
                v,
                p.status,
                p.objective_cny,
                p.kpis["converted_share"],
                p.containers_teu,
                p.kpis["co2_t"],
            )
        )
    return points


def _label(kind: str) -> str:
    if kind == "pool":
        return "max pool, TEU"
    if kind == "co2":
        return "CO2 price, CNY/t"
    return f"capacity factor of {kind.split(':', 1)[1]}"


def format_table(kind: str, points: list[SweepPoint]) -> str:
    """Markdown table of a sweep."""
    lines = [
        f"| {_label(kind)} | status | cost, M CNY/yr | converted share | pool, TEU | CO2, kt |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for p in points:
        if p.objective_cny is None:
            lines.append(f"| {p.value:g} | infeasible ({', '.join(p.binding)}) | – | – | – | – |")
        else:
            lines.append(
                f"| {p.value:g} | {p.status} | {p.objective_cny / 1e6:,.2f} | "
                f"{p.converted_share:.1%} | {p.containers_teu} | {(p.co2_t or 0) / 1e3:,.1f} |"
            )
    return "\n".join(lines)


def write_report(kind: str, points: list[SweepPoint], out_dir: Path, title: str) -> Path:
    """Write ``sweep-<kind>.md`` and its PNG chart under ``out_dir``; return the .md path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    slug = kind.replace(":", "-")
    png = out_dir / f"sweep-{slug}.png"
    ok = [p for p in points if p.objective_cny is not None]
    fig, ax1 = plt.subplots(figsize=(7, 4))
    ax1.plot([p.value for p in ok], [(p.objective_cny or 0) / 1e6 for p in ok], "o-", color="C0")
    ax1.set_xlabel(_label(kind))
    ax1.set_ylabel("annual cost, M CNY", color="C0")
    ax2 = ax1.twinx()
    ax2.plot([p.value for p in ok], [100 * (p.converted_share or 0) for p in ok], "s--", color="C1")
    ax2.set_ylabel("converted share, %", color="C1")
    ax1.set_title(title)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    md = out_dir / f"sweep-{slug}.md"
    md.write_text(
        f"# {title}\n\n{format_table(kind, points)}\n\n![chart]({png.name})\n", encoding="utf-8"
    )
    return md
