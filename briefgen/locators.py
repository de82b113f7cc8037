"""Locators: where in a work a fact is found, read from the ``locator`` of a source reference.

A fact file writes a locator as text (``"§7"``, ``"§7, n. 7"``, ``"p. 12"``,
``"n. 5"``), and this module reads the kind of each place from it, with the
CSL locator labels (``paragraph``, ``page``, ``note``…), so that a citation
style can write it in its own words: ``para. 7`` in English, ``§ 7`` in
French. The grammar, case-insensitive:

    locator := part (", " part)*
    part    := [label] value

where ``label`` is one of the spellings of :data:`SPELLINGS` (``§``, ``p.``,
``para.``, ``n.``, ``sec.``, ``chap.``…, or a label spelled out: ``page``,
``paragraph``, ``section``, ``note``…) and ``value`` is what follows it
(``7``, ``211-214``, ``xii``). A number without a label is a page, as in
CSL, or one more value of the part before it (``pp. 3, 5``). Any other part
(``Annex``) has no label and is printed as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# CSL locator label -> how a fact file may write it (singular and plural forms).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "paragraph": ("§", "§§", "¶", "¶¶", "para.", "paras.", "paragraph", "paragraphs"),
    "page": ("p.", "pp.", "page", "pages"),
    "note": ("n.", "nn.", "note", "notes"),
    "section": ("sec.", "secs.", "sect.", "section", "sections"),
    "chapter": ("ch.", "chap.", "chaps.", "chapter", "chapters"),
    "article-locator": ("art.", "arts.", "article", "articles"),
    "figure": ("fig.", "figs.", "figure", "figures"),
    "table": ("table", "tables"),
    "line": ("l.", "ll.", "line", "lines"),
    "volume": ("vol.", "vols.", "volume", "volumes"),
}

_LABEL_OF = {spelling: label for label, spellings in SPELLINGS.items() for spelling in spellings}
# Signs and abbreviations may touch their value ("§7", "p.12"); words need a space.
_SIGNS = sorted((s for s in _LABEL_OF if not s.isalpha()), key=len, reverse=True)
_WORDS = sorted((s for s in _LABEL_OF if s.isalpha()), key=len, reverse=True)
_PART = re.compile(
    rf"^(?:(?P<sign>{'|'.join(map(re.escape, _SIGNS))})\s*|(?P<word>{'|'.join(_WORDS)})\s+)"
    r"(?P<value>\S.*)$",
    re.IGNORECASE,
)
# A bare number, roman numeral or range of them: a page, or one more value of the part before.
_BARE = re.compile(r"^[0-9ivxlcdm]+(?:\s*[-–]\s*[0-9ivxlcdm]+)?$", re.IGNORECASE)
# A value naming several places: a range or a list.
_SEVERAL = re.compile(r"[-–,&]| and | et ")


@dataclass(frozen=True)
class LocatorPart:
    """One place: a CSL locator ``label`` (None when the text names no kind) and its ``value``."""

    label: str | None
    value: str

    @property
    def plural(self) -> bool:
        """Whether the value names several places (``211-214``, ``3, 5``)."""
        return bool(_SEVERAL.search(self.value))


@dataclass(frozen=True)
class Locator:
    """A place in a work, as parts from the largest to the smallest: ``§7, n. 7``."""

    text: str  # as the fact file writes it
    parts: tuple[LocatorPart, ...]

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=4096)
def parse_locator(text: str) -> Locator:
    """The :class:`Locator` that ``text`` writes (see the grammar above)."""
    parts: list[LocatorPart] = []
    for piece in (p.strip() for p in text.split(", ")):
        if not piece:
            continue
        match = _PART.match(piece)
        if match:
            spelling = (match["sign"] or match["word"]).lower()
            parts.append(LocatorPart(_LABEL_OF[spelling], match["value"].strip()))
        elif _BARE.match(piece):
            if parts and parts[-1].label is not None:
                # "pp. 3, 5": one more page of the part before.
                parts[-1] = LocatorPart(parts[-1].label, f"{parts[-1].value}, {piece}")
            else:
                parts.append(LocatorPart("page", piece))
        else:
            parts.append(LocatorPart(None, piece))
    return Locator(text, tuple(parts))
