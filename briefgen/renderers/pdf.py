"""PDF: the brief on paper, typeset by WeasyPrint from the paged HTML.

Notes are CSS footnotes at the bottom of the page that calls them, numbered
as the brief numbered them. With a page limit, facts are left out, lowest
priority first (:meth:`BriefRecipe.drop_order`), until the brief fits: the
layout of each attempt tells how much overflows and how much room each fact
takes (its bullets and its footnotes), so enough facts go in one step and a
second step is rarely needed. Type is never made smaller to fit.

WeasyPrint is imported here, when a PDF is made: it takes most of a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.brief import Brief, BriefRecipe
from briefgen.errors import RenderError
from briefgen.model import Fact
from briefgen.paths import package_data
from briefgen.renderers.html import brief_html

PANGO_MISSING = (
    "PDF output needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)


@dataclass(frozen=True)
class FittedPdf:
    """A PDF brief and how it was fitted to its pages."""

    data: bytes
    brief: Brief  # as printed, after leaving facts out
    pages: int
    pages_needed: int  # the pages the brief takes with every fact
    omitted: tuple[Fact, ...]  # in the order they were left out
    refused: tuple[str, ...]  # URLs the document named and was not allowed to read


def render_pdf(
    brief: Brief,
    *,
    pages: int = 1,
    paper: str = "a4",
    variant: str | None = None,
    template_dir: Path | None = None,
    recipe: BriefRecipe | None = None,
) -> bytes:
    """The brief as PDF bytes; see :func:`fit_pdf`."""
    return fit_pdf(
        brief, pages=pages, paper=paper, variant=variant, template_dir=template_dir, recipe=recipe
    ).data


def fit_pdf(
    brief: Brief,
    *,
    pages: int = 1,
    paper: str = "a4",
    variant: str | None = None,
    template_dir: Path | None = None,
    recipe: BriefRecipe | None = None,
) -> FittedPdf:
    """Typeset ``brief`` on at most ``pages`` pages (0: no limit) of ``paper`` (a4, letter).

    ``recipe`` is what ``brief`` was built from; without it the brief is
    printed whole, however many pages it takes. ``variant`` is a WeasyPrint
    PDF variant, e.g. ``pdf/ua-1`` (tagged, accessible) or ``pdf/a-3b``.
    """
    typesetter = _Typesetter(paper, variant, template_dir)
    layout = typesetter.layout(brief)
    needed = len(layout.pages)
    omitted: tuple[Fact, ...] = ()
    if recipe is not None and 0 < pages < needed:
        brief, layout, omitted = _fit(recipe, brief, layout, pages, typesetter)
    data = layout.write_pdf(pdf_variant=variant, pdf_identifier=True)
    refused = tuple(dict.fromkeys(typesetter.fetcher.refused))  # each layout asks again
    return FittedPdf(data, brief, len(layout.pages), needed, omitted, refused)


class _Typesetter:
    """Lays out briefs with WeasyPrint, reading only briefgen's own files."""

    def __init__(self, paper: str, variant: str | None, template_dir: Path | None) -> None:
        self.weasyprint = _import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        from briefgen.renderers.fetcher import PackageFetcher

        root = package_data("templates")
        self.base_url = root.as_uri() + "/"
        self.fetcher = PackageFetcher(root)
        # One font configuration for every attempt at fitting: the fonts are
        # loaded once, and text already shaped is not shaped again.
        self.font_config = FontConfiguration()
        self.paper = paper
        self.variant = variant
        self.template_dir = template_dir

    def layout(self, brief: Brief) -> Any:
        """WeasyPrint's Document: the brief laid out in pages, not yet written."""
        html = brief_html(brief, paged=True, paper=self.paper, template_dir=self.template_dir)
        document = self.weasyprint.HTML(
            string=html, base_url=self.base_url, url_fetcher=self.fetcher
        )
        return document.render(font_config=self.font_config, pdf_variant=self.variant)


def _import_weasyprint() -> Any:
    try:
        import weasyprint
    except OSError:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig when it is imported.
        raise RenderError(PANGO_MISSING) from None
    return weasyprint


def _fit(
    recipe: BriefRecipe, brief: Brief, layout: Any, pages: int, typesetter: _Typesetter
) -> tuple[Brief, Any, tuple[Fact, ...]]:
    """Leave out facts in the recipe's drop order until the brief fits on ``pages``.

    Each step leaves out as many facts as the overflow measures. The estimate
    may leave out one or two too many (a section heading or a table goes
    with its last fact), so a last step puts back the facts that the room
    left over seems to take, if the layout confirms they fit.
    """
    order = recipe.drop_order()
    dropped = 0
    heights: _FactHeights | None = None
    while len(layout.pages) > pages and dropped < len(order):
        overflow = _overflow(layout, pages)
        heights = _FactHeights(layout, brief, len(order) - dropped)
        freed = 0.0
        count = dropped
        while count < len(order) and (count == dropped or freed < overflow):
            freed += heights.freed_by(order[count].id)
            count += 1
        dropped = count
        brief = recipe.build(omit={fact.id for fact in order[:dropped]})
        layout = typesetter.layout(brief)
    if heights is None:
        return brief, layout, ()
    room = -_overflow(layout, pages)
    restorable = 0
    while restorable < dropped and heights.needed_by(order[dropped - restorable - 1].id) < room:
        room -= heights.needed_by(order[dropped - restorable - 1].id)
        restorable += 1
    # Near the end of a page the estimate is least sure: if all of them do
    # not fit, half of them may.
    for count in dict.fromkeys(n for n in (restorable, restorable // 2) if n > 0):
        fuller = recipe.build(omit={fact.id for fact in order[: dropped - count]})
        fuller_layout = typesetter.layout(fuller)
        if len(fuller_layout.pages) <= pages:
            brief, layout, dropped = fuller, fuller_layout, dropped - count
            break
    return brief, layout, order[:dropped]


class _FactHeights:
    """The height each fact takes in a layout: its bullets, table rows and footnotes.

    Facts are found by the ``data-fact`` attribute of their elements and notes
    by ``data-note``. What belongs to no fact (headings, table heads, space
    left at the foot of a page) is shared out in proportion, so that the
    heights add up to the whole content. A template without these attributes
    gets an equal share for each fact.
    """

    def __init__(self, layout: Any, brief: Brief, facts: int) -> None:
        fact_of_note = {note.number: note.fact_id for note in brief.notes}
        self.heights: dict[str, float] = defaultdict(float)
        for page in layout.pages:
            root, footnotes = page._page_box.children[:2]
            for box in _fact_boxes(root):
                self.heights[box.element.get("data-fact")] += box.margin_height()
            for footnote in footnotes.children:
                element = footnote.element
                number = (element.get("data-note") if element is not None else None) or ""
                if number.isdigit() and int(number) in fact_of_note:
                    self.heights[fact_of_note[int(number)]] += footnote.margin_height()
        content = sum(_used_height(page) for page in layout.pages)
        measured = sum(self.heights.values())
        self.scale = content / measured if measured else 1.0
        self.typical = measured / len(self.heights) if self.heights else content / max(facts, 1)

    def freed_by(self, fact_id: str) -> float:
        """The room leaving the fact out gives back, with its share of headings and gaps."""
        return self.heights.get(fact_id, self.typical) * self.scale

    def needed_by(self, fact_id: str) -> float:
        """The room the fact's own boxes take (to put back a fact left out)."""
        return self.heights.get(fact_id, self.typical)


def _overflow(layout: Any, pages: int) -> float:
    """How much content lies beyond page ``pages``, less the room left on the pages before."""
    beyond = sum(_used_height(page) for page in layout.pages[pages:])
    room = sum(page._page_box.height - _used_height(page) for page in layout.pages[:pages])
    return beyond - room


def _used_height(page: Any) -> float:
    root, footnotes = page._page_box.children[:2]
    return float(root.margin_height() + (footnotes.margin_height() if footnotes.children else 0))


def _fact_boxes(box: Any) -> Iterator[Any]:
    """The outermost boxes of elements marked ``data-fact``."""
    element = getattr(box, "element", None)
    if element is not None and element.get("data-fact"):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _fact_boxes(child)
