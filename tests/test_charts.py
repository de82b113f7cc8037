"""Charts: competing estimates on a shared scale, dated events on a timeline.

The HTML's SVG is read as a reader's software would (its shapes, titles and
descriptions), the PDF through poppler, the terminal as text. The fixture
base (tests/fixtures/birds) has every kind of estimate (a value, a range, "at
least", "at most"), a spread wide enough for a logarithmic scale, equal
estimates, a lone estimate, events dated to the year, the month and the day
(two on one day, one long before the others) and an undated event.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zlib
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest

BIRDS = Path(__file__).parent / "fixtures" / "birds"
DATED_EVENTS = ["dam-built", "reserve-created", "flood", "survey-started", "census-published"]


def _html(run: Any, *options: object) -> str:
    result = run("--facts-dir", BIRDS, "brief", "-f", "html", *options)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def _svgs(page: str, cls: str) -> list[ET.Element]:
    """Every ``<svg class=cls>`` of the page, parsed."""
    return [ET.fromstring(svg) for svg in re.findall(rf'<svg class="{cls}".*?</svg>', page, re.S)]


def _section(page: str, cls: str) -> str:
    match = re.search(rf'<section class="{cls}">.*?</section>', page, re.S)
    assert match, f"no {cls} section"
    return match.group(0)


def _tables(page: str) -> dict[str, str]:
    """Each estimates table, by the title of its caption."""
    tables = re.findall(r"<table>.*?</table>", _section(page, "estimates"), re.S)
    return {re.search(r"<caption>([^<]*?) <", t).group(1): t for t in tables}  # type: ignore[union-attr]


def _number(text: str) -> float:
    return float(re.sub(r"[,\u202f\s]", "", text).replace("\u2009", ""))


def _scale(table: str) -> tuple[list[tuple[float, str]], list[float]]:
    """The scale of a table's chart: (x, label) of its labelled ticks, and every tick's x."""
    (scale,) = _svgs(table, "scale")
    labels = [(float(t.get("x", "")), t.text or "") for t in scale.iter("text")]
    ticks = [float(line.get("x1", "")) for line in scale.iter("line")]
    return labels, ticks


def _marks(table: str) -> list[ET.Element]:
    return _svgs(table, "mark")


def _where(x: float, ticks: list[tuple[float, str]], log: bool = False) -> float:
    """The value at ``x`` on a scale whose first and last ticks are ``ticks``."""
    (x0, first), (x1, last) = ticks[0], ticks[-1]
    low, high = _number(first), _number(last)
    if log:
        low, high = math.log10(low), math.log10(high)
    value = low + (x - x0) / (x1 - x0) * (high - low)
    return 10**value if log else value


# -- estimates --------------------------------------------------------------------


def test_each_estimate_is_drawn_on_its_row_against_round_ticks(run: Any) -> None:
    tables = _tables(_html(run, "--pages", "0"))
    assert list(tables) == ["Heron pairs", "Chicks ringed", "Wintering ducks"]
    herons = tables["Heron pairs"]
    labels, _ = _scale(herons)
    values = [_number(text) for _, text in labels]
    # Round ticks from zero, 1, 2 or 5 times a power of ten apart.
    assert values[0] == 0
    steps = {b - a for a, b in pairwise(values)}
    assert len(steps) == 1
    step = steps.pop()
    assert step / 10 ** math.floor(math.log10(step)) in (1, 2, 5)
    assert values[-1] >= 200  # room beyond "at least 200" for its arrow
    rows = re.findall(r'<tr data-fact="([^"]+)">', herons)
    marks = _marks(herons)
    assert len(marks) == len(rows) == 4
    by_fact = dict(zip(rows, marks, strict=True))
    # Every mark says what it shows, in words.
    titles = {fact: mark.findtext("title") for fact, mark in by_fact.items()}
    assert titles == {
        "herons-at-most-90": "at most 90 pairs (2022, Marsh Bird Society)",
        "herons-80-150": "from 80 to 150 pairs (2023, Marsh Bird Society)",
        "herons-120": "120 pairs (May 2023, Marsh Bird Society)",
        "herons-at-least-200": "at least 200 pairs (12 April 2024, Herons return to the…)",
    }
    assert by_fact["herons-120"].findtext("desc") == (
        "A dot at 120, on a linear scale from 0 to 250 pairs."
    )
    # Positions follow the values.
    (dot,) = by_fact["herons-120"].iter("circle")
    assert _where(float(dot.get("cx", "")), labels) == pytest.approx(120, abs=0.1)
    (bar,) = by_fact["herons-80-150"].iter("rect")
    left, width = float(bar.get("x", "")), float(bar.get("width", ""))
    assert _where(left, labels) == pytest.approx(80, abs=0.1)
    assert _where(left + width, labels) == pytest.approx(150, abs=0.1)
    # An open range: a stroke at its bound, an arrow pointing away from it.
    for fact, bound, side in (("herons-at-least-200", 200, 1), ("herons-at-most-90", 90, -1)):
        (cap,) = by_fact[fact].iter("rect")
        at = float(cap.get("x", "")) + float(cap.get("width", "")) / 2
        assert _where(at, labels) == pytest.approx(bound, abs=0.1)
        (arrow,) = by_fact[fact].iter("path")
        tip = float(arrow.get("d", "").split("L")[1].split()[0])
        assert (tip - at) * side > 10


def test_a_spread_over_orders_of_magnitude_takes_a_log_scale(run: Any) -> None:
    ducks = _tables(_html(run, "--pages", "0"))["Wintering ducks"]
    labels, ticks = _scale(ducks)
    values = [_number(text) for _, text in labels]
    assert all(math.log10(v).is_integer() for v in values)
    assert values[0] <= 40 and values[-1] >= 1_200_000
    assert len(ticks) > len(labels)  # a tick per power of ten, not all labelled
    marks = _marks(ducks)
    assert "logarithmic" in (marks[0].findtext("desc") or "")
    for mark, value in zip(marks, (40, 8000, 1_200_000), strict=True):
        (dot,) = mark.iter("circle")
        assert _where(float(dot.get("cx", "")), labels, log=True) == pytest.approx(value, rel=1e-3)


def test_equal_estimates_share_a_position_and_a_lone_one_has_no_chart(run: Any) -> None:
    page = _html(run, "--pages", "0")
    chicks = _tables(page)["Chicks ringed"]
    dots = [float(next(m.iter("circle")).get("cx", "")) for m in _marks(chicks)]
    assert len(dots) == 2 and dots[0] == dots[1]
    labels, _ = _scale(chicks)
    assert _where(dots[0], labels) == pytest.approx(300, abs=0.1)
    # One estimate of a measure competes with nothing: a bullet, not a table.
    assert "Some 450 eggs were laid." in page
    assert "Eggs laid" not in page


def test_the_charts_speak_the_language_of_the_brief(run: Any) -> None:
    page = _html(run, "--pages", "0", "--lang", "fr")
    tables = _tables(page)
    herons = {m.findtext("title") for m in _marks(tables["Heron pairs"])}
    assert "au moins 200 pairs (12 avril 2024, Herons return to the…)" in herons
    assert "de 80 à 150 pairs (2023, Marsh Bird Society)" in herons
    labels, _ = _scale(tables["Wintering ducks"])
    assert [text for _, text in labels][-1] == "10\u202f000\u202f000"
    (timeline,) = _svgs(page, "timeline-chart")
    assert timeline.findtext("title") == "Chronologie de 5 événements, de 1961 à mars 2024"
    assert "4 novembre 2023\u00a0: Le 4 novembre 2023, une crue" in (
        timeline.findtext("desc") or ""
    )
    # The label starts with the date: its words do not say it again.
    labels = ["".join(t.itertext()) for t in timeline.iter("text") if t.find("tspan") is not None]
    assert any(label.startswith("4 novembre 2023 Une crue a balayé") for label in labels), labels


def test_markdown_keeps_the_table_and_draws_nothing(run: Any) -> None:
    result = run("--facts-dir", BIRDS, "brief", "-f", "md", "--pages", "0")
    assert "| ≥ 200 |" in result.stdout
    assert "<svg" not in result.stdout


# -- the timeline -------------------------------------------------------------------


def _timeline(page: str) -> ET.Element:
    (timeline,) = _svgs(page, "timeline-chart")
    return timeline


def _labels(timeline: ET.Element) -> list[tuple[str, float, float, float]]:
    """Each event's label: its date, left and right ends, and baseline."""
    return [
        (
            text.findtext("tspan") or "",
            float(text.get("x", "")),
            float(text.get("x", "")) + float(text.get("textLength", "")),
            float(text.get("y", "")),
        )
        for text in timeline.iter("text")
        if text.find("tspan") is not None
    ]


def test_the_timeline_shows_each_dated_event_once_in_order(run: Any) -> None:
    page = _html(run, "--pages", "0")
    timeline = _timeline(page)
    labels = _labels(timeline)
    assert [date for date, *_ in labels] == [
        "1961",
        "March 2019",
        "4 November 2023",
        "4 November 2023",
        "March 2024",
    ]
    # Positions follow the dates; the undated storm is not on it.
    lefts = [left for _, left, _, _ in labels]
    assert lefts == sorted(lefts)
    assert lefts[2] == lefts[3]  # the same day
    assert "storm" not in "".join(timeline.itertext())
    assert timeline.findtext("title") == "Timeline of 5 events, 1961 to March 2024"
    # Partial dates are spans (a bar); a day is a point.
    assert len(list(timeline.iter("circle"))) == 2
    assert sum(1 for r in timeline.iter("rect")) == 3


def test_timeline_labels_never_overlap_nor_cross_a_stem(run: Any) -> None:
    timeline = _timeline(_html(run, "--pages", "0"))
    labels = _labels(timeline)
    # Noto Sans at 7pt reaches 0.77 em above the baseline (ascenders) and 0.25 em below.
    boxes = [(left, right, y - 0.77 * 7, y + 0.25 * 7) for _, left, right, y in labels]
    for a, b in combinations(boxes, 2):
        apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
        assert apart, (a, b)
    width = float(timeline.get("viewBox", "").split()[2])
    assert all(right <= width for _, _, right, _ in labels)
    stems = [
        (float(line.get("x1", "")), float(line.get("y2", "")), float(line.get("y1", "")))
        for line in timeline.iter("line")
        if line.get("x1") == line.get("x2")
        and float(line.get("y1", "")) > float(line.get("y2", ""))
    ]
    assert len(stems) == len(labels)
    for x, top, bottom in stems:
        for left, right, up, down in boxes:
            crossed = left < x < right and top < down and up < bottom
            assert not crossed, (x, left, right)


def test_a_long_gap_breaks_the_axis(run: Any) -> None:
    timeline = _timeline(_html(run, "--pages", "0"))
    years = [t.text for t in timeline.iter("text") if t.find("tspan") is None]
    assert "1961" in years and "2024" in years
    # Time is to scale within a stretch: 1961 does not squeeze 2019–2024 into a corner.
    labels = _labels(timeline)
    width = float(timeline.get("viewBox", "").split()[2])
    assert labels[-1][1] - labels[1][1] > width / 3


@pytest.mark.parametrize(
    ("options", "drawn"),
    [
        (("--pages", "0"), True),
        (("--pages", "0", "--no-timeline"), False),
        (("--timeline",), True),
        (("--no-timeline",), False),
    ],
)
def test_timeline_option(run: Any, options: tuple[str, ...], drawn: bool) -> None:
    page = _html(run, *options)
    assert ('<section class="timeline">' in page) is drawn


def test_one_day_one_event_or_no_date_draws_without_error(run: Any) -> None:
    # Two events on one day: one tick, two labels one above the other.
    page = _html(run, "--since", "2023-11-04", "--until", "2023-11-04", "--timeline")
    labels = _labels(_timeline(page))
    assert [date for date, *_ in labels] == ["4 November 2023", "4 November 2023"]
    assert labels[0][1] == labels[1][1] and labels[0][3] != labels[1][3]
    # One event: drawn when asked for, not where there is merely room.
    assert 'class="timeline"' in _html(run, "--search", "reserve", "--pages", "0", "--timeline")
    assert 'class="timeline"' not in _html(run, "--search", "reserve", "--pages", "0")
    # Undated events only: nothing to draw, and no error.
    assert 'class="timeline"' not in _html(run, "--search", "storm", "--timeline")


def test_timeline_where_there_is_room_never_costs_a_fact(run: Any) -> None:
    """On the shipped base: by default a one-page brief keeps the facts of --no-timeline."""
    for theme in ("military", "japan", "economy"):
        for lang in ("en", "fr"):
            kept = {}
            for option in ("--no-timeline", None):
                args = ["brief", "-t", theme, "--lang", lang, "-f", "json"]
                result = run(*args, *([option] if option else []))
                assert result.exit_code == 0, result.stderr
                kept[option] = json.loads(result.stdout)["omitted"]
            assert kept[None] == kept["--no-timeline"], (theme, lang)


# -- the terminal ---------------------------------------------------------------------


def test_terminal_draws_each_estimate_in_an_aligned_column(run: Any) -> None:
    result = run("--facts-dir", BIRDS, "brief", "-f", "term", "--width", "100", "--pages", "0")
    assert result.exit_code == 0, result.stderr
    block = result.stdout.split("Heron pairs (pairs)")[1].split("Chicks ringed")[0]
    rows = [line for line in block.splitlines() if "Marsh Bird" in line or "Herons return" in line]
    assert len(rows) == 4
    charts = [re.search(r"[·●█▐▌◀▶─]{8,}$", row) for row in rows]
    assert all(charts) and len({m.start() for m in charts if m}) == 1  # one column
    at_most, range_, value, at_least = (m.group(0) for m in charts if m)
    assert at_most.startswith("◀") and "▌" in at_most
    assert "█" in range_
    assert range_.index("█") < value.index("●") <= range_.rindex("█")
    assert at_least.endswith("▶") and at_least.index("▐") > value.index("●")
    scale = block.splitlines()[block.splitlines().index(rows[-1]) + 1]
    assert scale.split() == ["0", "100", "200", "300"]
    assert scale.index("0") >= charts[0].start()  # type: ignore[union-attr]


# -- the PDF ---------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts)"
)


@needs_poppler
def test_pdf_charts_use_the_embedded_fonts_and_carry_alternate_text(
    run: Any, tmp_path: Path
) -> None:
    pdf = tmp_path / "birds.pdf"
    result = run(
        "--facts-dir", BIRDS, "brief", "--pages", "0", "--pdf-variant", "pdf/ua-1", "-o", pdf
    )
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "10,000,000" in text  # the log scale's last tick
    assert "March 2019" in text and "The marsh became a nature" in text  # a timeline label
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("Brief-" in name for name in names), names
    # Tagged: every chart is a figure whose alternate text is its title.
    structure = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf.read_bytes(), re.S):
        try:
            structure += zlib.decompress(stream)
        except zlib.error:
            continue
    titles = re.findall(r"<svg [^>]*><title>([^<]*)</title>", _html(run, "--pages", "0"))
    assert structure.count(b"/S /Figure") == len(titles) == 1 + 3 + 9  # timeline, scales, marks
    assert structure.count(b"/Alt") == len(titles)
    assert b"/Alt (120 pairs \\(May 2023, Marsh Bird Society\\))" in structure


def test_the_page_model_counts_the_charts_to_a_tenth_of_a_point() -> None:
    """The one-page fitting relies on it: estimates tables and timeline, as WeasyPrint lays them out."""
    from briefgen import BriefOptions, BriefRecipe, Selection, load, select_facts
    from briefgen.fitting import PX
    from briefgen.pagemodel import H2, SECTION_GAP, PageModel
    from briefgen.renderers.pdf import Typesetter

    base = load(BIRDS)
    facts = tuple(select_facts(base, Selection()))
    for paper, lang in (("a4", "en"), ("letter", "fr")):
        brief = BriefRecipe(base, facts, (), BriefOptions(lang=lang)).build()
        layout = Typesetter(paper, None, None).layout(brief)
        model = PageModel(paper)
        columns = model.estimate_columns(brief)
        tables, timeline = [], []
        for box in _boxes(layout.pages[0]._page_box):
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != element.tag:
                continue
            if element.tag == "table" and box.is_table_wrapper:
                tables.append(box.margin_height() * PX)
            if element.get("class") == "timeline" and not box.is_table_wrapper:
                timeline.append(box.margin_height() * PX)
        expected = [model.table(group, columns, lang) for group in brief.estimates]
        assert tables == pytest.approx(expected, abs=0.1)
        assert timeline == pytest.approx([H2 + model.timeline(brief) + SECTION_GAP], abs=0.1)
        assert layout.pages[0]._page_box.children[0].margin_height() * PX == pytest.approx(
            model.body(brief), abs=0.1
        )


def _boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)
