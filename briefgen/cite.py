"""Citations: how a source is written in a note and in a bibliography.

A citation is a tuple of :class:`Segment` (text, italic or not, optional
link), so that every renderer can set titles in italics and make URLs
clickable without re-parsing text. The styles themselves live in
:mod:`briefgen.styles`; this module holds what they share: the protocol they
follow, the punctuation rules for joining their elements, names and short
titles, and :class:`NoteWriter`, which formats the notes of one brief in
order and decides between a full note, a short note and "Ibid.".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Protocol

from briefgen.labels import LEADING_ARTICLES, MINOR_WORDS_EN, MINOR_WORDS_FR, label
from briefgen.model import Name, Source, SourceRef


@dataclass(frozen=True)
class Segment:
    """A run of note text; ``url`` makes it a link."""

    text: str
    italic: bool = False
    url: str | None = None
    grade: bool = False  # an Admiralty grade, "[B2]": set apart from the citation by renderers


Citation = tuple[Segment, ...]


def plain_text(citation: Citation) -> str:
    """A citation as plain text."""
    return "".join(segment.text for segment in citation)


@dataclass(frozen=True)
class Typography:
    """Quotation marks of a style in one language, and where punctuation goes next to them."""

    open_quote: str
    close_quote: str
    inner_open: str
    inner_close: str
    # American usage puts a comma or period inside the closing quote: “Title,”
    punctuation_inside_quotes: bool = False

    @classmethod
    def of(cls, lang: str, *, punctuation_inside_quotes: bool = False) -> Typography:
        """The quotation marks of ``lang`` (French « … », English “…”)."""
        return cls(
            label(lang, "quote_open"),
            label(lang, "quote_close"),
            label(lang, "inner_quote_open"),
            label(lang, "inner_quote_close"),
            punctuation_inside_quotes,
        )


class CitationStyle(Protocol):
    """What a citation style provides. Positions (ibid., short) are decided by NoteWriter."""

    name: str

    def typography(self, lang: str) -> Typography:
        """The quotation marks and quote punctuation used in ``lang``."""

    def full(self, source: Source, lang: str, locator: str | None = None) -> Citation:
        """The first note for ``source``, pointing to ``locator`` (a page, a paragraph)."""

    def short(self, source: Source, lang: str, locator: str | None = None) -> Citation:
        """A later note for a source already cited in full."""

    def ibid(self, lang: str, locator: str | None = None) -> Citation:
        """A note for the source of the note just before; ``locator`` if it differs."""

    def bibliography_entry(self, source: Source, lang: str) -> Citation:
        """The source's entry in a bibliography."""


# -- joining elements --------------------------------------------------------

_TERMINAL = ("?", "!")


def join(parts: Iterable[Citation], sep: str, typography: Typography) -> Citation:
    """The non-empty ``parts`` separated by ``sep``, with the punctuation rules of citations.

    Punctuation is never doubled ("n.d." then "." gives "n.d."), a title
    ending in "?" or "!" takes no comma or period after it (but one set
    outside a closing quotation mark stays), and in American usage the
    comma or period goes inside a closing quotation mark.
    """
    out: list[Segment] = []
    for part in parts:
        if not part:
            continue
        if out:
            _append(out, sep, typography)
        out.extend(part)
    return tuple(out)


def close(citation: Citation, typography: Typography, mark: str = ".") -> Citation:
    """``citation`` ended with ``mark`` (a note ends with a period)."""
    if not citation:
        return citation
    out = list(citation)
    _append(out, mark, typography)
    return tuple(out)


def _append(out: list[Segment], text: str, typography: Typography) -> None:
    last = out[-1]
    mark, rest = (text[0], text[1:]) if text[:1] in ",." else ("", text)
    if mark:
        quoted = last.text.endswith(typography.close_quote) and not last.url
        core = last.text[: -len(typography.close_quote)] if quoted else last.text
        # After a closing quotation mark, punctuation set outside it is kept: « Quoi ? »,
        terminal = core.rstrip().endswith(_TERMINAL)
        if quoted and not typography.punctuation_inside_quotes:
            terminal = False
        if terminal or (mark == "." and last.text.endswith(".")):
            mark = ""
        elif quoted and typography.punctuation_inside_quotes:
            out[-1] = replace(last, text=core + mark + typography.close_quote)
            mark = ""
    if mark or rest:
        out.append(Segment(mark + rest))


def quoted(title: str, typography: Typography) -> Citation:
    """``title`` in quotation marks; quotation marks inside it become the inner kind."""
    inner = title.replace("\u201c", typography.inner_open).replace("\u201d", typography.inner_close)
    return (Segment(typography.open_quote + inner + typography.close_quote),)


def text(value: str | None, *, italic: bool = False) -> Citation:
    """One segment, or nothing when ``value`` is empty."""
    return (Segment(value, italic=italic),) if value else ()


def link(url: str | None) -> Citation:
    """A URL as a clickable segment, or nothing."""
    return (Segment(url, url=url),) if url else ()


# -- names -------------------------------------------------------------------


def person(name: Name) -> str:
    """``Valérie Niquet`` or ``UN Panel of Experts``."""
    if name.literal:
        return name.literal
    return " ".join(part for part in (name.given, name.family) if part)


def inverted(name: Name, *, upper: bool = False) -> str:
    """``Niquet, Valérie`` (``NIQUET, Valérie`` with ``upper``); an institution as written."""
    if name.literal:
        return name.literal
    family = (name.family or "").upper() if upper else name.family or ""
    return f"{family}, {name.given}" if name.given else family


def family_name(name: Name) -> str:
    """The name a short note uses: the family name, or an institution's full name."""
    return name.literal or name.family or ""


def name_list(names: Sequence[str], lang: str, *, serial_comma: bool, most: int) -> str:
    """``A``, ``A and B``, ``A, B, and C``; more than ``most`` names: ``A et al.``."""
    if len(names) > most:
        return f"{names[0]} {label(lang, 'et_al')}"
    if len(names) <= 1:
        return "".join(names)
    conjunction = label(lang, "and")
    comma = "," if serial_comma and len(names) > 2 and lang == "en" else ""
    return f"{', '.join(names[:-1])}{comma} {conjunction} {names[-1]}"


# -- titles ------------------------------------------------------------------

_SUBTITLE_MARKS = (":", " | ", " – ", " — ")


def main_title(title: str) -> str:
    """The title without its subtitle: the part before the first colon or dash."""
    cut = min((i for i in (title.find(m) for m in _SUBTITLE_MARKS) if i > 0), default=len(title))
    return title[:cut].rstrip()


def short_title(source: Source) -> str | None:
    """The title a short note uses: ``title-short`` if given, else up to four key words.

    The main title is kept whole when it has five words or fewer; otherwise
    its first four words, less any article, preposition or conjunction they
    end on.
    """
    if source.title_short:
        return source.title_short
    if not source.title:
        return None
    title = source.title
    supplied = title.startswith("[") and title.endswith("]")
    words = main_title(title.strip("[]") if supplied else title).split()
    if len(words) > 5:
        words = words[:4]
        minor = MINOR_WORDS_EN | MINOR_WORDS_FR
        while len(words) > 1 and words[-1].casefold() in minor:
            words.pop()
    shortened = " ".join(words).rstrip(",;")
    return f"[{shortened}]" if supplied else shortened


# -- type groups ---------------------------------------------------------------

# Articles in a newspaper, magazine or journal: the host is a periodical, with no publisher.
PERIODICAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
# Pages of a website.
WEB_TYPES = frozenset({"webpage", "post", "post-weblog"})
# Works published on their own: the title is set in italics in every style.
STANDALONE_TYPES = frozenset(
    {"book", "report", "dataset", "map", "pamphlet", "standard", "document", "motion_picture"}
)


def is_online(source: Source) -> bool:
    """Whether the source was read online: it has a URL, or it is a web page."""
    return bool(source.URL) or source.type in WEB_TYPES


# -- bibliography --------------------------------------------------------------


def bibliography(
    sources: Iterable[Source], style: CitationStyle, lang: str
) -> tuple[Citation, ...]:
    """The bibliography entries of ``sources``, in alphabetical order of their first element.

    Entries sort on what they start with (author, else title), ignoring case,
    accents, punctuation and a leading article ("The Guardian" under G).
    """
    entries = [style.bibliography_entry(source, lang) for source in sources]
    return tuple(sorted(entries, key=lambda entry: collation_key(plain_text(entry))))


def collation_key(value: str) -> str:
    """``value`` as it sorts: no accents, case or leading punctuation and article."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.lstrip("\"'“”‘’«»[(* \u00a0")
    for article in LEADING_ARTICLES:
        if bare.startswith(article):
            return bare[len(article) :]
    return bare


# -- notes ---------------------------------------------------------------------


def source_label(source: Source) -> str:
    """A source's name in a table: its first author, else its title shortened, else the
    site or periodical it appeared in."""
    names = [family_name(a) for a in source.author]
    if len(names) > 2:
        return f"{names[0]} et al."
    if names:
        return " & ".join(names)
    return _shorten(source.title or source.container_title or source.id)


def _shorten(title: str, words: int = 4) -> str:
    head = title.split(":")[0].split()
    return " ".join(head[:words]) + ("…" if len(head) > words else "")


class NoteWriter:
    """Writes the notes of one document in order: full, short, or Ibid.

    A note cites every source of one statement, separated by semicolons, each
    with its locator, its "cited in" chain and, if given, its grade. The first
    citation of a work is full and later ones short. "Ibid." replaces a note
    citing the single work of the note just before; it is not used after or
    for a second-hand chain ("X, cited in Y"), which names two works, nor
    after a note citing several works, nor without a locator after a note
    that had one, since "Ibid." would then point to the same place.

    ``compact`` notes cite the original sources of a chain in short form
    from the first time: the full reference of the work read is still given
    at its first citation, and a bibliography gives every work in full.
    """

    def __init__(
        self,
        style: CitationStyle,
        lang: str,
        sources: Mapping[str, Source],
        *,
        compact: bool = False,
        ibid: bool = True,
    ) -> None:
        self.style = style
        self.lang = lang
        self.sources = sources
        self.compact = compact
        self.ibid = ibid
        self._typography = style.typography(lang)
        self._seen: set[str] = set()
        self._previous: SourceRef | None = None

    def cite(self, ref: SourceRef) -> Citation:
        """The note for ``ref`` alone: the via chain (original first), then the source read."""
        return self.note([ref])

    def note(self, refs: Sequence[SourceRef], grades: Sequence[str | None] = ()) -> Citation:
        """One note citing ``refs``, each followed by its grade (``grades``, in the same order).

        Several places in one work, reached the same way, are cited once with
        all their locators: "Norbert, *Moscou et Pyongyang*, §1 and §15".
        """
        refs, grades = self._merged(refs, grades)
        single = refs[0] if len(refs) == 1 else None
        parts = []
        for ref, grade in zip_longest(refs, grades[: len(refs)]):
            part = self._reference(ref) if single is None else self._single(ref)
            if grade:
                part = (*part, Segment(f" [{grade}]", grade=True))
            parts.append(part)
        self._previous = single
        return close(
            join(parts, label(self.lang, "list_separator"), self._typography), self._typography
        )

    def _merged(
        self, refs: Sequence[SourceRef], grades: Sequence[str | None]
    ) -> tuple[list[SourceRef], list[str | None]]:
        places: dict[tuple[str, tuple[str, ...], str | None], list[str]] = {}
        for ref, grade in zip_longest(refs, grades[: len(refs)]):
            locators = places.setdefault((ref.ref, ref.via, grade), [])
            if ref.locator and ref.locator not in locators:
                locators.append(ref.locator)
        merged = [
            SourceRef(
                ref=ref,
                via=via,
                locator=name_list(locators, self.lang, serial_comma=False, most=len(locators))
                or None,
            )
            for (ref, via, _), locators in places.items()
        ]
        return merged, [grade for (_, _, grade) in places]

    def _single(self, ref: SourceRef) -> Citation:
        previous = self._previous
        if (
            self.ibid
            and previous is not None
            and not ref.via
            and not previous.via
            and previous.ref == ref.ref
            and (ref.locator is not None or previous.locator is None)
        ):
            locator = None if ref.locator == previous.locator else ref.locator
            return self.style.ibid(self.lang, locator)
        return self._reference(ref)

    def _reference(self, ref: SourceRef) -> Citation:
        chain = [self._source(source_id, short=self.compact) for source_id in reversed(ref.via)]
        chain.append(self._source(ref.ref, locator=ref.locator))
        return join(chain, f", {label(self.lang, 'cited_in')} ", self._typography)

    def _source(
        self, source_id: str, locator: str | None = None, *, short: bool = False
    ) -> Citation:
        source = self.sources[source_id]
        if short or source_id in self._seen:
            return self.style.short(source, self.lang, locator)
        self._seen.add(source_id)
        return self.style.full(source, self.lang, locator)
