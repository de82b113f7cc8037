"""The HTML brief as a browser shows it: on a wide screen, on a phone, in dark mode and
printed, in a real headless Chromium (skipped where none is installed).

Chromium's window is at least 500 px wide, so a phone's 390 px is an iframe of that
width: the page inside sees a 390 px viewport, and its media queries answer to it.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

# Measures what a reader sees, once the page has loaded, and hands it to the frame.
MEASURE = r"""<script>
addEventListener('load', () => {
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const out = {
    viewport: innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    body: size(document.querySelector('main li')),
    h2: Math.min(...[...document.querySelectorAll('h2')].map(size)),
    th: Math.min(...[...document.querySelectorAll('th')].map(size)),
    td: Math.min(...[...document.querySelectorAll('td')].map(size)),
    background: rgb(getComputedStyle(document.documentElement).backgroundColor),
    mark: rgb(getComputedStyle(document.querySelector('svg .ink-mark')).fill),
    text: rgb(getComputedStyle(document.querySelector('svg .ink-text')).fill),
    // the labels' size: 7 units of the chart's viewBox, as drawn
    labels: Object.fromEntries([...document.querySelectorAll('svg')].filter(s => s.querySelector('text'))
      .map(s => [s.getAttribute('class'), 7 * s.getBoundingClientRect().width / s.viewBox.baseVal.width])),
    sourceLines: Math.max(...[...document.querySelectorAll('td.source')].map(td =>
      Math.round(td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)))),
    columns: [...document.querySelectorAll('table')].map(t =>
      [...t.querySelectorAll('tbody tr:first-child td')].map(td => Math.round(td.getBoundingClientRect().left))),
  };
  parent.postMessage(JSON.stringify(out), '*');
});
</script>"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("html")


def _html(run: Any, directory: Path, name: str, *options: str) -> Path:
    target = directory / f"{name}.html"
    result = run("brief", *options, "--date", "2025-12-01", "-o", target)
    assert result.exit_code == 0, result.stderr
    return target


def _measure(chromium: Any, page: Path, width: int, *flags: str) -> dict[str, Any]:
    measured = page.with_name(page.stem + "-measured.html")
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    frame = page.with_name(page.stem + f"-{width}.html")
    frame.write_text(
        f'<html><body style="margin:0"><iframe src="{measured.name}" '
        f'style="border:0;width:{width}px;height:900px"></iframe><script>'
        "addEventListener('message', e => { const p = document.createElement('pre');"
        " p.id = 'measured'; p.textContent = e.data; document.body.append(p); });"
        "</script></body></html>"
    )
    dom = chromium(
        *flags,
        "--window-size=1400,900",
        "--virtual-time-budget=10000",
        "--dump-dom",
        frame.as_uri(),
    )
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, flags=re.S)
    assert found, "the page did not report its measures"
    result: dict[str, Any] = json.loads(html.unescape(found[1]))
    return result


def _contrast(a: list[float], b: list[float]) -> float:
    """WCAG's contrast ratio of two sRGB colours."""

    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def charted(run_module: Any, pages: Path) -> Path:
    """The whole shipped base on three pages, with its timeline and estimate tables."""
    return _html(run_module, pages, "charted", "--pages", "3", "--timeline")


@pytest.fixture(scope="module")
def run_module() -> Any:
    from click.testing import CliRunner

    from briefgen.cli import cli

    def invoke(*args: object) -> Any:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_on_a_wide_screen_one_type_scale_and_the_tables_line_up(chromium, charted):
    seen = _measure(chromium, charted, 1280)
    assert seen["body"] >= 15
    # tables and section labels read at no less than 0.85 of the text
    for part in ("h2", "th", "td"):
        assert seen[part] >= 0.85 * seen["body"], (part, seen[part], seen["body"])
    # every estimates table has its columns at the same places
    assert len(seen["columns"]) >= 2
    assert all(columns == seen["columns"][0] for columns in seen["columns"])
    assert min(seen["labels"].values()) >= 10


def test_on_a_phone_charts_and_tables_are_legible(chromium, charted):
    seen = _measure(chromium, charted, 390)
    assert seen["viewport"] == 390
    assert seen["scrollWidth"] <= 390  # nothing wider than the phone but what scrolls in its box
    assert {"timeline-chart", "scale"} <= set(seen["labels"])
    assert min(seen["labels"].values()) >= 10, seen["labels"]  # chart labels, in px
    assert seen["sourceLines"] <= 3  # a source takes the row's width, not a sliver of it
    for part in ("h2", "th", "td"):
        assert seen[part] >= 0.85 * seen["body"], (part, seen[part], seen["body"])


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_chart_marks_stand_out_from_the_page_light_or_dark(chromium, charted, dark):
    seen = _measure(chromium, charted, 1280, *(["--force-dark-mode"] if dark else []))
    background = seen["background"]
    assert (sum(background) / 3 < 60) == dark  # the page follows the reader's scheme
    assert _contrast(seen["mark"], background) >= 4.5
    assert _contrast(seen["text"], background) >= 4.5


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("theme", ["military", None], ids=["military", "all"])
def test_printing_the_one_pager_from_the_browser_gives_one_page(
    chromium, run_module, pages, paper, theme
):
    options = ["-t", theme] if theme else []
    page = _html(run_module, pages, f"one-{theme}-{paper}", *options, "--paper", paper)
    printed = page.with_suffix(".pdf")
    chromium("--no-pdf-header-footer", f"--print-to-pdf={printed}", page.as_uri())
    info = subprocess.run(["pdfinfo", printed], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, flags=re.M), info
    assert ("(A4)" in info) == (paper == "a4") and ("(letter)" in info) == (paper == "letter")
    # the whole one-pager is on it: the title, and its last note
    text = subprocess.run(
        ["pdftotext", "-layout", printed, "-"], capture_output=True, text=True, check=True
    ).stdout
    shown = page.read_text()
    last_note = re.findall(r'<li id="note-(\d+)"', shown)[-1]
    assert re.search(rf"(?:^|\s){last_note}\.\s", text)
    assert ("Military cooperation" in text) == bool(theme)
