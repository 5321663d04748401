"""Code and comments describe the code, not its history: no development issue numbers and
no absolute machine paths in the sources, data or docs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISSUE = re.compile(r"\b[Ii]ssues?[- ]?#?\d+\b|\(#\d+\)")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp)/[\w.-]+/")
SUFFIXES = {".py", ".md", ".js", ".mjs", ".toml", ".csv", ".css", ".html", ".yaml", ".sh"}
SKIP = ("api/static/", "tests/test_hygiene.py")


def tracked_sources() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [
        ROOT / p
        for p in out
        if Path(p).suffix in SUFFIXES and not p.startswith(SKIP) and (ROOT / p).is_file()
    ]


def offending(pattern: re.Pattern[str]) -> list[str]:
    found: list[str] = []
    for path in tracked_sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        for no, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()[:100]}")
    return found


def test_the_patterns_find_what_they_are_for() -> None:
    assert ISSUE.search("the issue-4 JSON") and ISSUE.search("(issue 7)")
    assert ISSUE.search("planner (#12)") and not ISSUE.search("issues and pull requests")
    assert MACHINE_PATH.search("reads /work/shared/data") and not MACHINE_PATH.search("a/tmp/b")


def test_no_issue_numbers_in_sources() -> None:
    assert not offending(ISSUE), "\n".join(offending(ISSUE))


def test_no_machine_paths_in_sources() -> None:
    assert not offending(MACHINE_PATH), "\n".join(offending(MACHINE_PATH))
