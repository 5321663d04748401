"""Assignment of a year's demand on the network the plan has built by that year.

    PYTHONPATH=. .venv/bin/python bench/network_years.py [--years 2025 2035] [--md]

Runs ``freight.assign.assign`` for each demand year on (a) the shipped network as it is
today and (b) ``network_for_year(plan, year)``; then, for the last year, once per planned
work with that work postponed beyond the horizon, so the table names what each work buys
(Δ = with the work − without it), and the same for the plan's multimodal forms: piggyback
(its trains and ramps) and drop-and-hook (its terminals). Prints Markdown tables (results
in bench/results/network_years.md).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

from freight.assign.solve import AssignOptions, assign
from freight.demand.loaders import load_shipments
from freight.network.loader import default_network
from freight.network.model import DROP_AND_HOOK, PIGGYBACK_RAMP, Network
from freight.network.years import LAST_YEAR, NetworkPlan, load_plan, network_for_year


def _run(net: Network, year: int, shipments: list[Any]) -> dict[str, Any]:
    """Assignment result; shipments to/from a node the network lacks count as unassigned."""
    t0 = time.perf_counter()
    ok = [s for s in shipments if s.origin in net.nodes and s.destination in net.nodes]
    lost = sum(s.tonnes for s in shipments) - sum(s.tonnes for s in ok)
    res = assign(net, ok, AssignOptions(time_limit_s=60.0), year=year).to_dict()
    res["tonnes_total"] += lost
    res["tonnes_unassigned"] += lost
    res["bench_s"] = time.perf_counter() - t0
    return res


def _row(label: str, r: dict[str, Any]) -> str:
    ids = dict.fromkeys(str(b.get("id", "?")) for b in r["bottlenecks"])
    necks = ", ".join(list(ids)[:3]) or "–"
    forms = r.get("tonnes_by_multimodal_form", {})
    return (
        f"| {label} | {r['tonnes_total'] / 1e6:.2f} | {r['tonnes_assigned'] / 1e6:.2f} | "
        f"{r['tonnes_unassigned'] / 1e3:,.0f} | {100 * r['rail_share']:.1f} % | "
        f"{r['objective_cny'] / 1e6:,.1f} | {r['co2_kg'] / 1e6:,.1f} | "
        f"{forms.get('piggyback', 0) / 1e3:,.0f} | {forms.get('drop_and_hook', 0) / 1e3:,.0f} | "
        f"{necks} | {r['bench_s']:.1f} |"
    )


HEAD = (
    "| run | demand Mt | assigned Mt | unassigned kt | rail share | cost M CNY | CO2 kt "
    "| piggyback kt | drop-and-hook kt | top bottlenecks | s |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


#: the plan's multimodal forms: the works and terminal options that make each of them
FORMS = {"piggyback": ("piggyback", PIGGYBACK_RAMP), "drop_and_hook": ("", DROP_AND_HOOK)}


def _without(plan: NetworkPlan, work: str, option: str = "") -> NetworkPlan:
    """``plan`` with ``work`` (and the terminal ``option`` rows) postponed beyond 2100."""
    works = tuple(replace(w, year=LAST_YEAR) if w.work == work else w for w in plan.works)
    options = tuple(
        replace(o, from_year=LAST_YEAR, to_year=None) if o.option == option else o
        for o in plan.base.options
    )
    return replace(plan, works=works, base=replace(plan.base, options=options))


def _delta(name: str, due: int, last: dict[str, Any], r: dict[str, Any]) -> str:
    return (
        f"| {name} | {due} | {(last['tonnes_assigned'] - r['tonnes_assigned']) / 1e3:+,.0f} "
        f"| {100 * (last['rail_share'] - r['rail_share']):+.2f} "
        f"| {(last['objective_cny'] - r['objective_cny']) / 1e6:+,.1f} "
        f"| {(last['co2_kg'] - r['co2_kg']) / 1e6:+,.2f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, nargs="+", default=[2025, 2035])
    args = ap.parse_args()
    plan = load_plan()
    today = default_network()
    print(HEAD)
    last: dict[str, Any] = {}
    for year in args.years:
        ships = list(load_shipments(year))
        print(_row(f"{year} demand, today's network", _run(today, year, ships)), flush=True)
        last = _run(network_for_year(plan, year), year, ships)
        print(_row(f"{year} demand, {year} network", last), flush=True)
    year = args.years[-1]
    ships = list(load_shipments(year))
    print(f"\nEffect of each work in {year} (with − without):\n")
    print("| work | due | Δ assigned kt | Δ rail share pp | Δ cost M CNY | Δ CO2 kt |")
    print("|---|---|---|---|---|---|")
    for work in dict.fromkeys(w.work for w in plan.works if w.work not in FORMS):
        due = min(w.year for w in plan.works if w.work == work)
        if due > year:
            continue
        r = _run(network_for_year(_without(plan, work), year), year, ships)
        print(_delta(work, due, last, r), flush=True)
    print(f"\nEffect of each multimodal form in {year} (with − without):\n")
    print("| form | due | Δ assigned kt | Δ rail share pp | Δ cost M CNY | Δ CO2 kt |")
    print("|---|---|---|---|---|---|")
    for form, (work, option) in FORMS.items():
        years = [w.year for w in plan.works if w.work == work] + [
            o.from_year or 0 for o in plan.base.options if o.option == option
        ]
        if not years or min(years) > year:
            continue
        r = _run(network_for_year(_without(plan, work, option), year), year, ships)
        print(_delta(form, min(years), last, r), flush=True)


if __name__ == "__main__":
    main()
