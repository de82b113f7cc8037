"""Typographic quotation marks and apostrophes, in the brief's language.

The fact base may be written in plain ASCII (``Putin's "expendable" troops``,
``l'artillerie``): a brief prints ``Putin’s “expendable” troops`` in English and
``l’artillerie``, ``« sacrifiables »`` in French. English is smartypants' work
(the port of John Gruber's SmartyPants); French, which it does not know, is
done here: apostrophes become ’, and double quotation marks become « » with
no-break spaces inside, “ ” within them. Text already typographic is left as
it is, and so are URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.cite import Citation

NBSP = "\u00a0"
_STRAIGHT = re.compile(r"['\"]")
# A URL keeps its characters: it is an address, not prose.
_URL = re.compile(r"https?://\S+")
# An elided year ("the '90s") takes an apostrophe, which smartypants reads as an opening quote.
_ELIDED_YEAR = re.compile(r"'(?=\d\ds\b)")
# The French marks, spaced: an ordinary space inside « » becomes a no-break one.
_FRENCH_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_FRENCH_CLOSE = re.compile(r"[ \u00a0\u202f]*»")


def typeset(text: str, lang: str) -> str:
    """``text`` with typographic apostrophes and quotation marks of ``lang``."""
    if not _STRAIGHT.search(text) and (lang != "fr" or not _needs_french(text)):
        return text
    return _typeset(text, lang)


def _needs_french(text: str) -> bool:
    return "\u201c" in text or "«" in text or "»" in text


@lru_cache(maxsize=8192)
def _typeset(text: str, lang: str) -> str:
    # The same statements are typeset again each time a brief of set length is fitted.
    pieces = []
    at = 0
    for url in _URL.finditer(text):
        pieces.append(_prose(text[at : url.start()], lang))
        pieces.append(url.group())
        at = url.end()
    pieces.append(_prose(text[at:], lang))
    return "".join(pieces)


def _prose(text: str, lang: str) -> str:
    if not text:
        return text
    if lang == "fr":
        return _french(text)
    import smartypants

    text = _ELIDED_YEAR.sub("\u2019", text)
    # Quotation marks only (no dashes or ellipses), as characters, not HTML entities.
    return str(smartypants.smartypants(text, smartypants.Attr.q | smartypants.Attr.u))


def _french(text: str) -> str:
    """French marks: ’ for every straight apostrophe; « » (“ ” within them) for double
    quotation marks, straight or English."""
    text = text.replace("'", "\u2019")
    out = []
    depth = 0
    for index, char in enumerate(text):
        if char in "«»":
            depth = depth + 1 if char == "«" else max(depth - 1, 0)
        if char not in '"\u201c\u201d':
            out.append(char)
            continue
        before = text[index - 1] if index else " "
        opening = char == "\u201c" or (char == '"' and (before.isspace() or before in "([{«—–-/"))
        if opening:
            out.append(f"«{NBSP}" if depth == 0 else "\u201c")
            depth += 1
        else:
            depth = max(depth - 1, 0)
            out.append(f"{NBSP}»" if depth == 0 else "\u201d")
    spaced = _FRENCH_OPEN.sub(f"«{NBSP}", "".join(out))
    return _FRENCH_CLOSE.sub(f"{NBSP}»", spaced)


def typeset_citation(citation: Citation, lang: str) -> Citation:
    """A citation with its text typeset (see :func:`typeset`); links keep their address."""
    return tuple(
        segment if segment.url else replace(segment, text=typeset(segment.text, lang))
        for segment in citation
    )


def typeset_all(texts: Iterable[str], lang: str) -> list[str]:
    """Each of ``texts`` typeset."""
    return [typeset(text, lang) for text in texts]
