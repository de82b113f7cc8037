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

Then the first PDF of a process: cffi parses each C type WeasyPrint names
(``PangoRectangle *``) with pycparser, each time behind a declaration of
every typedef WeasyPrint declared, some hundreds of lines for a few words, a
tenth of a second in all. Only the typedefs a text names can change how it
parses, so :func:`parse_only_named_typedefs` has cffi declare those alone.

And fontTools' subsetter, which WeasyPrint imports with its PDF writer but
uses only where HarfBuzz's own subsetter is missing: some 20 ms of every
PDF. :func:`subsetter_on_first_use` has it loaded when it is
first used (:class:`importlib.util.LazyLoader`), which with HarfBuzz's
subsetter at hand is never.
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
            parse_only_named_typedefs()
            subsetter_on_first_use()
            try:
                with linker_cache_lookup():
                    import weasyprint
            except OSError:
                pass  # and again with the thorough search, one process per name
        import weasyprint
    return weasyprint


def subsetter_on_first_use(name: str = "fontTools.subset") -> None:
    """From now on, importing the module ``name`` makes a module that loads on first use."""
    import importlib.util

    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    # ``from fontTools import subset`` takes it from its package, untouched; the
    # import system would read its __spec__, which loads it.
    package, _, child = name.rpartition(".")
    if package:
        setattr(sys.modules[package], child, module)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_only_named_typedefs() -> None:
    """From now on, cffi parses a C text behind the typedefs it names, not behind all."""
    import threading

    try:
        from cffi import cparser  # type: ignore[import-untyped]
    except ImportError:
        return
    original = getattr(cparser.Parser, "_parse", None)
    if original is None or getattr(original, "_named_typedefs", False):
        return
    lock = threading.Lock()

    def _parse(self: Any, csource: str) -> Any:
        declarations = getattr(self, "_declarations", None)
        if not isinstance(declarations, dict):
            return original(self, csource)
        words = set(_WORD.findall(csource))
        named = {
            key: value
            for key, value in declarations.items()
            if not key.startswith("typedef ") or key[8:] in words
        }
        # cffi's _parse only reads the declarations, to list the typedef names.
        with lock:
            self._declarations = named
            try:
                return original(self, csource)
            finally:
                self._declarations = declarations

    _parse._named_typedefs = True  # type: ignore[attr-defined]
    cparser.Parser._parse = _parse


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
