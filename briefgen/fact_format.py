"""The fact format as pydantic checks it: the rules a base's files must follow.

Each model here checks one kind of object of the files (a theme, a source, a
fact...) and makes the immutable record of it that the rest of briefgen uses
(:mod:`briefgen.model`), so that only checking a base imports pydantic: a
base read from the cache of parsed bases does not. Rules that concern a single
object live here; rules that relate objects to each other (known ids,
languages of the base) live in :mod:`briefgen.validation`. The JSON Schemas
of the format (``briefgen schema``) are these models'.
"""

from __future__ import annotations

import math
import re
import typing
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from briefgen import model as records
from briefgen.model import (
    CSL_TYPES,
    FOLDABLE_SPACE,
    LANG_PATTERN,
    MAX_NUMBER,
    MAX_TEXT_LENGTH,
    NOT_TEXT,
    SLUG_PATTERN,
    Confidence,
    Number,
    PartialDate,
    Reliability,
    needs_folding,
)
from briefgen.vocabulary import Kind

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=200)]


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
# A text of a source that may differ by language: one string for every language, or
# one per language (``{en: Ministry of National Defense, fr: ministère de la Défense}``).
Worded = OneLine | Localized


class Checked(BaseModel):
    """A model of the fact format; :meth:`record` makes the record of what it checked."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        defer_build=True,
        str_max_length=MAX_TEXT_LENGTH,
    )

    def record(self) -> Any:
        """The record of :mod:`briefgen.model` this checked object is (of the same name)."""
        make, nested = _recipe(type(self))
        values = self.__dict__
        if nested:
            values = dict(values)
            for name in nested:
                values[name] = _record(values[name])
        return make(**values)


def _record(value: Any) -> Any:
    if isinstance(value, Checked):
        return value.record()
    if isinstance(value, tuple):
        return tuple(_record(item) for item in value)
    return value


@cache
def _recipe(cls: type[Checked]) -> tuple[Any, tuple[str, ...]]:
    """The record class ``cls`` makes, and the fields of ``cls`` that may hold other
    models (``sources``: SourceRef objects)."""
    nested = (name for name, info in cls.model_fields.items() if nested_model(info.annotation))
    return getattr(records, cls.__name__), tuple(nested)


def nested_model(annotation: object) -> type[BaseModel] | None:
    """The first model in a field's type: ``SourceRef`` in ``tuple[SourceRef, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_model(arg)
        if found is not None:
            return found
    return None


class Theme(Checked):
    """A theme a fact can belong to; its id is used on the command line."""

    id: Slug
    title: Localized
    description: Localized | None = None


class Name(Checked):
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


class Source(Checked):
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


class SourceRef(Checked):
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


class Quantity(Checked):
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
        numbers = [n for n in (self.value, self.low, self.high) if n is not None]
        if not all(math.isfinite(n) for n in numbers):
            # .inf and .nan cannot be compared with other estimates, nor written as JSON.
            raise ValueError("a quantity must be a finite number")
        if self.value is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either 'value' or 'low'/'high', not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("'low' is greater than 'high'")
        return self


Credibility = Annotated[int, Field(ge=1, le=6)]


class Fact(Checked):
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


class Judgment(Checked):
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


class Measure(Checked):
    """Optional label of a quantity's measure, for competing-estimates tables."""

    id: Slug
    title: Localized
    unit: Localized | None = None  # the unit as a reader of each language calls it


class KindGrading(Checked):
    """A base's own rule for the facts of one kind: the best credibility they may carry."""

    best_credibility: Credibility = Field(alias="best-credibility")


class KindsGrading(Checked):
    """Rules per kind of fact (one optional entry per :data:`Kind`)."""

    event: KindGrading | None = None
    figure: KindGrading | None = None
    statement: KindGrading | None = None
    assessment: KindGrading | None = None


class Grading(Checked):
    """Stricter grading rules a base declares in ``base.yaml`` (see :mod:`briefgen.grading`)."""

    # Factories, not instances: an instance made here would build the schema on import.
    kinds: KindsGrading = Field(default_factory=KindsGrading)


class BaseInfo(Checked):
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
