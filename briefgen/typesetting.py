"""How much room text takes on the printed page, without typesetting it.

The fonts the PDF embeds are measured once (their advance widths, kept in
``templates/fonts/widths.json``), and a paragraph is broken into lines the
way the PDF renderer breaks it: greedily, at spaces and after dashes, with
long URLs broken anywhere. That tells how many lines a bullet or a note
takes in a given width, within a line now and then: kerning and ligatures
make real lines a little narrower than the sum of advances, so the count
errs on the long side.

The widths file is made from the fonts by :func:`measure_fonts`; a test
checks that it matches the fonts shipped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from briefgen.paths import package_data

WIDTHS_FILE = "fonts/widths.json"
# The fonts the built-in print template uses, by the name the estimate gives them.
FONT_FILES = {
    "serif": "NotoSerif-Regular.ttf",
    "serif-bold": "NotoSerif-Bold.ttf",
    "serif-italic": "NotoSerif-Italic.ttf",
    "sans": "NotoSans-Regular.ttf",
    "sans-bold": "NotoSans-Bold.ttf",
    "symbols": "NotoSansMath-Symbols.ttf",
    "hangul": "NotoSansKR-Hangul.otf",
}
# Fonts that fill in for characters a text font lacks, in the order the CSS names them.
FALLBACKS = ("symbols", "hangul")

# Where a line may break inside a word: after a hyphen or a dash (UAX #14, class BA/HY).
_BREAK_AFTER = re.compile(r"(?<=[\-\u2010\u2013\u2014])(?=\w)")


@dataclass(frozen=True)
class Run:
    """A stretch of text set in one font: ``font`` is a key of :data:`FONT_FILES`."""

    text: str
    font: str = "serif"
    url: bool = False  # a URL breaks anywhere when it does not fit a line of its own
    scale: float = 1.0  # of the paragraph's font size: a note call, a grade
    tracking: float = 0.0  # letter spacing of its own, in pt
    padding: float = 0.0  # space before it, in pt (the padding of a note call)


@dataclass(frozen=True)
class Face:
    """How a paragraph is set: font size and line height, in pt."""

    size: float
    line_height: float


class Metrics:
    """Advance widths of the shipped fonts, in units of the em."""

    def __init__(self, table: dict[str, dict[str, object]]) -> None:
        self.widths: dict[str, dict[int, float]] = {}
        self.default: dict[str, float] = {}
        # How far each font reaches above and below the baseline, in ems.
        self.ascent: dict[str, float] = {}
        self.descent: dict[str, float] = {}
        for font, data in table.items():
            em = float(data["em"])  # type: ignore[arg-type]
            raw = data.get("widths", {})
            assert isinstance(raw, dict)
            self.widths[font] = {int(cp): w / em for cp, w in raw.items()}
            self.default[font] = float(data["default"]) / em  # type: ignore[arg-type]
            self.ascent[font] = float(data["ascent"]) / em  # type: ignore[arg-type]
            self.descent[font] = float(data["descent"]) / em  # type: ignore[arg-type]

    def font_of(self, char: str, font: str) -> str:
        """The font that sets ``char``: ``font``, or the first fallback font that has it."""
        code = ord(char)
        if code in self.widths[font]:
            return font
        for fallback in FALLBACKS:
            if code in self.widths[fallback]:
                return fallback
        # Hangul syllables, CJK and anything else: the Hangul font, as wide as its usual glyph.
        return "hangul"

    def char(self, char: str, font: str) -> float:
        """The advance of ``char`` in ``font``, or in the first fallback font that has it."""
        used = self.font_of(char, font)
        return self.widths[used].get(ord(char), self.default[used])

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance per process, kept for its lifetime
    def growth(self, word: str, font: str, line_height: float) -> float:
        """How much taller than ``line_height`` (in ems) a line holding ``word`` is.

        Each font's glyphs sit in a box of the line height centred on its own
        ascent and descent: a fallback font that reaches further below the
        baseline (or above) than the text font makes the line taller.
        """
        growth = 0.0
        for used in {self.font_of(c, font) for c in word} - {font}:
            top = max(self._half(font, line_height, 1), self._half(used, line_height, 1))
            bottom = max(self._half(font, line_height, -1), self._half(used, line_height, -1))
            growth = max(growth, top + bottom - line_height)
        return growth

    def _half(self, font: str, line_height: float, side: int) -> float:
        return (line_height + side * (self.ascent[font] - self.descent[font])) / 2

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance per process, kept for its lifetime
    def word(self, word: str, font: str) -> float:
        """The advance of ``word`` in ``font``, in ems."""
        # The font's own table first, without a call per character: most are in it.
        widths = self.widths[font]
        total = 0.0
        for c in word:
            width = widths.get(ord(c))
            total += self.char(c, font) if width is None else width
        return total


@cache
def metrics() -> Metrics:
    """The widths of the shipped fonts (read once)."""
    path = package_data("templates") / WIDTHS_FILE
    return Metrics(json.loads(path.read_text(encoding="utf-8")))


# Shaping makes a line up to a few tenths of a percent wider than the sum of its
# advances (seen on lines that end within a point or two of the margin): lines are
# measured as this much narrower, so that a line on the edge counts as broken.
SHAPING_ALLOWANCE = 1.0


def line_count(runs: Sequence[Run], width: float, face: Face) -> int:
    """The lines ``runs`` take, set in ``face`` on lines ``width`` pt wide."""
    if not runs:
        return 0
    return _lines(tuple(runs), round(width * SHAPING_ALLOWANCE, 2), face)[0]


def height(runs: Sequence[Run], width: float, face: Face) -> float:
    """The height in pt of ``runs`` set in ``face`` on lines ``width`` pt wide (a line
    is taller than the line height where a fallback font reaches further)."""
    if not runs:
        return 0.0
    lines, growth = _lines(tuple(runs), round(width * SHAPING_ALLOWANCE, 2), face)
    return lines * face.line_height + growth * face.size


def line_width(runs: Sequence[Run], face: Face) -> float:
    """The width in pt of ``runs`` set in ``face`` on one line, however long (the
    units of :func:`_lines` and the spaces between them)."""
    spaces = _spaces(face)
    total, space = 0.0, 0.0  # the space after the last unit hangs: it is not counted
    pending = 0.0  # the width of a unit a run left open
    for run in runs:
        lead, units = _units(run, face)
        if pending and lead is not None:
            total, space, pending = total + space + pending, spaces[lead], 0.0
        for width, after, _, _ in units:
            if after is None:
                pending += width
            else:
                total, space, pending = total + space + pending + width, spaces[after], 0.0
    return total + (space + pending if pending else 0.0)


@lru_cache(maxsize=16384)
def _lines(runs: tuple[Run, ...], width: float, face: Face) -> tuple[int, float]:
    """The number of lines, and how much taller (in ems) some of them are than the others.

    Lines are filled greedily, as the PDF renderer fills them. Each run is cut
    into units once (:func:`_units`); a unit left open at the end of a run
    (no space there) goes on with the first unit of the next.
    """
    spaces = _spaces(face)
    lines, x = 1, 0.0
    growth, tallest = 0.0, 0.0  # all the lines so far, the current one

    def place(w: float, space_after: str, url: bool, taller: float) -> None:
        nonlocal lines, x, growth, tallest
        if x > 0 and x + w > width + 0.01:
            lines += 1
            x = 0.0
            growth, tallest = growth + tallest, 0.0
        if x == 0 and w > width and url:
            # overflow-wrap: anywhere: the URL fills line after line.
            extra = math.ceil(w / width) - 1
            lines += extra
            w -= extra * width
        tallest = max(tallest, taller)
        x += w + spaces[space_after]

    pending: Unit | None = None  # a unit the previous run left open
    for run in runs:
        lead, units = _units(run, face)
        if pending is not None and lead is not None:
            place(pending[0], lead, pending[2], pending[3])
            pending = None
        for k, unit in enumerate(units):
            if k == 0 and pending is not None:
                unit = (
                    pending[0] + unit[0],
                    unit[1],
                    pending[2] or unit[2],
                    max(pending[3], unit[3]),
                )
                pending = None
            if unit[1] is None:
                pending = unit
            else:
                place(*unit)  # type: ignore[arg-type]
    if pending is not None:
        place(pending[0], " ", pending[2], pending[3])
    return lines, growth + tallest


# A unit a line may break after: its width (pt), the space that follows it (""
# after a dash; None if the run ends inside it), whether it is a URL, and how
# much taller than the others (ems) a line holding it is.
Unit = tuple[float, "str | None", bool, float]
SPACES = (" ", "\u2003")
_SPACES = re.compile("([ \u2003])")


@cache
def _spaces(face: Face) -> dict[str, float]:
    """The width in pt of each space set in ``face``, and of none ("", after a dash)."""
    table = metrics()
    return {"": 0.0, **{c: table.char(c, "serif") * face.size for c in SPACES}}


@lru_cache(maxsize=65536)
def _units(run: Run, face: Face) -> tuple[str | None, tuple[Unit, ...]]:
    """The units of one run, and the space it starts with (None if it starts with a word).

    A space, or an em space, at the end of a line hangs in the margin: it is the
    space after a unit, not part of its width.
    """
    table = metrics()
    size, spacing = face.size * run.scale, run.tracking
    line_height = face.line_height / face.size
    lead: str | None = None
    units: list[Unit] = []
    width: float | None = None  # of the unit being measured
    url, taller = False, 0.0
    for token in _SPACES.split(run.text):
        if token in SPACES:
            if width is not None:
                units.append((width, token, url, taller))
                width = None
            elif not units and lead is None:
                lead = token  # it ends the unit the previous run left open
            continue
        if not token:
            continue
        # A URL breaks after its hyphens too, as text does (Pango follows UAX #14 there).
        pieces = _BREAK_AFTER.split(token)
        for j, piece in enumerate(pieces):
            w = table.word(piece, run.font) * size + spacing * len(piece)
            w += run.padding if j == 0 else 0.0
            grows = table.growth(piece, run.font, line_height)
            if j > 0 and width is not None:
                units.append((width, "", url, taller))  # a break after a dash: no space
                width = None
            if width is None:
                width, url, taller = w, run.url, grows
            else:
                width += w
                taller = max(taller, grows)
    if width is not None:
        units.append((width, None, url, taller))
    return lead, tuple(units)


def measure_fonts(directory: Path) -> dict[str, dict[str, object]]:
    """The advance widths of :data:`FONT_FILES` in ``directory``, as ``widths.json`` holds them.

    Needs fontTools (which WeasyPrint depends on).
    """
    from statistics import median

    from fontTools.ttLib import TTFont

    table: dict[str, dict[str, object]] = {}
    for name, file in FONT_FILES.items():
        font = TTFont(directory / file, lazy=True)
        advances = font["hmtx"].metrics
        widths = {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}
        entry: dict[str, object] = {
            "em": font["head"].unitsPerEm,
            "ascent": font["hhea"].ascent,
            "descent": -font["hhea"].descent,
            "default": int(median(widths.values())),
        }
        if name != "hangul":
            # Hangul syllables are all as wide: its median stands for every character.
            entry["widths"] = {str(code): width for code, width in sorted(widths.items())}
        table[name] = entry
    return table


def write_widths(directory: Path | None = None) -> Path:
    """Measure the shipped fonts again and write ``widths.json`` beside them."""
    fonts = directory or package_data("templates") / "fonts"
    path = fonts / Path(WIDTHS_FILE).name
    path.write_text(json.dumps(measure_fonts(fonts), separators=(",", ":")) + "\n")
    return path
