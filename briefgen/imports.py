"""Sources from bibliography files: CSL-JSON (Zotero, pandoc, citeproc) and BibTeX/biblatex.

Each entry becomes the data of one ``sources.yaml`` item, with the line it
starts on in the file it came from, so that a problem is reported as
``file:line: id: message``. Ids are kept (the CSL ``id``, the BibTeX key),
made into slugs when they are not (``Niquet:2025`` becomes ``niquet-2025``).
A source's reliability is never imported: it is graded in the base that
cites it, and stays F (cannot be judged) until someone does.

The fields map to CSL variables as pandoc maps them (``pandoc -f biblatex -t
csljson``): ``journal``/``journaltitle``/``booktitle`` are the container,
``institution``, ``school`` and ``organization`` the publisher, ``address``
or ``location`` its place, and ``date`` (else ``year``, ``month``, ``day``)
the date issued. A name's particle (``de la``) stays with the family name
and a suffix (``Jr.``) follows the given name, since a source's names are
``family``, ``given`` or ``literal``. Fields the fact base has no place for
(pages, volume, abstract, ...) are left out and listed; a DOI becomes the
URL when there is none.

BibTeX is read with bibtexparser (v2), which reports the line of every entry
and of every block it cannot parse; LaTeX markup is turned into text by
pylatexenc.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import Problem
from briefgen.export import ENTRY_SUBTYPES as EXPORTED_SUBTYPES

# Names of languages as reference managers write them, for their ISO 639-1 codes.
LANGUAGE_NAMES = {
    "english": "en",
    "american": "en-US",
    "british": "en-GB",
    "french": "fr",
    "francais": "fr",
    "français": "fr",
    "german": "de",
    "ngerman": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "ukrainian": "uk",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "dutch": "nl",
    "polish": "pl",
    "arabic": "ar",
}
# BibTeX/biblatex entry types -> CSL types (as pandoc maps them).
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "book",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "standard": "standard",
    "legislation": "legislation",
    "legal": "treaty",
    "jurisdiction": "legal_case",
    "inreference": "entry-encyclopedia",
    "reference": "book",
    "misc": "document",
    "software": "document",
}
# biblatex's entrysubtype -> CSL type: the export's mapping read backwards.
ENTRY_SUBTYPES = {subtype: csl for csl, subtype in EXPORTED_SUBTYPES.items()}
_BIBTEX_FIELDS = {
    "title": "title",
    "shorttitle": "title-short",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "number": "number",
    "issn": "ISSN",
    "url": "URL",
    "langid": "language",
    "language": "language",
    "note": "note",
    "annotation": "note",
    "annote": "note",
}
# What BibTeX fields are about the entry, not the work: never reported as left out.
_BIBTEX_SILENT = {
    "entrysubtype",
    "date",
    "year",
    "month",
    "day",
    "urldate",
    "doi",
    "author",
    "editor",
}
_CSL_FIELDS = (
    "title",
    "title-short",
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
    "URL",
    "language",
    "note",
)
_CSL_SILENT = {
    "id",
    "type",
    "author",
    "editor",
    "issued",
    "accessed",
    "custom",
    "DOI",
    "shortTitle",
}


@dataclass
class Entry:
    """One source read from a bibliography file: its data for ``sources.yaml``, and where it was."""

    line: int
    key: str  # as the file has it
    data: dict[str, Any]
    left_out: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """What a bibliography file holds: entries, and what could not be read."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def slug(key: str) -> str:
    """A source id made from a citation key: ``Niquet:2025`` -> ``niquet-2025``."""
    from briefgen.query import fold

    text = re.sub(r"[^a-z0-9._-]+", "-", fold(key)).strip("-._")
    return re.sub(r"-{2,}", "-", text)


def language_code(value: str) -> str:
    """``French`` -> ``fr``; ``fr-FR`` stays; what is neither is returned as it is."""
    text = value.strip()
    return LANGUAGE_NAMES.get(text.casefold(), text)


def sniff(text: str) -> str:
    """``csl-json`` if ``text`` looks like JSON, else ``bibtex``."""
    return "csl-json" if text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{") else "bibtex"


# -- CSL-JSON -----------------------------------------------------------------------------


def read_csl_json(text: str, file: str) -> Reading:
    """The items of a CSL-JSON array (or a single item), each with its line.

    JSON's numbers are read with limits: an integer of more than 20 digits, a
    number too large for a float (``1e400``) and ``NaN`` or ``Infinity`` (which
    are not JSON) are problems at the line of their item, as is nesting deeper
    than Python can follow.
    """
    reading = Reading()
    decoder = json.JSONDecoder(
        parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant
    )
    lines = _Lines(text)
    position = _skip(text, 0)
    items: list[tuple[int, Any]] = []
    start = position
    try:
        if text[position : position + 1] == "[":
            position = _skip(text, position + 1)
            while text[position : position + 1] != "]":
                start = position
                item, position = decoder.raw_decode(text, position)
                items.append((lines.at(start), item))
                position = _skip(text, position)
                if text[position : position + 1] == ",":
                    position = _skip(text, position + 1)
                elif text[position : position + 1] != "]":
                    raise json.JSONDecodeError("expected ',' or ']'", text, position)
            end = _skip(text, position + 1)
        else:
            item, end = decoder.raw_decode(text, position)
            items.append((lines.at(position), item))
            end = _skip(text, end)
        if end < len(text):
            raise json.JSONDecodeError("extra data after the items", text, end)
    except json.JSONDecodeError as exc:
        reading.problems.append(Problem(file, exc.lineno, None, f"invalid JSON: {exc.msg}"))
        return reading
    except Unreadable as exc:
        reading.problems.append(Problem(file, lines.at(start), None, f"invalid JSON: {exc}"))
        return reading
    except RecursionError:
        message = "invalid JSON: nested too deeply"
        reading.problems.append(Problem(file, lines.at(start), None, message))
        return reading
    for line, item in items:
        if not isinstance(item, dict):
            reading.problems.append(Problem(file, line, None, "expected a CSL item (an object)"))
            continue
        entry = _from_csl(item, line)
        if isinstance(entry, Problem):
            reading.problems.append(Problem(file, line, entry.item_id, entry.message))
        else:
            reading.entries.append(entry)
    return reading


class Unreadable(ValueError):
    """A value of a bibliography file that cannot be read: a problem at its entry's line."""


class _Lines:
    """The line of each position of ``text``, asked in increasing order: counted once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def at(self, position: int) -> int:
        if position < self.position:  # not expected; counted from the start then
            self.position, self.line = 0, 1
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


# More digits than any year, report number or ISSN has; Python refuses to read or
# write integers of more than 4,300 digits at all.
MAX_DIGITS = 20


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise Unreadable(f"a number of more than {MAX_DIGITS} digits")
    return int(text)


def _json_float(text: str) -> float:
    import math

    value = float(text)
    if not math.isfinite(value):
        raise Unreadable(f"a number out of range ({text[:30]})")
    return value


def _json_constant(name: str) -> Any:
    raise Unreadable(f"{name} is not a JSON value")


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in "\ufeff \t\r\n":
        position += 1
    return position


def _from_csl(item: Mapping[str, Any], line: int) -> Entry | Problem:
    key = str(item.get("id", "")).strip()
    if not key:
        return Problem("", line, None, "missing required key 'id'")
    data: dict[str, Any] = {"id": slug(key) or key, "type": item.get("type")}
    for name in _CSL_FIELDS:
        value = item.get(name)
        if value is None and name == "title-short":
            value = item.get("shortTitle")
        if value not in (None, ""):
            data[name] = value if isinstance(value, str) else str(value)
    problem = _csl_people_and_dates(item, data, line)
    if problem is not None:
        return problem
    if "URL" not in data and item.get("DOI"):
        data["URL"] = f"https://doi.org/{item['DOI']}"
    custom = item.get("custom")
    if isinstance(custom, dict):
        for name in ("descriptor", "text"):
            if custom.get(name):
                data[name] = custom[name]
    if "language" in data:
        data["language"] = language_code(data["language"])
    left_out = sorted(k for k in item if k not in _CSL_FIELDS and k not in _CSL_SILENT)
    return Entry(line, key, _tidy(data), left_out)


def _csl_people_and_dates(
    item: Mapping[str, Any], data: dict[str, Any], line: int
) -> Problem | None:
    """The names and dates of a CSL item put in ``data``, or the problem of the first
    that cannot be read."""
    for role in ("author", "editor"):
        names = item.get(role)
        if isinstance(names, list) and names:
            data[role] = [_csl_name(n) for n in names]
        elif names is not None:
            return Problem("", line, data["id"], f"{role}: expected a list of names")
    for role in ("issued", "accessed"):
        if role in item:
            date = _csl_date(item[role])
            if date is None:
                return Problem("", line, data["id"], f"{role}: cannot read the date {item[role]!r}")
            data[role] = date
    return None


def _csl_name(name: Any) -> Any:
    if not isinstance(name, dict):
        return name
    if name.get("literal"):
        return {"literal": str(name["literal"])}
    family = " ".join(str(p) for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(str(p) for p in (name.get("given"), name.get("dropping-particle")) if p)
    if name.get("suffix"):
        given = f"{given}, {name['suffix']}" if given else str(name["suffix"])
    result = {"family": family} if family else {}
    if given:
        result["given"] = given
    return result


def _csl_date(value: Any) -> str | None:
    """A CSL date (``date-parts``, or ``raw`` ISO text) as ``YYYY[-MM[-DD]]``; None if unreadable."""
    if isinstance(value, (str, int)):
        text = str(value).strip()
        return text if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) else None
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        # Numbers, or text of digits ("2025"): a float or a bool is no part of a date.
        if not all(
            (isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 10_000)
            or (isinstance(p, str) and re.fullmatch(r"[0-9]{1,4}", p))
            for p in parts[0][:3]
        ):
            return None
        numbers = [int(p) for p in parts[0][:3]]
        return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
    raw = value.get("raw")
    return _csl_date(raw) if isinstance(raw, str) else None


# -- BibTeX -------------------------------------------------------------------------------


def read_bibtex(text: str, file: str) -> Reading:
    """The entries of a BibTeX or biblatex file, each with its line."""
    import logging

    import bibtexparser
    from bibtexparser import middlewares
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

    # bibtexparser logs every block it cannot parse; each is reported here instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

    class MonthNumbers(middlewares.MonthIntMiddleware):
        """bibtexparser's month names and numbers as numbers; but it takes whatever
        ``str.isdigit`` takes (``²``, 5,000 digits) for a number it can read."""

        def resolve_month_field_val(self, month_field: Any) -> tuple[str | int, str]:
            value = month_field.value
            if isinstance(value, str) and value.isdigit() and not _number(value):
                return value, "month field unchanged"
            return super().resolve_month_field_val(month_field)

    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            MonthNumbers(True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    reading = Reading()
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            key = getattr(block, "key", None)
            reading.problems.append(Problem(file, line, key, "duplicate key in the file"))
        elif isinstance(block, ParsingFailedBlock):
            error = block.error
            reason = getattr(error, "abort_reason", None) or str(error).strip() or "cannot parse"
            reason = reason.strip().splitlines()[-1]
            reading.problems.append(Problem(file, line, None, f"invalid BibTeX: {reason}"))
    for entry in library.entries:
        try:
            reading.entries.append(_from_bibtex(entry))
        except Unreadable as exc:
            line = (entry.start_line or 0) + 1
            reading.problems.append(Problem(file, line, entry.key, str(exc)))
    return reading


def _from_bibtex(entry: Any) -> Entry:
    fields = {f.key.lower(): f.value for f in entry.fields}
    kind = entry.entry_type.lower()
    csl_type = BIBTEX_TYPES.get(kind, "document")
    if kind == "article":
        subtype = _latex(fields.get("entrysubtype", "")).lower()
        csl_type = ENTRY_SUBTYPES.get(subtype, csl_type)
    data: dict[str, Any] = {"id": slug(entry.key) or entry.key, "type": csl_type}
    left_out = _bibtex_fields(fields, kind, data)
    for role in ("author", "editor"):
        if fields.get(role):
            try:
                data[role] = [_bibtex_name(parts) for parts in fields[role]]
            except Unreadable as exc:
                raise Unreadable(f"{role}: {exc}") from None
    try:
        issued = _bibtex_date(
            fields.get("date"), fields.get("year"), fields.get("month"), fields.get("day")
        )
    except Unreadable as exc:
        raise Unreadable(f"date: {exc}") from None
    if issued:
        data["issued"] = issued
    if fields.get("urldate"):
        data["accessed"] = _field("urldate", fields["urldate"])
    if "URL" not in data and fields.get("doi"):
        data["URL"] = f"https://doi.org/{_field('doi', fields['doi'])}"
    if "language" in data:
        data["language"] = language_code(data["language"])
    return Entry((entry.start_line or 0) + 1, entry.key, _tidy(data), sorted(left_out))


def _bibtex_fields(fields: Mapping[str, Any], kind: str, data: dict[str, Any]) -> list[str]:
    """The fields of an entry of ``kind`` that have a CSL name put in ``data``; the names
    of those left out."""
    left_out = []
    for name, value in fields.items():
        target = _BIBTEX_FIELDS.get(name)
        if target is None:
            if name not in _BIBTEX_SILENT:
                left_out.append(name)
            continue
        if kind == "article" and name == "number":
            left_out.append(name)  # an issue number, not the number of a report
            continue
        if target in data:
            continue
        text = value if name == "url" else _field(name, value)
        if text:
            data[target] = text
    return left_out


def _bibtex_name(parts: Any) -> dict[str, str]:
    """A name split by bibtexparser (first, von, last, jr) as a CSL name."""
    last = [p for p in parts.last if p]
    if not parts.first and not parts.von and len(last) == 1 and _braced(last[0]):
        return {"literal": _latex(last[0])}  # {UN Panel of Experts}: an institution
    family = _latex(" ".join([*parts.von, *last]))
    given = _latex(" ".join(parts.first))
    if parts.jr:
        given = f"{given}, {_latex(' '.join(parts.jr))}" if given else _latex(" ".join(parts.jr))
    name = {"family": family} if family else {}
    if given:
        name["given"] = given
    return name or {"literal": _latex(str(parts))}


def _braced(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _bibtex_date(date: Any, year: Any, month: Any, day: Any) -> str | None:
    if date:
        text = _latex(str(date)).split("/")[0]  # a range: its start
        return text or None
    if not year:
        return None
    parts = [_latex(str(year))]
    if month not in (None, ""):
        parts.append(f"{int(month):02d}" if _number(month) else _latex(str(month)))
        if day not in (None, "") and _number(day):
            parts.append(f"{int(day):02d}")
    return "-".join(parts)


def _number(value: Any) -> bool:
    """Whether ``value`` is a month's or a day's number (``²`` is a digit, not a number)."""
    return re.fullmatch(r"[0-9]{1,2}", str(value)) is not None


def _field(name: str, value: Any) -> str:
    try:
        return _latex(str(value))
    except Unreadable as exc:
        raise Unreadable(f"{name}: {exc}") from None


def _latex(text: str) -> str:
    """LaTeX markup (``Val{\\'e}rie``, ``\\&``, braces) as plain text, on one line."""
    if not re.search(r"[\\{}~$%]", text):
        return " ".join(text.split())
    from pylatexenc.latex2text import LatexNodes2Text

    if _depth(text) > MAX_DEPTH:
        raise Unreadable(f"braces nested more than {MAX_DEPTH} deep")
    try:
        converted = LatexNodes2Text(math_mode="verbatim").latex_to_text(text)
    except Exception:
        # pylatexenc fails on a macro short of its arguments, each in a way of its
        # own (\href{x}: IndexError, \textcolor{red}: KeyError).
        raise Unreadable(f'cannot read the LaTeX "{_shortened(text)}"') from None
    return " ".join(converted.replace("\u00a0", " ").split())


# As in fact files: no title needs more, and pylatexenc recurses once per level.
MAX_DEPTH = 32


def _depth(text: str) -> int:
    """How deep the braces of ``text`` nest."""
    depth = deepest = 0
    for match in re.finditer(r"\\.|[{}]", text):
        if match[0] == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif match[0] == "}":
            depth -= 1
    return deepest


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _tidy(data: dict[str, Any]) -> dict[str, Any]:
    """Whitespace folded in every text, and no empty field."""
    tidy: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        if value not in (None, "", [], {}):
            tidy[key] = value
    return tidy
