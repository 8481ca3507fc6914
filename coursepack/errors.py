"""One exception family for the whole library; every problem carries a location.

The CLI turns these into `path:line:col: message` lines and exit codes; the
library never prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, where it is, and what to do."""

    path: str  # relative to the project folder, with forward slashes
    line: int  # 1-based; 0 when the whole file is meant
    col: int  # 1-based; 0 when the whole line is meant
    message: str

    def __str__(self) -> str:
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class CoursepackError(Exception):
    """Raised with every problem found, never just the first."""

    exit_code = 1
    nothing_written = True  # False when a build fails after writing some of its files

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(CoursepackError):
    """The command itself was wrong (no project found, unknown pack...): exit 2."""

    exit_code = 2

    def __init__(self, message: str, path: str = ""):
        super().__init__([Problem(path or "coursepack", 0, 0, message)])


def _reading_order(problem: Problem):
    return (problem.path, problem.line, problem.col, problem.message)


def first_few(names: Iterable[str], shown: int = 3) -> str:
    """'a, b, c and 4 more': the first `shown` names of a list for a message."""
    names = list(names)
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
