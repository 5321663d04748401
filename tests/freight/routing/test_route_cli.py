from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from freight.cli import route as route_cli
from freight.cli.main import app
from tests.freight.routing.helpers import corridor

runner = CliRunner()
ARGS = ["route", "--from", "p", "--to", "d", "--commodity", "steel", "--form", "general",
        "--quantity", "100", "--unit", "t", "--ready", "2025-03-03T08:00"]  # fmt: skip


@pytest.fixture(autouse=True)
def small_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(route_cli, "load_network", corridor)


def test_route_json_answer() -> None:
    res = runner.invoke(app, [*ARGS, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [a["total"]["cost_cny"] for a in out["alternatives"]] == [14500.0, 21300.0]
    assert out["rules_applied"]


def test_route_text_and_errors() -> None:
    res = runner.invoke(app, ARGS)
    assert res.exit_code == 0 and "#1" in res.stdout and "s1" in res.stdout
    bad_args = [a if a != "100" else "-5" for a in ARGS]
    bad = runner.invoke(app, bad_args)
    assert bad.exit_code == 2 and "quantity" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(app, [*ARGS, "--avoid-node", "ghost"])
    assert unknown.exit_code == 2 and "ghost" in unknown.output
    form = runner.invoke(app, [a if a != "general" else "plasma" for a in ARGS])
    assert form.exit_code == 2 and "$.cargo.form" in form.output


def test_route_cli_takes_the_network_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --year the current year's network; the Kuytun–Kuqa train runs from 2035."""
    monkeypatch.undo()  # the real network of each year, not the corridor
    monkeypatch.setattr("freight.cli.route.current_year", lambda: 2026)
    args = ["route", "--from", "kuytun", "--to", "kuqa", "--commodity", "general",
            "--form", "general", "--quantity", "500", "--ready", "2035-03-05T06:00",
            "--alternatives", "5", "--json"]  # fmt: skip

    def services(extra: list[str]) -> set[str]:
        res = runner.invoke(app, [*args, *extra])
        assert res.exit_code == 0, res.output
        out = json.loads(res.output)
        return {leg.get("service") or "" for a in out["alternatives"] for leg in a["legs"]}

    assert "reg_kuytun_kuqa" not in services([])
    assert "reg_kuytun_kuqa" in services(["--year", "2035"])
