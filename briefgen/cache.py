"""A cache of parsed fact bases, so that repeated runs skip YAML parsing and validation.

Entries live in ``$XDG_CACHE_HOME/briefgen`` (``~/.cache/briefgen``) and are
keyed on a hash of the content of every fact file, of briefgen's version and
of its loading code, and of the Python and pydantic versions: an entry can
never be stale, and deleting the directory (or any file in it) is always
safe. Each fact directory keeps only its latest entry, so the cache does not
grow with every edit. ``BRIEFGEN_CACHE=0`` turns the cache off.

Entries are pickles, so the cache directory must belong to the user and be
writable by nobody else, and must not be a link; otherwise it is not used.
It is opened once, and entries relative to it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from briefgen.model import FactBase
from briefgen.version import __version__

# The code that decides what a loaded base holds.
_CODE = [
    Path(__file__).with_name(name)
    for name in (
        "model.py",
        "fact_format.py",
        "store.py",
        "files.py",
        "revisions.py",
        "validation.py",
        "safe_yaml.py",
        "grading.py",
        "cache.py",
    )
]


_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_key() -> str:
    """A hash of the size and time of every file of the package: its code, fonts and
    templates, which what the caches beside the bases keep (a brief's choice of facts, the
    JSON of a listing) may depend on. Made once a process: the code it runs is the code
    it imported (a `build` or `serve` makes many briefs)."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        info = path.stat()
        digest.update(f"{path.relative_to(_PACKAGE)}\0{info.st_size}:{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def directory() -> Path | None:
    """The cache directory, or None when caching is off or the directory is unsafe."""
    with _opened() as (path, fd):
        return path if fd is not None else None


@contextmanager
def _opened() -> Iterator[tuple[Path | None, int | None]]:
    """The cache directory's path, and the directory opened (None when not to be used).

    It is opened without following a link and checked once opened: it must be
    a directory, belong to the user and be writable by nobody else. Entries
    are then opened relative to that descriptor, so that swapping the
    directory for a link afterwards cannot redirect a read to planted pickles.
    """
    if os.environ.get("BRIEFGEN_CACHE", "1") in ("0", "", "false", "no"):
        yield None, None
        return
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "briefgen"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        yield path, None
        return
    try:
        info = os.fstat(fd)
        private = stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            private = False
        yield path, fd if private else None
    finally:
        os.close(fd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


@lru_cache(maxsize=1)
def _checker_version() -> bytes:
    """What names the installed pydantic, which checked the bases kept: the text of its
    version module, read rather than imported (a base read from here needs no pydantic)."""
    spec = importlib.util.find_spec("pydantic")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return b""
    return Path(origin).with_name("version.py").read_bytes()


def key(root: Path, files: Iterable[tuple[str, bytes]]) -> str:
    """The entry for ``root``: a hash of its path, then a hash of everything its base depends on.

    ``files`` are the names of the base's files and what they hold, as the
    store read them: the cache never reads a fact file itself.
    """
    where = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}\0{sys.version}\0{where}\0".encode())
    digest.update(_checker_version())
    for code in _CODE:
        info = code.stat()
        digest.update(f"{info.st_size}:{info.st_mtime_ns}\0".encode())
    for name, content in files:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return f"{where}-{digest.hexdigest()}"


def get(entry: str) -> FactBase | None:
    """The cached base for ``entry``, or None."""
    with _opened() as (_, folder):
        if folder is None:
            return None
        try:
            fd = os.open(f"{entry}.pickle", os.O_RDONLY | _NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            with os.fdopen(fd, "rb") as handle:
                # Read as it is unpickled: the pickle of a large base is not also held whole.
                base = pickle.load(handle)
        except Exception:
            return None
    return base if isinstance(base, FactBase) else None


def put(entry: str, base: FactBase) -> None:
    """Store ``base`` and drop older entries of the same directory.

    Failures are ignored (the cache is only an optimisation). The entry is
    written whole or not at all (:func:`write_entry`), so that a reader, even
    in another process, sees a whole entry or none.
    """
    try:
        data = pickle.dumps(base, protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    where = entry.split("-", 1)[0]
    write_entry(
        f"{entry}.pickle",
        data,
        drop=lambda name: name.startswith(f"{where}-") and name.endswith(".pickle"),
    )


def read_entry(name: str) -> bytes | None:
    """The bytes of the cache file ``name`` (of another cache kept beside the bases), or None."""
    handle = open_entry(name)
    if handle is None:
        return None
    with handle:
        try:
            return handle.read()
        except OSError:
            return None


def open_entry(name: str) -> BinaryIO | None:
    """The cache file ``name`` (of another cache kept beside the bases) opened for reading,
    or None. Entries are replaced whole, never changed: an open one stays whole."""
    with _opened() as (_, folder):
        if folder is None:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        except OSError:
            return None
        return os.fdopen(fd, "rb")


def write_entry(
    name: str, data: bytes | Iterable[bytes], drop: Callable[[str], bool] = lambda _: False
) -> None:
    """Write the cache file ``name`` whole (or not at all), from its bytes or in pieces,
    then delete the files ``drop`` says are stale. Failures are ignored."""
    with _opened() as (_, folder):
        if folder is None:
            return
        tmp = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(tmp, flags, 0o600, dir_fd=folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    for piece in [data] if isinstance(data, bytes) else data:
                        handle.write(piece)
                os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
            except BaseException:
                with suppress(OSError):
                    os.unlink(tmp, dir_fd=folder)
                raise
            for other in os.listdir(folder):
                if other != name and drop(other):
                    with suppress(FileNotFoundError):
                        os.unlink(other, dir_fd=folder)
        except OSError:
            return


# The key of each base read through the cache, by the base's id (the base is kept alive
# with its key, so that its id is not given to another); the latest few only. The
# cache of the fitting's choices (briefgen.fitcache) is keyed on it.
_KEYS: dict[int, tuple[FactBase, str]] = {}
_KEPT = 8


def remember(base: FactBase, entry: str) -> None:
    """Note that ``base`` was read from (or stored as) the entry ``entry``."""
    _KEYS[id(base)] = (base, entry)
    while len(_KEYS) > _KEPT:
        del _KEYS[next(iter(_KEYS))]


def key_of(base: FactBase) -> str | None:
    """The entry ``base`` was read from or stored as, or None (not read through the cache)."""
    known = _KEYS.get(id(base))
    return known[1] if known is not None and known[0] is base else None
