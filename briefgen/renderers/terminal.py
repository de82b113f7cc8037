"""The brief in a terminal, with rich: a title panel, bullets, tables, notes.

Fact text is always added as :class:`rich.text.Text`, never parsed as rich
markup, so ``[bold]`` in a fact is printed as written. Without a terminal
(``color=False``) the output is plain text with no escape codes.

What belongs together is never split at the end of a line: a locator and its
number (``para. 8``), a grade and what it grades (``para. 8 [C3]``), a date,
the range of a measure's estimates. Those spaces are no-break spaces (U+00A0),
which rich would break at, as at any space: they are drawn as
:data:`_UNBREAKABLE` while rich wraps, and written back as no-break spaces.
"""

from __future__ import annotations

import io
import re

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from briefgen.brief import Brief, Estimates, Item, JudgmentItem
from briefgen.charts import terminal_chart
from briefgen.cite import Citation
from briefgen.labels import label
from briefgen.renderers import superscript
from briefgen.renderers.options import RenderOptions, Terminal

HEADING = Style(bold=True)
MUTED = Style(dim=True)
CHART = Style(color="blue")
# Below this width the two sides of a contradiction are stacked, not side by side.
SIDE_BY_SIDE = 80

NO_BREAK = "\u00a0"
# Stand-ins for the no-break spaces while rich wraps (private-use characters, one cell
# wide): rich breaks lines at every character Python calls a space, these included.
# U+00A0 (no-break space), U+202F (narrow, in French numbers), U+2007 (figure space).
_STAND_INS = {NO_BREAK: "\ue000", "\u202f": "\ue001", "\u2007": "\ue002"}
_UNBREAKABLE = _STAND_INS[NO_BREAK]
_TO_STAND_INS = str.maketrans(_STAND_INS)
_FROM_STAND_INS = str.maketrans({v: k for k, v in _STAND_INS.items()})
# Spaces a line must not break at: before a grade, within brackets of a few words (a
# grade, a range of estimates), after a locator's term (``para. 8``, ``§ 3``, ``n. 12``),
# around the ``and`` of a list of places (``paras. 2 and 5``), within a date.
_GLUED = re.compile(
    r" (?=\[[A-F][1-6]\])"
    r"|\b\d{1,2} [^\W\d_]{3,9}\.? \d{4}\b"
    r"|(?<=\[)[^\]\n]{0,32}(?=\])"
    r"|(?<![\w.])(?:[A-Za-z]{1,6}\.|§§?|tables?|lines?) (?=[\dIVXivx])"
    r"|(?<=\d) (?:and|et|&) (?=\d)"
)
# What a line of colour output ends with after its last character: spaces rich pads
# the line with, among escape codes (SGR styles, OSC 8 links).
_PADDING = re.compile(r" +(?=(?:\x1b\[[0-9;]*m|\x1b\][^\x1b]*\x1b\\| )*$)")


def render_terminal(brief: Brief, options: RenderOptions | None = None) -> str:
    """The brief as terminal text, as wide as ``options.terminal`` says (default 80).

    With colour, the text carries styles and OSC 8 hyperlinks, without colours when
    the terminal says ``no_color`` (``NO_COLOR``).
    """
    terminal = options.terminal if options else Terminal()
    width, color = terminal.width or 80, terminal.color
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color or terminal.no_color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    for renderable in _document(brief, width):
        console.print(renderable)
    output = buffer.getvalue().translate(_FROM_STAND_INS)
    # Drop the spaces rich pads every line with (in colour, those before the closing codes).
    if color:
        return "\n".join(_PADDING.sub("", line) for line in output.split("\n"))
    return "\n".join(line.rstrip() for line in output.split("\n"))


def _glued(text: Text) -> Text:
    """``text`` with the spaces a line must not break at made unbreakable (see above);
    its styles stay where they are, every character keeping its place."""

    def glue(match: re.Match[str]) -> str:
        return match[0].replace(" ", _UNBREAKABLE)

    text.plain = _GLUED.sub(glue, text.plain.translate(_TO_STAND_INS))
    return text


def _document(brief: Brief, width: int) -> list[RenderableType]:
    """The brief, top to bottom, as rich renderables."""
    lang = brief.lang
    parts = _header(brief)
    if brief.is_empty:
        parts.append(Text(brief.empty_text))
    parts += _judgments(brief)
    if brief.key_points:
        parts += [_heading(label(lang, "key_points")), _bullets(brief.key_points, lang)]
    for section in brief.sections:
        parts += [_heading(section.title), _bullets(section.items, lang)]
    if brief.estimates:
        parts.append(_heading(label(lang, "estimates")))
        parts += [_estimates(group, lang, width) for group in brief.estimates]
    if brief.contradictions:
        parts += [_heading(label(lang, "contradictions")), _contradictions(brief, width)]
    if brief.removed:
        parts += [_heading(label(lang, "removed")), _bullets(brief.removed, lang)]
    if brief.notes:
        parts += [_heading(label(lang, "notes")), _notes(brief), _sources(brief)]
    if brief.bibliography_entries:
        parts += [_heading(label(lang, "bibliography")), _bibliography(brief)]
    return parts


def _header(brief: Brief) -> list[RenderableType]:
    """The marking line, and the title panel with the byline."""
    parts: list[RenderableType] = []
    if brief.marking:
        parts.append(Text(brief.marking, style=Style(bold=True, reverse=True), justify="center"))
    header = Text(brief.title, style=Style(bold=True))
    if brief.subtitle:
        header.append("\n" + brief.subtitle, style=Style(italic=True))
    header.append("\n" + " · ".join(brief.byline()), style=MUTED)
    parts.append(Panel(header, box=box.ROUNDED, padding=(0, 1)))
    return parts


def _judgments(brief: Brief) -> list[RenderableType]:
    """The bottom line, the key judgments and what their likelihood terms mean."""
    bottom = brief.bottom_line
    if bottom is None:
        return []
    lang = brief.lang
    lead = Text(label(lang, "bottom_line").upper() + " ", style=Style(bold=True, color="blue"))
    lead.append_text(_judgment(bottom, lang))
    parts: list[RenderableType] = [Padding(lead, (1, 0, 0, 0))]
    if brief.key_judgments:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for item in brief.key_judgments:
            grid.add_row("•", _judgment(item, lang))
        parts += [_heading(label(lang, "key_judgments")), grid]
    return parts


def _judgment(item: JudgmentItem, lang: str) -> Text:
    """A judgment: its likelihood term in bold, its confidence apart, its note."""
    before, term, after = item.parts()
    text = Text(before)
    text.append(term, style=Style(bold=True))
    text.append(after)
    text.append(" " + item.confidence_sentence(), style=MUTED)
    text.append(superscript(item.notes), style=Style(bold=True))
    if item.status:
        text.append(f" ({label(lang, 'status_' + item.status)})", style=Style(italic=True))
    change = item.change()
    if change:
        text.append(" " + change, style=MUTED)
    return _glued(text)


def _contradictions(brief: Brief, width: int) -> RenderableType:
    """The two sides of each contradiction: side by side on a wide terminal, else one
    under the other, the second led by "versus"."""
    lang = brief.lang
    if width < SIDE_BY_SIDE:
        stacked = Table.grid(padding=(0, 1))
        stacked.add_column(no_wrap=True)
        stacked.add_column(ratio=1)
        for number, pair in enumerate(brief.contradictions):
            if number:
                stacked.add_row("", "")
            versus = Text(label(lang, "versus") + " ", style=MUTED)
            stacked.add_row("•", _with_markers(pair.left, lang))
            stacked.add_row("", versus.append_text(_with_markers(pair.right, lang)))
        return stacked
    table = Table(box=box.SIMPLE, show_header=False, expand=True, pad_edge=False)
    table.add_column(ratio=1)
    table.add_column(justify="center", style=MUTED, no_wrap=True)
    table.add_column(ratio=1)
    for pair in brief.contradictions:
        table.add_row(
            _with_markers(pair.left, lang),
            label(lang, "versus"),
            _with_markers(pair.right, lang),
        )
    return table


def _notes(brief: Brief) -> RenderableType:
    """The numbered notes, each with the analyst's comment if there is one."""
    notes = Table.grid(padding=(0, 1))
    notes.add_column(justify="right", style=MUTED)
    notes.add_column(ratio=1)
    for note in brief.notes:
        text = _citation(note.citation)
        if note.comment:
            text.append(f" {label(brief.lang, 'comment')} ", style=Style(italic=True))
            text.append(note.comment)
        notes.add_row(f"{note.number}.", text)
    return notes


def _sources(brief: Brief) -> RenderableType:
    """The source summary and the legend of the grades."""
    footer = [_glued(Text(brief.summary_text(), style=MUTED))]
    legend = brief.legend()
    if legend:
        footer.append(_glued(Text(legend, style=MUTED)))
    return Padding(Group(*footer), (1, 0, 0, 0))


def _bibliography(brief: Brief) -> RenderableType:
    entries = [
        Padding(_citation(entry), (1 if i else 0, 0, 0, 0))
        for i, entry in enumerate(brief.bibliography_entries)
    ]
    return Group(*entries)


def _estimates(group: Estimates, lang: str, width: int) -> RenderableType:
    """A table of competing estimates, each drawn on a shared scale in its last column."""
    cells = min(max(width // 5, 12), 40)
    chart = terminal_chart(group, cells, lang)
    spread = f" [{group.spread}]" if group.spread else ""
    table = Table(
        title=f"{group.title} ({group.unit}){spread}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        title_style=Style(italic=True),
        expand=True,
        pad_edge=False,
    )
    table.add_column(label(lang, "value"), justify="right", no_wrap=True)
    table.add_column(label(lang, "as_of"), no_wrap=True)
    table.add_column(label(lang, "source"), ratio=1)
    table.add_column(label(lang, "chart"), width=cells, no_wrap=True, overflow="crop")
    for row, marks in zip(group.rows, chart.rows, strict=True):
        table.add_row(
            row.value, row.as_of, _with_markers(row.item, lang, row.source), Text(marks, CHART)
        )
    # The scale's labels, under the chart.
    table.add_row("", "", "", Text(chart.axis, style=MUTED))
    return table


def _heading(title: str) -> RenderableType:
    return Padding(Rule(Text(title, style=HEADING), align="left", characters="─"), (1, 0, 0, 0))


def _with_markers(item: Item, lang: str, text_shown: str | None = None) -> Text:
    text = Text()
    if item.date and text_shown is None:
        text.append(item.date.replace(" ", NO_BREAK) + " ", style=MUTED)
    text.append(item.text if text_shown is None else text_shown)
    if item.grade:
        text.append(f" [{item.grade}]", style=MUTED)
    text.append(superscript(item.notes), style=Style(bold=True))
    if item.spread and text_shown is None:
        # The other estimates of its measure, each with its note.
        text.append(" [", style=MUTED)
        for before, other in item.spread.parts():
            text.append(before, style=MUTED)
            text.append(superscript(other.notes), style=Style(bold=True))
        text.append(item.spread.tail() + "]", style=MUTED)
    if item.status:
        text.append(f" ({label(lang, 'status_' + item.status)})", style=Style(italic=True))
    return _glued(text)


def _bullets(items: tuple[Item, ...], lang: str) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row("•", _with_markers(item, lang))
    return grid


def _citation(citation: Citation) -> Text:
    text = Text()
    for segment in citation:
        style = Style(italic=segment.italic or None, link=segment.url, dim=segment.grade or None)
        text.append(segment.text, style=style)
    return _glued(text)
