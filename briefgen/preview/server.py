"""The preview's HTTP server: the standard library's ``ThreadingHTTPServer``, answering GET
and HEAD with the pages of a :class:`~briefgen.preview.state.Preview` (see
:mod:`briefgen.preview` for what it refuses, and why)."""

from __future__ import annotations

import contextlib
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from briefgen.preview.state import SCRIPT, VERSION, Page, Preview

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
