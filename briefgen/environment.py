"""The environment a run meets: its standard streams, which of them are terminals, how
wide the terminal is, whether colour is wanted, and the clock.

Read once, at the top (:meth:`Environment.from_os`, in the command line's
group), and passed down, as httpie passes its ``Environment``: no other
module reads ``COLUMNS``, ``NO_COLOR`` or asks a stream whether it is a
terminal (a test checks it). Tests hand the command line a made-up one
(``CliRunner().invoke(cli, args, obj=Environment(...))``) to see what a
terminal would get, without a pseudo-terminal.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from briefgen.clock import now, today
from briefgen.renderers.options import Terminal


@dataclass(frozen=True)
class Environment:
    """What a run may know of where it runs; every value read once."""

    stdin: IO[Any] | None = None
    stdout: IO[Any] | None = None
    stderr: IO[Any] | None = None
    stdin_isatty: bool = False
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    columns: int | None = None  # $COLUMNS, when it is a number
    stdout_columns: int = 80  # the terminal's width, as standard output sees it
    stderr_columns: int = 80  # the same for standard error (80 when it is not a terminal)
    no_color: bool = False  # $NO_COLOR is set (https://no-color.org)
    # The clock (SOURCE_DATE_EPOCH, else the system's, read by briefgen.clock): the
    # time, and the day a fact added today is dated.
    clock: Callable[[], dt.datetime] = field(default=now, compare=False)
    today: Callable[[], dt.date] = field(default=today, compare=False)

    @classmethod
    def from_os(
        cls,
        environ: Mapping[str, str] | None = None,
        stdin: IO[Any] | None = None,
        stdout: IO[Any] | None = None,
        stderr: IO[Any] | None = None,
    ) -> Environment:
        """The environment of this process (or of the streams given)."""
        environ = os.environ if environ is None else environ
        stdin = sys.stdin if stdin is None else stdin
        stdout = sys.stdout if stdout is None else stdout
        stderr = sys.stderr if stderr is None else stderr
        columns = environ.get("COLUMNS", "")
        return cls(
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            stdin_isatty=_isatty(stdin),
            stdout_isatty=_isatty(stdout),
            stderr_isatty=_isatty(stderr),
            columns=int(columns) if columns.isdigit() else None,
            # The process's own standard output, as shutil.get_terminal_size() asks.
            stdout_columns=_stream_columns(sys.__stdout__),
            stderr_columns=_stream_columns(stderr),
            no_color=environ.get("NO_COLOR", "") != "",
        )

    def width(self, on_terminal: bool, default: int = 80) -> int:
        """The width to draw at: ``$COLUMNS``, else the terminal's when the output goes
        to it (``on_terminal``), else ``default``."""
        if self.columns is not None:
            return self.columns
        return self.stdout_columns if on_terminal else default

    def stderr_width(self) -> int:
        """The width to wrap lines on standard error at (40 at least)."""
        return max(self.stderr_columns, 40)

    def terminal(self, color: bool, default: int = 80) -> Terminal:
        """The terminal a ``term`` brief or a listing is drawn for: in colour when
        ``color`` (the output goes to the terminal), as wide as :meth:`width` says."""
        return Terminal(self.width(color, default), color, self.no_color)


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def _stream_columns(stream: IO[Any] | None) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns if stream is not None else 0
    except (AttributeError, OSError, ValueError):  # not a terminal, or no file descriptor
        columns = 0
    return columns if columns > 0 else 80  # a terminal of unknown width says 0
