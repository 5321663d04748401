"""Two simple policies to compare the MIP with (same lanes, options and checker).

* ``densest_first``: electrify lanes in order of tonnes per year (densest first) until the
  target t-km share is met; each lane takes the electric option that adds least to the
  cost so far (its own cost plus the growth of the stations it uses); the other lanes
  take their cheapest fuel truck; stations are sized to the peak hour of what they serve.
* ``terminals_only``: the MIP with candidate sites restricted to the terminals.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from freight.errors import InfeasibleError
from freight.trucks.model import Scenario
from freight.trucks.options import Option, lane_options
from freight.trucks.plan import assemble
from freight.trucks.result import TruckPlan
from freight.trucks.solve import Choice, UnitCosts, total_tkm

Sizes = dict[tuple[str, str], tuple[int, int, int]]


def size_stations(chosen: dict[str, Option]) -> Sizes:
    """Smallest bays, batteries and chargers covering every hour of the chosen options."""
    busy: dict[tuple[str, str], list[float]] = {}
    out_of_stock: dict[tuple[str, str], list[float]] = {}
    for o in chosen.values():
        for ld in o.loads:
            s = (ld.site, ld.kind)
            b = busy.setdefault(s, [0.0] * 24)
            q = out_of_stock.setdefault(s, [0.0] * 24)
            for h in range(24):
                b[h] += ld.busy_min[h]
                q[h] += ld.batteries[h]
    sizes: Sizes = {}
    for s, minutes in busy.items():
        units = max(1, math.ceil(max(minutes) / 60 - 1e-9))
        if s[1] == "swap":
            sizes[s] = (units, max(0, math.ceil(max(out_of_stock[s]) - 1e-9)), 0)
        else:
            sizes[s] = (0, 0, units)
    return sizes


def cost_of(sc: Scenario, chosen: dict[str, Option], sizes: Sizes) -> float:
    uc = UnitCosts.of(sc)
    cost = sum(o.cost_cny_year for o in chosen.values())
    for (_, kind), (bays, bats, chargers) in sizes.items():
        if kind == "swap":
            cost += uc.swap_site_year + bays * uc.bay_year + bats * uc.battery_year
        else:
            cost += uc.charge_site_year + chargers * uc.charger_year
    return cost


def densest_first(sc: Scenario) -> TruckPlan:
    """Electrify the densest lanes first until the target share is met."""
    t0 = time.perf_counter()
    options = lane_options(sc)
    goal = sc.target_tkm_share * total_tkm(options)
    chosen = {
        lid: min((o for o in opts if not o.electric), key=lambda o: o.cost_cny_year)
        for lid, opts in options.items()
    }
    done = 0.0
    for lane in sorted(sc.lanes, key=lambda x: (-x.tonnes_year, x.id)):
        if done >= goal - 1e-6:
            break
        electric = [o for o in options[lane.id] if o.electric]
        if not electric:
            continue
        base = cost_of(sc, chosen, size_stations(chosen))

        def extra(o: Option, lid: str = lane.id, before: float = base) -> float:
            trial = {**chosen, lid: o}
            return cost_of(sc, trial, size_stations(trial)) - before

        chosen[lane.id] = min(electric, key=extra)
        done += chosen[lane.id].tkm_year
    if done < goal - 1e-6:
        raise InfeasibleError(
            "densest-first cannot reach the target: lanes without a station set in range",
            binding=["target_tkm_share", "range"],
        )
    sizes = size_stations(chosen)
    cost = cost_of(sc, chosen, sizes)
    ch = Choice("feasible", cost, cost, chosen, sizes, time.perf_counter() - t0)
    return assemble(sc, options, ch, t0, notes=("policy: electrify the densest lanes first",))


def terminals_only(sc: Scenario, time_limit_s: float = 60.0) -> TruckPlan:
    """The MIP with stations allowed only at the terminals (sites ``st_<terminal>``)."""
    from freight.trucks.model import load_config
    from freight.trucks.plan import plan_scenario

    terminals = {f"st_{n}" for n in load_config()["sites"]["terminals"]}
    sites = tuple(s for s in sc.sites if s.id in terminals)
    reach = tuple(r for r in sc.reach if r[1] in terminals)
    return plan_scenario(replace(sc, sites=sites, reach=reach), time_limit_s=time_limit_s)
