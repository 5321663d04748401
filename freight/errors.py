"""One error taxonomy for the whole package.

The API maps these to HTTP status codes and problem+json in exactly one place
(``api/errors.py``); the CLI prints their message and exits non-zero. Messages name the
file/row/field or the JSON path so a user can fix the input without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One bad value: where it is (``loc``: file/row/field or JSON path) and why."""

    loc: str
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message


class FreightError(Exception):
    """Base of every error the package raises on purpose."""

    #: Short machine-readable slug used in problem+json ``type`` URIs.
    code: str = "freight-error"

    def __init__(self, message: str, *, issues: Sequence[FieldIssue] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues: tuple[FieldIssue, ...] = tuple(issues)

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        lines = [self.message] + [f"  - {issue}" for issue in self.issues]
        return "\n".join(lines)


class InputError(FreightError):
    """The caller's input is malformed or breaks a rule (HTTP 422)."""

    code = "invalid-input"


class NotFoundError(InputError):
    """An id that the caller named does not exist (HTTP 404)."""

    code = "not-found"


class ConflictError(InputError):
    """The request is well-formed but conflicts with the current state (HTTP 409), e.g. a
    full train departure or an event on a delivered booking; ``resources`` names what."""

    code = "conflict"

    def __init__(
        self, message: str, *, resources: Sequence[str] = (), issues: Sequence[FieldIssue] = ()
    ) -> None:
        super().__init__(message, issues=issues)
        self.resources: tuple[str, ...] = tuple(resources)


class ExpiredError(NotFoundError):
    """The named thing existed but has expired (HTTP 410), e.g. an offer past its time."""

    code = "expired"


class DataError(FreightError):
    """A data file (network, demand, scenario) is malformed (names file, row, field)."""

    code = "invalid-data"


class InfeasibleError(FreightError):
    """The problem has no feasible solution; ``binding`` names the constraints that bind."""

    code = "infeasible"

    def __init__(
        self, message: str, *, binding: Sequence[str] = (), issues: Sequence[FieldIssue] = ()
    ) -> None:
        super().__init__(message, issues=issues)
        self.binding: tuple[str, ...] = tuple(binding)


class SolverError(FreightError):
    """A solver failed for a reason that is not the caller's fault (HTTP 500/503)."""

    code = "solver-error"


@dataclass
class IssueCollector:
    """Collects many field issues, then raises them together as one readable error."""

    issues: list[FieldIssue] = field(default_factory=list)

    def add(self, loc: str, message: str) -> None:
        self.issues.append(FieldIssue(loc, message))

    def raise_if_any(self, message: str, error: type[FreightError] = DataError) -> None:
        if self.issues:
            raise error(f"{message} ({len(self.issues)} problem(s))", issues=self.issues)
