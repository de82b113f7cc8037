"""Probability yardsticks: the calibrated words of a key judgment's likelihood.

The yardsticks are data (``yardsticks.toml`` beside this module): ICD 203's
seven terms and the UK PHIA yardstick, each in English and French, with their
bands. A base names the one it uses in ``base.yaml``; its judgments use that
yardstick's terms and no other's. This module also finds those terms, the
words of confidence and the vague hedges in a text, for the checks of
:mod:`briefgen.analytic` and for renderers that set the term apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from briefgen.paths import toml_reader

Confidence = Literal["high", "moderate", "low"]
CONFIDENCE_LEVELS: tuple[Confidence, ...] = ("high", "moderate", "low")
DEFAULT_YARDSTICK = "icd-203"
_DATA = Path(__file__).with_name("yardsticks.toml")


@dataclass(frozen=True)
class Term:
    """One likelihood term: its band in per cent and its forms in each language."""

    id: str
    low: int
    high: int
    forms: Mapping[str, tuple[str, ...]]  # language -> the term's name, then its other forms

    def name(self, lang: str) -> str:
        """The term as a text of ``lang`` names it (English where ``lang`` has no form)."""
        forms = self.forms.get(lang) or self.forms["en"]
        return forms[0]

    def band(self) -> str:
        """``80–95 %``: the band, with a thin no-break space before the sign."""
        return f"{self.low}–{self.high}\u202f%"


@dataclass(frozen=True)
class Yardstick:
    """A probability yardstick: its terms from the least to the most likely."""

    id: str
    title: Mapping[str, str]
    terms: tuple[Term, ...]

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)


@dataclass(frozen=True)
class Found:
    """A word or phrase found in a text: what it is, and where (``text[start:end]``)."""

    what: str  # a term id, "confidence" or "hedge"
    start: int
    end: int


@cache
def _data() -> dict[str, Any]:
    with _DATA.open("rb") as handle:
        data: dict[str, Any] = toml_reader().load(handle)
    return data


def yardstick_ids() -> tuple[str, ...]:
    """The yardsticks briefgen ships, by id."""
    return tuple(k for k in _data() if k != "language")


@cache
def yardstick(yardstick_id: str) -> Yardstick:
    """The yardstick ``yardstick_id`` (one of :func:`yardstick_ids`); KeyError if unknown."""
    if yardstick_id not in yardstick_ids():
        raise KeyError(yardstick_id)
    table = _data()[yardstick_id]
    terms = tuple(
        Term(
            t["id"],
            t["low"],
            t["high"],
            {k: tuple(v) for k, v in t.items() if isinstance(v, list)},
        )
        for t in table["terms"]
    )
    return Yardstick(yardstick_id, dict(table["title"]), terms)


def _language(lang: str) -> dict[str, Any]:
    languages: dict[str, Any] = _data()["language"]
    return languages.get(lang) or languages["en"]


def confidence_name(level: str, lang: str) -> str:
    """``moderate confidence`` / ``confiance modérée``."""
    return str(_language(lang)["levels"][level])


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so that "very likely" is found before "likely"; whole words only,
    # so that "unlikely" holds no "likely". Apostrophes are folded before matching.
    alternatives = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace("\\ ", r"\s+") for p in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _fold(text: str) -> str:
    # Same length as the text, so that positions found in it hold in the text.
    return text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")


def find_terms(text: str, lang: str, yardsticks: Iterable[Yardstick]) -> list[Found]:
    """Every likelihood term of ``yardsticks`` in ``text`` (a text of ``lang``), in order.

    A phrase that is a term of several yardsticks is reported once, under the
    first yardstick's term id.
    """
    owner: dict[str, str] = {}
    for stick in yardsticks:
        for term in stick.terms:
            for form in term.forms.get(lang, ()):
                owner.setdefault(form.lower(), term.id)
    if not owner:
        return []
    folded = _fold(text)
    return [
        Found(owner[re.sub(r"\s+", " ", m.group(0).lower())], m.start(), m.end())
        for m in _pattern(tuple(owner)).finditer(folded)
    ]


def find_words(text: str, lang: str, what: Literal["confidence", "hedges"]) -> list[Found]:
    """The words of confidence, or the vague hedges, that ``text`` uses."""
    words = tuple(_language(lang)[what])
    return [Found(what, m.start(), m.end()) for m in _pattern(words).finditer(_fold(text))]


@cache
def _qualifiers(lang: str) -> re.Pattern[str]:
    alternatives = []
    for word in sorted(_language(lang).get("qualifiers", ()), key=len, reverse=True):
        body = re.escape(word).replace("\\ ", r"\s+")
        # "n't" ends the word before it ("isn't"); the others are words of their own.
        alternatives.append(body if word.startswith("n'") else rf"(?<![\w-]){body}")
    return re.compile(rf"(?:{'|'.join(alternatives) or '(?!)'})\s+$", re.IGNORECASE)


def qualifier(text: str, lang: str, found: Found) -> str | None:
    """The word just before the term ``found`` that negates or grades it ("not" in
    "not likely", "plus" in "plus probable"), or None: a term so qualified no
    longer says what the yardstick means by it."""
    match = _qualifiers(lang).search(_fold(text), max(0, found.start - 40), found.start)
    return match.group(0).strip() if match else None


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»)\u00a0\u202f]*\s+(?=[\"“«(]?\s*[A-ZÀ-Ý0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans
