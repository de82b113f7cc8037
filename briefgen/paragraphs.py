"""The paragraphs of a source's local text, as paragraph locators (``§N``) count them.

A local copy of an article (the file a source names in ``text:``) holds one
paragraph per line, with whatever surrounded the article on its page: title,
byline, citation block, headings, link inserts, footnotes, a reference list.
A locator ``§N`` counts the paragraphs of the body only. Which lines are body
text is read from their shape, whatever the language:

- a body paragraph has at least :data:`MIN_WORDS` words and ends a sentence
  (``.``, ``!``, ``…``, a closing quotation mark or bracket, a colon; a
  question mark only after another sentence), once trailing note calls such
  as ``(3)``, ``[4]`` or ``⁵`` are set aside;
- a line starting like a note or a reference (``[1]``, ``¹``, ``12.``, ``*``),
  an indented numbered line, a line holding a tab (a table of contents) or a
  bare address is not.

The shape cannot tell a cover page's prose from the article's (a biography,
a legal notice). Where other facts of the base already cite the same text
with ``§N`` and a quote, a paragraph is therefore counted from the nearest of
those anchors, and from the start of the text only when there is none; a
line the anchors put before §1 is the cover page's, not a paragraph of the
body. A locator naming a note (``§2, n. 5``) whose quote stands in the note
anchors nothing: the note is not §2.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from briefgen.verify import normalize

# Fewer words make a heading, a byline or a link insert, not a paragraph.
MIN_WORDS = 10
_ENDS_SENTENCE = re.compile(r"[.!…»\"”’)\]:]$")
_NOTE_CALLS = re.compile(r"(?:\s*(?:\(\d+\)|\[\d+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d+))+\s*$")
_NOTE_START = re.compile(r"^(?:\[\d+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d+[.)]|\*)\s")
_INDENTED_NUMBER = re.compile(r"^\s+\d")
_ADDRESS = re.compile(r"^\S+://\S+$")
_SENTENCE_INSIDE = re.compile(r"[.!?…]\s")
_LOCATOR = re.compile(r"^§\s*(\d+)")
# A locator naming a note: "§2, n. 5".
_NOTE = re.compile(r",\s*n\.\s*\d")


def is_body(line: str) -> bool:
    """Whether ``line`` (one line of a local text) is a paragraph of the article's body."""
    text = line.strip()
    if not text or "\t" in text or _NOTE_START.match(text) or _INDENTED_NUMBER.match(line):
        return False
    if _ADDRESS.match(text) or len(re.findall(r"\w+", text)) < MIN_WORDS:
        return False
    text = _NOTE_CALLS.sub("", text).rstrip()
    if text.endswith("?"):
        return _SENTENCE_INSIDE.search(text[:-1]) is not None
    return _ENDS_SENTENCE.search(text) is not None


def paragraph_number(locator: str | None) -> int | None:
    """N of a locator ``§N`` (``§7, n. 7`` too), else None."""
    match = _LOCATOR.match(locator or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Paragraph:
    """One non-empty line of a local text."""

    line: int  # 1-based, in the file
    text: str
    body: bool


@dataclass(frozen=True)
class Located:
    """Where a quote stands in a text: its paragraph, and how its number was counted."""

    paragraph: Paragraph
    number: int  # the N of §N
    anchor: int | None  # the §N counted from, when another fact's quote anchored it
    others: tuple[int, ...] = ()  # numbers of the quote's other occurrences

    @property
    def locator(self) -> str:
        return f"§{self.number}"


class SourceText:
    """A source's local text, divided into paragraphs, in which quotes are looked up.

    Quotes are matched as ``briefgen verify`` matches them (:func:`briefgen.verify.normalize`:
    spacing, apostrophes, quotation marks, dashes and case folded).
    """

    def __init__(self, raw: str) -> None:
        self.paragraphs = tuple(
            Paragraph(number, line.strip(), is_body(line))
            for number, line in enumerate(raw.splitlines(), start=1)
            if line.strip()
        )

    @cached_property
    def _joined(self) -> tuple[str, list[int]]:
        starts, parts, position = [], [], 0
        for paragraph in self.paragraphs:
            text = normalize(paragraph.text)
            starts.append(position)
            parts.append(text)
            position += len(text) + 1
        return " ".join(parts), starts

    def find(self, quote: str) -> list[int]:
        """Indexes of the paragraphs where ``quote`` starts, one per occurrence."""
        wanted = normalize(quote)
        if not wanted:
            return []
        joined, starts = self._joined
        found, at = [], joined.find(wanted)
        while at >= 0:
            found.append(bisect_right(starts, at) - 1)
            at = joined.find(wanted, at + 1)
        return found

    @cached_property
    def _body_before(self) -> list[int]:
        """How many body paragraphs come before each paragraph (and, last, in all)."""
        return list(accumulate((p.body for p in self.paragraphs), initial=0))

    def anchors(self, cited: Iterable[tuple[str | None, str | None]]) -> list[tuple[int, int]]:
        """``(paragraph index, N)`` of every ``(locator, quote)`` pair found here with a ``§N``."""
        found = set()
        for locator, quote in cited:
            number = paragraph_number(locator)
            if number is None or not quote:
                continue
            where = self.find(quote)
            # "§2, n. 5" quoting note 5 does not say where §2 is.
            if where and not (_NOTE.search(locator or "") and not self.paragraphs[where[0]].body):
                found.add((where[0], number))
        return sorted(found)

    def number(self, index: int, anchors: Sequence[tuple[int, int]] = ()) -> tuple[int, int | None]:
        """The N of the ``index``-th paragraph, and the anchor's N it was counted from.

        The paragraph holding a quote counts, whatever its shape: a quote is body text.
        """
        number, anchor = self._count(index, anchors)
        return max(1, number), anchor

    def _count(self, index: int, anchors: Sequence[tuple[int, int]]) -> tuple[int, int | None]:
        """As :meth:`number`, but below 1 for a paragraph the anchors put before §1."""
        count = self._body_before
        before = [a for a in anchors if a[0] <= index]
        after = [a for a in anchors if a[0] > index]
        if before:
            at, number = before[-1]
            if at == index:
                return number, number
            return number + count[index] - count[at + 1] + 1, number
        if after:
            at, number = after[0]
            return number - (count[at] - count[index + 1]) - 1, number
        return count[index] + 1, None

    def locate(self, quote: str, anchors: Sequence[tuple[int, int]] = ()) -> Located | None:
        """Where ``quote`` first stands, or None when the text does not hold it."""
        where = self.find(quote)
        if not where:
            return None
        number, anchor = self.number(where[0], anchors)
        others = tuple(dict.fromkeys(self.number(i, anchors)[0] for i in where[1:]))
        return Located(
            self.paragraphs[where[0]], number, anchor, tuple(n for n in others if n != number)
        )

    def numbered(
        self, anchors: Sequence[tuple[int, int]] = ()
    ) -> list[tuple[Paragraph, int | None]]:
        """Every paragraph with its N, or None for a line that is not body text.

        A paragraph that another fact cites by its ``§N`` and a quote is body text,
        whatever its shape; a body-shaped line that the anchors put before §1 is not
        (a cover page's biography or legal notice, before the article).
        """
        cited = {at for at, _ in anchors}
        numbered: list[tuple[Paragraph, int | None]] = []
        for i, paragraph in enumerate(self.paragraphs):
            number = self._count(i, anchors)[0] if paragraph.body or i in cited else None
            numbered.append((paragraph, number if number is not None and number >= 1 else None))
        return numbered
