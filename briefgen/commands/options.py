"""What the commands share: the run's settings, option types and option groups, output helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen.errors import BriefgenError, printable
from briefgen.vocabulary import KINDS

if TYPE_CHECKING:
    from briefgen.config import ConfigFile
    from briefgen.config import Setting as Setting_
    from briefgen.environment import Environment
    from briefgen.model import FactBase, PartialDate
    from briefgen.query import Selection
    from briefgen.renderers.options import Terminal

F = TypeVar("F", bound=Callable[..., Any])


class _ShortOptionsFirst:
    """Click tries every option as a long option first, and when ``-t`` is none, the
    error it makes on the way (caught at once) imports ``difflib`` and looks for close
    matches: some 8 ms for the three short options of ``brief -t military -f md -o
    b.md``. A token of a dash and one letter that is no long option of the command is
    sent straight to the short options, as click does after that error."""

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)  # type: ignore[misc]
        match_long = getattr(parser, "_match_long_opt", None)
        long_options = getattr(parser, "_long_opt", None)
        if match_long is None or not isinstance(long_options, dict):
            return parser

        def _match_long_opt(opt: str, explicit_value: str | None, state: Any) -> None:
            if len(opt) == 2 and opt[0] != opt[1] and opt not in long_options:
                raise click.NoSuchOption(opt, ctx=ctx)  # no search for close matches
            match_long(opt, explicit_value, state)

        parser._match_long_opt = _match_long_opt
        return parser


class Command(_ShortOptionsFirst, click.Command):
    """A command of briefgen (see :class:`_ShortOptionsFirst`)."""


class Group(_ShortOptionsFirst, click.Group):
    """A command of briefgen with commands of its own."""


@dataclass
class Settings:
    """Options given to ``briefgen`` itself, before the command, and the configuration."""

    facts_dir: Path | None = None
    debug: bool = False
    quiet: bool = False
    profile: str | None = None
    configured: dict[str, Any] = field(default_factory=dict)
    local_config: ConfigFile | None = None  # the working directory's briefgen.toml, as read
    # Streams, terminals, width, colour: read once, when the run starts (see cli.cli).
    env: Environment = field(default_factory=lambda: _environment())

    def load(self) -> FactBase:
        from briefgen.store import load

        return load(self.facts_dir)

    def listing_terminal(self) -> Terminal:
        """The terminal a listing's table is drawn for (120 columns when piped)."""
        return self.env.terminal(self.env.stdout_isatty, 120)

    def stderr_console(self, **options: Any) -> Any:
        """A rich console on stderr, told what the environment says of it (a terminal or
        not, its width, NO_COLOR) rather than asking again."""
        from rich.console import Console

        env = self.env
        return Console(
            stderr=True,
            force_terminal=env.stderr_isatty,
            no_color=env.no_color,
            width=env.columns or env.stderr_columns,
            **options,
        )

    def info(self, message: str) -> None:
        """A progress, summary or warning line on stderr, unless ``--quiet``."""
        if not self.quiet:
            click.echo(printable(message), err=True)


def _environment() -> Environment:
    from briefgen.environment import Environment

    return Environment.from_os()


pass_settings = click.make_pass_decorator(Settings)


# -- option types ----------------------------------------------------------


class LineType(click.ParamType):
    """A line of text for the brief (a title, a marking, a subject): checked as a string
    of a fact file or of briefgen.toml is, and a line break refused too."""

    name = "TEXT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        from briefgen.request import line_problem

        problem = line_problem(value)
        if problem is not None:
            self.fail(problem, param, ctx)
        return value


LINE = LineType()


class DateType(click.ParamType):
    """An ISO date, possibly partial (``2024``, ``2024-10``), or relative (``7d``, ``2w``, ``3m``)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from briefgen.request import parse_date

        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()


class OutputPath(click.Path):
    """``-o FILE``: a path to write to, or ``-`` (also ``/dev/stdout``) for standard output."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, allow_dash=True, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from briefgen.paths import STDOUT_NAMES

        if str(value) in STDOUT_NAMES:
            return Path("-")
        return super().convert(value, param, ctx)


OUTPUT = OutputPath()


def complete_ids(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
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


# -- option groups ---------------------------------------------------------


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
            shell_complete=complete_ids("theme"),
            metavar="THEME",
            help="Only this theme (repeat for several; default: all).",
        ),
        click.option(
            "--kind",
            "kinds",
            multiple=True,
            type=click.Choice(KINDS),
            help="Only facts of this kind (repeatable).",
        ),
        click.option("--since", type=DATE, help="Facts dated on or after DATE."),
        click.option("--until", type=DATE, help="Facts dated on or before DATE."),
        click.option("--new-since", type=DATE, help="Facts added to the base on or after DATE."),
        click.option(
            "--source",
            metavar="ID",
            shell_complete=complete_ids("source"),
            help="Facts citing this source (directly or via).",
        ),
        click.option(
            "--search", metavar="TEXT", help="Facts containing TEXT (ignores case and accents)."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def selection(kw: dict[str, Any]) -> Selection:
    """The :class:`~briefgen.query.Selection` of :func:`selection_options`, taken out of ``kw``."""
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


def brief_text_options(f: F) -> F:
    """What a brief says and how it cites, shared by ``brief`` and ``serve``."""
    from briefgen.styles import DEFAULT_STYLE, STYLE_NAMES

    options = [
        click.option(
            "--style",
            type=click.Choice(STYLE_NAMES),
            default=DEFAULT_STYLE,
            show_default=True,
            help="Citation style of the notes and bibliography (see docs/citations.md).",
        ),
        click.option(
            "--title", type=LINE, help="Title of the brief [default: the fact base's title]."
        ),
        click.option("--subtitle", type=LINE, help="A line under the title."),
        click.option(
            "--marking",
            type=LINE,
            metavar="TEXT",
            help="Marking line, e.g. 'OFFICIAL – FOR INTERNAL USE'.",
        ),
        click.option("--author", type=LINE, help="Author or organisation named on the brief."),
        click.option(
            "--date",
            "brief_date",
            type=DATE,
            help="Date printed on the brief [default: SOURCE_DATE_EPOCH, else today].",
        ),
        click.option(
            "--key-points",
            type=click.IntRange(0, 20),
            default=5,
            show_default=True,
            help="Maximum number of key points.",
        ),
        click.option(
            "--no-grades", is_flag=True, help="Leave out the source grades ([B2]) and their legend."
        ),
        click.option(
            "--bibliography",
            "with_bibliography",
            is_flag=True,
            help="Add a bibliography of every work cited, the original sources with the works "
            "they are cited in, sorted as the style prescribes.",
        ),
        click.option(
            "--timeline/--no-timeline",
            default=None,
            help="HTML and PDF: draw the dated events on a timeline [default: where there is "
            "room, i.e. when it leaves out no fact, and always with --pages 0].",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def pages_option(f: F) -> F:
    return click.option(
        "--pages",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        help="Length of the brief; the least important facts are left out to fit (0: no limit).",
    )(f)


def notes_option(f: F) -> F:
    """How notes cite: --notes compact|full and --ibid/--no-ibid."""
    f = click.option(
        "--ibid/--no-ibid",
        default=None,
        help="Write 'Ibid.' for the work of the note just before, or a short note "
        "[default: ibid for iso690; none for chicago, whose 17th edition prefers short notes].",
    )(f)
    return click.option(
        "--notes",
        type=click.Choice(["compact", "full"]),
        help="compact: original sources of a 'cited in' chain in short form, the work read in "
        "full at its first note; full: every work in full at its first note "
        "[default: compact with --pages, full with --pages 0].",
    )(f)


def paper_option(f: F) -> F:
    from briefgen.renderers import PAPER_SIZES

    return click.option(
        "--paper",
        type=click.Choice(PAPER_SIZES),
        default="a4",
        show_default=True,
        help="PDF and Word: paper size.",
    )(f)


def template_option(f: F) -> F:
    return click.option(
        "--template",
        "template_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="HTML and PDF: a directory of templates overriding the built-in ones by name.",
    )(f)


def check_lang(base: FactBase, lang: str) -> None:
    from briefgen.request import check_lang as check

    check(base, lang)


# -- output ----------------------------------------------------------------


def nothing_matched(
    changed_since: str | None = None, new_since: PartialDate | None = None
) -> BriefgenError:
    from briefgen.request import nothing_matched as nothing

    return nothing(changed_since, new_since)


def echo(text: str) -> None:
    """``text`` on standard output, as UTF-8."""
    from briefgen.output import write_stdout

    write_stdout(text)


def write(data: str | bytes, output: Path | None, *, named: bool = False) -> None:
    """``data`` to ``output`` atomically, or to standard output when ``output`` is None;
    ``named``: the user gave that path on the command line (see :func:`write_atomic`)."""
    from briefgen.output import write_atomic, write_stdout

    if output is None:
        write_stdout(data)
    else:
        write_atomic(output, data, named=named)


def spinner(settings: Settings, message: str) -> Any:
    """A spinner on stderr while something slow runs, if stderr is a terminal."""
    if settings.quiet or not settings.env.stderr_isatty:
        import contextlib

        return contextlib.nullcontext()
    return settings.stderr_console().status(message)


# -- configuration, as click sees it ------------------------------------------


def long_name(param: click.Parameter) -> str:
    """The long name of an option (``key-points``): its key in a configuration file."""
    longs = [o for o in param.opts if o.startswith("--")] if isinstance(param, click.Option) else []
    return (longs[0] if longs else f"--{param.name}")[2:]


def command_options(command: click.Command) -> dict[str, click.Option]:
    """The options of ``command`` by long name (``--help`` left out)."""
    options = {long_name(p): p for p in command.params if isinstance(p, click.Option)}
    options.pop("help", None)
    return options


def default_map(settings: dict[str, Setting_], command: click.Command) -> dict[str, Any]:
    """The configured ``settings`` as click's ``default_map`` for ``command``."""
    names = {long_name(p): p.name for p in command.params if isinstance(p, click.Option)}
    return {names[k]: s.value for k, s in settings.items() if k in names}


def effective_settings(
    group: click.Group, brief_command: click.Command, configured: dict[str, Setting_]
) -> list[Setting_]:
    """Every setting of ``brief`` (and the global ones): value and origin, as a run would see them."""
    from briefgen.config import GLOBAL_KEYS

    group_options = {long_name(p): p for p in group.params if isinstance(p, click.Option)}
    rows = [_effective(key, group_options[key], "BRIEFGEN", configured) for key in GLOBAL_KEYS]
    for key, option in command_options(brief_command).items():
        rows.append(_effective(key, option, "BRIEFGEN_BRIEF", configured))
    return rows


def _effective(
    key: str, option: click.Option, prefix: str, configured: dict[str, Setting_]
) -> Setting_:
    import os

    from briefgen.config import Setting

    envvar = option.envvar if isinstance(option.envvar, str) else None
    envvar = envvar or f"{prefix}_{(option.name or key).upper()}"
    if os.environ.get(envvar):
        return Setting(key, os.environ[envvar], f"env {envvar}")
    if key in configured:
        return configured[key]
    # to_info_dict() reports an option without a default as None (get_default gives a sentinel).
    return Setting(key, option.to_info_dict()["default"], "default")
