"""A fact base as it was: another directory, or a git revision read with git's plumbing."""

from __future__ import annotations

import os
from pathlib import Path

from briefgen.errors import UsageError, setting
from briefgen.files import (
    BASE_FILES,
    YAML_SUFFIXES,
    BaseFiles,
    FileContent,
    collector_paused,
    default_facts_dir,
    file_too_large,
    in_order,
    read_directory,
)
from briefgen.model import FactBase
from briefgen.reading import MAX_FILE_SIZE
from briefgen.validation import Loading


def load_revision(root: str | os.PathLike[str] | None, ref: str) -> FactBase:
    """The fact base as it was: another directory, or a git revision of ``root``.

    A revision is read with git's plumbing, which applies no filter and runs
    nothing the repository asks for: only the base's YAML files, each of at
    most :data:`MAX_FILE_SIZE` bytes. The repository and its working tree are
    not touched. A link committed in the base is reported, not followed.
    """
    # A past revision is not judged by grading rules it may predate (briefgen.grading).
    here = Path(root) if root is not None else default_facts_dir()
    files = read_directory(Path(ref)) if Path(ref).is_dir() else read_revision(here, ref)
    with collector_paused():
        return Loading(files, grades=False).run()


def _refused(mode: str, kind: str, size: str) -> FileContent | None:
    """Why a file git lists is not read (a link, not a file, too large), or None."""
    if mode == "120000":
        return FileContent(problem="a symbolic link: links are not read from a git revision")
    if kind != "blob":
        return FileContent(problem=f"cannot read: a {kind}, not a file")
    if int(size) > MAX_FILE_SIZE:
        return FileContent(problem=file_too_large())
    return None


def read_revision(here: Path, ref: str) -> BaseFiles:
    """The files of the fact base in ``here`` as git revision ``ref`` has them."""
    import subprocess

    def git(*args: str, stdin: bytes | None = None) -> bytes:
        return subprocess.run(
            ["git", "-C", str(here), *args],
            input=stdin,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout

    unknown = UsageError(
        f"{setting('changed-since')} {ref!r}: neither a directory nor a git revision of {here}"
    )
    if ref.startswith("-"):
        raise unknown  # never an option of git's
    try:
        prefix = git("rev-parse", "--show-prefix").decode().strip()
        commit = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except (OSError, subprocess.SubprocessError):
        raise unknown from None
    try:
        # -r: every file below the base; -t: the directories too; -l: each blob's size.
        listing = git(
            "ls-tree", "--full-tree", "-r", "-t", "-l", "-z", f"{commit}:{prefix.rstrip('/')}"
        )
    except subprocess.CalledProcessError:
        raise UsageError(
            f"{setting('changed-since')} {ref!r}: {here} did not exist at that revision"
        ) from None
    except (OSError, subprocess.SubprocessError):
        raise unknown from None

    def shown(name: str) -> str:
        return f"{ref}:{prefix}{name}"

    files: dict[str, FileContent] = {}
    blobs: dict[str, str] = {}  # name -> object id, of the files to read
    has_items = False
    for entry in listing.decode("utf-8", errors="surrogateescape").split("\0"):
        if not entry:
            continue
        meta, name = entry.split("\t", 1)
        mode, kind, object_id, size = meta.split()
        if name == "items" and kind == "tree":
            has_items = True
        if not (name in BASE_FILES or (name.startswith("items/") and name.endswith(YAML_SUFFIXES))):
            continue
        refused = _refused(mode, kind, size)
        if refused is not None:
            files[name] = refused
        else:
            blobs[name] = object_id
    if blobs:
        # One process for every file; --batch gives the stored bytes, with no filter.
        output = git(
            "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in blobs.values()).encode()
        )
        position = 0
        for name in blobs:
            # "<object id> blob <size>\n<content>\n" each, or "<object id> missing\n".
            header_end = output.index(b"\n", position)
            header = output[position:header_end].split()
            if len(header) != 3 or header[1] != b"blob":
                files[name] = FileContent(problem="cannot read: missing from git")
                position = header_end + 1
                continue
            length = int(header[2])
            files[name] = FileContent(output[header_end + 1 : header_end + 1 + length])
            position = header_end + 1 + length + 1
    return BaseFiles(f"{ref}:{prefix.rstrip('/') or '.'}", in_order(files), has_items, shown)
