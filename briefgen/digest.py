"""Digests: what changed in a fact base, for briefs that show only that.

``brief --new-since DATE`` selects on the date facts were added (see
:mod:`briefgen.query`); ``brief --changed-since REF`` compares the base with
another fact directory, or with a git revision of it read by
:func:`briefgen.store.load_revision`, and marks the new and changed facts and
lists the removed ones (:class:`FactChanges`, which the brief is built with).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from briefgen.model import Fact, FactBase, Judgment

Status = Literal["new", "changed", "removed"]


@dataclass(frozen=True)
class FactChanges:
    """How a fact base changed since an earlier version of it."""

    since: str
    new: frozenset[str]
    changed: frozenset[str]
    removed: tuple[Fact, ...]
    # Key judgments new and changed (likelihood, confidence, text...) since then,
    # each changed one with what it was (ICD 203 asks that a change be explained).
    new_judgments: frozenset[str] = frozenset()
    changed_judgments: Mapping[str, Judgment] = field(default_factory=dict)
    removed_judgments: tuple[Judgment, ...] = ()

    def status(self, fact_id: str) -> Status | None:
        if fact_id in self.new:
            return "new"
        return "changed" if fact_id in self.changed else None

    def judgment_status(self, judgment_id: str) -> Status | None:
        if judgment_id in self.new_judgments:
            return "new"
        return "changed" if judgment_id in self.changed_judgments else None


def compare_bases(old: FactBase, new: FactBase, since: str) -> FactChanges:
    """Facts added, modified and removed between ``old`` and ``new`` (matched by id)."""
    before = {fact.id: fact for fact in old.facts}
    after = {fact.id: fact for fact in new.facts}
    judged = {j.id: j for j in old.judgments}
    judging = {j.id: j for j in new.judgments}
    return FactChanges(
        since=since,
        new=frozenset(i for i in after if i not in before),
        changed=frozenset(i for i, fact in after.items() if i in before and before[i] != fact),
        removed=tuple(fact for i, fact in before.items() if i not in after),
        new_judgments=frozenset(i for i in judging if i not in judged),
        changed_judgments={
            i: judged[i] for i, j in judging.items() if i in judged and _judged_anew(judged[i], j)
        },
        removed_judgments=tuple(j for i, j in judged.items() if i not in judging),
    )


def _judged_anew(old: Judgment, new: Judgment) -> bool:
    """Whether a judgment says something else: its text, likelihood, confidence or basis."""
    fields = ("text", "likelihood", "confidence", "basis", "themes")
    return any(getattr(old, f) != getattr(new, f) for f in fields)


def changes_since(base: FactBase, facts_dir: Path | None, ref: str) -> FactChanges:
    """How ``base`` (read from ``facts_dir``) changed since ``ref``, a directory or a git revision."""
    from briefgen.store import load_revision

    return compare_bases(load_revision(facts_dir, ref), base, ref)
