"""Reading input: every file briefgen reads, read one way, with a limit.

A file is opened without waiting (``O_NONBLOCK``: a named pipe opens at once)
and checked, once open, to be a regular file of at most the limit; only then
is it read, and never more than the limit even if it grows meanwhile. What is
not a regular file is refused, unless the user asked for it: standard input
(``-``), or a descriptor named as such (``/dev/stdin``, ``/dev/fd/3``, what a
shell's ``<(command)`` gives). Those are read up to the limit too, so that
``/dev/zero`` or a pipe that never ends cannot fill the memory.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from briefgen.errors import StreamClosed

# The largest file read: some 15,000 facts in a fact file, a long book as a source's
# text. A larger one is surely a mistake, and would take seconds and gigabytes.
MAX_FILE_SIZE = 8 * 1024 * 1024
# A bibliography may carry abstracts and fields a source has no place for.
MAX_IMPORT_SIZE = 64 * 1024 * 1024
# A configuration file: settings and [[brief]] tables.
MAX_CONFIG_SIZE = 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# Names of a descriptor the user opened themselves: reading one is asking for it.
_DESCRIPTOR = re.compile(r"^/(dev/stdin|dev/fd/\d+|proc/self/fd/\d+)$")


class Unreadable(Exception):
    """A file that is not read, and why (``str()``: the reason, for a message)."""


def too_large(limit: int) -> str:
    return f"larger than {limit // (1024 * 1024)} MiB, the most briefgen reads from one file"


def read_bytes(
    path: str | os.PathLike[str], limit: int = MAX_FILE_SIZE, *, follow: bool = True
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, else :class:`Unreadable`.

    ``follow=False``: a link at ``path`` is not followed (the caller resolved
    it and checked where it leads). A descriptor the user named
    (``/dev/fd/3``) may be a pipe or a terminal.
    """
    flags = os.O_RDONLY | _NONBLOCK | os.O_CLOEXEC | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if not (_DESCRIPTOR.match(os.fspath(path)) and _streams(info.st_mode)):
                raise Unreadable(f"cannot read: {file_kind(info.st_mode)}, not a file")
            os.set_blocking(fd, True)
        elif info.st_size > limit:
            raise Unreadable(too_large(limit))
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(limit + 1)  # it may have grown since
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise Unreadable(too_large(limit))
    return raw


def read_input(name: str | os.PathLike[str], limit: int) -> bytes:
    """What the user gave as a file to read: ``-`` is standard input."""
    if os.fspath(name) != "-":
        return read_bytes(name, limit)
    if sys.stdin is None:
        raise StreamClosed("input")
    try:
        raw = sys.stdin.buffer.read(limit + 1)
    except StreamClosed:
        raise
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise Unreadable(too_large(limit))
    return raw


class Outside(Unreadable):
    """A file that links outside the directory it is read from."""


def read_inside(
    directory: Path, name: str, limit: int = MAX_FILE_SIZE, *, called: str = "its directory"
) -> bytes | None:
    """The file ``name`` of ``directory``, if it is there (None if not): a name or link
    leading out of ``directory`` (``called`` so in the message) is :class:`Outside`,
    found before anything is opened."""
    path = directory / name
    if not os.path.lexists(path):
        return None
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        raise Unreadable("cannot read: too many levels of symbolic links") from None
    if not real.is_relative_to(directory.resolve()):
        raise Outside(f"links outside {called}")
    if not real.exists():
        return None  # a broken link
    return read_bytes(real, limit, follow=False)


def read_text_inside(directory: Path, name: str, *, called: str) -> str | None:
    """A text file of ``directory`` (a source's local text), as :func:`read_inside` reads
    it: decoded as UTF-8 (a byte that is not, replaced), ``\r\n`` and ``\r`` read as ``\n``."""
    data = read_inside(directory, name, MAX_FILE_SIZE, called=called)
    if data is None:
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((kind for test, kind in kinds if test(mode)), "not a file")


def _streams(mode: int) -> bool:
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)
