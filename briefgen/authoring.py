"""Adding to a fact base: a fact to ``items/*.yaml``, sources to ``sources.yaml``.

What is added is written as a YAML block of its own and appended to the end
of its file: the rest of the file, its comments, its order and its layout,
is left byte for byte as it was, which a round-trip YAML library would only
promise. The block is made here, with every value quoted where YAML would
read it otherwise, and read back before anything is written.

Nothing is written unless the whole base, with the addition, loads without a
problem (:func:`check_with`): the store reads the base's files, the new text
put in place of the old in memory.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen import safe_yaml
from briefgen.errors import (
    BriefgenError,
    ExitCode,
    InvalidFactBase,
    Problem,
    UsageError,
    setting,
)
from briefgen.jsontext import source_to_dict
from briefgen.model import Fact, FactBase, Source
from briefgen.paragraphs import Located, SourceText
from briefgen.paths import display_path

if TYPE_CHECKING:
    from briefgen.store import BaseFiles

MAX_ID_WORDS = 6
MAX_ID_LENGTH = 60

# The order keys are written in, as the fact format documents them.
FACT_KEYS = (
    "id",
    "kind",
    "themes",
    "date",
    "text",
    "sources",
    "credibility",
    "quantity",
    "priority",
    "added",
    "contradicts",
    "tags",
    "comment",
)
SOURCE_KEYS = (
    "id",
    "type",
    "title",
    "title-short",
    "author",
    "editor",
    "container-title",
    "collection-title",
    "publisher",
    "publisher-place",
    "number",
    "ISSN",
    "genre",
    "event-title",
    "event-place",
    "medium",
    "issued",
    "accessed",
    "URL",
    "language",
    "text",
    "reliability",
    "descriptor",
    "note",
)


# -- ids ---------------------------------------------------------------------------------


def slugify(text: str, max_words: int = MAX_ID_WORDS) -> str:
    """A slug of ``text``'s first words: ``"About 12,000 soldiers"`` -> ``about-12000-soldiers``.

    Accents are dropped, digit groups joined; words of one or two letters are
    left out unless they are numbers.
    """
    from briefgen.query import fold

    folded = re.sub(r"(?<=\d)[,.\s\u00a0\u202f](?=\d{3}\b)", "", fold(text))
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if len(w) > 2 or w.isdigit()]
    slug = "-".join(words[:max_words])[:MAX_ID_LENGTH].strip("-")
    return slug or "fact"


def unique_id(wanted: str, taken: Iterable[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever is not taken."""
    used = set(taken)
    candidate, count = wanted, 1
    while candidate in used:
        count += 1
        candidate = f"{wanted}-{count}"
    return candidate


# -- quotes in local texts ---------------------------------------------------------------


@dataclass(frozen=True)
class QuoteCheck:
    """A quote looked up in the local text of its source."""

    source_id: str
    text_file: Path | None  # None: the source has no local text to look in
    located: Located | None  # None: not found (or no text)


def read_source_text(
    source: Source, texts_dir: Path | None
) -> tuple[Path | None, SourceText | None]:
    """The local text of ``source`` in ``texts_dir`` (its ``text:`` file), if there is one."""
    from briefgen.reading import Unreadable, read_text_inside

    if source.text is None or texts_dir is None:
        return None, None
    path = texts_dir / source.text
    try:
        text = read_text_inside(texts_dir, source.text, called="the texts directory")
    except Unreadable as exc:
        raise UsageError(f"{display_path(path)}, the text of {source.id}: {exc}") from None
    if text is None:
        return path, None
    return path, SourceText(text)


def check_quote(base: FactBase, source_id: str, quote: str, texts_dir: Path | None) -> QuoteCheck:
    """Look ``quote`` up in the local text of ``source_id``, and count its paragraph.

    The paragraph is counted from the nearest paragraph that another fact of
    the base cites with ``§N`` and a quote (see :mod:`briefgen.paragraphs`).
    """
    source = base.sources[source_id]
    path, text = read_source_text(source, texts_dir)
    if text is None:
        return QuoteCheck(source_id, None, None)
    cited = [
        (ref.locator, ref.quote)
        for fact in base.facts
        for ref in fact.sources
        if ref.ref == source_id
    ]
    return QuoteCheck(source_id, path, text.locate(quote, text.anchors(cited)))


# -- YAML blocks -------------------------------------------------------------------------

# One word (letters of any script, digits, dots, hyphens) may stand unquoted: ids, names.
_PLAIN = re.compile(r"^[^\W_][\w.-]*$")
_FLOW_WIDTH = 88
# Texts in every language read best one under the other, whatever their length.
_BLOCK_KEYS = frozenset({"text", "comment", "sources"})


def scalar(value: Any) -> str:
    """``value`` as a YAML scalar that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.match(text) and safe_yaml.parse(text).data == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _lines(value: Mapping[str, Any], indent: str, keys: Sequence[str] = ()) -> list[str]:
    """A block mapping; short collections of scalars stay on one line, in flow style."""
    lines = []
    order = [k for k in keys if k in value] + [k for k in value if k not in keys]
    for key in order:
        item, head = value[key], f"{indent}{scalar(key)}:"
        if _is_scalar(item):
            lines.append(f"{head} {scalar(item)}")
            continue
        flow = _flow(item)
        nested = isinstance(item, Mapping) and not all(_is_scalar(v) for v in item.values())
        if not nested and key not in _BLOCK_KEYS and len(head) + 1 + len(flow) <= _FLOW_WIDTH:
            lines.append(f"{head} {flow}")
        elif isinstance(item, Mapping):
            lines.append(head)
            lines += _lines(item, indent + "  ")
        else:
            lines.append(head)
            lines += _sequence_lines(item, indent, block=key in _BLOCK_KEYS)
    return lines


def _sequence_lines(items: Sequence[Any], indent: str, block: bool) -> list[str]:
    """The elements of a block sequence under a key; short flat mappings in flow style
    unless the key is written in ``block`` style."""
    lines = []
    for element in items:
        flat = isinstance(element, Mapping) and all(_is_scalar(v) for v in element.values())
        fits = len(indent) + 4 + len(_flow(element)) <= _FLOW_WIDTH
        if flat and fits and not block:
            lines.append(f"{indent}  - {_flow(element)}")
        elif isinstance(element, Mapping) and element:
            inner = _lines(element, indent + "    ")
            lines.append(f"{indent}  - {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{indent}  - {_flow(element)}")
    return lines


def item_block(data: Mapping[str, Any], keys: Sequence[str] = FACT_KEYS) -> str:
    """One item of a YAML list (``- id: ...``), its keys in the documented order."""
    lines = _lines(data, "  ", keys)
    return "- " + lines[0].lstrip() + "\n" + "".join(line + "\n" for line in lines[1:])


def appended(existing: str, blocks: Sequence[str], items: Sequence[Mapping[str, Any]]) -> str:
    """``existing`` (the text of a YAML list file) with ``blocks`` added at its end.

    The blocks follow the file's layout: the indentation of its items, and a
    blank line between items if it has them. The result is read back: it must
    hold the old items followed by ``items``, or :class:`UsageError` says why not.
    """
    document = safe_yaml.parse(existing) if existing.strip() else safe_yaml.Document()
    old = document.data if document.data is not None else []
    newline = line_ending(existing)
    lines = existing.splitlines()
    indent, spaced = "", False
    if document.item_lines:
        first = lines[document.item_lines[0] - 1]
        indent = first[: len(first) - len(first.lstrip())]
        above = document.item_lines[-1] - 2  # the line above the last item, 0-based
        while above >= 0 and lines[above].lstrip().startswith("#"):
            above -= 1
        spaced = above >= 0 and not lines[above].strip()
    text = existing if not existing or existing.endswith(("\n", "\r")) else existing + newline
    for block in blocks:
        if spaced and text.strip():
            text += newline
        text += "".join(indent + line + newline for line in block.splitlines())
    if not isinstance(old, list) or safe_yaml.parse(text).data != [*old, *items]:
        raise UsageError(
            "its list cannot be extended by appending (flow style, or a document end?)"
        )
    return text


def line_ending(text: str) -> str:
    """The line ending ``text`` uses (that of its first line): ``\n``, ``\r\n`` or ``\r``."""
    end = text.find("\n")
    if end > 0 and text[end - 1] == "\r":
        return "\r\n"
    if end < 0 and "\r" in text:
        return "\r"
    return "\n"


# -- checking the base with an addition ------------------------------------------------


def check_with(root: Path, changes: Mapping[Path, str], files: BaseFiles | None = None) -> FactBase:
    """The base in ``root`` as it would be with ``changes`` (file -> new text), validated.

    The files are read as :func:`briefgen.store.load` reads them (or taken from
    ``files``, read already), the changed ones replaced in memory. Raises
    :class:`InvalidFactBase` naming each file as the base's directory followed by
    its name in the base.
    """
    from briefgen.store import load_files, read_directory

    root = root.resolve()
    here = display_path(root)
    texts = {
        path.resolve().relative_to(root).as_posix(): text.encode("utf-8")
        for path, text in changes.items()
    }
    files = replace(
        (files or read_directory(root)).with_texts(texts),
        name_file=lambda name: os.path.join(here, *name.split("/")),
    )
    return load_files(files)


def read_base(root: Path) -> BaseFiles:
    """The files of the base in ``root``, read as the store reads them, to be added to."""
    from briefgen.store import read_directory

    return read_directory(root.resolve())


def digest(files: BaseFiles) -> str:
    """A digest of what ``files`` hold: equal digests, the same base, byte for byte."""
    import hashlib

    summary = hashlib.sha256()
    for name, raw in files.contents():
        summary.update(f"{len(name)}:{name}:{len(raw)}:".encode("utf-8", "surrogateescape"))
        summary.update(raw)
    return summary.hexdigest()


def current_text(root: Path, files: BaseFiles, path: Path) -> tuple[Path, str]:
    """The file of the base that writing to ``path`` writes (its links resolved, inside the
    base), and its text as ``files`` hold it ("" for a new file), line endings as they are."""
    from briefgen.errors import OutputError

    real_root = root.resolve()
    real = path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve()
    shown = display_path(path)
    if not real.is_relative_to(real_root):
        raise UsageError(f"cannot add to {shown}: it links outside the fact directory")
    if real.is_dir():
        raise OutputError(f"cannot write {shown}: it is a directory")
    content = files.files.get(real.relative_to(real_root).as_posix())
    if content is None:
        if os.path.lexists(real):
            raise UsageError(f"cannot add to {shown}: not a file of the fact base")
        return real, ""
    if content.problem is not None:
        raise UsageError(f"cannot add to {shown}: {content.problem}")
    try:
        return real, content.raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot add to {shown}: not valid UTF-8 text") from None


# -- which file --------------------------------------------------------------------------


def default_items_file(root: Path, base: FactBase, theme_id: str) -> Path:
    """The items file holding most facts of ``theme_id``, else ``items/<theme_id>.yaml``."""
    from briefgen.store import fact_ids_by_file

    themes = {fact.id: fact.themes for fact in base.facts}
    counts = {
        path: sum(theme_id in themes.get(fact_id, ()) for fact_id in ids)
        for path, ids in fact_ids_by_file(root).items()
    }
    best = max(counts, key=lambda p: counts[p], default=None)
    if best is not None and counts[best] > 0:
        return best
    return root / "items" / f"{theme_id}.yaml"


def check_items_file(root: Path, path: Path) -> Path:
    """``path``, if it is a YAML file under ``root/items``; else a usage error."""
    items = (root / "items").resolve()
    resolved = path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve()
    if resolved.suffix not in (".yaml", ".yml") or not resolved.is_relative_to(items):
        raise UsageError(
            f"{setting('file', str(path))}: must be a .yaml file in {display_path(root / 'items')}"
        )
    return resolved


# -- facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addition:
    """A fact ready to be appended: the file, its new text, and the base it makes."""

    fact: Fact
    path: Path  # the file written: links resolved, inside the base
    block: str
    text: str
    base: FactBase
    line: int  # where the fact starts in the new text
    read: str  # the digest of the base it was made from (:func:`digest`)


def prepare_fact(root: Path, data: Mapping[str, Any], path: Path) -> Addition:
    """Append the fact ``data`` (as an items file holds it) to ``path`` in memory, and
    validate the base as it would be (:class:`InvalidFactBase` if it would not load)."""
    files = read_base(root)
    path, existing = current_text(root, files, path)
    block = item_block(data)
    try:
        text = appended(existing, [block], [dict(data)])
    except UsageError as exc:
        raise UsageError(f"cannot add to {display_path(path)}: {exc}") from None
    new_base = check_with(root, {path: text}, files)
    line = len(text.splitlines()) - len(block.splitlines()) + 1
    fact = new_base.fact(str(data["id"]))
    return Addition(fact, path, block, text, new_base, line, digest(files))


def problems_of(fact_id: str, lines: Iterable[str]) -> list[str]:
    """The lines of a ``verify`` report that concern ``fact_id``."""
    return [line for line in lines if line.startswith(f"{fact_id}:")]


# -- sources -----------------------------------------------------------------------------


def source_data(source: Source) -> dict[str, Any]:
    """``source`` as the plain data of ``sources.yaml``, its fields in the file's order."""
    data = source_to_dict(source)
    return {key: data[key] for key in SOURCE_KEYS if key in data}


@dataclass(frozen=True)
class SourceImport:
    """Sources read from a bibliography file, ready to be appended to ``sources.yaml``."""

    sources: tuple[Source, ...]
    keys: tuple[str, ...]  # each source's key in the file it came from
    left_out: Mapping[str, int]  # fields with no place in a source -> how many entries had one
    path: Path
    blocks: str
    text: str


def prepare_sources(root: Path, base: FactBase, reading: Any, file: str) -> SourceImport:
    """Validate the entries of ``reading`` (:class:`briefgen.imports.Reading`) as new sources
    of ``base`` and append them, in memory, to its ``sources.yaml``.

    Raises :class:`InvalidFactBase` listing every problem, with the lines of ``file``:
    an entry that is not a valid source, an id the base or the file already has.
    """
    from collections import Counter

    from pydantic import ValidationError

    from briefgen import fact_format

    problems = list(reading.problems)
    first_line: dict[str, int] = {}
    valid = []
    for entry in reading.entries:
        source_id = str(entry.data.get("id"))
        if source_id in base.sources:
            problems.append(
                Problem(file, entry.line, source_id, "the base already has this source")
            )
            continue
        if source_id in first_line:
            message = f"duplicate id (first at line {first_line[source_id]})"
            problems.append(Problem(file, entry.line, source_id, message))
            continue
        first_line[source_id] = entry.line
        try:
            source = fact_format.Source.model_validate(entry.data).record()
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(Problem(file, entry.line, source_id, _error_text(error)))
            continue
        valid.append((entry, source))
    if problems:
        raise InvalidFactBase(problems)
    files = read_base(root)
    path, existing = current_text(root, files, root / "sources.yaml")
    data = [source_data(source) for _, source in valid]
    blocks = [item_block(item, SOURCE_KEYS) for item in data]
    try:
        text = appended(existing, blocks, data)
    except UsageError as exc:
        raise UsageError(f"cannot add to {display_path(path)}: {exc}") from None
    check_with(root, {path: text}, files)
    left_out = Counter(name for entry, _ in valid for name in entry.left_out)
    return SourceImport(
        tuple(source for _, source in valid),
        tuple(entry.key for entry, _ in valid),
        dict(sorted(left_out.items())),
        path,
        "".join(blocks),
        text,
    )


def _error_text(error: Any) -> str:
    where = ".".join(str(step) for step in error["loc"] if not isinstance(step, int))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error" and where == "type":
        return f"type: {error['input']!r} is not a CSL type (article-journal, report, webpage, ...)"
    return f"{where}: {message}" if where else message


# -- drafts: a fact being written, before it is checked and added --------------------


class InvalidAddition(BriefgenError):
    """The fact would make the base invalid, or quotes a text that does not hold it."""

    exit_code = ExitCode.INVALID


def base_root(facts_dir: Path | None) -> Path:
    """The fact directory to add to: ``facts_dir``, or the default one unless it is the
    base shipped with briefgen (which is not the user's to change)."""
    from briefgen.paths import package_data
    from briefgen.store import default_facts_dir

    root = facts_dir or default_facts_dir()
    try:
        shipped = package_data("facts").resolve()
    except FileNotFoundError:
        shipped = None
    if facts_dir is None and root.resolve() == shipped:
        raise UsageError(
            f"no fact base of yours to add to: give {setting('facts-dir', 'DIR')} "
            "(or BRIEFGEN_FACTS_DIR)"
        )
    return root


def pruned(data: Any) -> Any:
    """``data`` without empty values: a field left empty in a scaffold is a field not given."""
    if isinstance(data, dict):
        kept = {k: pruned(v) for k, v in data.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [v for v in (pruned(v) for v in data) if v not in (None, "", [], {})]
    return data.strip() if isinstance(data, str) else data


def merged(document: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The document's fields, overridden by those ``given`` (the first source's key by key)."""
    result = {**document}
    for key, value in given.items():
        if key == "sources" and isinstance(result.get("sources"), list) and result["sources"]:
            first = result["sources"][0]
            first = {**first, **value} if isinstance(first, dict) else value
            result["sources"] = [first, *result["sources"][1:]]
        elif key in ("text", "comment", "quantity") and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def missing_fields(base: FactBase, draft: dict[str, Any]) -> list[str]:
    """The required fields the draft lacks: ``text.LANG``, ``kind``, ``themes``,
    ``sources``, and for a figure ``measure``, ``value``, ``unit`` and ``quote``."""
    missing = []
    text = draft.get("text")
    have = text if isinstance(text, dict) else {}
    missing += [f"text.{lang}" for lang in base.info.languages if not have.get(lang)]
    missing += [key for key in ("kind", "themes") if not draft.get(key)]
    sources = draft.get("sources")
    if not sources or not all(isinstance(s, dict) and s.get("ref") for s in sources):
        missing.append("sources")
    if draft.get("kind") == "figure":
        missing += _missing_of_figure(base, draft)
    return missing


def _missing_of_figure(base: FactBase, draft: dict[str, Any]) -> list[str]:
    missing = []
    quantity = _mapping(draft.get("quantity"))
    if not quantity.get("measure"):
        missing.append("measure")
    if all(quantity.get(k) is None for k in ("value", "low", "high")):
        missing.append("value")
    if not quantity.get("unit") and not measure_unit(base, quantity.get("measure")):
        missing.append("unit")
    if not any(isinstance(s, dict) and s.get("quote") for s in draft.get("sources") or []):
        missing.append("quote")
    return missing


def measure_unit(base: FactBase, measure: Any) -> str | None:
    """The unit other facts give the measure (one per measure)."""
    for fact in base.facts:
        if fact.quantity is not None and fact.quantity.measure == measure:
            return fact.quantity.unit
    return None


def suggested_id(base: FactBase, draft: dict[str, Any]) -> str:
    """An id for the draft, made from its text (English if it has it), unique in ``base``."""
    text = _mapping(draft.get("text"))
    lang = "en" if text.get("en") else next(iter(text), None)
    return unique_id(slugify(str(text.get(lang, "")) if lang else ""), (f.id for f in base.facts))


def ordered(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft's keys in the documented order (and those of its references and quantity)."""
    draft.setdefault("priority", 2)
    if isinstance(draft.get("sources"), list):
        draft["sources"] = [
            _in_order(r, ("ref", "via", "locator", "quote")) if isinstance(r, dict) else r
            for r in draft["sources"]
        ]
    if isinstance(draft.get("quantity"), dict):
        draft["quantity"] = _in_order(
            draft["quantity"], ("measure", "value", "low", "high", "unit")
        )
    return _in_order(draft, FACT_KEYS)


def _in_order(data: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    order = [k for k in keys if k in data] + [k for k in data if k not in keys]
    return {k: data[k] for k in order}


def fill_locators(base: FactBase, draft: dict[str, Any], texts_dir: Path | None) -> list[str]:
    """Look every quote up in its source's local text and set its locator; refuse one not
    there (:class:`InvalidAddition`).

    Returns warnings: a quote that could not be checked, a locator that disagrees.
    """
    quantity = draft.get("quantity")
    if isinstance(quantity, dict) and not quantity.get("unit"):
        unit = measure_unit(base, quantity.get("measure"))
        if unit:
            quantity["unit"] = unit
    warnings = []
    for reference in draft.get("sources") or []:
        if not isinstance(reference, dict):
            continue
        ref, quote = reference.get("ref"), reference.get("quote")
        if not isinstance(quote, str) or not isinstance(ref, str) or ref not in base.sources:
            continue
        warnings += _locate(base, reference, ref, quote, texts_dir)
    return warnings


def _locate(
    base: FactBase, reference: dict[str, Any], ref: str, quote: str, texts_dir: Path | None
) -> list[str]:
    """Set the locator of one reference from where its quote is; the warnings it gives."""
    check = check_quote(base, ref, quote, texts_dir)
    source = base.sources[ref]
    if check.text_file is None:
        where = f"no local text in {texts_dir}" if source.text else "no local text ('text:')"
        if texts_dir is None and source.text:
            where = f"no {setting('texts')} directory to find its local text in"
        return [f"quote not checked: source {ref} has {where}"]
    if check.located is None:
        raise InvalidAddition(
            f"quote not found in {display_path(check.text_file)} (source {ref}): {quote!r}"
        )
    warnings = []
    found = check.located
    given = reference.get("locator")
    if not given:
        reference["locator"] = found.locator
    elif str(given).split(",")[0].strip() != found.locator:
        warnings.append(f"locator {given!r}, but the quote is in {found.locator} of {ref}")
    if found.anchor is None and not given:
        warnings.append(
            f"{found.locator} of {ref} was counted from the start of its text (no other fact "
            "cites it by paragraph yet): check it"
        )
    if found.others:
        also = ", ".join(f"§{n}" for n in found.others)
        warnings.append(f"the quote also stands in {also} of {ref}; {found.locator} is the first")
    return warnings


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
