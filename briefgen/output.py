"""Writing output: to stdout, or to a file atomically (temporary file + rename).

A failed run never leaves a half-written file and never touches an existing
one: the new content replaces the old in one step, or not at all.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from briefgen.errors import OutputError

_CHUNK = 1 << 20


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    A link is written through: the file it points at is replaced, not the link.
    What is not a regular file (``/dev/null``, a named pipe, a terminal) cannot
    be replaced atomically and must not be replaced at all: it is written to
    in place.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info = path.stat()
    except OSError:
        info = None  # a new file (or a link to one)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, payload)
        return
    target = path.resolve() if path.is_symlink() else path
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600; give the new file the usual permissions.
        mode = info.st_mode & 0o777 if info is not None else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_in_place(path: Path, payload: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)  # never O_CREAT: it exists, and stays
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, payload)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_stdout(data: str | bytes | Iterable[str]) -> None:
    """Write ``data`` to standard output: bytes unchanged, text (or pieces of text) as UTF-8.

    Raises :class:`BrokenPipeError` when the reader has gone away, and
    :class:`OutputError` when standard output takes no more (a full disk);
    either way, standard output is then discarded (:func:`discard_stdout`).
    """
    try:
        sys.stdout.flush()
        out = sys.stdout.buffer
        if isinstance(data, bytes):
            _write_all(out, data)
        elif isinstance(data, str):
            # A megabyte at a time, so that a large document is not also held encoded.
            for start in range(0, len(data), _CHUNK):
                _write_all(out, data[start : start + _CHUNK].encode("utf-8"))
        else:
            for piece in data:
                _write_all(out, piece.encode("utf-8"))
        out.flush()
    except BrokenPipeError:
        discard_stdout()
        raise
    except OSError as exc:
        discard_stdout()
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _write_all(out: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        # A write interrupted by a signal (SIGPIPE, when the reader goes away) may take
        # only part of the data, without an error: the next write then says why.
        view = view[out.write(view) :]


def discard_stdout() -> None:
    """Send standard output to the null device from now on.

    What it could not take is dropped, and the flush that ends every Python
    process cannot fail again with an "Exception ignored" message.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


@contextmanager
def temporary_directory() -> Iterator[None]:
    """Put the temporary files that :mod:`tempfile` makes during the block (WeasyPrint's
    fonts) in a directory of their own, removed when the block ends, however it ends.

    WeasyPrint removes its files when its objects are freed, which an interrupted
    run never gets to. This changes where the whole process puts temporary files:
    it is for a command-line run, around the rendering.
    """
    folder = tempfile.mkdtemp(prefix="briefgen-")
    previous, tempfile.tempdir = tempfile.tempdir, folder
    try:
        yield
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
