"""Errors and exit codes: the one place that decides how a failure ends a run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses of the ``briefgen`` command, documented in the README."""

    OK = 0
    ERROR = 1  # runtime error: cannot write, render failed, missing system library
    USAGE = 2  # bad option, unknown theme, bad configuration
    INVALID = 3  # the fact base (or a quote check) has problems
    EMPTY = 4  # the selection matched nothing
    INTERRUPTED = 130  # Ctrl-C (SIGINT), as shells report it: 128 + the signal's number
    TERMINATED = 143  # SIGTERM


class BriefgenError(Exception):
    """Base of every error briefgen reports to the user as one line."""

    exit_code: ExitCode = ExitCode.ERROR


class UsageError(BriefgenError):
    """The command line (or configuration) asks for something that cannot be."""

    exit_code = ExitCode.USAGE


class OutputError(BriefgenError):
    """An output file could not be written."""


class RenderError(BriefgenError):
    """A renderer failed (template error, missing system library, ...)."""


class NothingMatched(BriefgenError):
    """The selection is empty."""

    exit_code = ExitCode.EMPTY


class StreamClosed(BriefgenError, OSError):
    """Standard input or output was closed when briefgen started (``briefgen themes >&-``)."""

    def __init__(self, stream: str) -> None:
        import errno

        OSError.__init__(self, errno.EBADF, "it is closed")
        self.stream = stream

    def __str__(self) -> str:
        verb = "read" if self.stream == "input" else "write to"
        return f"cannot {verb} standard {self.stream}: it is closed"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` with the known name closest to ``name``, or nothing."""
    import difflib  # only when there is a message to write: it costs a run milliseconds

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def excerpt(value: object, limit: int = 40) -> str:
    """``repr(value)``, cut short: a message must stay one readable line whatever the input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Control characters (C0, DEL, C1), line and paragraph separators, and the
# bidirectional controls: in a message they could move the cursor, retitle the
# terminal, write to the clipboard (OSC 52) or make text read in another order.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(message: str) -> str:
    """``message`` with those characters written as escapes (``\\x1b``, ``\\u202e``).

    Every message briefgen prints passes through here: its file names, ids and
    values come from the user's files, and a terminal acts on what it is sent.
    """
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), message)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a fact base, reported as ``file:line: id: message``."""

    file: str
    line: int | None
    item_id: str | None
    message: str
    last: bool = False  # listed after every other problem (a note that the list stops)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" {self.item_id}:" if self.item_id else ""
        return f"{where}:{who} {self.message}"


class InvalidFactBase(BriefgenError):
    """The fact base has one or more problems; all of them are carried."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        count = len(self.problems)
        first = str(self.problems[0]) if self.problems else "invalid fact base"
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''}; run 'briefgen validate')"
        super().__init__(first + (more if count > 1 else ""))


def _problem_order(problem: Problem) -> tuple[bool, str, int, str]:
    return (problem.last, problem.file, problem.line or 0, problem.message)
