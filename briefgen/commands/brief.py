"""``brief``: a brief of the selected facts, in the chosen format and length."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass
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
from briefgen.errors import BriefgenError, UsageError
from briefgen.renderers import BINARY_FORMATS, FORMATS, PAPER_SIZES, PDF_VARIANTS
from briefgen.styles import DEFAULT_STYLE, STYLE_NAMES

if TYPE_CHECKING:
    from briefgen.brief import BriefRecipe
    from briefgen.model import FactBase, PartialDate
    from briefgen.produce import RenderOptions


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
@click.option("--width", type=click.IntRange(40, 1000), help="Terminal format: width in columns.")
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES),
    default="a4",
    show_default=True,
    help="PDF and Word: paper size.",
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
@click.option(
    "--to",
    "mail_to",
    multiple=True,
    metavar="ADDRESS",
    help="eml: a recipient, e.g. 'Desk <desk@example.org>' (repeat for several).",
)
@click.option(
    "--cc", "mail_cc", multiple=True, metavar="ADDRESS", help="eml: a recipient of a copy."
)
@click.option("--from", "mail_from", metavar="ADDRESS", help="eml: the sender.")
@click.option("--subject", help="eml: the subject [default: the title and the date].")
@click.option("--attach-pdf", is_flag=True, help="eml: attach the PDF of the same brief.")
@pass_settings
def brief(settings: Settings, **params: Any) -> None:
    """Write a brief: key points, a section per theme, competing estimates,
    contradictions, and a footnote for every statement.

    \b
    Examples:
      briefgen brief --theme military
      briefgen brief -t china -t japan --lang fr -o brief.md
      briefgen brief --new-since 7d --format json
      briefgen brief -t military --marking 'OFFICIAL' -o military.pdf
      briefgen brief -t military -o military.docx
      briefgen brief --new-since 7d -f eml --to desk@example.org \\
          --from briefs@example.org | sendmail -t
    """
    from briefgen.produce import produce

    output: Path | None = params["output"]
    to_stdout = output is None or str(output) == "-"
    fmt = params["fmt"] or _default_format(output, to_stdout)
    if fmt in BINARY_FORMATS and to_stdout and sys.stdout.isatty():
        name = "a PDF" if fmt == "pdf" else "a Word document"
        raise UsageError(
            f"refusing to write {name} to the terminal; use -o FILE or redirect stdout"
        )
    color = fmt == "term" and to_stdout and sys.stdout.isatty()
    request = brief_request(settings, settings.load(), fmt, params, color)
    if request.empty and not request.allow_empty:
        raise request.nothing_matched()
    slow = fmt == "pdf" or (fmt == "eml" and request.options.mail.attach_pdf)
    with spinner(settings, "Typesetting the PDF…") if slow else nullcontext():
        product = produce(request.recipe, fmt, request.options)
    for line in product.warnings:
        settings.info(line)
    write(product.data, None if to_stdout else output)


@dataclass(frozen=True)
class BriefRequest:
    """What the options of ``brief`` ask for: a recipe, a format, how to render it."""

    recipe: BriefRecipe
    fmt: str
    options: RenderOptions
    allow_empty: bool = False
    changed_since: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to say: no fact selected, nothing removed."""
        changes = self.recipe.changes
        return not self.recipe.candidates() and not (changes and changes.removed)

    def nothing_matched(self) -> BriefgenError:
        return nothing_matched(self.changed_since, self.recipe.options.new_since)


def brief_request(
    settings: Settings, base: FactBase, fmt: str, params: dict[str, Any], color: bool = False
) -> BriefRequest:
    """The request the values of ``brief``'s options make (``params``, by parameter name).

    ``briefgen build`` makes each of its briefs from the same function, so a
    brief it writes is the very brief ``briefgen brief`` writes.
    """
    from briefgen.brief import BriefOptions, BriefRecipe
    from briefgen.produce import Mail, RenderOptions, Terminal
    from briefgen.query import compare_bases, select_facts

    brief_date: PartialDate | None = params["brief_date"]
    if brief_date is not None and brief_date.day is None:
        raise UsageError("--date needs a full date (YYYY-MM-DD)")
    mail = Mail(
        sender=params["mail_from"],
        to=tuple(params["mail_to"]),
        cc=tuple(params["mail_cc"]),
        subject=params["subject"],
        attach_pdf=params["attach_pdf"],
    )
    if fmt == "eml":
        from briefgen.renderers.eml import check_mail

        check_mail(mail)
    lang = params["lang"]
    check_lang(base, lang)
    chosen = selection(dict(params))
    selected = select_facts(base, chosen)
    changed_since = params["changed_since"]
    changes = None
    if changed_since is not None:
        from briefgen.store import load_revision

        changes = compare_bases(
            load_revision(settings.facts_dir, changed_since), base, changed_since
        )
    pages = params["pages"]
    notes = params["notes"]
    options = BriefOptions(
        lang=lang,
        style=params["style"],
        title=params["title"],
        subtitle=params["subtitle"],
        marking=params["marking"],
        author=params["author"],
        date=brief_date.first_day() if brief_date else None,
        key_points=params["key_points"],
        grades=not params["no_grades"],
        new_since=chosen.new_since,
        bibliography=params["with_bibliography"],
        compact_notes=(notes or ("compact" if pages else "full")) == "compact",
    )
    recipe = BriefRecipe(base, tuple(selected), chosen.themes, options, changes)
    render_options = RenderOptions(
        pages=pages,
        paper=params["paper"],
        pdf_variant=params["pdf_variant"],
        template_dir=params["template_dir"],
        terminal=Terminal(params["width"] or _terminal_width(color), color),
        mail=mail,
    )
    return BriefRequest(recipe, fmt, render_options, params["allow_empty"], changed_since)


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
