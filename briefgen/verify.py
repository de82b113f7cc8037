"""Check quotes against the local copies of their sources.

For every source with a ``text`` file found in the texts directory, each
quote of a fact citing it must occur in that text (ignoring differences of
whitespace, apostrophes, quotation marks, dashes and case); and each number of
a figure's quantity must appear in the figure's quotes.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
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


def verify_quotes(base: FactBase, texts_dir: Path) -> VerifyReport:
    """Check the quotes and figures of ``base`` against the files in ``texts_dir``."""
    report = VerifyReport()
    texts: dict[str, str] = {}
    for source in base.sources.values():
        if source.text is None:
            continue
        path = texts_dir / source.text
        if path.is_file():
            texts[source.id] = normalize(path.read_text(encoding="utf-8", errors="replace"))
        else:
            report.missing_texts.append(source.id)
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
