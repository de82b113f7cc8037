"""``themes``, ``facts`` and ``sources``: what the fact base holds, as tables or files."""

from __future__ import annotations

from typing import Any

import click

from briefgen.commands.importing import import_sources
from briefgen.commands.options import (
    Command,
    Group,
    Settings,
    check_lang,
    echo,
    format_option,
    lang_option,
    nothing_matched,
    pass_settings,
    selection,
    selection_options,
)


@click.command(cls=Command)
@format_option("table", "json", "md")
@lang_option
@pass_settings
def themes(settings: Settings, fmt: str, lang: str) -> None:
    """List the themes, with their number of facts."""
    from briefgen.renderers.listing import render_themes

    base = settings.load()
    check_lang(base, lang)
    echo(render_themes(base, fmt, lang, settings.listing_terminal()))


@click.command(cls=Command)
@selection_options
@format_option("table", "json", "jsonl", "md", "csv")
@lang_option
@pass_settings
def facts(settings: Settings, fmt: str, lang: str, **kw: Any) -> None:
    """List facts, filtered by theme, kind, date, source or text."""
    from briefgen.output import write_stdout
    from briefgen.query import select_facts
    from briefgen.renderers.listing import iter_facts

    base = settings.load()
    check_lang(base, lang)
    selected = select_facts(base, selection(kw))
    if not selected:
        raise nothing_matched()
    write_stdout(iter_facts(base, selected, fmt, lang, settings.listing_terminal()))


@click.group(cls=Group, invoke_without_command=True)
@format_option(
    "table",
    "json",
    "md",
    "csl-json",
    "bibtex",
    help="Output format: a listing, or a bibliography file (csl-json for pandoc and Zotero, "
    "bibtex for biblatex).",
)
@lang_option
@pass_settings
@click.pass_context
def sources(ctx: click.Context, settings: Settings, fmt: str, lang: str) -> None:
    """List the sources, with their reliability grade and number of facts, or export them;
    'sources import FILE' adds sources from a CSL-JSON or BibTeX file."""
    if ctx.invoked_subcommand is not None:
        return
    base = settings.load()
    check_lang(base, lang)
    if fmt == "csl-json":
        from briefgen.export import render_csl_json

        # A file of one language: an institution named per language is named in ``lang``.
        echo(render_csl_json(base.sources.values(), lang))
    elif fmt == "bibtex":
        from briefgen.export import render_bibtex

        echo(render_bibtex(base.sources.values(), lang))
    else:
        from briefgen.renderers.listing import render_sources

        echo(render_sources(base, fmt, lang, settings.listing_terminal()))


sources.add_command(import_sources)
