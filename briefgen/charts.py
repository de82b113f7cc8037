"""Charts: competing estimates on a shared scale, and dated events on a timeline.

This module computes geometry only, as plain data in points: the scale and its
round ticks, where each mark goes, which row each label of the timeline takes
so that no two overlap. Text is measured with the metrics of the fonts the PDF
embeds (:mod:`briefgen.typesetting`). The HTML template draws the shapes as
inline SVG (``templates/brief.html.j2``), the terminal draws the estimates with
block characters, and the page model (:mod:`briefgen.fitting`) counts the very
heights given here: a chart's height is a function of its rows, written once.

Words (titles and descriptions that state the numbers, for readers who do not
see the chart) come from :mod:`briefgen.labels`, in the brief's language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from briefgen.labels import MINOR_WORDS_EN, MINOR_WORDS_FR, format_date, format_number, label
from briefgen.model import PartialDate
from briefgen.typesetting import metrics

if TYPE_CHECKING:
    from briefgen.brief import Estimates, Item
    from briefgen.model import Quantity

# -- sizes, in points (the print template's: briefgen.fitting counts them) ----

TEXT_SIZE = 7.0  # tick labels and event labels, in the sans-serif of the brief
# A row of an estimates table is one line of 8.5pt table text (brief.css):
# its chart is exactly that tall, so that a chart never makes a row taller.
ROW_HEIGHT = 8.5 * 1.3
AXIS_HEIGHT = ROW_HEIGHT  # the scale of an estimates chart, on its caption's line
MARK_Y = 6.0  # the middle of the marks in a row: level with the middle of its figures
DOT_RADIUS = 2.4
BAR_HEIGHT = 3.6
CAP_HEIGHT = 6.4  # the stroke that closes an open range at its bound
ARROW = 3.2  # length of an arrowhead
# The least room between two labels: more than the PDF needs, so that a web
# page that sets them in a wider font than the PDF's still keeps them apart.
LABEL_GAP = 6.0
MAX_TICKS = 6  # on a scale of numbers: a few round values read faster than many
# An estimates chart needs room for a few round ticks; the rest of the table
# goes to the words (value, date, source), so that they do not wrap.
MIN_CHART_WIDTH = 96.0
MAX_CHART_SHARE = 0.42

# The timeline, top to bottom: rows of labels, stems, the marks on the axis, the ticks.
TIMELINE_ROW = 9.0  # one row of labels
TIMELINE_BASELINE = 6.6  # of a label, from the top of its row
TIMELINE_STEM_GAP = 4.0  # stems only, between the lowest labels and the marks
TIMELINE_MARK = 2.4  # half the height of a mark on the axis
TIMELINE_TICK = 2.0
TIMELINE_TICK_BASELINE = 8.8  # of a tick label, below the axis
TIMELINE_BOTTOM = 2.2  # below the tick labels' baseline: their descenders
LABEL_MAX_SHARE = 0.3  # of the width: the longest label, date and words
BREAK_GAP = 10.0  # where the axis is broken, between two spans of time
MIN_SEGMENT = 34.0

Role = Literal["mark", "open", "track", "tick", "axis", "stem", "text", "date"]


# -- shapes: what the template draws --------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One thing to draw: a ``circle`` (x, y, r), a ``rect`` (x, y, w, h), a ``line``
    (x, y to x2, y2), a ``path`` (``d``, stroked) or ``text`` (at x, y; ``lead``, if
    any, in bold before it). ``role`` says which ink: the template's choice."""

    kind: Literal["circle", "rect", "line", "path", "text"]
    role: Role
    x: float = 0.0
    y: float = 0.0
    x2: float = 0.0  # line: end; rect: width; circle: radius
    y2: float = 0.0  # line: end; rect: height
    d: str = ""
    text: str = ""
    lead: str = ""
    anchor: Literal["start", "middle", "end"] = "start"
    length: float = 0.0  # text: its width in the PDF's font, which labels were placed by

    @property
    def width(self) -> float:
        return self.x2

    @property
    def height(self) -> float:
        return self.y2

    @property
    def r(self) -> float:
        return self.x2


def _circle(role: Role, x: float, y: float, r: float) -> Shape:
    return Shape("circle", role, _pt(x), _pt(y), _pt(r))


def _rect(role: Role, x: float, y: float, width: float, height: float) -> Shape:
    return Shape("rect", role, _pt(x), _pt(y), _pt(width), _pt(height))


def _line(role: Role, x: float, y: float, x2: float, y2: float) -> Shape:
    return Shape("line", role, _pt(x), _pt(y), _pt(x2), _pt(y2))


def _path(role: Role, *points: tuple[float, float]) -> Shape:
    d = " ".join(f"{'M' if i == 0 else 'L'}{_pt(x)} {_pt(y)}" for i, (x, y) in enumerate(points))
    return Shape("path", role, d=d)


Anchor = Literal["start", "middle", "end"]


def _text(
    role: Role, x: float, y: float, text: str, anchor: Anchor = "middle", lead: str = ""
) -> Shape:
    length = text_width(lead, bold=True) + text_width(text)
    return Shape(
        "text", role, _pt(x), _pt(y), text=text, lead=lead, anchor=anchor, length=_pt(length)
    )


def _pt(value: float) -> float:
    """Two decimals: the same SVG from the same brief, and short."""
    return round(value, 2) + 0.0  # + 0.0: no "-0.0"


# -- measuring text -------------------------------------------------------------


def text_width(text: str, bold: bool = False, size: float = TEXT_SIZE) -> float:
    """The width of ``text`` set in the sans-serif of the PDF at ``size`` pt."""
    return metrics().word(text, "sans-bold" if bold else "sans") * size


# -- a scale of numbers ---------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    value: float
    x: float
    label: str  # "" for a tick left unlabelled, so that labels do not collide


@dataclass(frozen=True)
class Scale:
    """Numbers from ``start`` to ``end`` drawn from ``x0`` to ``x1``."""

    start: float
    end: float
    log: bool
    x0: float
    x1: float
    ticks: tuple[Tick, ...]

    def x(self, value: float) -> float:
        """Where ``value`` is drawn (a value beyond the scale, at its end)."""
        if self.log:
            low, high = math.log10(self.start), math.log10(self.end)
            where = (math.log10(max(value, self.start)) - low) / (high - low)
        else:
            where = (value - self.start) / (self.end - self.start)
        return self.x0 + min(max(where, 0.0), 1.0) * (self.x1 - self.x0)


def number_scale(
    quantities: Sequence[Quantity],
    width: float,
    lang: str,
    measure: Callable[[str], float] = text_width,
    gap: float = LABEL_GAP,
    edge: float = max(DOT_RADIUS, ARROW) + 0.6,
) -> Scale:
    """A scale for ``quantities`` across ``width``, with round ticks whose labels
    (as wide as ``measure`` says) do not collide.

    Linear from zero, in steps of 1, 2 or 5 times a power of ten; logarithmic,
    a tick a power of ten, when the numbers span more than two orders of
    magnitude. An open range ("at least") gets room beyond its bound.
    """
    numbers = [float(n) for q in quantities for n in q.numbers()]
    at_least = [float(q.low) for q in quantities if q.low is not None and q.high is None]
    at_most = [float(q.high) for q in quantities if q.high is not None and q.low is None]
    smallest, largest = min(numbers), max(numbers)
    if smallest > 0 and largest / smallest > 100:
        return _log_scale(smallest, largest, at_least, at_most, width, lang, measure, gap, edge)
    return _linear_scale(smallest, largest, at_least, at_most, width, lang, measure, gap, edge)


def _linear_scale(
    smallest: float,
    largest: float,
    at_least: Sequence[float],
    at_most: Sequence[float],
    width: float,
    lang: str,
    measure: Callable[[str], float],
    gap: float,
    edge: float,
) -> Scale:
    low, high = min(0.0, smallest), max(0.0, largest)
    if low == high:
        high = low + 1.0
    for step in _steps(high - low):
        start = math.floor(low / step + 1e-9) * step
        end = math.ceil(high / step - 1e-9) * step
        # An open range needs room beyond its bound, for its arrow.
        if any(v >= end - 1e-9 * step for v in at_least):
            end += step
        if any(v <= start + 1e-9 * step for v in at_most):
            start -= step
        count = round((end - start) / step) + 1
        if count > MAX_TICKS:
            continue
        values = [_round(start + i * step, step) for i in range(count)]
        labels = [format_number(v, lang) for v in values]
        scale = _fitted(values, labels, False, width, measure, gap, edge)
        if scale is not None:
            return scale
    return _crowded([low, high], lang, False, width, measure, edge)


def _log_scale(
    smallest: float,
    largest: float,
    at_least: Sequence[float],
    at_most: Sequence[float],
    width: float,
    lang: str,
    measure: Callable[[str], float],
    gap: float,
    edge: float,
) -> Scale:
    # Within what a float holds: 10 ** -324 is zero.
    first = max(math.floor(math.log10(smallest) + 1e-9), -300)
    last = min(math.ceil(math.log10(largest) - 1e-9), 300)
    if any(math.log10(v) >= last - 1e-9 for v in at_least):
        last += 1
    if any(math.log10(v) <= first + 1e-9 for v in at_most):
        first -= 1
    values = [10.0**p for p in range(first, last + 1)]
    labels = [format_number(v if v < 1 else round(v), lang) for v in values]
    # Label every decade, else every other one, and so on, until the labels fit.
    for every in range(1, len(values)):
        shown = [
            lab if i % every == 0 or i == len(values) - 1 else "" for i, lab in enumerate(labels)
        ]
        if every > 1 and (len(values) - 1) % every:
            continue
        scale = _fitted(values, shown, True, width, measure, gap, edge)
        if scale is not None:
            return scale
    return _crowded([values[0], values[-1]], lang, True, width, measure, edge)


def _fitted(
    values: Sequence[float],
    labels: Sequence[str],
    log: bool,
    width: float,
    measure: Callable[[str], float],
    gap: float,
    edge: float,
) -> Scale | None:
    """The scale with these ticks, if their labels fit side by side; else None."""
    widths = [measure(text) if text else 0.0 for text in labels]
    x0 = max(edge, widths[0] / 2)
    x1 = width - max(edge, widths[-1] / 2)
    if x1 <= x0:
        return None
    scale = Scale(values[0], values[-1], log, x0, x1, ())
    positions = [scale.x(v) for v in values]
    shown = [(x, w) for x, w in zip(positions, widths, strict=True) if w]
    for (xa, wa), (xb, wb) in pairwise(shown):
        if xa + wa / 2 + gap > xb - wb / 2:
            return None
    ticks = tuple(
        Tick(v, _pt(x), text) for v, x, text in zip(values, positions, labels, strict=True)
    )
    return Scale(values[0], values[-1], log, _pt(x0), _pt(x1), ticks)


def _crowded(
    values: Sequence[float],
    lang: str,
    log: bool,
    width: float,
    measure: Callable[[str], float],
    edge: float,
) -> Scale:
    """A scale too narrow for its labels: its two ends, labelled where they fit."""
    start, end = values[0], values[-1]
    if end == start:
        end = start + 1.0
    labels = [format_number(start, lang), format_number(end, lang)]
    scale = _fitted([start, end], labels, log, width, measure, 1.0, edge)
    if scale is None:
        scale = _fitted([start, end], ["", ""], log, width, measure, 1.0, edge)
    assert scale is not None
    return scale


def _steps(span: float) -> list[float]:
    """Round steps (1, 2, 5 times a power of ten), smallest first, from a tenth of ``span``;
    none for a span a float cannot divide so (beyond 1e±300)."""
    if not 1e-300 < span < 1e300:
        return []
    power = math.floor(math.log10(span)) - 1
    return [m * 10.0**p for p in range(power, power + 3) for m in (1, 2, 5)]


def _round(value: float, step: float) -> float:
    """``value`` without the noise of floating point (0.30000000000000004)."""
    digits = max(0, -math.floor(math.log10(step)) + 1) if step < 1 else 0
    rounded = round(value, digits)
    return float(int(rounded)) if rounded == int(rounded) else rounded


# -- competing estimates --------------------------------------------------------


@dataclass(frozen=True)
class EstimateMark:
    """One estimate drawn on its table row: shapes, and what they say in words."""

    shapes: tuple[Shape, ...]
    title: str
    desc: str


@dataclass(frozen=True)
class EstimateChart:
    """The chart of one table of competing estimates: its scale (drawn on the
    caption's line) and a mark for each row, on rows ``width`` by ``ROW_HEIGHT`` pt."""

    width: float
    scale: Scale
    axis: tuple[Shape, ...]
    marks: tuple[EstimateMark, ...]
    title: str
    desc: str
    row_height: float = _pt(ROW_HEIGHT)
    axis_height: float = _pt(AXIS_HEIGHT)


def estimate_chart(group: Estimates, width: float, lang: str) -> EstimateChart:
    """The chart of ``group`` in a column ``width`` pt wide."""
    quantities = [_quantity(row.item) for row in group.rows]
    scale = number_scale(quantities, width, lang)
    axis: list[Shape] = []
    for tick in scale.ticks:
        axis.append(_line("tick", tick.x, AXIS_HEIGHT - 1.8, tick.x, AXIS_HEIGHT))
        if tick.label:
            axis.append(_text("text", tick.x, 7.0, tick.label))
    words = _scale_words(scale, group.unit, lang)
    marks = tuple(
        _estimate_mark(q, scale, group.unit, row.as_of, row.source, words, lang)
        for q, row in zip(quantities, group.rows, strict=True)
    )
    ticks = label(lang, "list_separator").join(format_number(t.value, lang) for t in scale.ticks)
    return EstimateChart(
        width=_pt(width),
        scale=scale,
        axis=tuple(axis),
        marks=marks,
        title=label(lang, "chart_scale_title", title=group.title, scale=words),
        desc=label(
            lang,
            "chart_scale_desc",
            kind=label(lang, "scale_log" if scale.log else "scale_linear"),
            ticks=ticks,
            unit=group.unit,
        ),
    )


def _quantity(item: Item) -> Quantity:
    quantity = item.fact.quantity
    assert quantity is not None, "an estimate is a fact with a quantity"
    return quantity


def _scale_words(scale: Scale, unit: str, lang: str) -> str:
    """``a linear scale from 0 to 15,000 soldiers``."""
    return label(
        lang,
        "chart_scale",
        kind=label(lang, "scale_log" if scale.log else "scale_linear"),
        start=format_number(scale.start, lang),
        end=format_number(scale.end, lang),
        unit=unit,
    )


def estimate_words(quantity: Quantity, lang: str) -> str:
    """``12,000``, ``from 10,000 to 16,500``, ``at least 2,000,000``, ``at most 800``."""
    if quantity.value is not None:
        return format_number(quantity.value, lang)
    if quantity.low is not None and quantity.high is not None:
        low, high = format_number(quantity.low, lang), format_number(quantity.high, lang)
        return label(lang, "estimate_range", low=low, high=high)
    if quantity.low is not None:
        return label(lang, "estimate_at_least", low=format_number(quantity.low, lang))
    return label(lang, "estimate_at_most", high=format_number(quantity.high or 0, lang))


def _estimate_mark(
    quantity: Quantity,
    scale: Scale,
    unit: str,
    as_of: str,
    source: str,
    scale_words: str,
    lang: str,
) -> EstimateMark:
    y = MARK_Y
    shapes: list[Shape] = [_line("track", scale.x0, y, scale.x1, y)]
    shapes += [_line("track", t.x, y - 1.6, t.x, y + 1.6) for t in scale.ticks]
    low, high = quantity.low, quantity.high
    if quantity.value is not None:
        shapes.append(_circle("mark", scale.x(quantity.value), y, DOT_RADIUS))
        shape = "chart_dot"
    elif low is not None and high is not None:
        left, right = scale.x(low), scale.x(high)
        if right - left < 2 * DOT_RADIUS:  # too short to read as a bar: a dot
            shapes.append(_circle("mark", (left + right) / 2, y, DOT_RADIUS))
        else:
            shapes.append(_rect("mark", left, y - BAR_HEIGHT / 2, right - left, BAR_HEIGHT))
        shape = "chart_bar"
    elif low is not None:
        shapes += _open_range(scale.x(low), scale.x1, y)
        shape = "chart_from"
    else:
        shapes += _open_range(scale.x(high or 0), scale.x0, y)
        shape = "chart_upto"
    estimate = estimate_words(quantity, lang)
    return EstimateMark(
        shapes=tuple(shapes),
        title=label(
            lang, "chart_estimate", estimate=estimate, unit=unit, date=as_of, source=source
        ),
        desc=label(lang, shape, estimate=estimate, scale=scale_words),
    )


def _open_range(bound: float, tip: float, y: float) -> list[Shape]:
    """A bound closed by a stroke, open towards ``tip``: a line ending in an open arrowhead."""
    side = 1.0 if tip >= bound else -1.0
    half = CAP_HEIGHT / 2
    return [
        _rect("mark", bound - 0.7, y - half, 1.4, CAP_HEIGHT),
        _line("open", bound, y, tip - side * 0.6, y),
        _path(
            "open",
            (tip - side * ARROW, y - ARROW * 0.75),
            (tip, y),
            (tip - side * ARROW, y + ARROW * 0.75),
        ),
    ]


# -- competing estimates in a terminal --------------------------------------------

# A range, an estimate, an open end, the track: block and geometric characters
# that every monospaced font draws one cell wide.
TERM_BAR = "█"
TERM_DOT = "●"
TERM_TRACK = "·"
TERM_FROM = "▶"
TERM_UPTO = "◀"
TERM_OPEN = "─"
TERM_CAP_FROM = "▐"
TERM_CAP_UPTO = "▌"


@dataclass(frozen=True)
class TerminalChart:
    """An estimates chart in character cells: one string per row, and the scale's labels."""

    rows: tuple[str, ...]
    axis: str


def terminal_chart(group: Estimates, cells: int, lang: str) -> TerminalChart:
    """The rows of ``group`` drawn across ``cells`` columns, on one scale."""
    quantities = [_quantity(row.item) for row in group.rows]
    scale = number_scale(
        quantities, float(cells), lang, measure=lambda text: float(len(text)), gap=1.0, edge=0.5
    )

    def cell(x: float) -> int:
        return min(cells - 1, max(0, int(x)))

    rows = []
    for quantity in quantities:
        line = [TERM_TRACK] * cells
        low, high = quantity.low, quantity.high
        if quantity.value is not None:
            line[cell(scale.x(quantity.value))] = TERM_DOT
        elif low is not None and high is not None:
            for i in range(cell(scale.x(low)), cell(scale.x(high)) + 1):
                line[i] = TERM_BAR
        elif low is not None:
            start = cell(scale.x(low))
            line[start:] = [TERM_OPEN] * (cells - start)
            line[start], line[-1] = TERM_CAP_FROM, TERM_FROM
        else:
            end = cell(scale.x(high or 0))
            line[: end + 1] = [TERM_OPEN] * (end + 1)
            line[0], line[end] = TERM_UPTO, TERM_CAP_UPTO
        rows.append("".join(line))
    axis = [" "] * cells
    for tick in scale.ticks:
        if not tick.label:
            continue
        start = min(max(0, round(tick.x - len(tick.label) / 2)), cells - len(tick.label))
        axis[start : start + len(tick.label)] = list(tick.label)
    return TerminalChart(tuple(rows), "".join(axis).rstrip())


# -- the charts of a brief -------------------------------------------------------


@dataclass(frozen=True)
class BriefCharts:
    """What the template draws: the estimates tables' columns (percentages of the
    table: value, date, source, chart) and the room their captions leave for the
    scale, a chart per estimates table, and the timeline (None: no dated event)."""

    columns: tuple[float, ...]
    caption_room: float
    estimates: tuple[EstimateChart, ...]
    timeline: Timeline | None


# -- the timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """The brief's dated events on one axis: ``width`` by ``height`` pt."""

    width: float
    height: float
    shapes: tuple[Shape, ...]  # axis, ticks, stems, marks
    labels: tuple[Shape, ...]  # one text per event
    rows: int  # rows of labels
    title: str
    desc: str


def timeline_height(rows: int) -> float:
    """The height of a timeline whose labels take ``rows`` rows."""
    return _pt(rows * TIMELINE_ROW + _axis_y_offset() + TIMELINE_TICK_BASELINE + TIMELINE_BOTTOM)


def _axis_y_offset() -> float:
    """From the foot of the lowest row of labels to the axis."""
    return TIMELINE_STEM_GAP + TIMELINE_MARK


@dataclass(frozen=True)
class _Segment:
    """A stretch of time (days since year 1) drawn from x0 to x1."""

    start: int
    end: int
    events: int = 1  # how many events it holds
    x0: float = 0.0
    x1: float = 0.0

    def x(self, day: float) -> float:
        return self.x0 + (day - self.start) / (self.end - self.start) * (self.x1 - self.x0)


@dataclass(frozen=True)
class _Event:
    item: Item
    first: int  # day ordinals of the span the date covers
    last: int  # the day after it ends
    lead: str  # the date, in bold
    words: str
    width: float  # of the whole label
    point: bool  # dated to the day


def timeline(items: Sequence[Item], width: float, lang: str) -> Timeline | None:
    """The timeline of ``items``, a brief's :attr:`~briefgen.brief.Brief.timeline`
    (its dated events, each once), or None if there are none.

    Each event is a tick on the axis (a span for a month or a year), with a
    label, its date and the first words of its text, on a stem. Labels run
    to the right of their stem; each takes the lowest row above the labels of
    the events it would cover, so no two labels overlap and no stem crosses a
    label. The axis is broken where a long gap would crowd the rest.
    """
    if not items:
        return None
    # A label may take more of the width when there are few.
    most = width * max(LABEL_MAX_SHARE, min(0.45, 0.9 / len(items)))
    # By start, then end: of events that start on the same day, the shorter first.
    events = sorted(
        (_event(item, lang, most) for item in items),
        key=lambda e: (e.first, e.last, e.item.fact.id),
    )
    segments = _segments(events)
    # The axis ends short of the right edge, by as much as the labels there need.
    plot = _plot_width(events, segments, width)
    placed = _place_segments(segments, plot)
    xs = [_x_of(e.first, placed) for e in events]
    rows = _label_rows(xs, [e.width for e in events])
    count = max(rows) + 1
    height = timeline_height(count)
    axis_y = count * TIMELINE_ROW + _axis_y_offset()
    shapes: list[Shape] = []
    for i, segment in enumerate(placed):
        shapes.append(_line("axis", segment.x0, axis_y, segment.x1, axis_y))
        gap_before = segment.x0 - placed[i - 1].x1 if i else 0.0
        if i:  # a break: two short slants
            for dx in (-1.6, 1.6):
                x = segment.x0 - gap_before / 2 + dx
                shapes.append(_line("axis", x - 1.0, axis_y + 2.4, x + 1.0, axis_y - 2.4))
        left = 0.0 if i == 0 else segment.x0 - gap_before / 2 + 1
        right = width if i == len(placed) - 1 else (segment.x1 + placed[i + 1].x0) / 2 - 1
        shapes += _time_ticks(segment, (left, right), axis_y, lang)
    labels: list[Shape] = []
    for event, x, row in zip(events, xs, rows, strict=True):
        top = (count - 1 - row) * TIMELINE_ROW
        shapes.append(_line("stem", x, axis_y, x, top + 1.2))
        end = _x_of(event.last, placed)
        # A month or a year is a span; a day, a point.
        if not event.point and end - x >= 2.0:
            shapes.append(
                _rect("mark", x, axis_y - TIMELINE_MARK / 2 - 0.6, end - x, TIMELINE_MARK + 1.2)
            )
        else:
            shapes.append(_circle("mark", x, axis_y, TIMELINE_MARK - 0.4))
        labels.append(
            _text(
                "text",
                x + 2.0,
                top + TIMELINE_BASELINE,
                f" {event.words}" if event.words else "",
                "start",
                event.lead,
            )
        )
    first, last = events[0].item.fact.date, events[-1].item.fact.date
    assert first is not None and last is not None
    separator = label(lang, "list_separator")
    return Timeline(
        width=_pt(width),
        height=height,
        shapes=tuple(shapes),
        labels=tuple(labels),
        rows=count,
        title=label(
            lang,
            "timeline_title_one" if len(events) == 1 else "timeline_title",
            n=len(events),
            start=format_date(first, lang),
            end=format_date(last, lang),
        ),
        desc=separator.join(
            f"{e.lead}{label(lang, 'colon')}{e.item.text}".rstrip(".") for e in events
        )
        + ".",
    )


def _event(item: Item, lang: str, most: float) -> _Event:
    date = item.fact.date
    assert date is not None
    lead = format_date(date, lang)
    first = date.first_day().toordinal()
    last = date.last_day().toordinal() + 1
    room = most - text_width(lead, bold=True) - text_width(" ") - 2.0
    words = short_text(without_date(item.text, date, lang), room, lang)
    width = 2.0 + text_width(lead, bold=True) + (text_width(" " + words) if words else 0.0)
    return _Event(item, first, last, lead, words, width, date.day is not None)


ELLIPSIS = "\u2026"


def without_date(text: str, date: PartialDate, lang: str) -> str:
    """``text`` less a date it opens with ("On 8 October 2024, Seoul..." -> "Seoul..."):
    the label of an event already starts with its date."""
    forms = [format_date(date, lang)]
    if date.month is not None:
        forms.append(format_date(PartialDate(date.year, date.month), lang))
    forms.append(str(date.year))
    for form in forms:
        # The date, after at most one word ("On", "In", "Le", "En"), then a comma or a space.
        match = re.match(rf"^(?:\w+\s+)?{re.escape(form)}(?:,\s*|\s+)(?=\w)", text, re.IGNORECASE)
        if match:
            rest = text[match.end() :]
            return rest[:1].upper() + rest[1:]
    return text


def short_text(text: str, room: float, lang: str) -> str:
    """The first words of ``text`` that fit in ``room`` pt, cut at a word boundary,
    with an ellipsis if cut (and not ending on "and", "of", "the"...). "" if none fit."""
    text = " ".join(text.split())
    if text_width(text) <= room:
        return text
    minor = MINOR_WORDS_FR if lang == "fr" else MINOR_WORDS_EN
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if text_width(" ".join([*kept, word]) + ELLIPSIS) > room:
            break
        kept.append(word)
    while kept and (kept[-1].lower().strip(",;:") in minor or kept[-1][-1] in "-–—"):
        kept.pop()
    if not kept:
        return ""
    return " ".join(kept).rstrip(",;:.") + ELLIPSIS


def _segments(events: Sequence[_Event]) -> list[_Segment]:
    """Spans of time to draw, split where a gap is longer than half the whole and
    three years: 1945 and 2022–2025 on one line would crowd 2022–2025 together."""
    spans = [(e.first, e.last) for e in events]

    def split(group: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        start, end = group[0][0], max(last for _, last in group)
        best, where = 0, 0
        reach = group[0][1]
        for i in range(1, len(group)):
            gap = group[i][0] - reach
            if gap > best:
                best, where = gap, i
            reach = max(reach, group[i][1])
        if best > (end - start) / 2 and best > 3 * 365:
            return split(group[:where]) + split(group[where:])
        return [group]

    return [
        replace(_round_span(g[0][0], max(last for _, last in g)), events=len(g))
        for g in split(spans)
    ]


def _round_span(first: int, last: int) -> _Segment:
    """The stretch of time to draw around events from day ``first`` to ``last``
    (excluded): whole years around two years or more, whole quarters around
    less; for events within three months, the month before them to the month
    after, so that a month-long span does not fill the axis."""
    start, end = dt.date.fromordinal(first), dt.date.fromordinal(last - 1)
    if last - first < 92:
        return _Segment(_month(start, -1), _month(end, 2))
    if last - first < 2 * 365:
        return _Segment(
            _month(start, -((start.month - 1) % 3)), _month(end, 3 - (end.month - 1) % 3)
        )
    return _Segment(_month(start, 1 - start.month), _month(end, 13 - end.month))


LAST_DAY = dt.date.max.toordinal()


def _month(day: dt.date, shift: int) -> int:
    """The first day of the month ``shift`` months after the month of ``day``, as an
    ordinal, within the calendar (years 1 to 9999)."""
    year, month = divmod(day.year * 12 + day.month - 1 + shift, 12)
    if year < 1:
        return 1
    if year > 9999:
        return LAST_DAY
    return dt.date(year, month + 1, 1).toordinal()


def _place_segments(segments: Sequence[_Segment], plot: float) -> list[_Segment]:
    """The segments side by side across ``plot`` pt. Time is to scale within a
    segment, not across a break: each is as wide as the events it holds need
    (a lone event long before the others takes little room), and at least
    ``MIN_SEGMENT`` where there is room for it."""
    count = len(segments)
    gap = min(BREAK_GAP, plot / (4 * count))
    room = plot - gap * (count - 1)
    least = min(MIN_SEGMENT, room / count)
    events = [s.events for s in segments]
    widths = [room * n / sum(events) for n in events]
    short = [w < least for w in widths]
    if any(short) and not all(short):
        rest = room - least * sum(short)
        total = sum(n for n, small in zip(events, short, strict=True) if not small)
        widths = [
            least if small else rest * n / total for n, small in zip(events, short, strict=True)
        ]
    placed, x = [], 0.0
    for segment, w in zip(segments, widths, strict=True):
        placed.append(replace(segment, x0=x, x1=x + w))
        x += w + gap
    return placed


def _x_of(day: int, segments: Sequence[_Segment]) -> float:
    for segment in segments:
        if day <= segment.end:
            return segment.x(max(day, segment.start))
    return segments[-1].x1


def _plot_width(events: Sequence[_Event], segments: Sequence[_Segment], width: float) -> float:
    """The widest axis that leaves every label room on its right."""

    def overflows(plot: float) -> bool:
        placed = _place_segments(segments, plot)
        return any(_x_of(e.first, placed) + e.width > width for e in events)

    low, high = width - max(e.width for e in events), width
    if not overflows(high):
        return width
    for _ in range(24):
        middle = (low + high) / 2
        low, high = (middle, high) if not overflows(middle) else (low, middle)
    return low


def _label_rows(xs: Sequence[float], widths: Sequence[float]) -> list[int]:
    """The row of each label (0 next to the axis), events sorted by ``xs``.

    From the right: a label takes the row above every label whose stem it
    would cover, so that labels never overlap and stems never cross them.
    """
    rows = [0] * len(xs)
    for i in range(len(xs) - 1, -1, -1):
        reach = xs[i] + widths[i] + LABEL_GAP
        covered = [rows[j] for j in range(i + 1, len(xs)) if xs[j] < reach]
        rows[i] = max(covered) + 1 if covered else 0
    return rows


def _time_ticks(
    segment: _Segment, bounds: tuple[float, float], axis_y: float, lang: str
) -> list[Shape]:
    """Ticks and labels of one stretch of the axis: months in a short one, else years;
    the finest whose labels fit (else the coarsest, its first tick alone labelled)."""
    candidates = _tick_candidates(segment, lang)
    chosen = next((c for c in candidates if _labels_fit(c, segment, bounds)), None)
    marks = chosen or candidates[-1]
    shapes: list[Shape] = []
    for i, (day, text) in enumerate(marks):
        x = segment.x(day.toordinal())
        shapes.append(_line("tick", x, axis_y, x, axis_y + TIMELINE_TICK))
        if chosen is not None or i == 0:
            anchor = _anchor(x, text, bounds)
            shapes.append(_text("text", x, axis_y + TIMELINE_TICK_BASELINE, text, anchor))
    return shapes


def _tick_candidates(segment: _Segment, lang: str) -> list[list[tuple[dt.date, str]]]:
    """Sets of ticks, finest first: every 1, 2, 3 or 6 months (in two years or less),
    then every 1, 2, 5, 10... years. None is empty."""
    start = dt.date.fromordinal(segment.start)
    end = dt.date.fromordinal(min(segment.end, LAST_DAY))
    candidates = []
    if segment.end - segment.start <= 2 * 366:
        months = []
        month = start.replace(day=1)
        while month <= end:
            months.append(month)
            if _month(month, 1) == LAST_DAY:
                break
            month = dt.date.fromordinal(_month(month, 1))
        for step in (1, 2, 3, 6):
            kept = [m for m in months if (m.month - 1) % step == 0]
            if kept:
                candidates.append(
                    [(m, _month_label(m, lang, first=i == 0)) for i, m in enumerate(kept)]
                )
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        years = [y for y in range(start.year, end.year + 1) if y % step == 0]
        years = [y for y in years if start <= dt.date(y, 1, 1) <= end]
        if years:
            candidates.append([(dt.date(y, 1, 1), str(y)) for y in years])
        if len(years) <= 2:
            break
    if not candidates:  # a stretch between two new years, too long for months
        candidates.append([(start, str(start.year))])
    return candidates


def _anchor(x: float, text: str, bounds: tuple[float, float]) -> Anchor:
    """Centred on its tick, unless that would cross the ends of its stretch of axis."""
    half = text_width(text) / 2
    if x - half < bounds[0]:
        return "start"
    if x + half > bounds[1]:
        return "end"
    return "middle"


def _labels_fit(
    marks: Sequence[tuple[dt.date, str]], segment: _Segment, bounds: tuple[float, float]
) -> bool:
    spans = []
    for day, text in marks:
        x, w = segment.x(day.toordinal()), text_width(text)
        anchor = _anchor(x, text, bounds)
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        spans.append((left, left + w))
    inside = spans[0][0] >= bounds[0] - 0.01 and spans[-1][1] <= bounds[1] + 0.01
    return inside and all(a[1] + LABEL_GAP <= b[0] for a, b in pairwise(spans))


def _month_label(month: dt.date, lang: str, first: bool) -> str:
    """A tick's label: the year at January, the month and year at the first tick, else the month."""
    if month.month == 1:
        return str(month.year)
    name = label(lang, "months_short").split()[month.month - 1]
    return f"{name} {month.year}" if first else name
