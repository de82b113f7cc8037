"""ISO 690:2021, in the note form French research institutes use.

Notes give the elements in the order of ISO 690 (creator, title, host,
medium, series, publisher, date, location within the item, identifier,
URL), separated by commas: ``Claire Moreau, *Le pacte* [en ligne],
Institut d'études fictives, 3 février 2025, §1, https://….`` The
bibliography uses the reference form of the standard, with elements grouped
into sentences and family names in capitals: ``MOREAU, Claire. *Le pacte*
[en ligne]. Institut d'études fictives, 3 février 2025. Disponible à
l'adresse : https://…``. docs/citations.md gives every rule with examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from briefgen.cite import (
    PERIODICAL_TYPES,
    STANDALONE_TYPES,
    STATEMENT_TYPES,
    WEB_TYPES,
    Citation,
    Segment,
    Typography,
    cited_in_group,
    close,
    family_name,
    format_locators,
    inverted,
    is_online,
    join,
    latin,
    link,
    name_list,
    person,
    quoted,
    short_note,
    short_title,
    statement_kind,
    statement_setting,
    text,
)
from briefgen.labels import format_date, label
from briefgen.locators import Locator
from briefgen.model import Source

# ISO 690 names up to three creators; beyond, the first and "et al.".
MOST_NAMES = 3
# Works standing on their own, whose title is set in italics; other titles are parts
# of a host (an article in a newspaper, a page of a site) or legal texts.
ITALIC_TYPES = STANDALONE_TYPES | {"thesis", "manuscript"}


class Iso690Style:
    """ISO 690:2021: comma-separated notes, sentence-grouped bibliography."""

    name = "iso690"
    # French usage, which the style follows, keeps "Ibid." for the work of the note before.
    ibid_by_default = True
    # The standard repeats an author's name in each reference.
    repeated_names = None

    def typography(self, lang: str) -> Typography:
        return Typography.of(lang)

    def locator(self, locators: Sequence[Locator], lang: str) -> str | None:
        return format_locators(locators, lang)

    def full(self, source: Source, lang: str, locator: str | None = None) -> Citation:
        typography = self.typography(lang)
        title, host = _title_and_host(source, lang, typography, bibliography=False)
        if source.type in STATEMENT_TYPES:
            # Kind in brackets, occasion, host or medium, place, date: "[speech], …".
            parts = [
                latin(_creators(source, lang, bibliography=False), lang, italic=True),
                title,
                _statement(source, lang, host),
                text(locator),
                link(source.URL),
            ]
            return join(parts, ", ", typography)
        parts = [
            *_identified(_creators(source, lang, bibliography=False), title, host, source, lang),
            text(_series(source, lang)),
            text(_publisher(source, lang)),
            text(_date(source, lang)),
            text(locator),
            text(f"ISSN {source.ISSN}" if source.ISSN else None),
            link(source.URL),
        ]
        return join(parts, ", ", typography)

    def short(
        self,
        source: Source,
        lang: str,
        locator: str | None = None,
        distinction: Citation = (),
    ) -> Citation:
        typography = self.typography(lang)
        names = [family_name(n) for n in source.author or source.editor]
        title = short_title(source)
        parts = [
            latin(name_list(names, lang, serial_comma=False, most=MOST_NAMES), lang, italic=True),
            _title(title, source, typography, bibliography=False) if title else (),
            () if names or title else _untitled(source),
        ]
        return short_note(parts, distinction, locator, typography)

    def distinctions(self, source: Source, lang: str) -> tuple[Citation, ...]:
        year = str(source.issued.year) if source.issued else label(lang, "nd_iso")
        host = source.container_title
        return (
            text(year),
            text(_date(source, lang)),
            text(host, italic=source.type not in ITALIC_TYPES) if host else (),
            link(source.URL),
        )

    def ibid(self, lang: str, locator: str | None = None) -> Citation:
        # Latin abbreviations are set in italics in French typography, as the institutes do.
        return join(
            [(Segment(label(lang, "ibid"), italic=True),), text(locator)],
            ", ",
            self.typography(lang),
        )

    def bibliography_names(self, source: Source, lang: str) -> str:
        return _creators(source, lang, bibliography=True)

    def bibliography_entry(
        self, source: Source, lang: str, cited_in: Sequence[Citation] = ()
    ) -> Citation:
        typography = self.typography(lang)
        title, host = _title_and_host(source, lang, typography, bibliography=True)
        creators = _creators(source, lang, bibliography=True)
        publisher = _publisher(source, lang)
        date = _date(source, lang)
        # A sentence that starts with a word of ours, not of the source, takes a capital.
        publication = f"{publisher}, {date}" if publisher else _capitalized(date)
        if publisher and not source.publisher_place and not source.publisher:
            publication = _capitalized(publication)
        if source.type in STATEMENT_TYPES:
            statement = list(_statement(source, lang, host))
            statement[0] = replace(statement[0], text=_capitalized(statement[0].text))
            groups = [latin(creators, lang, italic=True), title, tuple(statement)]
        else:
            groups = [
                *_identified(creators, title, host, source, lang),
                text(_series(source, lang)),
                text(publication),
                text(f"ISSN {source.ISSN}" if source.ISSN else None),
            ]
        if source.URL:
            # The work's own address, before any work that cites it: after "Cited in" it
            # would read as the citing work's.
            groups.append((Segment(f"{label(lang, 'available_at')} "), *link(source.URL)))
        if cited_in:
            # An original known through other works names them (as CMOS 14.260 does).
            groups.append(cited_in_group(cited_in, lang, typography))
        entry = join(groups, ". ", typography)
        if source.URL and not cited_in:
            # A URL ending the entry takes no period: it would read as part of the address.
            return entry
        return close(entry, typography)


def _identified(
    creators: str, title: Citation, host: Citation, source: Source, lang: str
) -> list[Citation]:
    """Creators, title and host; "[online]" follows the title or host, else the creators,
    so that every online resource says so, an untitled page known by its URL too."""
    names = latin(creators, lang, italic=True)
    if is_online(source) and not (title or host):
        medium = f"[{label(lang, 'online')}]"
        # Starting the note or the reference, it takes a capital: "[Online]".
        names = (*names, Segment(f" {medium}")) if names else text(_capitalized(medium))
    return [names, title, host]


def _statement(source: Source, lang: str, host: Citation) -> Citation:
    """A statement's kind in brackets, its occasion, host (a channel), medium, place and
    date: "[speech], first meeting of G7 defence ministers, Naples, 23 October 2024"."""
    occasion, setting = statement_setting(source, lang)
    return join(
        [
            text(f"[{statement_kind(source, lang)}]"),
            text(occasion),
            host,
            *(text(value) for value in setting),
            text(_date(source, lang)),
        ],
        ", ",
        Typography.of(lang),
    )


def _untitled(source: Source) -> Citation:
    """What names a work with neither creator nor title: its host (a newspaper), else its URL."""
    if source.container_title:
        return text(source.container_title, italic=source.type not in ITALIC_TYPES)
    return link(source.URL)


def _creators(source: Source, lang: str, *, bibliography: bool) -> str:
    """Authors; when there are none, editors marked "(ed.)". In the bibliography, family
    names and institutions are in capitals, as in the standard's examples."""
    names = source.author or source.editor
    written = [inverted(n, upper=True) if bibliography else person(n) for n in names]
    creators = name_list(written, lang, serial_comma=False, most=MOST_NAMES)
    if creators and not source.author:
        role = label(lang, "editors" if len(names) > 1 else "editor")
        creators += f" ({role})"
    return creators


def _is_standalone(source: Source) -> bool:
    """Whether the title is a work's own: a book, a report, or a web page with no site named."""
    return source.type in ITALIC_TYPES or (source.type in WEB_TYPES and not source.container_title)


def _title(title: str, source: Source, typography: Typography, *, bibliography: bool) -> Citation:
    if _is_standalone(source):
        return text(title, italic=True)
    # The reference form of the standard sets a part's title in roman; notes quote it.
    return text(title) if bibliography else quoted(title, typography)


def _title_and_host(
    source: Source, lang: str, typography: Typography, *, bibliography: bool
) -> tuple[Citation, Citation]:
    """The title, and the host it is part of (in italics); "[online]" follows the last of them."""
    title = (
        _title(source.title, source, typography, bibliography=bibliography) if source.title else ()
    )
    host: Citation = ()
    if source.container_title:
        host = text(source.container_title, italic=source.type not in ITALIC_TYPES)
    if is_online(source) and (title or host):
        medium = Segment(f" [{label(lang, 'online')}]")
        if host:
            host = (*host, medium)
        else:
            title = (*title, medium)
    return title, host


def _series(source: Source, lang: str) -> str | None:
    number = f"{label(lang, 'number')}\u00a0{source.number}" if source.number else None
    return ", ".join(p for p in (source.collection_title, number) if p) or None


def _publisher(source: Source, lang: str) -> str | None:
    """``Place : Publisher``; "[s.n.]" where a publisher is expected and unknown, and
    "[s.l.]" too for a book without a place.

    A publisher is expected of a work standing on its own, unless an
    organisation wrote it; a periodical's title stands for its publisher.
    """
    publisher = source.publisher
    place = source.publisher_place
    if source.type in PERIODICAL_TYPES and source.container_title:
        # The periodical's title identifies it; its publisher is not an element.
        publisher = None
    elif not publisher and _is_standalone(source) and not _by_organisation(source):
        publisher = label(lang, "sn")
        if not place and source.type in ITALIC_TYPES:
            # A book with neither place nor publisher: "[s.l.] : [s.n.]", as ISO 690 has it;
            # a web page has no place of publication.
            place = label(lang, "sl")
    return label(lang, "colon").join(p for p in (place, publisher) if p) or None


def _by_organisation(source: Source) -> bool:
    # An organisation's own document: the author is the publisher, and is not unknown.
    return any(name.literal for name in source.author)


def _date(source: Source, lang: str) -> str:
    """The date of publication ("n.d." when unknown), then the date of access if known."""
    issued = format_date(source.issued, lang) if source.issued else label(lang, "nd_iso")
    if source.accessed:
        issued += f" [{label(lang, 'accessed')} {format_date(source.accessed, lang)}]"
    return issued


def _capitalized(value: str) -> str:
    """``value`` starting a sentence of the reference: "Octobre 2024", "[S.n.], s.d."."""
    first = 1 if value.startswith("[") else 0
    return value[:first] + value[first : first + 1].upper() + value[first + 1 :]
