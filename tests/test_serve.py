"""serve: the live preview, over HTTP on 127.0.0.1, as a browser (or curl) sees it."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
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
def serving(base: Path | None, *args: str, cwd: Path | None = None) -> Iterator[Served]:
    """``briefgen --facts-dir BASE serve --port 0 ARGS`` in a process of its own."""
    facts_dir = ["--facts-dir", str(base)] if base is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", *facts_dir, "serve", "--port", "0", *args],
        cwd=cwd,
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


def test_serve_says_when_the_port_is_taken(pact_copy, run):
    with serving(pact_copy) as served:
        result = run("--facts-dir", pact_copy, "serve", "--port", served.port)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"briefgen: error: cannot listen on 127.0.0.1:{served.port}: "
        )


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
def test_serve_in_a_real_browser(pact_copy, tmp_path):
    """Headless Chromium runs the page's script (allowed by the page's own policy) and draws it.

    The screenshots are kept in $BRIEFGEN_SCREENSHOTS when it is set, to look at.
    """
    chromium = _chromium()
    assert chromium is not None
    keep = Path(os.environ.get("BRIEFGEN_SCREENSHOTS") or tmp_path)
    keep.mkdir(parents=True, exist_ok=True)
    with serving(pact_copy) as served:
        base_url = f"http://{served.host}:{served.port}"
        for name, path in (("brief", "/"), ("facts", "/facts?theme=security")):
            profile = tempfile.mkdtemp(prefix="chromium-")
            common = [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--window-size=1000,1200",
            ]
            try:
                shot = keep / f"serve-{name}.png"
                subprocess.run(
                    [*common, f"--screenshot={shot}", base_url + path],
                    capture_output=True,
                    timeout=90,
                    check=True,
                )
                assert shot.stat().st_size > 20_000
                if name == "brief":
                    dom = subprocess.run(
                        [*common, "--dump-dom", base_url + path],
                        capture_output=True,
                        text=True,
                        timeout=90,
                        check=True,
                    ).stdout
                    # The bar of links exists only if the script ran, as the page's policy allows.
                    assert '<nav class="preview"' in dom
                    assert "The Northland–Eastland pact" in dom
            finally:
                shutil.rmtree(profile, ignore_errors=True)
