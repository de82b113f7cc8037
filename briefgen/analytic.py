"""The analytic rules of key judgments, checked for any base by ``validate``.

A key judgment is the base's analysts' conclusion, not a source's words. ICD 203
asks that its likelihood be said in calibrated words, that its confidence be
stated apart from that likelihood, and that it rest on its sources; this module
checks what a machine can of that (docs/analytic-standards.md gives the
reasons):

- its likelihood is a term of the base's yardstick, stated in its text, once,
  unqualified ("not likely" is no term), and its text uses no other
  yardstick's terms (ICD 203 D.6.e.(2)(a));
- no sentence of its text states both a likelihood and a confidence
  (ICD 203 D.6.e.(2)(b));
- no vague hedge ("may", "could", "might") stands in for a likelihood;
- its basis names facts of the base, at least one (ICD 203 D.6.e.(1));
- its confidence is no higher than its basis bears (:attr:`Basis.ceiling`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from briefgen.errors import did_you_mean
from briefgen.model import BaseInfo, Fact, Judgment, Source
from briefgen.yardsticks import (
    CONFIDENCE_LEVELS,
    Found,
    Yardstick,
    find_terms,
    find_words,
    qualifier,
    sentences,
    yardstick,
    yardstick_ids,
)

# An original source counts towards high confidence when its reliability, and that of
# every source relaying it, is judged and fair or better, and the information it
# gives is probably true or confirmed.
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
    strong: int  # of those, graded A–C, as their relays, behind a fact graded 1 or 2
    best_credibility: int  # the best credibility among the basis's facts (6 if none)
    strong_origins: tuple[str, ...] = ()  # the ids of the strong origins, sorted

    @property
    def ceiling(self) -> str:
        """The highest confidence this basis bears: ``high``, ``moderate`` or ``low``.

        High needs two independent strong origins; moderate, one fact graded 1 or
        2; anything less (possibly true, doubtful, or unjudged reporting) is low.
        """
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
    source, as circular reporting confirms nothing (STANAG 2511). An origin is
    strong when a fact of the basis graded 1 or 2 reaches us from it through
    sources all graded A, B or C (the origin, and every source that relays it):
    what an unjudged outlet says the origin said is not the origin's word.
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
            chain = [sources.get(source_id) for source_id in (ref.ref, *ref.via)]
            if fact.credibility <= STRONG_CREDIBILITY and all(
                source is not None and source.reliability in STRONG_RELIABILITY for source in chain
            ):
                strong.add(ref.origin)
    return Basis(found, len(origins), len(strong), best, tuple(sorted(strong)))


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
        # The store refuses such a base.yaml on its own line; this is for other callers.
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
        yield problem(("likelihood",), _unknown_term(judgment.likelihood, stick, others))
    for lang, text in judgment.text.items():
        if lang not in info.languages:
            yield problem(
                ("text", lang),
                f"language '{lang}' is not one of the base's ({', '.join(info.languages)})",
            )
            continue
        yield from _check_text(judgment, lang, text, stick, others)
    if not judgment.basis:
        yield problem(
            ("basis",), "no basis: a judgment names the facts it rests on (basis: [fact-id, ...])"
        )
    unknown = False
    for i, fact_id in enumerate(judgment.basis):
        if fact_id not in facts:
            unknown = True
            if fact_id not in invalid_ids:
                yield problem(
                    ("basis", i),
                    f"basis names unknown fact '{fact_id}'{did_you_mean(fact_id, facts)}",
                )
    # A basis with a fact missing is weighed once it is whole: its ceiling may yet rise.
    basis = weigh_basis(judgment, facts, sources)
    if (
        not unknown
        and basis.facts
        and confidence_rank(judgment.confidence) < confidence_rank(basis.ceiling)
    ):
        yield problem(
            ("confidence",),
            f"confidence '{judgment.confidence}' is more than its basis bears: at most "
            f"'{basis.ceiling}', as {_basis_text(basis)}",
        )


def _unknown_term(name: str, stick: Yardstick, others: list[Yardstick]) -> str:
    names = [t.id for t in stick.terms]
    owner = next((other for other in others if other.term(name) is not None), None)
    if owner is not None:
        return (
            f"likelihood '{name}' is a term of the {owner.id} yardstick, but the base uses "
            f"{stick.id} (base.yaml): one of {', '.join(names)}"
        )
    return (
        f"likelihood '{name}' is not a term of the {stick.id} yardstick"
        f"{did_you_mean(name, names)}: one of {', '.join(names)}"
    )


def _owner(phrase: str, lang: str, others: list[Yardstick]) -> str:
    """The id of the first of ``others`` of which ``phrase`` is a term in ``lang``."""
    return next(
        stick.id
        for stick in others
        if any(phrase == form.lower() for t in stick.terms for form in t.forms.get(lang, ()))
    )


def _basis_text(basis: Basis) -> str:
    """Why the basis bears no more than its ceiling."""
    if basis.ceiling == "moderate":
        if basis.strong == 0:
            behind = "no original source"
        else:
            behind = f"only one independent original source, {basis.strong_origins[0]},"
        behind += " reaches a fact of it graded 1 or 2 through sources all graded A–C"
        return f"{behind}; high confidence needs two"
    return (
        f"no fact of it is graded better than {basis.best_credibility}; "
        "moderate confidence needs one graded 1 or 2"
    )


def _check_text(
    judgment: Judgment,
    lang: str,
    text: str,
    stick: Yardstick,
    others: list[Yardstick],
) -> Iterator[JudgmentProblem]:
    found: list[Found] = []
    qualified: set[str] = set()
    yield from _terms_used(judgment, lang, text, stick, others, found, qualified)
    yield from _likelihood_stated(judgment, lang, text, stick, found, qualified)
    yield from _sentences_apart(judgment, lang, text, stick, found)


def _quoted(text: str, found: Found) -> str:
    return " ".join(text[found.start : found.end].split())


def _terms_used(
    judgment: Judgment,
    lang: str,
    text: str,
    stick: Yardstick,
    others: list[Yardstick],
    found: list[Found],
    qualified: set[str],
) -> Iterator[JudgmentProblem]:
    """Terms of another yardstick, and qualified terms; the others go in ``found``."""
    # The terms of every yardstick at once, longest first: "hautement probable" is
    # PHIA's, even though "probable" is ICD 203's too.
    own_forms = {form.lower() for t in stick.terms for form in t.forms.get(lang, ())}
    for f in find_terms(text, lang, [stick, *others]):
        quoted = _quoted(text, f)
        if quoted.lower() not in own_forms:
            owner = _owner(quoted.lower(), lang, others)
            yield JudgmentProblem(
                judgment.id,
                ("text", lang),
                f"'{quoted}' is a term of the {owner} yardstick, but the base uses "
                f"{stick.id} (base.yaml): one base, one yardstick",
            )
        elif (word := qualifier(text, lang, f)) is not None:
            qualified.add(f.what)
            yield JudgmentProblem(
                judgment.id,
                ("text", lang),
                f"'{word} {quoted}' qualifies a term of the yardstick: state the likelihood "
                f"with one of its terms, as it stands",
            )
        else:
            found.append(f)


def _likelihood_stated(
    judgment: Judgment,
    lang: str,
    text: str,
    stick: Yardstick,
    found: list[Found],
    qualified: set[str],
) -> Iterator[JudgmentProblem]:
    """The text states the judgment's likelihood, and only it."""

    def problem(message: str) -> JudgmentProblem:
        return JudgmentProblem(judgment.id, ("text", lang), message)

    stated = list(dict.fromkeys(f.what for f in found))
    term = stick.term(judgment.likelihood) if judgment.likelihood else None
    if term is not None:
        if term.id not in stated:
            if term.id not in qualified:  # a qualified term is reported above
                yield problem(f"text does not state its likelihood '{term.name(lang)}'")
        elif len(stated) > 1:
            names = ", ".join(f"'{_quoted(text, f)}'" for f in found)
            yield problem(f"text states more than one likelihood ({names}): a judgment states one")
    elif judgment.likelihood is None and found:
        yield problem(
            f"text uses the likelihood term '{_quoted(text, found[0])}' but the judgment sets no"
            " 'likelihood'"
        )


def _sentences_apart(
    judgment: Judgment, lang: str, text: str, stick: Yardstick, found: list[Found]
) -> Iterator[JudgmentProblem]:
    """Likelihood and confidence in sentences of their own; no vague hedge."""

    def problem(message: str) -> JudgmentProblem:
        return JudgmentProblem(judgment.id, ("text", lang), message)

    def quoted(found: Found) -> str:
        return _quoted(text, found)

    confidence = find_words(text, lang, "confidence")
    starts = set()
    for start, end in sentences(text):
        starts.add(start)
        likelihood = next((f for f in found if start <= f.start < end), None)
        level = next((c for c in confidence if start <= c.start < end), None)
        if likelihood is not None and level is not None:
            yield problem(
                f"'{quoted(likelihood)}' and '{quoted(level)}' are in the same sentence: state"
                " the confidence in a sentence of its own, apart from the likelihood (ICD 203)"
            )
    terms = ", ".join(f"'{t.name(lang)}'" for t in stick.terms)
    for hedge in find_words(text, lang, "hedges"):
        word = quoted(hedge)
        if word == "May" and hedge.start not in starts:
            continue  # the month
        yield problem(
            f"'{word}' is a vague hedge: say how likely with a term of the {stick.id} yardstick"
            f" ({terms})"
        )
