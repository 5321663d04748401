"""Load a conversion scenario from TOML (default: networks/kuytun/conversion.toml).

Flows come from the scenario's ``[[flows]]`` if it has them, else from the demand data
(``freight.demand.load_bulk_flows()``). Node coordinates and path lengths come from the
network (``nodes.csv``, ``links.csv``; a broken network raises ``DataError`` naming the
file); only a scenario detached from the network (``geometry.use_network = false``, e.g.
a hand-made test case) gives its own ``[geometry.nodes]`` table. Every error names the
file and the field (``conversion.toml: terminals[2].hours_per_month: ...``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from freight.conversion.distances import path_km
from freight.conversion.model import (
    Commodity,
    ContainerPool,
    EquipmentType,
    Flow,
    Geometry,
    ModeRates,
    Scenario,
    Terminal,
)
from freight.demand import load_bulk_flows
from freight.errors import DataError, FieldIssue, InputError
from freight.jsonread import JsonReader
from freight.network.loader import load_network
from freight.network.model import Network
from freight.paths import network_dir

T = TypeVar("T")


def default_scenario_path() -> Path:
    """The Kuytun scenario file shipped with the network data."""
    return network_dir() / "conversion.toml"


class _Reader:
    """Typed access to a TOML table that reports ``file: path.field`` on every error.

    A scenario is a data file: the first bad field raises ``DataError`` (no collecting).
    Scalar values follow the shared JSON rules of :class:`~freight.jsonread.JsonReader`
    (finite numbers, no booleans as numbers, same messages); only the location differs.
    """

    def __init__(self, file: str, table: dict[str, Any], path: str) -> None:
        self.file, self.table, self.path = file, table, path

    def loc(self, key: str) -> str:
        return f"{self.file}: {self.path}.{key}" if self.path else f"{self.file}: {key}"

    def fail(self, key: str, message: str) -> DataError:
        loc = self.loc(key)
        return DataError(f"{loc}: {message}", issues=[FieldIssue(loc, message)])

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "missing")
            return default
        return self.table[key]

    def _checked(
        self, key: str, default: Any, read: Callable[[JsonReader, dict[str, Any]], T]
    ) -> T:
        """``read`` the value (or the default) with a fresh JsonReader; its first issue raises."""
        reader = JsonReader()
        out = read(reader, {key: self.raw(key, default)})
        if reader.first is not None:
            raise self.fail(key, reader.first.message)
        return out

    def num(self, key: str, default: Any = ...) -> float:
        v = self._checked(key, default, lambda r, o: r.number(o, key, ""))
        assert v is not None
        return v

    def int_(self, key: str, default: Any = ...) -> int:
        v = self._checked(key, default, lambda r, o: r.integer(o, key, "", minimum=None))
        assert v is not None
        return v

    def str_(self, key: str, default: Any = ...) -> str:
        v = self._checked(key, default, lambda r, o: r.text(o, key, ""))
        assert v is not None
        return v

    def bool_(self, key: str, default: Any = ...) -> bool:
        v = self._checked(key, default, lambda r, o: r.boolean(o, key, ""))
        assert v is not None
        return v

    def sub(self, key: str, default: Any = ...) -> _Reader:
        v = self.raw(key, default)
        if not isinstance(v, dict):
            raise self.fail(key, "expected a table")
        return _Reader(self.file, v, f"{self.path}.{key}" if self.path else key)

    def items(self, key: str, default: Any = ...) -> list[_Reader]:
        v = self.raw(key, default)
        if not isinstance(v, list) or not all(isinstance(i, dict) for i in v):
            raise self.fail(key, "expected an array of tables")
        base = f"{self.path}.{key}" if self.path else key
        return [_Reader(self.file, item, f"{base}[{i}]") for i, item in enumerate(v)]


def _build(reader: _Reader, key: str, cls: Callable[..., T], **kwargs: Any) -> T:
    try:
        return cls(**kwargs)
    except ValueError as exc:
        raise reader.fail(key, str(exc)) from None


def _flow(r: _Reader) -> Flow:
    shares = r.raw("monthly_share")
    if not isinstance(shares, list) or not all(
        isinstance(s, int | float) and not isinstance(s, bool) for s in shares
    ):
        raise r.fail("monthly_share", "expected a list of 12 numbers")
    total = sum(shares)
    if total <= 0:
        raise r.fail("monthly_share", "must not be all zero")
    # relative weights are accepted and normalised (e.g. month index numbers)
    return _build(
        r,
        "monthly_share",
        Flow,
        id=r.str_("id"),
        commodity=r.str_("commodity"),
        origin=r.str_("origin"),
        destination=r.str_("destination"),
        annual_t=r.num("annual_t"),
        monthly_share=tuple(float(s) / total for s in shares),
    )


def _demand_flows() -> tuple[Flow, ...]:
    """Flows from the demand data (``freight.demand.load_bulk_flows``)."""
    out = []
    for bf in load_bulk_flows():
        # The CSV stores shares to 6 decimals; renormalise so monthly tonnes add up exactly.
        share_total = sum(float(s) for s in bf.monthly_share)
        out.append(
            Flow(
                id=str(bf.id),
                commodity=str(bf.commodity),
                origin=str(bf.origin),
                destination=str(bf.destination),
                annual_t=float(bf.annual_t),
                monthly_share=tuple(float(s) / share_total for s in bf.monthly_share),
            )
        )
    return tuple(out)


def _flows(root: _Reader, data: dict[str, Any], file: str) -> tuple[tuple[Flow, ...], str]:
    """``[[flows]]`` if given; else the demand data; else ``[[fallback_flows]]`` (and which)."""
    if "flows" in data:
        return tuple(_flow(r) for r in root.items("flows")), f"{file} [[flows]]"
    try:
        return _demand_flows(), "freight.demand.load_bulk_flows()"
    except DataError as exc:
        if "fallback_flows" not in data:
            raise
        why = exc.message
    except ValueError as exc:
        raise DataError(f"demand bulk flows: {exc}") from None
    flows = tuple(_flow(r) for r in root.items("fallback_flows"))
    return flows, f"{file} [[fallback_flows]] ({why})"


def _network() -> Network:
    """The network the scenario's node ids refer to (``nodes.csv`` and friends).

    A broken network is an error (``DataError`` naming the file), never a silent fallback.
    """
    try:
        return load_network()
    except OSError as exc:
        raise DataError(f"network data not readable: {exc}") from None


def _coords(geo: _Reader, use_network: bool) -> dict[str, tuple[float, float]]:
    """Coordinates of a scenario detached from the network (``use_network = false``)."""
    if use_network:
        if "nodes" in geo.table:
            raise geo.fail(
                "nodes",
                "coordinates come from the network's nodes.csv; remove this table or set "
                "geometry.use_network = false",
            )
        return {}
    coords: dict[str, tuple[float, float]] = {}
    nodes = geo.sub("nodes")
    for nid, ll in nodes.table.items():
        if (
            not isinstance(ll, list)
            or len(ll) != 2
            or not all(isinstance(v, int | float) for v in ll)
        ):
            raise nodes.fail(nid, "expected [lat, lon]")
        coords[nid] = (float(ll[0]), float(ll[1]))
    return coords


_MODE_FIELDS = (
    "bulk_rail_cny_per_tkm",
    "bulk_rail_fixed_cny_per_t",
    "container_rail_cny_per_teu_km",
    "container_rail_fixed_cny_per_teu",
    "empty_return_cny_per_teu_km",
    "road_cny_per_tkm",
    "road_fixed_cny_per_t",
    "drayage_cny_per_tkm",
    "drayage_fixed_cny_per_t",
    "rail_co2_g_per_tkm",
    "road_co2_g_per_tkm",
)


def _modes(root: _Reader) -> ModeRates:
    m = root.sub("modes")
    return _build(m, "", ModeRates, **{k: m.num(k) for k in _MODE_FIELDS})


def _pool(root: _Reader) -> ContainerPool:
    p = root.sub("pool")
    return _build(
        p,
        "",
        ContainerPool,
        purchase_cny_per_teu=p.num("purchase_cny_per_teu"),
        life_years=p.num("life_years"),
        maintenance_cny_per_teu_year=p.num("maintenance_cny_per_teu_year"),
        lease_cny_per_teu_day=p.num("lease_cny_per_teu_day"),
        max_owned_teu=p.int_("max_owned_teu"),
        max_leased_teu=p.int_("max_leased_teu"),
        dwell_days=p.num("dwell_days"),
        reserve_share=p.num("reserve_share"),
    )


def _commodities(root: _Reader) -> dict[str, Commodity]:
    commodities: dict[str, Commodity] = {}
    ctab = root.sub("commodities")
    for name in ctab.table:
        c = ctab.sub(name)
        commodities[name] = _build(
            c,
            "",
            Commodity,
            name=name,
            tonnes_per_teu=c.num("tonnes_per_teu"),
            value_cny_per_t=c.num("value_cny_per_t"),
            bulk_loss_rate=c.num("bulk_loss_rate"),
            container_loss_rate=c.num("container_loss_rate"),
            road_loss_rate=c.num("road_loss_rate"),
            bulk_rail_allowed=c.bool_("bulk_rail", True),
            road_allowed=c.bool_("road", True),
            min_converted_share=c.num("min_converted_share", 0.0),
        )
    return commodities


def _equipment(root: _Reader) -> tuple[EquipmentType, ...]:
    return tuple(
        _build(
            e,
            "",
            EquipmentType,
            id=e.str_("id"),
            name=e.str_("name", e.str_("id")),
            throughput_t_per_h=e.num("throughput_t_per_h"),
            capex_cny=e.num("capex_cny"),
            life_years=e.num("life_years"),
            opex_cny_per_year=e.num("opex_cny_per_year"),
        )
        for e in root.items("equipment")
    )


def _terminals(root: _Reader) -> tuple[Terminal, ...]:
    terminals = []
    for t in root.items("terminals"):
        mu = t.sub("max_units", {})
        terminals.append(
            _build(
                t,
                "",
                Terminal,
                id=t.str_("id"),
                hours_per_month=t.num("hours_per_month"),
                max_t_per_month=t.num("max_t_per_month"),
                handling_cny_per_t=t.num("handling_cny_per_t"),
                max_units={k: mu.int_(k) for k in mu.table},
            )
        )
    return tuple(terminals)


def _geometry(
    geo: _Reader,
    coords: dict[str, tuple[float, float]],
    use_network: bool,
    flows: tuple[Flow, ...],
    terminals: tuple[Terminal, ...],
    network: Network | None = None,
) -> Geometry:
    """Coordinates and, from the network, rail and road path lengths between the ends of
    every flow and every terminal (others: haversine × detour)."""
    rail_km: dict[tuple[str, str], float] = {}
    road_km: dict[tuple[str, str], float] = {}
    source = "haversine × detour on the scenario's node table (use_network = false)"
    if use_network:
        network = network or _network()
        coords = {nid: (n.lat, n.lon) for nid, n in network.nodes.items()}
        ends = [(f.origin, f.destination) for f in flows]
        rail_pairs = ends + [(t.id, f.destination) for t in terminals for f in flows]
        road_pairs = ends + [(f.origin, t.id) for t in terminals for f in flows]
        rail_km = path_km(network, rail_pairs, rail=True)
        road_km = path_km(network, road_pairs, rail=False)
        source = (
            f"network paths ({len(rail_km)}/{len(set(rail_pairs))} rail pairs, "
            f"{len(road_km)}/{len(set(road_pairs))} road pairs; others haversine × detour)"
        )
    return _build(
        geo,
        "nodes",
        Geometry,
        coords=coords,
        rail_detour=geo.num("rail_detour"),
        road_detour=geo.num("road_detour"),
        rail_km_per_day=geo.num("rail_km_per_day"),
        road_km_per_day=geo.num("road_km_per_day"),
        rail_km=rail_km,
        road_km=road_km,
        distance_source=source,
    )


def parse_scenario(
    data: dict[str, Any], file: str = "<scenario>", network: Network | None = None
) -> Scenario:
    """Build a validated ``Scenario`` from parsed TOML/JSON data (the first bad field raises
    ``DataError`` naming the file and the field). ``network``: the network whose paths give
    the distances (default: the shipped files), e.g. a network year's or a scenario's."""
    root = _Reader(file, data, "")
    meta = root.sub("meta", {})
    geo = root.sub("geometry")
    use_network = geo.bool_("use_network", True)
    coords = _coords(geo, use_network)
    modes, pool = _modes(root), _pool(root)
    commodities, equipment, terminals = _commodities(root), _equipment(root), _terminals(root)
    flows, flows_source = _flows(root, data, file)
    geometry = _geometry(geo, coords, use_network, flows, terminals, network)
    return _build(
        root,
        "flows" if "flows" in data else "meta",
        Scenario,
        flows=flows,
        commodities=commodities,
        equipment=equipment,
        terminals=terminals,
        pool=pool,
        modes=modes,
        geometry=geometry,
        discount_rate=meta.num("discount_rate", 0.06),
        co2_price_cny_per_t=meta.num("co2_price_cny_per_t", 0.0),
        source=file,
        flows_source=flows_source,
    )


def load_scenario(path: str | Path | None = None, network: Network | None = None) -> Scenario:
    """Read and validate a scenario TOML file (default: the Kuytun scenario) on ``network``
    (default: the shipped files)."""
    file = Path(path) if path is not None else default_scenario_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{file}: scenario file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{file}: not valid TOML: {exc}") from None
    return parse_scenario(data, file.name, network)


def with_overrides(
    sc: Scenario,
    *,
    co2_price_cny_per_t: float | None = None,
    pool_max_teu: int | None = None,
    terminal_scale: tuple[str, float] | None = None,
) -> Scenario:
    """A variant of ``sc`` for sensitivity runs (CO2 price, pool size, one terminal's hours)."""
    if co2_price_cny_per_t is not None:
        sc = replace(sc, co2_price_cny_per_t=co2_price_cny_per_t)
    if pool_max_teu is not None:  # caps the total; owned boxes first, then leased
        if pool_max_teu < 0:
            raise InputError(f"pool_max_teu must be >= 0, got {pool_max_teu}")
        owned = min(sc.pool.max_owned_teu, pool_max_teu)
        sc = replace(
            sc,
            pool=replace(
                sc.pool,
                max_owned_teu=owned,
                max_leased_teu=min(sc.pool.max_leased_teu, pool_max_teu - owned),
            ),
        )
    if terminal_scale is not None:
        tid, factor = terminal_scale
        if not factor >= 0:
            raise InputError(f"capacity factor of {tid!r} must be >= 0, got {factor!r}")
        if tid not in {t.id for t in sc.terminals}:
            from freight.errors import NotFoundError

            raise NotFoundError(f"unknown terminal {tid!r}")
        sc = replace(
            sc,
            terminals=tuple(
                replace(
                    t,
                    # factor 0 closes the terminal (yard limit 0); hours must stay > 0
                    hours_per_month=t.hours_per_month * factor if factor > 0 else t.hours_per_month,
                    max_t_per_month=t.max_t_per_month * factor,
                )
                if t.id == tid
                else t
                for t in sc.terminals
            ),
        )
    return sc
