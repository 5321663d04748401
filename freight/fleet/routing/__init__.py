"""The Kuytun EV fleet router: PyVRP search, exact charging insertion, repair, verification.

Pipeline (``solve_fleet``):

1. Screen each stop alone on every vehicle type (with charging): stops no vehicle can serve
   even alone are reported unserved with the reason, the rest go to the search.
2. Routing search on a conservative model with PyVRP 0.14 (or OR-Tools routing): kg and m3
   capacities, windows, shifts and depot hours, fixed, per-km and per-hour (route duration)
   costs, one profile per refrigeration class (prohibitive arcs into refrigerated stops for
   ordinary vehicles), optional stops with a prize far above any route cost (serve first,
   then cost), and the battery as a route-length cap valid at full load (so search routes
   never need charging). A per-hour cost makes routes compact in time: the engines choose
   the departure that minimises duration, and ``schedule_route`` pushes it forward too.
3. Schedule every route exactly (``charging.schedule_route``), queueing for plugs that
   earlier routes reserved; routes that fail lose stops until they pass.
4. Repair: re-insert every left-out stop at its cheapest position in any route or on a new
   vehicle, now *with* charging visits, which is how stops beyond a battery's reach get
   served. What still fails is reported with a reason.
5. ``verify.check_plan`` replays the plan independently; a failure is a bug (SolverError).

Large days (more than ``decompose_above`` stops) are split into zones by depot and angle,
solved one after another with a shared charger book and a time budget per zone.
Deterministic for a given seed when ``max_iterations`` is set; a pure time limit makes the
search depend on machine spe

Modules: ``pipeline`` (the stages, wired by ``solve_fleet``), ``params`` (settings, method,
integer scales), ``reasons`` (screening and leftover reasons), ``zones`` (decomposition and
one zone's search and scheduling), ``repair``, ``intmodel`` (the engines' shared integer
model) and one adapter per engine: ``pyvrp_search``, ``ortools_search`` and
``ortools_energy_search`` (the OR-Tools energy model of ``energy_model``, seeded by
``energy_seed``).
"""

from freight.fleet.routing.params import Method, RouterParams
from freight.fleet.routing.pipeline import solve_fleet

__all__ = ["Method", "RouterParams", "solve_fleet"]
