"""Paper: the sheets a brief is laid out on, said once for every format.

The PDF's templates, its estimate of a page (:mod:`briefgen.pagemodel`) and
the Word document all take their sizes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4  # points in a millimetre


@dataclass(frozen=True)
class Sheet:
    """A paper size: its CSS name, and its width and height in millimetres and in points
    (the points as the standard gives them, not recomputed from the millimetres)."""

    css: str
    mm: tuple[float, float]
    pt: tuple[float, float]


SHEETS = {
    "a4": Sheet("A4", (210.0, 297.0), (595.28, 841.89)),
    "letter": Sheet("letter", (215.9, 279.4), (612.0, 792.0)),
}
PAPER_SIZES = tuple(SHEETS)


def sheet(paper: str) -> Sheet:
    """The sheet named ``paper``; A4 for a name it does not know."""
    return SHEETS.get(paper, SHEETS["a4"])


@dataclass(frozen=True)
class Paper:
    """The room inside the page margins of the built-in print template, in points."""

    width: float
    height: float


# Page size less the margins of templates/print.css (13mm top, 14mm bottom, 15mm sides).
PAPERS = {name: Paper(size.pt[0] - 30 * MM, size.pt[1] - 27 * MM) for name, size in SHEETS.items()}
