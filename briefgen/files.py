"""The files of a fact base, read safely: once, before anything is parsed, and only if
they are what they seem (see :mod:`briefgen.store`)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from briefgen import safe_yaml
from briefgen.errors import UsageError, setting
from briefgen.paths import display_path, package_data
from briefgen.reading import MAX_FILE_SIZE, Unreadable, read_bytes, too_large

ENV_FACTS_DIR = "BRIEFGEN_FACTS_DIR"
MAX_BASE_SIZE = 256 * 1024 * 1024
# Problems listed for one item; the others are counted.
BASE_FILES = ("base.yaml", "themes.yaml", "sources.yaml", "measures.yaml", "judgments.yaml")
YAML_SUFFIXES = (".yaml", ".yml")


def default_facts_dir() -> Path:
    """``$BRIEFGEN_FACTS_DIR``, else ``./facts`` if it is a fact base, else the shipped base."""
    env = os.environ.get(ENV_FACTS_DIR)
    if env:
        return Path(env)
    local = Path("facts")
    if (local / "themes.yaml").is_file():
        return local
    return package_data("facts")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a base is read.

    Reading creates a great many objects that all stay alive, and the
    collector would walk all of them again and again: at 10,000 facts it
    took a third of the time. The objects hold no reference cycles, so
    nothing is lost by collecting later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class FileContent:
    """One file of a fact base: its bytes, or why they could not be read."""

    raw: bytes = b""
    problem: str | None = None


@dataclass(frozen=True)
class BaseFiles:
    """The files of one fact base, read: by name relative to the base (``items/a.yaml``)."""

    display: str  # the base, as it is named to the user
    files: dict[str, FileContent]
    has_items: bool  # whether the base has an items/ directory
    name_file: Callable[[str], str]  # how a file of the base is named to the user

    def contents(self) -> Iterator[tuple[str, bytes]]:
        """Each file's name and what it holds (or why it could not be read), in a stable order."""
        for name, content in self.files.items():
            yield name, content.raw if content.problem is None else content.problem.encode()

    def with_texts(self, texts: Mapping[str, bytes]) -> BaseFiles:
        """These files with ``texts`` (by name) in place of theirs, or added: the base as
        it would be read once they are written."""
        files = dict(self.files)
        for name, raw in texts.items():
            files[name] = (
                FileContent(raw)
                if len(raw) <= MAX_FILE_SIZE
                else FileContent(problem=file_too_large())
            )
        has_items = self.has_items or any(name.startswith("items/") for name in texts)
        return replace(self, files=in_order(files), has_items=has_items)


def in_order(files: dict[str, FileContent]) -> dict[str, FileContent]:
    """``files`` in the order a base is read: :data:`BASE_FILES`, then the others by name."""
    ordered = {name: files[name] for name in BASE_FILES if name in files}
    ordered.update(sorted((n, c) for n, c in files.items() if n not in ordered))
    return ordered


def fact_files(root: Path) -> list[Path]:
    """Every file a fact base is read from, in a stable order.

    Anything with a YAML name is listed, whatever it is (a link, even broken, a
    named pipe), so that reading it reports why it cannot be read. An ``items/``
    that links outside the base is not walked (:func:`read_directory` says so),
    and no link to a directory inside ``items/`` is followed.
    """
    files = [root / name for name in BASE_FILES if os.path.lexists(root / name)]
    items = root / "items"
    if items.is_dir() and _items_inside(root):
        found = []
        # A directory that cannot be listed is one of the base's files that cannot be read:
        # reading it says why, where walking on would lose its facts without a word.
        unlisted: list[OSError] = []
        for folder, directories, names in os.walk(
            items, followlinks=False, onerror=unlisted.append
        ):
            here = Path(folder)
            for name in names + [d for d in directories if (here / d).is_symlink()]:
                if name.endswith(YAML_SUFFIXES):
                    found.append(here / name)
        found += [Path(error.filename) for error in unlisted if error.filename]
        files += sorted(found, key=lambda p: p.relative_to(items).as_posix())
    return files


def _items_inside(root: Path) -> bool:
    try:
        return (root / "items").resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def read_directory(root: Path) -> BaseFiles:
    """The files of the fact base in ``root``, each read safely (see the module's docstring).

    At most :data:`MAX_BASE_SIZE` bytes are read in all: the files past it are
    reported, unread.
    """
    real_root = root.resolve()
    files: dict[str, FileContent] = {}
    total = 0
    for path in fact_files(root):
        name = path.relative_to(root).as_posix()
        if total > MAX_BASE_SIZE:
            files[name] = FileContent(problem=_base_too_large())
            continue
        files[name] = content = _read_file(path, real_root)
        total += len(content.raw)
    if (root / "items").is_dir() and not _items_inside(root):
        # Reported as a file of the base would be: the load lists it, and fails.
        files["items/"] = FileContent(problem="links outside the fact directory")
    return BaseFiles(
        display_path(root), files, (root / "items").is_dir(), lambda name: display_path(root / name)
    )


def _base_too_large() -> str:
    size = MAX_BASE_SIZE // (1024 * 1024)
    return f"not read: the base is larger than {size} MiB, the most briefgen reads from one base"


def texts_directory(root: Path) -> Path | None:
    """The base's ``texts/`` directory, if it has one: its sources' local texts.

    One that links outside the base is a usage error: a base passed around could
    otherwise have any file of its user's shown, or read, as a source's text.
    """
    texts = root / "texts"
    if not texts.is_dir():
        return None
    if not texts.resolve().is_relative_to(root.resolve()):
        raise UsageError(
            f"{display_path(texts)} links outside the fact directory: give {setting('texts', 'DIR')}"
        )
    return texts


def _read_file(path: Path, real_root: Path) -> FileContent:
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        return FileContent(problem="cannot read: too many levels of symbolic links")
    if not real.is_relative_to(real_root):
        return FileContent(problem="links outside the fact directory")
    # Opened without following a link (it is resolved, and checked, above) and without
    # waiting: a named pipe opens at once, and is then refused for what it is.
    try:
        return FileContent(read_bytes(real, MAX_FILE_SIZE, follow=False))
    except Unreadable as exc:
        return FileContent(problem=str(exc))


def file_too_large() -> str:
    return too_large(MAX_FILE_SIZE)


def fact_ids_by_file(root: Path) -> dict[Path, list[str]]:
    """The ids of the facts each ``items/`` file of ``root`` defines, in order (for adding facts).

    Only what a file defines is read, without validating it, the way the base is
    read (:func:`read_directory`): a file that cannot be read holds no ids.
    """
    found: dict[Path, list[str]] = {}
    for name, content in read_directory(root).files.items():
        if not name.startswith("items/") or content.problem is not None:
            continue
        try:
            data = safe_yaml.parse(content.raw.decode("utf-8-sig")).data
        except Exception:  # not YAML: loading the base reports why
            continue
        items = data if isinstance(data, list) else []
        found[root / name] = [
            i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)
        ]
    return found
