#!/usr/bin/env python3
"""Developer entry point: ``python3 dev.py run|test|stack|lock``.

Needs only Python 3.11 and pip. Creates ``.venv`` beside this file and installs the project
into it (again only when pyproject.toml or the lock changes): from the hashed lock file
(``requirements/lock.txt`` for ``run``/``stack``, ``requirements/dev-lock.txt`` for ``test``)
when the lock matches pyproject.toml's dependencies and this is CPython 3.11 on Linux, else
unlocked with a warning saying why. Then:

* ``run``   - the service on 127.0.0.1:8000 with the embedded SQLite database;
* ``test``  - ruff, ruff format --check, mypy, the web build check (``npm ci`` in web/ when
  its lock changed, then ``node web/build.mjs --check``; skipped with a message without
  Node.js) and the whole pytest suite (extra args go to pytest);
* ``stack`` - the service with no local solver slots plus separate ``freight worker``
  processes on one database (default: the local PostgreSQL), restarting a worker that dies:
  ``compose.yaml`` without Docker (``python3 dev.py stack --help``);
* ``lock``  - re-lock: resolve pyproject.toml into both lock files (uv pip compile, hashes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"

#: extras installed -> (lock file, the pyproject extra that lock resolves)
LOCKS = {
    "": (ROOT / "requirements" / "lock.txt", "ray"),
    "dev": (ROOT / "requirements" / "dev-lock.txt", "dev"),
}
LOCK_DIGEST = "# pyproject-sha256: "
LOCK_TARGET = ("3.11", "x86_64-manylinux_2_28")  # python version, platform of the locks
UV = "uv==0.13.9"
RELOCK = "python3 dev.py lock"


def say(msg: str) -> None:
    print(msg, flush=True)  # noqa: T201


def sh(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    say("+ " + " ".join(str(a) for a in args))
    rc = subprocess.call([str(a) for a in args], cwd=cwd, env=env)
    if rc != 0:
        sys.exit(rc)


# -- locked installs ------------------------------------------------------------------------


def deps_digest() -> str:
    """SHA-256 of what a lock resolves: pyproject.toml's python and dependency lists."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    relevant = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def lock_digest(lock: Path) -> str | None:
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(LOCK_DIGEST):
            return line[len(LOCK_DIGEST) :].strip()
    return None


def lock_problem(lock: Path) -> str | None:
    """Why ``lock`` cannot be installed here (None: it can)."""
    rel = lock.relative_to(ROOT)
    if not lock.exists():
        return f"{rel} is missing; make it with: {RELOCK}"
    if lock_digest(lock) != deps_digest():
        return (
            f"{rel} is older than pyproject.toml (its dependencies changed since the lock "
            f"was made); re-lock with: {RELOCK}"
        )
    here = f"{platform.python_implementation()} {sys.version_info[0]}.{sys.version_info[1]}"
    if here != f"CPython {LOCK_TARGET[0]}" or not sys.platform.startswith("linux"):
        return f"{rel} is for CPython {LOCK_TARGET[0]} on Linux; this is {here} on {sys.platform}"
    if platform.machine() not in ("x86_64", "AMD64"):
        return f"{rel} was resolved for x86_64; this machine is {platform.machine()}"
    return None


def ensure_venv(extras: str) -> None:
    """Create the venv and install the project with ``extras`` if anything changed."""
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
        sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    lock, _ = LOCKS[extras]
    inputs = (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    if lock.exists():
        inputs += lock.read_bytes()
    digest = hashlib.sha256(inputs).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    spec = f".[{extras}]" if extras else "."
    problem = lock_problem(lock)
    if problem is None:
        sh(PY, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", lock)
        sh(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", spec)
    else:
        say(f"WARNING: installing without the lock: {problem}")
        sh(PY, "-m", "pip", "install", "--quiet", "-e", spec)
    stamp.write_text(digest)


def lock() -> None:
    """Resolve pyproject.toml into both hashed lock files (pins already there are kept)."""
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    sh(PY, "-m", "pip", "install", "--quiet", UV)
    version, target = LOCK_TARGET
    digest = deps_digest()
    for path, extra in LOCKS.values():
        path.parent.mkdir(exist_ok=True)
        sh(
            BIN / "uv", "pip", "compile", "pyproject.toml", "--quiet", "--extra", extra,
            "--generate-hashes", "--python-version", version, "--python-platform", target,
            "--no-header", "-o", path,
        )  # fmt: skip
        body = path.read_text(encoding="utf-8")
        body = "".join(line for line in body.splitlines(True) if not line.startswith("# "))
        path.write_text(
            f"# kuytun-freight[{extra}] for CPython {version} on Linux x86_64, with hashes.\n"
            f"# Made by `{RELOCK}` (uv pip compile); dev.py, .ci/run and the Dockerfile\n"
            f"# install from it while this digest matches pyproject.toml's dependencies:\n"
            f"{LOCK_DIGEST}{digest}\n{body}",
            encoding="utf-8",
        )
        say(f"wrote {path.relative_to(ROOT)}")


# -- commands ---------------------------------------------------------------------------------


def run() -> None:
    ensure_venv("")
    sh(BIN / "freight", "serve", "--host", "127.0.0.1", "--port", "8000")


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium (and need a CJK font for Chinese names)."""
    if Path("/usr/bin/chromium").exists() or os.name == "nt" or os.geteuid() != 0:
        return
    sh("apt-get", "update", "-qq")
    sh("apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-zenhei")


def web_check() -> None:
    """The committed page (api/static) is what web/ builds; needs Node.js (npm ci once)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        say("web build check skipped: Node.js (node, npm) is not installed")
        return
    web = ROOT / "web"
    lock_sha = hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()
    stamp = web / "node_modules" / ".installed-lock"
    if not stamp.exists() or stamp.read_text() != lock_sha:
        sh(npm, "ci", "--no-audit", "--no-fund", cwd=web)
        stamp.write_text(lock_sha)
    sh(node, web / "build.mjs", "--check")


def test() -> None:
    ensure_venv("dev")
    ensure_chromium()
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "ruff", "format", "--check", ".")
    sh(BIN / "mypy")
    web_check()
    extra = sys.argv[2:]
    sh(PY, "-m", "pytest", *extra)


# -- stack: the service and separate workers, as compose.yaml runs them -----------------------

DEFAULT_STACK_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/freight"

CREATE_DB = """
import sys
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as c:
    if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}):
        c.execute(text(f'CREATE DATABASE "{url.database}"'))
        print(f"created database {url.database}")
admin.dispose()
"""


def stack_processes(
    bin_dir: Path, database_url: str, port: int, workers: int, slots: int
) -> dict[str, list[str]]:
    """Name -> command line of each process of the stack (the service first)."""
    procs = {"api": [str(bin_dir / "freight"), "serve", "--host", "127.0.0.1", "--port", str(port)]}
    for i in range(workers):
        procs[f"worker-{i + 1}"] = [str(bin_dir / "freight"), "worker", "--slots", str(slots)]
    return procs


def stack() -> None:
    p = argparse.ArgumentParser(prog="python3 dev.py stack", description=stack.__doc__)
    p.add_argument("--database-url", default=os.environ.get("FREIGHT_DATABASE_URL"))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--slots", type=int, default=1, help="solver slots per worker (default 1)")
    p.add_argument(
        "--no-venv",
        action="store_true",
        help="use the freight command beside the Python running dev.py (no .venv install)",
    )
    args = p.parse_args(sys.argv[2:])
    url = args.database_url or DEFAULT_STACK_DB
    if args.no_venv:
        bin_dir = Path(sys.executable).parent
    else:
        ensure_venv("")
        bin_dir = BIN
    if url.startswith("postgresql"):
        sh(bin_dir / "python", "-c", CREATE_DB, url)
    env = {**os.environ, "FREIGHT_DATABASE_URL": url, "FREIGHT_JOB_WORKERS": "0"}
    supervise(stack_processes(bin_dir, url, args.port, args.workers, args.slots), env)


stack.__doc__ = (
    "Start the service with FREIGHT_JOB_WORKERS=0 and separate `freight worker` processes on "
    f"one database (default {DEFAULT_STACK_DB}, created if missing), like compose.yaml. A "
    "worker that dies is restarted (its job is taken up again); Ctrl-C stops everything."
)


def supervise(commands: dict[str, list[str]], env: dict[str, str]) -> None:
    """Start every process; restart a worker that exits; stop all on a signal or API exit."""
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, cmd in commands.items():
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env)
        say(f"stack: started {name} (pid {procs[name].pid}): {' '.join(cmd)}")
    rc = 0
    while not stopping:
        time.sleep(0.5)
        if procs["api"].poll() is not None:
            say(f"stack: the service exited with {procs['api'].returncode}; stopping")
            rc = procs["api"].returncode or 1
            break
        for name, proc in list(procs.items()):
            if name != "api" and proc.poll() is not None and not stopping:
                say(f"stack: {name} exited with {proc.returncode}; restarting it")
                procs[name] = subprocess.Popen(commands[name], cwd=ROOT, env=env)
                say(f"stack: started {name} (pid {procs[name].pid})")
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    say("stack: stopped")
    sys.exit(rc)


if __name__ == "__main__":
    commands = {"run": run, "test": test, "stack": stack, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [args]")
    commands[sys.argv[1]]()
