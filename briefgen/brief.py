"""The brief: what goes where, in what order, with which note numbers.

Every renderer draws the same :class:`Brief`; note numbers are given here,
once, in reading order (key points, theme sections, competing estimates,
contradictions). Each fact appears once in the theme sections at most: a fact
shown in the key points, an estimates table or a contradiction is not
repeated as a bullet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from briefgen.cite import Citation, NoteWriter, Segment, bibliography, close, join, source_label
from briefgen.clock import source_date_epoch as source_date_epoch
from briefgen.clock import today
from briefgen.digest import FactChanges, Status
from briefgen.labels import format_date, format_number, label, short_date
from briefgen.model import (
    Fact,
    FactBase,
    Judgment,
    PartialDate,
    Quantity,
    Source,
    SourceRef,
    Theme,
    localized,
)
from briefgen.styles import DEFAULT_STYLE, get_style
from briefgen.typography import typeset, typeset_citation
from briefgen.yardsticks import Term, Yardstick, confidence_name, find_terms, yardstick

# Of facts alike in priority, the kinds that say most first: analysis, then numbers.
KIND_RANK: dict[str, int] = {
    kind: rank for rank, kind in enumerate(("assessment", "figure", "statement", "event"))
}
KEY_POINT_KINDS = ("assessment", "figure")
# A compact source summary names this many kinds of source, and counts the others.
SUMMARY_KINDS = 3


@dataclass(frozen=True)
class BriefOptions:
    """How to write a brief. ``date`` is the brief's own date (default: today)."""

    lang: str = "en"
    style: str = DEFAULT_STYLE
    title: str | None = None
    subtitle: str | None = None
    date: dt.date | None = None
    marking: str | None = None
    author: str | None = None
    key_points: int = 5
    grades: bool = True
    bibliography: bool = False
    new_since: PartialDate | None = None  # names the window in the subtitle of a digest
    # Compact notes cite a chain's original sources in short form (see NoteWriter):
    # what a brief of a set length uses, where every line counts.
    compact_notes: bool = False
    # "Ibid." for the work of the note just before; None: as the citation style prefers.
    ibid: bool | None = None
    # Draw the dated events on a timeline: yes, no, or None for "where there is
    # room", which briefgen.fitting decides (a brief without a length has room).
    timeline: bool | None = None
    # How many key judgments (the bottom line included); None: four, or for a brief
    # of several themes the bottom line and one for each theme.
    judgments: int | None = None


@dataclass(frozen=True)
class Reference:
    """One source of a statement, as its note cites it."""

    source_id: str
    via: tuple[str, ...]
    locator: str | None
    grade: str | None  # "B2": the original source's reliability, the fact's credibility


@dataclass(frozen=True)
class Note:
    """A numbered note: every source of one statement, and the analyst's comment on it."""

    number: int
    fact_id: str
    references: tuple[Reference, ...]
    citation: Citation  # the whole note; grades are segments marked ``grade``
    comment: str | None = None
    judgment: bool = False  # the note of a key judgment (``fact_id`` is then its id)


@dataclass(frozen=True)
class Item:
    """A fact as it appears in the brief: its text, the number of its note (None
    for a removed fact, which has none), and in a digest of changes whether it is
    ``new`` or ``changed``.

    A fact shown twice (a key point that is also a competing estimate) is the
    same statement: the second time it calls the note of the first
    (``repeated``), and no new note is made.

    ``date`` is the fact's date as a bullet shows it; ``grade`` its best grade,
    shown in the body where the brief weighs it against another (a
    contradiction); ``spread`` the other estimates of its measure in the
    selection, where no table shows them: listed beside the value, each with its
    note.
    """

    fact: Fact
    text: str
    note: int | None
    status: Status | None = None
    repeated: bool = False
    date: str | None = None
    grade: str | None = None
    spread: Spread | None = None

    @property
    def notes(self) -> tuple[int, ...]:
        """The note numbers the statement calls: one, or none."""
        return () if self.note is None else (self.note,)


@dataclass(frozen=True)
class JudgmentItem:
    """A key judgment as the brief states it: its text, with where its likelihood term
    stands in it, its confidence and the note citing its basis."""

    judgment: Judgment
    text: str
    note: int
    likelihood: Term | None
    term_span: tuple[int, int] | None  # text[start:end] is the likelihood term
    confidence: str  # the level, as the brief's language names it: "moderate confidence"
    status: Status | None = None
    repeated: bool = False  # as an Item's: a judgment is stated once
    lang: str = "en"
    # In a digest of changes, what a changed judgment said before.
    previous: Judgment | None = None

    @property
    def notes(self) -> tuple[int, ...]:
        return (self.note,)

    @property
    def level(self) -> str:
        """``high``, ``moderate`` or ``low``."""
        return self.judgment.confidence

    def parts(self) -> tuple[str, str, str]:
        """The text before its likelihood term, the term, and the text after it."""
        if self.term_span is None:
            return self.text, "", ""
        start, end = self.term_span
        return self.text[:start], self.text[start:end], self.text[end:]

    def confidence_sentence(self) -> str:
        """``Moderate confidence.``: a sentence of its own, apart from the likelihood."""
        return self.confidence[:1].upper() + self.confidence[1:] + "."

    def change(self) -> str | None:
        """What a changed judgment said before, as the brief states it; None if unchanged."""
        if self.previous is None:
            return None
        before = self.previous
        return label(
            self.lang,
            "previously",
            text=typeset(before.text_in(self.lang), self.lang),
            confidence=confidence_name(before.confidence, self.lang),
        )


@dataclass(frozen=True)
class Section:
    theme: Theme
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class EstimateRow:
    """One estimate: the fact, its value and date as written, and who gives it."""

    item: Item
    value: str
    as_of: str
    source: str


# Beside a value the brief states, at most this many of the other estimates of its
# measure are listed: the lowest, the highest and the latest where there are more.
BESIDE = 3


@dataclass(frozen=True)
class Spread:
    """The other estimates of the measure a statement gives a value of, listed beside it
    where no table shows them: each with its value, its date and its note
    (``[other estimates: 12,000 (Aug 2024)⁶, 3,000 (Oct 2024)⁷]``). Where the
    selection holds more than :data:`BESIDE` of them, the lowest, the highest and
    the latest are listed, and ``more`` says how many are not.
    """

    measure: str
    title: str
    unit: str
    stated: EstimateRow  # the value the statement gives
    others: tuple[EstimateRow, ...]  # by date
    more: int
    lang: str

    def parts(self) -> tuple[tuple[str, Item], ...]:
        """The text before each listed estimate's note call, and the estimate: a renderer
        writes each text, then the call of the item's note."""
        lead = label(self.lang, "beside_one" if len(self.others) == 1 else "beside")
        out = []
        for i, row in enumerate(self.others):
            before = f"{lead} " if i == 0 else label(self.lang, "list_separator")
            when = f" ({row.item.date})" if row.item.date else ""
            out.append((f"{before}{row.value}{when}", row.item))
        return tuple(out)

    def tail(self) -> str:
        """After the last listed estimate: how many more there are, if any."""
        return f" {label(self.lang, 'beside_more', n=self.more)}" if self.more else ""

    def __str__(self) -> str:
        """The list as plain text, without note calls."""
        return "".join(text for text, _ in self.parts()) + self.tail()


@dataclass(frozen=True)
class Estimates:
    """Facts measuring the same thing, side by side (rows sorted by date).

    ``spread``: where the selection holds more estimates of the measure than the
    table shows (some were left out to fit), their number and range.
    """

    measure: str
    title: str
    unit: str
    rows: tuple[EstimateRow, ...]
    spread: str | None = None


@dataclass(frozen=True)
class Contradiction:
    left: Item
    right: Item


@dataclass(frozen=True)
class SourceSummary:
    """An ICD 206-style description of the sources behind the brief: how many of
    which kinds, how much is second-hand, the range of the grades, and which
    judgment rests on the thinnest sourcing (its note, and what its basis holds)."""

    total: int
    by_descriptor: tuple[tuple[str, int], ...]
    second_hand: int
    facts: int
    reliability: tuple[str, str] | None = None  # the best and worst source letters
    credibility: tuple[int, int] | None = None  # the best and worst information digits
    # The judgment whose basis is thinnest: its note, how many of its independent original
    # sources are strong (graded A–C and 1–2), how many it has, and its basis's best grade.
    thinnest: tuple[int, int, int, str] | None = None


@dataclass(frozen=True)
class Brief:
    """A brief, ready to render."""

    title: str
    subtitle: str | None
    date: dt.date
    lang: str
    style: str
    marking: str | None
    author: str | None
    themes: tuple[Theme, ...]
    key_points: tuple[Item, ...]
    sections: tuple[Section, ...]
    estimates: tuple[Estimates, ...]
    contradictions: tuple[Contradiction, ...]
    notes: tuple[Note, ...]
    sources: tuple[Source, ...]
    summary: SourceSummary
    facts: tuple[Fact, ...] = field(repr=False)
    grades: bool = True
    bibliography: bool = False
    compact: bool = False  # notes and summary in their short forms, for a brief of set length
    removed: tuple[Item, ...] = ()  # in a digest of changes: facts no longer in the base
    omitted: tuple[Fact, ...] = ()  # selected, but left out to fit the length asked for
    empty_text: str = ""  # what an empty brief says: nothing new, or nothing matched
    # The works read, in the style's bibliography order; empty unless asked for.
    bibliography_entries: tuple[Citation, ...] = ()
    # The dated events the brief shows, by date, when it draws them on a timeline.
    timeline: tuple[Item, ...] = ()
    # The key judgments, the bottom line first; the yardstick their terms come from.
    judgments: tuple[JudgmentItem, ...] = ()
    yardstick: Yardstick | None = None
    cutoff: PartialDate | None = None  # the latest date of the facts shown
    base_title: str | None = None  # the base's title, when the title names themes
    # Whether the byline lists the themes: the title names neither them nor the whole base.
    names_themes: bool = True

    @property
    def is_empty(self) -> bool:
        return not self.facts and not self.removed and not self.judgments

    @property
    def bottom_line(self) -> JudgmentItem | None:
        """The most important judgment, which the brief opens with."""
        return self.judgments[0] if self.judgments else None

    @property
    def key_judgments(self) -> tuple[JudgmentItem, ...]:
        """The judgments after the bottom line."""
        return self.judgments[1:]

    def spreads(self) -> tuple[Spread, ...]:
        """The estimates listed beside the values the brief states, in reading order."""
        items = stated_items(self.key_points, self.sections, self.contradictions)
        return tuple(i.spread for i in items if i.spread is not None)

    def likelihood_legend(self) -> str:
        """What the likelihood terms of this brief's judgments mean (only those used)."""
        terms = {j.likelihood.id: j.likelihood for j in self.judgments if j.likelihood}
        if not terms or self.yardstick is None:
            return ""
        lang = self.lang
        ordered = [t for t in self.yardstick.terms if t.id in terms]
        used = label(lang, "legend_separator").join(f"{t.name(lang)} {t.band()}" for t in ordered)
        return label(
            lang, "likelihood_legend", yardstick=localized(self.yardstick.title, lang), terms=used
        )

    def theme_titles(self) -> list[str]:
        return [typeset(localized(t.title, self.lang), self.lang) for t in self.themes]

    def byline(self) -> list[str]:
        """The line under the title: the base (when the title names the themes), date,
        author, themes (when the title does not name them), information cut-off date,
        number of sources."""
        parts = [self.base_title] if self.base_title else []
        parts.append(format_date(self.date, self.lang))
        if self.author:
            parts.append(self.author)
        if self.names_themes:
            parts.append(label(self.lang, "themes", themes=", ".join(self.theme_titles())))
        if self.cutoff is not None:
            parts.append(label(self.lang, "cutoff", date=format_date(self.cutoff, self.lang)))
        parts.append(self.prepared_from())
        return parts

    def prepared_from(self) -> str:
        """``Prepared from 7 sources``."""
        n = self.summary.total
        return (
            label(self.lang, "prepared_from_one")
            if n == 1
            else label(self.lang, "prepared_from", n=n)
        )

    def summary_text(self) -> str:
        """The source summary: what kinds of sources, how much is second-hand.

        A brief of set length (compact notes) says it in fewer words: the byline
        already says how many sources.
        """
        s = self.summary
        # "descriptor (n)": a descriptor is free text, which no rule can put in the plural.
        kinds = [f"{d} ({n})" for d, n in s.by_descriptor]
        separator = label(self.lang, "list_separator")
        if self.compact:
            # The commonest kinds; the others counted together.
            if len(kinds) > SUMMARY_KINDS + 1:
                rest = s.by_descriptor[SUMMARY_KINDS:]
                other = label(self.lang, "other_kinds", n=len(rest), m=sum(n for _, n in rest))
                kinds = [*kinds[:SUMMARY_KINDS], other]
            second = label(self.lang, "second_hand_short", k=s.second_hand, n=s.facts)
            text = label(self.lang, "summary_short", kinds=separator.join(kinds), second=second)
        else:
            kinds_text = separator.join(kinds)
            second = label(self.lang, "second_hand", k=s.second_hand, n=s.facts)
            text = label(
                self.lang, "summary", prepared=self.prepared_from(), kinds=kinds_text, second=second
            )
        return " ".join([text, *self._sourcing()])

    def _sourcing(self) -> list[str]:
        """The range of the grades, and the judgment whose basis is thinnest."""
        s, lang, out = self.summary, self.lang, []
        short = "_short" if self.compact else ""
        if s.reliability and s.credibility:
            out.append(
                label(
                    lang,
                    "grade_range" + short,
                    r1=s.reliability[0],
                    r2=s.reliability[1],
                    c1=s.credibility[0],
                    c2=s.credibility[1],
                )
            )
        if s.thinnest and len(self.judgments) > 1:
            note, strong, origins, grade = s.thinnest
            key = ("thinnest_one" if origins == 1 else "thinnest") + short
            graded = label(lang, "graded" if strong else "not_graded")
            out.append(label(lang, key, note=note, k=strong, n=origins, grade=grade, graded=graded))
        return out

    def legend(self) -> str:
        """What the brief's likelihood terms and grades mean: the legends that apply."""
        own = label(self.lang, "judgments_own") if self.judgments else ""
        return " ".join(t for t in (own, self.likelihood_legend(), self.grade_legend()) if t)

    def grade_legend(self) -> str:
        """What the grades of this brief's notes mean (only the letters and digits used)."""
        grades = {r.grade for note in self.notes for r in note.references if r.grade}
        if not grades:
            return ""
        lang = self.lang
        separator = label(lang, "legend_separator")
        sources = separator.join(
            f"{g} {label(lang, 'reliability_' + g)}" for g in sorted({g[0] for g in grades})
        )
        information = separator.join(
            f"{g} {label(lang, 'credibility_' + g)}" for g in sorted({g[1:] for g in grades})
        )
        return label(lang, "grades", sources=sources, information=information)


@dataclass(frozen=True)
class Arrangement:
    """Where each fact of a brief goes, before any note is numbered.

    Each fact stands once in the body: a key point, a competing estimate or
    one side of a contradiction is not repeated as a bullet of its theme.
    """

    themes: tuple[Theme, ...]
    key_points: tuple[Fact, ...]
    sections: tuple[tuple[Theme, tuple[Fact, ...]], ...]  # themes with bullets, in order
    estimates: tuple[tuple[Fact, ...], ...]  # facts sharing a measure, by date and value
    contradictions: tuple[tuple[Fact, Fact], ...]
    shown: tuple[Fact, ...]  # the facts selected, and the other side of their contradictions


def arrange(
    base: FactBase, facts: Sequence[Fact], theme_ids: Sequence[str] = (), key_points: int = 5
) -> Arrangement:
    """Place ``facts`` (a selection from ``base``) in the parts of a brief."""
    themes = _brief_themes(base, facts, theme_ids)
    key = choose_key_points(facts, themes, key_points)
    pairs = _contradiction_pairs(base, facts)
    # A contradiction shows both sides even if only one was selected.
    selected = {f.id for f in facts}
    others = {f.id: f for pair in pairs for f in pair if f.id not in selected}
    shown = (*facts, *others.values())
    groups = estimate_groups(shown)
    # Two estimates of one measure that contradict each other already stand side by side.
    tabled = {f.id: f.quantity.measure for group in groups for f in group if f.quantity}
    pairs = [(a, b) for a, b in pairs if a.id not in tabled or tabled[a.id] != tabled.get(b.id)]
    placed = {f.id for f in key}
    placed.update(f.id for group in groups for f in group)
    placed.update(f.id for pair in pairs for f in pair)
    sections = tuple(
        (theme, tuple(sorted(members, key=_chronological)))
        for theme, members in zip(themes, _by_first_theme(facts, themes, placed), strict=True)
        if members
    )
    return Arrangement(
        themes=tuple(themes),
        key_points=tuple(key),
        sections=sections,
        estimates=tuple(tuple(group) for group in groups),
        contradictions=tuple(pairs),
        shown=shown,
    )


def build_brief(
    base: FactBase,
    facts: Sequence[Fact],
    theme_ids: Sequence[str] = (),
    options: BriefOptions | None = None,
    changes: FactChanges | None = None,
    omitted: Sequence[Fact] = (),
    selection: Sequence[Fact] | None = None,
    *,
    groups: Mapping[str, tuple[Fact, ...]] | None = None,
) -> Brief:
    """Arrange ``facts`` (a selection from ``base``) into a brief and number its notes.

    With ``changes``, only the new and changed facts of the selection are
    kept, marked as such, and the removed facts are listed. ``omitted`` are
    the facts left out to fit a length (see :mod:`briefgen.fitting`).
    ``selection``, the facts selected before any was left out (by default
    ``facts`` and ``omitted``): a value the brief states is shown with the range
    of the estimates of its measure among them. ``groups``: the estimates of
    ``selection`` by measure (:func:`estimates_by_measure`), where the caller has
    them already (fitting builds a brief of one selection a few dozen times).
    """
    options = options or BriefOptions()
    if changes is not None:
        facts = [f for f in facts if changes.status(f.id)]
    lang = options.lang
    parts = arrange(base, facts, theme_ids, options.key_points)
    judgments = select_judgments(base, theme_ids, options, changes)
    tabled = {f.quantity.measure: len(g) for g in parts.estimates for f in g if f.quantity}
    groups = _selection_groups(groups, selection, [*facts, *omitted])
    beside = _beside(parts, groups, tabled)
    listed = {f.id: f for others, _ in beside.values() for f in others}
    shown = (*parts.shown, *listed.values())
    numbering = _Numbering(base, options, changes, shown, judgments, groups, tabled, beside)
    judgment_items, key_points, sections, estimates, contradictions = _numbered(
        numbering, parts, judgments, lang
    )
    notes = numbering.finish()
    return Brief(
        title=options.title or typeset(_default_title(base, lang, theme_ids), lang),
        subtitle=_subtitle(options, changes),
        date=options.date or today(),
        lang=lang,
        style=options.style,
        marking=options.marking,
        author=options.author,
        themes=parts.themes,
        key_points=key_points,
        sections=sections,
        estimates=estimates,
        contradictions=contradictions,
        notes=notes,
        sources=tuple(numbering.writer.sources[s] for s in numbering.cited_sources),
        summary=_summary(base, notes, lang, judgment_items),
        facts=shown,
        grades=options.grades,
        bibliography=options.bibliography,
        compact=options.compact_notes,
        removed=_removed(changes, lang),
        omitted=tuple(f for f in omitted if f.id not in listed),  # listed beside a value
        empty_text=label(lang, "nothing_new" if changes or options.new_since else "no_facts"),
        bibliography_entries=numbering.bibliography() if options.bibliography else (),
        timeline=_timeline(options.timeline, stated_items(key_points, sections, contradictions)),
        judgments=judgment_items,
        yardstick=yardstick(base.info.yardstick) if judgment_items else None,
        cutoff=_cutoff(shown),
        base_title=_base_title(base, lang, theme_ids),
        names_themes=_names_themes(base, parts.themes, theme_ids),
    )


def _numbered(
    numbering: _Numbering, parts: Arrangement, judgments: Sequence[Judgment], lang: str
) -> tuple[
    tuple[JudgmentItem, ...],
    tuple[Item, ...],
    tuple[Section, ...],
    tuple[Estimates, ...],
    tuple[Contradiction, ...],
]:
    """The judgments, key points, sections, tables and contradictions of a brief, their
    notes numbered in the order they are read."""
    shown = {f.id for f in parts.shown}
    judgment_items = tuple(numbering.judgment(j, shown) for j in judgments)
    key_points = tuple(numbering.item(f) for f in parts.key_points)
    sections = tuple(
        Section(
            theme,
            typeset(localized(theme.title, lang), lang),
            tuple(numbering.item(f) for f in members),
        )
        for theme, members in parts.sections
    )
    estimates = tuple(numbering.estimates(group) for group in parts.estimates)
    contradictions = tuple(
        Contradiction(numbering.item(a, graded=True), numbering.item(b, graded=True))
        for a, b in (_better_first(numbering.base, pair) for pair in parts.contradictions)
    )
    return judgment_items, key_points, sections, estimates, contradictions


def _removed(changes: FactChanges | None, lang: str) -> tuple[Item, ...]:
    """The facts a digest lists as removed since its revision."""
    removed = changes.removed if changes else ()
    return tuple(Item(f, typeset(f.text_in(lang), lang), None, "removed") for f in removed)


def _cutoff(shown: Sequence[Fact]) -> PartialDate | None:
    """The information cut-off: the latest date of the facts shown."""
    dates = [f.date for f in shown if f.date is not None]
    return max(dates, key=lambda d: d.last_day()) if dates else None


def _base_title(base: FactBase, lang: str, theme_ids: Sequence[str]) -> str | None:
    """The base's title, for the byline of a brief titled by its themes."""
    if theme_ids and base.info.title:
        return typeset(localized(base.info.title, lang), lang)
    return None


def _names_themes(base: FactBase, themes: Sequence[Theme], theme_ids: Sequence[str]) -> bool:
    """Whether a brief of the whole base names its themes: when it holds only some."""
    return bool(themes) and not theme_ids and {t.id for t in themes} != {t.id for t in base.themes}


# Key judgments in a brief of one theme (the bottom line included).
JUDGMENTS = 4


def select_judgments(
    base: FactBase,
    theme_ids: Sequence[str],
    options: BriefOptions,
    changes: FactChanges | None = None,
) -> tuple[Judgment, ...]:
    """The key judgments a brief states, the bottom line first.

    Those on the brief's themes, by priority; of equals, first those on no
    other theme (a brief of one theme opens with its own bottom line), then
    those on more of the brief's themes (the whole base opens with a judgment
    on all of it), then in the order of the base. After the bottom line, the
    themes take turns, so that a brief of several themes has a judgment on each.
    A digest states only the judgments new or changed in it.
    """
    if not base.judgments:
        return ()
    # A brief of no theme in particular is on all of them, even a digest with no fact.
    themes = [base.theme(t) for t in dict.fromkeys(theme_ids)] if theme_ids else base.themes
    wanted = {t.id for t in themes}
    order = {j.id: i for i, j in enumerate(base.judgments)}

    def rank(j: Judgment) -> tuple[int, int, int, int]:
        inside = len(wanted & set(j.themes))
        return (j.priority, len(set(j.themes) - wanted), -inside, order[j.id])

    ranked = sorted(_judgment_candidates(base, wanted, options, changes), key=rank)
    limit = options.judgments
    if limit is None:
        limit = max(JUDGMENTS, 1 + len(themes))
    if not ranked or limit <= 0:
        return ()
    chosen = _taking_turns(ranked, [t.id for t in themes], limit)
    return tuple(sorted(chosen, key=lambda j: (j.id != ranked[0].id, rank(j))))


def _judgment_candidates(
    base: FactBase, wanted: set[str], options: BriefOptions, changes: FactChanges | None
) -> list[Judgment]:
    """The judgments on the ``wanted`` themes; of a digest, those new or changed in it."""
    candidates = [j for j in base.judgments if wanted & set(j.themes)]
    if changes is not None:
        return [j for j in candidates if changes.judgment_status(j.id)]
    if options.new_since is not None:
        since = options.new_since.first_day()
        return [j for j in candidates if j.added and j.added.last_day() >= since]
    return candidates


def _taking_turns(ranked: Sequence[Judgment], themes: Sequence[str], limit: int) -> list[Judgment]:
    """Up to ``limit`` of the ``ranked`` judgments: the first, then one of each theme in
    turn, each theme's best not yet chosen."""
    chosen: dict[str, Judgment] = {ranked[0].id: ranked[0]}
    queues = [[j for j in ranked if theme in j.themes] for theme in themes]
    while len(chosen) < limit and any(queues):
        for queue in queues:
            while queue and queue[0].id in chosen:
                queue.pop(0)
            if queue and len(chosen) < limit:
                taken = queue.pop(0)
                chosen[taken.id] = taken
    return list(chosen.values())


def _better_first(base: FactBase, pair: tuple[Fact, Fact]) -> tuple[Fact, Fact]:
    """The two sides of a contradiction, the better supported first: the better
    credibility, then the more reliable original source, then the more of them."""
    return tuple(sorted(pair, key=lambda f: _support(base, f)))  # type: ignore[return-value]


def _support(base: FactBase, fact: Fact) -> tuple[int, str, int, str]:
    origins = {ref.origin for ref in fact.sources}
    best = min(base.sources[o].reliability for o in origins)
    return (fact.credibility, best, -len(origins), fact.id)


def best_grade(base: FactBase, fact: Fact) -> str:
    """``A1``: the most reliable original source of ``fact``, and its credibility."""
    return f"{_support(base, fact)[1]}{fact.credibility}"


def _selection_groups(
    groups: Mapping[str, tuple[Fact, ...]] | None,
    selection: Sequence[Fact] | None,
    shown_or_omitted: Sequence[Fact],
) -> Mapping[str, tuple[Fact, ...]]:
    """The selection's estimates by measure: as given, or of the selection, by default the
    facts shown and those left out."""
    if groups is not None:
        return groups
    return estimates_by_measure(shown_or_omitted if selection is None else selection)


def _beside(
    parts: Arrangement, groups: Mapping[str, tuple[Fact, ...]], tabled: Collection[str]
) -> dict[str, tuple[tuple[Fact, ...], int]]:
    """For each measure the brief states a value of and shows in no table: the other
    estimates of it in the selection (``groups``) that the brief lists beside the value,
    by date, and how many there are. Of more than :data:`BESIDE`, the lowest, the highest
    and the latest are listed, then the most recent of the others."""
    stated = (*parts.key_points, *(f for _, members in parts.sections for f in members))
    stated += tuple(f for pair in parts.contradictions for f in pair)
    # In reading order, so that the brief's facts come in the same order on every run.
    measures = dict.fromkeys(f.quantity.measure for f in stated if f.quantity)
    shown = {f.id for f in parts.shown}
    out = {}
    for measure in measures:
        if measure in tabled:
            continue
        found = [f for f in groups.get(measure, ()) if f.id not in shown]
        chosen = found
        if len(found) > BESIDE:
            lowest = min(found, key=lambda f: (_low(f.quantity), f.id))
            highest = max(found, key=lambda f: (_high(f.quantity), f.id))
            latest = sorted(found, key=lambda f: (-date_ordinal(f), f.id))
            ids = list(dict.fromkeys(f.id for f in (lowest, highest, *latest)))[:BESIDE]
            chosen = [f for f in found if f.id in ids]  # in the group's order: by date
        if chosen:
            out[measure] = (tuple(chosen), len(found))
    return out


def _low(quantity: Quantity | None) -> float:
    return min(quantity.numbers()) if quantity else 0.0


def _high(quantity: Quantity | None) -> float:
    return max(quantity.numbers()) if quantity else 0.0


def estimates_by_measure(selection: Iterable[Fact]) -> dict[str, tuple[Fact, ...]]:
    """The facts of ``selection`` (each once) of each measure with more than one of them,
    by date and value (:func:`estimate_groups`)."""
    unique = {f.id: f for f in selection}.values()
    return {g[0].quantity.measure: tuple(g) for g in estimate_groups(unique) if g[0].quantity}


def stated_items(
    key_points: Iterable[Item], sections: Iterable[Section], contradictions: Iterable[Contradiction]
) -> tuple[Item, ...]:
    """The items a brief states in its text, in reading order: the key points, the
    bullets of each section and both sides of each contradiction (a timeline draws
    the dated events among them)."""
    sides = (side for pair in contradictions for side in (pair.left, pair.right))
    return (*key_points, *(i for s in sections for i in s.items), *sides)


def _timeline(drawn: bool | None, items: Iterable[Item]) -> tuple[Item, ...]:
    """The events a timeline shows: when asked for, every dated event; where there
    is room (None), two or more (one event on a line says no more than its bullet)."""
    events = dated_events(items) if drawn is not False else ()
    return events if drawn or len(events) > 1 else ()


def dated_events(items: Iterable[Item]) -> tuple[Item, ...]:
    """The events among ``items`` that have a date, each once, by date."""
    events = {i.fact.id: i for i in items if i.fact.kind == "event" and i.fact.date is not None}
    return tuple(sorted(events.values(), key=lambda i: (date_ordinal(i.fact), i.fact.id)))


def _default_title(base: FactBase, lang: str, theme_ids: Sequence[str] = ()) -> str:
    """The title names the selection: its themes' titles, or the base's."""
    if theme_ids:
        titles = [localized(base.theme(t).title, lang) for t in dict.fromkeys(theme_ids)]
        if len(titles) == 1:
            return titles[0]
        return f"{', '.join(titles[:-1])} {label(lang, 'and')} {titles[-1]}"
    return localized(base.info.title, lang) if base.info.title else label(lang, "brief")


def _subtitle(options: BriefOptions, changes: FactChanges | None) -> str | None:
    if options.subtitle is not None:
        return options.subtitle
    if changes is not None:
        return label(options.lang, "changed_since", ref=changes.since)
    if options.new_since is not None:
        return label(options.lang, "new_since", date=format_date(options.new_since, options.lang))
    return None


@dataclass(frozen=True, eq=False)
class BriefRecipe:
    """What :func:`build_brief` is given, kept so that the brief can be built again
    with fewer facts: fitting a length leaves facts out and lets the brief number
    its notes afresh, instead of renumbering them in a renderer."""

    base: FactBase
    facts: tuple[Fact, ...]
    theme_ids: tuple[str, ...] = ()
    options: BriefOptions = field(default_factory=BriefOptions)
    changes: FactChanges | None = None

    def build(
        self,
        omit: Collection[str] = (),
        omitted: Sequence[Fact] = (),
        *,
        keep: Collection[str] | None = None,
    ) -> Brief:
        """The brief of the selected facts, less those whose ids are in ``omit`` (or only
        those in ``keep``, taken in the selection's order without going through it all).

        ``omitted`` is what the brief reports as left out (in the order it was).
        """
        if keep is not None:
            at = self._positions
            facts: Sequence[Fact] = [self.facts[i] for i in sorted(at[f] for f in keep)]
        else:
            facts = [f for f in self.facts if f.id not in omit] if omit else self.facts
        return build_brief(
            self.base,
            facts,
            self.theme_ids,
            self.options,
            self.changes,
            omitted,
            selection=self.candidates(),
            groups=self._groups,
        )

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {f.id: i for i, f in enumerate(self.facts)}

    @cached_property
    def _groups(self) -> dict[str, tuple[Fact, ...]]:
        return estimates_by_measure(self.candidates())

    def judgments(self) -> tuple[Judgment, ...]:
        """The key judgments the brief states (see :func:`select_judgments`)."""
        return select_judgments(self.base, self.theme_ids, self.options, self.changes)

    def candidates(self) -> tuple[Fact, ...]:
        """The facts the brief may show: the selection, less unchanged facts in a digest."""
        if self.changes is None:
            return self.facts
        return tuple(f for f in self.facts if self.changes.status(f.id))


@dataclass(frozen=True)
class Fit:
    """The facts a brief keeps to fit its length, and the brief they make
    (see :mod:`briefgen.fitting`)."""

    brief: Brief  # built with the kept facts; its ``omitted`` lists the others
    omitted: tuple[Fact, ...]  # in the order they were left out: least important first
    pages_needed: int  # the pages the brief would take with every fact
    # What the brief was built from, with the timeline decided: to build it again.
    recipe: BriefRecipe
    omit: frozenset[str] = frozenset()  # the ids the brief was built without


class _Numbering:
    """Gives note numbers in reading order and remembers the sources cited."""

    def __init__(
        self,
        base: FactBase,
        options: BriefOptions,
        changes: FactChanges | None = None,
        shown: Sequence[Fact] = (),
        judgments: Sequence[Judgment] = (),
        groups: Mapping[str, tuple[Fact, ...]] | None = None,
        tabled: dict[str, int] | None = None,
        beside: dict[str, tuple[tuple[Fact, ...], int]] | None = None,
    ) -> None:
        self.base = base
        self.options = options
        self.changes = changes
        self.style = get_style(options.style)
        basis = [base.fact(f) for j in judgments for f in j.basis if f in base.fact_ids]
        # Every work the brief may cite: short forms need only tell these apart.
        cited = tuple(
            dict.fromkeys(
                s for fact in (*shown, *basis) for ref in fact.sources for s in (ref.ref, *ref.via)
            )
        )
        self.writer = NoteWriter(
            self.style,
            options.lang,
            base.sources,
            compact=options.compact_notes,
            ibid=options.ibid,
            cited=cited,
        )
        self.notes: list[Note] = []
        self.numbers: dict[str, int] = {}  # fact id -> its note
        self.cited_sources: dict[str, None] = {}  # ordered set
        # The works read, and for each original source the works that cite it.
        self.read_sources: dict[str, None] = {}
        self.cited_in: dict[str, dict[str, None]] = {}
        self.cited_works = frozenset(cited)  # to tell apart the works a judgment's note names
        self.comments: dict[str, int] = {}  # an analyst's comment -> the note that gives it
        self.groups = groups or {}  # the selection's estimates, by measure
        self.tabled = tabled or {}
        # measure -> the other estimates listed beside a value of it, and how many there are
        self.beside = beside or {}
        # Judgments' notes wait for the numbers of the notes of the facts they rest on.
        self._judgments: list[tuple[int, Judgment, tuple[str, ...]]] = []

    def item(self, fact: Fact, *, graded: bool = False, beside: bool = True) -> Item:
        """``fact`` as the brief states it, with its note; with the other estimates of
        its measure ``beside`` it where no table shows them, numbered after its own."""
        status = self.changes.status(fact.id) if self.changes else None
        lang = self.options.lang
        text = typeset(fact.text_in(lang), lang)
        date = short_date(fact.date, lang) if fact.date else None
        grade = best_grade(self.base, fact) if graded and self.options.grades else None
        earlier = self.numbers.get(fact.id)
        if earlier is not None:
            item = Item(fact, text, earlier, status, True, date, grade)
        else:
            references, citation = self._cite([fact])
            comment = fact.comment_in(lang)
            comment = typeset(comment, lang) if comment else None
            number = self.numbers[fact.id] = len(self.notes) + 1
            if comment is not None:
                # Two facts the same remark bears on: the second note points to the first's.
                first = self.comments.setdefault(comment, number)
                if first != number:
                    comment = label(lang, "comment_see", n=first)
            self.notes.append(Note(number, fact.id, references, citation, comment))
            item = Item(fact, text, number, status, False, date, grade)
        return replace(item, spread=self._spread(item)) if beside else item

    def _spread(self, item: Item) -> Spread | None:
        """The other estimates of ``item``'s measure, where no table shows them."""
        quantity = item.fact.quantity
        if quantity is None or quantity.measure in self.tabled:
            return None
        others, count = self.beside.get(quantity.measure, ((), 0))
        if not others:
            return None
        return Spread(
            quantity.measure,
            *self._measure_names(quantity),
            stated=self._row(item),
            others=tuple(self._estimate_row(f, beside=False) for f in others),
            more=count - len(others),
            lang=self.options.lang,
        )

    def _cite(self, facts: Sequence[Fact]) -> tuple[tuple[Reference, ...], Citation]:
        """The references of ``facts`` and the note citing them all; remembers the works."""
        refs = [(fact, ref) for fact in facts for ref in fact.sources]
        references = tuple(
            Reference(ref.ref, ref.via, ref.locator, self._grade(fact, ref)) for fact, ref in refs
        )
        citation = self.writer.note([ref for _, ref in refs], [r.grade for r in references])
        citation = typeset_citation(citation, self.options.lang)
        for _, ref in refs:
            self.cited_sources.update(dict.fromkeys((ref.ref, *ref.via)))
            self.read_sources.setdefault(ref.ref)
            # via [a, b]: the work read cites a, which cites b.
            for citing, original in zip((ref.ref, *ref.via), ref.via, strict=False):
                self.cited_in.setdefault(original, {}).setdefault(citing)
        return references, citation

    def judgment(self, judgment: Judgment, shown: Collection[str]) -> JudgmentItem:
        """A key judgment, with a note citing its basis: the notes of the facts of it that
        the brief shows, and the sources of the others."""
        lang = self.options.lang
        status = self.changes.judgment_status(judgment.id) if self.changes else None
        unshown = [
            self.base.fact(f)
            for f in dict.fromkeys(judgment.basis)
            if f not in shown and f in self.base.fact_ids
        ]
        # The facts the page does not show are named by the works they come from (see
        # _works_named), once the notes of those it shows are written.
        references = tuple(
            Reference(ref.ref, ref.via, ref.locator, self._grade(fact, ref))
            for fact in unshown
            for ref in fact.sources
        )
        works = dict.fromkeys(ref.ref for fact in unshown for ref in fact.sources)
        for work in works:
            self.cited_sources.setdefault(work)
            self.read_sources.setdefault(work)
        self.writer.interrupt()  # "Ibid." after this note would name no work of it
        number = len(self.notes) + 1
        self.notes.append(Note(number, judgment.id, references, (), judgment=True))
        self._judgments.append((number, judgment, tuple(works)))
        text = typeset(judgment.text_in(lang), lang)
        term = None
        span = None
        if judgment.likelihood and self.base.info.yardstick:
            stick = yardstick(self.base.info.yardstick)
            term = stick.term(judgment.likelihood)
            found = [f for f in find_terms(text, lang, [stick]) if f.what == judgment.likelihood]
            span = (found[0].start, found[0].end) if found else None
        previous = self.changes.changed_judgments.get(judgment.id) if self.changes else None
        return JudgmentItem(
            judgment,
            text,
            number,
            term,
            span,
            confidence_name(judgment.confidence, lang),
            status,
            lang=lang,
            previous=previous,
        )

    def finish(self) -> tuple[Note, ...]:
        """The notes, those of the judgments completed with the notes of their basis."""
        lang = self.options.lang
        for number, judgment, works in self._judgments:
            cited = self._works_named(works)
            calls = sorted({self.numbers[f] for f in judgment.basis if f in self.numbers})
            if calls:
                listed = _and_list([str(n) for n in calls], lang)
                notes = label(lang, "note_one" if len(calls) == 1 else "notes_many", n=listed)
                key = "judgment_on_notes_and" if cited else "judgment_on_notes"
                lead = label(lang, key, notes=notes)
            else:
                lead = label(lang, "judgment_on")
            citation = (Segment(lead), *cited)
            self.notes[number - 1] = replace(self.notes[number - 1], citation=citation)
        return tuple(self.notes)

    def _works_named(self, works: Sequence[str]) -> Citation:
        """The works of facts a page does not show, in as few words as tell them apart: a
        work another note names by its short form, by its authors alone where they tell it
        from the others; any other, by its short form (their full notes are a longer
        brief's, or the JSON's)."""
        writer = self.writer
        named = join(
            [
                writer.work_name(w, self.cited_works) if writer.named(w) else writer.short_form(w)
                for w in works
            ],
            label(self.options.lang, "list_separator"),
            writer.typography,
        )
        return typeset_citation(close(named, writer.typography), self.options.lang) if named else ()

    def bibliography(self) -> tuple[Citation, ...]:
        """Every work the notes cite: the works read, and the original sources known through
        them, each with the works that cite it (CMOS 14.260)."""
        cited_in = {
            original: [self.writer.short_form(citing) for citing in citing_works]
            for original, citing_works in self.cited_in.items()
            if original not in self.read_sources
        }
        works = (self.base.sources[s] for s in self.cited_sources)
        entries = bibliography(works, self.style, self.options.lang, cited_in)
        return tuple(typeset_citation(entry, self.options.lang) for entry in entries)

    def _grade(self, fact: Fact, ref: SourceRef) -> str | None:
        if not self.options.grades:
            return None
        origin = self.base.sources[ref.origin]
        return f"{origin.reliability}{fact.credibility}"

    def estimates(self, group: Sequence[Fact]) -> Estimates:
        quantity = group[0].quantity
        assert quantity is not None
        lang = self.options.lang
        every = self.groups.get(quantity.measure, ())
        spread = None
        if len(every) > len(group):
            values = [n for f in every if f.quantity for n in f.quantity.numbers()]
            span = f"{format_number(min(values), lang)}–{format_number(max(values), lang)}"
            spread = label(lang, "table_spread", k=len(group), n=len(every), range=span)
        return Estimates(
            quantity.measure,
            *self._measure_names(quantity),
            rows=tuple(self._estimate_row(f) for f in group),
            spread=spread,
        )

    def _measure_names(self, quantity: Quantity) -> tuple[str, str]:
        """The title and the unit of ``quantity``'s measure, as the brief writes them."""
        lang, measure = self.options.lang, quantity.measure
        title = typeset(self.base.measure_title(measure, lang), lang)
        return title, typeset(self.base.measure_unit(measure, quantity.unit, lang), lang)

    def _estimate_row(self, fact: Fact, *, beside: bool = True) -> EstimateRow:
        return self._row(self.item(fact, beside=beside))

    def _row(self, item: Item) -> EstimateRow:
        """``item``, a fact giving a value, as an estimate: its value, date and sources."""
        fact, lang = item.fact, self.options.lang
        assert fact.quantity is not None
        origins = dict.fromkeys(ref.origin for ref in fact.sources)
        who = typeset("; ".join(source_label(self.writer.sources[s]) for s in origins), lang)
        as_of = format_date(fact.date, lang) if fact.date else label(lang, "nd")
        return EstimateRow(item, format_quantity(fact.quantity, lang), as_of, who)


def _and_list(words: Sequence[str], lang: str) -> str:
    """``5, 8 and 9``."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {label(lang, 'and')} {words[-1]}"


def _chronological(fact: Fact) -> tuple[int, tuple[int, int, int], int, str]:
    # Undated facts after dated ones, a year before its months, a month before its days;
    # then by priority, then id for a stable order.
    if fact.date is None:
        return (1, (0, 0, 0), fact.priority, fact.id)
    return (0, fact.date.key(), fact.priority, fact.id)


def _brief_themes(base: FactBase, facts: Sequence[Fact], theme_ids: Sequence[str]) -> list[Theme]:
    if theme_ids:
        return [base.theme(t) for t in dict.fromkeys(theme_ids)]
    used = {t for f in facts for t in f.themes}
    return [t for t in base.themes if t.id in used]


def _by_first_theme(
    facts: Sequence[Fact], themes: Sequence[Theme], placed: set[str]
) -> list[list[Fact]]:
    """The facts not yet placed, under the first of ``themes`` they belong to.

    One pass over the facts, whatever the number of themes.
    """
    order = {theme.id: i for i, theme in enumerate(themes)}
    members: list[list[Fact]] = [[] for _ in themes]
    for fact in facts:
        if fact.id in placed:
            continue
        first = min((order[t] for t in fact.themes if t in order), default=None)
        if first is not None:
            members[first].append(fact)
    return members


def choose_key_points(facts: Sequence[Fact], themes: Sequence[Theme], limit: int) -> list[Fact]:
    """The most important assessments and figures, taken in turn from each theme."""
    candidates = [f for f in facts if f.kind in KEY_POINT_KINDS]
    if not candidates or limit <= 0:
        return []
    top = min(f.priority for f in candidates)
    ranked = sorted(
        (f for f in candidates if f.priority == top),
        key=lambda f: (KIND_RANK[f.kind], -date_ordinal(f), f.id),
    )
    queues: dict[str, list[Fact]] = {theme.id: [] for theme in themes}
    for fact in ranked:
        for theme_id in fact.themes:
            if theme_id in queues:
                queues[theme_id].append(fact)
    chosen: dict[str, Fact] = {}
    while len(chosen) < limit and any(queues.values()):
        for queue in queues.values():
            while queue and queue[0].id in chosen:
                queue.pop(0)
            if queue and len(chosen) < limit:
                fact = queue.pop(0)
                chosen[fact.id] = fact
    rank = {f.id: i for i, f in enumerate(ranked)}
    return sorted(chosen.values(), key=lambda f: rank[f.id])


def date_ordinal(fact: Fact) -> int:
    """The day ``fact``'s date starts on, as an ordinal (0 for an undated fact)."""
    return fact.date.first_day().toordinal() if fact.date else 0


def estimate_groups(facts: Iterable[Fact]) -> list[list[Fact]]:
    by_measure: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.quantity is not None:
            by_measure.setdefault(fact.quantity.measure, []).append(fact)
    return [
        sorted(group, key=lambda f: (*_chronological(f)[:2], _value(f.quantity)))
        for group in by_measure.values()
        if len(group) > 1
    ]


def format_quantity(quantity: Quantity, lang: str) -> str:
    """``12,000``, ``10,000–12,000``, ``≥ 3,000`` (French: ``12 000``)."""
    if quantity.value is not None:
        return format_number(quantity.value, lang)
    if quantity.low is not None and quantity.high is not None:
        return f"{format_number(quantity.low, lang)}–{format_number(quantity.high, lang)}"
    if quantity.low is not None:
        return f"≥ {format_number(quantity.low, lang)}"
    return f"≤ {format_number(quantity.high or 0, lang)}"


def _value(quantity: Quantity | None) -> float:
    return quantity.sort_key() if quantity else 0.0


def _contradiction_pairs(base: FactBase, facts: Sequence[Fact]) -> list[tuple[Fact, Fact]]:
    """Pairs of contradicting facts with at least one side selected, each pair once."""
    selected = {f.id for f in facts}
    pairs: dict[tuple[str, str], None] = {}
    contradicted_by = base.contradicted_by
    for fact in facts:
        for other in (*fact.contradicts, *contradicted_by.get(fact.id, ())):
            a, b = sorted((fact.id, other))
            if a in selected or b in selected:
                pairs.setdefault((a, b))
    return [(base.fact(a), base.fact(b)) for a, b in pairs]


def _summary(
    base: FactBase, notes: Sequence[Note], lang: str, judgments: Sequence[JudgmentItem] = ()
) -> SourceSummary:
    references = [r for n in notes for r in n.references]
    cited = dict.fromkeys(s for r in references for s in (r.source_id, *r.via))
    facts_notes = [n for n in notes if not n.judgment]
    # A fact can have several notes (a key point also in an estimates table): count it once.
    facts = dict.fromkeys(n.fact_id for n in facts_notes)
    second_hand = {n.fact_id for n in facts_notes if any(r.via for r in n.references)}
    reliability, credibility = _grade_ranges([r.grade for r in references if r.grade])
    return SourceSummary(
        total=len(cited),
        by_descriptor=_by_descriptor(base, cited, lang),
        second_hand=len(second_hand),
        facts=len(facts),
        reliability=reliability,
        credibility=credibility,
        thinnest=_thinnest(base, judgments),
    )


def _by_descriptor(base: FactBase, cited: Iterable[str], lang: str) -> tuple[tuple[str, int], ...]:
    """How many of the ``cited`` sources are of each kind, the commonest first."""
    descriptors: Counter[str] = Counter()
    for source_id in cited:
        source = base.sources[source_id]
        descriptor = localized(source.descriptor, lang) if source.descriptor else source.type
        descriptors[typeset(descriptor, lang)] += 1
    return tuple(sorted(descriptors.items(), key=lambda kv: (-kv[1], kv[0])))


def _grade_ranges(
    grades: Sequence[str],
) -> tuple[tuple[str, str] | None, tuple[int, int] | None]:
    """The range of the sources' letters and of the information's digits among ``grades``."""
    if not grades:
        return None, None
    letters = [g[0] for g in grades]
    digits = [int(g[1:]) for g in grades]
    return (min(letters), max(letters)), (min(digits), max(digits))


def _thinnest(
    base: FactBase, judgments: Sequence[JudgmentItem]
) -> tuple[int, int, int, str] | None:
    """The judgment whose basis is thinnest (see :attr:`SourceSummary.thinnest`): the
    fewest strong independent sources, then the fewest sources, then the worst best grade."""
    from briefgen.analytic import weigh_basis

    weakest: tuple[tuple[int, int, int], int, int, int, str] | None = None
    for item in judgments:
        facts = [base.fact(f) for f in item.judgment.basis if f in base.fact_ids]
        if not facts:
            continue
        basis = weigh_basis(item.judgment, base.fact_ids, base.sources)
        best = min((best_grade(base, f) for f in facts), key=lambda g: (g[1:], g[0]))
        key = (basis.strong, basis.origins, -basis.best_credibility)
        if weakest is None or key < weakest[0]:
            weakest = (key, item.note, basis.strong, basis.origins, best)
    return weakest[1:] if weakest else None
