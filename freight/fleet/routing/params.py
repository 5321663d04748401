"""Router settings, the search method, and the integer scales handed to the engines."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from freight.errors import InputError
from freight.fleet.problem import VehicleType


class Method(StrEnum):
    """Routing search: PyVRP (default), OR-Tools, or OR-Tools without charging visits;
    ``ortools-energy``: OR-Tools with an energy dimension and optional charging-visit
    nodes (``freight.fleet.routing.ortools_energy_search``)."""

    PYVRP = "pyvrp"
    ORTOOLS = "ortools"
    ORTOOLS_PLAIN = "ortools-plain"
    ORTOOLS_ENERGY = "ortools-energy"


@dataclass(frozen=True, slots=True)
class RouterParams:
    """Solver settings: wall-time budget, seed, method, optional iteration cap."""

    time_limit_s: float = 10.0
    seed: int = 0
    method: Method = Method.PYVRP
    max_iterations: int | None = None
    decompose_above: int = 1200
    repair_share: float = 0.15  # share of the time limit kept for repair (at least 1 s)

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise InputError(f"time_limit_s must be > 0, got {self.time_limit_s}")
        if self.max_iterations is not None and self.max_iterations < 1:
            raise InputError(f"max_iterations must be >= 1, got {self.max_iterations}")


#: Largest zone that gets an OR-Tools warm start before the PyVRP search.
WARM_START_MAX_STOPS = 1500
#: Zones up to this size stop PyVRP after 5,000 iterations without improvement.
TINY_STOPS = 30
#: Solutions the OR-Tools warm start may take when routes pay per hour (span cost): on
#: nine sampled 2035 parts 100 kept the cost within 0.05 % of the full descent
#: in 40-60 % of its time.
WARM_SPAN_SOLUTIONS = 100
#: Largest zone searched in two energy-cap variants (each with half the time).
VARIANTS_MAX_STOPS = 800

# integer scales handed to the search engines (one conversion point)
M_PER_KM = 1000
S_PER_MIN = 60
G_PER_KG = 1000
L_PER_M3 = 1000
COST_PER_CNY = 100_000  # milli-fen: per-metre costs stay integral to 0.001 fen
S_PER_H = 3600


def unit_duration_cost(vt: VehicleType) -> int:
    """Integer cost per second of route duration (40 CNY/h -> 1111, 0.01 % rounding)."""
    return round(vt.cost_per_hour_cny * COST_PER_CNY / S_PER_H)
