"""A live preview of a fact base for the person editing it, served on the local machine.

The approach is ``mkdocs serve``'s: a file watcher (watchfiles) rebuilds the
brief whenever a file of the base changes, and each page the server sends
carries a small script that asks ``/__version`` (a long poll: the answer waits
until the version changes, or half a minute) and reloads the page when the
brief it shows is out of date. While the base has problems, every page shows
them, never a stale brief.

The server is the standard library's ``ThreadingHTTPServer``: pages are
built in memory, from the base and the package's templates only. It answers
GET and HEAD, nothing else; any other path is a 404, so nothing outside the
base (and the local texts of its sources) can be read through it. It checks
the ``Host`` header, so that a web page cannot reach it through a name of its
own (DNS rebinding), and its pages may only load what it serves itself.

It stays up whatever its clients do: at most :attr:`PreviewServer.max_connections`
connections are served at once (one thread each), a connection that sends
nothing for :data:`TIMEOUT` seconds is closed, and when every place is taken
the connection that has waited longest without sending its request is closed
to make room, so that idle connections cannot lock a browser out. A client
that goes away is not an error. The watcher survives any exception: the page
then says what went wrong, and the brief comes back once the problem is gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import BriefgenError, InvalidFactBase, UsageError

if TYPE_CHECKING:
    from briefgen.brief import BriefOptions
    from briefgen.model import FactBase
    from briefgen.production import RenderOptions
    from briefgen.query import Selection

SCRIPT = "/__preview.js"
VERSION = "/__version"
# How long /__version holds a request open waiting for a new version.
POLL_SECONDS = 30.0
# How long a connection may wait for its client, at each read or write.
TIMEOUT = 10.0
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class PreviewOptions:
    """What the preview shows: the brief ``briefgen brief`` would make with these options."""

    root: Path
    selection: Selection
    brief: BriefOptions
    render: RenderOptions
    texts_dir: Path | None = None


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
        from briefgen.brief import BriefRecipe
        from briefgen.production import produce
        from briefgen.query import select_facts

        options = self.options
        try:
            facts = select_facts(base, options.selection)
            recipe = BriefRecipe(base, tuple(facts), options.selection.themes, options.brief, None)
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
        from briefgen.paragraphs import SourceText, paragraph_number

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
        text = SourceText(content)
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
        source = base.sources[source_id]
        body = self.page(
            "text", build.version, source=source, file=path.name, paragraphs=paragraphs
        )
        return Page(HTTPStatus.OK, body)


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


# -- the server ------------------------------------------------------------------------


class PreviewServer(ThreadingHTTPServer):
    """Serves a :class:`Preview` on ``address``; each connection in a thread of its own."""

    daemon_threads = True
    # Connections wait in the kernel's queue, not in the process, until there is room.
    request_queue_size = 1024
    # At most this many connections at once, and of them at most max_polls long polls
    # (a tab open on the preview holds one).
    max_connections = 64
    max_polls = 32

    def __init__(self, address: tuple[str, int], preview: Preview, script: bytes) -> None:
        if ":" in address[0]:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.preview = preview
        self.script = script
        host, port = self.server_address[:2]
        self.url = f"http://{_url_host(str(host))}:{port}/"
        self.loopback = _is_loopback(str(host))
        names = {str(host), "localhost", "127.0.0.1", "[::1]", _url_host(str(host))}
        self.hosts = {f"{name}:{port}" for name in names}
        if port == 80:  # a browser leaves the default port out of Host
            self.hosts |= names
        self.places = threading.BoundedSemaphore(self.max_connections)
        self.polls = threading.BoundedSemaphore(self.max_polls)
        # The connections whose request is not read yet, oldest first.
        self.waiting: dict[Any, None] = {}
        # The connections that hold a place.
        self.holding: set[Any] = set()
        self.waiting_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.places.acquire(blocking=False):
            self.close_oldest_waiting()
            while not self.places.acquire(timeout=0.1):
                self.close_oldest_waiting()
        with self.waiting_lock:
            self.waiting[request] = None
            self.holding.add(request)
        try:
            super().process_request(request, client_address)
        except BaseException:  # Ctrl-C, or no thread could be started
            self.forget(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.forget(request)

    def forget(self, request: Any) -> None:
        """Give the place of ``request`` back (once, whoever asks first)."""
        with self.waiting_lock:
            self.waiting.pop(request, None)
            if request not in self.holding:
                return
            self.holding.remove(request)
        self.places.release()

    def started(self, request: Any) -> None:
        """The request of this connection is read: it is being answered."""
        with self.waiting_lock:
            self.waiting.pop(request, None)

    def close_oldest_waiting(self) -> None:
        """Make room: end the connection that has waited longest without a request."""
        import socket

        with self.waiting_lock:
            if not self.waiting:
                return
            oldest = next(iter(self.waiting))
            del self.waiting[oldest]
        # Its thread, waiting to read, reads the end of the stream and finishes.
        with contextlib.suppress(OSError):
            oldest.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that closes its connection, or stalls past the timeout, is no
        # error of the server's: a browser does it whenever a tab is closed.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def respond(self, path: str, query: str) -> Page | None:
        """The page at ``path``, or None (404)."""
        preview = self.preview
        if path == "/":
            return preview.build.brief
        if path == "/facts":
            return preview.facts_page(urllib.parse.parse_qs(query))
        if path == "/sources":
            return preview.sources_page()
        if path.startswith("/sources/") and path.count("/") == 2:
            return preview.source_page(urllib.parse.unquote(path.removeprefix("/sources/")))
        if path == SCRIPT:
            return Page(HTTPStatus.OK, self.script, "text/javascript; charset=utf-8")
        if path == VERSION:
            return self.version(urllib.parse.parse_qs(query).get("since", [""])[0])
        return None

    def version(self, since: str) -> Page:
        """The current version, once it is no longer ``since`` (a long poll)."""
        current = self.preview.build.version
        if since and not (since.isascii() and since.isdigit() and len(since) <= 20):
            return Page(HTTPStatus.BAD_REQUEST, b"since: not a version\n", "text/plain")
        if since and int(since) == current:
            if not self.polls.acquire(blocking=False):
                return Page(HTTPStatus.SERVICE_UNAVAILABLE, b"too many waiting\n", "text/plain")
            try:
                current = self.preview.wait(current)
            finally:
                self.polls.release()
        return Page(HTTPStatus.OK, str(current).encode(), "text/plain; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefgen-preview"
    sys_version = ""
    timeout = TIMEOUT

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.server.started(self.request)
        return parsed

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def refuse(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = refuse

    def answer(self, with_body: bool) -> None:
        server = self.server
        hosts = self.headers.get_all("Host") or []
        page: Page | None
        if len(hosts) > 1:
            page = Page(HTTPStatus.BAD_REQUEST, b"more than one Host\n", "text/plain")
        elif server.loopback and (hosts[0] if hosts else "").lower() not in server.hosts:
            page = Page(HTTPStatus.FORBIDDEN, b"unknown host\n", "text/plain")
        else:
            path, _, query = self.path.partition("?")
            page = server.respond(path, query)
        if page is None:
            page = server.preview.message_page(
                HTTPStatus.NOT_FOUND,
                "Not found",
                "Nothing is served at this address.",
                server.preview.build.version,
            )
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(page.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds, not every request


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def watch(preview: Preview, stop: threading.Event, on_build: Callable[[Build], None]) -> None:
    """Rebuild the preview after each batch of changes to a file of the previewed base,
    and pass each build to ``on_build``.

    watchfiles reports changes; every half second without one, the files are also
    compared with the last build, which catches what changed before the watcher
    started (or what a file system does not report). Whatever goes wrong (a
    directory that cannot be read, no file descriptor left), the watcher goes on:
    the preview shows the problem, and the watcher starts again a second later.
    """
    from watchfiles import watch as watch_files

    def wanted(change: Any, path: str) -> bool:
        return path.endswith((".yaml", ".yml"))

    while not stop.is_set():
        try:
            for changes in watch_files(
                preview.options.root,
                watch_filter=wanted,
                stop_event=stop,
                debounce=300,
                step=50,
                raise_interrupt=False,
                rust_timeout=500,
                yield_on_timeout=True,
            ):
                if changes or preview.stale():
                    on_build(preview.rebuild())
        except Exception as exc:
            on_build(preview.fail(f"cannot watch the base: {describe(exc)}"))
            stop.wait(1.0)
