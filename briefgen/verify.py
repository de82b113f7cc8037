"""Check quotes against the local copies of their sources.

For every source with a ``text`` file found in the texts directory, each
quote of a fact citing it must occur in that text (ignoring differences of
whitespace, apostrophes, quotation marks, dashes and case); and each number of
a figure's quantity must appear in the figure's quotes.

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
    report.texts = len(texts)
    for fact in base.facts:
        for ref in fact.sources:
            if ref.quote and ref.ref in texts:
                report.quotes += 1
                if normalize(ref.quote) not in texts[ref.ref]:
                    report.failures.append(
                        f"{fact.id}: quote not found in {ref.ref}: {ref.quote!r}"
                    )
        report.failures.extend(_figure_problems(fact))
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
