"""Grades checked against the Admiralty (STANAG 2511) scale's own definitions.

A fact's credibility (1 confirmed, 2 probably true, 3 possibly true,
4 doubtful, 5 improbable, 6 cannot be judged) is the analyst's call, but
some calls contradict the words of the scale itself, whatever the subject:

- **1 (confirmed)** means confirmed by other, independent sources: the fact
  needs at least two distinct *original* sources. A reference's original
  source is the last of its ``via`` chain, or the source read when it names
  none; two articles relaying the same agency are one origin, not two.
- **5 (improbable)** means contradicted by other information: the fact needs
  a ``contradicts`` link, in either direction, with a fact graded more
  credible than itself.
- **Two facts that contradict each other** cannot both be probably true: at
  most one side is graded 1 or 2, and a fact contradicting a confirmed one
  (1) is doubtful at best (4).
- **F (reliability cannot be judged)** says nothing of the information's
  worth: a fact whose every reference passes through an F source (the
  source read or any link of its ``via`` chain) is at best possibly true
  (3), unless a reference free of F sources corroborates it.

A base may add stricter rules of its own in ``base.yaml``
(:class:`~briefgen.model.Grading`): the best credibility each kind of fact
may carry. Source reliability and information credibility are independent
in the scale, so no rule ties one to the other.

- **3 kept for what the base reserves it for.** A base that grades some kind
  of fact 3 at best (an analyst's judgement, say) keeps *3 (possibly true)*
  for that kind and for claims that reach it only through F sources: a fact of
  any other kind graded 3 with a reference whose whole chain can be judged
  (A-E) is reported, since it is 2 if consistent with the base, or 4 if it
  clashes with it. A problem another rule reports on the fact comes first.

Every rule reads only the fact base: nothing here knows a subject.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import get_args

from briefgen.labels import label
from briefgen.model import Fact, Grading, Kind, Source, SourceRef


@dataclass(frozen=True)
class GradeProblem:
    """A fact whose credibility breaks a rule, and why."""

    fact_id: str
    message: str


def grade(credibility: int) -> str:
    """``2 (probably true)``."""
    return f"{credibility} ({label('en', f'credibility_{credibility}')})"


def origins(fact: Fact) -> set[str]:
    """The original sources of ``fact``: the last of each ``via`` chain, else the source read."""
    return {ref.origin for ref in fact.sources}


def check_grades(
    facts: Mapping[str, Fact], sources: Mapping[str, Source], grading: Grading
) -> Iterator[GradeProblem]:
    """Every credibility in ``facts`` that the scale's definitions or ``grading`` rule out.

    Unknown source or fact ids are skipped: the store reports them on their own.
    """
    # Contradiction links both ways: a base declares each link on one side or both.
    linked: dict[str, set[str]] = {}
    for fact in facts.values():
        for other in fact.contradicts:
            if other in facts:
                linked.setdefault(fact.id, set()).add(other)
                linked.setdefault(other, set()).add(fact.id)
    found: list[GradeProblem] = []
    for fact in facts.values():
        found += _confirmed(fact)
        found += _improbable(fact, [facts[i] for i in sorted(linked.get(fact.id, ()))])
        found += _unjudged_sources(fact, sources)
        found += _base_rules(fact, grading)
    found += _contradictions(facts)
    yield from found
    reported = {problem.fact_id for problem in found}
    for fact in facts.values():
        if fact.id not in reported:
            yield from _reserved_three(fact, sources, grading)


def _confirmed(fact: Fact) -> Iterator[GradeProblem]:
    if fact.credibility != 1:
        return
    found = origins(fact)
    if len(found) < 2:
        yield GradeProblem(
            fact.id,
            f"credibility {grade(1)} needs two independent original sources; "
            f"it has one ({', '.join(sorted(found))})",
        )


def _improbable(fact: Fact, linked: list[Fact]) -> Iterator[GradeProblem]:
    if fact.credibility != 5:
        return
    if not any(other.credibility < fact.credibility for other in linked):
        yield GradeProblem(
            fact.id,
            f"credibility {grade(5)} needs a 'contradicts' link with a fact graded more credible",
        )


def _unjudged_sources(fact: Fact, sources: Mapping[str, Source]) -> Iterator[GradeProblem]:
    if fact.credibility > 2:
        return

    def unjudged(source_id: str) -> bool:
        source = sources.get(source_id)
        return source is not None and source.reliability == "F"

    if all(unjudged(ref.ref) or any(unjudged(v) for v in ref.via) for ref in fact.sources):
        yield GradeProblem(
            fact.id,
            f"credibility {grade(fact.credibility)} rests only on sources whose reliability "
            f"cannot be judged (F): {grade(3)} at best, unless a source graded A-E corroborates it",
        )


def _judged(ref: SourceRef, sources: Mapping[str, Source]) -> bool:
    """Whether every source of the chain of ``ref`` is known and graded A-E."""
    chain = [sources.get(source_id) for source_id in (ref.ref, *ref.via)]
    return all(source is not None and source.reliability != "F" for source in chain)


def _reserved_three(
    fact: Fact, sources: Mapping[str, Source], grading: Grading
) -> Iterator[GradeProblem]:
    reserved = sorted(k for k in get_args(Kind) if grading.kinds.best_credibility(k) == 3)
    if fact.credibility != 3 or not reserved or grading.kinds.best_credibility(fact.kind) >= 3:
        return
    judged = next((ref for ref in fact.sources if _judged(ref, sources)), None)
    if judged is not None:
        chain = " via ".join((judged.ref, *judged.via))
        kinds = ", ".join(f"'{k}'" for k in reserved)
        yield GradeProblem(
            fact.id,
            f"credibility {grade(3)}, which base.yaml keeps for the kind {kinds} and claims "
            f"reaching the base only through F sources; the chain {chain} is graded A-E "
            f"throughout: {grade(2)} if consistent with the base, {grade(4)} if it clashes",
        )


def _base_rules(fact: Fact, grading: Grading) -> Iterator[GradeProblem]:
    best = grading.kinds.best_credibility(fact.kind)
    if fact.credibility < best:
        yield GradeProblem(
            fact.id,
            f"credibility {grade(fact.credibility)}, but base.yaml grades the kind "
            f"'{fact.kind}' {grade(best)} at best",
        )


def _contradictions(facts: Mapping[str, Fact]) -> Iterator[GradeProblem]:
    """Both sides of a contradiction probably true, or a confirmed fact contradicted at 1-3.

    Each pair is judged once; the problem is reported on its less credible side
    (on the fact declaring the link when both are graded alike).
    """
    seen: set[frozenset[str]] = set()
    for fact in facts.values():
        for other_id in fact.contradicts:
            other = facts.get(other_id)
            pair = frozenset((fact.id, other_id))
            if other is None or pair in seen:
                continue
            seen.add(pair)
            better, worse = (
                (other, fact) if other.credibility <= fact.credibility else (fact, other)
            )
            if better.credibility == 1 and worse.credibility < 4:
                yield GradeProblem(
                    worse.id,
                    f"credibility {grade(worse.credibility)} contradicts '{better.id}', which is "
                    f"{grade(1)}: a fact contradicting confirmed information is "
                    f"{grade(4)} at best",
                )
            elif better.credibility == 2 and worse.credibility == 2:
                yield GradeProblem(
                    worse.id,
                    f"credibility {grade(2)} contradicts '{better.id}', also {grade(2)}: "
                    "of two facts that contradict each other, at most one is graded 1 or 2",
                )
