"""One writer at a time: the lock a command takes on a fact base before it writes to it.

As git takes ``index.lock`` before it writes its index, ``add`` and ``sources
import`` take ``.briefgen.lock`` in the base's directory, then read again the
files they write, and only then write. Two commands at once no longer both
read the old file and each write it back with only their own addition.

The lock is an ``flock`` held on that file: the system releases it when its
holder ends, however it ends (``kill -9`` too), so there is never a stale lock
to remove by hand. The file is removed by the writer on its way out; one left
behind by a killed writer holds no lock, and the next writer takes it over.
A writer that finds the lock taken waits for it, for :data:`TIMEOUT` seconds at
most (``BRIEFGEN_LOCK_TIMEOUT``), then gives up with :class:`BaseLocked`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from briefgen.errors import BriefgenError, ExitCode, UsageError
from briefgen.paths import display_path

LOCK_NAME = ".briefgen.lock"
TIMEOUT = 10.0
ENV_TIMEOUT = "BRIEFGEN_LOCK_TIMEOUT"
_POLL = 0.02


class BaseLocked(BriefgenError):
    """Another command held the base's lock for longer than the timeout."""

    exit_code = ExitCode.ERROR


def timeout() -> float:
    """How long a writer waits for the lock: ``$BRIEFGEN_LOCK_TIMEOUT``, else :data:`TIMEOUT`."""
    value = os.environ.get(ENV_TIMEOUT)
    if not value:
        return TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86400:
        raise UsageError(f"{ENV_TIMEOUT}: {value!r} is not a number of seconds")
    return seconds


@contextmanager
def base_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of the fact base in ``root`` during the block."""
    import fcntl

    wait = timeout() if wait is None else wait
    path = root / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise BriefgenError(
                f"cannot lock {display_path(root)}: {display_path(path)}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise BaseLocked(
                    f"{display_path(root)} is being written by another briefgen: its lock "
                    f"{display_path(path)} was held for over {wait:g} s; nothing written, "
                    "try again"
                ) from None
            time.sleep(_POLL)
            continue
        except OSError as exc:
            os.close(fd)
            raise BriefgenError(f"cannot lock {display_path(root)}: {exc.strerror}") from None
        # The file locked must still be the one at its name: the writer before may have
        # removed it after this one opened it, and a third would then lock another.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
        except OSError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)
