"""Entry point of a job's worker process: ``python -m api.jobworker FD RUNNER``.

A fresh interpreter per job (no fork of the threaded server, no re-import of its main
module). The parameters arrive as JSON on stdin; messages go out as JSON lines on file
descriptor FD: ``["progress", fraction, message]``, then exactly one of
``["result", dict]`` or ``["error", problem-dict]``. The runner's own prints go to stdout
and cannot corrupt that channel. Imports nothing heavy but the runner's module.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, cast


def resolve_runner(spec: str) -> Callable[..., dict[str, Any]]:
    """``"package.module:function"`` -> the function (raises ValueError if not importable)."""
    module_name, sep, func_name = spec.partition(":")
    if not sep or not module_name or not func_name:
        raise ValueError(f"runner {spec!r} must look like 'package.module:function'")
    module = importlib.import_module(module_name)
    func = getattr(module, func_name, None)
    if not callable(func):
        raise ValueError(f"runner {spec!r}: {func_name!r} is not a function of {module_name}")
    return cast("Callable[..., dict[str, Any]]", func)


def _problem_of(exc: BaseException) -> dict[str, Any]:
    """The job's ``error``: the API's one mapping (imported here, on the failure path only,
    so that a job process does not pay for importing the web framework)."""
    from api.errors import problem_for

    return problem_for(exc).job_error()


class _Channel:
    def __init__(self, fd: int) -> None:
        self._out = os.fdopen(fd, "w", encoding="utf-8")

    def send(self, msg: tuple[Any, ...]) -> None:
        self._out.write(json.dumps(list(msg), allow_nan=False, default=str) + "\n")
        self._out.flush()

    def close(self) -> None:
        self._out.close()


def _exit_with_parent(parent_pid: int, every_s: float = 1.0) -> None:
    """End this process when its dispatcher is gone (kill -9 of a worker or service): the
    job is re-queued elsewhere, so a solve nobody will read must not go on using a core."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(every_s)
        os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    fd, runner = int(argv[1]), argv[2]
    _exit_with_parent(os.getppid())
    params = json.loads(sys.stdin.read())
    child_main(runner, params, _Channel(fd))
    return 0


def child_main(runner: str, params: dict[str, Any], conn: Any) -> None:
    """Run ``runner(params, progress)`` and report through ``conn``; never raises."""
    last = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] >= 0.2:
            last[0] = now
            conn.send(("progress", max(0.0, min(1.0, float(fraction))), str(message)[:500]))

    try:
        func = resolve_runner(runner)
        result = func(params, progress)
        if not isinstance(result, dict):
            raise TypeError(f"runner {runner} returned {type(result).__name__}, not dict")
        result = json.loads(json.dumps(result, allow_nan=False, default=str))
        conn.send(("result", result))
    except BaseException as exc:  # report everything; the parent decides the job's fate
        problem = _problem_of(exc)
        if problem["status"] >= 500:  # the answer is generic: the details go to the log
            traceback.print_exc(file=sys.stderr)
        with contextlib.suppress(Exception):  # the parent may be gone
            conn.send(("error", problem))
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
