"""The Chicago Manual of Style, 17th edition: notes and bibliography (chapter 14).

A first note is full, ``Claire Moreau, *Le pacte* (Institut d'études
fictives, 2025), §1, https://….``; later notes are short, ``Moreau, *Le
pacte*, §3.``; the bibliography inverts the first author and groups the
elements into sentences. English titles are set in headline style, French
ones as written (8.159, 11.27). docs/citations.md gives every rule with
examples.
"""

from __future__ import annotations

import re
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
from briefgen.labels import MINOR_WORDS_EN, format_date, label
from briefgen.locators import Locator
from briefgen.model import Name, Source

# Notes name up to three authors, then the first and "et al." (14.76).
MOST_NAMES_IN_NOTES = 3
# A bibliography names up to ten; beyond, the first seven and "et al." (14.76).
MOST_NAMES_IN_BIBLIOGRAPHY = 10
NAMES_BEFORE_ET_AL = 7
# Titles in italics (books, reports: 14.115) and in roman (statutes, treaties: 14.281);
# all others are parts of a whole, or unpublished, and go in quotation marks.
ITALIC_TYPES = STANDALONE_TYPES | {"legal_case"}
ROMAN_TYPES = frozenset({"legislation", "bill", "treaty"})
# Hosts in italics: periodicals and blogs (14.170, 14.208); a website's name is roman (14.206).
ITALIC_HOSTS = PERIODICAL_TYPES | {"post-weblog", "chapter", "paper-conference"}


class ChicagoStyle:
    """Chicago 17th edition, notes and bibliography."""

    name = "chicago"
    # Chicago 17 discourages "Ibid." in favour of short notes (14.34).
    ibid_by_default = False
    # Successive entries by the same names: a 3-em dash for them (14.67).
    repeated_names = "\u2014\u2014\u2014"

    def typography(self, lang: str) -> Typography:
        return Typography.of(lang, punctuation_inside_quotes=lang == "en")

    def locator(self, locators: Sequence[Locator], lang: str) -> str | None:
        # A page is its number alone (14.22), in English; French keeps "p.".
        return format_locators(locators, lang, bare_pages=lang == "en", serial_comma=True)

    def full(self, source: Source, lang: str, locator: str | None = None) -> Citation:
        typography = self.typography(lang)
        names = [person(n) for n in source.author or source.editor]
        creators = _latin(
            _with_role(
                name_list(names, lang, serial_comma=True, most=MOST_NAMES_IN_NOTES), source, lang
            ),
            lang,
        )
        title = _title(_cased(source.title, source), source, typography)
        if source.type in ITALIC_TYPES:
            head = join(
                [creators, title, text(source.container_title), text(_series(source, lang))],
                ", ",
                typography,
            )
            facts = _publication_facts(source, lang)
            if facts:
                # The facts of publication, in parentheses, follow the title without a comma.
                head = join([head, text(f"({facts})")], " ", typography)
            else:
                head = join([head, text(_year(source, lang))], ", ", typography)
            parts = [head, text(locator)]
        elif source.type in STATEMENT_TYPES:
            said = _statement(source, lang, typography)
            if title:
                # After a title, the kind, occasion and date go in parentheses (14.217).
                said = (Segment("("), *said, Segment(")"))
                parts = [join([creators, title], ", ", typography), said]
                parts = [join(parts, " ", typography), text(locator)]
            else:
                parts = [creators, said, text(locator)]
        else:
            parts = [creators, title, _host(source, lang), text(_publisher(source))]
            parts += [text(_series(source, lang)), text(_date(source, lang)), text(locator)]
        # The date of access goes just before the URL (14.12).
        return join([*parts, text(_access(source, lang)), link(source.URL)], ", ", typography)

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
            _latin(name_list(names, lang, serial_comma=True, most=MOST_NAMES_IN_NOTES), lang),
            _title(_cased(title, source), source, typography),
            # A work with neither creator nor title is named by its host, else its URL.
            () if names or title else _host(source, lang) or link(source.URL),
        ]
        return short_note(parts, distinction, locator, typography)

    def distinctions(self, source: Source, lang: str) -> tuple[Citation, ...]:
        return (
            text(_year(source, lang)),
            text(_date(source, lang) or _access(source, lang)),
            _host(source, lang),
            link(source.URL),
        )

    def ibid(self, lang: str, locator: str | None = None) -> Citation:
        # "Ibid." is in roman in English (7.56), in italics in French, as Latin words are.
        return join(
            [(Segment(label(lang, "ibid"), italic=lang != "en"),), text(locator)],
            ", ",
            self.typography(lang),
        )

    def bibliography_names(self, source: Source, lang: str) -> str:
        return _with_role(_bibliography_names(source.author or source.editor, lang), source, lang)

    def bibliography_entry(
        self, source: Source, lang: str, cited_in: Sequence[Citation] = ()
    ) -> Citation:
        typography = self.typography(lang)
        creators = _latin(self.bibliography_names(source, lang), lang)
        title = _title(_cased(source.title, source), source, typography)
        host = _host(source, lang)
        access = text(_capitalized(_access(source, lang) or ""))
        if source.type in STATEMENT_TYPES:
            # "Speech, first meeting of…, Naples, October 23, 2024." (14.217-14.222)
            said = list(_statement(source, lang, typography))
            said[0] = replace(said[0], text=_capitalized(said[0].text))
            groups = [creators, title, tuple(said)]
        elif not creators and host and source.type in PERIODICAL_TYPES:
            # An unsigned newspaper or magazine article is listed under the periodical (14.207).
            groups = [host, title, text(_capitalized(_date(source, lang) or ""))]
        elif source.type in ITALIC_TYPES:
            facts = _publication_facts(source, lang) or _capitalized(_year(source, lang))
            groups = [
                creators,
                title,
                text(source.container_title),
                text(_series(source, lang)),
                text(facts),
            ]
        else:
            details = [host, text(_publisher(source)), text(_series(source, lang))]
            date = text(_capitalized(_date(source, lang) or ""))
            groups = [creators, title]
            if source.type in WEB_TYPES or not any(details):
                # A web page's date is a sentence of its own (14.206); a periodical's
                # follows its name (14.191).
                groups += [join(details, ", ", typography), date]
            else:
                groups.append(join([*details, text(_date(source, lang))], ", ", typography))
        groups += [access, link(source.URL)]
        if cited_in:
            # An original known through another work: "Cited in" that work (14.260).
            groups.append(cited_in_group(cited_in, lang, typography))
        return close(join(groups, ". ", typography), typography)


def _statement(source: Source, lang: str, typography: Typography) -> Citation:
    """A statement's kind, occasion, host, medium, place and date: "speech, first meeting
    of G7 defence ministers, Naples, October 23, 2024"."""
    occasion, setting = statement_setting(source, lang)
    return join(
        [
            text(statement_kind(source, lang)),
            text(occasion),
            _host(source, lang),
            *(text(value) for value in setting),
            text(_date(source, lang)),
        ],
        ", ",
        typography,
    )


def _latin(value: str, lang: str) -> Citation:
    """Names with "et al.", in roman in English (7.56) and in italics in French."""
    return latin(value, lang, italic=lang != "en")


def _with_role(creators: str, source: Source, lang: str) -> str:
    """Editors standing for absent authors are followed by "ed." (14.103)."""
    if creators and not source.author:
        return f"{creators}, {label(lang, 'editors' if len(source.editor) > 1 else 'editor')}"
    return creators


def _bibliography_names(names: tuple[Name, ...], lang: str) -> str:
    """The first name inverted, the others in normal order (14.72)."""
    written = [inverted(names[0]), *(person(n) for n in names[1:])] if names else []
    if len(written) > MOST_NAMES_IN_BIBLIOGRAPHY:
        return f"{', '.join(written[:NAMES_BEFORE_ET_AL])}, {label(lang, 'et_al')}"
    # After the inverted first name, a comma precedes "and": "Morillot, Juliette, and …".
    return name_list(
        written, lang, serial_comma=True, most=MOST_NAMES_IN_BIBLIOGRAPHY, always_comma=True
    )


def _title(title: str | None, source: Source, typography: Typography) -> Citation:
    if not title:
        return ()
    if source.type in ITALIC_TYPES:
        return text(title, italic=True)
    if source.type in ROMAN_TYPES:
        return text(title)
    return quoted(title, typography)


def _host(source: Source, lang: str) -> Citation:
    host = source.container_title
    if not host:
        return ()
    if source.type in PERIODICAL_TYPES and host.startswith("The "):
        # An initial "The" is dropped from the name of a periodical (14.172).
        host = host[4:]
    named = text(host, italic=source.type in ITALIC_HOSTS)
    if source.type == "post-weblog" and "blog" not in host.casefold():
        # A blog's name is followed by "(blog)" unless it says so itself (14.208).
        return (*named, Segment(f" ({label(lang, 'blog')})"))
    return named


def _publisher(source: Source) -> str | None:
    """The owner of a web page or the publisher of a part; a periodical's title suffices."""
    if source.type in PERIODICAL_TYPES and source.container_title:
        return None
    if source.type in WEB_TYPES and source.publisher == source.container_title:
        return None
    return source.publisher


def _publication_facts(source: Source, lang: str) -> str | None:
    """``Place: Publisher, Year`` for a book or report; none when neither is known."""
    where = label(lang, "colon").join(p for p in (source.publisher_place, source.publisher) if p)
    return f"{where}, {_year(source, lang)}" if where else None


def _series(source: Source, lang: str) -> str | None:
    number = f"{label(lang, 'number')}\u00a0{source.number}" if source.number else None
    return " ".join(p for p in (source.collection_title, number) if p) or None


def _year(source: Source, lang: str) -> str:
    """A book or report is dated by its year (14.145)."""
    return str(source.issued.year) if source.issued else _nd(lang)


def _date(source: Source, lang: str) -> str | None:
    """The full date; without one, "n.d.", unless a date of access stands for it (14.12,
    14.206), which :func:`_access` gives just before the URL."""
    if source.issued:
        return format_date(source.issued, lang, month_first=True)
    return None if source.accessed else _nd(lang)


def _nd(lang: str) -> str:
    return label(lang, "nd")


def _access(source: Source, lang: str) -> str | None:
    """The date of access, only for an undated source: a dated one needs none (14.12)."""
    if source.accessed and not source.issued:
        return f"{label(lang, 'accessed')} {format_date(source.accessed, lang, month_first=True)}"
    return None


def _capitalized(value: str) -> str:
    """A date or label starting a sentence of the bibliography: "N.d.", "Accessed …"."""
    return value[:1].upper() + value[1:]


def _cased(title: str | None, source: Source) -> str | None:
    """English titles in headline style (8.159); others as written (11.27)."""
    if title and (source.language or "").startswith("en"):
        return headline_case(title)
    return title


_LEADING = re.compile(r"^([^\w]*)(.*)$")
_BREAKS = (":", "?", "!", "—", "–", "|")


def headline_case(title: str) -> str:
    """``title`` in headline style: major words capitalised, minor words in lower case.

    The first and last words, and the first word after a colon, dash, full
    stop or question mark, are always capitalised. Words written with a
    capital inside (``DPRK``, ``McCartney``, ``iPhone``) are left as they are.
    """
    words = title.split(" ")
    out = []
    force = True
    for index, word in enumerate(words):
        out.append(_case_word(word, force or index == len(words) - 1))
        force = word.endswith(_BREAKS) or word in _BREAKS or _ends_sentence(word)
    return " ".join(out)


def _ends_sentence(word: str) -> bool:
    """A word ending in a full stop, not an abbreviation: "Ukrainians.", not "U.S." or "vs."."""
    bare = word.rstrip(".\u201d\u2019\"')")
    return (
        word.rstrip("\u201d\u2019\"')").endswith(".")
        and "." not in bare
        and f"{bare.casefold()}." not in MINOR_WORDS_EN
    )


def _case_word(word: str, force: bool) -> str:
    match = _LEADING.match(word)
    assert match is not None
    lead, core = match.groups()
    if not core:
        return word
    pieces = core.split("-")
    cased = [_case_piece(piece, force or lead.endswith(_BREAKS)) for piece in pieces[:1]]
    cased += [_case_piece(piece, False) for piece in pieces[1:]]
    return lead + "-".join(cased)


def _case_piece(piece: str, force: bool) -> str:
    if not piece or any(c.isupper() for c in piece[1:]):
        return piece
    bare = piece.casefold()
    if not force and (bare in MINOR_WORDS_EN or bare.rstrip(",;") in MINOR_WORDS_EN):
        return piece.lower()
    return piece[:1].upper() + piece[1:]
