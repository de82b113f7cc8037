"""serve: the live preview, over HTTP on 127.0.0.1, as a browser (or curl) sees it."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Served:
    process: subprocess.Popen[str]
    host: str
    port: int
    stderr: list[str]

    def get(
        self, path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=40)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read().decode("utf-8")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()


@contextlib.contextmanager
def serving(
    base: Path | None, *args: str, cwd: Path | None = None, files: int | None = None
) -> Iterator[Served]:
    """``briefgen --facts-dir BASE serve --port 0 ARGS`` in a process of its own (that may
    open at most ``files`` files, if given)."""
    facts_dir = ["--facts-dir", str(base)] if base is not None else []

    def limit() -> None:
        import resource

        if files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", *facts_dir, "serve", "--port", "0", *args],
        cwd=cwd,
        preexec_fn=limit,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    match = None
    while match is None and len(lines) < 5:  # a notice (a local briefgen.toml) may come first
        ready, _, _ = select.select([process.stderr], [], [], 30)
        assert ready, "the server did not start"
        lines.append(process.stderr.readline())
        match = re.search(r"on http://([\d.]+):(\d+)/", lines[-1])
    assert match, lines
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        yield Served(process, match[1], int(match[2]), lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        reader.join(timeout=5)


def _version(page: str) -> int:
    match = re.search(r'data-version="(\d+)"', page)
    assert match, page[-300:]
    return int(match[1])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_shows_the_brief_and_reloads_it_after_an_edit(pact_copy):
    with serving(pact_copy, "-t", "trade") as served:
        status, headers, page = served.get("/")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Trade and sanctions</h1>" in page
        assert "Trade between the two countries reached 1.5 billion dollars." in page
        assert '<script src="/__preview.js" data-version="1" data-nav="1" defer></script>' in page
        status, headers, script = served.get("/__preview.js")
        assert status == 200 and headers["content-type"].startswith("text/javascript")
        assert "location.reload()" in script
        # A browser waits on /__version; the answer comes when the base changes.
        answer: list[tuple[int, str]] = []
        waiting = threading.Thread(
            target=lambda: answer.append(served.get("/__version?since=1")[::2]), daemon=True
        )
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive()
        started = time.monotonic()
        _edit(pact_copy / "items" / "trade.yaml", "between the two countries", "between both pacts")
        waiting.join(timeout=20)
        assert answer == [(200, "2")]
        assert time.monotonic() - started < 10
        status, _, page = served.get("/")
        assert "Trade between both pacts reached 1.5 billion dollars." in page
        assert _version(page) == 2
    assert any("rebuilt" in line for line in served.stderr)


def test_serve_takes_the_settings_of_briefgen_toml(pact_copy):
    """What 'serve' shows is what 'brief' would make: the same configuration applies."""
    (pact_copy.parent / "briefgen.toml").write_text(
        'facts-dir = "facts"\nlang = "fr"\nmarking = "DIFFUSION RESTREINTE"\n', encoding="utf-8"
    )
    with serving(None, cwd=pact_copy.parent) as served:
        status, _, page = served.get("/")
    assert status == 200
    assert '<html lang="fr">' in page
    assert '<p class="marking">DIFFUSION RESTREINTE</p>' in page
    assert "Les échanges entre les deux pays ont atteint 1,5 milliard de dollars." in page


def test_serve_lists_the_problems_of_a_broken_base_instead_of_the_brief(pact_copy):
    with serving(pact_copy) as served:
        assert served.get("/")[0] == 200
        items = pact_copy / "items" / "trade.yaml"
        _edit(items, "themes: [trade]", "themes: [trdae]")
        assert served.get("/__version?since=1")[2] == "2"
        status, _, page = served.get("/")
        assert status == 500
        assert "The fact base has 1 problem" in page
        assert "Trade between" not in page  # never a stale brief
        assert re.search(
            r"<li>\S*items/trade\.yaml:3: trade-volume: unknown theme &#39;trdae&#39; "
            r"\(did you mean &#39;trade&#39;\?\)</li>",
            page,
        )
        assert _version(page) == 2
        assert served.get("/facts")[0] == 500
        _edit(items, "themes: [trdae]", "themes: [trade]")
        assert served.get("/__version?since=2")[2] == "3"
        assert served.get("/")[0] == 200
    assert any("1 problem in the base: " in line for line in served.stderr)


def test_serve_answers_nothing_outside_its_pages(pact_copy):
    with serving(pact_copy) as served:
        for path in (
            "/../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/sources/..%2f..%2fsources.yaml",
            "/sources/../items/trade.yaml",
            "/items/trade.yaml",
            "/sources.yaml",
            "/texts/moreau.txt",
            "/brief.css",
            "/templates/brief.html.j2",
            "/sources/no-such-source",
            "/sources/wire",  # a source without a local text
            "/facts/",
        ):
            status, _, body = served.get(path)
            assert status == 404, path
            assert "Nothing is served at this address." in body
            assert "root:" not in body and "trade-volume" not in body
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            status, headers, body = served.get("/", method=method)
            assert (status, headers["allow"], body) == (405, "GET, HEAD", "")
        status, headers, body = served.get("/", method="HEAD")
        assert status == 200 and body == "" and int(headers["content-length"]) > 1000
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        # A page elsewhere cannot reach the preview through a name of its own.
        status, _, _ = served.get("/", headers={"Host": f"attacker.example:{served.port}"})
        assert status == 403


def test_serve_browses_facts_and_links_each_note_to_its_source(pact_copy):
    with serving(pact_copy) as served:
        status, _, page = served.get("/facts?theme=security&kind=figure")
        assert status == 200
        assert '<p class="count">2 of 8 facts</p>' in page
        assert re.findall(r'<article class="fact" id="([^"]+)"', page) == [
            "troops-12000",
            "troops-8000-10000",
        ]
        assert (
            '<a href="/sources/moreau-2025#p-2">moreau-2025</a>, citing <a href="/sources#wire">wire</a>, §2'
            in page
        )
        assert '<span class="grade">B3</span>' in page
        _, _, page = served.get("/facts?q=sanctions&source=anon-news")
        assert re.findall(r'<article class="fact" id="([^"]+)"', page) == ["sanctions-evaded"]
        status, _, page = served.get("/facts?since=last+week")
        assert status == 400
        assert "since: &#39;last week&#39; is not a date" in page
        status, _, page = served.get("/facts?theme=nope")
        assert status == 400 and "unknown theme &#39;nope&#39;" in page
        status, _, page = served.get("/sources")
        assert status == 200
        assert '<a href="/sources/moreau-2025">moreau.txt</a>' in page
        assert '<a href="/facts?source=wire">1</a>' in page
        status, _, page = served.get("/sources/moreau-2025")
        assert status == 200
        paragraph = page[page.index('id="p-3"') :].split("</div>")[0]
        assert "Les échanges commerciaux ont atteint 1,5 milliard de dollars." in paragraph
        assert ">trade-volume</a>" in paragraph and ">sanctions-evaded</a>" in paragraph


def test_serve_stops_cleanly_on_ctrl_c(pact_copy):
    with serving(pact_copy) as served:
        assert served.get("/")[0] == 200
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=10) == 0
    text = "".join(served.stderr)
    assert text.rstrip().endswith("Stopped.")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text


def test_serve_stops_cleanly_on_ctrl_c_while_it_answers(pact_copy):
    """Ctrl-C while connections come and go: no traceback from a thread left behind."""
    for _ in range(3):
        with serving(pact_copy) as served:
            stop = threading.Event()

            def ask(stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    with contextlib.suppress(OSError, http.client.HTTPException):
                        served.get("/facts")

            askers = [threading.Thread(target=ask, daemon=True) for _ in range(4)]
            for thread in askers:
                thread.start()
            time.sleep(0.4)
            served.process.send_signal(signal.SIGINT)
            assert served.process.wait(timeout=10) == 0
            stop.set()
            for thread in askers:
                thread.join(timeout=10)
        text = "".join(served.stderr)
        assert "Traceback" not in text, text
        assert text.rstrip().endswith("Stopped.")


def test_serve_says_when_the_port_is_taken(pact_copy, run):
    with serving(pact_copy) as served:
        result = run("--facts-dir", pact_copy, "serve", "--port", served.port)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"briefgen: error: cannot listen on 127.0.0.1:{served.port}: "
        )


@pytest.fixture
def cover_copy(tmp_path: Path, fixtures: Path) -> Path:
    """A copy of the cover base: a report whose text opens with a biography and two legal
    notices shaped like paragraphs, before its §1."""
    target = tmp_path / "facts"
    shutil.copytree(fixtures / "cover", target)
    return target


def _paragraphs(page: str) -> list[tuple[str, str, list[str]]]:
    """(§N or "", text, ids of the facts listed) of each paragraph of a /sources/ID page."""
    found = re.findall(
        r'<div class="paragraph[^"]*"[^>]*>\s*<span class="n">([^<]*)</span>\s*'
        r'<span>([^<]*)</span>\s*<span class="citing">(.*?)</span>\s*</div>',
        page,
        flags=re.S,
    )
    return [
        (n, html.unescape(text), re.findall(r">([^<>]+)</a>", citing)) for n, text, citing in found
    ]


def test_serve_numbers_a_texts_paragraphs_as_its_locators_count_them(cover_copy):
    """A biography and legal notices before the article are not §1; each fact is listed under
    the paragraph its locator names, once."""
    from briefgen.authoring import check_quote
    from briefgen.paragraphs import paragraph_number
    from briefgen.store import load

    with serving(cover_copy) as served:
        status, _, page = served.get("/sources/durand-2025")
    assert status == 200
    paragraphs = _paragraphs(page)
    assert len(paragraphs) == 13  # every non-empty line of the text
    numbered = [(n, text) for n, text, _ in paragraphs if n]
    assert [n for n, _ in numbered] == ["§1", "§2", "§3", "§4"]
    assert numbered[0][1].startswith("Le 12 juin 2024")
    for n, text, _ in paragraphs:
        if text.startswith(("Anne Durand est", "Le Code de la propriété", "Toute représentation")):
            assert n == "", text
    listed = {n: ids for n, _, ids in paragraphs if ids}
    assert listed == {
        "§1": ["pact-signed", "pact-signed-in-nordstadt"],
        "§2": ["clause-automatic", "clause-published"],  # "§2, n. 1": under §2, not its note
        "§3": ["troops-12000"],
        "§4": ["trade-record"],  # no quote: the paragraph its locator names
    }
    # The same count as `briefgen add` makes of each quote, from the other facts' locators.
    base = load(cover_copy)
    texts = cover_copy / "texts"
    for fact in base.facts:
        for ref in fact.sources:
            if ref.quote and ", n." not in (ref.locator or ""):
                located = check_quote(base, ref.ref, ref.quote, texts).located
                assert located is not None
                assert located.number == paragraph_number(ref.locator)
                shown = next(n for n, text, _ in paragraphs if text == located.paragraph.text)
                assert shown == located.locator


# Measures the page once it has loaded, and hands the measures to the frame around it.
_MEASURE = r"""<script>
addEventListener('load', () => {
  const main = document.querySelector('main');
  const right = Math.max(...[...main.querySelectorAll('*')].map(
    e => e.getBoundingClientRect().right));
  parent.postMessage(JSON.stringify({viewport: innerWidth,
    scrollWidth: document.documentElement.scrollWidth, right: right,
    column: main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight)}),
    '*');
});
</script>"""


@pytest.mark.parametrize("width", [1280, 390])
def test_serve_sources_fit_a_wide_screen_and_a_phone(chromium, cover_copy, tmp_path, width):
    """/sources and a source's text, as Chromium lays them out at ``width`` px: nothing wider
    than the window (a long id, URL or file name wraps).

    Chromium's window is at least 500 px wide, so the page is in an iframe ``width`` px wide;
    the page's policy allows no script of another origin, so it is measured from a copy.
    """
    with serving(cover_copy) as served:
        pages = {path: served.get(path)[2] for path in ("/sources", "/sources/durand-2025")}
    for path, page in pages.items():
        name = path.strip("/").replace("/", "-")
        measured = tmp_path / f"{name}.html"
        measured.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
        frame = tmp_path / f"{name}-{width}.html"
        frame.write_text(
            f'<html><body style="margin:0"><iframe src="{measured.name}" '
            f'style="border:0;width:{width}px;height:900px"></iframe><script>'
            "addEventListener('message', e => { const p = document.createElement('pre');"
            " p.id = 'measured'; p.textContent = e.data; document.body.append(p); });"
            "</script></body></html>",
            encoding="utf-8",
        )
        dom = chromium(
            "--window-size=1400,900", "--virtual-time-budget=10000", "--dump-dom", frame.as_uri()
        )
        found = re.search(r'<pre id="measured">(.*?)</pre>', dom, flags=re.S)
        assert found, "the page did not report its measures"
        seen = json.loads(html.unescape(found[1]))
        assert seen["viewport"] == width
        assert seen["scrollWidth"] <= width, (path, seen)
        # and nothing wider than the page's column
        assert seen["right"] <= seen["column"] + 0.5, (path, seen)


def test_serve_in_a_real_browser(chromium, pact_copy, tmp_path):
    """Headless Chromium runs the page's script (allowed by the page's own policy) and draws it.

    The screenshots are kept in $BRIEFGEN_SCREENSHOTS when it is set, to look at.
    """
    keep = Path(os.environ.get("BRIEFGEN_SCREENSHOTS") or tmp_path)
    keep.mkdir(parents=True, exist_ok=True)
    with serving(pact_copy) as served:
        base_url = f"http://{served.host}:{served.port}"
        for name, path in (("brief", "/"), ("facts", "/facts?theme=security")):
            shot = keep / f"serve-{name}.png"
            chromium("--window-size=1000,1200", f"--screenshot={shot}", base_url + path)
            assert shot.stat().st_size > 20_000
            if name == "brief":
                dom = chromium("--window-size=1000,1200", "--dump-dom", base_url + path)
                # The bar of links exists only if the script ran, as the page's policy allows.
                assert '<nav class="preview"' in dom
                assert "The Northland–Eastland pact" in dom


# -- a server that stays up ------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert match, status
    return int(match[1])


def _raw(served: Served, request: bytes) -> bytes:
    """What the server answers to ``request``, sent as it is."""
    import socket

    with socket.create_connection((served.host, served.port), timeout=10) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def test_serve_memory_stays_flat_under_many_requests(pact_copy):
    """The collector is on: pages, 404s and queries leave nothing behind."""
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc to read the server's memory from")
    paths = [
        "/",
        "/facts",
        "/facts?theme=security&kind=figure",
        "/facts?since=last+week",
        "/sources",
        "/sources/moreau-2025",
        "/no-such-page",
        "/__version?since=0",
    ]
    with serving(pact_copy) as served:
        for path in paths * 10:  # warm up: every page built once, caches filled
            served.get(path)
        before = _rss_kb(served.process.pid)
        started = time.monotonic()
        for number in range(3000):
            served.get(
                paths[number % len(paths)]
                + ("&" if "?" in paths[number % len(paths)] else "?")
                + f"n={number}"
            )
            assert time.monotonic() - started < 120
        grown = _rss_kb(served.process.pid) - before
    # Without the collector, 3,000 such requests grew it by some 70 MB; with it, by 1 MB.
    print(f"3,000 requests: the server grew by {grown} kB")
    assert grown < 10_000, f"grew by {grown} kB"


@pytest.mark.parametrize("files", [None, 256])
def test_serve_answers_a_new_client_while_many_connections_sit_idle(pact_copy, files):
    """Also when the server may open no more than 256 files (``ulimit -n 256``)."""
    import socket

    with serving(pact_copy, files=files) as served, contextlib.ExitStack() as stack:
        idle = [
            stack.enter_context(socket.create_connection((served.host, served.port), timeout=5))
            for _ in range(300)
        ]
        time.sleep(0.5)
        started = time.monotonic()
        status, _, page = served.get("/")
        took = time.monotonic() - started
        assert status == 200 and "The Northland–Eastland pact" in page
        assert took < 1.0, f"took {took:.2f} s"
        # The connections that waited longest were closed to make room.
        idle[0].settimeout(5)
        assert idle[0].recv(1) == b""
        assert served.process.poll() is None
        # The watcher still runs: an edit shows.
        _edit(pact_copy / "items" / "trade.yaml", "between the two countries", "between both")
        deadline = time.monotonic() + 5
        while "Trade between both reached" not in served.get("/")[2]:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_serve_holds_at_most_32_long_polls(pact_copy):
    """A page cannot fill the server with long polls; the others wait for a change."""
    with serving(pact_copy) as served:
        answers: list[tuple[int, str]] = []
        waiting = [
            threading.Thread(
                target=lambda: answers.append(served.get("/__version?since=1")[::2]), daemon=True
            )
            for _ in range(32)
        ]
        for thread in waiting:
            thread.start()
        time.sleep(1)
        assert answers == []
        status, _, body = served.get("/__version?since=1")
        assert (status, body) == (503, "too many waiting\n")
        assert served.get("/")[0] == 200
        _edit(pact_copy / "items" / "trade.yaml", "between the two countries", "between both")
        for thread in waiting:
            thread.join(timeout=10)
        assert answers == [(200, "2")] * 32


@pytest.mark.slow  # ten seconds of waiting; the idle connections above are closed at once
def test_serve_closes_a_connection_that_sends_nothing(pact_copy):
    import socket

    from briefgen import preview

    with serving(pact_copy) as served:
        with socket.create_connection((served.host, served.port), timeout=30) as client:
            started = time.monotonic()
            client.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            took = time.monotonic() - started
        assert preview.TIMEOUT - 1 < took < preview.TIMEOUT + 5
        assert b"500" not in answer and b"Traceback" not in answer
        assert served.get("/")[0] == 200


def test_serve_says_nothing_of_clients_that_go_away(pact_copy):
    import socket
    import struct

    with serving(pact_copy) as served:
        for number in range(20):
            client = socket.create_connection((served.host, served.port), timeout=5)
            if number % 2:
                # Ask for the brief, then close at once: the server writes to a reset connection.
                client.sendall(
                    f"GET / HTTP/1.1\r\nHost: {served.host}:{served.port}\r\n\r\n".encode()
                )
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)
        assert served.get("/")[0] == 200
    text = "".join(served.stderr)
    assert "Traceback" not in text and "Exception" not in text, text


def test_serve_checks_host_and_version_as_browsers_send_them(pact_copy):
    with serving(pact_copy) as served:
        host = f"{served.host}:{served.port}"
        assert _raw(served, f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()).startswith(
            b"HTTP/1.0 200 "
        )
        # Of two Host headers, neither is chosen.
        answer = _raw(
            served, f"GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n\r\n".encode()
        )
        assert answer.startswith(b"HTTP/1.0 400 ") and b"more than one Host" in answer
        answer = _raw(served, b"GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n")
        assert answer.startswith(b"HTTP/1.0 400 ")
        # A name in capitals is the same name.
        assert served.get("/", headers={"Host": f"LOCALHOST:{served.port}"})[0] == 200
        # A version of 5,000 digits is a bad request, not an exception.
        status, _, body = served.get("/__version?since=" + "9" * 5000)
        assert (status, body) == (400, "since: not a version\n")
        assert served.get("/__version?since=%EF%BC%91")[0] == 400  # a full-width digit
        assert served.get("/__version?since=0")[2] == "1"
    assert "Traceback" not in "".join(served.stderr)


def test_serve_on_port_80_takes_a_host_without_its_port(pact_copy):
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(("127.0.0.1", 80))
        except OSError:
            pytest.skip("port 80 is not free here")
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "--facts-dir", str(pact_copy), "serve", "--port", "80"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert "on http://127.0.0.1:80/" in process.stderr.readline()
        served = Served(process, "127.0.0.1", 80, [])
        assert served.get("/", headers={"Host": "127.0.0.1"})[0] == 200
        assert served.get("/", headers={"Host": "localhost"})[0] == 200
        assert served.get("/", headers={"Host": "127.0.0.1:80"})[0] == 200
        assert served.get("/", headers={"Host": "evil.example"})[0] == 403
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest = process.communicate(timeout=10)[1]
        finally:
            process.kill()
    assert "Traceback" not in rest


def _without_permission_overrides() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set (run as root):
    the program executed next then obeys file modes as any user does."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_serve_says_when_a_directory_of_the_base_cannot_be_read(pact_copy):
    """The watcher survives an unreadable ``items/``: the page says so, then recovers.

    Run as root, a mode of 000 stops nobody: the server then runs without root's
    permission to read and search any directory, as the issue's probe ran it.
    """
    if sys.platform != "linux":
        pytest.skip("drops Linux capabilities")
    drop = _without_permission_overrides if os.geteuid() == 0 else None
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "--facts-dir", str(pact_copy), "serve", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=drop,
    )
    items = pact_copy / "items"
    assert process.stderr is not None
    try:
        line = process.stderr.readline()
        match = re.search(r"on http://([\d.]+):(\d+)/", line)
        assert match, line + process.stderr.read()
        served = Served(process, match[1], int(match[2]), [])
        assert "The Northland–Eastland pact" in served.get("/")[2]
        items.chmod(0)
        deadline = time.monotonic() + 2
        while "Permission denied" not in (page := served.get("/")[2]):
            assert time.monotonic() < deadline, page
            time.sleep(0.1)
        assert "The Northland–Eastland pact" not in page  # never a stale brief
        assert "items" in page
        items.chmod(0o755)
        deadline = time.monotonic() + 2
        while "The Northland–Eastland pact" not in (page := served.get("/")[2]):
            assert time.monotonic() < deadline, page
            time.sleep(0.1)
        # And it goes on watching: an edit still shows.
        _edit(items / "trade.yaml", "between the two countries", "between both")
        deadline = time.monotonic() + 5
        while "Trade between both reached" not in served.get("/")[2]:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        items.chmod(0o755)
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=10)[1]
    assert "Traceback" not in rest, rest


def test_serve_reads_no_text_through_a_link_out_nor_a_huge_one(pact_copy, tmp_path):
    # A text that links outside the texts directory, or is larger than a fact file may be,
    # is not shown: the page is not found, and nothing of it is read.
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET OF THE USER\n", encoding="utf-8")
    (pact_copy / "texts" / "moreau.txt").unlink()
    (pact_copy / "texts" / "moreau.txt").symlink_to(secret)
    with (pact_copy / "texts" / "anon.txt").open("r+b") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: larger than 8 MiB
    with serving(pact_copy) as served:
        for source in ("moreau-2025", "anon-news"):
            status, _, page = served.get(f"/sources/{source}")
            assert status == 404, source
            assert "SECRET" not in page


def test_serve_refuses_a_texts_directory_linking_outside_the_base(pact_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(pact_copy / "texts", outside)
    (pact_copy / "texts").symlink_to(outside)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--facts-dir", str(pact_copy), "serve", "--port", "0"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "links outside" in result.stderr
    assert "Traceback" not in result.stderr
