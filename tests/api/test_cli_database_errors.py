"""``freight serve`` and ``freight worker`` against a database they cannot use: one line
naming the URL (password hidden), a non-zero exit, no traceback, nothing bound."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from freight.cli.main import app

runner = CliRunner()
UNREACHABLE = "postgresql+psycopg://bob:s3cret@127.0.0.1:1/freight"
SHOWN = "postgresql+psycopg://bob:***@127.0.0.1:1/freight"


@pytest.fixture(autouse=True)
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A regression must fail the test, not start a server that never returns."""
    import uvicorn

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("uvicorn started although the database is unreachable")

    monkeypatch.setattr(uvicorn, "run", refuse)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (UNREACHABLE, f"error: cannot reach the database {SHOWN}: "),
        ("mysql://bob:s3cret@127.0.0.1/freight", "error: cannot open the database "
         "mysql://bob:***@127.0.0.1/freight: No module named"),
        ("not a url", "error: FREIGHT_DATABASE_URL is not a database URL"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", [["serve", "--port", "18999"], ["worker"]])
def test_one_line_naming_the_url_and_exit_1(command: list[str], url: str, message: str) -> None:
    res = runner.invoke(
        app,
        [*command, "--wait-for-db", "0"],
        env={"FREIGHT_DATABASE_URL": url, "FREIGHT_LOG_LEVEL": "ERROR"},
    )
    assert res.exit_code == 1, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), res.output
    assert "s3cret" not in res.output and "Traceback" not in res.output
    assert not isinstance(res.exception, AssertionError)


def test_serve_waits_for_the_database_when_asked() -> None:
    t0 = time.monotonic()
    res = runner.invoke(
        app,
        ["serve", "--wait-for-db", "1.5"],
        env={"FREIGHT_DATABASE_URL": UNREACHABLE, "FREIGHT_LOG_LEVEL": "ERROR"},
    )
    assert time.monotonic() - t0 >= 1.5  # retried until the deadline
    assert res.exit_code == 1 and f"cannot reach the database {SHOWN}" in res.output
