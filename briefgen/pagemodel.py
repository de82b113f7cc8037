"""The page model: the height a brief takes in the built-in print template, and
the geometry of its charts, estimated without WeasyPrint.

Below both :mod:`briefgen.fitting`, which chooses the facts a page holds by
this estimate, and the renderers, which draw the charts at the sizes it
gives. The PDF's own layout is behind :class:`Typesetter`, a protocol that
the PDF renderer implements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.brief import Brief, Estimates, Item, JudgmentItem, Note
from briefgen.labels import label
from briefgen.model import Fact
from briefgen.paper import PAPERS
from briefgen.typesetting import (
    SHAPING_ALLOWANCE,
    Face,
    Run,
    height,
    line_count,
    line_width,
    metrics,
)

if TYPE_CHECKING:
    from briefgen.charts import BriefCharts
    from briefgen.cite import Citation


class Refusals(Protocol):
    """What a typesetter's fetcher keeps: the URLs a document named and was not allowed
    to read."""

    refused: list[str]


class Typesetter(Protocol):
    """What fitting needs of the PDF's typesetter (:class:`briefgen.renderers.pdf.Typesetter`
    implements it): lay a brief out in pages, measure how far it overflows them, write it."""

    @property
    def fetcher(self) -> Refusals: ...

    @property
    def notes_block(self) -> bool: ...

    def layout(self, brief: Brief, spread: float = 0.0, one_page: bool = False) -> Any: ...

    def overflow(self, layout: Any, pages: int) -> float: ...

    def write(self, layout: Any) -> bytes: ...


# The spacing of templates/brief.css and print.css, in points: what a block
# takes besides its lines. Names follow the CSS they mirror; a test lays out
# briefs with WeasyPrint and checks the estimate against it.
LEADING = 1.3  # the line height of everything but the title and the notes
BODY = Face(9.5, 9.5 * LEADING)
TABLE = Face(8.5, 8.5 * LEADING)
NOTE = Face(7.5, 7.5 * 1.28)
NOTE_CALL = 6.0  # the size of a note call (print.css: ::footnote-call)
FOOTNOTE_AREA = 6.0 + 0.5 + 3.0  # margin, rule and padding above the footnotes
SMALL = Face(9.0, 9.0 * LEADING)  # bibliography entries
H1 = Face(17.0, 17.0 * 1.15)
SUBTITLE = Face(11.0, 11.0 * LEADING)
BYLINE = Face(8.0, 8.0 * LEADING)
TITLE_BLOCK = 4.0 + 5.0 + 1.2 + 8.0  # byline margin, padding, rule, margin below
H2 = 8.5 * LEADING + 1.5 + 0.5 + 2.5  # line, padding, rule, margin below
SECTION_GAP = 7.0  # margin below a section
RUN_IN_GAP = 4.0  # margin below a section whose head runs in
ITEM_GAP = 2.0  # margin below a bullet
BULLET_INDENT = 11.0
KEY_POINTS_BOX = 5.0 + 3.0  # padding above and below
H2_SIZE = 8.5
BOTTOM_LINE_BOX = 2.0 + 2.0 + 5.0  # padding above and below, margin below
BOTTOM_LINE_INDENT = 2.5 + 8.0  # rule and padding
ASIDE = 0.85  # dates, spreads, grades and confidence: 0.85 em, in the sans face
KEY_POINTS_INDENT = 2.5 + 8.0 + 8.0  # rule and side paddings
CAPTION_PADDING = 2.0  # below a table's caption
TABLE_HEAD = 0.0  # the column heads are out of sight on paper
CELL = 1.5 + 1.5 + 0.5  # padding above and below, rule
CELL_PADDING = 6.0  # right padding of each cell
TABLE_GAP = 6.0
VALUE_PADDING = 10.0
# Room kept between a caption's words and the chart's scale on the same line.
CAPTION_GAP = CELL_PADDING
PAIR_INDENT = 1.5 + 7.0  # the rule joining the two sides of a contradiction, and its padding
PAIR_SPACE = 4.0  # margin below a pair
ENTRY_GAP = 3.0
ENTRY_INDENT = 1.5 * 9.0
# Run-on notes are broken a little narrower than the page: now and then WeasyPrint breaks
# a line of them a word early, at the edge of a note's inline box, which a line that the
# estimate fills to the last point would otherwise not foresee.
NOTES_ALLOWANCE = 4.0  # pt
# A brief longer than a page loses a little at each page break (a bullet and
# its note are kept together): the estimate counts this much per break.
PAGE_BREAK_LOSS = 24.0


class PageModel:
    """The height a brief takes in the built-in print template on ``paper``; with
    ``one_page``, as a brief of one page sets it: the heads of several sections run in."""

    def __init__(self, paper: str = "a4", one_page: bool = False) -> None:
        self.paper = PAPERS.get(paper, PAPERS["a4"])
        self.one_page = one_page

    def room(self, pages: int) -> float:
        """The height ``pages`` pages offer, less what page breaks waste."""
        return pages * self.paper.height - (pages - 1) * PAGE_BREAK_LOSS

    def height(self, brief: Brief) -> float:
        """The brief's body and its footnotes, in points."""
        return self.body(brief) + self.footnotes(brief)

    def body(self, brief: Brief) -> float:
        width = self.paper.width
        lang = brief.lang
        total = self.title_block(brief)
        if brief.is_empty:
            total += height([Run(brief.empty_text)], width, BODY) + SECTION_GAP
        if brief.judgments:
            total += self.judgments(brief)
        if brief.key_points:
            inner = width - KEY_POINTS_INDENT - BULLET_INDENT
            lines = sum(
                height(_statement(item, lang, "serif-bold"), inner, BODY) + ITEM_GAP
                for item in brief.key_points
            )
            total += KEY_POINTS_BOX + H2 - 0.5 + lines + SECTION_GAP
        run_in = runs_heads_in(brief, self.one_page)
        for section in brief.sections:
            if run_in:
                head = [_run_in_label(section.title), Run(" ")]
                total += self.bullets(section.items, lang, head) + RUN_IN_GAP
            else:
                total += H2 + self.bullets(section.items, lang) + SECTION_GAP
        if brief.timeline:
            total += H2 + self.timeline(brief) + SECTION_GAP
        if brief.estimates:
            columns = self.estimate_columns(brief)
            total += H2 + sum(self.table(group, columns, lang) for group in brief.estimates)
            total += SECTION_GAP - TABLE_GAP
        if brief.contradictions:
            total += H2 + self.pairs(brief) + SECTION_GAP - PAIR_SPACE
        if brief.removed:
            total += H2 + self.bullets(brief.removed, lang) + SECTION_GAP
        if brief.notes:
            # The source summary and the legend of the grades: one small paragraph.
            text = brief.summary_text()
            legend = brief.legend()
            if legend:
                text += " " + legend
            total += height([Run(text)], width, NOTE) + SECTION_GAP
        if brief.bibliography_entries:
            total += H2 + sum(
                height(_runs(entry), width - ENTRY_INDENT, SMALL) + ENTRY_GAP
                for entry in brief.bibliography_entries
            )
            total += SECTION_GAP - ENTRY_GAP
        return total

    def judgments(self, brief: Brief) -> float:
        """The bottom line and the key judgments."""
        width = self.paper.width
        lang = brief.lang
        bottom = brief.bottom_line
        assert bottom is not None
        runs = [
            _run_in_label(label(lang, "bottom_line")),
            Run(" "),
            *_judgment(bottom, "serif-bold"),
        ]
        total = BOTTOM_LINE_BOX + height(runs, width - BOTTOM_LINE_INDENT, BODY)
        if brief.key_judgments:
            inner = width - BULLET_INDENT
            total += H2 + sum(height(_judgment(j), inner, BODY) for j in brief.key_judgments)
            total += ITEM_GAP * (len(brief.key_judgments) - 1)
        return total + SECTION_GAP

    def title_block(self, brief: Brief) -> float:
        width = self.paper.width
        total = height([Run(brief.title, "sans-bold")], width, H1)
        if brief.subtitle:
            total += 2.0 + height([Run(brief.subtitle, "serif-italic")], width, SUBTITLE)
        byline = " · ".join(brief.byline())
        total += height([Run(byline, "sans")], width, BYLINE)
        return total + TITLE_BLOCK

    def bullets(self, items: Sequence[Item], lang: str, head: Sequence[Run] = ()) -> float:
        """A list of bullets; ``head``, the runs that start the first (a run-in heading)."""
        width = self.paper.width - BULLET_INDENT
        lines = sum(
            height(
                [*head, *_statement(item, lang)] if i == 0 else _statement(item, lang), width, BODY
            )
            for i, item in enumerate(items)
        )
        return lines + ITEM_GAP * (len(items) - 1)

    def table(self, group: Estimates, columns: Sequence[float], lang: str) -> float:
        """An estimates table: its caption (the scale of its chart on the same line) and rows."""
        from briefgen.charts import AXIS_HEIGHT, ROW_HEIGHT

        value, as_of, source, chart = columns
        caption = [Run(group.title, "sans-bold"), Run(f" ({group.unit})", "sans")]
        if group.spread:
            caption.append(Run(f" [{group.spread}]", "sans", scale=ASIDE))
        lines = height(caption, self.paper.width - chart - CAPTION_GAP, TABLE)
        total = max(lines, AXIS_HEIGHT) + CAPTION_PADDING + TABLE_HEAD + TABLE_GAP
        for row in group.rows:
            cells = [
                height([Run(row.value, "sans-bold")], value - VALUE_PADDING - CELL_PADDING, TABLE),
                height([Run(row.as_of)], as_of - CELL_PADDING, TABLE),
                height(_source(row.item, row.source, lang), source - CELL_PADDING, TABLE),
                ROW_HEIGHT,  # the row's chart
            ]
            total += max(cells) + CELL
        return total

    def estimate_columns(self, brief: Brief) -> tuple[float, float, float, float]:
        """The widths (pt) of the columns of the brief's estimates tables on paper: value,
        date, source and chart. The words take what they need to stay on one line; the
        chart takes the rest, within limits, then the source."""
        from briefgen.charts import MAX_CHART_SHARE, MIN_CHART_WIDTH

        width = self.paper.width
        lang = brief.lang
        rows = [row for group in brief.estimates for row in group.rows]
        value = max(_one_line((Run(row.value, "sans-bold"),), TABLE) for row in rows)
        as_of = max(_one_line((Run(row.as_of),), TABLE) for row in rows)
        source = max(_one_line(tuple(_source(row.item, row.source, lang)), TABLE) for row in rows)
        value += VALUE_PADDING + CELL_PADDING
        as_of += CELL_PADDING
        source += CELL_PADDING
        chart = min(max(width - value - as_of - source, MIN_CHART_WIDTH), width * MAX_CHART_SHARE)
        return value, as_of, width - value - as_of - chart, chart

    def timeline(self, brief: Brief) -> float:
        """The timeline's drawing (not its heading)."""
        from briefgen.charts import timeline

        drawn = timeline(brief.timeline, self.paper.width, brief.lang)
        return drawn.height if drawn else 0.0

    def charts(self, brief: Brief) -> BriefCharts:
        """The brief's charts, as the print template draws them and this model counts them."""
        from briefgen.charts import BriefCharts, estimate_chart, timeline

        columns = self.estimate_columns(brief) if brief.estimates else (0.0, 0.0, 0.0, 0.0)
        width = self.paper.width
        return BriefCharts(
            columns=tuple(round(100 * c / width, 3) for c in columns),
            caption_room=round(100 * (columns[3] + CAPTION_GAP) / width, 3),
            estimates=tuple(estimate_chart(g, columns[3], brief.lang) for g in brief.estimates),
            timeline=timeline(brief.timeline, width, brief.lang),
        )

    def pairs(self, brief: Brief) -> float:
        width = self.paper.width - PAIR_INDENT
        # "VERSUS" in small letter-spaced capitals before the second side.
        versus = Run(label(brief.lang, "versus").upper(), "sans", scale=0.75, tracking=0.45)
        total = 0.0
        for pair in brief.contradictions:
            total += height(_statement(pair.left, brief.lang), width, BODY)
            total += height([versus, Run(" "), *_statement(pair.right, brief.lang)], width, BODY)
            total += PAIR_SPACE
        return total

    def isolated_height(self, fact: Fact, lang: str) -> float:
        """About what ``fact`` takes as a bullet with its note: to compare facts, not to fit.

        Its lines are counted from the width of its text, not broken one by one:
        thousands of facts are compared in a few milliseconds.
        """
        works = sum(1 + len(ref.via) for ref in fact.sources)
        return _isolated(self.paper.width, fact.text_in(lang), works)

    def footnotes(self, brief: Brief) -> float:
        """The notes at the foot of the page: run on, one paragraph."""
        if not brief.notes:
            return 0.0
        runs: list[Run] = []
        for note in brief.notes:
            runs.append(Run(f"{note.number}.\u00a0", "sans-bold"))
            runs += _note_runs(note, brief.lang)
            runs.append(Run("\u2003"))  # the em space between two notes
        return FOOTNOTE_AREA + height(runs, self.paper.width - NOTES_ALLOWANCE, NOTE)


# Fitting compares every fact of a selection several times (its order of importance, the
# pages all would take): at 100,000 facts, four measures of each text took 9 s.
@lru_cache(maxsize=1 << 18)
def _isolated(page_width: float, text: str, works: int) -> float:
    width = (page_width - BULLET_INDENT) * SHAPING_ALLOWANCE
    bullet = math.ceil(metrics().word(text, "serif") * BODY.size / width) * BODY.line_height
    return bullet + ITEM_GAP + NOTE.line_height * 0.5 * works


@lru_cache(maxsize=4096)
def _one_line(runs: tuple[Run, ...], face: Face) -> float:
    """The width (pt) ``runs`` need to stay on one line set in ``face``, with a point
    to spare (kerning and rounding), at which the line breaker keeps them on one line."""
    needed = line_width(runs, face) + 1.0
    while line_count(runs, needed, face) > 1:
        needed += 0.5
    return needed


def runs_heads_in(brief: Brief, one_page: bool) -> bool:
    """Whether the heads of the brief's theme sections run in, at the start of each one's
    first bullet: on a page of its own that holds several (PDF, HTML and Word alike)."""
    return one_page and len(brief.sections) > 1


def _run_in_label(text: str) -> Run:
    """A heading set at the start of a paragraph: letter-spaced capitals, as an h2's."""
    return Run(text.upper(), "sans-bold", scale=H2_SIZE / BODY.size, tracking=0.07 * H2_SIZE)


def _judgment(item: JudgmentItem, font: str = "serif") -> list[Run]:
    """A judgment's text, its likelihood term in bold, its confidence and its note call."""
    before, term, after = item.parts()
    runs = [Run(before, font)] if before else []
    if term:
        runs.append(Run(term, "serif-bold"))
    if after:
        runs.append(Run(after, font))
    runs += [
        # Kept on one line (print.css): "Moderate / confidence." would read as two asides.
        Run(" " + item.confidence_sentence().replace(" ", "\u00a0"), "sans", scale=ASIDE),
        Run(str(item.note), "sans", scale=0.6, padding=0.6),
    ]
    if item.status:
        runs.append(Run(f" ({label(item.lang, 'status_' + item.status)})", "sans", scale=0.85))
    change = item.change()
    if change:
        runs.append(Run(" " + change, "sans", scale=ASIDE))
    return runs


def _statement(
    item: Item, lang: str, font: str = "serif", text: str | None = None, call: float = 0.6
) -> list[Run]:
    """A bullet's text (or ``text``), with its note call (and status) on its last word;
    ``call`` is the size of the call relative to the text's. A bullet starts with its
    date, and ends with its grade and, after its call, the other estimates of its
    measure, each with its own call, where it has them."""
    runs = []
    if item.date and text is None:
        runs.append(Run(item.date + " ", "sans", scale=ASIDE))
    runs.append(Run(item.text if text is None else text, font))
    if item.grade:
        runs.append(Run(f" [{item.grade}]", "sans", scale=ASIDE))
    if item.note is not None:
        runs.append(Run(str(item.note), "sans", scale=call, padding=0.6))
    if item.spread and text is None:
        runs.append(Run(" [", "sans", scale=ASIDE))
        for before, other in item.spread.parts():
            runs.append(Run(before, "sans", scale=ASIDE))
            runs.append(Run(str(other.note), "sans", scale=call, padding=0.6))
        runs.append(Run(item.spread.tail() + "]", "sans", scale=ASIDE))
    if item.status:
        runs.append(Run(f" ({label(lang, 'status_' + item.status)})", "sans", scale=0.85))
    return runs


def _source(item: Item, source: str, lang: str) -> list[Run]:
    """The source cell of an estimates table: who gives the estimate, and its note call
    (6pt, in 8.5pt text: a three-figure call is a point and a half wider than 0.6 em)."""
    return _statement(item, lang, text=source, call=NOTE_CALL / TABLE.size)


def _runs(citation: Citation) -> list[Run]:
    return [
        Run(
            segment.text,
            "sans" if segment.grade else "serif-italic" if segment.italic else "serif",
            url=segment.url is not None,
            scale=0.9 if segment.grade else 1.0,
        )
        for segment in citation
    ]


def _note_runs(note: Note, lang: str) -> list[Run]:
    runs = _runs(note.citation)
    if note.comment:
        runs += [Run(f" {label(lang, 'comment')} ", "serif-italic"), Run(note.comment)]
    return runs
