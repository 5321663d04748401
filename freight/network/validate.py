"""Cross-reference rules of a network, checked once after the files are parsed.

Each broken rule adds a ``FieldIssue`` naming file, row and field; the loader raises
them all together. Rules: link ends exist and accept freight, service stops exist and
have rail access, consecutive stops are joined by rail, all freight nodes connected.
"""

from __future__ import annotations

import networkx as nx

from freight.errors import IssueCollector
from freight.network.model import PIGGYBACK_RAMP, Network, RailService, TerminalOption


def _loc(rows: dict[str, int], file: str, key: str, field: str) -> str:
    row = rows.get(f"{file}:{key}")
    return f"{file}.csv:row {row}:{field}" if row else f"{file}.csv:{key}:{field}"


def validate_network(net: Network, rows: dict[str, int], issues: IssueCollector) -> None:
    """Add an issue for every cross-reference rule the network breaks."""
    rail = nx.Graph()
    freight = nx.Graph()
    for n in net.nodes.values():
        if n.accepts_freight:
            freight.add_node(n.id)
    for link in net.links.values():
        ok = True
        for field in ("source", "target"):
            end = getattr(link, field)
            node = net.nodes.get(end)
            if node is None:
                issues.add(_loc(rows, "links", link.id, field), f"unknown node id {end!r}")
                ok = False
            elif not node.accepts_freight:
                issues.add(
                    _loc(rows, "links", link.id, field),
                    f"node {end!r} accepts no freight, so no freight link may touch it",
                )
                ok = False
        if not ok:
            continue
        freight.add_edge(link.source, link.target)
        if link.mode.is_rail:
            rail.add_edge(link.source, link.target)

    for svc in net.services.values():
        loc = _loc(rows, "services", svc.id, "route")
        stops_ok = True
        for stop in svc.route:
            node = net.nodes.get(stop)
            if node is None:
                issues.add(loc, f"unknown station {stop!r}")
                stops_ok = False
            elif not node.accepts_freight or not node.rail_access or stop not in rail:
                issues.add(loc, f"{stop!r} has no rail freight connection")
                stops_ok = False
        if len(set(svc.route)) != len(svc.route):
            issues.add(loc, "a station appears twice in the route")
        if not stops_ok:
            continue
        for a, b in zip(svc.route, svc.route[1:], strict=False):
            if not nx.has_path(rail, a, b):
                issues.add(loc, f"no rail path between consecutive stops {a!r} and {b!r}")

    for svc in net.services.values():
        why = piggyback_issue(svc, net.options)
        if why:
            issues.add(_loc(rows, "services", svc.id, "route"), why)

    if freight.number_of_nodes():
        components = sorted(nx.connected_components(freight), key=len, reverse=True)
        for comp in components[1:]:
            for nid in sorted(comp):
                issues.add(
                    _loc(rows, "nodes", nid, "id"),
                    f"freight node {nid!r} is not connected to the main network "
                    f"(its component: {', '.join(sorted(comp)[:5])})",
                )


def piggyback_issue(svc: RailService, options: tuple[TerminalOption, ...]) -> str | None:
    """Why a piggyback service cannot run: fewer than two of its stops have a ramp."""
    if not svc.is_piggyback:
        return None
    ramps = {o.node for o in options if o.option == PIGGYBACK_RAMP}
    have = [s for s in svc.route if s in ramps]
    if len(have) < 2:
        return (
            f"piggyback service needs a piggyback_ramp (terminal_options.csv) at two stops or "
            f"more; ramps at: {', '.join(have) or 'none'}"
        )
    return None
