"""The state of a live preview: the latest build of the base and its brief, the pages
made from it, and a way to wait for the next build (see :mod:`briefgen.preview`)."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import BriefgenError, InvalidFactBase, UsageError

if TYPE_CHECKING:
    from briefgen.brief import BriefOptions
    from briefgen.model import FactBase
    from briefgen.paragraphs import Paragraph, SourceText
    from briefgen.query import Selection
    from briefgen.renderers.options import RenderOptions
    from briefgen.request import BriefRequest

SCRIPT = "/__preview.js"
VERSION = "/__version"
# How long /__version holds a request open waiting for a new version.
POLL_SECONDS = 30.0


@dataclass(frozen=True)
class PreviewOptions:
    """What the preview shows: the brief ``briefgen brief`` would make of ``request``."""

    root: Path
    request: BriefRequest
    texts_dir: Path | None = None

    @property
    def selection(self) -> Selection:
        return self.request.selection

    @property
    def brief(self) -> BriefOptions:
        return self.request.brief

    @property
    def render(self) -> RenderOptions:
        return self.request.render


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Build:
    """The base and its brief as of one version, or the problems that stop them being built."""

    version: int
    base: FactBase | None
    brief: Page
    problems: tuple[str, ...] = ()


class Preview:
    """The latest build, rebuilt on demand, and a way to wait for the next one."""

    def __init__(self, options: PreviewOptions) -> None:
        self.options = options
        self.changed = threading.Condition()
        self.build = Build(0, None, Page(503, b""))
        self.when = ""
        # None: not known (the base could not be read), so stale until it can.
        self.fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self.rebuild()

    def stale(self) -> bool:
        """Whether a file of the base changed since the last build (or cannot be looked at)."""
        try:
            return fingerprint(self.options.root) != self.fingerprint
        except Exception:
            return True

    def rebuild(self) -> Build:
        """Load the base again and build its brief.

        The version goes up by one, unless the base still cannot be built for the same
        problems as before: the page a browser shows is then still the right one.
        """
        from briefgen.store import load

        version = self.build.version + 1
        when = dt.datetime.now().strftime("%H:%M:%S")
        try:
            self.fingerprint = fingerprint(self.options.root)
            base = load(self.options.root)
        except InvalidFactBase as exc:
            problems = tuple(str(p) for p in exc.problems)
        except BriefgenError as exc:
            problems = (str(exc),)
        except Exception as exc:  # an unreadable directory, no file descriptor left, ...
            self.fingerprint = None
            problems = (f"cannot read the base: {describe(exc)}",)
        else:
            self.when = when
            return self.publish(Build(version, base, self.brief_page(base, version)))
        if self.build.base is None and self.build.problems == problems:
            return self.build
        self.when = when
        return self.publish(Build(version, None, self.problems_page(problems, version), problems))

    def fail(self, problem: str) -> Build:
        """Show ``problem`` instead of the brief, until the next rebuild succeeds."""
        self.fingerprint = None
        if self.build.base is None and self.build.problems == (problem,):
            return self.build
        version = self.build.version + 1
        self.when = dt.datetime.now().strftime("%H:%M:%S")
        page = self.problems_page((problem,), version)
        return self.publish(Build(version, None, page, (problem,)))

    def publish(self, build: Build) -> Build:
        with self.changed:
            self.build = build
            self.changed.notify_all()
        return build

    def wait(self, version: int, timeout: float = POLL_SECONDS) -> int:
        """The current version, once it differs from ``version`` (or after ``timeout`` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.build.version != version, timeout=timeout)
            return self.build.version

    # -- pages -------------------------------------------------------------------------

    def brief_page(self, base: FactBase, version: int) -> Page:
        from briefgen.production import produce

        options = self.options
        try:
            recipe = options.request.prepare(base, options.root).recipe
            if not recipe.candidates():
                return self.message_page(
                    HTTPStatus.OK, "Nothing matches", "No fact matches the selection.", version
                )
            product = produce(recipe, "html", options.render)
        except BriefgenError as exc:
            return self.problems_page((str(exc),), version)
        assert isinstance(product.data, str)
        html = with_source_links(
            product.data, product.brief, lambda source_id: self.text_path(source_id, base)
        )
        return Page(HTTPStatus.OK, with_script(html, version).encode("utf-8"))

    def page(self, name: str, version: int, **context: Any) -> bytes:
        from briefgen.renderers.html import template_environment

        environment = template_environment(self.options.render.template_dir)
        template = environment.get_template(f"preview/{name}.html.j2")
        html = template.render(
            version=version,
            script=SCRIPT,
            lang=self.options.brief.lang,
            root=str(self.options.root),
            when=self.when,
            **context,
        )
        return html.encode("utf-8")

    def problems_page(self, problems: Iterable[str], version: int) -> Page:
        problems = list(problems)
        body = self.page("problems", version, problems=problems)
        return Page(HTTPStatus.INTERNAL_SERVER_ERROR, body)

    def message_page(self, status: int, title: str, message: str, version: int) -> Page:
        return Page(status, self.page("message", version, title=title, message=message))

    def facts_page(self, query: dict[str, list[str]]) -> Page:
        from briefgen.query import Selection, select_facts

        build = self.build
        if build.base is None:
            return build.brief
        base = build.base
        first = {
            key: values[0].strip() for key, values in query.items() if values and values[0].strip()
        }
        chosen = Selection(
            themes=tuple(v for v in query.get("theme", []) if v),
            kinds=tuple(v for v in query.get("kind", []) if v),
            source=first.get("source"),
            text=first.get("q"),
        )
        status = HTTPStatus.OK
        error = None
        try:
            chosen = replace(
                chosen,
                since=_date(first.get("since"), "since"),
                until=_date(first.get("until"), "until"),
            )
            facts = select_facts(base, chosen)
        except UsageError as exc:
            facts, error, status = [], str(exc), HTTPStatus.BAD_REQUEST
        lang = self.options.brief.lang
        rows = [fact_row(base, fact, lang) for fact in facts]
        body = self.page(
            "facts",
            build.version,
            base=base,
            rows=rows,
            error=error,
            chosen=first,
            themes=set(chosen.themes),
            kinds=set(chosen.kinds),
            total=len(base.facts),
        )
        return Page(status, body)

    def sources_page(self) -> Page:
        build = self.build
        if build.base is None:
            return build.brief
        base = build.base
        cited: dict[str, int] = {}
        for fact in base.facts:
            for source_id in {i for ref in fact.sources for i in (ref.ref, *ref.via)}:
                cited[source_id] = cited.get(source_id, 0) + 1
        texts = {s.id for s in base.sources.values() if self.text_path(s.id) is not None}
        body = self.page(
            "sources",
            build.version,
            base=base,
            sources=[s.in_language(self.options.brief.lang) for s in base.sources.values()],
            cited=cited,
            texts=texts,
        )
        return Page(HTTPStatus.OK, body)

    def text_path(self, source_id: str, base: FactBase | None = None) -> Path | None:
        """The local text of a source, if it is a file inside the texts directory."""
        base = base or self.build.base
        texts_dir = self.options.texts_dir
        if base is None or texts_dir is None or source_id not in base.sources:
            return None
        name = base.sources[source_id].text
        if name is None:
            return None
        path = (texts_dir / name).resolve()
        if not path.is_file() or not path.is_relative_to(texts_dir.resolve()):
            return None
        return texts_dir / name

    def source_page(self, source_id: str) -> Page | None:
        """A source's local text, its paragraphs numbered as locators count them."""
        from briefgen.paragraphs import SourceText

        build = self.build
        if build.base is None:
            return build.brief
        path = self.text_path(source_id)
        if path is None:
            return None
        base = build.base
        from briefgen.reading import Unreadable, read_text_inside

        # Read as verify reads it: never through a link out of the texts directory, and
        # no more than a fact file may hold.
        try:
            content = read_text_inside(path.parent, path.name, called="the texts directory")
        except Unreadable:
            return None
        if content is None:
            return None
        paragraphs = numbered_paragraphs(base, source_id, SourceText(content))
        source = base.sources[source_id]
        body = self.page(
            "text", build.version, source=source, file=path.name, paragraphs=paragraphs
        )
        return Page(HTTPStatus.OK, body)


def numbered_paragraphs(
    base: FactBase, source_id: str, text: SourceText
) -> list[tuple[Paragraph, int | None, list[str], bool]]:
    """The paragraphs of a source's ``text``: each with its number as locators count them,
    the facts whose locator names it, and whether it is the one ``#p-N`` leads to."""
    from briefgen.paragraphs import paragraph_number

    refs = [(f, r) for f in base.facts for r in f.sources if r.ref == source_id]
    anchors = text.anchors((r.locator, r.quote) for _, r in refs)
    numbered = text.numbered(anchors)
    # The paragraph a locator's §N names: the one holding the fact's quote when it is
    # numbered N, else the first numbered N. A fact is listed there only.
    first: dict[int, int] = {}
    for index, (_, number) in enumerate(numbered):
        if number is not None:
            first.setdefault(number, index)
    citing: dict[int, list[str]] = {}
    for fact, ref in refs:
        named = paragraph_number(ref.locator)
        if named is None:
            continue
        held = [i for i in text.find(ref.quote or "") if numbered[i][1] == named]
        at = held[0] if held else first.get(named)
        if at is not None and fact.id not in citing.get(at, []):
            citing.setdefault(at, []).append(fact.id)
    # (paragraph, its N, the facts citing it, whether it is the target of #p-N)
    paragraphs = [
        (
            paragraph,
            number,
            citing.get(index, []),
            number is not None and first[number] == index,
        )
        for index, (paragraph, number) in enumerate(numbered)
    ]
    return paragraphs


def with_source_links(html: str, brief: Any, text_path: Callable[[str], Path | None]) -> str:
    """``html`` (a brief) with, at the end of each note, a link to each source it cites: to
    the paragraph of its local text when it has one, else to its row of /sources."""
    from html import escape

    from briefgen.paragraphs import paragraph_number

    for note in brief.notes:
        start = html.find(f'<li id="note-{note.number}"')
        end = html.find("</li>", start)
        if start < 0 or end < 0:
            continue
        links = []
        for reference in note.references:
            source_id = reference.source_id
            number = paragraph_number(reference.locator)
            if text_path(source_id) is not None:
                href = f"/sources/{urllib.parse.quote(source_id)}" + (
                    f"#p-{number}" if number else ""
                )
            else:
                href = f"/sources#{urllib.parse.quote(source_id)}"
            links.append(f'<a class="preview-source" href="{escape(href)}">{escape(source_id)}</a>')
        html = html[:end] + " <small>→ " + ", ".join(links) + "</small>" + html[end:]
    return html


def fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """The name, modification time and size of every file of the base.

    Raises :class:`OSError` if a directory of ``items/`` cannot be read: listing the
    base's files passes over it, and the preview would show a base without its facts.
    """
    import os

    from briefgen.store import fact_files

    def refuse(error: OSError) -> None:
        raise error

    items = root / "items"
    if items.is_dir() and not items.is_symlink():  # a link is for the base's reader to refuse
        for _ in os.walk(items, onerror=refuse):
            pass
    found = []
    for path in fact_files(root):
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def describe(exc: BaseException) -> str:
    """``exc`` in one line, as the user needs it: ``Permission denied: 'facts/items'``."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename!r}" if exc.filename else exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def with_script(html: str, version: int) -> str:
    """``html`` with the preview's script before ``</body>``."""
    tag = f'<script src="{SCRIPT}" data-version="{version}" data-nav="1" defer></script>\n'
    at = html.rfind("</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def _date(value: str | None, name: str) -> Any:
    if not value:
        return None
    from briefgen.model import PartialDate

    try:
        return PartialDate.parse(value)
    except ValueError:
        raise UsageError(f"{name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


@dataclass(frozen=True)
class FactRow:
    """A fact as the facts page shows it."""

    id: str
    kind: str
    date: str
    themes: tuple[str, ...]
    text: str
    comment: str | None
    priority: int
    added: str
    references: tuple[dict[str, Any], ...]


def fact_row(base: FactBase, fact: Any, lang: str) -> FactRow:
    from briefgen.paragraphs import paragraph_number

    references = []
    for ref in fact.sources:
        origin = base.sources[ref.origin]
        number = paragraph_number(ref.locator)
        references.append(
            {
                "ref": ref.ref,
                "via": ref.via,
                "locator": ref.locator,
                "quote": ref.quote,
                "grade": f"{origin.reliability}{fact.credibility}",
                "anchor": f"#p-{number}" if number else "",
            }
        )
    return FactRow(
        fact.id,
        fact.kind,
        str(fact.date) if fact.date else "",
        fact.themes,
        fact.text_in(lang),
        fact.comment_in(lang),
        fact.priority,
        str(fact.added) if fact.added else "",
        tuple(references),
    )
