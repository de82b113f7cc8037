"""JSON: the brief as selected and numbered, for scripts (``"schema": 3``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

# pydantic builds the published JSON Schema from these; it needs typing_extensions'
# TypedDict before Python 3.12.
from typing_extensions import TypedDict

from briefgen.brief import Brief, EstimateRow, Estimates, Item, JudgmentItem, Note, Spread
from briefgen.cite import plain_text
from briefgen.jsontext import BRIEF_SCHEMA, dumps, source_to_dict
from briefgen.model import localized
from briefgen.vocabulary import Kind

if TYPE_CHECKING:
    from briefgen.renderers.options import RenderOptions


class ThemeJSON(TypedDict):
    id: str
    title: str


class ItemJSON(TypedDict):
    """A fact as shown in the brief; ``note`` is the number of its note (null for a removed fact)."""

    fact: str
    kind: Kind
    date: str | None
    priority: int
    text: str
    note: int | None
    # A fact shown a second time (a key point in an estimates table) calls its first note.
    repeated: bool
    status: Literal["new", "changed", "removed"] | None
    # The best grade of the fact, where the brief weighs it against another (a contradiction).
    grade: str | None
    # Where the brief states a value of a measure that no table shows: the other estimates
    # of it listed beside the value, as the text says them (the "estimates" list has them
    # in full, with their notes).
    spread: str | None


class EstimateRowJSON(ItemJSON):
    value: float | None
    low: float | None
    high: float | None
    display: str
    as_of: str
    source: str


class EstimatesJSON(TypedDict):
    measure: str
    title: str
    unit: str
    rows: list[EstimateRowJSON]
    # Where the selection holds more estimates than the table shows: how many, their range.
    spread: str | None
    # The estimates the brief lists beside a value it states, rather than in a table: the id
    # of that value's fact (its row comes first); null for a table.
    beside: str | None
    # Of estimates listed beside a value, how many of the selection's are not listed.
    more: int


class LikelihoodJSON(TypedDict):
    """A term of the base's yardstick: its id, its name in the brief's language, its band."""

    term: str
    name: str
    low: int
    high: int


class PreviousJudgmentJSON(TypedDict):
    """What a changed judgment said before (``--changed-since``)."""

    text: str
    likelihood: str | None
    confidence: Literal["high", "moderate", "low"]


class JudgmentJSON(TypedDict):
    """A key judgment of the base's analysts (the first is the bottom line)."""

    id: str
    themes: list[str]
    date: str | None
    text: str
    likelihood: LikelihoodJSON | None
    confidence: Literal["high", "moderate", "low"]
    confidence_text: str
    basis: list[str]
    indicators: str | None
    note: int
    status: Literal["new", "changed", "removed"] | None
    previous: PreviousJudgmentJSON | None


class SectionJSON(TypedDict):
    theme: str
    title: str
    items: list[ItemJSON]


class ContradictionJSON(TypedDict):
    left: ItemJSON
    right: ItemJSON


class ReferenceJSON(TypedDict):
    """One source of a statement: the source read, the chain it cites, where, and the grade."""

    source: str
    via: list[str]
    locator: str | None
    grade: str | None


class NoteJSON(TypedDict):
    """One note per statement: its sources, its text as printed, the analyst's comment.
    The note of a key judgment names the judgment (``fact`` is then its id)."""

    number: int
    fact: str
    judgment: bool
    references: list[ReferenceJSON]
    text: str
    comment: str | None


class DescriptorCountJSON(TypedDict):
    descriptor: str
    count: int


class ThinnestJSON(TypedDict):
    """The judgment whose basis is thinnest: its note; of its independent original sources,
    how many are graded A–C and 1–2 (``strong``) and how many in all; its best grade."""

    note: int
    strong: int
    origins: int
    grade: str


class SummaryJSON(TypedDict):
    """How many sources, of which kinds; how many of the facts are second-hand; the range
    of the grades; the thinnest basis; and the source summary statement as printed."""

    total: int
    by_descriptor: list[DescriptorCountJSON]
    second_hand: int
    facts: int
    reliability: list[str] | None
    credibility: list[int] | None
    thinnest: ThinnestJSON | None
    statement: str


class BriefJSON(TypedDict):
    """The JSON brief, version 3 (``briefgen schema brief``)."""

    schema: Literal[3]
    title: str
    subtitle: str | None
    date: str
    lang: str
    style: str
    marking: str | None
    author: str | None
    themes: list[ThemeJSON]
    # The latest date of the facts shown: the information cut-off of the brief.
    cutoff: str | None
    yardstick: str | None
    judgments: list[JudgmentJSON]
    key_points: list[ItemJSON]
    sections: list[SectionJSON]
    estimates: list[EstimatesJSON]
    removed: list[ItemJSON]
    omitted: list[str]
    contradictions: list[ContradictionJSON]
    notes: list[NoteJSON]
    sources: list[dict[str, Any]]
    summary: SummaryJSON
    bibliography: list[str]


def brief_to_dict(brief: Brief) -> BriefJSON:
    """The brief as plain data (see :class:`BriefJSON` and the README)."""
    return {
        "schema": BRIEF_SCHEMA,
        "title": brief.title,
        "subtitle": brief.subtitle,
        "date": brief.date.isoformat(),
        "lang": brief.lang,
        "style": brief.style,
        "marking": brief.marking,
        "author": brief.author,
        "themes": [
            {"id": t.id, "title": title}
            for t, title in zip(brief.themes, brief.theme_titles(), strict=True)
        ],
        "cutoff": str(brief.cutoff) if brief.cutoff else None,
        "yardstick": brief.yardstick.id if brief.yardstick else None,
        "judgments": [_judgment(j) for j in brief.judgments],
        "key_points": [_item(i) for i in brief.key_points],
        "sections": [
            {"theme": s.theme.id, "title": s.title, "items": [_item(i) for i in s.items]}
            for s in brief.sections
        ],
        "estimates": [*map(_beside, brief.spreads()), *map(_table, brief.estimates)],
        "removed": [_item(i) for i in brief.removed],
        "omitted": [f.id for f in brief.omitted],
        "contradictions": [
            {"left": _item(c.left), "right": _item(c.right)} for c in brief.contradictions
        ],
        "notes": [_note(n) for n in brief.notes],
        "sources": [source_to_dict(s) for s in brief.sources],
        "summary": {
            "total": brief.summary.total,
            "by_descriptor": [
                {"descriptor": d, "count": n} for d, n in brief.summary.by_descriptor
            ],
            "second_hand": brief.summary.second_hand,
            "facts": brief.summary.facts,
            "reliability": list(s.reliability) if (s := brief.summary).reliability else None,
            "credibility": list(s.credibility) if s.credibility else None,
            "thinnest": (
                dict(zip(("note", "strong", "origins", "grade"), s.thinnest, strict=True))  # type: ignore[typeddict-item]
                if s.thinnest
                else None
            ),
            "statement": brief.summary_text(),
        },
        "bibliography": [plain_text(entry) for entry in brief.bibliography_entries],
    }


def render_json(brief: Brief, options: RenderOptions | None = None) -> str:
    """The brief as JSON (see :class:`BriefJSON`)."""
    return dumps(brief_to_dict(brief))


def _item(item: Item) -> ItemJSON:
    fact = item.fact
    return {
        "fact": fact.id,
        "kind": fact.kind,
        "date": str(fact.date) if fact.date else None,
        "priority": fact.priority,
        "text": item.text,
        "note": item.note,
        "repeated": item.repeated,
        "status": item.status,
        "grade": item.grade,
        "spread": str(item.spread) if item.spread else None,
    }


def _judgment(item: JudgmentItem) -> JudgmentJSON:
    judgment, lang, term = item.judgment, item.lang, item.likelihood
    previous = item.previous
    return {
        "id": judgment.id,
        "themes": list(judgment.themes),
        "date": str(judgment.date) if judgment.date else None,
        "text": item.text,
        "likelihood": (
            {"term": term.id, "name": term.name(lang), "low": term.low, "high": term.high}
            if term
            else None
        ),
        "confidence": judgment.confidence,
        "confidence_text": item.confidence,
        "basis": list(judgment.basis),
        "indicators": localized(judgment.indicators, lang) if judgment.indicators else None,
        "note": item.note,
        "status": item.status,
        "previous": (
            {
                "text": previous.text_in(lang),
                "likelihood": previous.likelihood,
                "confidence": previous.confidence,
            }
            if previous
            else None
        ),
    }


def _table(group: Estimates) -> EstimatesJSON:
    return {
        "measure": group.measure,
        "title": group.title,
        "unit": group.unit,
        "rows": [_estimate_row(r) for r in group.rows],
        "spread": group.spread,
        "beside": None,
        "more": 0,
    }


def _beside(spread: Spread) -> EstimatesJSON:
    return {
        "measure": spread.measure,
        "title": spread.title,
        "unit": spread.unit,
        "rows": [_estimate_row(r) for r in (spread.stated, *spread.others)],
        "spread": None,
        "beside": spread.stated.item.fact.id,
        "more": spread.more,
    }


def _estimate_row(row: EstimateRow) -> EstimateRowJSON:
    quantity = row.item.fact.quantity
    assert quantity is not None
    return {
        **_item(row.item),
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "display": row.value,
        "as_of": row.as_of,
        "source": row.source,
    }


def _note(note: Note) -> NoteJSON:
    return {
        "number": note.number,
        "fact": note.fact_id,
        "judgment": note.judgment,
        "references": [
            {"source": r.source_id, "via": list(r.via), "locator": r.locator, "grade": r.grade}
            for r in note.references
        ],
        "text": plain_text(note.citation),
        "comment": note.comment,
    }
