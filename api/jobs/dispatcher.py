"""Runs queued jobs in worker processes and keeps the database truthful about them.

The database is the queue. A dispatcher thread runs in each service process that has local
solver slots (``FREIGHT_JOB_WORKERS``) and in each ``freight worker`` process (``--slots``);
any number of them, on any number of hosts, share one database. Each claims queued jobs
atomically (one conditional ``UPDATE ... RETURNING``; on PostgreSQL the candidate row is
picked with ``FOR UPDATE SKIP LOCKED`` so claimers never wait on each other), starts each in
its own fresh interpreter (``python -m api.jobworker``; never a fork of the threaded server),
relays progress, enforces hard time limits, terminates jobs cancelled through the API (it
re-reads their status every second), heartbeats, and stores results before marking a job
succeeded. Jobs whose dispatcher died (kill -9 of a service or worker, a lost host) are found
by :meth:`Dispatcher.recover` of any other dispatcher — at startup and every few seconds: at
once when the dead process was on the same host, after ``job_stale_after_s`` without a
heartbeat otherwise — and re-queued (up to ``job_max_attempts``) or failed with the reason.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from api.db import Database, Job, as_utc, utcnow
from api.jobs.registry import get_job_kind, job_kinds
from api.settings import Settings
from freight.errors import InputError

log = logging.getLogger("api.jobs")

HOST = socket.gethostname()
#: Dispatchers alive in this process (tests may run several in one process).
_LIVE_RUNNERS: set[str] = set()


class _Pipe:
    """Non-blocking reader of the worker's JSON-lines channel."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self.buf = b""
        self.eof = False
        self.closed = False

    def messages(self) -> list[Any]:
        out = []
        while not self.eof:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    log.warning("bad message from worker: %r", line[:200])
        return out

    def close(self) -> None:
        if not self.closed:
            self.closed = self.eof = True
            with contextlib.suppress(OSError):
                os.close(self.fd)


@dataclass
class _Running:
    job_id: str
    process: Any
    conn: Any
    started: float
    deadline: float
    progress: float = 0.0
    message: str = "running"
    dirty: bool = False
    outcome: tuple[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Dispatcher:
    """Job runner of one process (see module docstring).

    ``slots`` (default ``settings.job_workers``) is how many jobs run at once; ``poll_s`` how
    often an idle dispatcher looks for queued jobs (a submission in the same process wakes it
    at once). It claims only the kinds registered in this process, so workers of an older
    release leave a newer kind to those that know it.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        slots: int | None = None,
        poll_s: float = 0.2,
    ) -> None:
        self.db = db
        self.settings = settings
        self.slots = settings.job_workers if slots is None else slots
        self.poll_s = poll_s
        self.runner_id = f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}"
        self.running: dict[str, _Running] = {}
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_beat = 0.0
        self._last_recover = 0.0

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        _LIVE_RUNNERS.add(self.runner_id)
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="job-dispatcher", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop: terminate children and hand their jobs back to the queue."""
        self._stop.set()
        self.wake.set()
        _LIVE_RUNNERS.discard(self.runner_id)
        if self._thread is not None:
            self._thread.join(timeout_s)
        for run in list(self.running.values()):
            self._kill(run)
            with self.db.write() as s:
                s.execute(
                    update(Job)
                    .where(Job.id == run.job_id, Job.status == "running")
                    .where(Job.runner_id == self.runner_id)
                    .values(
                        status="queued",
                        runner_id=None,
                        progress=0.0,
                        attempts=Job.attempts - 1,
                        message="re-queued: the service stopped while it ran",
                    )
                )
        self.running.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # keep the dispatcher alive; the DB may be briefly busy
                log.exception("dispatcher tick failed")
            self.wake.wait(self.poll_s)
            self.wake.clear()

    # -- one step -------------------------------------------------------------------------
    def tick(self) -> None:
        now = time.monotonic()
        for run in list(self.running.values()):
            self._drain(run)
            if run.outcome is not None:
                self._finish(run)
            elif run.process.poll() is not None:
                self._drain(run)
                if run.outcome is None:
                    code = run.process.returncode
                    run.outcome = (
                        "error",
                        {
                            "code": "worker-died",
                            "status": 500,
                            "detail": f"the worker process exited unexpectedly (code {code})",
                        },
                    )
                self._finish(run)
            elif now > run.deadline:
                self._kill(run)
                run.outcome = (
                    "error",
                    {
                        "code": "time-limit",
                        "status": 500,
                        "detail": "the solver overran its time limit and was stopped "
                        "without returning a solution",
                    },
                )
                self._finish(run)
        if now - self._last_beat >= 1.0:
            self._last_beat = now
            self._heartbeat_and_cancel()
        if now - self._last_recover >= 5.0:
            self._last_recover = now
            self.recover()
        while len(self.running) < self.slots and not self._stop.is_set():
            if not self._claim_one():
                break

    def _drain(self, run: _Running) -> None:
        for msg in run.conn.messages():
            if msg[0] == "progress":
                run.progress, run.message, run.dirty = float(msg[1]), str(msg[2]), True
            elif msg[0] in ("result", "error") and isinstance(msg[1], dict):
                run.outcome = (msg[0], msg[1])

    def _kill(self, run: _Running) -> None:
        if run.process.poll() is None:
            run.process.terminate()
            try:
                run.process.wait(2)
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait(2)
        run.conn.close()

    def _finish(self, run: _Running) -> None:
        """Store the outcome, then forget the run (kept for a retry if the write fails)."""
        assert run.outcome is not None
        kind, payload = run.outcome
        run_s = run.extra.setdefault("run_s", time.monotonic() - run.started)
        values: dict[str, Any] = {"finished_at": utcnow(), "run_seconds": run_s}
        if kind == "result":
            values.update(
                status="succeeded",
                result=payload,
                partial=bool(payload.get("partial", False)),
                progress=1.0,
                message="finished (time limit reached: best solution so far)"
                if payload.get("partial")
                else "finished",
            )
        else:
            values.update(status="failed", error=payload, message=payload.get("detail", ""))
        with self.db.write() as s:
            s.execute(
                update(Job)
                .where(Job.id == run.job_id, Job.status == "running")
                .where(Job.runner_id == self.runner_id)
                .values(**values)
            )
        self.running.pop(run.job_id, None)
        try:
            run.process.wait(5)
        except subprocess.TimeoutExpired:
            run.process.kill()
        run.conn.close()
        log.info(
            "job finished",
            extra={"job_id": run.job_id, "status": values["status"], "run_s": round(run_s, 3)},
        )

    def _heartbeat_and_cancel(self) -> None:
        now = utcnow()
        with self.db.write() as s:
            s.execute(
                update(Job)
                .where(Job.runner_id == self.runner_id, Job.status == "running")
                .values(heartbeat_at=now)
            )
            for run in self.running.values():
                if run.dirty:
                    run.dirty = False
                    s.execute(
                        update(Job)
                        .where(Job.id == run.job_id, Job.status == "running")
                        .values(progress=run.progress, message=run.message)
                    )
        if not self.running:
            return
        with self.db.read() as s:
            rows = s.execute(
                select(Job.id, Job.status, Job.runner_id).where(Job.id.in_(list(self.running)))
            ).all()
        for job_id, status, runner in rows:
            if status != "running" or runner != self.runner_id:
                run = self.running.pop(job_id)
                self._kill(run)
                log.info("job stopped", extra={"job_id": job_id, "status": status})

    def _claim_one(self) -> bool:
        """Claim the oldest queued job of a known kind and start it; False if none."""
        kinds = [k.kind for k in job_kinds()]
        if not kinds:
            return False
        now = utcnow()
        oldest = (
            select(Job.id)
            .where(Job.status == "queued", Job.kind.in_(kinds))
            .order_by(Job.created_at, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers anyway
            .scalar_subquery()
        )
        claim = (
            update(Job)
            .where(Job.id == oldest, Job.status == "queued")
            .values(
                status="running",
                runner_id=self.runner_id,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
                message="running",
                progress=0.0,
            )
            .returning(Job.id, Job.kind, Job.params, Job.time_limit_s)
            .execution_options(synchronize_session=False)
        )
        with self.db.write() as s:
            row = s.execute(claim).first()
        if row is None:
            return False
        job_id, kind, params, limit_s = row
        self._launch(job_id, kind, dict(params), limit_s)
        return True

    def _launch(self, job_id: str, kind: str, params: dict[str, Any], limit_s: float) -> None:
        try:
            spec = get_job_kind(kind)
        except InputError as exc:
            with self.db.write() as s:
                s.execute(
                    update(Job)
                    .where(Job.id == job_id)
                    .values(
                        status="failed",
                        finished_at=utcnow(),
                        error={"code": "unknown-kind", "status": 500, "detail": exc.message},
                        message=exc.message,
                    )
                )
            return
        r_fd, w_fd = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.jobworker", str(w_fd), spec.runner],
                stdin=subprocess.PIPE,
                pass_fds=(w_fd,),
                close_fds=True,
            )
        finally:
            os.close(w_fd)
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(params).encode())
            proc.stdin.close()
        except BrokenPipeError:  # the child died at once; _drain/poll report it
            pass
        now = time.monotonic()
        self.running[job_id] = _Running(
            job_id, proc, _Pipe(r_fd), now, now + limit_s + self.settings.job_grace_s
        )
        log.info("job started", extra={"job_id": job_id, "kind": kind, "pid": proc.pid})

    # -- recovery -------------------------------------------------------------------------
    def _orphaned(self, job_id: str, runner_id: str | None, heartbeat: Any) -> bool:
        if runner_id == self.runner_id:
            return job_id not in self.running  # ours, but its process is gone
        if runner_id is None:
            return True
        host, _, rest = runner_id.partition(":")
        pid_text, _, token = rest.partition(":")
        if host == HOST and pid_text.isdigit():
            pid = int(pid_text)
            if pid == os.getpid():  # this process: orphaned unless a live dispatcher owns it
                return runner_id not in _LIVE_RUNNERS  # (a reused pid, e.g. pid 1 in a container)
            if not _pid_alive(pid):
                return True  # this host, and the process is gone
        beat = as_utc(heartbeat)
        return beat is None or beat < utcnow() - timedelta(seconds=self.settings.job_stale_after_s)

    def recover(self) -> int:
        """Re-queue or fail jobs left 'running' by a dead process. Returns how many."""
        with self.db.read() as s:
            rows = s.execute(
                select(Job.id, Job.runner_id, Job.heartbeat_at, Job.attempts).where(
                    Job.status == "running"
                )
            ).all()
        n = 0
        for job_id, runner_id, beat, attempts in rows:
            if not self._orphaned(job_id, runner_id, beat):
                continue
            reason = f"the worker running it ({runner_id}) died during attempt {attempts}"
            requeue = (
                self.settings.job_recovery == "requeue"
                and attempts < self.settings.job_max_attempts
            )
            values: dict[str, Any]
            if requeue:
                values = {
                    "status": "queued",
                    "runner_id": None,
                    "progress": 0.0,
                    "message": "re-queued: " + reason,
                }
            else:
                values = {
                    "status": "failed",
                    "finished_at": utcnow(),
                    "message": reason,
                    "error": {"code": "worker-died", "status": 500, "detail": reason},
                }
            with self.db.write() as s:
                res = s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "running")
                    .where(Job.runner_id == runner_id if runner_id else Job.runner_id.is_(None))
                    .values(**values)
                )
                n += res.rowcount  # type: ignore[attr-defined]
            log.warning(
                "orphaned job recovered",
                extra={"job_id": job_id, "action": values["status"], "reason": reason},
            )
        if n:
            self.wake.set()
        return n
