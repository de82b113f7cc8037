"""Render options: how a brief is laid out and drawn, whatever its format.

A type below every renderer and above none (as pandoc's ``WriterOptions``):
the renderers read it, :mod:`briefgen.production` and the command line fill
it in, and no renderer imports the application.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Terminal:
    """What the terminal a brief is drawn for can do: its width, and whether it takes colour.

    Passed down to the renderer, which never reads the environment itself.
    """

    width: int = 80
    color: bool = False
    no_color: bool = False  # the reader asked for no colours ($NO_COLOR): styles only


@dataclass(frozen=True)
class Mail:
    """The envelope of a brief sent as a message (``eml``): who from, to whom, about what.

    ``subject`` None means the brief's title and date; ``attach_pdf`` adds the
    PDF of the same brief.
    """

    sender: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str | None = None
    attach_pdf: bool = False


@dataclass(frozen=True)
class RenderOptions:
    """How to lay out and render a brief, whatever its format.

    ``pages`` is the length the brief is fitted to (0: no limit), on pages
    of ``paper`` in every format: a Markdown brief holds the facts of the
    PDF of the same length. ``pdf_variant`` and ``template_dir`` concern
    the PDF (and ``template_dir`` the HTML); ``terminal`` the terminal;
    ``mail`` a message.
    """

    pages: int = 1
    paper: str = "a4"
    pdf_variant: str | None = None
    template_dir: Path | None = None
    terminal: Terminal = field(default_factory=Terminal)
    mail: Mail = field(default_factory=Mail)


def needs_layout(fmt: str, options: RenderOptions) -> bool:
    """Whether a brief of ``fmt`` needs the PDF's own layout (WeasyPrint): a PDF, or a
    message with its PDF attached. Said here once, for production, build and the CLI."""
    return fmt == "pdf" or (fmt == "eml" and options.mail.attach_pdf)
