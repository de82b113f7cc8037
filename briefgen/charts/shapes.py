"""What every chart draws with: the sizes of the print template, the shapes the
template draws, and the width of a text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefgen.typesetting import metrics

if TYPE_CHECKING:
    pass


# -- sizes, in points (the print template's: briefgen.pagemodel counts them) ----

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
