"""Fitting a brief to a length: which facts it keeps, the same in every format.

A brief of ``--pages N`` holds the facts that fill N printed pages. They are
chosen here, once, for every format:

1. **The order of importance** (:func:`importance_order`): the key points;
   then one bullet for each theme of the brief, so that every theme has a
   section; then the other facts by priority, taking the themes in turn
   within a priority, events and statements after assessments and figures,
   the facts that take less room first. The second of competing estimates
   counts as important as the first, so that fitting never hides a spread;
   a contradiction is shown whenever either side is, so it is never hidden.
2. **The estimate** (:class:`PageModel`): the height the brief takes on the
   page, bullets and notes broken into lines with the metrics of the fonts
   the PDF embeds (:mod:`briefgen.typesetting`), and the spacing of the
   built-in print template. No WeasyPrint: Markdown, the terminal, HTML and
   JSON get the very facts the PDF prints.
3. **The choice** (:func:`fit`): the longest run of facts, in order of
   importance, whose estimate fits; then the room left is filled with the
   next facts that fit, shorter ones included, so that the page does not
   end in an empty band.
4. **The check** (:func:`fit_pdf`): the PDF is laid out once with that
   choice, which confirms it. If the layout overflows after all (a user's
   template, an unusual text), facts are dropped from the least important
   until it fits, and the caller says so.

Type is never made smaller to fit.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from briefgen.brief import (
    KIND_RANK,
    Brief,
    BriefRecipe,
    Fit,
    Item,
    arrange,
    choose_key_points,
    date_ordinal,
    dated_events,
    estimate_groups,
    stated_items,
)
from briefgen.model import Fact, Theme
from briefgen.pagemodel import (
    BODY,
    BULLET_INDENT,
    FOOTNOTE_AREA,
    NOTE,
    TABLE,
    PageModel,
    _statement,
)
from briefgen.typesetting import height

if TYPE_CHECKING:
    from briefgen.pagemodel import Typesetter

# -- the order of importance ------------------------------------------------


def importance_order(recipe: BriefRecipe, paper: str = "a4") -> tuple[Fact, ...]:
    """The facts the brief may show, most important first (see the module's docstring).

    The key points, then a bullet of its own for each theme, then the facts the
    judgments rest on, taking turns; then the others by priority, and within a
    priority first those that bring a tag or a month not yet on the page, then
    the more recent, the kinds that say most and, last, the shorter.
    """
    return tuple(_importance(recipe, paper)[0])


Weight = tuple[int, int, int, float, str]


@dataclass(frozen=True)
class _Ranking:
    """What the order of importance needs that does not change with the number of key
    points: made once for the few fittings that try fewer of them."""

    facts: Sequence[Fact]
    priority: dict[str, int]
    weights: dict[str, Weight]
    by_weight: list[Fact]  # the facts sorted by their weights
    themes: tuple[Theme, ...]  # the brief's
    linked: frozenset[str]  # the facts a table or a contradiction shows


def _ranking(recipe: BriefRecipe, paper: str) -> _Ranking:
    facts = recipe.candidates()
    priority = _linked_priority(recipe, facts)
    weights = _weights(facts, priority, PageModel(paper).isolated_height, recipe.options.lang)
    # The tables and contradictions are the same whatever the key points.
    parts = arrange(recipe.base, facts, recipe.theme_ids, key_points=0)
    linked = {f.id for group in parts.estimates for f in group}
    linked |= {f.id for pair in parts.contradictions for f in pair}
    by_weight = sorted(facts, key=lambda f: weights[f.id])
    return _Ranking(facts, priority, weights, by_weight, parts.themes, frozenset(linked))


def _importance(
    recipe: BriefRecipe, paper: str, ranking: _Ranking | None = None
) -> tuple[Sequence[Fact], int]:
    """:func:`importance_order`, and how many key points it starts with; ``ranking``, the
    recipe's (:func:`_ranking`) if the caller has it."""
    ranking = ranking or _ranking(recipe, paper)
    facts, priority, weights = ranking.facts, ranking.priority, ranking.weights
    key_points = choose_key_points(facts, ranking.themes, recipe.options.key_points)
    by_theme = _by_theme(ranking.themes, ranking.by_weight)
    turn = {f.id: i for members in by_theme for i, f in enumerate(members)}

    order: dict[str, Fact] = {f.id: f for f in key_points}
    # The facts the brief's judgments rest on: a judgment's note then calls theirs.
    candidates = {f.id: f for f in facts}
    bases = [[f for f in dict.fromkeys(j.basis) if f in candidates] for j in recipe.judgments()]
    _own_bullets(order, by_theme, ranking.linked, bases)
    # Then the judgments take turns: the first fact of each one's basis, then the second...
    for turn_of in range(max(map(len, bases), default=0)):
        order.update((b[turn_of], candidates[b[turn_of]]) for b in bases if turn_of < len(b))
    rest = [f for f in facts if f.id not in order]
    head = list(order.values())
    tail = _by_coverage(head, rest, priority, turn, weights)
    return _Ordered(head, tail, len(head) + len(rest)), len(key_points)


class _Ordered(Sequence[Fact]):
    """The order of importance, made only as far as it is read: choosing a page of a long
    selection reads its first few dozen facts; only the brief kept lists all the others
    (the facts left out), and a fitting that tries fewer key points keeps one of several."""

    def __init__(self, head: list[Fact], tail: Iterator[Fact], total: int) -> None:
        self._made = head
        self._tail = tail
        self._total = total

    def __len__(self) -> int:
        return self._total

    def _make(self, count: int) -> None:
        while len(self._made) < count:
            fact = next(self._tail, None)
            if fact is None:
                return
            self._made.append(fact)

    @overload
    def __getitem__(self, index: int) -> Fact: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Fact]: ...

    def __getitem__(self, index: int | slice) -> Fact | Sequence[Fact]:
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop
            whole = stop is None or stop < 0 or start < 0 or index.step is not None
            self._make(self._total if whole else stop)
        else:
            self._make(self._total if index < 0 else index + 1)
        return self._made[index]

    def __iter__(self) -> Iterator[Fact]:
        i = 0
        while True:
            self._make(i + 1)
            if i >= len(self._made):
                return
            yield self._made[i]
            i += 1


def _by_coverage(
    placed: Iterable[Fact],
    rest: Sequence[Fact],
    priority: dict[str, int],
    turn: dict[str, int],
    weights: dict[str, Weight],
) -> Iterator[Fact]:
    """The ``rest`` by priority; within one, the themes taking turns, each next the fact
    that adds most to what the ``placed`` facts cover (see :class:`Coverage`); made as
    it is read."""
    covered = Coverage()
    for fact in placed:
        covered.add(fact)
    for tier in sorted({priority[f.id] for f in rest}):
        members = [f for f in rest if priority[f.id] == tier]
        yield from covered.ranked(members, key=lambda f: (turn.get(f.id, 0), *weights[f.id][1:]))


def _weights(
    facts: Sequence[Fact],
    priority: dict[str, int],
    room: Callable[[Fact, str], float],
    lang: str,
) -> dict[str, Weight]:
    """Each fact's place among its equals: its priority, then the more recent, then the
    kinds that say most, then the shorter."""
    return {
        f.id: (priority[f.id], -date_ordinal(f), KIND_RANK[f.kind], round(room(f, lang), 1), f.id)
        for f in facts
    }


def _by_theme(themes: Sequence[Theme], ranked: Sequence[Fact]) -> list[list[Fact]]:
    """The ``ranked`` facts of each theme of the brief: each counts for the first theme it
    belongs to, where its bullet stands."""
    home = {t.id: i for i, t in enumerate(themes)}
    by_theme: list[list[Fact]] = [[] for _ in themes]
    for fact in ranked:
        first = min((home[t] for t in fact.themes if t in home), default=None)
        if first is not None:
            by_theme[first].append(fact)
    return by_theme


def _own_bullets(
    order: dict[str, Fact],
    by_theme: Sequence[Sequence[Fact]],
    linked: Collection[str],
    bases: Sequence[Sequence[str]],
) -> None:
    """Add to ``order`` a bullet of its own for every theme: a fact that no table or pair
    takes away, one a judgment rests on if there is one."""
    support = {f: i for i, f in enumerate(dict.fromkeys(f for b in bases for f in b))}
    for members in by_theme:
        free = [f for f in members if f.id not in order and f.id not in linked]
        free = free or [f for f in members if f.id not in order]
        own = min(free, key=lambda f: support.get(f.id, len(support)), default=None)
        if own is not None:
            order[own.id] = own


class Coverage:
    """What the facts placed so far cover: their tags, and the months of their dates.

    Of facts alike in priority, the page takes first those that bring most that is
    not yet on it: another sub-topic, another month.
    """

    def __init__(self) -> None:
        self.tags: set[str] = set()
        self.months: set[tuple[int, int | None]] = set()

    def add(self, fact: Fact) -> None:
        self.tags.update(fact.tags)
        if fact.date is not None:
            self.months.add((fact.date.year, fact.date.month))

    def novelty(self, fact: Fact) -> int:
        new = len(set(fact.tags) - self.tags)
        if fact.date is not None and (fact.date.year, fact.date.month) not in self.months:
            new += 1
        return new

    def ranked(self, facts: Sequence[Fact], key: Callable[[Fact], Any]) -> Iterator[Fact]:
        """``facts``, each next the one that adds most to what is covered (then by ``key``),
        adding each to it as it is taken. What a fact adds only shrinks as others are
        placed: a lazy greedy choice, in O(n log n)."""
        heap = [(-self.novelty(f), key(f), i) for i, f in enumerate(facts)]
        heapq.heapify(heap)
        while heap:
            negative, rank, i = heapq.heappop(heap)
            fact = facts[i]
            now = self.novelty(fact)
            if now != -negative:
                heapq.heappush(heap, (-now, rank, i))
                continue
            self.add(fact)
            yield fact


def _linked_priority(recipe: BriefRecipe, facts: Sequence[Fact]) -> dict[str, int]:
    """Each fact's priority, the second of competing estimates raised to the first's.

    Two values show a spread: the most important estimate of a measure lifts
    the next one, and the others come in their own turn. A contradiction needs
    no such help: a brief shows both sides whenever it shows either.
    """
    priority = {f.id: f.priority for f in facts}
    disputes = Counter(i for f in facts for i in (f.id, *f.contradicts) if f.contradicts)
    for group in estimate_groups(facts):
        # Of equals, the estimate with fewer disputes: each brings its other side along.
        first, second = sorted(
            group, key=lambda f: (f.priority, disputes[f.id], KIND_RANK[f.kind], f.id)
        )[:2]
        priority[second.id] = first.priority
    return priority


# -- the choice -------------------------------------------------------------


# Filling the room a choice leaves, the facts that seem small enough are tried one by
# one, each try a whole estimate: after this many that did not fit, the page is full.
# (A one-pager of the shipped base misses at most 8; one of 100,000 facts missed
# hundreds, a minute of estimates.)
MAX_FILL_MISSES = 16


class _Chooser:
    """Builds the briefs of candidate choices and judges them with the estimate."""

    def __init__(
        self, recipe: BriefRecipe, pages: int, paper: str, ranking: _Ranking | None = None
    ) -> None:
        self.recipe = recipe
        self.pages = pages
        self.paper = paper
        self.ranked, self.minimum = _importance(recipe, paper, ranking)
        self.model = PageModel(paper, one_page=pages == 1)
        self.room = self.model.room(pages)
        self._heights: dict[frozenset[str], float] = {}

    def brief(self, kept: Collection[str]) -> Brief:
        return self.recipe.build(keep=kept)

    def height(self, kept: frozenset[str]) -> float:
        if kept not in self._heights:
            self._heights[kept] = self.model.height(self.brief(kept))
        return self._heights[kept]

    def fits(self, kept: frozenset[str]) -> bool:
        return self.height(kept) <= self.room

    def prefix(self) -> frozenset[str]:
        """The longest run of the most important facts that fits (the key points at least)."""
        ranked, total = self.ranked, len(self.ranked)

        def first(count: int) -> frozenset[str]:
            return frozenset(f.id for f in ranked[:count])

        # Galloping, then halving: a page holds a few dozen facts of hundreds, and
        # briefs of few facts are the quick ones to build and measure.
        low, step = self.minimum, 4
        while low + step <= total and self.fits(first(low + step)):
            low, step = low + step, step * 2
        high = min(low + step - 1, total)
        while low < high:
            middle = (low + high + 1) // 2
            if self.fits(first(middle)):
                low = middle
            else:
                high = middle - 1
        return first(low)

    def fill(self, kept: frozenset[str]) -> frozenset[str]:
        """``kept`` and the facts left out that the room left still takes, by importance."""
        if not self.fits(kept):
            return kept
        width = self.model.paper.width - BULLET_INDENT
        lang = self.recipe.options.lang
        misses = 0
        for fact in self.ranked:
            if fact.id in kept:
                continue
            slack = self.room - self.height(kept)
            if slack < BODY.line_height + NOTE.line_height or misses == MAX_FILL_MISSES:
                break
            # The least it can take: its text as a bullet and a one-line note.
            item = Item(fact, fact.text_in(lang), 1)
            least = height(_statement(item, lang), width, BODY) + NOTE.line_height
            if least > slack:
                continue
            fuller = kept | {fact.id}
            if self.fits(fuller):
                kept = fuller
            else:
                misses += 1
        return kept

    def pages_needed(self, pages: int, kept: frozenset[str]) -> int:
        """The pages every fact would take: measured, or for a long selection estimated
        from the facts kept (their height against their :meth:`PageModel.isolated_height`)."""
        # On more pages than one, the heads of sections stand on lines of their own.
        model = PageModel(self.paper)
        if len(self.ranked) <= MEASURED_IN_FULL:
            total = model.height(self.brief(frozenset(f.id for f in self.ranked)))
        else:
            lang = self.recipe.options.lang
            cost = {f.id: self.model.isolated_height(f, lang) for f in self.ranked}
            shown = sum(cost[i] for i in kept) or 1.0
            # What the page holds besides its facts, then the facts at the rate of those kept.
            fixed = self.model.title_block(self.brief(kept)) + FOOTNOTE_AREA
            rate = (self.height(kept) - fixed) / shown
            total = (fixed + rate * sum(cost.values())) * ESTIMATE_MARGIN
        needed = pages
        while self.model.room(needed) < total:
            needed += 1
        return max(needed, pages + 1)


def fit(recipe: BriefRecipe, pages: int = 1, paper: str = "a4") -> Fit:
    """The brief of ``recipe`` fitted to ``pages`` pages of ``paper`` (0: no limit).

    A timeline left to fitting (``BriefOptions.timeline`` None) is drawn where
    there is room: always without a limit; else if the facts chosen without
    it leave room for it. Asked for, it takes its room like any block.
    """
    if pages == 0:
        return Fit(recipe.build(), (), 0, recipe)
    if recipe.options.timeline is not None:
        return _fit(recipe, pages, paper)
    chosen = _fit(_timeline(recipe, False), pages, paper)
    shown = chosen.brief
    items = stated_items(shown.key_points, shown.sections, shown.contradictions)
    if len(dated_events(items)) < 2:
        return chosen
    drawn = _timeline(chosen.recipe, True)
    omit = frozenset(f.id for f in chosen.omitted)
    brief = drawn.build(omit=omit, omitted=chosen.omitted)
    model = PageModel(paper, one_page=pages == 1)
    # Drawn where there is room, a timeline needs two events to say more than its bullets.
    if len(brief.timeline) > 1 and model.height(brief) <= model.room(pages):
        return Fit(brief, chosen.omitted, chosen.pages_needed, drawn, omit)
    return chosen


def _fit(recipe: BriefRecipe, pages: int, paper: str) -> Fit:
    """The longest run of facts that fits; with fewer key points if need be, so that every
    theme of a brief of several themes keeps a section of its own."""
    ranking = _ranking(recipe, paper)  # the same with fewer key points
    chosen = _fit_run(recipe, pages, paper, ranking)
    # Only where facts were left out: a theme whose every fact stands elsewhere (a key
    # point, a table) on a page that holds them all needs no section. And only while a
    # key point fewer gives a section to a theme that had none.
    missing = _themes_without_section(chosen.brief) if chosen.omits else 0
    while missing and recipe.options.key_points > 0:
        options = replace(recipe.options, key_points=recipe.options.key_points - 1)
        recipe = replace(recipe, options=options)
        fewer = _fit_run(recipe, pages, paper, ranking)
        now = _themes_without_section(fewer.brief)
        if now >= missing:
            break
        chosen, missing = fewer, now
    return chosen.counted()


def _themes_without_section(brief: Brief) -> int:
    """How many themes of a brief of several have facts but no section: their facts
    stand elsewhere (the key points)."""
    if len(brief.themes) < 2:
        return 0
    with_section = {s.theme.id for s in brief.sections}
    return sum(t.id not in with_section for t in brief.themes)


@dataclass(frozen=True)
class _Run:
    """A choice of facts: the brief they make, without the list of the facts left out
    or the pages every fact would take (only the choice kept needs them)."""

    brief: Brief
    chooser: _Chooser
    kept: frozenset[str]
    omits: bool  # whether facts were left out

    def counted(self) -> Fit:
        chooser = self.chooser
        if not self.omits:
            return Fit(self.brief, (), chooser.pages, chooser.recipe)
        brief = _with_omitted(self.brief, chooser.ranked)
        omit = frozenset(f.id for f in chooser.ranked if f.id not in self.kept)
        needed = chooser.pages_needed(chooser.pages, self.kept)
        return Fit(brief, brief.omitted, needed, chooser.recipe, omit)


def _fit_run(recipe: BriefRecipe, pages: int, paper: str, ranking: _Ranking | None = None) -> _Run:
    chooser = _Chooser(recipe, pages, paper, ranking)
    everything = frozenset(f.id for f in recipe.candidates())
    # Each fact takes a line at least: a long selection need not be measured whole.
    at_least = len(everything) * min(BODY.line_height, TABLE.line_height)
    if at_least <= chooser.room and chooser.fits(everything):
        return _Run(chooser.brief(everything), chooser, everything, omits=False)
    kept = chooser.fill(chooser.prefix())
    return _Run(chooser.brief(kept), chooser, kept, omits=True)


def _timeline(recipe: BriefRecipe, drawn: bool) -> BriefRecipe:
    """``recipe``, with or without its timeline."""
    return replace(recipe, options=replace(recipe.options, timeline=drawn))


def _with_omitted(brief: Brief, ranked: Sequence[Fact]) -> Brief:
    """``brief``, saying which of the ``ranked`` facts it leaves out, least important first.

    The other side of a contradiction is shown even when it was not chosen: it is not
    left out.
    """
    shown = {f.id for f in brief.facts}
    return replace(brief, omitted=tuple(f for f in reversed(ranked) if f.id not in shown))


# -- the check: the PDF's own layout -----------------------------------------

_MAX_LAYOUTS = 4
# Up to this many facts, the pages everything would need are measured; beyond, estimated
# (measuring hundreds of facts would take longer than choosing the page's): generously,
# since a brief given more pages than it needs only ends short.
MEASURED_IN_FULL = 400
ESTIMATE_MARGIN = 1.1
PX = 0.75  # points in a CSS pixel, WeasyPrint's unit
# The room a page has left is shared among its sections, up to this much each (pt):
# more would read as gaps, not as air.
MAX_SPREAD = 14.0


def _spread(brief: Brief, paper: str) -> float:
    """What to add below each section so that the page ends at its foot (pt)."""
    model = PageModel(paper, one_page=True)
    # Less half a line of notes and a point: now and then WeasyPrint breaks a line of
    # run-on notes a word early (at the edge of an inline box), which the estimate
    # does not foresee; spread to the last point, the page would then overflow.
    slack = model.room(1) - model.height(brief) - NOTE.line_height / 2 - 1.0
    gaps = bool(brief.judgments) + bool(brief.key_points) + len(brief.sections)
    gaps += bool(brief.estimates)
    gaps += bool(brief.contradictions) + bool(brief.removed) + bool(brief.timeline)
    if slack <= 0 or gaps == 0:
        return 0.0
    return min(slack / gaps, MAX_SPREAD)


@dataclass(frozen=True)
class FittedPdf:
    """A PDF brief and how it was fitted to its pages."""

    data: bytes
    brief: Brief  # as printed, after leaving facts out
    pages: int
    pages_needed: int  # the pages the brief takes with every fact
    omitted: tuple[Fact, ...]  # in the order they were left out
    refused: tuple[str, ...]  # URLs the document named and was not allowed to read
    trimmed: int = 0  # facts the layout left out beyond the estimate's choice


def fit_pdf(
    recipe: BriefRecipe,
    *,
    pages: int = 1,
    paper: str = "a4",
    variant: str | None = None,
    template_dir: Path | None = None,
    typesetter: Typesetter,
    chosen: Fit | None = None,
) -> FittedPdf:
    """Typeset the brief of ``recipe`` on at most ``pages`` pages of ``paper`` (0: no limit).

    The estimate chooses the facts (:func:`fit`); the layout confirms the
    choice, or drops the least important facts until the brief fits.
    ``variant`` is a WeasyPrint PDF variant, e.g. ``pdf/ua-1`` (tagged,
    accessible) or ``pdf/a-3b``. A ``typesetter`` made for the same paper,
    variant and templates may be shared by many PDFs: its fonts are loaded once.
    ``chosen`` is the estimate's choice when the caller has it already (from
    :mod:`briefgen.fitcache`).
    """
    refused_before = len(typesetter.fetcher.refused)
    if chosen is None:
        chosen = fit(recipe, pages, paper)
    brief, omitted = chosen.brief, chosen.omitted
    spread = _spread(brief, paper) if pages == 1 and omitted and template_dir is None else 0.0
    # A brief of one page has all its notes at its foot: one footnote, laid out once.
    one_page = pages == 1 and typesetter.notes_block
    layout = typesetter.layout(brief, spread, one_page)
    trimmed = 0  # facts the layout left out beyond the estimate's choice
    if pages and len(layout.pages) > pages and spread:
        layout = typesetter.layout(brief, one_page=one_page)  # the estimate was short: no spreading
    if pages and len(layout.pages) > pages and recipe.options.timeline is None and brief.timeline:
        # A timeline drawn because there seemed to be room gives way before any fact.
        recipe = _timeline(chosen.recipe, False)
        brief = recipe.build(omit={f.id for f in omitted}, omitted=omitted)
        layout = typesetter.layout(brief, one_page=one_page)
    else:
        recipe = chosen.recipe
    if pages and len(layout.pages) > pages:
        brief, layout, trimmed = _trim(recipe, brief, layout, pages, paper, typesetter, one_page)
        omitted = brief.omitted
    if one_page and len(layout.pages) > 1:
        # Still more than a page: each note goes to the foot of the page that calls it.
        layout = typesetter.layout(brief)
    data = typesetter.write(layout)
    return FittedPdf(
        data,
        brief,
        len(layout.pages),
        chosen.pages_needed,
        omitted,
        tuple(dict.fromkeys(typesetter.fetcher.refused[refused_before:])),
        trimmed,
    )


def _trim(
    recipe: BriefRecipe,
    brief: Brief,
    layout: Any,
    pages: int,
    paper: str,
    typesetter: Typesetter,
    one_page: bool,
) -> tuple[Brief, Any, int]:
    """The layout overflows after all: the least important facts give way until it fits
    (or :data:`_MAX_LAYOUTS` layouts were made). The brief, its layout and the facts dropped."""
    ranked = importance_order(recipe, paper)
    shown = {f.id for f in brief.facts}
    kept = [f for f in ranked if f.id in shown]
    trimmed, tries = 0, 1
    while len(layout.pages) > pages and tries < _MAX_LAYOUTS and len(kept) > 1:
        # Drop at least one fact, more if the overflow is large.
        overflow = typesetter.overflow(layout, pages) * PX
        drop = max(1, int(len(kept) * overflow / PageModel(paper).room(pages)))
        drop = min(drop, len(kept) - 1)
        kept = kept[:-drop]
        trimmed += drop
        brief = _with_omitted(recipe.build(keep={f.id for f in kept}), ranked)
        layout = typesetter.layout(brief, one_page=one_page)
        tries += 1
    return brief, layout, trimmed
