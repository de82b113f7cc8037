"""PDF: the brief on paper, typeset by WeasyPrint from the paged HTML.

Notes are CSS footnotes at the bottom of the page that calls them, numbered
as the brief numbered them; on a brief of one page they are one footnote,
which WeasyPrint lays out once rather than once per note. Which facts a
brief of a given length holds is decided by :mod:`briefgen.fitting`, the
same for every format; this module only lays out and writes.

WeasyPrint is imported here, when a PDF is made: it takes half a second
(:mod:`briefgen.renderers.native` keeps it from taking more).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import RenderError
from briefgen.paths import package_data
from briefgen.renderers.html import brief_html, knows_notes_block

if TYPE_CHECKING:
    from briefgen.brief import Brief
    from briefgen.renderers.options import RenderOptions

PANGO_MISSING = (
    "PDF output needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)


def render_pdf(brief: Brief, options: RenderOptions) -> bytes:
    """The brief as PDF bytes, however many pages it takes (fitting is done before)."""
    typesetter = Typesetter(options.paper, options.pdf_variant, options.template_dir)
    return typesetter.write(typesetter.layout(brief))


class Typesetter:
    """Lays out briefs with WeasyPrint, reading only briefgen's own files."""

    def __init__(self, paper: str, variant: str | None, template_dir: Path | None) -> None:
        self.weasyprint = _import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        from briefgen.renderers.fetcher import PackageFetcher

        root = package_data("templates")
        self.base_url = root.as_uri() + "/"
        self.fetcher = PackageFetcher(root)
        # One font configuration for every layout: the fonts are loaded once, and
        # text already shaped is not shaped again.
        self.font_config = FontConfiguration()
        self.paper = paper
        self.variant = variant
        self.template_dir = template_dir
        # Whether a one-page brief's notes can be one footnote (see brief_html).
        self.notes_block = knows_notes_block(template_dir)

    def layout(self, brief: Brief, spread: float = 0.0, one_page: bool = False) -> Any:
        """WeasyPrint's Document: the brief laid out in pages, not yet written.

        ``spread`` pt are added below each section; ``one_page`` lays the notes
        out as one footnote, for a brief that is to fit one page, where
        :attr:`notes_block` says the templates can (see :func:`brief_html`):
        should it take more, lay it out again without.
        """
        html = brief_html(
            brief,
            paged=True,
            paper=self.paper,
            template_dir=self.template_dir,
            spread=spread,
            notes_block=one_page and self.notes_block,
        )
        document = self.weasyprint.HTML(
            string=html, base_url=self.base_url, url_fetcher=self.fetcher
        )
        return document.render(font_config=self.font_config, pdf_variant=self.variant)

    def write(self, layout: Any) -> bytes:
        data: bytes = layout.write_pdf(pdf_variant=self.variant, pdf_identifier=True)
        return data

    @staticmethod
    def overflow(layout: Any, pages: int) -> float:
        """How much content lies beyond page ``pages``, less the room left on the pages before."""
        beyond = sum(used_height(page) for page in layout.pages[pages:])
        room = sum(page._page_box.height - used_height(page) for page in layout.pages[:pages])
        return float(beyond - room)


def used_height(page: Any) -> float:
    """The height a laid-out page's body and footnotes take, in CSS px."""
    root, footnotes = page._page_box.children[:2]
    return float(root.margin_height() + (footnotes.margin_height() if footnotes.children else 0))


def _import_weasyprint() -> Any:
    from briefgen.renderers.native import import_weasyprint

    try:
        return import_weasyprint()
    except OSError:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig when it is imported.
        raise RenderError(PANGO_MISSING) from None
