"""``sources import``: sources from a CSL-JSON or BibTeX file, appended to ``sources.yaml``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import Command, Settings, echo, pass_settings
from briefgen.errors import BriefgenError, ExitCode, UsageError

if TYPE_CHECKING:
    from briefgen.authoring import SourceImport


class InvalidImport(BriefgenError):
    """The file holds entries that are not valid sources, or ids the base already has."""

    exit_code = ExitCode.INVALID


@click.command("import", cls=Command)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["csl-json", "bibtex"]),
    help="Format of FILE [default: from its extension (.json, .bib), else from its content].",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the sources as they would be added; write nothing."
)
@pass_settings
def import_sources(settings: Settings, file: Path, fmt: str | None, dry_run: bool) -> None:
    """Import sources from FILE, CSL-JSON (Zotero, pandoc, citeproc) or BibTeX/biblatex.

    Ids are kept (made into slugs where needed); every entry must be a valid
    source whose id is new to the base, or nothing is imported. Reliability is
    not imported: new sources are F (cannot be judged) until graded. The ids
    added are printed.

    \b
    Examples:
      briefgen sources import library.json          exported from Zotero as CSL JSON
      briefgen sources import refs.bib --dry-run    see what would be added
    """
    from briefgen.authoring import base_root, prepare_sources
    from briefgen.errors import InvalidFactBase, printable
    from briefgen.locking import base_lock
    from briefgen.output import write_atomic

    root = base_root(settings.facts_dir)
    name, reading = _read(file, fmt)
    # One writer at a time: the base is read, checked and written holding its lock.
    with contextlib.nullcontext() if dry_run else base_lock(root):
        base = settings.load()
        try:
            result = prepare_sources(root, base, reading, name)
        except InvalidFactBase as exc:
            for problem in exc.problems:
                click.echo(printable(str(problem)), err=True)
            count = len(exc.problems)
            raise InvalidImport(
                f"{count} problem{'s' if count != 1 else ''} in {name}; nothing imported"
            ) from None
        if not dry_run:
            write_atomic(result.path, result.text, within=root.resolve())
    _report(settings, result, dry_run)


def _read(file: Path, fmt: str | None) -> tuple[str, Any]:
    """The name to show of ``file``, and its entries read as ``fmt`` (by default, the
    format its extension or its text says)."""
    from briefgen import imports
    from briefgen.paths import display_path
    from briefgen.reading import MAX_IMPORT_SIZE, Unreadable, read_input

    name = "-" if str(file) == "-" else display_path(file)
    try:
        text = read_input(file, MAX_IMPORT_SIZE).decode("utf-8-sig")
    except Unreadable as exc:
        if str(file) != "-" and not os.path.lexists(file):
            raise UsageError(f"{name}: no such file") from None
        raise UsageError(f"{name}: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not valid UTF-8 text") from None
    if fmt is None:
        suffix = file.suffix.lower()
        fmt = {".json": "csl-json", ".bib": "bibtex", ".bibtex": "bibtex"}.get(
            suffix
        ) or imports.sniff(text)
    reading = (
        imports.read_csl_json(text, name) if fmt == "csl-json" else imports.read_bibtex(text, name)
    )
    if not reading.entries and not reading.problems:
        raise UsageError(f"{name}: no entries found (is it {fmt}?)")
    return name, reading


def _report(settings: Settings, result: SourceImport, dry_run: bool) -> None:
    """The ids added on stdout (or the entries that would be); what they are on stderr."""
    from briefgen.cite import family_name
    from briefgen.paths import display_path

    shown = display_path(result.path)
    if dry_run:
        echo(result.blocks)
    else:
        echo("".join(f"{source.id}\n" for source in result.sources))
    count = len(result.sources)
    verb = "would add" if dry_run else "added"
    settings.info(
        f"{verb} {count} source{'s' if count != 1 else ''} to {shown}, reliability F "
        "(cannot be judged) until graded:"
    )
    width = max(len(source.id) for source in result.sources)
    for source, key in zip(result.sources, result.keys, strict=True):
        renamed = f" (key {key})" if key != source.id else ""
        names = [family_name(name) for name in source.author]
        what = source.title or source.container_title or ", ".join(names) or source.URL or ""
        settings.info(f"  {source.id:<{width}}  {source.type:<18} {what[:60]}{renamed}")
    if result.left_out:
        fields = ", ".join(f"{name} ({n})" for name, n in result.left_out.items())
        settings.info(f"left out, having no place in a source: {fields}")
