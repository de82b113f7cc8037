"""Competing estimates on one scale: the marks of each value, in points for the HTML
and PDF, in block characters for a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.charts.scale import Scale, number_scale
from briefgen.charts.shapes import (
    ARROW,
    AXIS_HEIGHT,
    BAR_HEIGHT,
    CAP_HEIGHT,
    DOT_RADIUS,
    MARK_Y,
    ROW_HEIGHT,
    Shape,
    _circle,
    _line,
    _path,
    _pt,
    _rect,
    _text,
)
from briefgen.labels import format_number, label

if TYPE_CHECKING:
    from briefgen.brief import Estimates, Item
    from briefgen.model import Quantity


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
