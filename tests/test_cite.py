"""Citations: notes and bibliography entries in ISO 690 and Chicago, in English and French.

Every expected string here is written from the style's rules (docs/citations.md),
not copied from the program's output. Italics are shown as ``*…*``.
"""

from __future__ import annotations

import re

import pytest

from briefgen.cite import Citation, NoteWriter, bibliography, short_title
from briefgen.model import Source, SourceRef
from briefgen.styles import STYLE_NAMES, get_style
from briefgen.styles.chicago import headline_case

NBSP = "\u00a0"


def source(**fields: object) -> Source:
    return Source.model_validate({"reliability": "B", **fields})


MOREAU = source(
    id="moreau",
    type="report",
    title="Le pacte Nordland–Estland : une évaluation",
    author=[{"family": "Moreau", "given": "Claire"}],
    publisher="Institut d'études fictives",
    issued="2025-02-03",
    URL="https://example.org/moreau-2025",
    language="fr",
)
NIQUET = source(
    id="niquet",
    type="report",
    title="L'axe stratégique Russie-Corée du Nord : une évaluation",
    author=[{"family": "Niquet", "given": "Valérie"}],
    publisher="Fondation pour la recherche stratégique",
    **{"publisher-place": "Levallois-Perret"},
    ISSN="2273-4644",
    issued="2025-01-07",
    language="fr",
)
UNSIGNED = source(
    id="unsigned",
    type="article-newspaper",
    title="Un pacte à haut risque",
    **{"container-title": "Le Quotidien"},
    issued="2024-12-05",
    language="fr",
)
UNDATED = source(
    id="undated",
    type="article-newspaper",
    title="North Korean arms more significant than troops",
    author=[{"family": "Sabbagh", "given": "Dan"}],
    **{"container-title": "The Guardian"},
    language="en",
)
WIRE = source(
    id="wire",
    type="article-newspaper",
    title="Eastland troops seen at the border",
    author=[{"literal": "Wire Agency"}],
    issued="2024-10",
    language="en",
)
WEB = source(
    id="web",
    type="webpage",
    title="What are the Russian death toll and other losses in Ukraine?",
    **{"container-title": "War Ukraine"},
    URL="https://example.org/losses",
    accessed="2025-03-12",
    language="en",
)
THREE = source(
    id="three",
    type="article-newspaper",
    title="North Korea's long-range missile test",
    author=[
        {"family": "Kim", "given": "Hyung-Jin"},
        {"family": "Kim", "given": "Tong-Hyung"},
        {"family": "Yamaguchi", "given": "Mari"},
    ],
    **{"container-title": "AP"},
    issued="2024-11-09",
    language="en",
)
INTEL = source(id="intel", type="report", author=[{"literal": "Northland Intelligence Service"}])
SOURCES = {s.id: s for s in (MOREAU, NIQUET, UNSIGNED, UNDATED, WIRE, WEB, THREE, INTEL)}


def marked(citation: Citation) -> str:
    """A citation with its italics shown as *…*."""
    return "".join(f"*{s.text}*" if s.italic else s.text for s in citation)


def notes(style: str, lang: str, *refs: SourceRef) -> list[str]:
    writer = NoteWriter(get_style(style), lang, SOURCES)
    return [marked(writer.cite(ref)) for ref in refs]


def first_note(style: str, lang: str, source_id: str, locator: str | None = None) -> str:
    return notes(style, lang, SourceRef(ref=source_id, locator=locator))[0]


def ref(source_id: str, locator: str | None = None, via: tuple[str, ...] = ()) -> SourceRef:
    return SourceRef(ref=source_id, locator=locator, via=via)


# -- one source per case: full metadata, gaps, dates, URLs -------------------------------

CASES = {
    ("iso690", "en"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation*, "
        "Levallois-Perret: Fondation pour la recherche stratégique, 7 January 2025, p. 4, "
        "ISSN 2273-4644.",
        "unsigned": "“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024, p. 4.",
        "undated": "Dan Sabbagh, “North Korean arms more significant than troops”, "
        "*The Guardian*, n.d., p. 4.",
        "wire": "Wire Agency, “Eastland troops seen at the border”, October 2024, p. 4.",
        "web": "“What are the Russian death toll and other losses in Ukraine?”, "
        "*War Ukraine* [online], n.d. [accessed 12 March 2025], p. 4, https://example.org/losses.",
        "intel": "Northland Intelligence Service, n.d., p. 4.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim and Mari Yamaguchi, "
        "“North Korea's long-range missile test”, *AP*, 9 November 2024, p. 4.",
    },
    ("iso690", "fr"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation*, "
        f"Levallois-Perret{NBSP}: Fondation pour la recherche stratégique, 7 janvier 2025, p. 4, "
        "ISSN 2273-4644.",
        "unsigned": f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, p. 4.",
        "undated": f"Dan Sabbagh, «{NBSP}North Korean arms more significant than troops{NBSP}», "
        "*The Guardian*, s.d., p. 4.",
        "wire": f"Wire Agency, «{NBSP}Eastland troops seen at the border{NBSP}», octobre 2024, p. 4.",
        "web": f"«{NBSP}What are the Russian death toll and other losses in Ukraine?{NBSP}», "
        "*War Ukraine* [en ligne], s.d. [consulté le 12 mars 2025], p. 4, "
        "https://example.org/losses.",
        "intel": "Northland Intelligence Service, s.d., p. 4.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim et Mari Yamaguchi, "
        f"«{NBSP}North Korea's long-range missile test{NBSP}», *AP*, 9 novembre 2024, p. 4.",
    },
    ("chicago", "en"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation* "
        "(Levallois-Perret: Fondation pour la recherche stratégique, 2025), p. 4.",
        "unsigned": "“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024, p. 4.",
        "undated": "Dan Sabbagh, “North Korean Arms More Significant Than Troops,” "
        "*Guardian*, n.d., p. 4.",
        "wire": "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, p. 4.",
        "web": "“What Are the Russian Death Toll and Other Losses in Ukraine?” War Ukraine, "
        "accessed March 12, 2025, p. 4, https://example.org/losses.",
        "intel": "Northland Intelligence Service, n.d., p. 4.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim, and Mari Yamaguchi, "
        "“North Korea's Long-Range Missile Test,” *AP*, November 9, 2024, p. 4.",
    },
    ("chicago", "fr"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation* "
        f"(Levallois-Perret{NBSP}: Fondation pour la recherche stratégique, 2025), p. 4.",
        "unsigned": f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, p. 4.",
        "undated": f"Dan Sabbagh, «{NBSP}North Korean Arms More Significant Than Troops{NBSP}», "
        "*Guardian*, s.d., p. 4.",
        "wire": f"Wire Agency, «{NBSP}Eastland Troops Seen at the Border{NBSP}», octobre 2024, p. 4.",
        "web": f"«{NBSP}What Are the Russian Death Toll and Other Losses in Ukraine?{NBSP}», "
        "War Ukraine, consulté le 12 mars 2025, p. 4, https://example.org/losses.",
        "intel": "Northland Intelligence Service, s.d., p. 4.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim et Mari Yamaguchi, "
        f"«{NBSP}North Korea's Long-Range Missile Test{NBSP}», *AP*, 9 novembre 2024, p. 4.",
    },
}


@pytest.mark.parametrize(
    ("style", "lang", "source_id"),
    [(style, lang, s) for (style, lang), cases in CASES.items() for s in cases],
)
def test_first_note(style: str, lang: str, source_id: str) -> None:
    assert first_note(style, lang, source_id, "p. 4") == CASES[style, lang][source_id]


# -- positions: via chain, ibid., short form after an intervening note, locators ------

SEQUENCE = [
    ref("moreau", "§1"),  # full
    ref("moreau", "§2", via=("wire",)),  # chain: the original in full, the article short
    ref("moreau", "§3"),  # after a chain: short, not Ibid.
    ref("moreau", "§3"),  # same place: Ibid.
    ref("moreau", "§4"),  # another place: Ibid., §4
    ref("unsigned"),  # another source, in full
    ref("moreau", "§4"),  # after an intervening note: short
    ref("moreau"),  # no locator after one with a locator: short, not Ibid.
    ref("moreau"),  # Ibid.
    ref("moreau", "§2", via=("wire",)),  # a chain again: both short
    ref("moreau", "§2", via=("wire",)),  # a chain is never Ibid.
]

EXPECTED_SEQUENCES = {
    ("iso690", "en"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* [online], "
        "Institut d'études fictives, 3 February 2025, §1, https://example.org/moreau-2025.",
        "Wire Agency, “Eastland troops seen at the border”, October 2024, "
        "cited in Moreau, *Le pacte Nordland–Estland*, §2.",
        "Moreau, *Le pacte Nordland–Estland*, §3.",
        "*Ibid.*",
        "*Ibid.*, §4.",
        "“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024.",
        "Moreau, *Le pacte Nordland–Estland*, §4.",
        "Moreau, *Le pacte Nordland–Estland*.",
        "*Ibid.*",
        "Wire Agency, “Eastland troops seen”, cited in Moreau, *Le pacte Nordland–Estland*, §2.",
        "Wire Agency, “Eastland troops seen”, cited in Moreau, *Le pacte Nordland–Estland*, §2.",
    ],
    ("iso690", "fr"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* [en ligne], "
        "Institut d'études fictives, 3 février 2025, §1, https://example.org/moreau-2025.",
        f"Wire Agency, «{NBSP}Eastland troops seen at the border{NBSP}», octobre 2024, "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
        "Moreau, *Le pacte Nordland–Estland*, §3.",
        "*Ibid.*",
        "*Ibid.*, §4.",
        f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024.",
        "Moreau, *Le pacte Nordland–Estland*, §4.",
        "Moreau, *Le pacte Nordland–Estland*.",
        "*Ibid.*",
        f"Wire Agency, «{NBSP}Eastland troops seen{NBSP}», "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
        f"Wire Agency, «{NBSP}Eastland troops seen{NBSP}», "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
    ],
    ("chicago", "en"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* "
        "(Institut d'études fictives, 2025), §1, https://example.org/moreau-2025.",
        "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, "
        "cited in Moreau, *Le pacte Nordland–Estland*, §2.",
        "Moreau, *Le pacte Nordland–Estland*, §3.",
        "Ibid.",
        "Ibid., §4.",
        "“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024.",
        "Moreau, *Le pacte Nordland–Estland*, §4.",
        "Moreau, *Le pacte Nordland–Estland*.",
        "Ibid.",
        "Wire Agency, “Eastland Troops Seen,” cited in Moreau, *Le pacte Nordland–Estland*, §2.",
        "Wire Agency, “Eastland Troops Seen,” cited in Moreau, *Le pacte Nordland–Estland*, §2.",
    ],
    ("chicago", "fr"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* "
        "(Institut d'études fictives, 2025), §1, https://example.org/moreau-2025.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen at the Border{NBSP}», octobre 2024, "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
        "Moreau, *Le pacte Nordland–Estland*, §3.",
        "Ibid.",
        "Ibid., §4.",
        f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024.",
        "Moreau, *Le pacte Nordland–Estland*, §4.",
        "Moreau, *Le pacte Nordland–Estland*.",
        "Ibid.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen{NBSP}», "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen{NBSP}», "
        "cité dans Moreau, *Le pacte Nordland–Estland*, §2.",
    ],
}


@pytest.mark.parametrize(("style", "lang"), list(EXPECTED_SEQUENCES))
def test_note_positions(style: str, lang: str) -> None:
    assert notes(style, lang, *SEQUENCE) == EXPECTED_SEQUENCES[style, lang]


def test_a_chain_of_two_originals_names_each_once_original_first() -> None:
    chain = ref("moreau", "§2", via=("wire", "intel"))  # the article cites wire, which cites intel
    assert notes("iso690", "en", chain) == [
        "Northland Intelligence Service, n.d., cited in Wire Agency, "
        "“Eastland troops seen at the border”, October 2024, cited in Claire Moreau, "
        "*Le pacte Nordland–Estland : une évaluation* [online], Institut d'études fictives, "
        "3 February 2025, §2, https://example.org/moreau-2025."
    ]


def test_an_untitled_page_known_by_its_newspaper_is_named_by_it_in_full_and_short() -> None:
    # Only a URL tells where the article appeared: the newspaper is its host, not its author.
    page = source(
        id="page",
        type="article-newspaper",
        **{"container-title": "The Daily Planet"},
        URL="https://example.org/2024/story",
    )
    cited = (ref("unsigned", "§1", via=("page",)), ref("unsigned", "§2", via=("page",)))
    expected = {
        ("iso690", "en"): [
            "*The Daily Planet* [online], n.d., https://example.org/2024/story, cited in "
            "“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024, §1.",
            "*The Daily Planet*, cited in “Un pacte à haut risque”, §2.",
        ],
        ("iso690", "fr"): [
            "*The Daily Planet* [en ligne], s.d., https://example.org/2024/story, cité dans "
            f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, §1.",
            f"*The Daily Planet*, cité dans «{NBSP}Un pacte à haut risque{NBSP}», §2.",
        ],
        ("chicago", "en"): [
            "*Daily Planet*, n.d., https://example.org/2024/story, cited in "
            "“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024, §1.",
            "*Daily Planet*, cited in “Un pacte à haut risque,” §2.",
        ],
    }
    for (style, lang), texts in expected.items():
        writer = NoteWriter(get_style(style), lang, {"page": page, "unsigned": UNSIGNED})
        assert [marked(writer.cite(r)) for r in cited] == texts, (style, lang)


def test_four_authors_or_more_become_et_al_in_notes() -> None:
    four = source(
        id="four",
        type="book",
        title="Allies",
        author=[{"family": f"Author{i}", "given": "A."} for i in range(4)],
        publisher="Presses",
        issued=2020,
    )
    writer = NoteWriter(get_style("chicago"), "en", {"four": four})
    assert (
        marked(writer.cite(ref("four", "12"))) == "A. Author0 et al., *Allies* (Presses, 2020), 12."
    )
    writer = NoteWriter(get_style("iso690"), "fr", {"four": four})
    assert (
        marked(writer.cite(ref("four", "12"))) == "A. Author0 et al., *Allies*, Presses, 2020, 12."
    )


def test_a_book_without_publisher_or_author_says_so_in_iso690_only() -> None:
    book = source(id="b", type="book", title="Sans éditeur", language="fr")
    sources = {"b": book}
    assert marked(NoteWriter(get_style("iso690"), "fr", sources).cite(ref("b"))) == (
        "*Sans éditeur*, [s.n.], s.d."
    )
    assert marked(NoteWriter(get_style("chicago"), "fr", sources).cite(ref("b"))) == (
        "*Sans éditeur*, s.d."
    )


def test_editors_stand_for_missing_authors() -> None:
    edited = source(
        id="e",
        type="book",
        title="Collected Essays",
        editor=[{"family": "Doe", "given": "Jane"}],
        publisher="Presses",
        issued=2021,
    )
    sources = {"e": edited}
    assert marked(NoteWriter(get_style("chicago"), "en", sources).cite(ref("e"))) == (
        "Jane Doe, ed., *Collected Essays* (Presses, 2021)."
    )
    assert marked(NoteWriter(get_style("iso690"), "fr", sources).cite(ref("e"))) == (
        "Jane Doe (éd.), *Collected Essays*, Presses, 2021."
    )


# -- bibliography entries -------------------------------------------------------------

ENTRIES = {
    ("iso690", "fr", "niquet"): "NIQUET, Valérie. *L'axe stratégique Russie-Corée du Nord : "
    f"une évaluation*. Levallois-Perret{NBSP}: Fondation pour la recherche stratégique, "
    "7 janvier 2025. ISSN 2273-4644.",
    ("iso690", "en", "moreau"): "MOREAU, Claire. *Le pacte Nordland–Estland : une évaluation* "
    "[online]. Institut d'études fictives, 3 February 2025. "
    "Available from: https://example.org/moreau-2025",
    ("iso690", "fr", "web"): "What are the Russian death toll and other losses in Ukraine? "
    "*War Ukraine* [en ligne]. S.d. [consulté le 12 mars 2025]. "
    f"Disponible à l'adresse{NBSP}: https://example.org/losses",
    ("iso690", "fr", "unsigned"): "Un pacte à haut risque. *Le Quotidien*. 5 décembre 2024.",
    ("iso690", "en", "wire"): "Wire Agency. Eastland troops seen at the border. October 2024.",
    ("iso690", "fr", "intel"): "Northland Intelligence Service. S.d.",
    ("iso690", "en", "three"): "KIM, Hyung-Jin, KIM, Tong-Hyung and YAMAGUCHI, Mari. "
    "North Korea's long-range missile test. *AP*. 9 November 2024.",
    ("chicago", "en", "moreau"): "Moreau, Claire. *Le pacte Nordland–Estland : une évaluation*. "
    "Institut d'études fictives, 2025. https://example.org/moreau-2025.",
    ("chicago", "en", "niquet"): "Niquet, Valérie. *L'axe stratégique Russie-Corée du Nord : "
    "une évaluation*. Levallois-Perret: Fondation pour la recherche stratégique, 2025.",
    ("chicago", "en", "unsigned"): "*Le Quotidien*. “Un pacte à haut risque.” December 5, 2024.",
    ("chicago", "en", "three"): "Kim, Hyung-Jin, Tong-Hyung Kim, and Mari Yamaguchi. "
    "“North Korea's Long-Range Missile Test.” *AP*, November 9, 2024.",
    ("chicago", "en", "web"): "“What Are the Russian Death Toll and Other Losses in Ukraine?” "
    "War Ukraine. Accessed March 12, 2025. https://example.org/losses.",
    ("chicago", "en", "undated"): "Sabbagh, Dan. “North Korean Arms More Significant Than "
    "Troops.” *Guardian*, n.d.",
    ("chicago", "fr", "wire"): f"Wire Agency. «{NBSP}Eastland Troops Seen at the Border{NBSP}». "
    "Octobre 2024.",
    ("chicago", "en", "intel"): "Northland Intelligence Service. N.d.",
}


@pytest.mark.parametrize(("style", "lang", "source_id"), list(ENTRIES))
def test_bibliography_entry(style: str, lang: str, source_id: str) -> None:
    entry = get_style(style).bibliography_entry(SOURCES[source_id], lang)
    assert marked(entry) == ENTRIES[style, lang, source_id]


def test_bibliography_is_alphabetical_ignoring_articles_accents_and_quotes() -> None:
    chosen = [WIRE, UNDATED, UNSIGNED, WEB, MOREAU, INTEL, THREE]
    entries = bibliography(chosen, get_style("chicago"), "en")
    firsts = [marked(e).split(".")[0] for e in entries]
    assert firsts == [
        "Kim, Hyung-Jin, Tong-Hyung Kim, and Mari Yamaguchi",
        "Moreau, Claire",
        "Northland Intelligence Service",
        "*Le Quotidien*",  # under Q: "Le" is an article
        "Sabbagh, Dan",
        "“What Are the Russian Death Toll and Other Losses in Ukraine?” War Ukraine",
        "Wire Agency",
    ]


@pytest.mark.parametrize("style", STYLE_NAMES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_gap_is_ever_written_as_none_blank_or_stray_comma(style: str, lang: str) -> None:
    for item in SOURCES.values():
        writer = NoteWriter(get_style(style), lang, SOURCES)
        for citation in (
            writer.cite(ref(item.id)),
            writer.cite(ref(item.id, "p. 2")),
            get_style(style).bibliography_entry(item, lang),
        ):
            written = marked(citation)
            for defect in ("None", ", ,", ",,", " ,", "..", ". .", "()", "( ", "**"):
                assert defect not in written, (item.id, written)
            assert not written.startswith((",", " ", "."))


# -- pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Eastland troops seen at the border", "Eastland Troops Seen at the Border"),
        ("North Korea's long-range missile test", "North Korea's Long-Range Missile Test"),
        (
            "the war against Ukraine: a view from the DPRK",
            "The War against Ukraine: A View from the DPRK",
        ),
        (
            "Austin Confirms North Korea has Sent Troops to Russia",
            "Austin Confirms North Korea Has Sent Troops to Russia",
        ),
        ("what it is for", "What It Is For"),
        ("McCartney on iPhone sales in the US", "McCartney on iPhone Sales in the US"),
    ],
)
def test_headline_case(title: str, expected: str) -> None:
    assert headline_case(title) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": "Un pacte à haut risque"}, "Un pacte à haut risque"),
        ({"title": "Le pacte Nordland–Estland : une évaluation"}, "Le pacte Nordland–Estland"),
        ({"title": "Eastland troops seen at the border"}, "Eastland troops seen"),
        ({"title": "[La Corée du Nord apporte un soutien humain]"}, "[La Corée du Nord]"),
        ({"title": "A long title of many words", "title-short": "Long Title"}, "Long Title"),
    ],
)
def test_short_title(fields: dict[str, str], expected: str) -> None:
    assert short_title(source(id="s", type="book", **fields)) == expected


# -- through the command line, on the fixture base ----------------------------------------


def _notes_of(markdown: str) -> list[str]:
    return [line.split("]: ", 1)[1] for line in markdown.splitlines() if line.startswith("[^")]


def test_chicago_notes_in_a_markdown_brief(run, pact) -> None:
    result = run(
        "--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--date", "2025-12-01"
    )
    assert result.exit_code == 0, result.stderr
    # One note per statement; on a page of set length the original of a chain is cited short.
    assert _notes_of(result.stdout) == [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* (Institut d'études fictives, "
        "2025), §1, <https://example.org/moreau-2025> \\[B3\\].",
        "Wire Agency, “Eastland Troops Seen,” cited in Moreau, *Le pacte Nordland–Estland*, §2 "
        "\\[B3\\].",
        "Moreau, *Le pacte Nordland–Estland*, §3 \\[B2\\].",
        "Ibid., §1 \\[B2\\].",
        "“Un pacte à haut risque,” n.d., §3 \\[C4\\].",
        "Moreau, *Le pacte Nordland–Estland*, §3 \\[B3\\]; “Un pacte à haut risque,” §4 \\[C3\\].",
        "Northland Intelligence Service, cited in “Un pacte à haut risque,” §2 \\[C3\\].",
        # the key points that are an estimate and a side of a contradiction call notes 2 and 1
        "“Un pacte à haut risque,” §1 \\[C4\\].",
    ]


def test_full_notes_cite_the_original_of_a_chain_in_full_at_first(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--pages", "0")
    notes = _notes_of(result.stdout)
    assert notes[1] == (
        "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, cited in Moreau, "
        "*Le pacte Nordland–Estland*, §2 \\[B3\\]."
    )
    compact = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--pages", "0",
                  "--notes", "compact")  # fmt: skip
    assert _notes_of(compact.stdout)[1].startswith("Wire Agency, “Eastland Troops Seen,” cited in")


def test_iso690_notes_in_french_are_the_default(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--lang", "fr", "-f", "md", "--date", "2025-12-01")
    assert result.exit_code == 0, result.stderr
    notes = _notes_of(result.stdout)
    assert notes[0] == (
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* \\[en ligne\\], "
        "Institut d'études fictives, 3 février 2025, §1, ISSN 1234-5679, "
        "<https://example.org/moreau-2025> \\[B3\\]."
    )
    assert notes[3] == "*Ibid.*, §1 \\[B2\\]."
    # French quotation marks take no-break spaces, which Markdown keeps; so does the semicolon
    assert notes[4] == "«\u00a0Un pacte à haut risque\u00a0», s.d., §3 \\[C4\\]."
    assert notes[5] == (
        "Moreau, *Le pacte Nordland–Estland*, §3 \\[B3\\]\u00a0; "
        "«\u00a0Un pacte à haut risque\u00a0», §4 \\[C3\\]."
    )
    assert notes[6] == (
        "Northland Intelligence Service, cité dans «\u00a0Un pacte à haut risque\u00a0», §2 \\[C3\\]."
    )


@pytest.mark.parametrize("style", STYLE_NAMES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_with_bibliography_matches_golden(run, pact, golden, style, lang) -> None:
    result = run(
        "--facts-dir", pact, "brief", "--style", style, "--lang", lang, "-f", "md",
        "--bibliography", "--date", "2025-12-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    notes_onwards = result.stdout[result.stdout.index("## Sources") :]
    golden(f"pact-notes-{style}-{lang}.md", notes_onwards)


def test_bibliography_lists_the_works_read_not_the_originals_they_cite(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--bibliography")
    bibliography = result.stdout.split("## Bibliography\n", 1)[1]
    assert bibliography.strip().split("\n\n") == [
        "Moreau, Claire. *Le pacte Nordland–Estland : une évaluation*. Institut d'études "
        "fictives, 2025. <https://example.org/moreau-2025>.",
        "“Un pacte à haut risque.” N.d.",
    ]


def test_no_bibliography_unless_asked(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "-f", "md")
    assert "## Bibliography" not in result.stdout


def test_terminal_notes_have_grades_legend_and_bibliography(run, pact) -> None:
    result = run(
        "--facts-dir", pact, "brief", "-f", "term", "--width", "200", "--style", "chicago",
        "--bibliography",
    )  # fmt: skip
    out = result.stdout
    assert re.search(
        r"^ *1\. Claire Moreau, Le pacte Nordland–Estland : une évaluation \(Institut", out, re.M
    )
    assert re.search(r"^ *4\. Ibid\., §1 \[B2\]\.", out, re.M)
    # the legend explains the grades the notes give, and only those
    assert "Grades [B2]: source B usually reliable, C fairly reliable; information 2" in out
    assert "A completely reliable" not in out
    assert "2 of 8 facts are second-hand" in out
    assert out.rstrip().endswith("“Un pacte à haut risque.” N.d.")


@pytest.mark.parametrize("fmt", ["md", "term", "json"])
def test_no_grades_removes_grades_and_legend_everywhere(run, pact, fmt) -> None:
    graded = run("--facts-dir", pact, "brief", "-f", fmt).stdout
    ungraded = run("--facts-dir", pact, "brief", "-f", fmt, "--no-grades").stdout
    assert "B3" in graded
    assert ("Grades" in graded) == (fmt != "json")  # JSON has grades but no legend
    assert "B3" not in ungraded and "B2" not in ungraded
    assert "Grades" not in ungraded and "usually reliable" not in ungraded


def test_json_carries_note_texts_grades_and_bibliography(run, pact) -> None:
    import json

    result = run("--facts-dir", pact, "brief", "-f", "json", "--style", "chicago", "--bibliography")
    data = json.loads(result.stdout)
    assert data["style"] == "chicago"
    assert data["notes"][3]["text"] == "Ibid., §1 [B2]."
    assert [r["grade"] for r in data["notes"][3]["references"]] == ["B2"]
    assert [r["grade"] for r in data["notes"][5]["references"]] == ["B3", "C3"]
    assert data["summary"]["second_hand"] == 2 and data["summary"]["facts"] == 8
    assert data["bibliography"][1] == "“Un pacte à haut risque.” N.d."


def test_unknown_style_is_a_usage_error(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--style", "apa")
    assert result.exit_code == 2
    assert "iso690" in result.stderr and "chicago" in result.stderr


def test_library_callers_get_a_clear_error_for_an_unknown_style() -> None:
    from briefgen.errors import UsageError

    with pytest.raises(UsageError, match="known: iso690, chicago"):
        get_style("apa")
