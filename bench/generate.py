"""Write a synthetic fact base of any size, for benchmarks and scale tests.

The base looks like a curated one: many themes, articles and the original
sources they cite (``via`` chains, some two deep), figures whose shared
measures make competing estimates, contradictions, partial dates, tags, both
English and French text, and the odd character that needs escaping. The same
``--seed`` and size always write the same files, byte for byte.

Usage: ``python bench/generate.py --facts 10000 --seed 1 DIR``
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FACTS_PER_FILE = 250

# (English, French) pairs: theme names, subjects, verbs and objects of the sentences.
TOPICS = [
    ("energy", "Energy", "Énergie"),
    ("trade", "Trade", "Commerce"),
    ("shipping", "Shipping", "Transport maritime"),
    ("finance", "Finance", "Finance"),
    ("labour", "Labour", "Travail"),
    ("health", "Public health", "Santé publique"),
    ("water", "Water", "Eau"),
    ("food", "Food security", "Sécurité alimentaire"),
    ("cyber", "Cyber security", "Cybersécurité"),
    ("space", "Space", "Espace"),
    ("border", "Border control", "Contrôle des frontières"),
    ("climate", "Climate", "Climat"),
    ("elections", "Elections", "Élections"),
    ("justice", "Justice", "Justice"),
    ("mining", "Mining", "Mines"),
    ("rail", "Railways", "Chemins de fer"),
    ("diplomacy", "Diplomacy", "Diplomatie"),
    ("defence", "Defence", "Défense"),
    ("media", "Media", "Médias"),
    ("migration", "Migration", "Migrations"),
]
ACTORS = [
    ("the ministry", "le ministère"),
    ("the central bank", "la banque centrale"),
    ("the regional council", "le conseil régional"),
    ("the port authority", "l'autorité portuaire"),
    ("the federation", "la fédération"),
    ("the agency", "l'agence"),
    ("the consortium", "le consortium"),
    ("the parliament", "le parlement"),
    ("the northern province", "la province du Nord"),
    ("the coastal states", "les États côtiers"),
]
VERBS = [
    ("announced", "a annoncé"),
    ("suspended", "a suspendu"),
    ("expanded", "a étendu"),
    ("reviewed", "a réexaminé"),
    ("financed", "a financé"),
    ("delayed", "a retardé"),
    ("approved", "a approuvé"),
    ("contested", "a contesté"),
]
OBJECTS = [
    ("a new licensing scheme", "un nouveau régime de licences"),
    ("the joint inspection programme", "le programme d'inspection conjoint"),
    ("its five-year investment plan", "son plan d'investissement quinquennal"),
    ("the cross-border agreement", "l'accord transfrontalier"),
    ("emergency reserves", "des réserves d'urgence"),
    ("the R&D partnership", "le partenariat de R&D"),
    ("a pilot project in the south", "un projet pilote dans le sud"),
    ("the reporting rules", "les règles de déclaration"),
]
QUALIFIERS = [
    ("after months of negotiation", "après des mois de négociation"),
    ("according to officials", "selon des responsables"),
    ("despite strong objections", "malgré de fortes objections"),
    ("in a brief statement", "dans un bref communiqué"),
    ("for the second time this year", "pour la deuxième fois cette année"),
    ("under pressure from its partners", "sous la pression de ses partenaires"),
]
# Characters a fact may legitimately hold and renderers must escape.
DECORATIONS = [
    ("", ""),
    ("", ""),
    ("", ""),
    (' (the "*priority*" list)', " (la liste « *prioritaire* »)"),
    (" [see annex | table 2]", " [voir annexe | tableau 2]"),
    (" <draft>", " <projet>"),
    (" (ㅈ-series)", " (série ㅈ)"),
]
UNITS = ["tonnes", "USD", "people", "vessels", "megawatts", "per cent", "kilometres"]
FAMILIES = ["Moreau", "Okafor", "Lind", "Nakamura", "Silva", "Kowalski", "Haddad", "Park"]
GIVEN = ["Claire", "Ade", "Jonas", "Aiko", "Rui", "Ewa", "Samir", "Min-jun"]
PUBLISHERS = [
    "Institute for Applied Studies",
    "Centre d'études stratégiques",
    "Harbour & Finch Research",
    "The Evening Ledger",
    "Observatoire des marchés",
]
DESCRIPTORS = [
    ("think-tank analysis", "analyse de think tank"),
    ("news report", "article de presse"),
    ("wire service report", "dépêche d'agence"),
    ("official statement", "déclaration officielle"),
    ("academic paper", "article universitaire"),
]
KINDS = ["event", "statement", "assessment", "figure"]
KIND_WEIGHTS = [35, 25, 20, 20]


@dataclass(frozen=True)
class Sizes:
    """How many of each thing a base of ``facts`` facts holds."""

    facts: int
    themes: int
    articles: int
    originals: int
    measures: int

    @classmethod
    def for_facts(cls, facts: int) -> Sizes:
        return cls(
            facts=facts,
            themes=min(60, 6 + facts // 400),
            articles=max(3, facts // 20),
            originals=max(2, facts // 40),
            # About three competing estimates per measure, among the ~20% of facts that are figures.
            measures=max(1, facts // 15),
        )


def q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def partial_date(rng: random.Random, first_year: int = 2015, last_year: int = 2025) -> str:
    year = rng.randint(first_year, last_year)
    precision = rng.random()
    if precision < 0.15:
        return str(year)
    month = rng.randint(1, 12)
    if precision < 0.5:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def theme_rows(count: int) -> Iterator[tuple[str, str, str]]:
    """``count`` themes: the topics, then numbered variants of them."""
    for i in range(count):
        slug, en, fr = TOPICS[i % len(TOPICS)]
        round_ = i // len(TOPICS)
        if round_:
            yield f"{slug}-{round_ + 1}", f"{en} ({round_ + 1})", f"{fr} ({round_ + 1})"
        else:
            yield slug, en, fr


def write_themes(root: Path, sizes: Sizes) -> list[str]:
    lines = []
    ids = []
    for slug, en, fr in theme_rows(sizes.themes):
        ids.append(slug)
        lines += [
            f"- id: {slug}",
            f"  title: {{en: {q(en)}, fr: {q(fr)}}}",
            f"  description: {{en: {q(f'Facts about {en.lower()}.')}, fr: {q(f'Faits : {fr.lower()}.')}}}",
        ]
    (root / "themes.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def write_sources(
    root: Path, sizes: Sizes, rng: random.Random
) -> tuple[list[str], list[str], dict[str, str]]:
    """Write sources.yaml: the articles, the originals, and the reliability of each."""
    lines = ["# Articles read, then the original sources they cite."]
    articles = [f"article-{i:05d}" for i in range(sizes.articles)]
    originals = [f"origin-{i:05d}" for i in range(sizes.originals)]
    reliability: dict[str, str] = {}
    for source_id in articles:
        descriptor = rng.choice(DESCRIPTORS)
        lines += [
            f"- id: {source_id}",
            f"  type: {rng.choice(['report', 'article-newspaper', 'article-journal', 'webpage'])}",
            f"  title: {q(f'{rng.choice(OBJECTS)[0].capitalize()}: a review ({source_id})')}",
        ]
        if rng.random() < 0.8:
            authors = [
                f"{{family: {rng.choice(FAMILIES)}, given: {rng.choice(GIVEN)}}}"
                for _ in range(rng.randint(1, 3))
            ]
            lines.append(f"  author: [{', '.join(authors)}]")
        lines.append(f"  publisher: {q(rng.choice(PUBLISHERS))}")
        if rng.random() < 0.9:
            lines.append(f"  issued: {partial_date(rng, 2020)}")
        if rng.random() < 0.7:
            lines.append(f"  URL: https://example.org/{source_id}")
        language = rng.choice(["en", "fr"])
        reliability[source_id] = rng.choice("ABBCCCDF")
        lines += [
            f"  language: {language}",
            f"  reliability: {reliability[source_id]}",
            f"  descriptor: {{en: {q(descriptor[0])}, fr: {q(descriptor[1])}}}",
        ]
    for source_id in originals:
        author = f"{rng.choice(ACTORS)[0].title()} office {source_id[-3:]}"
        reliability[source_id] = rng.choice("BCCDEF")
        lines += [
            f"- id: {source_id}",
            "  type: report",
            f"  author: [{{literal: {q(author)}}}]",
            f"  reliability: {reliability[source_id]}",
            f"  descriptor: {{en: {q('official statement')}, fr: {q('déclaration officielle')}}}",
        ]
    (root / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return articles, originals, reliability


def sentence(rng: random.Random, topic: tuple[str, str]) -> tuple[str, str]:
    """A fact's text in English and French; the same choices in both languages."""
    actor, verb, obj, qualifier = (
        rng.choice(ACTORS),
        rng.choice(VERBS),
        rng.choice(OBJECTS),
        rng.choice(QUALIFIERS),
    )
    decoration = rng.choice(DECORATIONS)
    en = f"In {topic[0].lower()}, {actor[0]} {verb[0]} {obj[0]} {qualifier[0]}{decoration[0]}."
    fr = f"{topic[1]} : {actor[1]} {verb[1]} {obj[1]} {qualifier[1]}{decoration[1]}."
    return en[0].upper() + en[1:], fr[0].upper() + fr[1:]


def figure_text(value: str, unit: str, topic: tuple[str, str]) -> tuple[str, str]:
    return (
        f"The {topic[0].lower()} figure stood at {value} {unit}, according to the estimate.",
        f"{topic[1]} : le chiffre s'élevait à {value} {unit}, selon l'estimation.",
    )


def french_number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def fact_lines(
    rng: random.Random,
    index: int,
    theme_ids: list[str],
    theme_titles: dict[str, tuple[str, str]],
    articles: list[str],
    originals: list[str],
    reliability: dict[str, str],
    measure_units: list[str],
    earlier_ids: list[str],
    credibility_of: dict[str, int],
) -> tuple[str, int, list[str]]:
    """A fact's id, credibility and YAML lines; it may contradict one of ``earlier_ids``,
    whose credibility is in ``credibility_of``."""
    theme = rng.choice(theme_ids)
    themes = [theme]
    if rng.random() < 0.2:
        themes.append(rng.choice(theme_ids))
    themes = list(dict.fromkeys(themes))
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    fact_id = f"{theme}-{kind}-{index:06d}"
    lines = [
        "",
        f"- id: {fact_id}",
        f"  kind: {kind}",
        f"  themes: [{', '.join(themes)}]",
    ]
    if kind == "figure" or rng.random() < 0.95:
        lines.append(f"  date: {partial_date(rng)}")
    quantity: list[str] = []
    if kind == "figure":
        measure = rng.randrange(len(measure_units))
        value = rng.randint(1, 500) * 100
        unit = measure_units[measure]
        en, fr = figure_text(f"{value:,}", unit, theme_titles[theme])
        quote = f"{french_number(value)} {unit}"
        if rng.random() < 0.3:
            low, high = value, value + rng.randint(1, 50) * 100
            number = f"low: {low}, high: {high}"
        else:
            number = f"value: {value}"
        quantity = [f"  quantity: {{measure: measure-{measure:05d}, {number}, unit: {q(unit)}}}"]
    else:
        en, fr = sentence(rng, theme_titles[theme])
        quote = fr.split(" : ", 1)[-1][:60].rstrip(" .")
    lines += ["  text:", f"    en: {q(en)}", f"    fr: {q(fr)}", "  sources:"]
    chains: list[list[str]] = []
    for n in range(rng.choices([1, 2, 3], [70, 25, 5])[0]):
        article = rng.choice(articles)
        ref = [f"ref: {article}"]
        chain = rng.random()
        via = []
        if chain < 0.05:
            via = [rng.choice(originals), rng.choice(originals)]
            ref.append(f"via: [{via[0]}, {via[1]}]")
        elif chain < 0.3:
            via = [rng.choice(originals)]
            ref.append(f"via: {via[0]}")
        chains.append([article, *via])
        ref.append(f"locator: {q(rng.choice(['§', 'p. ']) + str(rng.randint(1, 40)))}")
        if n == 0 or rng.random() < 0.5:
            ref.append(f"quote: {q(quote)}")
        lines.append(f"    - {{{', '.join(ref)}}}")
    drawn = rng.randint(1, 6)
    credibility_line = len(lines)
    lines += quantity
    lines += [
        f"  priority: {rng.choices([1, 2, 3], [15, 60, 25])[0]}",
        f"  added: {partial_date(rng, 2024, 2025)}",
    ]
    contradicted = None
    if earlier_ids and rng.random() < 0.03:
        contradicted = rng.choice(earlier_ids)
        lines.append(f"  contradicts: [{contradicted}]")
    credibility = admissible_grade(
        drawn, chains, reliability, None if contradicted is None else credibility_of[contradicted]
    )
    lines.insert(credibility_line, f"  credibility: {credibility}")
    if rng.random() < 0.5:
        tags = sorted(
            {rng.choice(["budget", "north", "pilot", "review", "urgent"]) for _ in range(2)}
        )
        lines.append(f"  tags: [{', '.join(tags)}]")
    return fact_id, credibility, lines


def admissible_grade(
    drawn: int, chains: list[list[str]], reliability: dict[str, str], contradicted: int | None
) -> int:
    """``drawn``, made as little less credible as the rules of briefgen/grading.py require.

    ``chains`` are the references (the article, then its ``via``); ``contradicted`` is the
    credibility of the fact this one contradicts, if any.
    """
    grade = drawn
    if grade == 1 and len({chain[-1] for chain in chains}) < 2:
        grade = 2  # confirmed needs two independent original sources
    if grade <= 2 and all(any(reliability[s] == "F" for s in chain) for chain in chains):
        grade = 3  # only sources whose reliability cannot be judged
    if contradicted is not None:
        if contradicted == 1:
            grade = max(grade, 4)  # contradicts confirmed information
        elif grade <= 2 and contradicted == 2:
            grade = 3  # both sides of a contradiction cannot be probably true
        elif grade == 1 and contradicted < 4:
            grade = 2  # contradicted by a fact that is not doubtful: not confirmed
    if grade == 5 and (contradicted is None or contradicted >= 5):
        grade = 4  # improbable needs a more credible fact contradicting it
    return grade


def generate(root: Path, facts: int, seed: int = 1) -> Path:
    """Write a base of ``facts`` facts into ``root`` (replaced if it exists)."""
    rng = random.Random(seed)
    sizes = Sizes.for_facts(facts)
    if root.exists():
        shutil.rmtree(root)
    (root / "items").mkdir(parents=True)
    (root / "base.yaml").write_text(
        f"title: {{en: {q(f'Synthetic base ({facts} facts)')}, "
        f"fr: {q(f'Base synthétique ({facts} faits)')}}}\nlanguages: [en, fr]\n",
        encoding="utf-8",
    )
    theme_ids = write_themes(root, sizes)
    theme_titles = {slug: (en, fr) for slug, en, fr in theme_rows(sizes.themes)}
    articles, originals, reliability = write_sources(root, sizes, rng)
    measure_units = [rng.choice(UNITS) for _ in range(sizes.measures)]
    measures = [
        f"- id: measure-{i:05d}\n  title: {{en: {q(f'Measure {i}')}, fr: {q(f'Mesure {i}')}}}"
        for i in range(0, sizes.measures, 2)
    ]
    (root / "measures.yaml").write_text("\n".join(measures) + "\n", encoding="utf-8")

    ids: list[str] = []
    credibility: dict[str, int] = {}
    chunk: list[str] = []
    file_number = 0

    def flush() -> None:
        nonlocal chunk, file_number
        if chunk:
            header = f"# Synthetic facts, part {file_number + 1} (seed {seed}).\n"
            path = root / "items" / f"part-{file_number:04d}.yaml"
            path.write_text(header + "\n".join(chunk) + "\n", encoding="utf-8")
            chunk, file_number = [], file_number + 1

    for index in range(facts):
        fact_id, credibility[fact_id], lines = fact_lines(
            rng,
            index,
            theme_ids,
            theme_titles,
            articles,
            originals,
            reliability,
            measure_units,
            ids,
            credibility,
        )
        ids.append(fact_id)
        chunk += lines
        if len(ids) % FACTS_PER_FILE == 0:
            flush()
    flush()
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="where to write the base (replaced)")
    parser.add_argument("--facts", type=int, default=1000, help="number of facts (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    generate(args.directory, args.facts, args.seed)
    print(f"{args.directory}: {args.facts} facts (seed {args.seed})")


if __name__ == "__main__":
    main()
