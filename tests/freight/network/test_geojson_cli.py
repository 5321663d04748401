"""GeoJSON shape and the ``freight network`` CLI (summary, validate, export)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from freight.cli.main import app
from freight.network import summary
from freight.network.geojson import to_geojson
from freight.network.loader import load_network

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "network"
runner = CliRunner()


def test_geojson_features_match_network():
    net = load_network()
    gj = to_geojson(net)
    assert gj["type"] == "FeatureCollection"
    points = [f for f in gj["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == len(net.nodes) and len(lines) == len(net.links)
    k = next(f for f in points if f["properties"]["id"] == "kuytun")
    assert k["geometry"]["coordinates"] == [net.nodes["kuytun"].lon, net.nodes["kuytun"].lat]
    assert k["properties"]["kind"] == "freight_station" and k["properties"]["name_zh"] == "奎屯站"
    haz = next(f for f in points if f["properties"]["id"] == "kuytun_hazmat")
    assert haz["properties"]["hazmat"] is True
    bj = next(f for f in lines if f["properties"]["corridor"] == "Beijing Road")
    assert bj["properties"]["truck_bans"] == ["07:00-22:00"] and bj["properties"]["mode"]
    for f in lines:
        assert len(f["geometry"]["coordinates"]) >= 2
    json.dumps(gj, ensure_ascii=False)  # serialisable


def test_summary_counts():
    s = summary(load_network(FIX / "good"))
    assert s["nodes"] == 6 and s["links"] == 5 and s["services"] == 2
    assert s["links_by_mode"] == {"rail": 3, "road_national": 1, "road_urban": 1}
    assert s["total_length_km"] == 9502.0


def test_cli_summary_text_and_json():
    res = runner.invoke(app, ["network", "summary"])
    assert res.exit_code == 0 and "nodes by kind" in res.output
    res = runner.invoke(app, ["network", "summary", "--json", "--path", str(FIX / "good")])
    assert res.exit_code == 0
    assert json.loads(res.output)["nodes"] == 6


def test_cli_summary_defaults_to_the_current_year(monkeypatch):
    import freight.clock

    monkeypatch.setattr(freight.clock, "current_year", lambda: 2026)
    res = runner.invoke(app, ["network", "summary", "--json"])
    assert res.exit_code == 0, res.output
    now = json.loads(res.output)
    res = runner.invoke(app, ["network", "summary", "--json", "--year", "2035"])
    later = json.loads(res.output)
    assert now["year"] == 2026 and later["year"] == 2035
    assert now["services"] < later["services"]  # the Kuytun–Kuqa trains run from 2035
    res = runner.invoke(app, ["network", "summary"])
    assert res.exit_code == 0 and res.output.startswith("network kuytun 2026:")


def test_cli_validate_good_and_bad():
    res = runner.invoke(app, ["network", "validate", str(FIX / "good")])
    assert res.exit_code == 0 and res.output.startswith("OK: ")
    res = runner.invoke(app, ["network", "validate", str(FIX / "many_errors")])
    assert res.exit_code == 1
    assert "links.csv:row 4:speed_kmh" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["network", "validate", str(FIX / "no_such_dir")])
    assert res.exit_code == 1 and "does not exist" in res.output


def test_cli_export_geojson(tmp_path):
    res = runner.invoke(app, ["network", "export", "--format", "geojson"])
    assert res.exit_code == 0
    assert json.loads(res.output)["type"] == "FeatureCollection"
    out = tmp_path / "n.geojson"
    res = runner.invoke(app, ["network", "export", "--path", str(FIX / "good"), "-o", str(out)])
    assert res.exit_code == 0 and len(json.loads(out.read_text())["features"]) == 11
    res = runner.invoke(app, ["network", "export", "--format", "kml"])
    assert res.exit_code == 2 and "unknown format" in res.output
