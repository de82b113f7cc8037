"""``brief``: a brief of the selected facts, in the chosen format and length."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import (
    DATE,
    Settings,
    check_lang,
    lang_option,
    nothing_matched,
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
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
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
@click.option(
    "--notes",
    type=click.Choice(["compact", "full"]),
    help="compact: original sources of a 'cited in' chain in short form, the work read in "
    "full at its first note; full: every work in full at its first note "
    "[default: compact with --pages, full with --pages 0].",
)
@click.option(
    "--timeline/--no-timeline",
    default=None,
    help="HTML and PDF: draw the dated events on a timeline [default: where there is room, "
    "i.e. when it leaves out no fact, and always with --pages 0].",
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
    notes: str | None,
    timeline: bool | None,
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
    from briefgen.brief import BriefOptions, BriefRecipe
    from briefgen.produce import RenderOptions, Terminal, produce
    from briefgen.query import compare_bases, select_facts

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
        bibliography=with_bibliography,
        compact_notes=(notes or ("compact" if pages else "full")) == "compact",
        timeline=timeline,
    )
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
    with spinner(settings, "Typesetting the PDF…") if fmt == "pdf" else nullcontext():
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
