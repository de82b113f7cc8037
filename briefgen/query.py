"""Select facts: by theme, kind, date, date added, source and text."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from briefgen.errors import UsageError
from briefgen.model import Fact, FactBase, PartialDate


@dataclass(frozen=True)
class Selection:
    """What to select. Empty fields select everything.

    Dates compare as spans: a fact dated ``2024`` is kept by ``since=2024-06``,
    because it may have happened then. Undated facts drop out of date filters.
    """

    themes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None
    new_since: PartialDate | None = None
    source: str | None = None
    text: str | None = None


def check_themes(base: FactBase, theme_ids: tuple[str, ...]) -> None:
    """Raise a usage error naming the known themes if any id is unknown."""
    known = [t.id for t in base.themes]
    unknown = [t for t in theme_ids if t not in known]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise UsageError(
            f"unknown theme{plural} {', '.join(repr(t) for t in unknown)}; known themes: {', '.join(known)}"
        )


def select_facts(base: FactBase, selection: Selection) -> list[Fact]:
    """The facts of ``base`` matching ``selection``, in the base's order."""
    check_themes(base, selection.themes)
    if selection.source is not None and selection.source not in base.sources:
        raise UsageError(
            f"unknown source {selection.source!r}; see 'briefgen sources' for the known ids"
        )
    themes = set(selection.themes)
    kinds = set(selection.kinds)
    needle = fold(selection.text) if selection.text else None
    since = selection.since.first_day() if selection.since else None
    until = selection.until.last_day() if selection.until else None
    new_since = selection.new_since.first_day() if selection.new_since else None

    def keep(fact: Fact) -> bool:
        if themes and themes.isdisjoint(fact.themes):
            return False
        if kinds and fact.kind not in kinds:
            return False
        if since or until:
            if fact.date is None:
                return False
            if since and fact.date.last_day() < since:
                return False
            if until and fact.date.first_day() > until:
                return False
        if new_since and (fact.added is None or fact.added.last_day() < new_since):
            return False
        if selection.source and not _cites(fact, selection.source):
            return False
        return not needle or needle in _haystack(fact)

    return [fact for fact in base.facts if keep(fact)]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``: ``Coopération`` -> ``cooperation``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _cites(fact: Fact, source_id: str) -> bool:
    return any(ref.ref == source_id or source_id in ref.via for ref in fact.sources)


def _haystack(fact: Fact) -> str:
    parts = [fact.id, *fact.text.values(), *fact.tags]
    return fold("\n".join(parts))
