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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from briefgen.cite import Citation, CitationStyle, NoteWriter, bibliography, source_label
from briefgen.labels import format_date, format_number, label
from briefgen.model import Fact, FactBase, PartialDate, Quantity, Source, Theme, localized
from briefgen.query import FactChanges, Status
from briefgen.styles import DEFAULT_STYLE, get_style

KIND_RANK = {"assessment": 0, "figure": 1, "statement": 2, "event": 3}
KEY_POINT_KINDS = ("assessment", "figure")
# Text formats have no page layout to measure: a page holds about this many facts,
# about what a one-page A4 PDF with its footnotes holds.
FACTS_PER_PAGE = 12


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
    max_facts: int | None = None  # keep the most important facts only (see fit_facts)


@dataclass(frozen=True)
class Note:
    """A numbered note: one source reference of one fact."""

    number: int
    fact_id: str
    source_id: str
    via: tuple[str, ...]
    locator: str | None
    citation: Citation
    grade: str | None


@dataclass(frozen=True)
class Item:
    """A fact as it appears in the brief: its text, its note numbers, and in a
    digest of changes whether it is ``new`` or ``changed``."""

    fact: Fact
    text: str
    notes: tuple[int, ...]
    status: Status | None = None


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


@dataclass(frozen=True)
class Estimates:
    """Facts measuring the same thing, side by side (rows sorted by date)."""

    measure: str
    title: str
    unit: str
    rows: tuple[EstimateRow, ...]


@dataclass(frozen=True)
class Contradiction:
    left: Item
    right: Item


@dataclass(frozen=True)
class SourceSummary:
    """An ICD 206-style description of the sources behind the brief."""

    total: int
    by_descriptor: tuple[tuple[str, int], ...]
    second_hand: int
    facts: int


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
    removed: tuple[Item, ...] = ()  # in a digest of changes: facts no longer in the base
    omitted: tuple[Fact, ...] = ()  # selected, but left out to fit the length asked for
    empty_text: str = ""  # what an empty brief says: nothing new, or nothing matched
    # The works read, in the style's bibliography order; empty unless asked for.
    bibliography_entries: tuple[Citation, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.facts and not self.removed

    def theme_titles(self) -> list[str]:
        return [localized(t.title, self.lang) for t in self.themes]

    def byline(self) -> list[str]:
        """The line under the title: date, author, themes, number of sources."""
        parts = [format_date(self.date, self.lang)]
        if self.author:
            parts.append(self.author)
        if self.themes:
            parts.append(label(self.lang, "themes", themes=", ".join(self.theme_titles())))
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
        """The source summary: what kinds of sources, how much is second-hand."""
        s = self.summary
        # "descriptor (n)": a descriptor is free text, which no rule can put in the plural.
        kinds = label(self.lang, "list_separator").join(f"{d} ({n})" for d, n in s.by_descriptor)
        second = label(self.lang, "second_hand", k=s.second_hand, n=s.facts)
        return label(
            self.lang, "summary", prepared=self.prepared_from(), kinds=kinds, second=second
        )


def today() -> dt.date:
    """The brief's default date: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else today."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def build_brief(
    base: FactBase,
    facts: Sequence[Fact],
    theme_ids: Sequence[str] = (),
    options: BriefOptions | None = None,
    changes: FactChanges | None = None,
) -> Brief:
    """Arrange ``facts`` (a selection from ``base``) into a brief.

    With ``changes``, only the new and changed facts of the selection are
    kept, marked as such, and the removed facts are listed.
    """
    options = options or BriefOptions()
    if changes is not None:
        facts = [f for f in facts if changes.status(f.id)]
    omitted: list[Fact] = []
    if options.max_facts is not None and len(facts) > options.max_facts:
        ranked = _key_points(facts, _brief_themes(base, facts, theme_ids), options.key_points)
        facts, omitted = fit_facts(facts, options.max_facts, ranked)
    lang = options.lang
    themes = _brief_themes(base, facts, theme_ids)
    selected = {f.id for f in facts}

    key_points = _key_points(facts, themes, options.key_points)
    groups = _estimate_groups(facts)
    # Two estimates of one measure that contradict each other already stand side by side.
    tabled = {f.id: f.quantity.measure for group in groups for f in group if f.quantity}
    pairs = [
        (a, b)
        for a, b in _contradiction_pairs(base, facts)
        if a.id not in tabled or tabled[a.id] != tabled.get(b.id)
    ]
    placed = {f.id for f in key_points}
    placed.update(f.id for group in groups for f in group)
    placed.update(f.id for pair in pairs for f in pair)

    style = get_style(options.style)
    writer = _Numbering(base, options, style, changes)
    kp_items = tuple(writer.item(f) for f in key_points)
    sections = []
    for theme, members in zip(themes, _by_first_theme(facts, themes, placed), strict=True):
        if members:
            items = tuple(writer.item(f) for f in sorted(members, key=_chronological))
            sections.append(Section(theme, localized(theme.title, lang), items))
    estimates = tuple(
        Estimates(
            measure=group[0].quantity.measure,  # type: ignore[union-attr]
            title=base.measure_title(group[0].quantity.measure, lang),  # type: ignore[union-attr]
            unit=group[0].quantity.unit,  # type: ignore[union-attr]
            rows=tuple(writer.estimate_row(f) for f in group),
        )
        for group in groups
    )
    contradictions = tuple(Contradiction(writer.item(a), writer.item(b)) for a, b in pairs)

    shown = [*facts, *(f for pair in pairs for f in pair if f.id not in selected)]
    title = options.title or (
        localized(base.info.title, lang) if base.info.title else label(lang, "brief")
    )
    subtitle = options.subtitle
    if subtitle is None and changes is not None:
        subtitle = label(lang, "changed_since", ref=changes.since)
    elif subtitle is None and options.new_since is not None:
        subtitle = label(lang, "new_since", date=format_date(options.new_since, lang))
    removed = tuple(
        Item(f, f.text_in(lang), (), "removed") for f in (changes.removed if changes else ())
    )
    return Brief(
        title=title,
        subtitle=subtitle,
        date=options.date or today(),
        lang=lang,
        style=options.style,
        marking=options.marking,
        author=options.author,
        themes=tuple(themes),
        key_points=kp_items,
        sections=tuple(sections),
        estimates=estimates,
        contradictions=contradictions,
        notes=tuple(writer.notes),
        sources=tuple(base.sources[s] for s in writer.cited_sources),
        summary=_summary(base, writer.notes, lang),
        facts=tuple(shown),
        grades=options.grades,
        bibliography=options.bibliography,
        removed=removed,
        omitted=tuple(omitted),
        empty_text=label(lang, "nothing_new" if changes or options.new_since else "no_facts"),
        bibliography_entries=(
            bibliography((base.sources[s] for s in writer.read_sources), style, lang)
            if options.bibliography
            else ()
        ),
    )


def drop_sequence(facts: Sequence[Fact], key_points: Sequence[Fact] = ()) -> list[Fact]:
    """The facts in the order to leave them out when a brief must be shorter.

    Lowest priority first; within a priority, the facts that are not key
    points before those that are (so a key point never goes while a fact of
    lower priority stays), events and statements before assessments and
    figures, then the oldest; key points last, in the reverse of their rank.
    A fact that is one of several competing estimates, or one side of a
    contradiction, counts as important as the most important fact it is
    linked to, so that fitting a page does not hide a spread or a dispute.
    """
    priority = {f.id: f.priority for f in facts}
    by_measure: dict[str, list[str]] = {}
    for fact in facts:
        if fact.quantity is not None:
            by_measure.setdefault(fact.quantity.measure, []).append(fact.id)
    for group in by_measure.values():
        if len(group) > 1:
            best = min(priority[i] for i in group)
            for fact_id in group:
                priority[fact_id] = best
    for fact in facts:
        for other in fact.contradicts:
            if other in priority:
                best = min(priority[fact.id], priority[other])
                priority[fact.id] = priority[other] = best
    rank = {f.id: i for i, f in enumerate(key_points)}

    def order(fact: Fact) -> tuple[int, int, int, int, int, str]:
        if fact.id in rank:
            return (-priority[fact.id], 1, -rank[fact.id], 0, 0, fact.id)
        return (-priority[fact.id], 0, 0, -KIND_RANK[fact.kind], _date_ordinal(fact), fact.id)

    return sorted(facts, key=order)


def fit_facts(
    facts: Sequence[Fact], limit: int, key_points: Sequence[Fact] = ()
) -> tuple[list[Fact], list[Fact]]:
    """Keep at most ``limit`` facts: the kept ones in their order, and the omitted ones."""
    if len(facts) <= limit:
        return list(facts), []
    omitted = drop_sequence(facts, key_points)[: len(facts) - limit]
    dropped = {f.id for f in omitted}
    return [f for f in facts if f.id not in dropped], omitted


@dataclass(frozen=True, eq=False)
class BriefRecipe:
    """What :func:`build_brief` is given, kept so that the brief can be built again
    with fewer facts: page fitting leaves facts out and lets the brief number
    its notes afresh, instead of renumbering them in a renderer."""

    base: FactBase
    facts: tuple[Fact, ...]
    theme_ids: tuple[str, ...] = ()
    options: BriefOptions = field(default_factory=BriefOptions)
    changes: FactChanges | None = None

    def build(self, omit: Collection[str] = ()) -> Brief:
        """The brief of the selected facts, less those whose ids are in ``omit``."""
        facts = [f for f in self.facts if f.id not in omit] if omit else self.facts
        return build_brief(self.base, facts, self.theme_ids, self.options, self.changes)

    def drop_order(self) -> tuple[Fact, ...]:
        """The selected facts in the order page fitting leaves them out (see drop_sequence)."""
        facts = self._shown_facts()
        themes = _brief_themes(self.base, facts, self.theme_ids)
        return tuple(drop_sequence(facts, _key_points(facts, themes, self.options.key_points)))

    def _shown_facts(self) -> list[Fact]:
        if self.changes is None:
            return list(self.facts)
        return [f for f in self.facts if self.changes.status(f.id)]


class _Numbering:
    """Gives note numbers in reading order and remembers the sources cited."""

    def __init__(
        self,
        base: FactBase,
        options: BriefOptions,
        style: CitationStyle,
        changes: FactChanges | None = None,
    ) -> None:
        self.base = base
        self.options = options
        self.changes = changes
        self.writer = NoteWriter(style, options.lang, base.sources)
        self.notes: list[Note] = []
        self.cited_sources: dict[str, None] = {}  # ordered set
        # The works read: a bibliography lists them, not the originals they cite.
        self.read_sources: dict[str, None] = {}

    def item(self, fact: Fact) -> Item:
        numbers = []
        for ref in fact.sources:
            number = len(self.notes) + 1
            origin = self.base.sources[ref.via[-1] if ref.via else ref.ref]
            grade = f"{origin.reliability}{fact.credibility}" if self.options.grades else None
            self.notes.append(
                Note(number, fact.id, ref.ref, ref.via, ref.locator, self.writer.cite(ref), grade)
            )
            for source_id in (ref.ref, *ref.via):
                self.cited_sources.setdefault(source_id)
            self.read_sources.setdefault(ref.ref)
            numbers.append(number)
        status = self.changes.status(fact.id) if self.changes else None
        return Item(fact, fact.text_in(self.options.lang), tuple(numbers), status)

    def estimate_row(self, fact: Fact) -> EstimateRow:
        assert fact.quantity is not None
        lang = self.options.lang
        origins = dict.fromkeys(ref.via[-1] if ref.via else ref.ref for ref in fact.sources)
        who = "; ".join(source_label(self.base.sources[s]) for s in origins)
        as_of = format_date(fact.date, lang) if fact.date else label(lang, "nd")
        return EstimateRow(self.item(fact), format_quantity(fact.quantity, lang), as_of, who)


def _chronological(fact: Fact) -> tuple[int, str, int, str]:
    # Undated facts after dated ones; then by priority, then id for a stable order.
    return (0 if fact.date else 1, str(fact.date or ""), fact.priority, fact.id)


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


def _key_points(facts: Sequence[Fact], themes: Sequence[Theme], limit: int) -> list[Fact]:
    """The most important assessments and figures, taken in turn from each theme."""
    candidates = [f for f in facts if f.kind in KEY_POINT_KINDS]
    if not candidates or limit <= 0:
        return []
    top = min(f.priority for f in candidates)
    ranked = sorted(
        (f for f in candidates if f.priority == top),
        key=lambda f: (KIND_RANK[f.kind], -_date_ordinal(f), f.id),
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


def _date_ordinal(fact: Fact) -> int:
    return fact.date.first_day().toordinal() if fact.date else 0


def _estimate_groups(facts: Iterable[Fact]) -> list[list[Fact]]:
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
    contradicted_by: dict[str, list[str]] = {}
    for fact in base.facts:
        for other in fact.contradicts:
            contradicted_by.setdefault(other, []).append(fact.id)
    for fact in facts:
        for other in (*fact.contradicts, *contradicted_by.get(fact.id, ())):
            a, b = sorted((fact.id, other))
            if a in selected or b in selected:
                pairs.setdefault((a, b))
    return [(base.fact(a), base.fact(b)) for a, b in pairs]


def _summary(base: FactBase, notes: Sequence[Note], lang: str) -> SourceSummary:
    cited = dict.fromkeys(s for n in notes for s in (n.source_id, *n.via))
    descriptors: Counter[str] = Counter()
    for source_id in cited:
        source = base.sources[source_id]
        descriptors[localized(source.descriptor, lang) if source.descriptor else source.type] += 1
    # A fact can have several notes (a key point also in an estimates table): count it once.
    facts = dict.fromkeys(n.fact_id for n in notes)
    second_hand = {n.fact_id for n in notes if n.via}
    return SourceSummary(
        total=len(cited),
        by_descriptor=tuple(sorted(descriptors.items(), key=lambda kv: (-kv[1], kv[0]))),
        second_hand=len(second_hand),
        facts=len(facts),
    )
