"""A cache of parsed fact bases, so that repeated runs skip YAML parsing and validation.

Entries live in ``$XDG_CACHE_HOME/briefgen`` (``~/.cache/briefgen``) and are
keyed on a hash of the content of every fact file, of briefgen's version and
of its loading code, and of the Python and pydantic versions: an entry can
never be stale, and deleting the directory (or any file in it) is always
safe. Each fact directory keeps only its latest entry, so the cache does not
grow with every edit. ``BRIEFGEN_CACHE=0`` turns the cache off.

Entries are pickles, so the cache directory must belong to the user and be
writable by nobody else; otherwise it is not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from pydantic import VERSION as PYDANTIC_VERSION

from briefgen import __version__
from briefgen.model import FactBase

# The code that decides what a loaded base holds.
_CODE = [
    Path(__file__).with_name(name) for name in ("model.py", "store.py", "safe_yaml.py", "cache.py")
]


def directory() -> Path | None:
    """The cache directory, or None when caching is off or the directory is unsafe."""
    if os.environ.get("BRIEFGEN_CACHE", "1") in ("0", "", "false", "no"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "briefgen"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (
        info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        return None
    return path


def key(root: Path, files: Iterable[tuple[str, bytes]]) -> str:
    """The entry for ``root``: a hash of its path, then a hash of everything its base depends on.

    ``files`` are the names of the base's files and what they hold, as the
    store read them: the cache never reads a fact file itself.
    """
    where = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}\0{sys.version}\0{PYDANTIC_VERSION}\0{where}\0".encode())
    for code in _CODE:
        info = code.stat()
        digest.update(f"{info.st_size}:{info.st_mtime_ns}\0".encode())
    for name, content in files:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return f"{where}-{digest.hexdigest()}"


def get(entry: str) -> FactBase | None:
    """The cached base for ``entry``, or None."""
    folder = directory()
    if folder is None:
        return None
    try:
        data = (folder / f"{entry}.pickle").read_bytes()
        base = pickle.loads(data)
    except Exception:
        return None
    return base if isinstance(base, FactBase) else None


def put(entry: str, base: FactBase) -> None:
    """Store ``base`` and drop older entries of the same directory.

    Failures are ignored (the cache is only an optimisation). The entry is
    written to a temporary file and renamed, so that a reader, even in
    another process, sees a whole entry or none.
    """
    import tempfile

    folder = directory()
    if folder is None:
        return
    target = folder / f"{entry}.pickle"
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(base, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        where = entry.split("-", 1)[0]
        for old in folder.glob(f"{where}-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return
