"""Load and validate a fact directory: the only code that reads fact files.

:func:`load` is here; reading the files is :mod:`briefgen.files` (a past
revision, :mod:`briefgen.revisions`), and checking them
:mod:`briefgen.validation`. Their names are here too, where they always were.

A fact directory holds ``themes.yaml``, ``sources.yaml``, ``items/*.yaml``
and optionally ``base.yaml`` and ``measures.yaml``. Every problem is
collected and reported at once as ``file:line: id: message``.

Files are read once, before anything is parsed, and only if they are what
they seem: regular files inside the base (links are followed only when they
stay inside it), of at most :data:`MAX_FILE_SIZE` bytes. A named pipe, a
device or a link out of the base is reported, never opened for reading or
waited on. The cache key is made from the bytes read.

YAML is read by :mod:`briefgen.safe_yaml` (PyYAML's C parser, no anchors,
no unusual tags, no bidirectional or control characters). Line numbers are
only worked out when there is a problem to report, so a valid base loads at
full speed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import UsageError
from briefgen.files import (
    BASE_FILES,
    ENV_FACTS_DIR,
    MAX_BASE_SIZE,
    YAML_SUFFIXES,
    BaseFiles,
    collector_paused,
    default_facts_dir,
    fact_files,
    fact_ids_by_file,
    read_directory,
    texts_directory,
)
from briefgen.model import FactBase
from briefgen.reading import MAX_FILE_SIZE

if TYPE_CHECKING:
    from briefgen.revisions import load_revision, read_revision
    from briefgen.validation import load_files

__all__ = [
    "BASE_FILES",
    "ENV_FACTS_DIR",
    "MAX_BASE_SIZE",
    "MAX_FILE_SIZE",
    "YAML_SUFFIXES",
    "BaseFiles",
    "default_facts_dir",
    "fact_files",
    "fact_ids_by_file",
    "load",
    "load_files",
    "load_revision",
    "read_directory",
    "read_revision",
    "texts_directory",
]


def load(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactBase:
    """Load and validate the fact base in ``path`` (default: :func:`default_facts_dir`).

    A valid base is kept in a cache (see :mod:`briefgen.cache`) keyed on the
    content of its files, so the next load of the same files skips parsing.
    Raises :class:`~briefgen.errors.InvalidFactBase` listing every problem.
    """
    root = Path(path) if path is not None else default_facts_dir()
    if not root.is_dir():
        raise UsageError(f"fact directory not found: {root}")
    with collector_paused():
        files = read_directory(root)
        from briefgen import cache as base_cache

        if not cache or base_cache.directory() is None:
            return _validated(files)
        key = base_cache.key(root, files.contents())
        display = files.display
        # Not held while a large base is unpickled (at 100,000 facts, 54 MiB of text).
        del files
        base = base_cache.get(key)
        if base is None or base.path != display:
            files = read_directory(root)  # read again: the cache had no entry
            key = base_cache.key(root, files.contents())
            base = _validated(files)
            base_cache.put(key, base)
        base_cache.remember(base, key)
        return base


def _validated(files: BaseFiles) -> FactBase:
    from briefgen.validation import Loading

    return Loading(files).run()


# Parsing a base (validation) and reading a past revision are imported only when used:
# a run that finds its base in the cache needs neither.
_ELSEWHERE = {
    "load_files": "briefgen.validation",
    "load_revision": "briefgen.revisions",
    "read_revision": "briefgen.revisions",
}


def __getattr__(name: str) -> Any:
    if name in _ELSEWHERE:
        import importlib

        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
