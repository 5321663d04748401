"""Scenario files: the Kuytun default loads; bad files fail naming the file and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from freight.conversion import load_scenario, parse_scenario
from freight.conversion import scenario as scenario_mod
from freight.conversion.scenario import default_scenario_path
from freight.errors import DataError


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(i) for i in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(i)}" for k, i in v.items()) + " }"
    return repr(v)


def test_default_kuytun_scenario_loads() -> None:
    sc = load_scenario()
    assert len(sc.flows) >= 10
    assert {f.commodity for f in sc.flows} >= {"coal", "grain", "cotton"}
    assert len(sc.terminals) >= 3
    for f in sc.flows:
        assert abs(sum(f.monthly_share) - 1) < 1e-9


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nope.toml"):
        load_scenario(tmp_path / "nope.toml")


def test_broken_toml_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\nx = 1\n", encoding="utf-8")
    with pytest.raises(DataError, match="bad.toml: not valid TOML"):
        load_scenario(bad)


def test_wrong_type_names_file_and_field(tmp_path: Path) -> None:
    text = default_scenario_path().read_text(encoding="utf-8")
    text = text.replace("hours_per_month = 400.0", 'hours_per_month = "lots"', 1)
    path = tmp_path / "conversion.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape("conversion.toml: terminals[0].hours_per_month")):
        load_scenario(path)


def test_negative_value_names_object_and_field(tiny) -> None:
    tiny["terminals"][1]["hours_per_month"] = -5.0
    with pytest.raises(DataError, match=r"terminals\[1\].*hours_per_month must be > 0"):
        parse_scenario(tiny, "s.toml")


def test_missing_field_is_named(tiny) -> None:
    del tiny["pool"]["dwell_days"]
    with pytest.raises(DataError, match=r"s.toml: pool.dwell_days: missing"):
        parse_scenario(tiny, "s.toml")


def test_unknown_commodity_and_node_are_named(tiny) -> None:
    tiny["flows"][0]["commodity"] = "unobtainium"
    with pytest.raises(DataError, match="flow 'f1': unknown commodity 'unobtainium'"):
        parse_scenario(tiny, "s.toml")
    tiny["flows"][0]["commodity"] = "coal"
    tiny["flows"][0]["destination"] = "atlantis"
    with pytest.raises(DataError, match="node 'atlantis' has no coordinates"):
        parse_scenario(tiny, "s.toml")


def test_bad_seasonality_is_named(tiny) -> None:
    tiny["flows"][1]["monthly_share"] = [1, 2, 3]
    with pytest.raises(DataError, match=r"flows\[1\].monthly_share.*12 values"):
        parse_scenario(tiny, "s.toml")


def test_loss_rate_range(tiny) -> None:
    tiny["commodities"]["grain"]["bulk_loss_rate"] = 1.5
    with pytest.raises(DataError, match=r"commodities.grain.*bulk_loss_rate must be in \[0, 1\)"):
        parse_scenario(tiny, "s.toml")


def test_unknown_equipment_at_terminal(tiny) -> None:
    tiny["terminals"][0]["max_units"] = {"crane9000": 1}
    with pytest.raises(DataError, match="terminal 't1': unknown equipment 'crane9000'"):
        parse_scenario(tiny, "s.toml")


def write_toml(data: dict, path: Path) -> Path:
    """Serialise the tiny dict scenario (flat enough for this writer) to TOML."""
    lines: list[str] = []
    for section in ("meta", "geometry", "modes", "pool"):
        lines.append(f"[{section}]")
        for k, v in data[section].items():
            if not isinstance(v, dict):
                lines.append(f"{k} = {_toml_value(v)}")
        for k, v in data[section].items():
            if isinstance(v, dict):
                lines.append(f"[{section}.{k}]")
                lines += [f"{kk} = {_toml_value(vv)}" for kk, vv in v.items()]
    for name, c in data["commodities"].items():
        lines.append(f"[commodities.{name}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in c.items()]
    for key in ("equipment", "terminals", "flows"):
        for item in data[key]:
            lines.append(f"[[{key}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_toml_round_trip_of_tiny(tiny, tmp_path: Path) -> None:
    sc = load_scenario(write_toml(tiny, tmp_path / "tiny.toml"))
    assert [f.id for f in sc.flows] == ["f1", "f2"]
    assert sc.terminals[0].max_units == {"rs": 2, "gc": 1}


def test_flows_come_from_demand_data_when_scenario_has_none(tiny, monkeypatch) -> None:
    from collections import namedtuple

    bulk_flow = namedtuple("bulk_flow", "id commodity origin destination annual_t monthly_share")
    monkeypatch.setattr(
        scenario_mod,
        "load_bulk_flows",
        lambda: [bulk_flow("d1", "coal", "a", "d", 1000.0, [1 / 12] * 12)],
    )
    tiny["fallback_flows"] = tiny.pop("flows")
    sc = parse_scenario(tiny, "s.toml")
    assert [f.id for f in sc.flows] == ["d1"]
    assert sc.flows_source == "freight.demand.load_bulk_flows()"


def test_without_demand_or_fallback_the_demand_error_is_raised(tiny, monkeypatch) -> None:
    def broken() -> list[object]:
        raise DataError("bulk_flows.csv:row 3:annual_t: not a number")

    monkeypatch.setattr(scenario_mod, "load_bulk_flows", broken)
    del tiny["flows"]
    with pytest.raises(DataError, match=r"bulk_flows\.csv:row 3"):
        parse_scenario(tiny, "s.toml")


def test_distances_come_from_the_network_of_the_year_or_scenario() -> None:
    """Kuqa has a rail path only once the Kuytun–Kuqa railway is built (2035); a stored
    scenario without it loses the path again; the conversion job reports its network."""
    from freight.conversion import jobs
    from freight.network.scenario import network_of

    pair = ("kuytun_west", "kuqa")
    assert pair not in load_scenario(network=network_of(2026)).geometry.rail_km
    assert pair in load_scenario(network=network_of(2035)).geometry.rail_km
    patch = {"id": "s1", "base_year": 2035,
             "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}]}  # fmt: skip
    assert pair not in load_scenario(network=network_of(None, patch)).geometry.rail_km
    out = jobs.run({"time_limit_s": 5, "network_scenario": patch})
    assert out["network_year"] == 2035 and out["network_scenario"] == "s1"
