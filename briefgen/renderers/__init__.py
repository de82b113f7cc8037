"""Renderers: one module per output format, each drawing a :class:`~briefgen.brief.Brief`.

Renderers never read facts or number notes; they only lay out what the brief
holds. Heavy libraries (rich, jinja2, weasyprint) are imported by the
renderer that needs them, when it is called.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from briefgen.paper import PAPER_SIZES as PAPER_SIZES

if TYPE_CHECKING:
    from briefgen.brief import Brief
    from briefgen.renderers.options import RenderOptions

# format name -> (module, function); binary formats return bytes
RENDERERS = {
    "term": ("briefgen.renderers.terminal", "render_terminal"),
    "md": ("briefgen.renderers.markdown", "render_markdown"),
    "html": ("briefgen.renderers.html", "render_html"),
    "pdf": ("briefgen.renderers.pdf", "render_pdf"),
    "json": ("briefgen.renderers.json", "render_json"),
    "docx": ("briefgen.renderers.docx", "render_docx"),
    "eml": ("briefgen.renderers.eml", "render_eml"),
}
FORMATS = tuple(RENDERERS)
# WeasyPrint's names: tagged and accessible; archival.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "term",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".eml": "eml",
}
# Formats that are not text: never written to a terminal.
BINARY_FORMATS = ("pdf", "docx")

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def render(brief: Brief, fmt: str, options: RenderOptions | None = None) -> str | bytes:
    """Render ``brief`` as ``fmt`` (one of :data:`FORMATS`), whole: fitting a length is
    done before (see :func:`briefgen.production.produce`)."""
    from briefgen.renderers.options import RenderOptions

    module, function = RENDERERS[fmt]
    renderer: Any = getattr(import_module(module), function)
    result: str | bytes = renderer(brief, options or RenderOptions())
    return result


def superscript(numbers: tuple[int, ...]) -> str:
    """Note markers for plain text: ``¹·²``."""
    return "·".join(str(n).translate(SUPERSCRIPT) for n in numbers)
