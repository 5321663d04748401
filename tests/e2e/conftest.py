"""The service on a free loopback port (uvicorn subprocess, temporary SQLite) and headless
Debian chromium driven by Playwright (``executable_path``; never ``playwright install``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
#: Init script for tests that read the page's English wording (the page defaults to Chinese).
ENGLISH = "localStorage.setItem('kfo-lang', 'en')"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    db = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    env = {
        **os.environ,
        "FREIGHT_DATABASE_URL": f"sqlite:///{db}",
        "FREIGHT_RATE_LIMITS": "off",
        "FREIGHT_JOB_WORKERS": "1",
        "FREIGHT_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path_factory.mktemp("e2e-log") / "service.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    os.environ["KFO_E2E_DB_URL"] = f"sqlite:///{db}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"service did not start; see {log.name}")
        time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: `python3 dev.py test` installs it (apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def make_key(role: str, name: str) -> str:
    """A fresh API key in the served database (the ``service`` fixture's)."""
    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, role, name)
    finally:
        db.dispose()
    return secret


def open_english_page(
    browser: Any, base: str, width: int = 1280, height: int = 800
) -> tuple[Any, Any, list[str]]:
    """A page in English (the tests read its wording) once the network is drawn, and the
    list that collects page errors and requests to any other host."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    ctx.add_init_script(ENGLISH)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(base) else errors.append(r.url))
    page.goto(base + "/")
    page.wait_for_selector("body[data-network='ready']", timeout=20_000)
    return ctx, page, errors


def run_plan_section(page: Any, path: str, body: dict[str, Any], timeout_ms: int) -> Any:
    """Run the Plans tab's job section for ``path`` with ``body``; its output once shown."""
    page.click("#tab-plans")
    section = page.locator(f"#plans section.plan[data-path='{path}']")
    section.wait_for(timeout=10_000)
    section.locator("summary").first.click()
    section.locator("textarea").fill(json.dumps(body))
    section.locator("button.run-plan").click()
    out = section.locator(".plan-out")
    out.locator("section[aria-label], .error").first.wait_for(timeout=timeout_ms)
    return out
