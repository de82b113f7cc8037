"""Check quotes against the local copies of their sources.

For every source with a ``text`` file found in the texts directory, each
quote of a fact citing it must occur in that text (ignoring differences of
whitespace, apostrophes, quotation marks, dashes and case); and each number of
a figure's quantity must appear in the figure's quotes.

A quote whose sentence ends with a note call ("(3)", "[3]", "³") credits the
source of that note with everything the sentence says: a reference quoting it
with no ``via`` is a failure, named by the text's file and line. Two notes are
exceptions. A note that cites a legal text is credited only with what the
sentence says the text provides, which a machine cannot tell from what it says
happened, so it is left to the reviewer: the base shows what a note cites by
another reference to the same note (``n. 3`` in its locator) whose ``via``
starts with a source of a legal CSL type. And a note the text calls but does
not list (no line of the text opens with it) names no source to credit.

A fact may also have lost its source's caution: when the sentence a quote
comes from hedges (a conditional, "selon", "reportedly"...) and a text of the
fact does not, a warning says so. What counts as a hedge is data, per
language, in ``hedges.toml`` beside this module.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from briefgen.model import Fact, FactBase

_APOSTROPHES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‑": "-",
        "‐": "-",
    }
)

# "12 000", "12,5", "1.5", "2024"; separators include no-break and thin spaces.
_NUMBER = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f\u2009.,]\d{3})+(?![\d])(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
)
_SCALE = re.compile(
    r"\s*(millions?|milliards?|billions?|mille|thousand|k\b|m\b|md\b|bn\b)", re.IGNORECASE
)
_SCALES = {
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "mille": 1e3,
    "thousand": 1e3,
    "k": 1e3,
    "m": 1e6,
    "md": 1e9,
    "bn": 1e9,
}


def normalize(text: str) -> str:
    """Fold the differences a quote may have with its source: spacing, apostrophes, case."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return " ".join(text.split())


def numbers_in(text: str) -> set[float]:
    """Every number ``text`` can be read as, French and English conventions both.

    ``12 000`` -> 12000; ``1,5 million`` -> 1.5 and 1500000; ``12,000`` -> 12000 and 12.0.
    """
    found: set[float] = set()
    text = unicodedata.normalize("NFC", text)
    for match in _NUMBER.finditer(text):
        for value in _readings(match.group()):
            found.add(value)
            scale = _SCALE.match(text, match.end())
            if scale:
                found.add(value * _SCALES[scale.group(1).lower()])
    return found


def _readings(token: str) -> set[float]:
    digits = re.sub(r"[ \u00a0\u202f\u2009]", "", token)
    readings = set()
    # A comma or point followed by exactly three digits may group thousands or mark decimals.
    for thousands, decimal in ((",", "."), (".", ",")):
        candidate = digits.replace(thousands, "").replace(decimal, ".")
        with contextlib.suppress(ValueError):
            readings.add(float(candidate))
    return readings


@dataclass
class VerifyReport:
    quotes: int = 0
    texts: int = 0
    failures: list[str] = field(default_factory=list)
    missing_texts: list[str] = field(default_factory=list)
    # Facts whose text may have lost the caution of the sentence they quote (not failures).
    hedges: list[str] = field(default_factory=list)


def verify_quotes(base: FactBase, texts_dir: Path) -> VerifyReport:
    """Check the quotes and figures of ``base`` against the files in ``texts_dir``."""
    report = VerifyReport()
    texts: dict[str, str] = {}
    sentences: dict[str, list[list[str]]] = {}
    read: dict[str, _Text] = {}
    from briefgen.reading import Unreadable, read_text_inside

    for source in base.sources.values():
        if source.text is None:
            continue
        try:
            raw = read_text_inside(texts_dir, source.text, called="the texts directory")
        except Unreadable as exc:
            report.failures.append(f"{source.id}: text {source.text}: {exc}")
            continue
        if raw is None:
            report.missing_texts.append(source.id)
            continue
        texts[source.id] = normalize(raw)
        sentences[source.id] = paragraph_sentences(raw)
        read[source.id] = read_text(raw, texts_dir / source.text)
    report.texts = len(texts)
    legal = legal_notes(base)
    for fact in base.facts:
        for ref in fact.sources:
            if ref.quote and ref.ref in texts:
                report.quotes += 1
                if normalize(ref.quote) not in texts[ref.ref]:
                    report.failures.append(
                        f"{fact.id}: quote not found in {ref.ref}: {ref.quote!r}"
                    )
        report.failures.extend(_figure_problems(fact))
        report.failures.extend(_uncredited_notes(fact, read, legal))
        report.hedges.extend(_lost_hedges(fact, base, sentences))
    return report


def _figure_problems(fact: Fact) -> list[str]:
    if fact.quantity is None:
        return []
    problems = []
    for ref in fact.sources:
        if not ref.quote:
            continue
        found = numbers_in(ref.quote)
        for number in fact.quantity.numbers():
            if not any(abs(number - value) <= 1e-9 * max(1.0, abs(number)) for value in found):
                problems.append(
                    f"{fact.id}: {number:g} is not in the quote from {ref.ref}: {ref.quote!r}"
                )
    return problems


# -- hedges -------------------------------------------------------------------------------

# A sentence ends at ., ! ? or … (and any closing quote or bracket) before the capital,
# quotation mark or digit that starts the next one; "op. cit." and "1.3" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”’)\]]*\s+(?=[«\"“(\[]?\s*[A-ZÀ-ÖØ-Þ0-9])")
# Where a clause ends, within a sentence.
_CLAUSE_END = re.compile(r"[,;:()\[\]–—]| - ")


@dataclass(frozen=True)
class Lexicon:
    """How one language hedges (see ``hedges.toml``)."""

    sentence: re.Pattern[str] | None
    contrasts: re.Pattern[str] | None
    clause: re.Pattern[str] | None
    conjunctions: re.Pattern[str] | None
    endings: tuple[str, ...]
    exceptions: frozenset[str]

    def in_clause(self, text: str) -> str | None:
        """The first hedge of ``text`` (normalized) bearing on a clause, or None."""
        if self.clause is not None and (match := self.clause.search(text)):
            return match.group()
        if self.endings:
            for word in re.findall(r"\w+", text):
                if word.endswith(self.endings) and word not in self.exceptions:
                    return word
        return None

    def in_text(self, text: str) -> str | None:
        """The first hedge of any kind in ``text`` (normalized), or None."""
        match = self.sentence.search(text) if self.sentence is not None else None
        return match.group() if match else self.in_clause(text)

    def around(self, sentence: str, start: int, end: int) -> str | None:
        """The first hedge bearing on ``sentence[start:end]`` (a quote), or None.

        A sentence-wide hedge counts from the semicolon or contrast before the quote to
        the next one after it; a clause hedge, from the punctuation before the quote to
        the punctuation or conjunction after it.
        """
        breaks = [m.end() for m in re.finditer(";", sentence)]
        if self.contrasts is not None:
            breaks += [m.start() for m in self.contrasts.finditer(sentence)]
        first = max((b for b in breaks if b <= start), default=0)
        last = min((b for b in breaks if b >= end), default=len(sentence))
        if self.sentence is not None and (match := self.sentence.search(sentence[first:last])):
            return match.group()
        begin = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
        stops = [m.start() for m in _CLAUSE_END.finditer(sentence, end)][:1]
        if self.conjunctions is not None:
            stops += [m.start() for m in self.conjunctions.finditer(sentence, end)][:1]
        return self.in_clause(sentence[begin : min(stops, default=len(sentence))])


@cache
def hedge_lexicons() -> Mapping[str, Lexicon]:
    """The lexicons of ``hedges.toml``, by language."""
    from briefgen.paths import toml_reader

    data = toml_reader().loads(Path(__file__).with_name("hedges.toml").read_text(encoding="utf-8"))
    return {
        lang: Lexicon(
            sentence=_any_of(entry.get("sentence", [])),
            contrasts=_any_of(entry.get("contrasts", [])),
            clause=_any_of(entry.get("clause", [])),
            conjunctions=_any_of(entry.get("conjunctions", [])),
            endings=tuple(normalize(e) for e in entry.get("endings", [])),
            exceptions=frozenset(normalize(e) for e in entry.get("exceptions", [])),
        )
        for lang, entry in data.items()
    }


def _any_of(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``words`` as whole words (longest first), or None."""
    if not words:
        return None
    alternatives = sorted({normalize(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")


def paragraph_sentences(text: str) -> list[list[str]]:
    """The sentences of each paragraph (line) of ``text``, normalized."""
    paragraphs = []
    for line in text.splitlines():
        line = unicodedata.normalize("NFKC", line).strip()
        if line:
            paragraphs.append([normalize(s) for s in _SENTENCE_END.split(line) if s.strip()])
    return paragraphs


def quoted_sentence(quote: str, paragraphs: Sequence[Sequence[str]]) -> tuple[str, int] | None:
    """The sentence holding ``quote`` in the first paragraph that does (two sentences if the
    quote runs over both), and where the quote starts in it."""
    wanted = normalize(quote)
    for sentences in paragraphs:
        joined = " ".join(sentences)
        at = joined.find(wanted)
        if at < 0:
            continue
        bounds, position = [], 0
        for sentence in sentences:
            bounds.append((position, position + len(sentence)))
            position += len(sentence) + 1
        start = next(first for first, last in bounds if last > at)
        end = next(last for first, last in bounds if last >= at + len(wanted))
        return joined[start:end], at - start
    return None


def _lost_hedges(fact: Fact, base: FactBase, sentences: Mapping[str, list[list[str]]]) -> list[str]:
    """A warning when a sentence ``fact`` quotes hedges and a text of the fact does not."""
    lexicons = hedge_lexicons()
    for ref in fact.sources:
        source = base.sources.get(ref.ref)
        if not ref.quote or source is None or ref.ref not in sentences:
            continue
        lexicon = lexicons.get((source.language or "").split("-")[0])
        found = quoted_sentence(ref.quote, sentences[ref.ref])
        if lexicon is None or found is None:
            continue
        sentence, at = found
        hedge = lexicon.around(sentence, at, at + len(normalize(ref.quote)))
        if hedge is None:
            continue
        bare = [
            lang
            for lang, text in fact.text.items()
            if (own := lexicons.get(lang.split("-")[0])) is not None
            and own.in_text(normalize(text)) is None
        ]
        if bare:
            texts = f"{' and '.join(bare)} text{'s do' if len(bare) > 1 else ' does'}"
            return [
                f"{fact.id}: the sentence quoted from {ref.ref} hedges ({hedge!r}), the {texts} not"
            ]
    return []


# -- note calls ---------------------------------------------------------------------------

# A note call closing a sentence: "(3)", "[3]" or superscript digits, then the final
# punctuation and any closing quotation mark. Three digits at most, so "(1973)." is a year.
_NOTE_CALL = re.compile(
    r"(?:\((\d{1,3})\)|\[(\d{1,3})\]|([\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,3}))"
    r"\s*[.!?…]?[\"»”’]*\s*$"
)
_SUPERSCRIPTS = str.maketrans(
    "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789"
)
# "n. 3" in a locator: the article's own note or reference 3.
_LOCATOR_NOTE = re.compile(r"\bn\.\s*(\d+)")
# CSL types of legal texts.
LEGAL_TYPES = frozenset({"legislation", "bill", "treaty", "regulation", "legal_case"})


# The opening of a line of a reference list: "[3]", "3.", "3)", "(3)" or "³".
_LISTED_NOTE = re.compile(
    r"(?:\[(\d{1,3})\]|\(?(\d{1,3})[.)]|([\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,3}))(?=\s)"
)


@dataclass(frozen=True)
class _Line:
    """One non-empty line of a text: where it is, and its sentences as written and normalized."""

    where: str
    raw: tuple[str, ...]
    normalized: tuple[str, ...]


@dataclass(frozen=True)
class _Text:
    """A text's lines, and the numbers of the notes its reference list holds."""

    lines: tuple[_Line, ...]
    listed: frozenset[str]


def read_text(text: str, path: Path) -> _Text:
    """The lines of ``text`` (read from ``path``), split into sentences, and its listed notes."""
    found, listed = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", line).strip()
        if not line:
            continue
        raw = tuple(s for s in _SENTENCE_END.split(line) if s.strip())
        found.append(_Line(f"{path}:{number}", raw, tuple(normalize(s) for s in raw)))
        if match := _LISTED_NOTE.match(line):
            listed.add(next(g for g in match.groups() if g).translate(_SUPERSCRIPTS))
    return _Text(tuple(found), frozenset(listed))


def note_call(sentence: str) -> str | None:
    """The number of the note called at the end of ``sentence`` (as written), or None."""
    match = _NOTE_CALL.search(sentence)
    if match is None:
        return None
    return next(g for g in match.groups() if g).translate(_SUPERSCRIPTS)


def notes_called(quote: str, lines: Sequence[_Line]) -> tuple[str, list[str]] | None:
    """Where ``quote`` is (file:line, in the first line holding it), and the notes called at
    the end of the sentences it runs over."""
    wanted = normalize(quote)
    for line in lines:
        joined = " ".join(line.normalized)
        at = joined.find(wanted)
        if at < 0:
            continue
        calls, position = [], 0
        for raw, sentence in zip(line.raw, line.normalized, strict=True):
            first, last = position, position + len(sentence)
            position = last + 1
            if last > at and first < at + len(wanted) and (number := note_call(raw)):
                calls.append(number)
        return line.where, calls
    return None


def legal_notes(base: FactBase) -> dict[str, set[str]]:
    """By source read, the numbers of its notes that some reference of the base shows to cite
    a legal text: its locator names the note (``n. 18``) and its ``via`` starts with a source
    of a legal type."""
    legal: dict[str, set[str]] = {}
    for fact in base.facts:
        for ref in fact.sources:
            if not ref.via or not ref.locator:
                continue
            cited = base.sources.get(ref.via[0])
            if cited is not None and cited.type in LEGAL_TYPES:
                legal.setdefault(ref.ref, set()).update(_LOCATOR_NOTE.findall(ref.locator))
    return legal


def _uncredited_notes(
    fact: Fact, texts: Mapping[str, _Text], legal: Mapping[str, set[str]]
) -> list[str]:
    """A failure for each reference quoting a sentence that ends with a note call, with no via."""
    problems = []
    for ref in fact.sources:
        text = texts.get(ref.ref)
        if ref.via or not ref.quote or text is None:
            continue
        found = notes_called(ref.quote, text.lines)
        if found is None:
            continue
        where, calls = found
        exempt = legal.get(ref.ref, set())
        uncredited = [n for n in calls if n in text.listed and n not in exempt]
        if uncredited:
            notes = ", ".join(f"n. {n}" for n in uncredited)
            problems.append(
                f"{where}: {fact.id}: the sentence quoted from {ref.ref} ends with a note call "
                f"({notes}), but the reference names no 'via': cite the note's source"
            )
    return problems


# -- likelihood terms a grade contradicts ---------------------------------------------------

# The most a fact's credibility lets its own text claim, in per cent: each grade's words
# read on the yardstick (probably true is likely, 55-80 %; possibly true an even chance,
# 45-55 %; doubtful unlikely, 20-45 %; improbable very unlikely, 5-20 %), and a term whose
# band starts at or above the top of the grade's claims more than the grade bears.
# Confirmed (1) bears any term; cannot be judged (6) is no estimate: no term contradicts it.
CREDIBILITY_CLAIMS = {1: 100, 2: 80, 3: 55, 4: 45, 5: 20, 6: 100}


# Facts that report what someone judged or said: a likelihood term in them is that
# source's, which the fact's credibility grades as information, not as a probability.
REPORTED_KINDS = frozenset({"assessment", "statement"})
_QUOTED = re.compile(r"[\"“«‘][^\"”»’]*[\"”»’]")


def overclaimed_terms(base: FactBase) -> list[str]:
    """A warning for each fact whose own text uses a likelihood term its credibility
    contradicts ("almost certainly" in a fact graded 4, doubtful), with the terms of
    every yardstick (the base's first) and the limits of :data:`CREDIBILITY_CLAIMS`.

    Only the base's own words are held to it: the text of an event or a figure, outside
    quotation marks. A term in quotation marks, or in an assessment or a statement (which
    report what a source judged or said), is the source's."""
    from briefgen.grading import grade
    from briefgen.yardsticks import Term, find_terms, qualifier, yardstick, yardstick_ids

    own = yardstick(base.info.yardstick)
    sticks = [own, *(yardstick(y) for y in yardstick_ids() if y != own.id)]
    warnings = []
    for fact in base.facts:
        if fact.kind in REPORTED_KINDS:
            continue
        most = CREDIBILITY_CLAIMS[fact.credibility]
        said = []
        for lang, text in fact.text.items():
            # A phrase is its first yardstick's term: the base's, when it has it.
            terms: dict[str, Term] = {}
            for stick in sticks:
                for term in stick.terms:
                    for form in term.forms.get(lang, ()):
                        terms.setdefault(form.lower(), term)
            quoted = [m.span() for m in _QUOTED.finditer(text)]
            for found in find_terms(text, lang, sticks):
                if any(start <= found.start < end for start, end in quoted):
                    continue
                phrase = " ".join(text[found.start : found.end].split())
                term = terms[phrase.lower()]
                if term.low >= most and qualifier(text, lang, found) is None:
                    said.append(f"'{phrase}' ({lang}, {term.band()})")
                    break
        if said:
            warnings.append(
                f"{fact.id}: its text says {' and '.join(said)}, more than its credibility "
                f"{grade(fact.credibility)} bears (a likelihood under {most}\u202f%)"
            )
    return warnings
