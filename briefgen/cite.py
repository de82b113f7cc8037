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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path
from typing import Protocol

from briefgen.labels import (
    DANGLING_WORDS,
    LEADING_ARTICLES,
    label,
    locator_term,
)
from briefgen.locators import Locator, parse_locator
from briefgen.model import FactBase, Name, Source, SourceRef, worded


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
    # Whether notes use "Ibid." unless told otherwise.
    ibid_by_default: bool
    # What stands for the names of a bibliography entry that repeats those of the entry
    # before (Chicago's 3-em dash, 14.67); None: the names are repeated.
    repeated_names: str | None

    def typography(self, lang: str) -> Typography:
        """The quotation marks and quote punctuation used in ``lang``."""

    def locator(self, locators: Sequence[Locator], lang: str) -> str | None:
        """``locators`` (places in one work) as a note writes them: ``para. 7``, ``§ 7``."""

    def full(self, source: Source, lang: str, locator: str | None = None) -> Citation:
        """The first note for ``source``, pointing to ``locator`` (a page, a paragraph)."""

    def short(
        self,
        source: Source,
        lang: str,
        locator: str | None = None,
        distinction: Citation = (),
    ) -> Citation:
        """A later note for a source already cited in full; ``distinction`` tells it apart
        from another work whose short form would read the same."""

    def distinctions(self, source: Source, lang: str) -> tuple[Citation, ...]:
        """What may tell ``source`` apart in a short note, shortest first: its year, its
        full date, its host, its URL (an element may be empty)."""

    def ibid(self, lang: str, locator: str | None = None) -> Citation:
        """A note for the source of the note just before; ``locator`` if it differs."""

    def bibliography_entry(
        self, source: Source, lang: str, cited_in: Sequence[Citation] = ()
    ) -> Citation:
        """The source's entry in a bibliography; ``cited_in``: the short forms of the works
        that cite it, for an original known only through them."""

    def bibliography_names(self, source: Source, lang: str) -> str:
        """The names a bibliography entry of ``source`` starts with, as it writes them
        ("" for an entry that starts with its title)."""


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
        # The inner quotation marks a quoted title ends with: ‘…Partnership’ ”.
        inner = ""
        if quoted and typography.inner_open in core:
            bare = core.rstrip(THIN_SPACE + typography.inner_close)
            core, inner = bare, core[len(bare) :]
        # After a closing quotation mark, punctuation set outside it is kept: « Quoi ? »,
        terminal = core.rstrip().endswith(_TERMINAL)
        if quoted and not typography.punctuation_inside_quotes:
            terminal = False
        if terminal or (mark == "." and last.text.endswith(".")):
            mark = ""
        elif quoted and typography.punctuation_inside_quotes:
            # Inside every closing quotation mark, the inner ones too (CMOS 6.9).
            out[-1] = replace(last, text=core + mark + inner + typography.close_quote)
            mark = ""
    if mark or rest:
        out.append(Segment(mark + rest))


# Between two quotation marks that touch: ‘…’ ” (a narrow no-break space).
THIN_SPACE = "\u202f"


def quoted(title: str, typography: Typography) -> Citation:
    """``title`` in quotation marks; quotation marks inside it become the inner kind."""
    inner = title.replace("\u201c", typography.inner_open).replace("\u201d", typography.inner_close)
    opening, closing = typography.open_quote, typography.close_quote
    if inner.startswith(typography.inner_open) and not opening[-1].isspace():
        opening += THIN_SPACE
    if inner.endswith(typography.inner_close) and not closing[0].isspace():
        closing = THIN_SPACE + closing
    return (Segment(opening + inner + closing),)


def text(value: str | None, *, italic: bool = False) -> Citation:
    """One segment, or nothing when ``value`` is empty."""
    return (Segment(value, italic=italic),) if value else ()


def link(url: str | None) -> Citation:
    """A URL as a clickable segment, or nothing."""
    return (Segment(url, url=url),) if url else ()


def short_note(
    parts: Iterable[Citation], distinction: Citation, locator: str | None, typography: Typography
) -> Citation:
    """A short note: ``parts`` (names, title), then the ``distinction`` and the ``locator``,
    separated by commas; a distinction that is a URL comes last, as in a full note."""
    if distinction and distinction[-1].url is not None:
        tail = [text(locator), distinction]
    else:
        tail = [distinction, text(locator)]
    return join([*parts, *tail], ", ", typography)


# -- names -------------------------------------------------------------------


def person(name: Name) -> str:
    """``Valérie Niquet`` or ``UN Panel of Experts``.

    An institution named per language is named in its first language here: a brief
    passes its sources through :meth:`Source.in_language` first.
    """
    literal = worded(name.literal, None)
    if literal:
        return literal
    return " ".join(part for part in (name.given, name.family) if part)


def inverted(name: Name, *, upper: bool = False) -> str:
    """``Niquet, Valérie`` (``NIQUET, Valérie`` with ``upper``); an institution as written
    (in capitals with ``upper``: ``NATIONAL INTELLIGENCE SERVICE``)."""
    literal = worded(name.literal, None)
    if literal:
        return literal.upper() if upper else literal
    family = (name.family or "").upper() if upper else name.family or ""
    return f"{family}, {name.given}" if name.given else family


def family_name(name: Name) -> str:
    """The name a short note uses: the family name, or an institution's full name."""
    return worded(name.literal, None) or name.family or ""


def name_list(
    names: Sequence[str], lang: str, *, serial_comma: bool, most: int, always_comma: bool = False
) -> str:
    """``A``, ``A and B``, ``A, B, and C``; more than ``most`` names: ``A et al.``.

    ``always_comma`` puts a comma before the conjunction whatever the number and the
    language, as after a name inverted by a comma: ``Morillot, Juliette, and Dorian Malovic``.
    """
    if len(names) > most:
        return f"{names[0]} {label(lang, 'et_al')}"
    if len(names) <= 1:
        return "".join(names)
    conjunction = label(lang, "and")
    serial = serial_comma and len(names) > 2 and lang == "en"
    comma = "," if serial or always_comma else ""
    return f"{', '.join(names[:-1])}{comma} {conjunction} {names[-1]}"


def latin(value: str, lang: str, *, italic: bool) -> Citation:
    """``value`` with its Latin abbreviation ("et al.") in italics if ``italic``, as French
    typography sets Latin words."""
    marker = label(lang, "et_al")
    at = value.find(marker) if italic else -1
    if at < 0:
        return text(value)
    before, after = value[:at], value[at + len(marker) :]
    return (*text(before), Segment(marker, italic=True), *text(after))


# -- locators ----------------------------------------------------------------


def format_locators(
    locators: Sequence[Locator], lang: str, *, bare_pages: bool = False, serial_comma: bool = False
) -> str | None:
    """Places in one work as a note gives them: ``para. 7, n. 7``, ``§ 7``; several places
    of one kind share their label, ``paras. 1 and 15``.

    With ``bare_pages`` (Chicago in English, 14.22), a page is its number alone, and a
    note on it follows without a space: ``45n12``.
    """
    if not locators:
        return None
    singles = [loc.parts[0] for loc in locators if len(loc.parts) == 1]
    kinds = {part.label for part in singles}
    if (
        len(locators) > 1
        and len(singles) == len(locators)
        and len(kinds) == 1
        and None not in kinds
    ):
        values = [_range(part.value) for part in singles]
        if all(value.isdigit() for value in values):
            values.sort(key=int)
        listed = name_list(values, lang, serial_comma=serial_comma, most=len(values))
        return _place(singles[0].label, listed, lang, plural=True, bare_pages=bare_pages)
    written = [_locator(loc, lang, bare_pages=bare_pages) for loc in locators]
    return name_list(written, lang, serial_comma=serial_comma, most=len(written)) or None


def _locator(locator: Locator, lang: str, *, bare_pages: bool) -> str:
    parts = list(locator.parts)
    written = []
    while parts:
        part = parts.pop(0)
        value = _range(part.value)
        on_page = part.label == "page" and not part.plural
        if bare_pages and on_page and parts and parts[0].label == "note" and not parts[0].plural:
            written.append(f"{value}n{parts.pop(0).value}")
            continue
        written.append(_place(part.label, value, lang, plural=part.plural, bare_pages=bare_pages))
    return ", ".join(written)


def _place(kind: str | None, value: str, lang: str, *, plural: bool, bare_pages: bool) -> str:
    if kind is None or (kind == "page" and bare_pages):
        return value
    # A no-break space: a label never ends a line apart from its number.
    return f"{locator_term(lang, kind, plural=plural)}\u00a0{value}"


def _range(value: str) -> str:
    """A range of numbers takes an en dash: ``211–214``."""
    return re.sub(r"(?<=[0-9ivxlcdm])\s*-\s*(?=[0-9ivxlcdm])", "\u2013", value)


# -- titles ------------------------------------------------------------------

_SUBTITLE_MARKS = (":", " | ", " – ", " — ")


def main_title(title: str) -> str:
    """The title without its subtitle: the part before the first colon or dash."""
    cut = min((i for i in (title.find(m) for m in _SUBTITLE_MARKS) if i > 0), default=len(title))
    return title[:cut].rstrip()


def short_title(source: Source) -> str | None:
    """The title a short note uses: ``title-short`` if given, else up to four key words
    (:func:`derived_short_title`)."""
    if source.title_short:
        return source.title_short
    if not source.title:
        return None
    return derived_short_title(source.title)


def derived_short_title(title: str) -> str:
    """Up to four key words of ``title`` (CMOS 14.33): its main title, without an initial
    article, whole when it has five words or fewer, else its first four words; never
    ending on a function word, a possessive or an auxiliary, which are dropped.

    A supplied title, in brackets, keeps them: ``[Ukraine says North Korea]``.
    """
    supplied = title.startswith("[") and title.endswith("]")
    words = main_title(title.strip("[]") if supplied else title).split()
    words = _without_article(words)
    if len(words) > 5:
        words = words[:4]
    while len(words) > 1 and title_word_problem(words[-1]):
        words.pop()
    shortened = " ".join(words).rstrip(",;")
    return f"[{shortened}]" if supplied else shortened


def _without_article(words: list[str]) -> list[str]:
    """``words`` less an initial article ("The", "La", the elided "L’"), the next word
    taking its capital."""
    if len(words) < 2:
        return words
    first = words[0].casefold()
    for article in LEADING_ARTICLES:
        if article.endswith(" ") and first == article.strip():
            rest = words[1:]
        elif not article.endswith(" ") and first.startswith(article) and len(first) > 2:
            rest = [words[0][len(article) :], *words[1:]]
        else:
            continue
        return [rest[0][:1].upper() + rest[0][1:], *rest[1:]]
    return words


_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$", re.IGNORECASE)


def title_word_problem(word: str) -> str | None:
    """Why a short title cannot end on ``word`` (a function word, a possessive, an
    auxiliary), or None."""
    bare = word.strip('[](),;:.!?"“”«»').casefold()
    if _POSSESSIVE.search(bare):
        return "a possessive"
    if bare in DANGLING_WORDS or bare.replace("’", "'") in DANGLING_WORDS:
        return "a function word or an auxiliary"
    return None


def short_title_problem(source: Source) -> str | None:
    """What breaks the key-word rule in ``source``'s short title (given or derived): an
    initial article, or a last word it cannot end on; None if nothing does."""
    short = short_title(source)
    if not short:
        return None
    words = short.strip("[]").split()
    if not words:
        return None
    if _without_article(words) != words:
        return f"short title '{short}' starts with an article"
    problem = title_word_problem(words[-1])
    if problem:
        return f"short title '{short}' ends on {problem} ('{words[-1]}')"
    return None


def short_title_warnings(base: FactBase) -> list[str]:
    """A warning for each source of ``base`` whose short title breaks the key-word rule,
    as ``sources.yaml:LINE: id: message``: a warning, since a curator may mean it."""
    path = Path(base.path) / "sources.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    where = {
        line.split(":", 1)[1].strip(): number
        for number, line in enumerate(lines, 1)
        if line.startswith("- id:")
    }
    warnings = []
    for source in base.sources.values():
        problem = short_title_problem(source)
        if problem:
            line = where.get(source.id)
            at = f"{path}:{line}" if line else str(path)
            warnings.append(
                f"{at}: {source.id}: {problem}; give a 'title-short' of key words (CMOS 14.33)"
            )
    return warnings


# -- type groups ---------------------------------------------------------------

# Articles in a newspaper, magazine or journal: the host is a periodical, with no publisher.
PERIODICAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
# Pages of a website.
WEB_TYPES = frozenset({"webpage", "post", "post-weblog"})
# Works published on their own: the title is set in italics in every style.
STANDALONE_TYPES = frozenset(
    {"book", "report", "dataset", "map", "pamphlet", "standard", "document", "motion_picture"}
)


# Statements not published as a text of their own: what a note says of them is their
# kind, the occasion or medium, the place and the date (CMOS 14.217-14.222).
STATEMENT_TYPES = frozenset({"speech", "interview", "personal_communication", "broadcast"})


def statement_kind(source: Source, lang: str) -> str:
    """What a statement was: its ``genre`` ("press conference"), else its type's word
    ("speech", "discours")."""
    return worded(source.genre, lang) or label(lang, f"kind_{source.type}")


def statement_setting(source: Source, lang: str) -> tuple[str | None, list[str]]:
    """Where a statement was made: its occasion, then its medium and place, as given
    (a style puts its host, a channel, between them)."""
    fields = (source.medium, source.event_place)
    rest = [value for value in (worded(field, lang) for field in fields) if value]
    return worded(source.event_title, lang), rest


def is_online(source: Source) -> bool:
    """Whether the source was read online: it has a URL, or it is a web page."""
    return bool(source.URL) or source.type in WEB_TYPES


# -- bibliography --------------------------------------------------------------


def bibliography(
    sources: Iterable[Source],
    style: CitationStyle,
    lang: str,
    cited_in: Mapping[str, Sequence[Citation]] | None = None,
) -> tuple[Citation, ...]:
    """The bibliography entries of ``sources``, in alphabetical order of their first element.

    Entries sort on what they start with (author, else title), ignoring case,
    accents, punctuation and a leading article ("The Guardian" under G). An
    entry with the names of the one before has them replaced by the style's
    ``repeated_names``, if it has one.
    ``cited_in`` gives, for an original source known only through other works,
    the short forms of those works, which its entry names (CMOS 14.260).
    """
    cited_in = cited_in or {}
    written = [s.in_language(lang) for s in sources]
    entries = sorted(
        (
            (
                style.bibliography_entry(s, lang, cited_in.get(s.id, ())),
                style.bibliography_names(s, lang),
            )
            for s in written
        ),
        key=lambda pair: collation_key(plain_text(pair[0])),
    )
    dash = style.repeated_names
    out = []
    for index, (entry, names) in enumerate(entries):
        repeated = index > 0 and names and entries[index - 1][1] == names
        if dash and repeated and entry[0].text == names:
            # The same names as the entry before: a dash stands for them (CMOS 14.67).
            entry = (replace(entry[0], text=dash), *entry[1:])
        out.append(entry)
    return tuple(out)


def cited_in_group(cited_in: Sequence[Citation], lang: str, typography: Typography) -> Citation:
    """The element of a bibliography entry naming the works an original is cited in:
    ``Cited in Moreau, *Le pacte*; Reuters``."""
    works = join(cited_in, label(lang, "list_separator"), typography)
    return (Segment(f"{label(lang, 'cited_in_entry')} "), *works)


def collation_key(value: str) -> str:
    """``value`` as it sorts: no accents, case or leading punctuation and article."""
    from briefgen.query import fold

    bare = fold(value).lstrip("\"'“”‘’«»[(* \u00a0")
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


@dataclass(frozen=True)
class _Place:
    """The places a note cites in one work, reached through one chain, with one grade."""

    ref: str
    via: tuple[str, ...]
    locators: tuple[Locator, ...]
    grade: str | None


class NoteWriter:
    """Writes the notes of one document in order: full, short, or Ibid.

    A note cites every source of one statement, separated by semicolons, each
    with its locator, its "cited in" chain and, if given, its grade. The first
    citation of a work is full and later ones short. "Ibid." (if ``ibid``; by
    default as the style prefers) replaces a note citing the single work of
    the note just before; it is not used after or for a second-hand chain
    ("X, cited in Y"), which names two works, nor after a note citing several
    works, nor without a locator after a note that had one, since "Ibid."
    would then point to the same place.

    ``compact`` notes cite every work in short form from the first time, the
    work read as well as the original sources of a chain: a bibliography
    gives every work in full.

    A short form names one work only: when two of the works the document
    cites (``cited``, by default every source given) would have the same short
    form, each takes the first element that tells them apart (see
    :meth:`CitationStyle.distinctions`).
    """

    def __init__(
        self,
        style: CitationStyle,
        lang: str,
        sources: Mapping[str, Source],
        *,
        compact: bool = False,
        ibid: bool | None = None,
        cited: Iterable[str] | None = None,
    ) -> None:
        self.style = style
        self.lang = lang
        # Every work named in the brief's language, where the base gives it in several.
        self.sources: Mapping[str, Source] = {
            source_id: source.in_language(lang) for source_id, source in sources.items()
        }
        sources = self.sources
        self.compact = compact
        self.ibid = style.ibid_by_default if ibid is None else ibid
        self._typography = style.typography(lang)
        self._distinction = _distinctions(
            style, lang, [sources[s] for s in dict.fromkeys(sources if cited is None else cited)]
        )
        self._seen: set[str] = set()
        self._previous: _Place | None = None
        self._by_authors = _named_by_authors(
            style, lang, [sources[s] for s in dict.fromkeys(sources if cited is None else cited)]
        )

    @property
    def typography(self) -> Typography:
        """The quotation marks and punctuation rules of the notes."""
        return self._typography

    def interrupt(self) -> None:
        """A note that cites no work came between: the next one cannot be "Ibid."."""
        self._previous = None

    def cite(self, ref: SourceRef) -> Citation:
        """The note for ``ref`` alone: the via chain (original first), then the source read."""
        return self.note([ref])

    def note(self, refs: Sequence[SourceRef], grades: Sequence[str | None] = ()) -> Citation:
        """One note citing ``refs``, each followed by its grade (``grades``, in the same order).

        Several places in one work, reached the same way, are cited once with
        all their locators: "Norbert, *Moscou et Pyongyang*, paras. 1 and 15".
        """
        places = _merged(refs, grades)
        single = places[0] if len(places) == 1 else None
        parts = []
        for group in _sharing_chains(places):
            if len(group) > 1:
                parts.append(self._shared_chain(group))
                continue
            place = group[0]
            part = self._reference(place) if single is None else self._single(place)
            parts.append(_graded(part, place.grade))
        self._previous = single
        return close(
            join(parts, label(self.lang, "list_separator"), self._typography), self._typography
        )

    def work_name(self, source_id: str, among: Iterable[str]) -> Citation:
        """The fewest words that name a work among the works ``among``: its authors'
        family names where no other of them shares them, else its short form."""
        source = self.sources[source_id]
        names = self._authors(source)
        if names and not any(
            other != source_id and self._authors(self.sources[other]) == names for other in among
        ):
            return (Segment(names),)
        return self.short_form(source_id)

    def named(self, source_id: str) -> bool:
        """Whether a note written so far names the work."""
        return source_id in self._seen

    def _authors(self, source: Source) -> str:
        names = [family_name(name) for name in source.author]
        return name_list(names, self.lang, serial_comma=False, most=2) if names else ""

    def short_form(self, source_id: str) -> Citation:
        """The short form of a source, told apart from the other works cited if need be."""
        source = self.sources[source_id]
        return self.style.short(source, self.lang, None, self._distinction.get(source_id, ()))

    def _single(self, place: _Place) -> Citation:
        previous = self._previous
        if (
            self.ibid
            and previous is not None
            and not place.via
            and not previous.via
            and previous.ref == place.ref
            and (place.locators or not previous.locators)
        ):
            same = place.locators == previous.locators
            return self.style.ibid(self.lang, None if same else self._locator(place))
        return self._reference(place)

    def _reference(self, place: _Place) -> Citation:
        chain = [self._source(source_id, short=self.compact) for source_id in reversed(place.via)]
        chain.append(self._source(place.ref, self._locator(place), short=self.compact))
        return join(chain, f", {label(self.lang, 'cited_in')} ", self._typography)

    def _shared_chain(self, places: Sequence[_Place]) -> Citation:
        """Originals reported by the same chain, the chain written once: "Reuters [B3] and
        Open Source Centre [C3], cited in *Soutien à la Russie*, para. 8"."""
        typography = self._typography
        originals = [
            _graded(self._source(place.via[-1], short=self.compact), place.grade)
            for place in places
        ]
        first = join(originals[:-1], ", ", typography)
        named = join([first, originals[-1]], f" {label(self.lang, 'and')} ", typography)
        place = places[0]
        relays = [self._source(s, short=self.compact) for s in reversed(place.via[:-1])]
        read = self._source(place.ref, self._locator(place), short=self.compact)
        return join([named, *relays, read], f", {label(self.lang, 'cited_in')} ", typography)

    def _locator(self, place: _Place) -> str | None:
        return self.style.locator(place.locators, self.lang)

    def _source(
        self, source_id: str, locator: str | None = None, *, short: bool = False
    ) -> Citation:
        source = self.sources[source_id]
        if self.compact and source_id in self._seen and source_id in self._by_authors:
            # Named on the page already: its authors tell it from every other work cited.
            return self.style.short(_untitled(source), self.lang, locator)
        if short or source_id in self._seen:
            self._seen.add(source_id)
            distinction = self._distinction.get(source_id, ())
            return self.style.short(source, self.lang, locator, distinction)
        self._seen.add(source_id)
        return self.style.full(source, self.lang, locator)


def _graded(citation: Citation, grade: str | None) -> Citation:
    return (*citation, Segment(f"\u00a0[{grade}]", grade=True)) if grade else citation


def _sharing_chains(places: Sequence[_Place]) -> list[list[_Place]]:
    """``places`` grouped where their originals reach the same place in the same work
    by the same chain, each group where its first place stands."""
    groups: dict[object, list[_Place]] = {}
    for index, place in enumerate(places):
        key = (place.ref, place.locators, place.via[:-1]) if place.via else index
        groups.setdefault(key, []).append(place)
    return list(groups.values())


def _merged(refs: Sequence[SourceRef], grades: Sequence[str | None]) -> list[_Place]:
    """``refs`` with the places in one work, reached the same way, as one."""
    places: dict[tuple[str, tuple[str, ...], str | None], list[Locator]] = {}
    for ref, grade in zip_longest(refs, grades[: len(refs)]):
        locators = places.setdefault((ref.ref, ref.via, grade), [])
        if ref.locator:
            locator = parse_locator(ref.locator)
            if locator not in locators:
                locators.append(locator)
    return [
        _Place(ref, via, tuple(locators), grade) for (ref, via, grade), locators in places.items()
    ]


def _untitled(source: Source) -> Source:
    return source._replace(title=None, title_short=None)


def _named_by_authors(style: CitationStyle, lang: str, sources: Sequence[Source]) -> set[str]:
    """The ``sources`` that have authors (or editors) whose names no other of them shares:
    once a page has cited one in short form, its authors alone name it (MHRA 7.5)."""
    forms: dict[str, list[str]] = {}
    for source in sources:
        if source.author or source.editor:
            forms.setdefault(_as_read(style.short(_untitled(source), lang)), []).append(source.id)
    return {ids[0] for ids in forms.values() if len(ids) == 1}


def _distinctions(
    style: CitationStyle, lang: str, sources: Sequence[Source]
) -> dict[str, Citation]:
    """For each of ``sources`` whose short form another one shares, what tells it apart.

    Works alike are told apart by the first of their distinctions (year, date,
    host, URL) that each of them has and that differs for each of them, so that
    none is left bare beside another's element (``Reuters`` beside ``Reuters,
    https://…`` would read as its abbreviation); failing one, each by its year
    and the elements it does not share with all the others.
    """
    alike: dict[str, list[Source]] = {}
    for source in sources:
        alike.setdefault(_as_read(style.short(source, lang)), []).append(source)
    found: dict[str, Citation] = {}
    for group in alike.values():
        if len(group) < 2:
            continue
        options = [style.distinctions(source, lang) for source in group]
        for chosen in zip(*options, strict=True):
            read = {_as_read(element) for element in chosen}
            if len(read) == len(group) and "" not in read:
                break
        else:
            # Each takes its year ("n.d.") and whatever it does not share with all the others.
            typography = style.typography(lang)
            shared = [
                len({_as_read(element) for element in column}) == 1
                for column in zip(*options, strict=True)
            ]
            chosen = tuple(
                join(
                    [
                        elements[0],
                        *(e for e, same in zip(elements, shared, strict=True) if not same),
                    ],
                    ", ",
                    typography,
                )
                for elements in options
            )
        found.update((source.id, element) for source, element in zip(group, chosen, strict=True))
    return found


def _as_read(citation: Citation) -> str:
    """A citation as a reader tells it from another: regardless of case, italics, quotation
    marks and brackets."""
    bare = re.sub(r"[\"'“”‘’«»\[\]]", "", plain_text(citation)).casefold()
    return " ".join(bare.split()).strip(" .,")
