"""Job runner for ``POST /v1/conversion-plans`` (pure: params dict in, JSON dict out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freight.conversion.scenario import load_scenario, parse_scenario, with_overrides
from freight.conversion.solve import plan_conversion
from freight.errors import DataError, InputError
from freight.network.scenario import network_of


def run(params: dict[str, Any], progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Plan the conversion for the default scenario (or ``params["scenario"]``, TOML as JSON).

    ``co2_price_cny_per_t`` and ``pool_max_teu`` override the scenario when given. The
    distances come from the network of ``network_year`` (default: the current year) or of
    the stored scenario ``network_scenario``.
    """
    if progress is not None:
        progress(0.05, "loading scenario")
    given = params.get("network_year")
    patch = params.get("network_scenario")
    net = network_of(None if given is None else int(given), patch)
    data = params.get("scenario")
    if data is not None:
        try:
            sc = parse_scenario(data, "$.scenario", net)
        except DataError as exc:  # the caller's scenario: their input, not our data
            raise InputError(exc.message, issues=exc.issues) from None
    else:
        sc = load_scenario(network=net)
    sc = with_overrides(
        sc,
        co2_price_cny_per_t=params.get("co2_price_cny_per_t"),
        pool_max_teu=params.get("pool_max_teu"),
    )
    if progress is not None:
        progress(0.1, "solving")
    plan = plan_conversion(sc, time_limit_s=float(params.get("time_limit_s", 30.0)))
    out = plan.to_json()
    out["partial"] = plan.status != "optimal"
    out["network_year"] = int(net.meta["year"])
    out["network_scenario"] = patch["id"] if patch else None
    return out
