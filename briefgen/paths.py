"""Where briefgen finds its packaged files (templates, fonts, the default facts), how it
names paths to the user, the names of standard output, and how it reads TOML files."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

_PACKAGE = Path(__file__).resolve().parent
# Names of standard output: ``-o`` any of them writes to stdout, it replaces no file.
STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def package_data(name: str) -> Path:
    """The directory ``name`` shipped with briefgen (``templates`` or ``facts``).

    A wheel carries them inside the package; an editable install or a source
    checkout has them at the top of the project, beside the package.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"briefgen's {name}/ directory is missing from the installation")


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def toml_reader() -> ModuleType:
    """The TOML reader of this Python: :mod:`tomllib`, or tomli before Python 3.11
    (imported when first asked for, not when briefgen starts)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib
