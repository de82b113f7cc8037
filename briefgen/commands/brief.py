"""``brief``: a brief of the selected facts, in the chosen format and length."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import (
    DATE,
    OUTPUT,
    Settings,
    check_lang,
    lang_option,
    nothing_matched,
    omitted_message,
    pass_settings,
    selection,
    selection_options,
    spinner,
    write,
)
from briefgen.errors import UsageError
from briefgen.renderers import FORMATS, PAPER_SIZES, PDF_VARIANTS
from briefgen.styles import DEFAULT_STYLE, STYLE_NAMES

if TYPE_CHECKING:
    from briefgen.brief import Brief, BriefRecipe
    from briefgen.model import PartialDate


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
@click.option(
    "--style",
    type=click.Choice(STYLE_NAMES),
    default=DEFAULT_STYLE,
    show_default=True,
    help="Citation style of the notes and bibliography (see docs/citations.md).",
)
@click.option("--title", help="Title of the brief [default: the fact base's title].")
@click.option("--subtitle", help="A line under the title.")
@click.option("--marking", metavar="TEXT", help="Marking line, e.g. 'OFFICIAL – FOR INTERNAL USE'.")
@click.option("--author", help="Author or organisation named on the brief.")
@click.option(
    "--date",
    "brief_date",
    type=DATE,
    help="Date printed on the brief [default: SOURCE_DATE_EPOCH, else today].",
)
@click.option(
    "--key-points",
    type=click.IntRange(0, 20),
    default=5,
    show_default=True,
    help="Maximum number of key points.",
)
@click.option(
    "--no-grades", is_flag=True, help="Leave out the source grades ([B2]) and their legend."
)
@click.option(
    "--bibliography",
    "with_bibliography",
    is_flag=True,
    help="Add a bibliography of the works read, sorted as the style prescribes.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="When nothing matches, write an empty brief and exit 0 (default: exit 4).",
)
@click.option(
    "--pages",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Length of the brief; the least important facts are left out to fit (0: no limit).",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only facts new or changed since REF, another fact directory or a git revision "
    "of this one; removed facts are listed.",
)
@click.option("--width", type=click.IntRange(40, 1000), help="Terminal format: width in columns.")
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES),
    default="a4",
    show_default=True,
    help="PDF: paper size.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    help="PDF: pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival).",
)
@click.option(
    "--template",
    "template_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="HTML and PDF: a directory of templates overriding the built-in ones by name.",
)
@pass_settings
def brief(
    settings: Settings,
    lang: str,
    fmt: str | None,
    output: Path | None,
    style: str,
    title: str | None,
    subtitle: str | None,
    marking: str | None,
    author: str | None,
    brief_date: PartialDate | None,
    key_points: int,
    no_grades: bool,
    with_bibliography: bool,
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
    from briefgen.brief import FACTS_PER_PAGE, BriefOptions, BriefRecipe
    from briefgen.query import compare_bases, select_facts
    from briefgen.renderers import render

    to_stdout = output is None or str(output) == "-"
    fmt = fmt or _default_format(output, to_stdout)
    if fmt == "pdf" and to_stdout and sys.stdout.isatty():
        raise UsageError("refusing to write a PDF to the terminal; use -o FILE or redirect stdout")
    if brief_date is not None and brief_date.day is None:
        raise UsageError("--date needs a full date (YYYY-MM-DD)")

    base = settings.load()
    check_lang(base, lang)
    chosen = selection(kw)
    selected = select_facts(base, chosen)
    changes = None
    if changed_since is not None:
        from briefgen.store import load_revision

        changes = compare_bases(
            load_revision(settings.facts_dir, changed_since), base, changed_since
        )
    options = BriefOptions(
        lang=lang,
        style=style,
        title=title,
        subtitle=subtitle,
        marking=marking,
        author=author,
        date=brief_date.first_day() if brief_date else None,
        key_points=key_points,
        grades=not no_grades,
        new_since=chosen.new_since,
        max_facts=pages * FACTS_PER_PAGE if pages else None,
        bibliography=with_bibliography,
    )
    # The PDF is fitted to its real layout; the other formats to a number of facts a page.
    if fmt == "pdf":
        options = replace(options, max_facts=None)
    recipe = BriefRecipe(base, tuple(selected), chosen.themes, options, changes)
    document = recipe.build()
    if document.is_empty and not allow_empty:
        raise nothing_matched(changed_since, chosen.new_since)
    data: str | bytes
    if fmt == "pdf":
        data = _pdf(settings, document, recipe, pages, paper, pdf_variant, template_dir)
    else:
        if document.omitted:
            total = len(document.facts) + len(document.omitted)
            needed = -(-total // FACTS_PER_PAGE)
            settings.info(omitted_message(document.omitted, pages, needed))
        render_options: dict[str, Any] = {}
        if fmt == "term":
            color = to_stdout and sys.stdout.isatty()
            render_options = {"width": width or _terminal_width(color), "color": color}
        elif fmt == "html":
            render_options = {"template_dir": template_dir}
        data = render(document, fmt, **render_options)
    write(data, None if to_stdout else output)


def _pdf(
    settings: Settings,
    document: Brief,
    recipe: BriefRecipe,
    pages: int,
    paper: str,
    variant: str | None,
    template_dir: Path | None,
) -> bytes:
    """Typeset the PDF (with a spinner on a terminal) and say what was left out."""
    from briefgen.output import temporary_directory
    from briefgen.renderers.pdf import fit_pdf

    with spinner(settings, "Typesetting the PDF…"), temporary_directory():
        fitted = fit_pdf(
            document,
            pages=pages,
            paper=paper,
            variant=variant,
            template_dir=template_dir,
            recipe=recipe,
        )
    for url in fitted.refused:
        settings.info(f"warning: not read: {url} (a PDF reads only data: URLs and its own fonts)")
    if fitted.omitted:
        settings.info(omitted_message(fitted.omitted, pages, fitted.pages_needed))
    if pages and fitted.pages > pages:
        settings.info(f"warning: the brief takes {fitted.pages} pages, more than --pages {pages}")
    return fitted.data


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
