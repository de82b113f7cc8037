"""The analytic rules of key judgments, checked for any base by ``validate``.

A key judgment is the base's analysts' conclusion, not a source's words. ICD 203
asks that its likelihood be said in calibrated words, that its confidence be
stated apart from that likelihood, and that it rest on its sources; this module
checks what a machine can of that (docs/analytic-standards.md gives the
reasons):

- its likelihood is a term of the base's yardstick, stated in its text, and its
  text uses no other yardstick's terms;
- no sentence of its text states both a likelihood and a confidence;
- no vague hedge ("may", "could", "might") stands in for a likelihood;
- its basis names facts of the base, at least one;
- its confidence is no higher than its basis bears (:func:`confidence_ceiling`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from briefgen.model import BaseInfo, Fact, Judgment, Source
from briefgen.yardsticks import (
    CONFIDENCE_LEVELS,
    Found,
    Yardstick,
    find_terms,
    find_words,
    sentences,
    yardstick,
    yardstick_ids,
)

# An original source counts towards high confidence when its reliability is judged
# and fair or better, and the information it gives is probably true or confirmed.
STRONG_RELIABILITY = frozenset("ABC")
STRONG_CREDIBILITY = 2


@dataclass(frozen=True)
class JudgmentProblem:
    """A rule a judgment breaks: where (a path in the judgment) and what."""

    judgment_id: str
    loc: tuple[object, ...]
    message: str


@dataclass(frozen=True)
class Basis:
    """What a judgment's basis bears: its independent original sources, and how strong."""

    facts: int  # the facts of the basis that exist
    origins: int  # distinct original sources behind them
    strong: int  # of those, graded A–C and 2 or better (independent: one origin counts once)
    best_credibility: int  # the best credibility among the basis's facts (6 if none)

    @property
    def ceiling(self) -> str:
        """The highest confidence this basis bears: ``high``, ``moderate`` or ``low``."""
        if self.strong >= 2:
            return "high"
        if self.best_credibility <= STRONG_CREDIBILITY:
            return "moderate"
        return "low"


def weigh_basis(
    judgment: Judgment, facts: Mapping[str, Fact], sources: Mapping[str, Source]
) -> Basis:
    """The sourcing of ``judgment``'s basis (see :attr:`Basis.ceiling` for the rule).

    Independence is counted by original source (the last of a reference's ``via``
    chain, else the work read): the same origin relayed by two articles is one
    source, as circular reporting confirms nothing (STANAG 2511).
    """
    origins: set[str] = set()
    strong: set[str] = set()
    best = 6
    found = 0
    for fact_id in dict.fromkeys(judgment.basis):
        fact = facts.get(fact_id)
        if fact is None:
            continue
        found += 1
        best = min(best, fact.credibility)
        for ref in fact.sources:
            origins.add(ref.origin)
            source = sources.get(ref.origin)
            if (
                source is not None
                and source.reliability in STRONG_RELIABILITY
                and fact.credibility <= STRONG_CREDIBILITY
            ):
                strong.add(ref.origin)
    return Basis(found, len(origins), len(strong), best)


def confidence_rank(level: str) -> int:
    """0 for high, 1 for moderate, 2 for low: the lower, the more confident."""
    return CONFIDENCE_LEVELS.index(level)


def check_judgments(
    judgments: Mapping[str, Judgment],
    facts: Mapping[str, Fact],
    sources: Mapping[str, Source],
    info: BaseInfo,
    invalid_ids: Collection[str] = (),
) -> Iterator[JudgmentProblem]:
    """Every analytic rule each of ``judgments`` breaks (``invalid_ids``: facts already
    reported as invalid, not reported again as unknown)."""
    if info.yardstick not in yardstick_ids():
        known = ", ".join(yardstick_ids())
        for judgment in judgments.values():
            yield JudgmentProblem(
                judgment.id,
                ("likelihood",),
                f"the base's yardstick '{info.yardstick}' is not one briefgen knows ({known})",
            )
            return
    stick = yardstick(info.yardstick)
    others = [yardstick(y) for y in yardstick_ids() if y != stick.id]
    for judgment in judgments.values():
        yield from _check_one(judgment, stick, others, facts, sources, info, invalid_ids)


def _check_one(
    judgment: Judgment,
    stick: Yardstick,
    others: list[Yardstick],
    facts: Mapping[str, Fact],
    sources: Mapping[str, Source],
    info: BaseInfo,
    invalid_ids: Collection[str],
) -> Iterator[JudgmentProblem]:
    def problem(loc: tuple[object, ...], message: str) -> JudgmentProblem:
        return JudgmentProblem(judgment.id, loc, message)

    term = stick.term(judgment.likelihood) if judgment.likelihood else None
    if judgment.likelihood and term is None:
        names = ", ".join(t.id for t in stick.terms)
        yield problem(
            ("likelihood",),
            f"likelihood '{judgment.likelihood}' is not a term of the {stick.id} yardstick"
            f" ({names})",
        )
    for lang, text in judgment.text.items():
        yield from _check_text(judgment, lang, text, stick, others, term is not None)
    if not judgment.basis:
        yield problem(("basis",), "a judgment needs a basis: the ids of the facts it rests on")
    for i, fact_id in enumerate(judgment.basis):
        if fact_id not in facts and fact_id not in invalid_ids:
            yield problem(("basis", i), f"basis names unknown fact '{fact_id}'")
    basis = weigh_basis(judgment, facts, sources)
    if basis.facts and confidence_rank(judgment.confidence) < confidence_rank(basis.ceiling):
        yield problem(
            ("confidence",),
            f"confidence '{judgment.confidence}' is more than its basis bears"
            f" ({_basis_text(basis)}: at most '{basis.ceiling}')",
        )


def _basis_text(basis: Basis) -> str:
    strong = "one" if basis.strong == 1 else str(basis.strong)
    return (
        f"{strong} independent original source{'s' if basis.strong != 1 else ''}"
        f" graded A–C and 2 or better, best credibility {basis.best_credibility}"
    )


def _check_text(
    judgment: Judgment,
    lang: str,
    text: str,
    stick: Yardstick,
    others: list[Yardstick],
    has_term: bool,
) -> Iterator[JudgmentProblem]:
    loc = ("text", lang)
    # The terms of every yardstick, longest first: "hautement probable" is PHIA's, even
    # though "probable" is ICD 203's too.
    own_forms = {form.lower() for t in stick.terms for form in t.forms.get(lang, ())}
    found: list[Found] = []
    foreign: list[Found] = []
    for f in find_terms(text, lang, [stick, *others]):
        phrase = " ".join(text[f.start : f.end].lower().split())
        (found if phrase in own_forms else foreign).append(f)
    own = {f.what for f in found}
    for f in foreign:
        yield JudgmentProblem(
            judgment.id,
            loc,
            f"'{text[f.start : f.end]}' is a term of another yardstick, not of {stick.id}:"
            " one base uses one yardstick",
        )
    if has_term:
        term = stick.term(judgment.likelihood or "")
        assert term is not None
        if term.id not in own:
            yield JudgmentProblem(
                judgment.id, loc, f"text does not state its likelihood '{term.name(lang)}'"
            )
        elif len(own) > 1:
            yield JudgmentProblem(
                judgment.id, loc, "text states more than one likelihood term of the yardstick"
            )
    elif own:
        named = text[found[0].start : found[0].end]
        yield JudgmentProblem(
            judgment.id, loc, f"text uses the likelihood term '{named}' but sets no 'likelihood'"
        )
    confidence = find_words(text, lang, "confidence")
    for start, end in sentences(text):
        has_likelihood = any(start <= f.start < end for f in found)
        if has_likelihood and any(start <= c.start < end for c in confidence):
            yield JudgmentProblem(
                judgment.id,
                loc,
                "a sentence states both a likelihood and a confidence:"
                " state the confidence apart (ICD 203)",
            )
    for hedge in find_words(text, lang, "hedges"):
        yield JudgmentProblem(
            judgment.id,
            loc,
            f"'{text[hedge.start : hedge.end]}' is a vague hedge:"
            " say how likely with a term of the yardstick",
        )
