"""briefgen: turn a curated, cited fact base into footnoted briefing notes.

The library API mirrors the command line::

    from briefgen import BriefRecipe, load, produce, select_facts, Selection

    base = load("facts")
    facts = select_facts(base, Selection(themes=("military",)))
    print(produce(BriefRecipe(base, tuple(facts), ("military",)), "md").data)

Names are imported lazily so that ``briefgen --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefgen.version import __version__

_API = {
    "Brief": "briefgen.brief",
    "load": "briefgen.store",
    "FactBase": "briefgen.model",
    "Fact": "briefgen.model",
    "Source": "briefgen.model",
    "Theme": "briefgen.model",
    "PartialDate": "briefgen.model",
    "Selection": "briefgen.query",
    "select_facts": "briefgen.query",
    "BriefOptions": "briefgen.brief",
    "BriefRecipe": "briefgen.brief",
    "BriefRequest": "briefgen.request",
    "build_brief": "briefgen.brief",
    "render": "briefgen.renderers",
    "produce": "briefgen.production",
    "Product": "briefgen.production",
    "RenderOptions": "briefgen.renderers.options",
    "Terminal": "briefgen.renderers.options",
    "BriefgenError": "briefgen.errors",
}

__all__ = [
    "Brief",
    "BriefOptions",
    "BriefRecipe",
    "BriefRequest",
    "BriefgenError",
    "Fact",
    "FactBase",
    "PartialDate",
    "Product",
    "RenderOptions",
    "Selection",
    "Source",
    "Terminal",
    "Theme",
    "__version__",
    "build_brief",
    "load",
    "produce",
    "render",
    "select_facts",
]

if TYPE_CHECKING:
    from briefgen.brief import Brief, BriefOptions, BriefRecipe, build_brief
    from briefgen.errors import BriefgenError
    from briefgen.model import Fact, FactBase, PartialDate, Source, Theme
    from briefgen.production import Product, produce
    from briefgen.query import Selection, select_facts
    from briefgen.renderers import render
    from briefgen.renderers.options import RenderOptions, Terminal
    from briefgen.request import BriefRequest
    from briefgen.store import load


def __getattr__(name: str) -> Any:
    module_name = _API.get(name)
    if module_name is None:
        raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
