"""The metrics directory of one service start with several worker processes.

``prometheus_client`` sums the values that each worker process writes to files in
``PROMETHEUS_MULTIPROC_DIR``. ``metrics_dir(workers)`` sets that variable for the workers
that uvicorn spawns (a fresh temporary directory, removed at exit; or the operator's own
directory, emptied of stale files first) and runs :class:`DeadWorkerReaper`, which marks
a worker dead when its process is gone (a crash, kill -9: uvicorn starts a replacement):
its live gauges disappear, its counters keep counting in the totals.

Import ``prometheus_client`` only after the variable is set (it picks its storage at import).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
_PID_FILE = re.compile(r"_(\d+)\.db$")


@contextlib.contextmanager
def metrics_dir(workers: int) -> Iterator[Path | None]:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` for this start's workers (None: one process, none)."""
    given = os.environ.get(ENV)
    if workers <= 1 and not given:
        yield None
        return
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="freight-metrics-"))
        os.environ[ENV] = str(path)
    reaper = DeadWorkerReaper(path)
    reaper.start()
    try:
        yield path
    finally:
        reaper.stop()
        if not given:
            os.environ.pop(ENV, None)
            shutil.rmtree(path, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie, exited but not yet reaped, counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class DeadWorkerReaper:
    """Every ``interval_s``: ``mark_process_dead`` for each pid with files whose process is gone."""

    def __init__(self, path: Path, interval_s: float = 1.0) -> None:
        self.path = path
        self.interval_s = interval_s
        self.dead: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def sweep(self) -> list[int]:
        """Mark the newly dead pids; returns them."""
        from prometheus_client import multiprocess

        found = []
        for f in self.path.glob("*.db"):
            m = _PID_FILE.search(f.name)
            if m is None:
                continue
            pid = int(m.group(1))
            if pid not in self.dead and not pid_alive(pid):
                multiprocess.mark_process_dead(pid, str(self.path))  # type: ignore[no-untyped-call]
                self.dead.add(pid)
                found.append(pid)
        return found

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            with contextlib.suppress(OSError):
                self.sweep()
