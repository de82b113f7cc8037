"""Dated events on a timeline: the axis, broken between spans of time, its ticks, and
the rows that keep labels from overlapping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from briefgen.charts.shapes import (
    BREAK_GAP,
    LABEL_GAP,
    LABEL_MAX_SHARE,
    MIN_SEGMENT,
    TIMELINE_BASELINE,
    TIMELINE_BOTTOM,
    TIMELINE_MARK,
    TIMELINE_ROW,
    TIMELINE_STEM_GAP,
    TIMELINE_TICK,
    TIMELINE_TICK_BASELINE,
    Anchor,
    Shape,
    _circle,
    _line,
    _pt,
    _rect,
    _text,
    text_width,
)
from briefgen.labels import MINOR_WORDS_EN, MINOR_WORDS_FR, format_date, label
from briefgen.model import PartialDate

if TYPE_CHECKING:
    from briefgen.brief import Item


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
