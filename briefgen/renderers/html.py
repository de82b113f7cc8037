"""HTML: the brief as a standalone web page, and the markup the PDF is made from.

Both come from one Jinja2 template, ``brief.html.j2`` in the package's
``templates/`` directory: on screen the notes are a numbered list at the end
with links back to the text; on paper (``paged=True``) each note is a CSS
footnote placed where it is called. A user's template directory may override
any template by name.

Every template runs in Jinja's sandbox with autoescaping: a fact's text is
always text, never markup, and a template cannot reach into Python.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from briefgen.brief import Brief
from briefgen.errors import RenderError, UsageError
from briefgen.labels import format_date, label
from briefgen.model import FOLDABLE_SPACE
from briefgen.pagemodel import PageModel, runs_heads_in
from briefgen.paper import sheet
from briefgen.paths import package_data
from briefgen.version import __version__

if TYPE_CHECKING:
    from briefgen.renderers.options import RenderOptions

TEMPLATE = "brief.html.j2"


def template_environment(template_dir: Path | None = None) -> SandboxedEnvironment:
    """The Jinja environment: the user's ``template_dir`` first, then the built-in templates."""
    loaders = [FileSystemLoader(package_data("templates"))]
    if template_dir is not None:
        if not template_dir.is_dir():
            raise UsageError(f"template directory not found: {template_dir}")
        loaders.insert(0, _TemplateDirectory(template_dir))
    environment = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Note text must stay on one line: in a CSS footnote a newline would
    # become a line break.
    environment.filters["one_line"] = lambda text: FOLDABLE_SPACE.sub(" ", str(text))
    environment.bytecode_cache = _bytecode_cache()
    return environment


class _TemplateDirectory(FileSystemLoader):
    """A user's template directory. A template that links outside it is refused, as a
    fact file linking out of its base is: a template directory passed around could
    otherwise put any file the user can read into a brief they then share."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.root = directory.resolve()

    def get_source(self, environment: Any, template: str) -> Any:
        import os

        from briefgen.reading import MAX_FILE_SIZE, Outside, Unreadable, read_inside

        # Checked before the file is opened: a link to /dev/zero must not be read at all,
        # nor a named pipe waited on, nor a file of gigabytes read whole.
        pieces = split_template_path(template)
        path = self.root.joinpath(*pieces)
        try:
            raw = read_inside(self.root, os.path.join(*pieces), MAX_FILE_SIZE)
        except Outside:
            # Not TemplateNotFound, which would quietly fall back to the built-in template.
            raise TemplateError(f"{template} links outside the template directory") from None
        except Unreadable as exc:
            raise TemplateError(f"{template}: {exc}") from None
        if raw is None:
            raise TemplateNotFound(template)
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateError(f"{template}: not valid UTF-8 text") from None
        mtime = os.path.getmtime(path)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return source, str(path), uptodate


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    # Compiled templates go beside the cached fact bases (a private directory),
    # which saves compiling them on every run.
    from briefgen import cache

    folder = cache.directory()
    if folder is None:
        return None
    try:
        (folder / "templates").mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder / "templates"))


def brief_html(
    brief: Brief,
    *,
    paged: bool = False,
    paper: str = "a4",
    template_dir: Path | None = None,
    spread: float = 0.0,
    notes_block: bool = False,
    one_page: bool = False,
) -> str:
    """The brief as an HTML document: for a screen, or (``paged``) for WeasyPrint.

    ``spread`` (in pt) is added below each section of a printed page, to share
    out the room the page has left (see :mod:`briefgen.fitting`). With
    ``notes_block``, for a brief on one page, the notes are one footnote at the
    foot of the page rather than one each: the same page, laid out in far less
    time (for templates that know it: see :func:`knows_notes_block`). A brief of
    ``one_page`` (for a screen; on paper, one with ``notes_block``) runs the heads
    of its sections in, as :class:`briefgen.pagemodel.PageModel` counts it.
    """
    environment = template_environment(template_dir)
    one_page = notes_block if paged else one_page
    context = {
        **_context(brief, paged, paper),
        "spread": round(spread, 2),
        "notes_block": paged and notes_block,
        "one_page": one_page,
        "run_in": runs_heads_in(brief, one_page),
    }
    try:
        return environment.get_template(TEMPLATE).render(context)
    except TemplateError as exc:
        raise RenderError(f"template {_template_position(exc)}: {exc}") from None
    except Exception as exc:  # what Python itself raises: {{ 1 / 0 }}, {{ "{0}".format_map({}) }}
        where = _template_position(exc)
        raise RenderError(f"template {where}: {type(exc).__name__}: {exc}") from exc


# The templates that lay the notes out: one of a user's own may know nothing of the
# one-footnote notes of a one-page brief (older than them, or written without them).
NOTES_TEMPLATES = (TEMPLATE, "print.css")


def knows_notes_block(template_dir: Path | None) -> bool:
    """Whether the templates (briefgen's, before those of ``template_dir``) lay out the
    notes of a one-page brief as one footnote: not if a user's own lays notes out."""
    return template_dir is None or not any(
        (template_dir / name).is_file() for name in NOTES_TEMPLATES
    )


def render_html(brief: Brief, options: RenderOptions | None = None) -> str:
    """The brief as a standalone web page (styles inline, nothing to fetch); printed from
    a browser, on the paper it was fitted to."""
    if options is None:
        return brief_html(brief)
    return brief_html(
        brief, paper=options.paper, template_dir=options.template_dir, one_page=options.pages == 1
    )


def document_subject(brief: Brief) -> str:
    """The PDF/HTML/Word subject: the subtitle, else the themes, else the title."""
    if brief.subtitle:
        return brief.subtitle
    themes = brief.theme_titles()
    return label(brief.lang, "themes", themes=", ".join(themes)) if themes else brief.title


def document_keywords(brief: Brief) -> list[str]:
    """The PDF/HTML keywords: the themes, then the tags of the facts shown."""
    tags = sorted({tag for fact in brief.facts for tag in fact.tags})
    return list(dict.fromkeys([*brief.theme_titles(), *tags]))


def _template_position(error: Exception) -> str:
    """``brief.html.j2:12``: where in which template ``error`` happened."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.name or TEMPLATE}:{error.lineno}"
    # Jinja rewrites the traceback of an error raised while rendering so that
    # its frames point at template lines; the innermost one is the culprit.
    position = TEMPLATE
    for frame, line in traceback.walk_tb(error.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            position = f"{Path(frame.f_code.co_filename).name}:{line}"
    return position


def _context(brief: Brief, paged: bool, paper: str) -> dict[str, Any]:
    lang = brief.lang
    themes = brief.theme_titles()
    return {
        "brief": brief,
        "paged": paged,
        "paper": sheet(paper).css,
        "charts": PageModel(paper).charts(brief),
        "notes": {note.number: note for note in brief.notes},
        "date": format_date(brief.date, lang),
        "themes": themes,
        "cutoff": (
            label(lang, "cutoff", date=format_date(brief.cutoff, lang)) if brief.cutoff else None
        ),
        "subject": document_subject(brief),
        "keywords": document_keywords(brief),
        "generator": f"briefgen {__version__}",
        "label": lambda key, **values: label(lang, key, **values),
    }
