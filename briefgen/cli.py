"""The ``briefgen`` command line: parse options, call the library, print.

Only click is imported at start-up; each command imports what it needs, so
``briefgen --help`` stays fast. Errors are turned into one line on stderr and
an exit code in one place, :class:`BriefgenGroup`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, ExitCode, UsageError
from briefgen.renderers import FORMATS, PAPER_SIZES, PDF_VARIANTS
from briefgen.schema import SCHEMAS
from briefgen.styles import DEFAULT_STYLE, STYLE_NAMES

if TYPE_CHECKING:
    from briefgen.brief import Brief, BriefRecipe
    from briefgen.model import Fact, FactBase, PartialDate

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    """Options given to ``briefgen`` itself, before the command, and the configuration."""

    facts_dir: Path | None = None
    debug: bool = False
    quiet: bool = False
    profile: str | None = None
    configured: dict[str, Any] = field(default_factory=dict)

    def load(self) -> FactBase:
        from briefgen.store import load

        return load(self.facts_dir)

    def info(self, message: str) -> None:
        """A progress or summary line on stderr, unless ``--quiet``."""
        if not self.quiet:
            click.echo(message, err=True)


class BriefgenGroup(click.Group):
    """Turns :class:`BriefgenError` into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            if _debug(ctx):
                raise
            if exc.exit_code == ExitCode.EMPTY and isinstance(ctx.obj, Settings) and ctx.obj.quiet:
                sys.exit(exc.exit_code)  # an expected outcome a script tests for, not an error
            _fail(str(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``briefgen facts | head``): stop quietly.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.exit(ExitCode.ERROR)
        except Exception as exc:
            if _debug(ctx):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                ExitCode.ERROR,
            )


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Settings) and ctx.obj.debug


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"briefgen: error: {message}", err=True)
    sys.exit(code)


# -- option types ----------------------------------------------------------

_RELATIVE = re.compile(r"^(\d+)([dwmy])$")


class DateType(click.ParamType):
    """An ISO date, possibly partial (``2024``, ``2024-10``), or relative (``7d``, ``2w``, ``3m``)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from briefgen.model import PartialDate

        if isinstance(value, PartialDate):
            return value
        text = str(value).strip()
        relative = _RELATIVE.match(text)
        if relative:
            return _days_ago(int(relative[1]), relative[2])
        try:
            return PartialDate.parse(text)
        except ValueError:
            self.fail(
                f"{value!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or 7d, 2w, 3m, 1y",
                param,
                ctx,
            )


def _days_ago(count: int, unit: str) -> PartialDate:
    import datetime as dt

    from briefgen.brief import today
    from briefgen.model import PartialDate

    now = today()
    if unit in "dw":
        day = now - dt.timedelta(days=count * (7 if unit == "w" else 1))
    else:
        months = now.year * 12 + now.month - 1 - count * (12 if unit == "y" else 1)
        year, month = divmod(months, 12)
        day = dt.date(year, month + 1, min(now.day, 28))
    return PartialDate(day.year, day.month, day.day)


DATE = DateType()


def _complete_ids(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """Complete theme or source ids from the fact base the command would read."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from briefgen.store import load

        root = ctx.find_root()
        try:
            base = load(root.params.get("facts_dir"))
        except Exception:  # a broken base simply completes nothing
            return []
        if kind == "theme":
            pairs = [(t.id, next(iter(t.title.values()))) for t in base.themes]
        else:
            pairs = [(s.id, s.title or "") for s in base.sources.values()]
        return [CompletionItem(i, help=h) for i, h in pairs if i.startswith(incomplete)]

    return complete


def format_option(*choices: str, help: str = "Output format.") -> Callable[[F], F]:
    """``-f/--format`` of a listing command; the first choice is the default."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


def lang_option(f: F) -> F:
    return click.option(
        "--lang",
        "-l",
        default="en",
        show_default=True,
        metavar="LANG",
        help="Language of the text (a language of the fact base, e.g. en, fr).",
    )(f)


def selection_options(f: F) -> F:
    """Options that select facts, shared by ``facts`` and ``brief``."""
    options = [
        click.option(
            "-t",
            "--theme",
            "themes",
            multiple=True,
            shell_complete=_complete_ids("theme"),
            metavar="THEME",
            help="Only this theme (repeat for several; default: all).",
        ),
        click.option(
            "--kind",
            "kinds",
            multiple=True,
            type=click.Choice(["event", "figure", "statement", "assessment"]),
            help="Only facts of this kind (repeatable).",
        ),
        click.option("--since", type=DATE, help="Facts dated on or after DATE."),
        click.option("--until", type=DATE, help="Facts dated on or before DATE."),
        click.option("--new-since", type=DATE, help="Facts added to the base on or after DATE."),
        click.option(
            "--source",
            metavar="ID",
            shell_complete=_complete_ids("source"),
            help="Facts citing this source (directly or via).",
        ),
        click.option(
            "--search", metavar="TEXT", help="Facts containing TEXT (ignores case and accents)."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _selection(kw: dict[str, Any]) -> Any:
    from briefgen.query import Selection

    return Selection(
        themes=tuple(kw.pop("themes")),
        kinds=tuple(kw.pop("kinds")),
        since=kw.pop("since"),
        until=kw.pop("until"),
        new_since=kw.pop("new_since"),
        source=kw.pop("source"),
        text=kw.pop("search"),
    )


def _check_lang(base: FactBase, lang: str) -> None:
    if lang not in base.info.languages:
        raise UsageError(
            f"unknown language {lang!r}; this fact base has: {', '.join(base.info.languages)}"
        )


# -- commands -------------------------------------------------------------


@click.group(
    cls=BriefgenGroup,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "BRIEFGEN"},
)
@click.version_option(
    __version__, "--version", prog_name="briefgen", message="%(prog)s %(version)s"
)
@click.option(
    "--facts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BRIEFGEN_FACTS_DIR",
    help="Fact base directory [env: BRIEFGEN_FACTS_DIR; default: ./facts if present, "
    "else the shipped base].",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@click.option(
    "--profile",
    metavar="NAME",
    help="Use the [profile.NAME] settings of the configuration files (see 'briefgen config').",
)
@click.pass_context
def cli(
    ctx: click.Context, facts_dir: Path | None, debug: bool, quiet: bool, profile: str | None
) -> None:
    """Turn a curated, cited fact base into footnoted briefing notes.

    \b
    Examples:
      briefgen brief --theme military          one-page brief in the terminal
      briefgen brief -t economy -o brief.md    Markdown with footnotes
      briefgen facts --search kursk            find facts
      briefgen validate                        check the fact base

    Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 invalid fact base,
    4 nothing matched.
    """
    settings = Settings(facts_dir=facts_dir, debug=debug, quiet=quiet, profile=profile)
    ctx.obj = settings
    from briefgen.config import default_map, load_settings

    brief_command = cli.commands["brief"]
    settings.configured = load_settings(brief_command, profile)
    from_user = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
    if (
        ctx.get_parameter_source("facts_dir") not in from_user
        and "facts-dir" in settings.configured
    ):
        settings.facts_dir = Path(settings.configured["facts-dir"].value)
    if ctx.get_parameter_source("quiet") not in from_user and "quiet" in settings.configured:
        settings.quiet = settings.configured["quiet"].value
    ctx.default_map = {"brief": default_map(settings.configured, brief_command)}


pass_settings = click.make_pass_decorator(Settings)


@cli.command()
@format_option("table", "json", "md")
@lang_option
@pass_settings
def themes(settings: Settings, fmt: str, lang: str) -> None:
    """List the themes, with their number of facts."""
    from briefgen.renderers.listing import render_themes

    base = settings.load()
    _check_lang(base, lang)
    _echo(render_themes(base, fmt, lang))


@cli.command()
@selection_options
@format_option("table", "json", "jsonl", "md", "csv")
@lang_option
@pass_settings
def facts(settings: Settings, fmt: str, lang: str, **kw: Any) -> None:
    """List facts, filtered by theme, kind, date, source or text."""
    from briefgen.output import write_stdout
    from briefgen.query import select_facts
    from briefgen.renderers.listing import iter_facts

    base = settings.load()
    _check_lang(base, lang)
    selected = select_facts(base, _selection(kw))
    if not selected:
        raise _nothing_matched()
    write_stdout(iter_facts(base, selected, fmt, lang))


@cli.command()
@format_option(
    "table",
    "json",
    "md",
    "csl-json",
    "bibtex",
    help="Output format: a listing, or a bibliography file (csl-json for pandoc and Zotero, "
    "bibtex for biblatex).",
)
@lang_option
@pass_settings
def sources(settings: Settings, fmt: str, lang: str) -> None:
    """List the sources, with their reliability grade and number of facts, or export them."""
    from briefgen.renderers.listing import render_sources

    base = settings.load()
    _check_lang(base, lang)
    _echo(render_sources(base, fmt, lang))


@cli.command()
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
    _check_lang(base, lang)
    selection = _selection(kw)
    selected = select_facts(base, selection)
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
        new_since=selection.new_since,
        max_facts=pages * FACTS_PER_PAGE if pages else None,
        bibliography=with_bibliography,
    )
    # The PDF is fitted to its real layout; the other formats to a number of facts a page.
    if fmt == "pdf":
        options = replace(options, max_facts=None)
    recipe = BriefRecipe(base, tuple(selected), selection.themes, options, changes)
    document = recipe.build()
    if document.is_empty and not allow_empty:
        raise _nothing_matched(changed_since, selection.new_since)
    data: str | bytes
    if fmt == "pdf":
        data = _pdf(settings, document, recipe, pages, paper, pdf_variant, template_dir)
    else:
        if document.omitted:
            total = len(document.facts) + len(document.omitted)
            needed = -(-total // FACTS_PER_PAGE)
            settings.info(_omitted_message(document.omitted, pages, needed))
        render_options: dict[str, Any] = {}
        if fmt == "term":
            color = to_stdout and sys.stdout.isatty()
            render_options = {"width": width or _terminal_width(color), "color": color}
        elif fmt == "html":
            render_options = {"template_dir": template_dir}
        data = render(document, fmt, **render_options)
    _write(data, None if to_stdout else output)


@cli.command()
@pass_settings
def validate(settings: Settings) -> None:
    """Check the fact base; list every problem as file:line: id: message (exit 3 if any)."""
    from briefgen.errors import InvalidFactBase

    try:
        base = settings.load()
    except InvalidFactBase as exc:
        _echo("".join(f"{problem}\n" for problem in exc.problems))
        count = len(exc.problems)
        settings.info(f"{count} problem{'s' if count != 1 else ''} found")
        sys.exit(ExitCode.INVALID)
    settings.info(
        f"{base.path}: {len(base.facts)} facts, {len(base.themes)} themes, "
        f"{len(base.sources)} sources: no problems"
    )


@cli.command()
@click.option(
    "--texts",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory holding the local copies named by the sources' 'text' field.",
)
@pass_settings
def verify(settings: Settings, texts: Path) -> None:
    """Check every quote against the local text of its source, and every figure's
    numbers against its quote (exit 3 on any failure).

    Also warns, without failing, when a quoted sentence hedges (a conditional,
    "according to", "reportedly"...) and a text of the fact carries no hedge.
    """
    from briefgen.verify import verify_quotes

    base = settings.load()
    report = verify_quotes(base, texts)
    _echo("".join(f"{failure}\n" for failure in report.failures))
    for source_id in report.missing_texts:
        settings.info(f"warning: {source_id}: text file not found in {texts}")
    for warning in report.hedges:
        settings.info(f"warning: {warning}")
    failures, hedges = len(report.failures), len(report.hedges)
    settings.info(
        f"{report.quotes} quotes in {report.texts} texts checked: "
        f"{failures or 'no'} failure{'s' if failures != 1 else ''}, "
        f"{hedges or 'no'} hedge warning{'s' if hedges != 1 else ''}"
    )
    if report.failures:
        sys.exit(ExitCode.INVALID)


@cli.command()
@click.option(
    "--output",
    "what",
    type=click.Choice(SCHEMAS),
    default="facts",
    show_default=True,
    help="facts, themes, sources: a fact base file; brief, facts-json: briefgen's JSON output.",
)
def schema(what: str) -> None:
    """Print a JSON Schema: of a fact file (for editors) or of a JSON output (for scripts)."""
    from briefgen.renderers.json import dumps
    from briefgen.schema import json_schema

    _echo(dumps(json_schema(what)))


@cli.command("config")
@format_option("table", "json")
@pass_settings
def config_command(settings: Settings, fmt: str) -> None:
    """Show the effective settings of 'briefgen brief' and where each comes from.

    \b
    Settings are read from, later ones winning:
      $XDG_CONFIG_HOME/briefgen/config.toml   (~/.config/briefgen/config.toml)
      ./briefgen.toml
      their [profile.NAME] tables, with --profile NAME
      environment variables (BRIEFGEN_FACTS_DIR, BRIEFGEN_BRIEF_LANG, ...)
      the command line
    """
    from briefgen.config import Setting, effective_settings
    from briefgen.renderers.listing import render_settings
    from briefgen.store import default_facts_dir

    rows = effective_settings(cli, cli.commands["brief"], settings.configured)
    rows = [
        Setting(r.key, str(default_facts_dir()), r.origin)
        if r.key == "facts-dir" and r.origin == "default"
        else r
        for r in rows
    ]
    _echo(render_settings(rows, fmt))


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, theme and source ids).

    \b
    bash:  eval "$(briefgen completion bash)"     (in ~/.bashrc)
    zsh:   eval "$(briefgen completion zsh)"      (in ~/.zshrc)
    fish:  briefgen completion fish > ~/.config/fish/completions/briefgen.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None
    _echo(completer(cli, {}, "briefgen", "_BRIEFGEN_COMPLETE").source())


# -- helpers --------------------------------------------------------------


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
    from briefgen.renderers.pdf import fit_pdf

    with _spinner(settings, "Typesetting the PDF…"):
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
        settings.info(_omitted_message(fitted.omitted, pages, fitted.pages_needed))
    if pages and fitted.pages > pages:
        settings.info(f"warning: the brief takes {fitted.pages} pages, more than --pages {pages}")
    return fitted.data


def _spinner(settings: Settings, message: str) -> Any:
    """A spinner on stderr while something slow runs, if stderr is a terminal."""
    if settings.quiet or not sys.stderr.isatty():
        import contextlib

        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


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


def _omitted_message(omitted: Sequence[Fact], pages: int, pages_needed: int) -> str:
    """``3 facts omitted to fit 1 page: a, b, c; use --pages 2 to include them``."""
    count = len(omitted)
    shown = ", ".join(fact.id for fact in omitted[:10])
    if count > 10:
        shown += f" and {count - 10} more (listed in --format json)"
    return (
        f"{count} fact{'s' if count != 1 else ''} omitted to fit {pages} "
        f"page{'s' if pages != 1 else ''}: {shown}; use --pages {pages_needed} "
        f"to include {'them' if count != 1 else 'it'}"
    )


def _nothing_matched(
    changed_since: str | None = None, new_since: PartialDate | None = None
) -> BriefgenError:
    from briefgen.errors import NothingMatched

    if changed_since is not None:
        return NothingMatched(f"nothing new, changed or removed since {changed_since}")
    if new_since is not None:
        return NothingMatched(f"nothing added to the fact base since {new_since}")
    return NothingMatched("no facts match the selection")


def _echo(text: str) -> None:
    from briefgen.output import write_stdout

    write_stdout(text)


def _write(data: str | bytes, output: Path | None) -> None:
    from briefgen.output import write_atomic, write_stdout

    if output is None:
        write_stdout(data)
    else:
        write_atomic(output, data)


def main(prog_name: str | None = None) -> None:
    """Entry point of the ``briefgen`` console script."""
    import gc

    # One command, then the process ends. Its objects (the base, the brief, the
    # output) all live until then or are freed as soon as unused, and hold next to
    # no reference cycles: the cyclic garbage collector would only walk them again
    # and again, which doubled the time of a brief at 100,000 facts.
    gc.disable()
    # Pydantic looks for plugins (observability hooks) among the entry points
    # of every installed distribution when it first validates: a tenth of a
    # cold brief's time, for hooks a command-line run has no use for. A value
    # the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli(prog_name=prog_name or "briefgen")
