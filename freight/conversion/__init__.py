"""Bulk-to-container (散改集) conversion planner: which flows to containerise, where, with
how much equipment and how many boxes (a MIP solved with OR-Tools SCIP).

>>> from freight.conversion import load_scenario, plan_conversion
>>> plan = plan_conversion(load_scenario(), time_limit_s=10)
>>> plan.status
'optimal'
"""

from freight.conversion.model import (
    Commodity,
    ContainerPool,
    ConversionPlan,
    EquipmentType,
    Flow,
    FlowPlan,
    Geometry,
    Mode,
    ModeRates,
    Scenario,
    Terminal,
    TerminalPlan,
)
from freight.conversion.scenario import load_scenario, parse_scenario, with_overrides
from freight.conversion.solve import (
    check_plan,
    explain_infeasibility,
    flow_options,
    plan_conversion,
    plan_cost_cny,
)

__all__ = [
    "Commodity",
    "ContainerPool",
    "ConversionPlan",
    "EquipmentType",
    "Flow",
    "FlowPlan",
    "Geometry",
    "Mode",
    "ModeRates",
    "Scenario",
    "Terminal",
    "TerminalPlan",
    "check_plan",
    "explain_infeasibility",
    "flow_options",
    "load_scenario",
    "parse_scenario",
    "plan_conversion",
    "plan_cost_cny",
    "with_overrides",
]
