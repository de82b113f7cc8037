"""The fact model: typed, immutable objects for themes, sources and facts.

The field names follow the fact format in the README (and CSL-JSON for
sources, so that exporting a bibliography is a dump). Rules that concern a
single object live here; rules that relate objects to each other (known ids,
languages of the base) live in :mod:`briefgen.store`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, total_ordering
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from briefgen.errors import excerpt
from briefgen.vocabulary import Kind

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
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=200)]
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


def _text(value: object) -> object:
    """``value``, if it is a string, refused when it holds what is no character."""
    if isinstance(value, str) and (match := NOT_TEXT.search(value)):
        code = ord(match.group())
        what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a noncharacter"
        raise ValueError(f"U+{code:04X} is {what}, not text (no Word brief could hold it)")
    return value


def _one_line(value: object) -> object:
    # Fact text is prose for a bullet: fold newlines and runs of spaces.
    if not isinstance(value, str):
        return value
    _text(value)
    if needs_folding(value):
        value = FOLDABLE_SPACE.sub(" ", value)
    return value.strip(" ")


def _as_tuple(value: object) -> object:
    # A single id is allowed where a list is expected: ``via: nis``.
    return (value,) if isinstance(value, str) else value


OneLine = Annotated[str, BeforeValidator(_one_line), Field(min_length=1)]
# An id or a list of ids: ``via: nis`` or ``via: [lemonde, nis]``.
OneOrMore = BeforeValidator(_as_tuple, json_schema_input_type=str | list[str])
Localized = dict[Annotated[str, Field(pattern=LANG_PATTERN)], OneLine]


def localized(text: Mapping[str, str], lang: str) -> str:
    """``text`` in ``lang``, or in the first language it has (a single-language base)."""
    return text.get(lang) or next(iter(text.values()))


# A text of a source that may differ by language: one string for every language, or
# one per language (``{en: Ministry of National Defense, fr: ministère de la Défense}``).
Worded = OneLine | Localized


def worded(value: str | Mapping[str, str] | None, lang: str | None) -> str | None:
    """``value`` in ``lang`` (or its first language; the first with no ``lang``)."""
    if value is None or isinstance(value, str):
        return value
    return localized(value, lang or "")


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        defer_build=True,
        str_max_length=MAX_TEXT_LENGTH,
    )

    def __reduce__(self) -> str | tuple[Any, ...]:
        # Pickled (for the cache of parsed bases) as its values in field order, and the
        # set of the fields given, one set shared by every object of a class that was
        # given the same fields. Pydantic's own pickles carry a dict and a set per object:
        # a base of 100,000 facts (276,000 objects) unpickled in 0.86 s and took 400 MiB.
        cls = type(self)
        if tuple(self.__dict__) != _field_names(cls):  # not as validation made it: as usual
            return super().__reduce__()
        given = self.__pydantic_fields_set__
        shared = _SHARED_FIELDS.setdefault((cls, frozenset(given)), set(given))
        return (_restore, (cls, tuple(self.__dict__.values()), shared))


# (class, fields given) -> the one set of them that pickles share.
_SHARED_FIELDS: dict[tuple[type, frozenset[str]], set[str]] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type[_Frozen]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(cls.__pydantic_fields__)
    return names


def _restore(cls: type[_Frozen], values: tuple[Any, ...], given: set[str]) -> _Frozen:
    """An object of ``cls`` as :meth:`_Frozen.__reduce__` pickled it (validated before)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", dict(zip(_field_names(cls), values, strict=True)))
    object.__setattr__(obj, "__pydantic_fields_set__", given)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Theme(_Frozen):
    """A theme a fact can belong to; its id is used on the command line."""

    id: Slug
    title: Localized
    description: Localized | None = None


class Name(_Frozen):
    """A CSL name: a person (family, given) or an institution (literal)."""

    family: str | None = None
    given: str | None = None
    # An institution or a group, in every language or per language.
    literal: Worded | None = None

    _characters = field_validator("family", "given", "literal")(_text)

    @model_validator(mode="after")
    def _has_a_name(self) -> Name:
        if not (self.family or self.literal):
            raise ValueError("a name needs 'family' (a person) or 'literal' (an institution)")
        return self

    def in_language(self, lang: str | None) -> Name:
        """The name with its ``literal`` in ``lang`` (see :func:`worded`)."""
        if isinstance(self.literal, dict):
            return self.model_copy(update={"literal": worded(self.literal, lang)})
        return self


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


class Source(_Frozen):
    """A source: an article we read, or an original source an article relies on."""

    id: Slug
    type: Literal[CSL_TYPES]  # type: ignore[valid-type]
    title: OneLine | None = None
    # The title a short note uses (CSL "title-short"); derived from the title when absent.
    title_short: OneLine | None = Field(None, alias="title-short")
    author: tuple[Name, ...] = ()
    editor: tuple[Name, ...] = ()
    publisher: OneLine | None = None
    publisher_place: OneLine | None = Field(None, alias="publisher-place")
    container_title: OneLine | None = Field(None, alias="container-title")
    collection_title: OneLine | None = Field(None, alias="collection-title")
    number: str | None = None
    ISSN: str | None = None
    # What a speech, an interview or a broadcast was (CSL: its kind in words, the
    # occasion, where it took place, the medium), where the type's own word is not enough.
    genre: Worded | None = None
    event_title: Worded | None = Field(None, alias="event-title")
    event_place: Worded | None = Field(None, alias="event-place")
    medium: Worded | None = None
    issued: PartialDate | None = None
    accessed: PartialDate | None = None
    URL: str | None = None
    language: Annotated[str, Field(pattern=LANG_PATTERN)] | None = None
    text: str | None = None
    reliability: Reliability = "F"
    descriptor: Localized | None = None
    note: str | None = None

    @field_validator("number", "ISSN", mode="before")
    @classmethod
    def _stringify(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    _characters = field_validator("number", "ISSN", "note", "text")(_text)

    def in_language(self, lang: str | None) -> Source:
        """The source with every text given per language in ``lang``: the names of
        institutions, the kind, occasion, place and medium (see :func:`worded`)."""
        fields = ("genre", "event_title", "event_place", "medium")
        update: dict[str, object] = {
            field: worded(getattr(self, field), lang)
            for field in fields
            if isinstance(getattr(self, field), dict)
        }
        if any(isinstance(name.literal, dict) for name in (*self.author, *self.editor)):
            update["author"] = tuple(name.in_language(lang) for name in self.author)
            update["editor"] = tuple(name.in_language(lang) for name in self.editor)
        return self.model_copy(update=update) if update else self

    @field_validator("URL")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        # Only web links: a source can never smuggle javascript: or file: into a brief.
        if value is not None and not re.fullmatch(r"https?://[^\s<>\"]+", value):
            raise ValueError("URL must be an http:// or https:// address without spaces")
        return value

    @field_validator("text")
    @classmethod
    def _plain_file_name(cls, value: str | None) -> str | None:
        if value is not None and ("/" in value or "\\" in value or value.startswith(".")):
            raise ValueError("text must be a plain file name (looked up in verify --texts DIR)")
        return value

    @model_validator(mode="after")
    def _identifiable(self) -> Source:
        # An untitled page known only by its site (a newspaper's URL) is identified by
        # its container, as in CSL; the outlet is never made its author.
        if not (self.title or self.author or self.container_title or self.URL):
            raise ValueError(
                "a source needs a 'title', an 'author', a 'container-title' or a 'URL'"
            )
        return self


class SourceRef(_Frozen):
    """Where a fact comes from: the source read, and the original it cites."""

    ref: Slug
    via: Annotated[tuple[Slug, ...], OneOrMore] = ()
    locator: str | None = None
    quote: OneLine | None = None

    @field_validator("locator", mode="before")
    @classmethod
    def _stringify(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    _characters = field_validator("locator")(_text)

    @property
    def origin(self) -> str:
        """The original source: the last of the ``via`` chain, else the source read."""
        return self.via[-1] if self.via else self.ref


Number = int | float
# The largest number a quantity may have: every integer up to it is exact as a
# float (2**53), so estimates compare and sort right, in JSON too. A larger one
# is a mistake; a 400-digit one could not even be compared with a float.
MAX_NUMBER = 2**53


class Quantity(_Frozen):
    """A number a figure states; facts sharing a ``measure`` are competing estimates."""

    measure: Slug
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    unit: OneLine

    @field_validator("value", "low", "high")
    @classmethod
    def _in_range(cls, value: Number | None) -> Number | None:
        finite = isinstance(value, int) or (value is not None and math.isfinite(value))
        if finite and abs(value) > MAX_NUMBER:  # type: ignore[arg-type]
            raise ValueError(f"a quantity must be at most {MAX_NUMBER:,} (2**53) in magnitude")
        return value

    @model_validator(mode="after")
    def _value_or_range(self) -> Quantity:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError("a quantity needs 'value', or 'low' and/or 'high'")
        if not all(math.isfinite(n) for n in self.numbers()):
            # .inf and .nan cannot be compared with other estimates, nor written as JSON.
            raise ValueError("a quantity must be a finite number")
        if self.value is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either 'value' or 'low'/'high', not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("'low' is greater than 'high'")
        return self

    def numbers(self) -> list[Number]:
        return [n for n in (self.value, self.low, self.high) if n is not None]

    def sort_key(self) -> float:
        return float(self.value if self.value is not None else (self.low or self.high or 0))


# Admiralty information credibility: 1 confirmed ... 5 improbable, 6 cannot be judged.
Credibility = Annotated[int, Field(ge=1, le=6)]


class Fact(_Frozen):
    """One claim, in every language of the base, with its sources."""

    id: Slug
    kind: Kind
    themes: Annotated[tuple[Slug, ...], OneOrMore, Field(min_length=1)]
    date: PartialDate | None = None
    text: Localized
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    credibility: Credibility = 6
    quantity: Quantity | None = None
    priority: Annotated[int, Field(ge=1, le=3)] = 2
    added: PartialDate | None = None
    contradicts: Annotated[tuple[Slug, ...], OneOrMore] = ()
    tags: Annotated[tuple[str, ...], OneOrMore] = ()
    # The analyst's own remark on the claim (where the public record says otherwise,
    # say), in every language of the base: printed with the fact's note, labelled as
    # the analyst's, never to be read as the source's words.
    comment: Localized | None = None

    @field_validator("tags")
    @classmethod
    def _tag_characters(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            _text(tag)
        return tags

    @model_validator(mode="after")
    def _figures_are_quoted(self) -> Fact:
        if self.kind == "figure":
            if self.quantity is None:
                raise ValueError("a figure needs a 'quantity'")
            if not any(ref.quote for ref in self.sources):
                raise ValueError("a figure needs a 'quote' holding its number")
        if self.id in self.contradicts:
            raise ValueError("a fact cannot contradict itself")
        return self

    def text_in(self, lang: str) -> str:
        """The fact's text in ``lang``, or in the first language it has."""
        return localized(self.text, lang)

    def comment_in(self, lang: str) -> str | None:
        """The analyst's comment in ``lang`` (or the first language it has), if any."""
        return localized(self.comment, lang) if self.comment else None


Confidence = Literal["high", "moderate", "low"]


class Judgment(_Frozen):
    """A key judgment: a conclusion of the base's own analysts, resting on its facts.

    It is never a source's words (a source's own assessment is a fact of kind
    ``assessment``): its note cites the facts it rests on, its ``basis``. Its
    ``likelihood`` is a term of the base's yardstick (none for a judgment that is
    not a probability), stated in its text; its ``confidence`` in that basis is
    stated apart (ICD 203). The checks are in :mod:`briefgen.analytic`.
    """

    id: Slug
    themes: Annotated[tuple[Slug, ...], OneOrMore, Field(min_length=1)]
    date: PartialDate | None = None
    text: Localized
    likelihood: Slug | None = None
    confidence: Confidence
    basis: Annotated[tuple[Slug, ...], OneOrMore] = ()
    # What would change the judgment, in every language of the base.
    indicators: Localized | None = None
    priority: Annotated[int, Field(ge=1, le=3)] = 2
    added: PartialDate | None = None

    def text_in(self, lang: str) -> str:
        return localized(self.text, lang)


class Measure(_Frozen):
    """Optional label of a quantity's measure, for competing-estimates tables."""

    id: Slug
    title: Localized
    unit: Localized | None = None  # the unit as a reader of each language calls it


class KindGrading(_Frozen):
    """A base's own rule for the facts of one kind: the best credibility they may carry."""

    best_credibility: Credibility = Field(alias="best-credibility")


class KindsGrading(_Frozen):
    """Rules per kind of fact (one optional entry per :data:`Kind`)."""

    event: KindGrading | None = None
    figure: KindGrading | None = None
    statement: KindGrading | None = None
    assessment: KindGrading | None = None

    def best_credibility(self, kind: Kind) -> int:
        """The best (lowest) credibility the base allows for ``kind``; 1 if it sets no rule."""
        rule: KindGrading | None = getattr(self, kind)
        return rule.best_credibility if rule is not None else 1


class Grading(_Frozen):
    """Stricter grading rules a base declares in ``base.yaml`` (see :mod:`briefgen.grading`)."""

    # Factories, not instances: an instance made here would build the schema on import.
    kinds: KindsGrading = Field(default_factory=KindsGrading)


class BaseInfo(_Frozen):
    """Optional ``base.yaml``: what the whole fact base is about."""

    title: Localized | None = None
    languages: tuple[Annotated[str, Field(pattern=LANG_PATTERN)], ...] = ("en", "fr")
    grading: Grading = Field(default_factory=Grading)
    # The probability yardstick of the base's judgments (see briefgen.yardsticks).
    yardstick: Slug = "icd-203"

    @field_validator("yardstick")
    @classmethod
    def _known_yardstick(cls, value: str) -> str:
        from briefgen.yardsticks import yardstick_ids

        if value not in yardstick_ids():
            known = ", ".join(yardstick_ids())
            raise ValueError(f"unknown yardstick '{value}': briefgen has {known}")
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
