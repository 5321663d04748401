"""Benchmark: the 散改集 conversion MIP on the default Kuytun scenario and scaled copies.

Fixed seeds; each row is one SCIP solve (single thread, relative gap target 1e-4, time
limit 60 s). Prints a Markdown table and writes it to bench/results/conversion_plan.md.

    .venv/bin/python bench/conversion_plan.py [--copies 1,3,6] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
from dataclasses import replace
from pathlib import Path

from freight.conversion import Flow, check_plan, load_scenario, plan_conversion
from freight.conversion.model import Scenario


def scaled(sc: Scenario, copies: int, seed: int) -> Scenario:
    """``copies`` perturbed copies of every flow (tonnes ×0.5–1.5, seasonality shifted)."""
    if copies == 1:
        return sc
    rng = random.Random(seed)
    flows = []
    for k in range(copies):
        for f in sc.flows:
            shift = rng.randint(0, 2) if k else 0
            share = (
                f.monthly_share[-shift:] + f.monthly_share[:-shift] if shift else f.monthly_share
            )
            flows.append(
                Flow(
                    f"{f.id}#{k}",
                    f.commodity,
                    f.origin,
                    f.destination,
                    f.annual_t * (rng.uniform(0.5, 1.5) if k else 1.0),
                    share,
                )
            )
    pool = replace(
        sc.pool,
        max_owned_teu=sc.pool.max_owned_teu * copies,
        max_leased_teu=sc.pool.max_leased_teu * copies,
    )
    terms = tuple(
        replace(
            t,
            max_t_per_month=t.max_t_per_month * copies,
            max_units={k: v * copies for k, v in t.max_units.items()},
        )
        for t in sc.terminals
    )
    return replace(sc, flows=tuple(flows), pool=pool, terminals=terms)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", default="1,3,6")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--co2", default="0,200")
    args = ap.parse_args()
    base = load_scenario()
    rows = [
        "| scenario | flows | terminals | CO2 CNY/t | status | objective M CNY | bound M CNY "
        "| gap | converted | pool TEU | wall s | plan check |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for copies in (int(c) for c in args.copies.split(",")):
        for co2 in (float(c) for c in args.co2.split(",")):
            sc = replace(scaled(base, copies, seed=copies), co2_price_cny_per_t=co2)
            plan = plan_conversion(sc, time_limit_s=args.time_limit, baselines=False)
            problems = check_plan(sc, plan)
            row = (
                f"| kuytun ×{copies} | {len(sc.flows)} | {len(sc.terminals)} | {co2:g} | "
                f"{plan.status} | {plan.objective_cny / 1e6:,.3f} | {plan.bound_cny / 1e6:,.3f} | "
                f"{plan.gap:.2e} | {plan.kpis['converted_share']:.1%} | {plan.containers_teu} | "
                f"{plan.wall_s:.2f} | {'ok' if not problems else problems[0]} |"
            )
            rows.append(row)
            print(row, flush=True)
    head = (
        f"# Conversion MIP benchmark\n\n{dt.date.today()} · {platform.machine()} "
        f"{platform.python_version()} · 2 cores shared with ~8 engineers (contention) · "
        f"`.venv/bin/python bench/conversion_plan.py --copies {args.copies} "
        f"--time-limit {args.time_limit:g} --co2 {args.co2}` · SCIP via OR-Tools pywraplp, "
        "1 thread, gap target 1e-4. 'kuytun ×k' = k perturbed copies of every flow (seed k), "
        "terminal and pool limits ×k.\n\n"
    )
    out = Path(__file__).parent / "results" / "conversion_plan.md"
    out.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
