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


# A setting named in a message of the library: ``{setting:pages=2}``. Where the message
# is shown decides how: the command line writes its flag (``--pages 2``), elsewhere it
# reads as a key of briefgen.toml (``pages = 2``). ``setting+`` names both.
_SETTING = re.compile(r"\{setting(\+?):([a-z][a-z-]*)(?:=([^{}]*))?\}")


def setting(key: str, value: str | None = None, both: bool = False) -> str:
    """How a message of the library names the setting ``key`` (with a ``value``): see
    :func:`as_flags` and :func:`as_keys`."""
    return f"{{setting{'+' if both else ''}:{key}{'' if value is None else '=' + value}}}"


def as_keys(message: str) -> str:
    """``message`` with its settings written as keys of briefgen.toml (``pages = 2``)."""

    def key(match: re.Match[str]) -> str:
        return match[2] + ("" if match[3] is None else f" = {match[3]}")

    return _SETTING.sub(key, message)


def as_flags(message: str) -> str:
    """``message`` with its settings written as flags of the command line (``--pages 2``)."""

    def flag(match: re.Match[str]) -> str:
        written = f"--{match[2]}" + ("" if match[3] is None else f" {match[3]}")
        return written + (f" (or '{match[2]}' in briefgen.toml)" if match[1] else "")

    return _SETTING.sub(flag, message)


class BriefgenError(Exception):
    """Base of every error briefgen reports to the user as one line.

    Its message may name settings (:func:`setting`): ``str()`` writes them as keys of
    briefgen.toml, :meth:`for_command_line` as flags.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __str__(self) -> str:
        return as_keys(super().__str__())

    def for_command_line(self) -> str:
        """The message as the command line says it: settings named by their flags."""
        if type(self).__str__ is not BriefgenError.__str__:
            return as_flags(str(self))
        return as_flags(super().__str__())


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
