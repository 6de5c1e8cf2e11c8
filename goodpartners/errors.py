"""Typed errors raised by the core; the CLI turns them into one-line messages."""

from __future__ import annotations

from dataclasses import dataclass


class GoodPartnersError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem in a file, with its position when known."""

    file: str
    line: int | None
    column: int | None
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        at = f" (at {self.path})" if self.path else ""
        return f"{where}: {self.message}{at}"


class FrameworkError(GoodPartnersError):
    """A framework file could not be found, read or validated."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FrameworkNotFoundError(GoodPartnersError):
    """No framework has the given name, and no file has the given path."""


class AnswersError(GoodPartnersError):
    """An answers file or a saved assessment is missing, unreadable or wrong."""


class ResponsesError(GoodPartnersError):
    """A CSV of team responses cannot be scored."""


class NoMatchingColumnsError(ResponsesError):
    """No column of an export matches a statement of the framework."""


class HistoryError(GoodPartnersError):
    """A saved assessment or prep card could not be found or written."""


class OutputError(GoodPartnersError):
    """A report, card, results file or folder could not be written."""


class UsageError(GoodPartnersError):
    """The options given do not fit together."""

    exit_code = 2
