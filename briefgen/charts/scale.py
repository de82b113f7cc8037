"""A scale of numbers: linear or logarithmic, with a few round ticks that fit."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from briefgen.charts.shapes import ARROW, DOT_RADIUS, LABEL_GAP, MAX_TICKS, _pt, text_width
from briefgen.labels import format_number

if TYPE_CHECKING:
    from briefgen.model import Quantity


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
