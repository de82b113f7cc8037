"""PDF: the brief on paper, typeset by WeasyPrint from the paged HTML.

Notes are CSS footnotes at the bottom of the page that calls them, numbered
as the brief numbered them. With a page limit, facts are left out, lowest
priority first (:meth:`BriefRecipe.drop_order`), until the brief fits: the
layout of each attempt tells how much overflows and how much room each fact
takes (its bullets and its footnotes), so enough facts go in one step and a
second step is rarely needed. Type is never made smaller to fit.

WeasyPrint is imported here, when a PDF is made: it takes half a second
(:mod:`briefgen.renderers.native` keeps it from taking more).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.brief import Brief, BriefRecipe, Item
from briefgen.cite import plain_text
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
    if recipe is None or pages == 0:
        layout = typesetter.layout(brief)
        fitted: tuple[Brief, Any, tuple[Fact, ...], int] = (brief, layout, (), len(layout.pages))
    else:
        fitted = _Fitting(recipe, typesetter, pages, brief).run()
    brief, layout, omitted, needed = fitted
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
    from briefgen.renderers.native import import_weasyprint

    try:
        return import_weasyprint()
    except OSError:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig when it is imported.
        raise RenderError(PANGO_MISSING) from None


# A first guess at the built-in template's proportions, in CSS px as WeasyPrint
# measures, before a layout says better: the height a character of body text
# takes; the same for notes (smaller type on longer lines); the cost of a
# line's ragged end; what the title and the summary take; what a heading or a
# table head takes; the height of a page inside its margins. A user's
# template is measured by the first layout like the built-in one.
_PX_PER_CHAR = 0.20
_NOTE_FACTOR = 0.52
_ITEM_CHARS = 40
_NOTE_CHARS = 30
_FIXED_PX = 280.0
_HEADING_PX = 45.0
_PAGE_PX = {"a4": 990.0, "letter": 924.0}
_MAX_LAYOUTS = 4
_FILL_CANDIDATES = 40
# A bullet whose note does not fit at the foot of a page goes to the next page
# with its note, leaving a gap: estimates aim a little short of the page.
_SAFETY = 0.94
# A page this full is not laid out again to squeeze in one more small fact.
_FULL_ENOUGH = 0.88


class _Fitting:
    """Chooses the facts that fill ``pages`` pages, and checks the choice by laying it out.

    Facts are taken in order of importance (the reverse of the recipe's drop
    order). A choice is judged by building its brief, which is quick, and
    estimating the brief's height from the length of its text and notes and
    its headings; each layout measures the real height and corrects the
    estimate's scale. The first choice is the longest run of facts whose
    estimate fits, filled up with smaller facts further down the order that
    fit too (never passing over a key point); while a layout overflows, the
    run is shortened. A choice that fits but leaves the page well short is
    filled again at the measured scale, and that is kept if it fits too: most
    briefs take one layout, some two. If even the key points do not fit,
    they are printed on more pages, and the caller says so.
    """

    def __init__(self, recipe: BriefRecipe, typesetter: _Typesetter, pages: int, brief: Brief):
        self.recipe = recipe
        self.typesetter = typesetter
        self.pages = pages
        self.ranked = recipe.drop_order()[::-1]
        self.key_points = {item.fact.id for item in brief.key_points}
        self.px_per_unit = _PX_PER_CHAR
        self.room = pages * _PAGE_PX.get(typesetter.paper, _PAGE_PX["a4"])
        self._briefs: dict[frozenset[str], Brief] = {}

    def brief_of(self, chosen: frozenset[str]) -> Brief:
        if chosen not in self._briefs:
            omit = {f.id for f in self.ranked if f.id not in chosen}
            self._briefs[chosen] = self.recipe.build(omit=omit)
        return self._briefs[chosen]

    def estimate(self, chosen: frozenset[str], scale: float | None = None) -> float:
        units, headings = _size(self.brief_of(chosen))
        return _FIXED_PX + headings * _HEADING_PX + units * (scale or self.px_per_unit)

    def prefix(self, below: int | None = None) -> frozenset[str]:
        """The longest run of the most important facts whose estimate fits (key points at least)."""
        ids = [f.id for f in self.ranked]
        minimum = sum(1 for i in ids if i in self.key_points)
        low, high = minimum, len(ids) if below is None else max(minimum, below - 1)
        while low < high:  # the largest length that fits, by bisection
            middle = (low + high + 1) // 2
            if self.estimate(frozenset(ids[:middle])) <= self.room * _SAFETY:
                low = middle
            else:
                high = middle - 1
        return frozenset(ids[: max(low, minimum)])

    def run(self) -> tuple[Brief, Any, tuple[Fact, ...], int]:
        chosen = self.fill(self.prefix())
        layout = self.attempt(chosen)
        tries = 1
        while len(layout.pages) > self.pages and tries < _MAX_LAYOUTS:
            shorter = self.prefix(below=len(chosen))
            if len(shorter) >= len(chosen):
                break  # only key points are left, and they do not fit
            chosen = shorter
            layout = self.attempt(chosen)
            tries += 1
        brief = self.brief_of(chosen)
        used = self.room + _overflow(layout, self.pages)
        if (
            len(layout.pages) <= self.pages
            and tries < _MAX_LAYOUTS
            and used < _FULL_ENOUGH * self.room
        ):
            fuller = self.fill(chosen)
            if fuller != chosen:
                fuller_layout = self.attempt(fuller)
                if len(fuller_layout.pages) <= self.pages:
                    brief, layout = self.brief_of(fuller), fuller_layout
        shown = {f.id for f in brief.facts}
        omitted = tuple(f for f in self.ranked[::-1] if f.id not in shown)
        return brief, layout, omitted, self.pages_needed()

    def attempt(self, chosen: frozenset[str]) -> Any:
        """Lay out the brief of ``chosen`` and correct the estimate's scale by it."""
        brief = self.brief_of(chosen)
        layout = self.typesetter.layout(brief)
        self.room = sum(float(page._page_box.height) for page in layout.pages[: self.pages])
        units, headings = _size(brief)
        content = sum(_used_height(page) for page in layout.pages)
        if len(layout.pages) > self.pages:
            # A note pushed to the next page leaves a gap at the foot: count it.
            content = self.room + _overflow(layout, self.pages)
        if units:
            self.px_per_unit = max(0.01, content - _FIXED_PX - headings * _HEADING_PX) / units
        return layout

    def fill(self, chosen: frozenset[str]) -> frozenset[str]:
        """``chosen`` and the facts left out that the room left can take, by importance."""
        kept = chosen
        left_out = [f for f in self.ranked if f.id not in chosen][:_FILL_CANDIDATES]
        # The scale measured on the facts laid out may flatter the ones added: the
        # fill, which costs a layout to check, takes the more cautious of the two.
        scale = max(self.px_per_unit, _PX_PER_CHAR)
        # No fact takes less than a bullet's ragged end and one short note.
        smallest = scale * (_ITEM_CHARS + _NOTE_FACTOR * _NOTE_CHARS)
        slack = self.room * _SAFETY - self.estimate(kept, scale)
        for fact in left_out:
            if slack < smallest:
                break
            fuller = kept | {fact.id}
            estimate = self.estimate(fuller, scale)
            if estimate <= self.room * _SAFETY:
                kept, slack = fuller, self.room * _SAFETY - estimate
            elif fact.id in self.key_points:
                break
        return kept

    def pages_needed(self) -> int:
        """The pages every fact would take, at the estimate's last scale."""
        total = self.estimate(frozenset(f.id for f in self.ranked))
        per_page = self.room / self.pages
        return max(self.pages + 1, -(-int(total) // int(per_page)))


def _size(brief: Brief) -> tuple[float, int]:
    """How much room a brief's facts take, in characters of body text, and its headings."""
    notes = {note.number: note for note in brief.notes}
    units = 0.0

    def add(item: Item, narrow: bool) -> None:
        nonlocal units
        units += len(item.text) * (2 if narrow else 1) + _ITEM_CHARS  # narrow: a table cell
        for number in item.notes:
            units += _NOTE_FACTOR * (len(plain_text(notes[number].citation)) + _NOTE_CHARS)

    for item in brief.key_points:
        add(item, narrow=False)
    for section in brief.sections:
        for item in section.items:
            add(item, narrow=False)
    for group in brief.estimates:
        for row in group.rows:
            add(row.item, narrow=True)
    for pair in brief.contradictions:
        add(pair.left, narrow=True)
        add(pair.right, narrow=True)
    headings = len(brief.sections) + 2 * len(brief.estimates) + bool(brief.contradictions)
    return units, headings + bool(brief.key_points)


def _overflow(layout: Any, pages: int) -> float:
    """How much content lies beyond page ``pages``, less the room left on the pages before."""
    beyond = sum(_used_height(page) for page in layout.pages[pages:])
    room = sum(page._page_box.height - _used_height(page) for page in layout.pages[:pages])
    return beyond - room


def _used_height(page: Any) -> float:
    root, footnotes = page._page_box.children[:2]
    return float(root.margin_height() + (footnotes.margin_height() if footnotes.children else 0))
