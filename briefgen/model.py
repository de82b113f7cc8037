"""The fact model: immutable records of themes, sources, facts and judgments.

The field names follow the fact format in the README (and CSL-JSON for
sources, so that exporting a bibliography is a dump). The records are named
tuples, which cost nothing to import and little to unpickle (the cache of
parsed bases): the rules a base's files must follow, and the checking of
them, are pydantic's, in :mod:`briefgen.fact_format`, which makes these
records of what it has checked. Rules that relate objects to each other
(known ids, languages of the base) live in :mod:`briefgen.validation`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, total_ordering
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from briefgen.errors import excerpt
from briefgen.vocabulary import Kind

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import core_schema

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """An ISO 8601 calendar date that may stop at the year or the month.

    ``2024``, ``2024-10`` and ``2024-10-25`` are all valid. Dates sort by
    their first day, so ``2024`` sorts before ``2024-01-15``.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if self.month is None:
            if self.day is not None:
                raise ValueError("a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            last = _days_in_month(self.year, self.month)
            if not 1 <= self.day <= last:
                raise ValueError(f"day out of range: {self.day}")

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read a date from YAML: ``2024`` (int), ``"2024-10"``, a ``date`` object."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("expected a date (YYYY, YYYY-MM or YYYY-MM-DD), not a timestamp")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and len(value) <= 32
        ):
            return _read_date(value)
        raise ValueError(f"invalid date {excerpt(value)}: expected YYYY, YYYY-MM or YYYY-MM-DD")

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or _days_in_month(self.year, month))

    def parts(self) -> list[int]:
        """The CSL-JSON ``date-parts`` of this date."""
        return [p for p in (self.year, self.month, self.day) if p is not None]

    def key(self) -> tuple[int, int, int]:
        """What dates sort by: a year before its months, a month before its days."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.key() < other.key()

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": ["string", "integer"],
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "ISO date, possibly partial: YYYY, YYYY-MM or YYYY-MM-DD",
        }


def _days_in_month(year: int, month: int) -> int:
    # calendar.monthrange would do, but importing calendar costs every run a few milliseconds.
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


@lru_cache(maxsize=4096, typed=True)
def _read_date(value: int | str) -> PartialDate:
    # The same dates come back again and again in a base: each is read once,
    # and facts share the (immutable) result, which also makes the cache smaller.
    if isinstance(value, int):
        return PartialDate(value)
    match = _DATE_RE.match(value.strip())
    if not match:
        raise ValueError(f"invalid date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    return PartialDate(year, month, day)


SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


# Line breaks and ordinary spaces; no-break spaces (French "12 000", "« »") are kept.
FOLDABLE_SPACE = re.compile(r"[ \t\r\n\f\v\x85\u2028\u2029]+")
_LINE_BREAK_OR_TAB = re.compile(r"[\t\r\n\f\v\x85\u2028\u2029]")
# No string in a fact base may be longer. A brief is one page of short bullets:
# a longer text is a mistake (a pasted article) and would only be dropped or
# overflow the page; a megabyte-long one would slow every renderer down.
MAX_TEXT_LENGTH = 2000


def needs_folding(text: str) -> bool:
    """Whether FOLDABLE_SPACE would change ``text`` (much cheaper to find out than to substitute)."""
    return "  " in text or _LINE_BREAK_OR_TAB.search(text) is not None


# Noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF and the last two of every plane) and
# lone surrogates are no text: XML 1.0 refuses them, so a Word brief could not be
# written, and a lone surrogate cannot even be written as UTF-8. An escape in a
# YAML or JSON string ("\uFFFE") is the only way to write one.
NOT_TEXT = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)


def localized(text: Mapping[str, str], lang: str) -> str:
    """``text`` in ``lang``, or in the first language it has (a single-language base)."""
    return text.get(lang) or next(iter(text.values()))


def worded(value: str | Mapping[str, str] | None, lang: str | None) -> str | None:
    """``value`` in ``lang`` (or its first language; the first with no ``lang``)."""
    if value is None or isinstance(value, str):
        return value
    return localized(value, lang or "")


CSL_TYPES = (
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "pamphlet",
    "paper-conference",
    "personal_communication",
    "post",
    "post-weblog",
    "report",
    "review",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
)

Reliability = Literal["A", "B", "C", "D", "E", "F"]
Confidence = Literal["high", "moderate", "low"]
Number = int | float
# The largest number a quantity may have: every integer up to it is exact as a
# float (2**53), so estimates compare and sort right, in JSON too. A larger one
# is a mistake; a 400-digit one could not even be compared with a float.
MAX_NUMBER = 2**53

# A text in every language of the base: ``{en: ..., fr: ...}``.
Localized = dict[str, str]
# A text of a source that may differ by language: one string for every language, or
# one per language (``{en: Ministry of National Defense, fr: ministère de la Défense}``).
Worded = str | dict[str, str]


class Theme(NamedTuple):
    """A theme a fact can belong to; its id is used on the command line."""

    id: str
    title: Localized
    description: Localized | None = None


class Name(NamedTuple):
    """A CSL name: a person (family, given) or an institution (literal)."""

    family: str | None = None
    given: str | None = None
    # An institution or a group, in every language or per language.
    literal: Worded | None = None

    def in_language(self, lang: str | None) -> Name:
        """The name with its ``literal`` in ``lang`` (see :func:`worded`)."""
        if isinstance(self.literal, dict):
            return self._replace(literal=worded(self.literal, lang))
        return self


class Source(NamedTuple):
    """A source: an article we read, or an original source an article relies on."""

    id: str
    type: str  # one of CSL_TYPES
    title: str | None = None
    # The title a short note uses (CSL "title-short"); derived from the title when absent.
    title_short: str | None = None
    author: tuple[Name, ...] = ()
    editor: tuple[Name, ...] = ()
    publisher: str | None = None
    publisher_place: str | None = None
    container_title: str | None = None
    collection_title: str | None = None
    number: str | None = None
    ISSN: str | None = None
    # What a speech, an interview or a broadcast was (CSL: its kind in words, the
    # occasion, where it took place, the medium), where the type's own word is not enough.
    genre: Worded | None = None
    event_title: Worded | None = None
    event_place: Worded | None = None
    medium: Worded | None = None
    issued: PartialDate | None = None
    accessed: PartialDate | None = None
    URL: str | None = None
    language: str | None = None
    text: str | None = None
    reliability: Reliability = "F"
    descriptor: Localized | None = None
    note: str | None = None

    def in_language(self, lang: str | None) -> Source:
        """The source with every text given per language in ``lang``: the names of
        institutions, the kind, occasion, place and medium (see :func:`worded`)."""
        fields = ("genre", "event_title", "event_place", "medium")
        update: dict[str, Any] = {
            field: worded(getattr(self, field), lang)
            for field in fields
            if isinstance(getattr(self, field), dict)
        }
        if any(isinstance(name.literal, dict) for name in (*self.author, *self.editor)):
            update["author"] = tuple(name.in_language(lang) for name in self.author)
            update["editor"] = tuple(name.in_language(lang) for name in self.editor)
        return self._replace(**update) if update else self


class SourceRef(NamedTuple):
    """Where a fact comes from: the source read, and the original it cites."""

    ref: str
    via: tuple[str, ...] = ()
    locator: str | None = None
    quote: str | None = None

    @property
    def origin(self) -> str:
        """The original source: the last of the ``via`` chain, else the source read."""
        return self.via[-1] if self.via else self.ref


class Quantity(NamedTuple):
    """A number a figure states; facts sharing a ``measure`` are competing estimates."""

    measure: str
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    unit: str = ""

    def numbers(self) -> list[Number]:
        return [n for n in (self.value, self.low, self.high) if n is not None]

    def sort_key(self) -> float:
        return float(self.value if self.value is not None else (self.low or self.high or 0))


class Fact(NamedTuple):
    """One claim, in every language of the base, with its sources."""

    id: str
    kind: Kind
    themes: tuple[str, ...]
    date: PartialDate | None
    text: Localized
    sources: tuple[SourceRef, ...]
    # Admiralty information credibility: 1 confirmed ... 5 improbable, 6 cannot be judged.
    credibility: int = 6
    quantity: Quantity | None = None
    priority: int = 2
    added: PartialDate | None = None
    contradicts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # The analyst's own remark on the claim (where the public record says otherwise,
    # say), in every language of the base: printed with the fact's note, labelled as
    # the analyst's, never to be read as the source's words.
    comment: Localized | None = None

    def text_in(self, lang: str) -> str:
        """The fact's text in ``lang``, or in the first language it has."""
        return localized(self.text, lang)

    def comment_in(self, lang: str) -> str | None:
        """The analyst's comment in ``lang`` (or the first language it has), if any."""
        return localized(self.comment, lang) if self.comment else None


class Judgment(NamedTuple):
    """A key judgment: a conclusion of the base's own analysts, resting on its facts.

    It is never a source's words (a source's own assessment is a fact of kind
    ``assessment``): its note cites the facts it rests on, its ``basis``. Its
    ``likelihood`` is a term of the base's yardstick (none for a judgment that is
    not a probability), stated in its text; its ``confidence`` in that basis is
    stated apart (ICD 203). The checks are in :mod:`briefgen.analytic`.
    """

    id: str
    themes: tuple[str, ...]
    date: PartialDate | None
    text: Localized
    likelihood: str | None
    confidence: Confidence
    basis: tuple[str, ...] = ()
    # What would change the judgment, in every language of the base.
    indicators: Localized | None = None
    priority: int = 2
    added: PartialDate | None = None

    def text_in(self, lang: str) -> str:
        return localized(self.text, lang)


class Measure(NamedTuple):
    """Optional label of a quantity's measure, for competing-estimates tables."""

    id: str
    title: Localized
    unit: Localized | None = None  # the unit as a reader of each language calls it


class KindGrading(NamedTuple):
    """A base's own rule for the facts of one kind: the best credibility they may carry."""

    best_credibility: int


class KindsGrading(NamedTuple):
    """Rules per kind of fact (one optional entry per :data:`Kind`)."""

    event: KindGrading | None = None
    figure: KindGrading | None = None
    statement: KindGrading | None = None
    assessment: KindGrading | None = None

    def best_credibility(self, kind: Kind) -> int:
        """The best (lowest) credibility the base allows for ``kind``; 1 if it sets no rule."""
        rule: KindGrading | None = getattr(self, kind)
        return rule.best_credibility if rule is not None else 1


class Grading(NamedTuple):
    """Stricter grading rules a base declares in ``base.yaml`` (see :mod:`briefgen.grading`)."""

    kinds: KindsGrading = KindsGrading()


class BaseInfo(NamedTuple):
    """Optional ``base.yaml``: what the whole fact base is about."""

    title: Localized | None = None
    languages: tuple[str, ...] = ("en", "fr")
    grading: Grading = Grading()
    # The probability yardstick of the base's judgments (see briefgen.yardsticks).
    yardstick: str = "icd-203"


# The fields whose names in the files (and in CSL-JSON) are not their names here.
ALIASES: dict[type, dict[str, str]] = {
    Source: {
        "title_short": "title-short",
        "publisher_place": "publisher-place",
        "container_title": "container-title",
        "collection_title": "collection-title",
        "event_title": "event-title",
        "event_place": "event-place",
    },
    KindGrading: {"best_credibility": "best-credibility"},
}


def record_data(record: Any, *, json: bool = False) -> dict[str, Any]:
    """``record`` as data under the names of the fact format, leaving out None: records
    within become mappings; with ``json``, tuples become lists and dates strings."""
    aliases = ALIASES.get(type(record), _NO_ALIASES)
    data = {}
    for name, value in zip(record._fields, record, strict=True):
        if value is None:
            continue
        if isinstance(value, tuple) or (json and isinstance(value, PartialDate)):
            value = _data(value, json)
        data[aliases.get(name, name)] = value
    return data


_NO_ALIASES: dict[str, str] = {}


def _data(value: Any, json: bool) -> Any:
    if isinstance(value, tuple):
        if hasattr(value, "_fields"):
            return record_data(value, json=json)
        items = [_data(item, json) for item in value]
        return items if json else tuple(items)
    if json and isinstance(value, PartialDate):
        return str(value)
    return value


@dataclass(frozen=True)
class FactBase:
    """A loaded, validated fact base."""

    path: str
    info: BaseInfo
    themes: tuple[Theme, ...]
    sources: Mapping[str, Source]
    facts: tuple[Fact, ...]
    measures: Mapping[str, Measure] = field(default_factory=dict)
    judgments: tuple[Judgment, ...] = ()

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def fact(self, fact_id: str) -> Fact:
        return self._facts_by_id[fact_id]

    @property
    def fact_ids(self) -> Mapping[str, Fact]:
        """The facts by id (``id in base.fact_ids`` asks whether the base has it)."""
        return self._facts_by_id

    @cached_property
    def _facts_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    @cached_property
    def contradicted_by(self) -> dict[str, tuple[str, ...]]:
        """For each fact another contradicts, the ids of those that do."""
        found: dict[str, list[str]] = {}
        for fact in self.facts:
            for other in fact.contradicts:
                found.setdefault(other, []).append(fact.id)
        return {fact_id: tuple(ids) for fact_id, ids in found.items()}

    def measure_unit(self, measure_id: str, unit: str, lang: str) -> str:
        """The unit of a measure in ``lang``: from measures.yaml, else as the facts write it."""
        measure = self.measures.get(measure_id)
        if measure is not None and measure.unit:
            return localized(measure.unit, lang)
        return unit

    def measure_title(self, measure_id: str, lang: str) -> str:
        """A readable label for a measure: from measures.yaml, else from its id."""
        measure = self.measures.get(measure_id)
        if measure is not None:
            return localized(measure.title, lang)
        return measure_id.replace("-", " ").replace("_", " ").capitalize()
