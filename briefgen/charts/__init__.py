"""Charts: competing estimates on a shared scale, and dated events on a timeline.

This module computes geometry only, as plain data in points: the scale and its
round ticks, where each mark goes, which row each label of the timeline takes
so that no two overlap. Text is measured with the metrics of the fonts the PDF
embeds (:mod:`briefgen.typesetting`). The HTML template draws the shapes as
inline SVG (``templates/brief.html.j2``), the terminal draws the estimates with
block characters, and the page model (:mod:`briefgen.pagemodel`) counts the very
heights given here: a chart's height is a function of its rows, written once.

Words (titles and descriptions that state the numbers, for readers who do not
see the chart) come from :mod:`briefgen.labels`, in the brief's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.charts.estimates import (
    EstimateChart,
    EstimateMark,
    TerminalChart,
    estimate_chart,
    estimate_words,
    terminal_chart,
)
from briefgen.charts.scale import Scale, Tick, number_scale
from briefgen.charts.shapes import (
    AXIS_HEIGHT,
    MAX_CHART_SHARE,
    MIN_CHART_WIDTH,
    ROW_HEIGHT,
    Shape,
    text_width,
)
from briefgen.charts.timeline import Timeline, short_text, timeline, timeline_height, without_date

__all__ = [
    "AXIS_HEIGHT",
    "MAX_CHART_SHARE",
    "MIN_CHART_WIDTH",
    "ROW_HEIGHT",
    "BriefCharts",
    "EstimateChart",
    "EstimateMark",
    "Scale",
    "Shape",
    "TerminalChart",
    "Tick",
    "Timeline",
    "estimate_chart",
    "estimate_words",
    "number_scale",
    "short_text",
    "terminal_chart",
    "text_width",
    "timeline",
    "timeline_height",
    "without_date",
]

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
