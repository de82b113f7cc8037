"""A brief request: which facts, how the brief reads, how it is laid out, where it goes.

One typed value that ``briefgen brief`` makes from its flags, ``briefgen
build`` from a ``[[brief]]`` table of ``briefgen.toml`` and ``briefgen serve``
for its preview, so that the three make the same brief of the same values.
Nothing here knows of click: the values come by the names of
:data:`BRIEF_KEYS`, which the configuration files use too, and are checked by
:func:`convert` (the command line checks its flags with the same functions).

From Python::

    from briefgen import load, produce
    from briefgen.request import BriefRequest

    request = BriefRequest.from_values({"themes": ["military"], "fmt": "md"})
    prepared = request.prepare(load("facts"))
    print(produce(prepared.recipe, prepared.fmt, prepared.options).data)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import BriefgenError, UsageError, setting
from briefgen.paper import PAPER_SIZES
from briefgen.paths import STDOUT_NAMES
from briefgen.renderers import FORMATS, PDF_VARIANTS
from briefgen.renderers.options import Mail, RenderOptions, Terminal, needs_layout
from briefgen.styles import DEFAULT_STYLE, STYLE_NAMES
from briefgen.vocabulary import KINDS

if TYPE_CHECKING:
    from briefgen.brief import BriefOptions, BriefRecipe
    from briefgen.digest import FactChanges
    from briefgen.model import FactBase, PartialDate
    from briefgen.query import Selection


# -- the values ------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One value a brief request takes: its name in a configuration file (the long flag of
    ``briefgen brief`` too), its name in Python, and what it may be."""

    name: str
    param: str
    kind: str = "text"  # text, line, date, choice, int, flag, switch, output, directory
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    multiple: bool = False
    default: Any = None


BRIEF_KEYS: tuple[Key, ...] = (
    Key("theme", "themes", multiple=True, default=()),
    Key("kind", "kinds", "choice", KINDS, multiple=True, default=()),
    Key("since", "since", "date"),
    Key("until", "until", "date"),
    Key("new-since", "new_since", "date"),
    Key("source", "source"),
    Key("search", "search"),
    Key("lang", "lang", default="en"),
    Key("format", "fmt", "choice", FORMATS),
    Key("output", "output", "output"),
    Key("style", "style", "choice", STYLE_NAMES, default=DEFAULT_STYLE),
    Key("title", "title", "line"),
    Key("subtitle", "subtitle", "line"),
    Key("marking", "marking", "line"),
    Key("author", "author", "line"),
    Key("date", "brief_date", "date"),
    Key("key-points", "key_points", "int", low=0, high=20, default=5),
    Key("no-grades", "no_grades", "flag", default=False),
    Key("bibliography", "with_bibliography", "flag", default=False),
    Key("timeline", "timeline", "switch"),
    Key("allow-empty", "allow_empty", "flag", default=False),
    Key("pages", "pages", "int", low=0, default=1),
    Key("changed-since", "changed_since"),
    Key("notes", "notes", "choice", ("compact", "full")),
    Key("ibid", "ibid", "switch"),
    Key("width", "width", "int", low=40, high=1000),
    Key("paper", "paper", "choice", PAPER_SIZES, default="a4"),
    Key("pdf-variant", "pdf_variant", "choice", PDF_VARIANTS),
    Key("template", "template_dir", "directory"),
    Key("to", "mail_to", multiple=True, default=()),
    Key("cc", "mail_cc", multiple=True, default=()),
    Key("from", "mail_from"),
    Key("subject", "subject", "line"),
    Key("attach-pdf", "attach_pdf", "flag", default=False),
)
KEYS = {key.name: key for key in BRIEF_KEYS}


def defaults() -> dict[str, Any]:
    """Every value of a request at its default, by its name in Python."""
    return {key.param: key.default for key in BRIEF_KEYS}


def convert(key: Key, value: Any) -> Any:
    """``value`` (from a configuration file) as ``key`` takes it; :class:`ValueError`
    saying why if it cannot be (``'many' is not a valid integer.``)."""
    if key.kind in ("flag", "switch"):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if key.multiple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ValueError("must be a list")
        return [_convert_one(key, v) for v in value]
    return _convert_one(key, value)


def _convert_one(key: Key, value: Any) -> Any:
    try:
        return _CONVERTERS[key.kind](key, value)
    except ValueError as exc:
        raise ValueError(f"Invalid value for '--{key.name}': {exc}") from None


def _text(key: Key, value: Any) -> Any:
    return value if isinstance(value, str) else str(value)


def _line(key: Key, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    problem = line_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _date(key: Key, value: Any) -> PartialDate:
    return parse_date(value)


def _choice(key: Key, value: Any) -> str:
    if value not in key.choices:
        choices = ", ".join(repr(c) for c in key.choices)
        raise ValueError(f"{value!r} is not one of {choices}.")
    return str(value)


def _int(key: Key, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a valid integer range.") from None
    low, high = key.low, key.high
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            bounds = f"x>={low}"
        elif low is None:
            bounds = f"x<={high}"
        else:
            bounds = f"{low}<=x<={high}"
        raise ValueError(f"{number} is not in the range {bounds}.")
    return number


def _output(key: Key, value: Any) -> Path:
    text = str(value)
    if text in STDOUT_NAMES:
        return Path("-")
    path = Path(text)
    if path.is_dir():
        raise ValueError(f"File {text!r} is a directory.")
    return path


def _directory(key: Key, value: Any) -> Path:
    path = Path(str(value))
    if not path.exists():
        raise ValueError(f"Directory {str(value)!r} does not exist.")
    if not path.is_dir():
        raise ValueError(f"Directory {str(value)!r} is a file.")
    return path


_CONVERTERS = {
    "text": _text,
    "line": _line,
    "date": _date,
    "choice": _choice,
    "int": _int,
    "output": _output,
    "directory": _directory,
}

_LINE_BREAK = re.compile("[\n\u2028\u2029]")
_RELATIVE = re.compile(r"^(\d+)([dwmy])$")


def line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a line of a brief (a title, a marking, a subject), or None:
    checked as a string of a fact file is, and a line break refused too."""
    from briefgen.model import NOT_TEXT
    from briefgen.safe_yaml import FORBIDDEN

    if re.search("[\udc80-\udcff]", text):  # how Python keeps bytes that are not UTF-8
        return "not valid UTF-8"
    match = FORBIDDEN.search(text) or NOT_TEXT.search(text) or _LINE_BREAK.search(text)
    if match is None:
        return None
    code = f"U+{ord(match.group()):04X}"
    return f"character {code} is not allowed (no control or bidirectional character, line break or noncharacter)"


def parse_date(value: Any) -> PartialDate:
    """An ISO date, possibly partial (``2024``, ``2024-10``), or relative (``7d``, ``2w``,
    ``3m``, ``1y``); :class:`ValueError` saying why not."""
    from briefgen.model import PartialDate

    if isinstance(value, PartialDate):
        return value
    text = str(value).strip()
    relative = _RELATIVE.match(text)
    if relative:
        try:
            return _days_ago(int(relative[1]), relative[2])
        except (OverflowError, ValueError):  # before the year 1, or past any calendar
            raise ValueError(
                f"{value!r} is too far back: the earliest date is the year 1"
            ) from None
    try:
        return PartialDate.parse(text)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or 7d, 2w, 3m, 1y"
        ) from None


def _days_ago(count: int, unit: str) -> PartialDate:
    from briefgen.clock import today
    from briefgen.model import PartialDate

    now = today()
    if unit in "dw":
        day = now - dt.timedelta(days=count * (7 if unit == "w" else 1))
    else:
        months = now.year * 12 + now.month - 1 - count * (12 if unit == "y" else 1)
        year, month = divmod(months, 12)
        day = dt.date(year, month + 1, min(now.day, 28))
    return PartialDate(day.year, day.month, day.day)


# -- the request -------------------------------------------------------------------


@dataclass(frozen=True)
class BriefRequest:
    """A brief asked for: the facts (``selection``), how it reads (``brief``), how it is
    laid out and drawn (``render``), its format and where it goes (``output``, None:
    standard output)."""

    selection: Selection
    brief: BriefOptions
    render: RenderOptions = field(default_factory=RenderOptions)
    fmt: str = "md"
    output: Path | None = None
    allow_empty: bool = False
    changed_since: str | None = None

    @classmethod
    def from_values(
        cls, values: Mapping[str, Any], fmt: str | None = None, terminal: Terminal | None = None
    ) -> BriefRequest:
        """The request of ``values``, by the Python names of :data:`BRIEF_KEYS` (missing
        ones at their default): ``fmt`` overrides the value ``fmt``, and ``terminal`` is
        the terminal a ``term`` brief is drawn for (its width unless ``width`` is set)."""
        from briefgen.brief import BriefOptions
        from briefgen.query import Selection

        kw = {**defaults(), **values}
        selection = Selection(
            themes=tuple(kw["themes"]),
            kinds=tuple(kw["kinds"]),
            since=kw["since"],
            until=kw["until"],
            new_since=kw["new_since"],
            source=kw["source"],
            text=kw["search"],
        )
        brief_date, pages = kw["brief_date"], kw["pages"]
        if brief_date is not None and brief_date.day is None:
            raise UsageError(f"{setting('date')} needs a full date (YYYY-MM-DD)")
        options = BriefOptions(
            lang=kw["lang"],
            style=kw["style"],
            title=kw["title"],
            subtitle=kw["subtitle"],
            marking=kw["marking"],
            author=kw["author"],
            date=brief_date.first_day() if brief_date else None,
            key_points=kw["key_points"],
            grades=not kw["no_grades"],
            new_since=selection.new_since,
            bibliography=kw["with_bibliography"],
            compact_notes=(kw["notes"] or ("compact" if pages else "full")) == "compact",
            ibid=kw["ibid"],
            timeline=kw["timeline"],
        )
        terminal = terminal or Terminal()
        if kw["width"]:
            terminal = Terminal(kw["width"], terminal.color)
        render = RenderOptions(
            pages=pages,
            paper=kw["paper"],
            pdf_variant=kw["pdf_variant"],
            template_dir=kw["template_dir"],
            terminal=terminal,
            mail=Mail(
                sender=kw["mail_from"],
                to=tuple(kw["mail_to"]),
                cc=tuple(kw["mail_cc"]),
                subject=kw["subject"],
                attach_pdf=kw["attach_pdf"],
            ),
        )
        output = kw["output"]
        return cls(
            selection,
            options,
            render,
            fmt or kw["fmt"] or "md",
            None if output is None or str(output) == "-" else output,
            kw["allow_empty"],
            kw["changed_since"],
        )

    def prepare(
        self,
        base: FactBase,
        facts_dir: Path | None = None,
        changes_made: MutableMapping[tuple[Path | None, str], FactChanges] | None = None,
    ) -> PreparedBrief:
        """The request against ``base`` (read from ``facts_dir``): its facts selected, its
        changes found. ``changes_made`` keeps what ``changed_since`` found, by fact
        directory and revision, for the next requests: ``briefgen build`` reads the old
        base once for the run, not once per brief."""
        from briefgen.brief import BriefRecipe
        from briefgen.query import select_facts

        if self.needs_mail:
            from briefgen.renderers.eml import check_mail

            check_mail(self.render.mail)
        check_lang(base, self.brief.lang)
        selected = select_facts(base, self.selection)
        changes = None
        if self.changed_since is not None:
            from briefgen.digest import changes_since

            made = {} if changes_made is None else changes_made
            key = (facts_dir, self.changed_since)
            if key not in made:
                made[key] = changes_since(base, facts_dir, self.changed_since)
            changes = made[key]
        recipe = BriefRecipe(base, tuple(selected), self.selection.themes, self.brief, changes)
        return PreparedBrief(recipe, self.fmt, self.render, self.allow_empty, self.changed_since)

    @property
    def needs_mail(self) -> bool:
        return self.fmt == "eml"


def check_lang(base: FactBase, lang: str) -> None:
    """Refuse a language the base is not written in."""
    if lang not in base.info.languages:
        raise UsageError(
            f"unknown language {lang!r}; this fact base has: {', '.join(base.info.languages)}"
        )


@dataclass(frozen=True)
class PreparedBrief:
    """A request made against a base: the recipe of its brief, its format, how to render it."""

    recipe: BriefRecipe
    fmt: str
    options: RenderOptions
    allow_empty: bool = False
    changed_since: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to say: no fact selected, nothing removed, no judgment to state."""
        changes = self.recipe.changes
        return (
            not self.recipe.candidates()
            and not (changes and changes.removed)
            and not self.recipe.judgments()
        )

    @property
    def typesets(self) -> bool:
        """Whether WeasyPrint lays it out: a PDF, or a message with its PDF attached."""
        return needs_layout(self.fmt, self.options)

    def nothing_matched(self) -> BriefgenError:
        return nothing_matched(self.changed_since, self.recipe.options.new_since)


def nothing_matched(
    changed_since: str | None = None, new_since: PartialDate | None = None
) -> BriefgenError:
    """The error of a request that selects nothing, saying what it asked for."""
    from briefgen.errors import NothingMatched

    if changed_since is not None:
        return NothingMatched(f"nothing new, changed or removed since {changed_since}")
    if new_since is not None:
        return NothingMatched(f"nothing added to the fact base since {new_since}")
    return NothingMatched("no facts match the selection")
