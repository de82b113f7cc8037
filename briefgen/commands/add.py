"""``add``: one fact, asked for on a terminal, written in $EDITOR, or read from a document."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import DATE, Command, Settings, complete_ids, echo, pass_settings
from briefgen.errors import BriefgenError, UsageError, as_flags, printable
from briefgen.vocabulary import KINDS

if TYPE_CHECKING:
    from briefgen.authoring import Addition, InvalidAddition
    from briefgen.environment import Environment
    from briefgen.model import FactBase

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*(?:-|–|\.\.|to)\s*({_NUMBER})\s*$")


class NumberType(click.ParamType):
    """An integer, or else a decimal number."""

    name = "NUMBER"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (int, float)):
            return value
        number = _number(str(value))
        if number is None:
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


def _number(text: str) -> int | float | None:
    text = text.strip().replace("_", "")
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return None


NUMBER = NumberType()


@click.command(cls=Command)
@click.option(
    "--from",
    "document",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    metavar="FILE",
    help="Read the fact from a YAML or JSON document ('-': standard input); options override it.",
)
@click.option(
    "--judgment",
    is_flag=True,
    help="Add a key judgment, read with --from, to judgments.yaml instead of a fact.",
)
@click.option(
    "--edit",
    is_flag=True,
    help="Write the fact in $EDITOR, from a scaffold filled in with the options (and --from).",
)
@click.option(
    "-i",
    "--interactive",
    is_flag=True,
    help="Ask for every field [default: on a terminal, when a required one is missing].",
)
@click.option("--id", "fact_id", metavar="ID", help="Id of the fact [default: made from its text].")
@click.option("--kind", type=click.Choice(KINDS), help="Kind of fact.")
@click.option(
    "-t",
    "--theme",
    "themes",
    multiple=True,
    metavar="THEME",
    shell_complete=complete_ids("theme"),
    help="A theme of the fact (repeat for several).",
)
@click.option("--date", "fact_date", type=DATE, help="The date the fact refers to.")
@click.option(
    "--text",
    "texts",
    multiple=True,
    metavar="LANG=TEXT",
    help="The fact's text in one language, e.g. en='...' (repeat for each language).",
)
@click.option(
    "--source",
    "source_id",
    metavar="ID",
    shell_complete=complete_ids("source"),
    help="The source read.",
)
@click.option(
    "--via",
    multiple=True,
    metavar="ID",
    shell_complete=complete_ids("source"),
    help="The original source the source read cites (repeat for a chain).",
)
@click.option("--quote", help="A verbatim excerpt of the source (required for a figure).")
@click.option(
    "--locator",
    help="Where in the source, e.g. §4 [default: the paragraph holding the quote].",
)
@click.option(
    "--credibility",
    type=click.IntRange(1, 6),
    help="Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).",
)
@click.option(
    "--priority", type=click.IntRange(1, 3), help="1 must appear ... 3 first left out [default: 2]."
)
@click.option("--measure", metavar="ID", help="Figures: what the quantity measures.")
@click.option("--value", type=NUMBER, help="Figures: the number.")
@click.option("--low", type=NUMBER, help="Figures: the low end of a range.")
@click.option("--high", type=NUMBER, help="Figures: the high end of a range.")
@click.option("--unit", help="Figures: the unit [default: the measure's].")
@click.option("--contradicts", multiple=True, metavar="ID", help="A fact this one contradicts.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option(
    "--comment",
    "comments",
    multiple=True,
    metavar="LANG=TEXT",
    help="The analyst's own remark, in one language (repeat for each).",
)
@click.option(
    "--file",
    "items_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The items file to add to [default: the one holding most facts of the first theme].",
)
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of the sources' local texts [default: the base's texts/ directory].",
)
@click.option("--dry-run", is_flag=True, help="Print the fact as it would be added; write nothing.")
@pass_settings
def add(
    settings: Settings,
    document: Path | None,
    judgment: bool,
    edit: bool,
    interactive: bool,
    items_file: Path | None,
    texts_dir: Path | None,
    dry_run: bool,
    **options: Any,
) -> None:
    """Add one fact to the base: asked for on a terminal, written in $EDITOR, or read
    from a document.

    The id is made from the text; the quote is looked up in the source's local
    text, which gives the paragraph locator (§N); the grade is checked against
    the grading rules and the text against the source's hedges. The whole base is
    validated with the new fact before it is appended to its items file, the rest
    of which is left as it was. The new fact's id is printed.

    \b
    Examples:
      briefgen add                                   on a terminal: asks for each field
      briefgen add --edit -t security                write it in $EDITOR
      briefgen add --from fact.yaml                  a YAML or JSON document
      briefgen add --judgment --from judgment.yaml   a key judgment, to judgments.yaml
      briefgen add --kind event -t security --source moreau-2025 \\
          --quote 'Le pacte signé le 12 juin 2024' --credibility 2 \\
          --text en='The pact was signed on 12 June 2024.' \\
          --text fr='Le pacte a été signé le 12 juin 2024.'

    Exit codes: 2 a missing or bad option, 3 the base would be invalid or the
    quote is not in the source, 1 the file cannot be written, or another command
    kept the base locked (see docs/safety.md).
    """
    from briefgen.authoring import InvalidAddition, base_root, suggested_id
    from briefgen.store import texts_directory

    if judgment:
        _refuse_with_judgment(options, edit, interactive, items_file, texts_dir)
        _add_judgment(settings, document, dry_run)
        return
    root = base_root(settings.facts_dir)
    base = settings.load()
    if texts_dir is None:
        texts_dir = texts_directory(root)
    draft, asking = _drafted(base, document, options, edit, interactive, texts_dir)
    draft["added"] = settings.env.today().isoformat()
    made_id = not draft.get("id")
    if made_id:
        draft["id"] = suggested_id(base, draft)
    path = _items_file(root, base, draft, items_file)
    try:
        addition, warnings = _checked(root, base, draft, path, texts_dir, asking)
    except InvalidAddition as exc:
        if asking or edit:
            raise _kept(exc, draft) from None
        raise
    for line in warnings:
        settings.info(f"warning: {as_flags(line)}")
    if asking and not dry_run:
        _confirm(addition)
    if dry_run:
        echo(addition.block)
        settings.info(f"would add {addition.fact.id} to {_shown(addition.path)}:{addition.line}")
        return
    try:
        written = _write(root, addition, draft, path, auto_id=made_id)
    except InvalidAddition as exc:
        if asking or edit:
            raise _kept(exc, draft) from None
        raise
    echo(written.fact.id + "\n")
    settings.info(f"added {written.fact.id} to {_shown(written.path)}:{written.line}")


def _refuse_with_judgment(
    options: dict[str, Any],
    edit: bool,
    interactive: bool,
    items_file: Path | None,
    texts_dir: Path | None,
) -> None:
    given = [name for name, value in options.items() if value not in (None, ())]
    if edit or interactive or items_file or texts_dir or given:
        raise UsageError("--judgment reads the judgment from --from FILE alone")


def _confirm(addition: Addition) -> None:
    """Show the fact as it will be written, and ask whether to add it."""
    click.echo(f"\n{addition.block}", err=_prompts_to_stderr())
    question = f"Add it to {_shown(addition.path)}?"
    if not click.confirm(question, default=True, err=_prompts_to_stderr()):
        raise BriefgenError("nothing added")


def _drafted(
    base: FactBase,
    document: Path | None,
    options: dict[str, Any],
    edit: bool,
    interactive: bool,
    texts_dir: Path | None,
) -> tuple[dict[str, Any], bool]:
    """The draft of the document and the options, edited or asked for where it should be,
    every required field given; and whether its fields were asked for."""
    from briefgen.authoring import merged, missing_fields

    draft = _read_document(document) if document is not None else {}
    draft = merged(draft, _from_options(base, options))
    asking = interactive or (
        not edit and document is None and _env().stdin_isatty and bool(missing_fields(base, draft))
    )
    if edit:
        draft = _edited(base, draft, texts_dir)
    elif asking:
        draft = Questions(base, texts_dir).ask(draft)
    missing = [_flag(field) for field in missing_fields(base, draft)]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or use --interactive, --edit or --from)")
    return draft, asking


def _items_file(root: Path, base: FactBase, draft: dict[str, Any], given: Path | None) -> Path:
    """The items file the fact goes to: the one ``given``, else its first theme's."""
    from briefgen.authoring import check_items_file, default_items_file

    if given is not None:
        return check_items_file(root, given)
    themes = draft.get("themes") or []
    first_theme = themes[0] if isinstance(themes, list) and themes else "facts"
    return default_items_file(root, base, str(first_theme))


def _checked(
    root: Path,
    base: FactBase,
    draft: dict[str, Any],
    path: Path,
    texts_dir: Path | None,
    asking: bool,
) -> tuple[Addition, list[str]]:
    """The addition of the draft, its quotes located and the base checked with it (on a
    terminal, a grade the rules refuse is asked again); and its warnings."""
    from briefgen.authoring import fill_locators, ordered
    from briefgen.errors import InvalidFactBase

    warnings = fill_locators(base, draft, texts_dir)
    in_order = ordered(draft)
    draft.clear()
    draft.update(in_order)  # the caller's draft, in the documented order
    while True:
        try:
            addition = _prepare(root, draft, path)
            break
        except InvalidFactBase as exc:
            _print_problems(exc.problems)
            if asking and all(_on_grade(p, draft) for p in exc.problems):
                draft["credibility"] = Questions(base, texts_dir).prompt(
                    "Credibility (1 confirmed ... 6 cannot be judged)",
                    type=click.IntRange(1, 6),
                )
                continue
            raise _invalid(exc) from None
    warnings += _verified(addition, texts_dir)
    return addition, warnings


def _write(
    root: Path, addition: Addition, draft: dict[str, Any], path: Path, auto_id: bool
) -> Addition:
    """Append ``addition`` to its file, holding the base's lock (:mod:`briefgen.locking`).

    Under the lock the base is read again: if another command changed it since
    ``addition`` was made, the fact is made again on the base as it is now (with
    a new id, if its id was made from its text and is now taken), and refused if
    it would make that base invalid. The addition written is returned.
    """
    from briefgen.authoring import digest, read_base, suggested_id
    from briefgen.errors import InvalidFactBase, OutputError
    from briefgen.locking import base_lock
    from briefgen.output import write_atomic
    from briefgen.store import load

    try:
        addition.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {_shown(addition.path)}: {exc.strerror}") from None
    with base_lock(root):
        if digest(read_base(root)) != addition.read:
            if auto_id:
                try:
                    draft["id"] = suggested_id(load(root), {**draft, "id": None})
                except InvalidFactBase as exc:
                    _print_problems(exc.problems)
                    raise _invalid(exc, "as it is now") from None
            try:
                addition = _prepare(root, draft, path)
            except InvalidFactBase as exc:
                _print_problems(exc.problems)
                raise _invalid(exc, "as another command has just changed it") from None
        write_atomic(addition.path, addition.text, within=root.resolve())
    return addition


def _print_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        click.echo(printable(str(problem)), err=True)


def _invalid(exc: Any, which: str = "") -> InvalidAddition:
    from briefgen.authoring import InvalidAddition

    count = len(exc.problems)
    base = f"the base {which}" if which else "the base"
    return InvalidAddition(
        f"the fact would make {base} invalid ({count} "
        f"problem{'s' if count != 1 else ''}); nothing written"
    )


def _add_judgment(settings: Settings, document: Path | None, dry_run: bool) -> None:
    """``add --judgment --from FILE``: append the judgment, checked as the base would be."""
    from briefgen.authoring import InvalidAddition, base_root
    from briefgen.errors import InvalidFactBase
    from briefgen.judging import prepare_judgment

    if document is None:
        raise UsageError("--judgment needs --from FILE: a YAML or JSON document of one judgment")
    from briefgen.locking import base_lock
    from briefgen.output import write_atomic

    root = base_root(settings.facts_dir)
    draft = _read_document(document)
    # One writer at a time: the base is read, checked and written holding its lock.
    with contextlib.nullcontext() if dry_run else base_lock(root):
        base = settings.load()
        try:
            addition = prepare_judgment(root, base, draft, settings.env.today())
        except InvalidFactBase as exc:
            _print_problems(exc.problems)
            count = len(exc.problems)
            raise InvalidAddition(
                f"the judgment would make the base invalid ({count} "
                f"problem{'s' if count != 1 else ''}); nothing written"
            ) from None
        if not dry_run:
            write_atomic(addition.path, addition.text, within=root.resolve())
    where = f"{_shown(addition.path)}:{addition.line}"
    if dry_run:
        echo(addition.block)
        settings.info(f"would add {addition.judgment.id} to {where}")
        return
    echo(addition.judgment.id + "\n")
    settings.info(f"added {addition.judgment.id} to {where}")


def _on_grade(problem: Any, draft: dict[str, Any]) -> bool:
    return bool(problem.item_id == draft.get("id") and problem.message.startswith("credibility"))


def _kept(exc: InvalidAddition, draft: dict[str, Any]) -> InvalidAddition:
    """``exc``, once what was typed is kept: it can be corrected and added again."""
    from briefgen.authoring import InvalidAddition

    kept = _keep(draft)
    return InvalidAddition(
        f"{exc}; the fact is kept in {kept}: 'briefgen add --edit --from {kept}' to correct it"
    )


def _keep(draft: dict[str, Any]) -> Path:
    """The draft, written to a file of its own in the temporary directory.

    Its name is made from the id's letters, digits, dots and hyphens only: an id
    is what the user typed, and may hold a ``/``, a NUL or anything else.
    """
    import os
    import tempfile

    from briefgen.authoring import item_block

    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", str(draft.get("id") or ""))[:40].strip(".-")
    fd, name = tempfile.mkstemp(prefix=f"briefgen-{safe or 'fact'}-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(item_block(draft))
    return Path(name)


# -- the draft ---------------------------------------------------------------------------


# The option that gives each field a draft may lack (see missing_fields).
_FLAGS = {
    "kind": "--kind",
    "themes": "--theme",
    "sources": "--source",
    "measure": "--measure",
    "value": "--value (or --low/--high)",
    "unit": "--unit",
    "quote": "--quote",
}


def _flag(field: str) -> str:
    if field.startswith("text."):
        return f"--text {field.removeprefix('text.')}=..."
    return _FLAGS[field]


def _read_document(document: Path) -> dict[str, Any]:
    from briefgen import safe_yaml
    from briefgen.authoring import pruned
    from briefgen.reading import MAX_FILE_SIZE, Unreadable, read_input

    name = "standard input" if str(document) == "-" else str(document)
    try:
        text = read_input(document, MAX_FILE_SIZE).decode("utf-8-sig")
    except Unreadable as exc:
        raise UsageError(f"--from {name}: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--from {name}: not valid UTF-8 text") from None
    try:
        data = safe_yaml.parse(text).data
    except safe_yaml.YAMLProblem as exc:
        raise UsageError(f"--from {name}:{exc.line}: {exc.message}") from None
    except Exception as exc:  # PyYAML's syntax errors
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or "invalid YAML or JSON"
        raise UsageError(f"--from {name}{where}: {what}") from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if data is None:
        raise BriefgenError(f"nothing added: {name} is empty")
    if not isinstance(data, dict):
        raise UsageError(
            f"--from {name}: expected one fact (a mapping), found {type(data).__name__}"
        )
    return pruned(data)


def _localized(pairs: Sequence[str], option: str, languages: Sequence[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for pair in pairs:
        lang, sep, text = pair.partition("=")
        if not sep and len(languages) == 1:
            lang, text = languages[0], pair
        elif not sep or not lang.strip():
            raise UsageError(f"{option} {pair!r}: expected LANG=TEXT, e.g. en='...'")
        texts[lang.strip()] = text.strip()
    return texts


def _from_options(base: FactBase, options: dict[str, Any]) -> dict[str, Any]:
    """The fields the command line gives, as the data of an items file."""
    languages = base.info.languages
    draft: dict[str, Any] = {}
    if options["fact_id"]:
        draft["id"] = options["fact_id"]
    if options["kind"]:
        draft["kind"] = options["kind"]
    if options["themes"]:
        draft["themes"] = list(options["themes"])
    if options["fact_date"] is not None:
        draft["date"] = str(options["fact_date"])
    if options["texts"]:
        draft["text"] = _localized(options["texts"], "--text", languages)
    reference: dict[str, Any] = {}
    if options["source_id"]:
        reference["ref"] = options["source_id"]
    if options["via"]:
        via = list(options["via"])
        reference["via"] = via[0] if len(via) == 1 else via
    for key in ("quote", "locator"):
        if options[key]:
            reference[key] = options[key]
    if reference:
        draft["sources"] = [reference]
    for key in ("credibility", "priority"):
        if options[key] is not None:
            draft[key] = options[key]
    quantity = {
        k: options[k] for k in ("measure", "value", "low", "high", "unit") if options[k] is not None
    }
    if quantity:
        draft["quantity"] = quantity
    if options["contradicts"]:
        draft["contradicts"] = list(options["contradicts"])
    if options["tags"]:
        draft["tags"] = list(options["tags"])
    if options["comments"]:
        draft["comment"] = _localized(options["comments"], "--comment", languages)
    return draft


def _prepare(root: Path, draft: dict[str, Any], path: Path) -> Addition:
    from briefgen.authoring import prepare_fact

    return prepare_fact(root, draft, path)


def _verified(addition: Addition, texts_dir: Path | None) -> list[str]:
    """``verify`` on the new base, for the new fact: failures refuse it, hedges warn."""
    from briefgen.authoring import InvalidAddition, problems_of
    from briefgen.verify import verify_quotes

    if texts_dir is None:
        return []
    report = verify_quotes(addition.base, texts_dir)
    failures = problems_of(addition.fact.id, report.failures)
    if failures:
        _print_problems(failures[1:])
        raise InvalidAddition(failures[0])
    return problems_of(addition.fact.id, report.hedges)


def _shown(path: Path) -> str:
    from briefgen.paths import display_path

    return display_path(path)


# -- $EDITOR -----------------------------------------------------------------------------


def _edited(base: FactBase, draft: dict[str, Any], texts_dir: Path | None) -> dict[str, Any]:
    """The draft, as the user leaves it in $EDITOR; aborts on an empty document."""
    from briefgen import safe_yaml
    from briefgen.authoring import pruned

    scaffold = _scaffold(base, draft)
    result = click.edit(scaffold, extension=".yaml", require_save=True)
    if result is None:
        raise BriefgenError("nothing added: the editor was closed without saving")
    try:
        data = safe_yaml.parse(result).data
    except safe_yaml.YAMLProblem as exc:
        raise UsageError(f"the edited fact, line {exc.line}: {exc.message}") from None
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise UsageError(
            f"the edited fact{where}: {getattr(exc, 'problem', None) or exc}"
        ) from None
    data = pruned(data) if isinstance(data, dict) else data
    if not data:
        raise BriefgenError("nothing added: the fact is empty")
    if not isinstance(data, dict):
        raise UsageError("the edited fact must be a mapping of its fields")
    return data


def _scaffold(base: FactBase, draft: dict[str, Any]) -> str:
    """The document $EDITOR opens: the fields given, the others empty, and what they may hold."""
    from briefgen.authoring import item_block

    languages = base.info.languages
    filled: dict[str, Any] = {
        "id": draft.get("id", ""),
        "kind": draft.get("kind", "statement"),
        "themes": draft.get("themes", []),
        "date": draft.get("date", ""),
        "text": {**{lang: "" for lang in languages}, **(draft.get("text") or {})},
        "sources": draft.get("sources") or [{"ref": "", "quote": "", "locator": ""}],
        "credibility": draft.get("credibility", ""),
        "priority": draft.get("priority", 2),
    }
    for key in ("quantity", "contradicts", "tags", "comment"):
        if key in draft:
            filled[key] = draft[key]
    if filled["kind"] == "figure" and "quantity" not in filled:
        filled["quantity"] = {"measure": "", "value": "", "unit": ""}
    body = item_block(filled)[2:].replace("\n  ", "\n")
    themes = ", ".join(t.id for t in base.themes)
    sources = ", ".join(base.sources)
    return (
        "# The new fact. Lines starting with '#' are ignored; an empty document adds nothing.\n"
        "# Left empty: the id is made from the text, the locator found from the quote.\n"
        f"# kinds: {', '.join(KINDS)}\n"
        f"# themes: {themes}\n"
        f"# sources: {sources}\n"
        "# credibility: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful,\n"
        "#   5 improbable, 6 cannot be judged; priority: 1 must appear ... 3 first left out\n"
        "# figures also need: quantity: {measure: ID, value: N (or low:/high:), unit: ...}\n"
        f"{body}"
    )


# -- questions on a terminal -------------------------------------------------------------


@contextlib.contextmanager
def completing(words: Sequence[str]) -> Iterator[None]:
    """Tab completes ``words`` (the last word of a comma-separated list) while prompting."""
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        yield
        return
    if not _env().stdin_isatty:
        yield
        return
    previous = readline.get_completer()
    delims = readline.get_completer_delims()

    def complete(text: str, state: int) -> str | None:
        matches = [w for w in words if w.startswith(text)]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" ,")
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous)
        readline.set_completer_delims(delims)


class IdList(click.ParamType):
    """Comma- or space-separated ids, each one of ``known`` (empty allowed when ``optional``)."""

    name = "IDS"

    def __init__(self, known: Sequence[str], what: str, optional: bool = False) -> None:
        self.known, self.what, self.optional = list(known), what, optional

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        ids = [v for v in re.split(r"[,\s]+", str(value)) if v]
        if not ids and not self.optional:
            self.fail(f"give at least one {self.what}", param, ctx)
        unknown = [i for i in ids if i not in self.known]
        if unknown:
            self.fail(
                f"unknown {self.what} {', '.join(unknown)}; known: {', '.join(self.known[:30])}",
                param,
                ctx,
            )
        return ids


class Questions:
    """Asks for each field of a fact, with the draft's values (or suggestions) as defaults."""

    def __init__(self, base: FactBase, texts_dir: Path | None) -> None:
        self.base, self.texts_dir = base, texts_dir

    def ask(self, draft: dict[str, Any]) -> dict[str, Any]:
        from briefgen.authoring import check_quote, suggested_id

        base = self.base
        fact: dict[str, Any] = {}
        text = draft.get("text") or {}
        fact["text"] = {
            lang: self.prompt(f"Text ({lang})", default=text.get(lang))
            for lang in base.info.languages
        }
        fact["kind"] = self.prompt(
            "Kind", default=draft.get("kind", "statement"), type=click.Choice(KINDS), words=KINDS
        )
        theme_ids = [t.id for t in base.themes]
        fact["themes"] = self.prompt(
            "Themes",
            default=", ".join(draft.get("themes", [])) or None,
            type=IdList(theme_ids, "theme"),
            words=theme_ids,
        )
        sources = draft.get("sources") or [{}]
        references = []
        for index, given in enumerate(sources):
            references.append(self.reference(given if isinstance(given, dict) else {}, check_quote))
            if index == len(sources) - 1:
                while click.confirm("Another source?", default=False, err=_prompts_to_stderr()):
                    references.append(self.reference({}, check_quote))
        fact["sources"] = references
        if fact["kind"] == "figure" or draft.get("quantity"):
            fact["quantity"] = self.quantity(draft.get("quantity") or {})
        self.ask_grades(draft, fact)
        self.ask_links(draft, fact)
        suggested = draft.get("id") or suggested_id(base, fact)
        fact["id"] = self.prompt("Id", default=suggested)
        return fact

    def ask_grades(self, draft: dict[str, Any], fact: dict[str, Any]) -> None:
        """The fact's date, credibility and priority, asked for into ``fact``."""
        first = self.base.sources[fact["sources"][0]["ref"]]
        date_default = draft.get("date") or (
            str(first.issued) if fact["kind"] == "assessment" and first.issued else ""
        )
        fact_date = self.prompt(
            "Date (YYYY, YYYY-MM or YYYY-MM-DD; empty: none)",
            default=date_default,
            type=_OptionalDate(),
        )
        if fact_date:
            fact["date"] = fact_date
        fact["credibility"] = self.prompt(
            "Credibility (1 confirmed ... 6 cannot be judged)",
            default=draft.get("credibility") or self.suggested_credibility(fact),
            type=click.IntRange(1, 6),
        )
        fact["priority"] = self.prompt(
            "Priority (1 must appear ... 3 first left out)",
            default=draft.get("priority", 2),
            type=click.IntRange(1, 3),
        )

    def ask_links(self, draft: dict[str, Any], fact: dict[str, Any]) -> None:
        """What the fact contradicts, its tags (and its comment, kept), into ``fact``."""
        fact_ids = [f.id for f in self.base.facts]
        contradicts = self.prompt(
            "Contradicts (fact ids; empty: none)",
            default=", ".join(draft.get("contradicts", [])),
            type=IdList(fact_ids, "fact", optional=True),
            words=fact_ids,
        )
        if contradicts:
            fact["contradicts"] = contradicts
        tags = self.prompt("Tags (empty: none)", default=", ".join(draft.get("tags", [])))
        if tags:
            fact["tags"] = [t for t in re.split(r"[,\s]+", tags) if t]
        if draft.get("comment"):
            fact["comment"] = draft["comment"]

    def reference(self, given: dict[str, Any], check_quote: Callable[..., Any]) -> dict[str, Any]:
        base = self.base
        source_ids = list(base.sources)
        ref = self.prompt(
            "Source read",
            default=given.get("ref"),
            type=click.Choice(source_ids),
            words=source_ids,
            show_choices=False,
        )
        reference: dict[str, Any] = {"ref": ref}
        via = self.prompt(
            "Via (the original source it cites; empty: none)",
            default=", ".join(_as_list(given.get("via"))),
            type=IdList(source_ids, "source", optional=True),
            words=source_ids,
        )
        if via:
            reference["via"] = via[0] if len(via) == 1 else via
        located = None
        while True:
            quote = self.prompt("Quote (verbatim; empty: none)", default=given.get("quote", ""))
            if not quote:
                break
            check = check_quote(base, ref, quote, self.texts_dir)
            if check.text_file is None or check.located is not None:
                located = check.located
                reference["quote"] = quote
                break
            click.echo(
                f"Not in {_shown(check.text_file)}: copy the words as the text has them.", err=True
            )
            given = {**given, "quote": ""}
        locator = self.prompt(
            "Locator",
            default=given.get("locator") or (located.locator if located else ""),
        )
        if locator:
            reference["locator"] = locator
        return reference

    def quantity(self, given: dict[str, Any]) -> dict[str, Any]:
        from briefgen.authoring import measure_unit

        measures = sorted(
            {f.quantity.measure for f in self.base.facts if f.quantity} | set(self.base.measures)
        )
        measure = self.prompt("Measure", default=given.get("measure"), words=measures)
        if given.get("value") is not None:
            shown = str(given["value"])
        elif given.get("low") is not None or given.get("high") is not None:
            shown = f"{given.get('low', '')}-{given.get('high', '')}"
        else:
            shown = None
        quantity: dict[str, Any] = {"measure": measure}
        while True:
            answer = self.prompt("Value (a number, or LOW-HIGH)", default=shown)
            span = _RANGE.match(answer)
            if span:
                quantity["low"], quantity["high"] = _number(span[1]), _number(span[2])
                break
            if (value := _number(answer)) is not None:
                quantity["value"] = value
                break
            click.echo(printable(f"Not a number or a range: {answer}"), err=True)
        quantity["unit"] = self.prompt(
            "Unit", default=given.get("unit") or measure_unit(self.base, measure)
        )
        return quantity

    def suggested_credibility(self, fact: dict[str, Any]) -> int:
        """2, or 3 when every reference passes through an F source, or the base's best for the kind."""
        sources = self.base.sources

        def unjudged(source_id: str) -> bool:
            return source_id in sources and sources[source_id].reliability == "F"

        through_f = all(
            unjudged(r["ref"]) or any(unjudged(v) for v in _as_list(r.get("via")))
            for r in fact["sources"]
        )
        best = self.base.info.grading.kinds.best_credibility(fact["kind"])
        return max(3 if through_f else 2, best)

    def prompt(
        self,
        text: str,
        default: Any = None,
        type: Any = None,
        words: Sequence[str] = (),
        show_choices: bool = True,
    ) -> Any:
        with completing(words):
            return click.prompt(
                text,
                default=default,
                type=type,
                show_choices=show_choices,
                show_default=default not in (None, ""),
                err=_prompts_to_stderr(),
            )


def _env() -> Environment:
    """The environment the run started in (see :mod:`briefgen.environment`)."""
    return click.get_current_context().ensure_object(Settings).env


def _prompts_to_stderr() -> bool:
    # Questions go to the terminal the user types at. Line editing and Tab completion
    # (readline) work only on standard output, so that is where they go when it is
    # the terminal; otherwise standard output is kept for the new fact's id.
    return not _env().stdout_isatty


class _OptionalDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            return ""
        return str(DATE.convert(value, param, ctx))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
