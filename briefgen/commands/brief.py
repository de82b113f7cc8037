"""``brief``: a brief of the selected facts, in the chosen format and length."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from briefgen.commands.options import (
    OUTPUT,
    Settings,
    brief_options,
    brief_text_options,
    check_lang,
    lang_option,
    notes_option,
    nothing_matched,
    pages_option,
    paper_option,
    pass_settings,
    selection,
    selection_options,
    spinner,
    template_option,
    write,
)
from briefgen.errors import UsageError
from briefgen.renderers import FORMATS, PDF_VARIANTS


@click.command()
@selection_options
@lang_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from -o's extension; else term on a terminal, md otherwise].",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
)
@brief_text_options
@click.option(
    "--allow-empty",
    is_flag=True,
    help="When nothing matches, write an empty brief and exit 0 (default: exit 4).",
)
@pages_option
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only facts new or changed since REF, another fact directory or a git revision "
    "of this one; removed facts are listed.",
)
@notes_option
@click.option("--width", type=click.IntRange(40, 1000), help="Terminal format: width in columns.")
@paper_option
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    help="PDF: pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival).",
)
@template_option
@pass_settings
def brief(
    settings: Settings,
    lang: str,
    fmt: str | None,
    output: Path | None,
    allow_empty: bool,
    changed_since: str | None,
    pages: int,
    width: int | None,
    paper: str,
    pdf_variant: str | None,
    template_dir: Path | None,
    **kw: Any,
) -> None:
    """Write a brief: key points, a section per theme, competing estimates,
    contradictions, and a footnote for every statement.

    \b
    Examples:
      briefgen brief --theme military
      briefgen brief -t china -t japan --lang fr -o brief.md
      briefgen brief --new-since 7d --format json
      briefgen brief -t military --marking 'OFFICIAL' -o military.pdf
    """
    from briefgen.brief import BriefRecipe
    from briefgen.production import RenderOptions, Terminal, produce
    from briefgen.query import select_facts

    to_stdout = output is None or str(output) == "-"
    fmt = fmt or _default_format(output, to_stdout)
    if fmt == "pdf" and to_stdout and sys.stdout.isatty():
        raise UsageError("refusing to write a PDF to the terminal; use -o FILE or redirect stdout")
    chosen = selection(kw)
    options = brief_options(kw, lang, pages, chosen.new_since)

    base = settings.load()
    check_lang(base, lang)
    selected = select_facts(base, chosen)
    changes = None
    if changed_since is not None:
        from briefgen.digest import changes_since

        changes = changes_since(base, settings.facts_dir, changed_since)
    recipe = BriefRecipe(base, tuple(selected), chosen.themes, options, changes)
    if not recipe.candidates() and not (changes and changes.removed) and not allow_empty:
        raise nothing_matched(changed_since, chosen.new_since)
    color = fmt == "term" and to_stdout and sys.stdout.isatty()
    render_options = RenderOptions(
        pages=pages,
        paper=paper,
        pdf_variant=pdf_variant,
        template_dir=template_dir,
        terminal=Terminal(width or _terminal_width(color), color),
    )
    if fmt == "pdf":
        from briefgen.output import temporary_directory

        # WeasyPrint's temporary fonts go in a directory removed however the run ends.
        with spinner(settings, "Typesetting the PDF…"), temporary_directory():
            product = produce(recipe, fmt, render_options)
    else:
        product = produce(recipe, fmt, render_options)
    for line in product.warnings:
        settings.info(line)
    write(product.data, None if to_stdout else output)


def _default_format(output: Path | None, to_stdout: bool) -> str:
    from briefgen.renderers import EXTENSIONS

    if not to_stdout and output is not None and output.suffix.lower() in EXTENSIONS:
        return EXTENSIONS[output.suffix.lower()]
    return "term" if to_stdout and sys.stdout.isatty() else "md"


def _terminal_width(is_tty: bool) -> int:
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    return shutil.get_terminal_size().columns if is_tty else 80
