"""Citation styles, by the name ``brief --style`` takes.

The registry names each style's module and class, and a style is imported
when first asked for, so that the command line can list the names without
loading the fact model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.cite import CitationStyle

# style name -> (module, class)
STYLES = {
    "iso690": ("briefgen.styles.iso690", "Iso690Style"),
    "chicago": ("briefgen.styles.chicago", "ChicagoStyle"),
}
STYLE_NAMES = tuple(STYLES)
DEFAULT_STYLE = "iso690"


def get_style(name: str) -> CitationStyle:
    """The citation style called ``name`` (one of :data:`STYLE_NAMES`)."""
    if name not in STYLES:
        from briefgen.errors import UsageError

        raise UsageError(f"unknown citation style {name!r}; known: {', '.join(STYLE_NAMES)}")
    module, cls = STYLES[name]
    style: CitationStyle = getattr(import_module(module), cls)()
    return style
