"""Writing output: to stdout, or to a file atomically (temporary file + rename).

A failed run never leaves a half-written file and never touches an existing
one: the new content replaces the old in one step, or not at all.

Every file briefgen writes, a brief, a base's items file or ``sources.yaml``,
goes through :func:`write_atomic`, which works on an open directory (``dir_fd``)
rather than on paths resolved beforehand: what it checks is what it writes.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from briefgen.errors import OutputError, StreamClosed

_CHUNK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def write_atomic(
    path: Path, data: str | bytes, *, named: bool = False, within: Path | None = None
) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The rules (docs/safety.md, "Writing files and the base"):

    - a link at ``path`` is written through only if the user ``named`` that
      path (``-o FILE`` on the command line) and the link is theirs; any other
      link is refused, never followed nor replaced;
    - what is not a regular file (``/dev/null``, a named pipe, a terminal) is
      written to in place, and only when ``named``: it cannot be replaced
      atomically, and must not be replaced at all;
    - a file that cannot be written (mode 0444) is refused, as ``sh`` refuses
      ``>`` on it; the file that replaces another keeps its mode, its owner and
      group where it can (else it is refused) and its extended attributes (ACLs);
    - with ``within``, the directory written in must lie inside it, its links
      resolved once it is open.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    parent = str(path.parent) or "."
    try:
        folder = os.open(parent, os.O_RDONLY | _DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        if within is not None and not _opened_path(folder, parent).is_relative_to(within.resolve()):
            raise OutputError(f"cannot write {path}: its directory lies outside {within}")
        _write_in(folder, path, payload, named, follow=named)
    finally:
        os.close(folder)


def _opened_path(folder: int, parent: str) -> Path:
    """Where the directory open as ``folder`` is, links resolved."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{folder}"))
    except OSError:  # no /proc: resolve the name, as close to the open as can be
        return Path(parent).resolve()


def _write_in(folder: int, path: Path, payload: bytes, named: bool, follow: bool) -> None:
    name = path.name

    def failed(exc: OSError) -> OutputError:
        return OutputError(f"cannot write {path}: {exc.strerror or exc}")

    try:
        info: os.stat_result | None = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise failed(exc) from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        _write_through_link(folder, path, payload, named, follow, info)
        return
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        if not named:
            raise OutputError(f"cannot write {path}: {_kind(info.st_mode)}, not a regular file")
        _write_in_place(folder, path, payload)
        return
    if info is not None and not _writable(name, folder):
        raise OutputError(f"cannot write {path}: {os.strerror(errno.EACCES)}")
    tmp = f".{name}.{os.urandom(4).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, 0o600, dir_fd=folder)
    except OSError as exc:
        if info is not None and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            # A writable file in a directory that takes no new file: written in place,
            # as the shell would, since it cannot be replaced.
            _write_in_place(folder, path, payload, truncate=True)
            return
        raise failed(exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, payload)
            handle.flush()
            if info is not None:
                _keep_attributes(handle.fileno(), name, folder, info, path)
            else:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        if isinstance(exc, OSError):
            raise failed(exc) from None
        raise


def _write_through_link(
    folder: int, path: Path, payload: bytes, named: bool, follow: bool, info: os.stat_result
) -> None:
    """Write the file the link at ``path`` leads to, if the user may: see :func:`_write_in`."""
    if not follow:
        raise OutputError(
            f"cannot write {path}: it is a symbolic link, and briefgen writes through "
            "a link only when it is yours and named on the command line"
        )
    if info.st_uid != os.geteuid():
        raise OutputError(f"cannot write {path}: a symbolic link that belongs to another user")
    # The file it leads to, written as if named itself: through no further link.
    target = Path(os.path.realpath(_opened_path(folder, str(path.parent)) / path.name))
    try:
        inner = os.open(target.parent, os.O_RDONLY | _DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        _write_in(inner, target, payload, named, follow=False)
    finally:
        os.close(inner)


def _writable(name: str, folder: int) -> bool:
    try:
        return os.access(name, os.W_OK, dir_fd=folder, effective_ids=True)
    except NotImplementedError:  # pragma: no cover - effective_ids is not everywhere
        return os.access(name, os.W_OK, dir_fd=folder)


def _keep_attributes(fd: int, name: str, folder: int, old: os.stat_result, path: Path) -> None:
    """Give the new file ``fd`` the mode, owner, group and extended attributes of ``old``.

    A file of another user's that cannot be given back to them is not replaced:
    it would become the writer's own.
    """
    os.fchmod(fd, stat.S_IMODE(old.st_mode) & 0o777)
    if old.st_uid != os.geteuid() or old.st_gid != os.getegid():
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except OSError:
            if old.st_uid != os.geteuid():
                raise OutputError(
                    f"cannot write {path}: it belongs to another user, and the file "
                    "replacing it would be yours"
                ) from None
            with suppress(OSError):
                os.fchown(fd, -1, old.st_gid)  # a group of the writer's, if it is one
            os.fchmod(fd, stat.S_IMODE(old.st_mode) & 0o777)  # chown clears setgid bits
    if hasattr(os, "listxattr"):
        with suppress(OSError):
            flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC
            source = os.open(name, flags, dir_fd=folder)
            try:
                for key in os.listxattr(source):
                    with suppress(OSError):
                        os.setxattr(fd, key, os.getxattr(source, key))
            finally:
                os.close(source)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _write_in_place(folder: int, path: Path, payload: bytes, truncate: bool = False) -> None:
    # Never O_CREAT: it exists, and stays; never through a link; never a controlling tty.
    flags = os.O_WRONLY | os.O_CLOEXEC | _NOFOLLOW | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path.name, flags, dir_fd=folder)
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, payload)
            handle.flush()
            if truncate:
                os.ftruncate(handle.fileno(), len(payload))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


class ClosedStream(io.TextIOBase):
    """What stands for standard input or output that was closed when briefgen started:
    any read or write raises :class:`StreamClosed`, which ends the run with one line."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, stream: str) -> None:
        super().__init__()
        self.stream = stream
        self.buffer = _ClosedBuffer(stream)

    def readable(self) -> bool:
        return self.stream == "input"

    def writable(self) -> bool:
        return self.stream != "input"

    def write(self, text: object) -> int:
        raise StreamClosed(self.stream)

    def read(self, size: int | None = -1) -> str:
        raise StreamClosed(self.stream)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise StreamClosed(self.stream)

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass


class _ClosedBuffer(io.BufferedIOBase):
    def __init__(self, stream: str) -> None:
        super().__init__()
        self.stream = stream

    def readable(self) -> bool:
        return self.stream == "input"

    def writable(self) -> bool:
        return self.stream != "input"

    def write(self, data: object) -> int:
        raise StreamClosed(self.stream)

    def read(self, size: int | None = -1) -> bytes:
        raise StreamClosed(self.stream)

    def read1(self, size: int = -1) -> bytes:
        raise StreamClosed(self.stream)

    def isatty(self) -> bool:
        return False


def guard_standard_streams(closed: Iterable[int]) -> None:
    """Stand in for the standard descriptors in ``closed`` (0, 1, 2), closed by the caller.

    Each is opened on the null device first, so that no file briefgen opens later
    takes its number: a brief written with ``-o`` would otherwise also receive
    what is meant for standard output. Reading standard input or writing to
    standard output then fails with one line (:class:`StreamClosed`); what goes to a
    closed standard error is lost, and the exit status still says how the run ended.
    """
    for fd in sorted(closed):
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    if 0 in closed:
        sys.stdin = ClosedStream("input")
    if 1 in closed:
        sys.stdout = ClosedStream("output")


def write_stdout(data: str | bytes | Iterable[str | bytes]) -> None:
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
                _write_all(out, piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        out.flush()
    except (BrokenPipeError, StreamClosed):
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
    import shutil
    import tempfile

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
