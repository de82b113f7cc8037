"""Importing WeasyPrint without a search for its native libraries by subprocess.

WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names for
each, most of them the names used on other systems (``libpango-1.0-0`` is
the Windows name). cffi hands every name the dynamic linker refuses to
:func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p``, then
``gcc`` and ``ld``, for each name: some sixty processes and a quarter of a
second or more, a fifth of a one-page PDF's time.

While WeasyPrint is imported, :func:`linker_cache_lookup` answers those
questions from a single reading of the dynamic linker's cache, which is where
``find_library`` itself looks first. A library the cache does not list is
still found: WeasyPrint's names include each library's file name
(``libpango-1.0.so.0``), which the dynamic linker looks for everywhere it
would, ``LD_LIBRARY_PATH`` included. Should the import fail all the same,
:func:`import_weasyprint` tries once more with ``find_library`` as it was.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import Any

LDCONFIG = "/sbin/ldconfig"


def import_weasyprint() -> Any:
    """The ``weasyprint`` module; OSError when its native libraries cannot be loaded."""
    # When a library is missing WeasyPrint prints a page of advice to stdout,
    # where the document may be going; the caller says what to install.
    with contextlib.redirect_stdout(io.StringIO()):
        if "weasyprint" not in sys.modules:
            try:
                with linker_cache_lookup():
                    import weasyprint
            except OSError:
                pass  # and again with the thorough search, one process per name
        import weasyprint
    return weasyprint


@contextlib.contextmanager
def linker_cache_lookup() -> Iterator[None]:
    """Within the block, ``ctypes.util.find_library`` reads ``ldconfig -p`` once, on Linux."""
    listing = _linker_cache() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return
    import ctypes.util

    def find_library(name: str) -> str | None:
        # The pattern ctypes.util uses on the same listing: the soname of lib<name>.
        found = re.search(rf"\s(lib{re.escape(name)}\.\S+)\s+\(", listing)
        return found.group(1) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _linker_cache() -> str | None:
    """The dynamic linker's list of libraries, or None where there is no ldconfig."""
    import subprocess

    try:
        listing = subprocess.run(
            [LDCONFIG, "-p"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return listing.decode(errors="replace")
