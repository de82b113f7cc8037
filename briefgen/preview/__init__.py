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

from briefgen.preview.server import SECURITY_HEADERS, TIMEOUT, PreviewServer
from briefgen.preview.state import (
    POLL_SECONDS,
    SCRIPT,
    VERSION,
    Build,
    Page,
    Preview,
    PreviewOptions,
    fingerprint,
    with_source_links,
)
from briefgen.preview.watcher import watch

__all__ = [
    "POLL_SECONDS",
    "SCRIPT",
    "SECURITY_HEADERS",
    "TIMEOUT",
    "VERSION",
    "Build",
    "Page",
    "Preview",
    "PreviewOptions",
    "PreviewServer",
    "fingerprint",
    "watch",
    "with_source_links",
]
