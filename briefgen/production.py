"""Production: one call from a recipe to a finished document: fit, build, render.

:func:`produce` is what ``briefgen brief`` does, as a library call: it fits
the brief to its length (:mod:`briefgen.fitting`, the same facts in every
format), renders it, and says what it left out and what the reader should
know. The command line only maps its flags to a :class:`RenderOptions`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.brief import Brief, BriefRecipe
from briefgen.errors import as_flags, as_keys, setting
from briefgen.model import Fact
from briefgen.renderers.options import Mail, RenderOptions, Terminal, needs_layout

__all__ = ["Mail", "Product", "RenderOptions", "Terminal", "omitted_warning", "produce"]

if TYPE_CHECKING:
    from briefgen.renderers.pdf import Typesetter


@dataclass(frozen=True)
class Product:
    """A rendered brief, and what a caller should tell its reader."""

    data: str | bytes
    brief: Brief  # as rendered, facts left out
    omitted: tuple[Fact, ...]  # least important first
    pages: int | None  # the PDF's pages; None for formats without pages
    pages_needed: int  # the pages every fact would take (0 when nothing was left out)
    # Lines for the reader of stderr: what was left out, and anything amiss ("warning: …"),
    # naming settings as errors do (see briefgen.errors.setting).
    notices: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices, settings named as keys of briefgen.toml (``pages = 2``)."""
        return tuple(as_keys(notice) for notice in self.notices)

    def warnings_for_command_line(self) -> tuple[str, ...]:
        """The notices, settings named by their flags (``--pages 2``)."""
        return tuple(as_flags(notice) for notice in self.notices)


# Typesetters by paper, PDF variant and template directory: see :func:`produce`.
Typesetters = MutableMapping[tuple[str, str | None, Path | None], "Typesetter"]


def produce(
    recipe: BriefRecipe,
    fmt: str,
    options: RenderOptions | None = None,
    typesetters: Typesetters | None = None,
) -> Product:
    """The brief of ``recipe`` as ``fmt`` (see :data:`briefgen.renderers.FORMATS`).

    ``typesetters`` keeps the PDF typesetters made, for the next calls to use
    again: a run that makes many PDFs loads WeasyPrint's fonts once per paper.
    """
    options = options or RenderOptions()
    if needs_layout(fmt, options):
        return _produce_pdf(recipe, fmt, options, typesetters)
    from briefgen.fitcache import fit
    from briefgen.renderers import render

    fitted = fit(recipe, options.pages, options.paper)
    warnings = [omitted_warning(fitted.omitted, options.pages, fitted.pages_needed)]
    data = render(fitted.brief, fmt, options)
    return Product(
        data, fitted.brief, fitted.omitted, None, fitted.pages_needed, _present(warnings)
    )


def _produce_pdf(
    recipe: BriefRecipe, fmt: str, options: RenderOptions, typesetters: Typesetters | None
) -> Product:
    """A PDF, or a message with the PDF attached: its text and HTML parts are the
    brief as the PDF prints it."""
    from briefgen.fitcache import fit
    from briefgen.fitting import fit_pdf

    key = (options.paper, options.pdf_variant, options.template_dir)
    typesetter = typesetters.get(key) if typesetters is not None else None
    if typesetter is None:
        from briefgen.renderers.pdf import Typesetter

        typesetter = Typesetter(*key)
        if typesetters is not None:
            typesetters[key] = typesetter
    fitted = fit_pdf(
        recipe,
        pages=options.pages,
        paper=options.paper,
        variant=options.pdf_variant,
        template_dir=options.template_dir,
        typesetter=typesetter,
        # The estimate's choice, kept as for the other formats: the layout confirms it.
        chosen=fit(recipe, options.pages, options.paper),
    )
    data: str | bytes = fitted.data
    if fmt == "eml":
        from briefgen.renderers.eml import render_eml

        data = render_eml(fitted.brief, options, pdf=fitted.data)
    warnings = [
        f"warning: not read: {url} (a PDF reads only data: URLs and its own fonts)"
        for url in fitted.refused
    ]
    warnings.append(omitted_warning(fitted.omitted, options.pages, fitted.pages_needed))
    if fitted.trimmed:
        warnings.append(
            f"warning: the layout left out {fitted.trimmed} more fact{'s' if fitted.trimmed != 1 else ''} "
            "than the other formats would (a template of your own?)"
        )
    if options.pages and fitted.pages > options.pages:
        warnings.append(
            f"warning: the brief takes {fitted.pages} pages, more than "
            f"{setting('pages', str(options.pages))}"
        )
    return Product(
        data,
        fitted.brief,
        fitted.omitted,
        fitted.pages,
        fitted.pages_needed,
        _present(warnings),
    )


# The facts an omission notice names; the others it counts.
OMITTED_NAMED = 3


def omitted_warning(omitted: tuple[Fact, ...], pages: int, pages_needed: int) -> str:
    """``5 facts omitted to fit 1 page: a, b, c and 2 more (listed in --format json);
    use --pages 2 to include them`` ("" if none): the least important named first."""
    if not omitted:
        return ""
    count = len(omitted)
    shown = ", ".join(fact.id for fact in omitted[:OMITTED_NAMED])
    if count > OMITTED_NAMED:
        shown += f" and {count - OMITTED_NAMED} more (listed in {setting('format', 'json')})"
    return (
        f"{count} fact{'s' if count != 1 else ''} omitted to fit {pages} "
        f"page{'s' if pages != 1 else ''}: {shown}; use {setting('pages', str(pages_needed))} "
        f"to include {'them' if count != 1 else 'it'}"
    )


def _present(warnings: list[str]) -> tuple[str, ...]:
    return tuple(w for w in warnings if w)
