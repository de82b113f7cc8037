"""Citations: how a source is written in a note, in each citation style.

A citation is a tuple of :class:`Segment` (text, italic or not, optional
link), so that every renderer can set titles in italics and make URLs
clickable without re-parsing text. :class:`NoteWriter` formats the notes of
one brief in order and decides between a full note, a short note and
"Ibid.".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from briefgen.labels import format_date, label
from briefgen.model import Name, Source, SourceRef


@dataclass(frozen=True)
class Segment:
    """A run of note text; ``url`` makes it a link."""

    text: str
    italic: bool = False
    url: str | None = None


Citation = tuple[Segment, ...]


def plain_text(citation: Citation) -> str:
    """A citation as plain text."""
    return "".join(segment.text for segment in citation)


class CitationStyle(Protocol):
    """What a citation style provides. Positions (ibid., short) are decided by NoteWriter."""

    name: str

    def full(self, source: Source, lang: str) -> Citation:
        """The first note for ``source``."""

    def short(self, source: Source, lang: str) -> Citation:
        """A later note for a source already cited in full."""

    def bibliography_entry(self, source: Source, lang: str) -> Citation:
        """The source's entry in a bibliography."""

    def sort_key(self, source: Source) -> tuple[str, ...]:
        """The order of the bibliography."""


def person(name: Name) -> str:
    """``Valérie Niquet`` or ``UN Panel of Experts``."""
    if name.literal:
        return name.literal
    return " ".join(part for part in (name.given, name.family) if part)


def source_label(source: Source) -> str:
    """A source's name in a table: its first author, else its title shortened."""
    if source.author:
        first = source.author[0]
        name = first.family or first.literal or ""
        return name + (" et al." if len(source.author) > 2 else "")
    return _shorten(source.title or source.id)


def _join(parts: list[Citation], sep: str = ", ") -> Citation:
    out: list[Segment] = []
    for part in parts:
        if not part:
            continue
        if out:
            out.append(Segment(sep))
        out.extend(part)
    return tuple(out)


class PlainStyle:
    """A neutral note form: author, *title*, publisher, date, URL."""

    name = "plain"

    def full(self, source: Source, lang: str) -> Citation:
        parts: list[Citation] = []
        if source.author:
            parts.append((Segment(", ".join(person(n) for n in source.author)),))
        if source.title:
            parts.append((Segment(source.title, italic=True),))
        for value in (source.container_title, source.publisher):
            if value:
                parts.append((Segment(value),))
        parts.append(
            (Segment(format_date(source.issued, lang) if source.issued else label(lang, "nd")),)
        )
        if source.URL:
            parts.append((Segment(source.URL, url=source.URL),))
        return _join(parts)

    def short(self, source: Source, lang: str) -> Citation:
        parts: list[Citation] = []
        if source.author:
            parts.append((Segment(source.author[0].family or person(source.author[0])),))
        if source.title:
            parts.append((Segment(_shorten(source.title), italic=True),))
        return _join(parts)

    def bibliography_entry(self, source: Source, lang: str) -> Citation:
        return self.full(source, lang)

    def sort_key(self, source: Source) -> tuple[str, ...]:
        first = source.author[0] if source.author else None
        key = (first.family or first.literal or "") if first else (source.title or "")
        return (key.casefold(), source.title or "", source.id)


def _end_sentence(citation: Citation) -> Citation:
    if citation and citation[-1].text.endswith("."):
        return citation
    return (*citation, Segment("."))


def _shorten(title: str, words: int = 4) -> str:
    head = title.split(":")[0].split()
    return " ".join(head[:words]) + ("…" if len(head) > words else "")


STYLES: dict[str, CitationStyle] = {"plain": PlainStyle()}
DEFAULT_STYLE = "plain"


def get_style(name: str) -> CitationStyle:
    return STYLES[name]


class NoteWriter:
    """Writes the notes of one document in order: full, short, or Ibid."""

    def __init__(self, style: CitationStyle, lang: str, sources: Mapping[str, Source]) -> None:
        self.style = style
        self.lang = lang
        self.sources = sources
        self._seen: set[str] = set()
        self._previous: tuple[str, tuple[str, ...]] | None = None

    def cite(self, ref: SourceRef) -> Citation:
        """The note for ``ref``: the via chain, then the source read, then the locator."""
        key = (ref.ref, ref.via)
        if key == self._previous:
            body: Citation = (Segment(label(self.lang, "ibid")),)
        else:
            chain = [self._source(via) for via in reversed(ref.via)]
            body = _join([*chain, self._source(ref.ref)], sep=f", {label(self.lang, 'cited_in')} ")
        self._previous = key
        if ref.locator:
            body = _join([body, (Segment(ref.locator),)])
        return _end_sentence(body)

    def _source(self, source_id: str) -> Citation:
        source = self.sources[source_id]
        if source_id in self._seen:
            return self.style.short(source, self.lang)
        self._seen.add(source_id)
        return self.style.full(source, self.lang)
