"""``brief``: a brief of the selected facts, in the chosen format and length."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import (
    LINE,
    OUTPUT,
    Command,
    Settings,
    brief_text_options,
    lang_option,
    notes_option,
    pages_option,
    paper_option,
    pass_settings,
    selection_options,
    spinner,
    template_option,
    write,
)
from briefgen.errors import UsageError
from briefgen.renderers import BINARY_FORMATS, FORMATS, PDF_VARIANTS

if TYPE_CHECKING:
    from briefgen.digest import FactChanges
    from briefgen.model import FactBase
    from briefgen.production import Product
    from briefgen.request import PreparedBrief


@click.command(cls=Command)
@selection_options
@lang_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from -o's extension (an unknown one is an error); "
    "else term on a terminal, md otherwise].",
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
@click.option("--subject", type=LINE, help="eml: the subject [default: the title and the date].")
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
    from briefgen.output import temporary_directory
    from briefgen.production import produce

    env = settings.env
    output: Path | None = params["output"]
    to_stdout = output is None or str(output) == "-"
    on_tty = to_stdout and env.stdout_isatty  # the brief goes to the terminal
    fmt = params["fmt"] or _default_format(output, on_tty)
    if fmt in BINARY_FORMATS and on_tty:
        name = "a PDF" if fmt == "pdf" else "a Word document"
        raise UsageError(
            f"refusing to write {name} to the terminal; use -o FILE or redirect stdout"
        )
    color = fmt == "term" and on_tty
    request = brief_request(settings, settings.load(), fmt, params, color)
    if request.empty and not request.allow_empty:
        raise request.nothing_matched()
    if request.typesets:
        # WeasyPrint's temporary fonts go in a directory removed however the run ends.
        with spinner(settings, "Typesetting the PDF…"), temporary_directory():
            product = produce(request.recipe, fmt, request.options)
    else:
        product = produce(request.recipe, fmt, request.options)
    on_terminal = env.stderr_isatty
    for warning in product.warnings_for_command_line():
        for line in _wrapped(warning, env.stderr_width()) if on_terminal else [warning]:
            settings.info(line)
    write(product.data, None if to_stdout else output, named=_named("output"))
    if on_terminal and not to_stdout and output is not None:
        for line in _wrapped(written(output, product), env.stderr_width()):
            settings.info(line)


def _named(parameter: str) -> bool:
    """Whether the user gave ``parameter`` themselves (a link at the output is written
    through only then), on the command line or in the environment."""
    source = click.get_current_context().get_parameter_source(parameter)
    return source in (
        click.core.ParameterSource.COMMANDLINE,
        click.core.ParameterSource.ENVIRONMENT,
    )


def written(output: Path, product: Product) -> str:
    """``wrote military.pdf, 1 page``; for a format without pages, how many facts it holds."""
    from briefgen.paths import display_path

    if product.pages is not None:
        amount = f"{product.pages} page{'s' if product.pages != 1 else ''}"
    else:
        facts = len(product.brief.facts)
        amount = f"{facts} fact{'s' if facts != 1 else ''}"
    return f"wrote {display_path(output)}, {amount}"


def _wrapped(line: str, width: int) -> list[str]:
    """``line`` wrapped to ``width``, the lines after the first indented; an id or a path
    is never broken."""
    import textwrap

    lines = textwrap.wrap(
        line, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
    return lines or [line]


def brief_request(
    settings: Settings,
    base: FactBase,
    fmt: str,
    params: dict[str, Any],
    color: bool = False,
    changes_made: dict[tuple[Path | None, str], FactChanges] | None = None,
) -> PreparedBrief:
    """The values of ``brief``'s options (``params``, by parameter name) as a request,
    made against ``base`` (see :meth:`briefgen.request.BriefRequest.prepare`)."""
    from briefgen.request import BriefRequest

    request = BriefRequest.from_values(params, fmt, settings.env.terminal(color))
    return request.prepare(base, settings.facts_dir, changes_made)


def _default_format(output: Path | None, to_terminal: bool) -> str:
    """The format ``-o``'s extension names; without ``-o``, term on a terminal, else md.

    An extension briefgen does not know is a usage error (a typo such as ``.pfd`` must
    not quietly write Markdown); a name without one is Markdown.
    """
    from briefgen.renderers import EXTENSIONS

    if output is not None and str(output) != "-" and output.suffix:
        suffix = output.suffix.lower()
        if suffix not in EXTENSIONS:
            known = ", ".join(EXTENSIONS)
            raise UsageError(
                f"cannot tell the format of {output.name!r} from its extension: "
                f"use one of {known}, or say the format with -f"
            )
        return EXTENSIONS[suffix]
    return "term" if to_terminal else "md"
