"""JSON: the brief as selected and numbered, for scripts (``"schema": 1``)."""

from __future__ import annotations

import json
from typing import Any

from briefgen.brief import Brief, Item, Note
from briefgen.cite import plain_text
from briefgen.model import Source

SCHEMA_VERSION = 1


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The brief as plain data; the structure is documented in the README."""
    return {
        "schema": SCHEMA_VERSION,
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
        "key_points": [_item(i) for i in brief.key_points],
        "sections": [
            {"theme": s.theme.id, "title": s.title, "items": [_item(i) for i in s.items]}
            for s in brief.sections
        ],
        "estimates": [
            {
                "measure": e.measure,
                "title": e.title,
                "unit": e.unit,
                "rows": [
                    {
                        **_item(r.item),
                        **_quantity(r.item),
                        "display": r.value,
                        "as_of": r.as_of,
                        "source": r.source,
                    }
                    for r in e.rows
                ],
            }
            for e in brief.estimates
        ],
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
        },
        "bibliography": [plain_text(entry) for entry in brief.bibliography_entries],
    }


def render_json(brief: Brief) -> str:
    return dumps(brief_to_dict(brief))


def dumps(data: Any) -> str:
    """JSON as briefgen writes it: UTF-8, indented, stable, one final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def source_to_dict(source: Source) -> dict[str, Any]:
    """A source with its CSL field names; absent fields are left out."""
    data = source.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {key: value for key, value in data.items() if value != []}


def _item(item: Item) -> dict[str, Any]:
    fact = item.fact
    return {
        "fact": fact.id,
        "kind": fact.kind,
        "date": str(fact.date) if fact.date else None,
        "priority": fact.priority,
        "text": item.text,
        "notes": list(item.notes),
    }


def _quantity(item: Item) -> dict[str, Any]:
    quantity = item.fact.quantity
    assert quantity is not None
    return {"value": quantity.value, "low": quantity.low, "high": quantity.high}


def _note(note: Note) -> dict[str, Any]:
    return {
        "number": note.number,
        "fact": note.fact_id,
        "source": note.source_id,
        "via": list(note.via),
        "locator": note.locator,
        "text": plain_text(note.citation),
        "grade": note.grade,
    }
