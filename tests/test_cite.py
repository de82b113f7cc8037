"""Citations: notes and bibliography entries in ISO 690 and Chicago, in English and French.

Every expected string here is written from the style's rules (docs/citations.md),
not copied from the program's output. Italics are shown as ``*…*``.
"""

from __future__ import annotations

import json
import re

import pytest

from briefgen import fact_format
from briefgen.cite import THIN_SPACE as THIN
from briefgen.cite import Citation, NoteWriter, bibliography, short_title, short_title_problem
from briefgen.locators import parse_locator
from briefgen.model import Source, SourceRef
from briefgen.styles import STYLE_NAMES, get_style
from briefgen.styles.chicago import headline_case

NBSP = "\u00a0"


def source(**fields: object) -> Source:
    return fact_format.Source.model_validate({"reliability": "B", **fields}).record()


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


def first_note_of(style: str, lang: str, work: Source) -> str:
    """The first note citing ``work``, in a document citing it alone."""
    return marked(NoteWriter(get_style(style), lang, {work.id: work}).cite(ref(work.id)))


# -- one source per case: full metadata, gaps, dates, URLs -------------------------------

# A page, as ISO 690 and French notes write it; Chicago's English notes give its number
# alone (14.22). A no-break space keeps a label with its number.
P4 = f"p.{NBSP}4"
# No date, French typography: "s. d.", bracketed in ISO 690 as an element the source lacks.
SD = f"s.{NBSP}d."

CASES = {
    ("iso690", "en"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation*, "
        f"Levallois-Perret: Fondation pour la recherche stratégique, 7 January 2025, {P4}, "
        "ISSN 2273-4644.",
        "unsigned": f"“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024, {P4}.",
        "undated": "Dan Sabbagh, “North Korean arms more significant than troops”, "
        f"*The Guardian*, n.d., {P4}.",
        "wire": f"Wire Agency, “Eastland troops seen at the border”, October 2024, {P4}.",
        "web": "“What are the Russian death toll and other losses in Ukraine?”, "
        f"*War Ukraine* [online], n.d. [accessed 12 March 2025], {P4}, https://example.org/losses.",
        "intel": f"Northland Intelligence Service, n.d., {P4}.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim and Mari Yamaguchi, "
        f"“North Korea's long-range missile test”, *AP*, 9 November 2024, {P4}.",
    },
    ("iso690", "fr"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation*, "
        f"Levallois-Perret{NBSP}: Fondation pour la recherche stratégique, 7 janvier 2025, {P4}, "
        "ISSN 2273-4644.",
        "unsigned": f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, {P4}.",
        "undated": f"Dan Sabbagh, «{NBSP}North Korean arms more significant than troops{NBSP}», "
        f"*The Guardian*, [{SD}], {P4}.",
        "wire": f"Wire Agency, «{NBSP}Eastland troops seen at the border{NBSP}», octobre 2024, "
        f"{P4}.",
        "web": f"«{NBSP}What are the Russian death toll and other losses in Ukraine?{NBSP}», "
        f"*War Ukraine* [en ligne], [{SD}] [consulté le 12 mars 2025], {P4}, "
        "https://example.org/losses.",
        "intel": f"Northland Intelligence Service, [{SD}], {P4}.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim et Mari Yamaguchi, "
        f"«{NBSP}North Korea's long-range missile test{NBSP}», *AP*, 9 novembre 2024, {P4}.",
    },
    ("chicago", "en"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation* "
        "(Levallois-Perret: Fondation pour la recherche stratégique, 2025), 4.",
        "unsigned": "“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024, 4.",
        "undated": "Dan Sabbagh, “North Korean Arms More Significant Than Troops,” "
        "*Guardian*, n.d., 4.",
        "wire": "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, 4.",
        # Undated: the date of access stands for the date, just before the URL (14.12).
        "web": "“What Are the Russian Death Toll and Other Losses in Ukraine?” War Ukraine, 4, "
        "accessed March 12, 2025, https://example.org/losses.",
        "intel": "Northland Intelligence Service, n.d., 4.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim, and Mari Yamaguchi, "
        "“North Korea's Long-Range Missile Test,” *AP*, November 9, 2024, 4.",
    },
    ("chicago", "fr"): {
        "niquet": "Valérie Niquet, *L'axe stratégique Russie-Corée du Nord : une évaluation* "
        f"(Levallois-Perret{NBSP}: Fondation pour la recherche stratégique, 2025), {P4}.",
        "unsigned": f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, {P4}.",
        "undated": f"Dan Sabbagh, «{NBSP}North Korean Arms More Significant Than Troops{NBSP}», "
        f"*Guardian*, {SD}, {P4}.",
        "wire": f"Wire Agency, «{NBSP}Eastland Troops Seen at the Border{NBSP}», octobre 2024, "
        f"{P4}.",
        "web": f"«{NBSP}What Are the Russian Death Toll and Other Losses in Ukraine?{NBSP}», "
        f"War Ukraine, {P4}, consulté le 12 mars 2025, https://example.org/losses.",
        "intel": f"Northland Intelligence Service, {SD}, {P4}.",
        "three": "Hyung-Jin Kim, Tong-Hyung Kim et Mari Yamaguchi, "
        f"«{NBSP}North Korea's Long-Range Missile Test{NBSP}», *AP*, 9 novembre 2024, {P4}.",
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


def para(number: str, lang: str) -> str:
    """A paragraph: "para." in English, where "§" means a section; "§" in French."""
    return f"para.{NBSP}{number}" if lang == "en" else f"§{NBSP}{number}"


MOREAU_SHORT = "Moreau, *Pacte Nordland–Estland*"

EXPECTED_SEQUENCES = {
    ("iso690", "en"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* [online], "
        f"Institut d'études fictives, 3 February 2025, {para('1', 'en')}, "
        "https://example.org/moreau-2025.",
        "Wire Agency, “Eastland troops seen at the border”, October 2024, "
        f"cited in {MOREAU_SHORT}, {para('2', 'en')}.",
        f"{MOREAU_SHORT}, {para('3', 'en')}.",
        "*Ibid.*",
        f"*Ibid.*, {para('4', 'en')}.",
        "“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024.",
        f"{MOREAU_SHORT}, {para('4', 'en')}.",
        f"{MOREAU_SHORT}.",
        "*Ibid.*",
        f"Wire Agency, “Eastland troops seen”, cited in {MOREAU_SHORT}, {para('2', 'en')}.",
        f"Wire Agency, “Eastland troops seen”, cited in {MOREAU_SHORT}, {para('2', 'en')}.",
    ],
    ("iso690", "fr"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* [en ligne], "
        f"Institut d'études fictives, 3 février 2025, {para('1', 'fr')}, "
        "https://example.org/moreau-2025.",
        f"Wire Agency, «{NBSP}Eastland troops seen at the border{NBSP}», octobre 2024, "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
        f"{MOREAU_SHORT}, {para('3', 'fr')}.",
        "*Ibid.*",
        f"*Ibid.*, {para('4', 'fr')}.",
        f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024.",
        f"{MOREAU_SHORT}, {para('4', 'fr')}.",
        f"{MOREAU_SHORT}.",
        "*Ibid.*",
        f"Wire Agency, «{NBSP}Eastland troops seen{NBSP}», "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
        f"Wire Agency, «{NBSP}Eastland troops seen{NBSP}», "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
    ],
    # Chicago 17 prefers a short note to "Ibid." (14.34): none unless asked for.
    ("chicago", "en"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* "
        f"(Institut d'études fictives, 2025), {para('1', 'en')}, https://example.org/moreau-2025.",
        "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, "
        f"cited in {MOREAU_SHORT}, {para('2', 'en')}.",
        f"{MOREAU_SHORT}, {para('3', 'en')}.",
        f"{MOREAU_SHORT}, {para('3', 'en')}.",
        f"{MOREAU_SHORT}, {para('4', 'en')}.",
        "“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024.",
        f"{MOREAU_SHORT}, {para('4', 'en')}.",
        f"{MOREAU_SHORT}.",
        f"{MOREAU_SHORT}.",
        f"Wire Agency, “Eastland Troops Seen,” cited in {MOREAU_SHORT}, {para('2', 'en')}.",
        f"Wire Agency, “Eastland Troops Seen,” cited in {MOREAU_SHORT}, {para('2', 'en')}.",
    ],
    ("chicago", "fr"): [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* "
        f"(Institut d'études fictives, 2025), {para('1', 'fr')}, https://example.org/moreau-2025.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen at the Border{NBSP}», octobre 2024, "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
        f"{MOREAU_SHORT}, {para('3', 'fr')}.",
        f"{MOREAU_SHORT}, {para('3', 'fr')}.",
        f"{MOREAU_SHORT}, {para('4', 'fr')}.",
        f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024.",
        f"{MOREAU_SHORT}, {para('4', 'fr')}.",
        f"{MOREAU_SHORT}.",
        f"{MOREAU_SHORT}.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen{NBSP}», "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
        f"Wire Agency, «{NBSP}Eastland Troops Seen{NBSP}», "
        f"cité dans {MOREAU_SHORT}, {para('2', 'fr')}.",
    ],
}


@pytest.mark.parametrize(("style", "lang"), list(EXPECTED_SEQUENCES))
def test_note_positions(style: str, lang: str) -> None:
    assert notes(style, lang, *SEQUENCE) == EXPECTED_SEQUENCES[style, lang]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_ibid_on_demand_in_chicago_is_roman_in_english_and_italic_in_french(lang: str) -> None:
    writer = NoteWriter(get_style("chicago"), lang, SOURCES, ibid=True)
    written = [marked(writer.cite(r)) for r in SEQUENCE[:5]][2:]
    # Latin abbreviations are roman in English (CMOS 7.56), italic in French typography.
    ibid = "Ibid." if lang == "en" else "*Ibid.*"
    assert written == [f"{MOREAU_SHORT}, {para('3', lang)}.", ibid, f"{ibid}, {para('4', lang)}."]


def test_no_ibid_in_iso690_when_told() -> None:
    writer = NoteWriter(get_style("iso690"), "fr", SOURCES, ibid=False)
    written = [marked(writer.cite(r)) for r in SEQUENCE[:5]][2:]
    assert written == [f"{MOREAU_SHORT}, {para(n, 'fr')}." for n in "334"]


def test_a_chain_of_two_originals_names_each_once_original_first() -> None:
    chain = ref("moreau", "§2", via=("wire", "intel"))  # the article cites wire, which cites intel
    assert notes("iso690", "en", chain) == [
        "Northland Intelligence Service, n.d., cited in Wire Agency, "
        "“Eastland troops seen at the border”, October 2024, cited in Claire Moreau, "
        "*Le pacte Nordland–Estland : une évaluation* [online], Institut d'études fictives, "
        f"3 February 2025, {para('2', 'en')}, https://example.org/moreau-2025."
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
            f"“Un pacte à haut risque”, *Le Quotidien*, 5 December 2024, {para('1', 'en')}.",
            f"*The Daily Planet*, cited in “Pacte à haut risque”, {para('2', 'en')}.",
        ],
        ("iso690", "fr"): [
            f"*The Daily Planet* [en ligne], [{SD}], https://example.org/2024/story, cité dans "
            f"«{NBSP}Un pacte à haut risque{NBSP}», *Le Quotidien*, 5 décembre 2024, "
            f"{para('1', 'fr')}.",
            f"*The Daily Planet*, cité dans «{NBSP}Pacte à haut risque{NBSP}», {para('2', 'fr')}.",
        ],
        ("chicago", "en"): [
            "*Daily Planet*, n.d., https://example.org/2024/story, cited in "
            f"“Un pacte à haut risque,” *Le Quotidien*, December 5, 2024, {para('1', 'en')}.",
            f"*Daily Planet*, cited in “Pacte à haut risque,” {para('2', 'en')}.",
        ],
    }
    for (style, lang), texts in expected.items():
        writer = NoteWriter(get_style(style), lang, {"page": page, "unsigned": UNSIGNED})
        assert [marked(writer.cite(r)) for r in cited] == texts, (style, lang)


def test_four_authors_or_more_become_et_al_in_notes_in_italics_but_in_english_chicago() -> None:
    four = source(
        id="four",
        type="book",
        title="Allies",
        author=[{"family": f"Author{i}", "given": "A."} for i in range(4)],
        publisher="Presses",
        issued=2020,
    )
    expected = {
        # Latin abbreviations: roman in English Chicago (7.56), italic in French typography
        # and throughout ISO 690, as its "Ibid." is. A bare number is a page.
        ("chicago", "en"): [
            "A. Author0 et al., *Allies* (Presses, 2020), 12.",
            "Author0 et al., *Allies*, 13.",
        ],
        ("chicago", "fr"): [
            f"A. Author0 *et al.*, *Allies* (Presses, 2020), p.{NBSP}12.",
            f"Author0 *et al.*, *Allies*, p.{NBSP}13.",
        ],
        ("iso690", "fr"): [
            f"A. Author0 *et al.*, *Allies*, Presses, 2020, p.{NBSP}12.",
            f"*Ibid.*, p.{NBSP}13.",
        ],
        ("iso690", "en"): [
            f"A. Author0 *et al.*, *Allies*, Presses, 2020, p.{NBSP}12.",
            f"*Ibid.*, p.{NBSP}13.",
        ],
    }
    for (style, lang), texts in expected.items():
        writer = NoteWriter(get_style(style), lang, {"four": four})
        assert [marked(writer.cite(ref("four", page))) for page in ("12", "13")] == texts


def test_a_book_without_publisher_or_author_says_so_in_iso690_only() -> None:
    book = source(id="b", type="book", title="Sans éditeur", language="fr")
    sources = {"b": book}
    # Neither place nor publisher: "[s.l.] : [s.n.]", as ISO 690 has it.
    assert marked(NoteWriter(get_style("iso690"), "fr", sources).cite(ref("b"))) == (
        f"*Sans éditeur*, [s.{NBSP}l.]{NBSP}: [s.{NBSP}n.], [{SD}]."
    )
    assert marked(get_style("iso690").bibliography_entry(book, "en")) == (
        "*Sans éditeur*. [S.l.]: [s.n.], n.d."
    )
    assert marked(NoteWriter(get_style("chicago"), "fr", sources).cite(ref("b"))) == (
        f"*Sans éditeur*, {SD}"
    )
    # A web page has no place of publication.
    page = source(id="p", type="webpage", title="Sans éditeur", language="fr")
    assert marked(get_style("iso690").full(page, "fr")) == (
        f"*Sans éditeur* [en ligne], [s.{NBSP}n.], [{SD}]"
    )


def test_a_chicago_bibliography_puts_a_3_em_dash_for_the_names_of_the_entry_before() -> None:
    # CMOS 14.67: successive entries by the same author.
    speeches = [
        source(id=f"s{n}", type="speech", author=[{"family": "Lind", "given": "Ada"}], **date)
        for n, date in enumerate([{"issued": "2024-06"}, {}, {"issued": "2025-04-28"}])
    ]
    other = source(id="o", type="speech", author=[{"family": "Orlov", "given": "Igor"}])
    entries = [marked(e) for e in bibliography([*speeches, other], get_style("chicago"), "en")]
    assert entries == [
        "Lind, Ada. Speech, April 28, 2025.",
        "\u2014\u2014\u2014. Speech, June 2024.",
        "\u2014\u2014\u2014. Speech, n.d.",
        "Orlov, Igor. Speech, n.d.",
    ]
    # ISO 690 repeats the names.
    iso = [marked(e) for e in bibliography(speeches, get_style("iso690"), "en")]
    assert all(entry.startswith("LIND, Ada.") for entry in iso), iso


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
    f"*War Ukraine* [en ligne]. [S.{NBSP}d.] [consulté le 12 mars 2025]. "
    f"Disponible à l’adresse{NBSP}: https://example.org/losses",
    ("iso690", "fr", "unsigned"): "Un pacte à haut risque. *Le Quotidien*. 5 décembre 2024.",
    # Institutions in capitals, as persons' family names, as in the standard's examples.
    ("iso690", "en", "wire"): "WIRE AGENCY. Eastland troops seen at the border. October 2024.",
    ("iso690", "fr", "intel"): f"NORTHLAND INTELLIGENCE SERVICE. [S.{NBSP}d.].",
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
    ("chicago", "fr", "intel"): f"Northland Intelligence Service. S.{NBSP}d.",
    # After the inverted first name, a comma before the conjunction, in French too (14.76).
    ("chicago", "fr", "three"): "Kim, Hyung-Jin, Tong-Hyung Kim, et Mari Yamaguchi. "
    f"«{NBSP}North Korea's Long-Range Missile Test{NBSP}». *AP*, 9 novembre 2024.",
}


@pytest.mark.parametrize(("style", "lang", "source_id"), list(ENTRIES))
def test_bibliography_entry(style: str, lang: str, source_id: str) -> None:
    entry = get_style(style).bibliography_entry(SOURCES[source_id], lang)
    assert marked(entry) == ENTRIES[style, lang, source_id]


def test_an_original_source_gives_its_own_url_before_the_works_it_is_cited_in() -> None:
    page = source(
        id="page",
        type="article-newspaper",
        **{"container-title": "The Daily Planet"},
        URL="https://example.org/2024/story",
    )
    writer = NoteWriter(get_style("iso690"), "en", {**SOURCES, "page": page})
    cited_in = [writer.short_form("moreau"), writer.short_form("unsigned")]
    entry = get_style("iso690").bibliography_entry(page, "en", cited_in)
    # The work's own URL first: after "Cited in" it would read as the citing work's.
    assert marked(entry) == (
        "*The Daily Planet* [online]. N.d. Available from: https://example.org/2024/story. "
        f"Cited in {MOREAU_SHORT}; “Pacte à haut risque”."
    )
    # Ending the reference, the URL takes no period.
    alone = get_style("iso690").bibliography_entry(page, "en")
    assert marked(alone).endswith("Available from: https://example.org/2024/story")
    chicago = NoteWriter(get_style("chicago"), "fr", {**SOURCES, "page": page})
    entry = get_style("chicago").bibliography_entry(page, "fr", [chicago.short_form("moreau")])
    assert marked(entry) == (
        # Listed under the newspaper, as an unsigned article is (14.207).
        f"*Daily Planet*. S.{NBSP}d. https://example.org/2024/story. Cité dans {MOREAU_SHORT}."
    )


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


# -- locators: the kind of place is read from the fact file, and written per style -----------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("§7", [("paragraph", "7")]),
        ("§7, n. 7", [("paragraph", "7"), ("note", "7")]),
        ("p. 12", [("page", "12")]),
        ("n. 5", [("note", "5")]),
        ("pp. 211-214", [("page", "211-214")]),
        ("12", [("page", "12")]),  # a number alone is a page, as in CSL
        ("12, n. 3", [("page", "12"), ("note", "3")]),
        ("pp. 3, 5", [("page", "3, 5")]),  # one more page, not a part of its own
        ("¶ 4", [("paragraph", "4")]),
        ("paragraph 4", [("paragraph", "4")]),
        ("Sec. 2.1", [("section", "2.1")]),
        ("chap. 3", [("chapter", "3")]),
        ("Annex B", [(None, "Annex B")]),  # no kind: written as it is
    ],
)
def test_locator_grammar(written: str, parts: list[tuple[str | None, str]]) -> None:
    locator = parse_locator(written)
    assert [(part.label, part.value) for part in locator.parts] == parts
    assert str(locator) == written


# "~" stands for the no-break space that keeps a label with its number.
LOCATOR_CASES = [
    # written, then ISO 690 en, ISO 690 fr, Chicago en, Chicago fr
    ("§7", "para.~7", "§~7", "para.~7", "§~7"),
    ("§7, n. 7", "para.~7, n.~7", "§~7, n.~7", "para.~7, n.~7", "§~7, n.~7"),
    # Chicago gives a page its number alone (14.22), a note on it "12n3".
    ("p. 12", "p.~12", "p.~12", "12", "p.~12"),
    ("12, n. 3", "p.~12, n.~3", "p.~12, n.~3", "12n3", "p.~12, n.~3"),
    ("pp. 211-214", "pp.~211–214", "p.~211–214", "211–214", "p.~211–214"),
    ("n. 5", "n.~5", "n.~5", "n.~5", "n.~5"),
    ("sec. 2", "sec.~2", "sect.~2", "sec.~2", "sect.~2"),
    ("Annex B", "Annex B", "Annex B", "Annex B", "Annex B"),
]


@pytest.mark.parametrize(
    ("written", "iso690_en", "iso690_fr", "chicago_en", "chicago_fr"), LOCATOR_CASES
)
def test_a_locator_is_written_in_the_words_of_the_style_and_language(
    written: str, iso690_en: str, iso690_fr: str, chicago_en: str, chicago_fr: str
) -> None:
    expected = {
        ("iso690", "en"): iso690_en,
        ("iso690", "fr"): iso690_fr,
        ("chicago", "en"): chicago_en,
        ("chicago", "fr"): chicago_fr,
    }
    for (style, lang), place in expected.items():
        note = notes(style, lang, ref("intel", written))[0]
        assert note.endswith(f", {place.replace('~', NBSP)}."), (style, lang, note)


def test_several_places_in_one_work_share_their_label() -> None:
    def merged(style: str, lang: str, *locators: str) -> str:
        writer = NoteWriter(get_style(style), lang, SOURCES)
        return marked(writer.note([ref("intel", loc) for loc in locators]))

    intel = "Northland Intelligence Service"
    assert merged("iso690", "en", "§15", "§1") == f"{intel}, n.d., paras.{NBSP}1 and 15."
    assert merged("iso690", "fr", "§15", "§1") == f"{intel}, [{SD}], §§{NBSP}1 et 15."
    assert merged("chicago", "en", "§15", "§1", "§3") == f"{intel}, n.d., paras.{NBSP}1, 3, and 15."
    assert merged("chicago", "en", "p. 4", "p. 9") == f"{intel}, n.d., 4 and 9."
    # Places of several parts are given whole.
    assert merged("iso690", "en", "§7, n. 7", "§8, n. 8") == (
        f"{intel}, n.d., para.{NBSP}7, n.{NBSP}7 and para.{NBSP}8, n.{NBSP}8."
    )


# -- short forms: a short note names one work ---------------------------------------------

WSJ = [
    source(
        id=f"wsj-{n}",
        type="article-newspaper",
        **{"container-title": "The Wall Street Journal"},
        URL=f"https://example.org/wsj/{n}",
    )
    for n in (1, 2, 3)
]
SEOUL = [
    source(
        id="seoul-report", type="report", author=[{"literal": "Southland"}], issued="2024-10-08"
    ),
    source(id="seoul", type="report", author=[{"literal": "Southland"}]),
]
MINISTRY = [
    source(
        id=f"ministry-{m}", type="report", author=[{"literal": "Ministry"}], issued=f"2024-0{m}-01"
    )
    for m in (3, 5)
]
ALIKE = {s.id: s for s in (*WSJ, *SEOUL, *MINISTRY, UNSIGNED)}


@pytest.mark.parametrize(
    ("style", "lang"), [(style, lang) for style in STYLE_NAMES for lang in ("en", "fr")]
)
def test_works_alike_in_short_form_are_told_apart_by_the_first_element_that_differs(
    style: str, lang: str
) -> None:
    writer = NoteWriter(get_style(style), lang, ALIKE)
    shorts = {s: marked(writer.short_form(s)) for s in ALIKE}
    wsj = "*Wall Street Journal*" if style == "chicago" else "*The Wall Street Journal*"
    nd = "n.d." if lang == "en" else (f"[{SD}]" if style == "iso690" else SD)
    march, may = {
        ("iso690", "en"): ("1 March 2024", "1 May 2024"),
        ("iso690", "fr"): ("1er mars 2024", "1er mai 2024"),
        ("chicago", "en"): ("March 1, 2024", "May 1, 2024"),
        ("chicago", "fr"): ("1er mars 2024", "1er mai 2024"),
    }[style, lang]
    assert shorts == {
        # No date, no title: only the URL tells them apart.
        "wsj-1": f"{wsj}, https://example.org/wsj/1",
        "wsj-2": f"{wsj}, https://example.org/wsj/2",
        "wsj-3": f"{wsj}, https://example.org/wsj/3",
        # The year suffices; an undated work says so.
        "seoul-report": "Southland, 2024",
        "seoul": f"Southland, {nd}",
        # The same year: the full date.
        "ministry-3": f"Ministry, {march}",
        "ministry-5": f"Ministry, {may}",
        # A work like no other is not lengthened.
        "unsigned": marked(get_style(style).short(UNSIGNED, lang)),
    }
    # In a note, the locator comes before a URL, as in a full note.
    note = marked(writer.note([ref("wsj-1", "§3")]))
    writer.note([ref("wsj-1", "§3")])
    again = marked(writer.note([ref("unsigned"), ref("wsj-1", "§4")]))
    assert f"{wsj}, {para('4', lang)}, https://example.org/wsj/1" in again, (note, again)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_both_works_of_an_outlet_are_told_apart_never_one_alone(style: str) -> None:
    # One known by its URL, one by its name only: both undated, so only the URL differs.
    reuters = {
        "page": source(
            id="page",
            type="article-newspaper",
            **{"container-title": "Reuters"},
            URL="https://example.org/reuters/1",
        ),
        "named": source(id="named", type="article-newspaper", **{"container-title": "Reuters"}),
    }
    writer = NoteWriter(get_style(style), "en", reuters)
    assert marked(writer.short_form("named")) == "*Reuters*, n.d."
    assert marked(writer.short_form("page")) == "*Reuters*, n.d., https://example.org/reuters/1"


def test_works_are_told_apart_only_from_the_works_the_document_cites() -> None:
    writer = NoteWriter(get_style("chicago"), "en", ALIKE, cited=["wsj-1", "seoul", "unsigned"])
    assert marked(writer.short_form("wsj-1")) == "*Wall Street Journal*"
    assert marked(writer.short_form("seoul")) == "Southland"


# -- Chicago: punctuation and web sources --------------------------------------------------

NESTED = source(
    id="nested",
    type="article",
    title="Implications of the DPRK-Russia “Treaty on Comprehensive Strategic Partnership”",
    author=[{"literal": "Cha Du Hyeogn"}],
    language="en",
)


def test_a_comma_or_period_goes_inside_nested_quotation_marks_in_american_usage() -> None:
    # CMOS 6.9: inside both the single and the double closing marks, which a thin space parts.
    title = "Implications of the DPRK-Russia ‘Treaty on Comprehensive Strategic Partnership"
    chicago = get_style("chicago")
    assert marked(chicago.full(NESTED, "en")) == f"Cha Du Hyeogn, “{title},’{THIN}” n.d."
    assert marked(chicago.bibliography_entry(NESTED, "en")) == (
        f"Cha Du Hyeogn. “{title}.’{THIN}” N.d."
    )
    # British and French usage put it outside.
    iso_title = "Implications of the DPRK-Russia ‘Treaty on Comprehensive Strategic Partnership’"
    assert marked(get_style("iso690").full(NESTED, "en")) == (
        f"Cha Du Hyeogn, “{iso_title}{THIN}”, n.d."
    )
    assert marked(chicago.full(NESTED, "fr")) == (
        f"Cha Du Hyeogn, «{NBSP}Implications of the DPRK-Russia “Treaty on Comprehensive "
        f"Strategic Partnership”{NBSP}», {SD}"
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_two_authors_in_a_chicago_bibliography_take_a_comma_after_the_inverted_name(
    lang: str,
) -> None:
    book = source(
        id="book",
        type="book",
        title="La Corée du Nord en 100 questions",
        author=[
            {"family": "Morillot", "given": "Juliette"},
            {"family": "Malovic", "given": "Dorian"},
        ],
        language="fr",
    )
    entry = marked(get_style("chicago").bibliography_entry(book, lang))
    conjunction = "and" if lang == "en" else "et"
    assert entry.startswith(f"Morillot, Juliette, {conjunction} Dorian Malovic. *La Corée")
    # In a note, no name is inverted and two names take no comma (14.76).
    note = marked(get_style("chicago").full(book, lang))
    assert note.startswith(f"Juliette Morillot {conjunction} Dorian Malovic, *La Corée")


def test_a_blog_is_named_as_such_unless_its_name_says_so() -> None:
    post = source(
        id="post",
        type="post-weblog",
        title="Haw-Haw and radio war",
        author=[{"family": "Liburd", "given": "Liam"}],
        **{"container-title": "History Matters"},
        issued="2017-02-21",
        URL="https://example.org/haw-haw",
        language="en",
    )
    chicago = get_style("chicago")
    assert first_note_of("chicago", "en", post) == (
        "Liam Liburd, “Haw-Haw and Radio War,” *History Matters* (blog), February 21, 2017, "
        "https://example.org/haw-haw."
    )
    assert marked(chicago.bibliography_entry(post, "en")) == (
        "Liburd, Liam. “Haw-Haw and Radio War.” *History Matters* (blog). February 21, 2017. "
        "https://example.org/haw-haw."
    )
    assert first_note_of("chicago", "fr", post) == (
        f"Liam Liburd, «{NBSP}Haw-Haw and Radio War{NBSP}», *History Matters* (blog), "
        "21 février 2017, https://example.org/haw-haw."
    )
    named = post._replace(container_title="The Blog")
    assert "*The Blog*, February 21, 2017" in first_note_of("chicago", "en", named)


# -- ISO 690: every online resource says so ---------------------------------------------------


def test_an_online_resource_without_title_or_host_says_online_after_its_creator() -> None:
    iso = get_style("iso690")
    signed = source(
        id="s", type="report", author=[{"literal": "Southland"}], URL="https://example.org/s"
    )
    bare = source(id="b", type="webpage", URL="https://example.org/b")
    assert first_note_of("iso690", "en", signed) == (
        "Southland [online], n.d., https://example.org/s."
    )
    assert first_note_of("iso690", "fr", signed) == (
        f"Southland [en ligne], [{SD}], https://example.org/s."
    )
    # Nothing but a URL: the medium starts the note and the reference.
    assert first_note_of("iso690", "en", bare) == "[Online], [s.n.], n.d., https://example.org/b."
    assert marked(iso.bibliography_entry(bare, "fr")) == (
        f"[En ligne]. [S.{NBSP}n.], [s.{NBSP}d.]. Disponible à l’adresse{NBSP}: https://example.org/b"
    )
    assert marked(iso.bibliography_entry(signed, "en")) == (
        "SOUTHLAND [online]. N.d. Available from: https://example.org/s"
    )


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
        # A full stop ends a sentence: the next word is capitalised, a minor word too (8.159).
        (
            "North Korean weapons are killing Ukrainians. the implications are far bigger",
            "North Korean Weapons Are Killing Ukrainians. The Implications Are Far Bigger",
        ),
        # An abbreviation does not end one.
        ("a U.S. view of the war vs. the peace", "A U.S. View of the War vs. the Peace"),
    ],
)
def test_headline_case(title: str, expected: str) -> None:
    assert headline_case(title) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # Key words (CMOS 14.33): no initial article, the elided one too.
        ({"title": "Un pacte à haut risque"}, "Pacte à haut risque"),
        ({"title": "Le pacte Nordland–Estland : une évaluation"}, "Pacte Nordland–Estland"),
        ({"title": "The political philosophy of Juche"}, "Political philosophy of Juche"),
        (
            {"title": "L’alliance stratégique qui défie l’ordre mondial"},
            "Alliance stratégique qui défie",
        ),
        # Never ending on a function word, a possessive or an auxiliary.
        ({"title": "Eastland troops seen at the border"}, "Eastland troops seen"),
        ({"title": "North Korea and Russia's dangerous partnership"}, "North Korea"),
        ({"title": "North Korean weapons are killing Ukrainians"}, "North Korean weapons"),
        # The rule cannot choose here: a source gives its own title-short.
        ({"title": "Qu’est-ce que le droit international humanitaire ?"}, "Qu’est-ce que le droit"),
        ({"title": "[La Corée du Nord apporte un soutien humain]"}, "[Corée du Nord apporte]"),
        ({"title": "A long title of many words", "title-short": "Long Title"}, "Long Title"),
    ],
)
def test_short_title(fields: dict[str, str], expected: str) -> None:
    assert short_title(source(id="s", type="book", **fields)) == expected


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": "The long title of many words", "title-short": "The Long Title"}, "article"),
        ({"title": "North Korea and Russia's war", "title-short": "Russia's"}, "possessive"),
        ({"title": "What are the Russian losses?", "title-short": "What Are"}, "auxiliary"),
        ({"title": "Qu’est-ce que le droit ?", "title-short": "Qu’est-ce que"}, "function word"),
        ({"title": "North Korea and Russia's dangerous partnership"}, None),
        ({"title": "A war", "title-short": "War"}, None),
    ],
)
def test_short_title_problem(fields: dict[str, str], problem: str | None) -> None:
    found = short_title_problem(source(id="s", type="book", **fields))
    assert (found is None) if problem is None else (problem in (found or ""))


# -- through the command line, on the fixture base ----------------------------------------


def _notes_of(markdown: str) -> list[str]:
    return [line.split("]: ", 1)[1] for line in markdown.splitlines() if line.startswith("[^")]


def test_chicago_notes_in_a_markdown_brief(run, pact) -> None:
    result = run(
        "--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--date", "2025-12-01",
        "--notes", "full",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    en = "en"
    # One note per statement; full notes give a work in full at its first note and short
    # after; no "Ibid.", which Chicago 17 discourages (14.34).
    assert _notes_of(result.stdout) == [
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* (Institut d’études fictives, "
        f"2025), {para('1', en)}, <https://example.org/moreau-2025>{NBSP}\\[B3\\].",
        f"Wire Agency, “Eastland Troops Seen at the Border,” October 2024, cited in {MOREAU_SHORT}, "
        f"{para('2', en)}{NBSP}\\[B3\\].",
        f"{MOREAU_SHORT}, {para('3', en)}{NBSP}\\[B2\\].",
        f"{MOREAU_SHORT}, {para('1', en)}{NBSP}\\[B2\\].",
        f"“Un pacte à haut risque,” n.d., {para('3', en)}{NBSP}\\[C4\\].",
        f"{MOREAU_SHORT}, {para('3', en)}{NBSP}\\[B3\\]; “Pacte à haut risque,” {para('4', en)}{NBSP}"
        "\\[C3\\].",
        f"Northland Intelligence Service, n.d., cited in “Pacte à haut risque,” {para('2', en)}"
        f"{NBSP}\\[C3\\].",
        # the key points that are an estimate and a side of a contradiction call notes 2 and 1
        f"“Pacte à haut risque,” {para('1', en)}{NBSP}\\[C4\\].",
    ]


@pytest.mark.parametrize(("option", "ibid"), [("--ibid", True), ("--no-ibid", False), (None, None)])
@pytest.mark.parametrize("style", STYLE_NAMES)
def test_ibid_is_the_styles_choice_unless_asked(run, pact, style, option, ibid) -> None:
    args = ["--facts-dir", pact, "brief", "--style", style, "-f", "json"]
    notes = json.loads(run(*args, *([option] if option else [])).stdout)["notes"]
    expected = ibid if ibid is not None else style == "iso690"
    # Note 4 cites the single work of note 3, at another place.
    assert notes[3]["text"].startswith("Ibid.") is expected
    assert notes[3]["text"].endswith(f"{para('1', 'en')}{NBSP}[B2].")


def test_full_notes_cite_the_original_of_a_chain_in_full_at_first(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--pages", "0")
    notes = _notes_of(result.stdout)
    assert notes[1] == (
        "Wire Agency, “Eastland Troops Seen at the Border,” October 2024, cited in Moreau, "
        f"*Pacte Nordland–Estland*, {para('2', 'en')}{NBSP}\\[B3\\]."
    )
    compact = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--pages", "0",
                  "--notes", "compact")  # fmt: skip
    compact_notes = _notes_of(compact.stdout)
    assert compact_notes[1].startswith("Wire Agency, “Eastland Troops Seen,” cited in")
    # Compact notes cite the work read in short form from its first note too: the full
    # reference is the bibliography's.
    assert compact_notes[0] == f"{MOREAU_SHORT}, {para('1', 'en')}{NBSP}\\[B3\\]."


def test_iso690_notes_in_french_are_the_default(run, pact) -> None:
    result = run(
        "--facts-dir", pact, "brief", "--lang", "fr", "-f", "md", "--date", "2025-12-01",
        "--notes", "full",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    notes = _notes_of(result.stdout)
    fr = "fr"
    assert notes[0] == (
        "Claire Moreau, *Le pacte Nordland–Estland : une évaluation* \\[en ligne\\], "
        f"Institut d’études fictives, 3 février 2025, {para('1', fr)}, ISSN 1234-5679, "
        "<https://example.org/moreau-2025>\u00a0\\[B3\\]."
    )
    assert notes[3] == f"*Ibid.*, {para('1', fr)}{NBSP}\\[B2\\]."
    # French quotation marks take no-break spaces, which Markdown keeps; so does the semicolon
    assert (
        notes[4]
        == f"«{NBSP}Un pacte à haut risque{NBSP}», \\[{SD}\\], {para('3', fr)}{NBSP}\\[C4\\]."
    )
    assert notes[5] == (
        f"{MOREAU_SHORT}, {para('3', fr)}{NBSP}\\[B3\\]{NBSP}; "
        f"«{NBSP}Pacte à haut risque{NBSP}», {para('4', fr)}{NBSP}\\[C3\\]."
    )
    assert notes[6] == (
        f"Northland Intelligence Service, \\[{SD}\\], cité dans «{NBSP}Pacte à haut risque{NBSP}», "
        f"{para('2', fr)}{NBSP}\\[C3\\]."
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


def test_bibliography_lists_the_originals_with_the_works_that_cite_them(run, pact) -> None:
    # CMOS 14.260: the original and the work it is cited in are both listed; compact notes
    # cite the original in short form only, so its full reference is here.
    result = run("--facts-dir", pact, "brief", "--style", "chicago", "-f", "md", "--bibliography")
    bibliography = result.stdout.split("## Bibliography\n", 1)[1]
    assert bibliography.strip().split("\n\n") == [
        "Moreau, Claire. *Le pacte Nordland–Estland : une évaluation*. Institut d’études "
        "fictives, 2025. <https://example.org/moreau-2025>.",
        "Northland Intelligence Service. N.d. Cited in “Pacte à haut risque.”",
        "“Un pacte à haut risque.” N.d.",
        "Wire Agency. “Eastland Troops Seen at the Border.” October 2024. "
        f"Cited in {MOREAU_SHORT}.",
    ]
    french = run("--facts-dir", pact, "brief", "--lang", "fr", "-f", "md", "--bibliography")
    entries = french.stdout.split("## Bibliographie\n", 1)[1].strip().split("\n\n")
    assert (
        f"NORTHLAND INTELLIGENCE SERVICE. \\[S.{NBSP}d.\\]. Cité dans «{NBSP}Pacte à haut risque{NBSP}»."
        in entries
    )


def test_no_bibliography_unless_asked(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "-f", "md")
    assert "## Bibliography" not in result.stdout


def test_terminal_notes_have_grades_legend_and_bibliography(run, pact) -> None:
    result = run(
        "--facts-dir", pact, "brief", "-f", "term", "--width", "200", "--style", "chicago",
        "--bibliography", "--notes", "full",
    )  # fmt: skip
    out = result.stdout
    assert re.search(
        r"^ *1\. Claire Moreau, Le pacte Nordland–Estland : une évaluation \(Institut", out, re.M
    )
    assert re.search(
        rf"^ *4\. Moreau, Pacte Nordland–Estland, {para('1', 'en')}{NBSP}\[B2\]\.", out, re.M
    )
    # the legend explains the grades the notes give, and only those
    # (the space before the example grade does not break: a grade keeps to what it grades)
    assert f"Grades{NBSP}[B2]: source B usually reliable, C fairly reliable; information 2" in out
    assert "A completely reliable" not in out
    assert "2 of 8 facts are second-hand" in out
    assert out.rstrip().endswith("Cited in Moreau, Pacte Nordland–Estland.")


@pytest.mark.parametrize("fmt", ["md", "term", "json"])
def test_no_grades_removes_grades_and_legend_everywhere(run, pact, fmt) -> None:
    graded = run("--facts-dir", pact, "brief", "-f", fmt).stdout
    ungraded = run("--facts-dir", pact, "brief", "-f", fmt, "--no-grades").stdout
    assert "B3" in graded
    # JSON has grades (and their range in the source summary) but no legend
    assert ("usually reliable" in graded) == (fmt != "json")
    assert "B3" not in ungraded and "B2" not in ungraded
    assert "Grades" not in ungraded and "usually reliable" not in ungraded


def test_json_carries_note_texts_grades_and_bibliography(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "-f", "json", "--style", "chicago", "--bibliography")
    data = json.loads(result.stdout)
    assert data["style"] == "chicago"
    # A note before named Moreau's work in short form: her name alone names it now.
    assert data["notes"][3]["text"] == f"Moreau, {para('1', 'en')}{NBSP}[B2]."
    assert [r["grade"] for r in data["notes"][3]["references"]] == ["B2"]
    assert [r["grade"] for r in data["notes"][5]["references"]] == ["B3", "C3"]
    assert data["summary"]["second_hand"] == 2 and data["summary"]["facts"] == 8
    assert data["bibliography"][2] == "“Un pacte à haut risque.” N.d."


def test_unknown_style_is_a_usage_error(run, pact) -> None:
    result = run("--facts-dir", pact, "brief", "--style", "apa")
    assert result.exit_code == 2
    assert "iso690" in result.stderr and "chicago" in result.stderr


def test_library_callers_get_a_clear_error_for_an_unknown_style() -> None:
    from briefgen.errors import UsageError

    with pytest.raises(UsageError, match="known: iso690, chicago"):
        get_style("apa")


# -- statements: speeches, interviews, personal communications, broadcasts -----------------

STATEMENTS = {
    s.id: s
    for s in (
        source(
            id="speech",
            type="speech",
            author=[{"family": "Lind", "given": "Ada"}],
            **{
                "event-title": {
                    "en": "annual meeting of defence ministers",
                    "fr": "réunion annuelle des ministres de la Défense",
                },
                "event-place": "Tallinn",
            },
            issued="2024-10-23",
        ),
        source(
            id="interview",
            type="interview",
            author=[{"family": "Sepp", "given": "Ivo"}],
            **{"container-title": "Radio North"},
            issued="2024-10-30",
        ),
        source(
            id="communication",
            type="personal_communication",
            author=[
                {"literal": {"en": "Unnamed Southland officials", "fr": "Responsables sudlandais"}}
            ],
            issued="2024-11",
        ),
        source(
            id="broadcast",
            type="broadcast",
            author=[{"family": "Orlov", "given": "Igor"}],
            genre={"en": "television broadcast", "fr": "émission de télévision"},
            **{"container-title": "Channel Nord"},
            issued="2022-08",
        ),
        source(id="undated", type="speech", author=[{"family": "Lind", "given": "Ada"}]),
    )
}

# The kind (in brackets in ISO 690), the occasion or host, the place, the date (CMOS
# 14.217-14.222; ISO 690): written from the rules, a note and an entry for each.
STATEMENT_FORMS = {
    ("chicago", "en"): {
        "speech": (
            "Ada Lind, speech, annual meeting of defence ministers, Tallinn, October 23, 2024.",
            "Lind, Ada. Speech, annual meeting of defence ministers, Tallinn, October 23, 2024.",
        ),
        "interview": (
            "Ivo Sepp, interview, Radio North, October 30, 2024.",
            "Sepp, Ivo. Interview, Radio North, October 30, 2024.",
        ),
        "communication": (
            "Unnamed Southland officials, personal communication, November 2024.",
            "Unnamed Southland officials. Personal communication, November 2024.",
        ),
        "broadcast": (
            "Igor Orlov, television broadcast, Channel Nord, August 2022.",
            "Orlov, Igor. Television broadcast, Channel Nord, August 2022.",
        ),
        "undated": ("Ada Lind, speech, n.d.", "Lind, Ada. Speech, n.d."),
    },
    ("chicago", "fr"): {
        "speech": (
            "Ada Lind, discours, réunion annuelle des ministres de la Défense, Tallinn, "
            "23 octobre 2024.",
            "Lind, Ada. Discours, réunion annuelle des ministres de la Défense, Tallinn, "
            "23 octobre 2024.",
        ),
        "interview": (
            "Ivo Sepp, entretien, Radio North, 30 octobre 2024.",
            "Sepp, Ivo. Entretien, Radio North, 30 octobre 2024.",
        ),
        "communication": (
            "Responsables sudlandais, communication personnelle, novembre 2024.",
            "Responsables sudlandais. Communication personnelle, novembre 2024.",
        ),
        "broadcast": (
            "Igor Orlov, émission de télévision, Channel Nord, août 2022.",
            "Orlov, Igor. Émission de télévision, Channel Nord, août 2022.",
        ),
        "undated": (f"Ada Lind, discours, {SD}", f"Lind, Ada. Discours, {SD}"),
    },
    ("iso690", "en"): {
        "speech": (
            "Ada Lind, [speech], annual meeting of defence ministers, Tallinn, 23 October 2024.",
            "LIND, Ada. [Speech], annual meeting of defence ministers, Tallinn, 23 October 2024.",
        ),
        "interview": (
            "Ivo Sepp, [interview], *Radio North*, 30 October 2024.",
            "SEPP, Ivo. [Interview], *Radio North*, 30 October 2024.",
        ),
        "communication": (
            "Unnamed Southland officials, [personal communication], November 2024.",
            "UNNAMED SOUTHLAND OFFICIALS. [Personal communication], November 2024.",
        ),
        "broadcast": (
            "Igor Orlov, [television broadcast], *Channel Nord*, August 2022.",
            "ORLOV, Igor. [Television broadcast], *Channel Nord*, August 2022.",
        ),
        "undated": ("Ada Lind, [speech], n.d.", "LIND, Ada. [Speech], n.d."),
    },
    ("iso690", "fr"): {
        "speech": (
            "Ada Lind, [discours], réunion annuelle des ministres de la Défense, Tallinn, "
            "23 octobre 2024.",
            "LIND, Ada. [Discours], réunion annuelle des ministres de la Défense, Tallinn, "
            "23 octobre 2024.",
        ),
        "interview": (
            "Ivo Sepp, [entretien], *Radio North*, 30 octobre 2024.",
            "SEPP, Ivo. [Entretien], *Radio North*, 30 octobre 2024.",
        ),
        "communication": (
            "Responsables sudlandais, [communication personnelle], novembre 2024.",
            "RESPONSABLES SUDLANDAIS. [Communication personnelle], novembre 2024.",
        ),
        "broadcast": (
            "Igor Orlov, [émission de télévision], *Channel Nord*, août 2022.",
            "ORLOV, Igor. [Émission de télévision], *Channel Nord*, août 2022.",
        ),
        "undated": (f"Ada Lind, [discours], [{SD}].", f"LIND, Ada. [Discours], [{SD}]."),
    },
}


@pytest.mark.parametrize(
    ("style", "lang", "kind"),
    [(style, lang, kind) for (style, lang), forms in STATEMENT_FORMS.items() for kind in forms],
)
def test_statements_say_their_kind_occasion_place_and_date(
    style: str, lang: str, kind: str
) -> None:
    note, entry = STATEMENT_FORMS[style, lang][kind]
    writer = NoteWriter(get_style(style), lang, STATEMENTS)
    assert marked(writer.note([ref(kind)])) == note.rstrip(".") + "."
    (written,) = bibliography([STATEMENTS[kind]], get_style(style), lang)
    assert marked(written) == entry.rstrip(".") + "."


def test_a_titled_speech_gives_its_kind_and_date_in_parentheses_in_chicago() -> None:
    # CMOS 14.217: "Title" (speech, occasion, place, date).
    titled = source(
        id="titled",
        type="speech",
        title="Security in the north",
        author=[{"family": "Lind", "given": "Ada"}],
        language="en",
        **{"event-place": "Tallinn"},
        issued="2024-10-23",
    )
    assert marked(get_style("chicago").full(titled, "en", "4")) == (
        "Ada Lind, “Security in the North” (speech, Tallinn, October 23, 2024), 4"
    )
    assert marked(get_style("chicago").bibliography_entry(titled, "en")) == (
        "Lind, Ada. “Security in the North.” Speech, Tallinn, October 23, 2024."
    )


def test_an_institution_is_named_in_the_language_of_the_brief(run, pact_copy) -> None:
    sources = pact_copy / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            '[{literal: "Northland Intelligence Service"}]',
            "[{literal: {en: Northland Intelligence Service, fr: Service de renseignement "
            "du Nordland}}]",
        ),
        encoding="utf-8",
    )
    french = run("--facts-dir", pact_copy, "brief", "--lang", "fr", "-f", "md", "--bibliography")
    assert french.exit_code == 0, french.stderr
    # In the notes and the estimates table, and in capitals in the bibliography.
    assert french.stdout.count("Service de renseignement du Nordland") == 2, french.stdout
    assert "SERVICE DE RENSEIGNEMENT DU NORDLAND. " in french.stdout
    assert "northland intelligence service" not in french.stdout.casefold()
    english = run("--facts-dir", pact_copy, "brief", "-f", "md", "--bibliography")
    assert "Northland Intelligence Service" in english.stdout
    assert "Service de renseignement du Nordland" not in english.stdout
    # A bibliography file holds one language: the one asked for, else the first given.
    exported = run("--facts-dir", pact_copy, "sources", "-f", "csl-json", "--lang", "fr")
    (intel,) = [item for item in json.loads(exported.stdout) if item["id"] == "intel"]
    assert intel["author"] == [{"literal": "Service de renseignement du Nordland"}]
    bibtex = run("--facts-dir", pact_copy, "sources", "-f", "bibtex").stdout
    assert "author = {{Northland Intelligence Service}}" in bibtex


def test_originals_reported_by_one_chain_share_it(run, pact_copy) -> None:
    """Two originals that one work reports at one place: the chain is written once, each
    original keeping its grade."""
    items = pact_copy / "items" / "trade.yaml"
    items.write_text(
        items.read_text(encoding="utf-8")
        + """
- id: two-originals
  kind: event
  themes: [trade]
  date: 2024-08
  text: {en: Both the wire and the intelligence service report new crossings., fr: Deux sources signalent de nouveaux passages.}
  sources:
    - {ref: moreau-2025, via: [wire], locator: "§2"}
    - {ref: moreau-2025, via: [intel], locator: "§2"}
  credibility: 3
""",
        encoding="utf-8",
    )
    result = run("--facts-dir", pact_copy, "brief", "-f", "json", "--pages", "0", "-t", "trade")
    assert result.exit_code == 0, result.stderr
    notes = json.loads(result.stdout)["notes"]
    (note,) = [n for n in notes if n["fact"] == "two-originals"]
    text = note["text"]
    assert text.count("cited in") == 1, text
    assert re.fullmatch(
        rf".+{NBSP}\[[A-F]3\] and .+{NBSP}\[[A-F]3\], cited in .+, para\.{NBSP}2\.", text
    ), text
    assert [r["via"] for r in note["references"]] == [["wire"], ["intel"]]


def test_a_work_named_once_on_the_page_is_then_named_by_its_authors(run, pact) -> None:
    """Compact notes (a page of set length): a work's first note gives its short form;
    later ones its authors alone, where no other work cited shares them (MHRA 7.5)."""
    data = json.loads(run("--facts-dir", pact, "brief", "-f", "json").stdout)
    moreau = [n["text"] for n in data["notes"] if "Moreau" in n["text"]]
    assert len(moreau) > 1
    assert "Moreau, Pacte Nordland–Estland" in moreau[0]
    assert all("Pacte Nordland–Estland" not in text for text in moreau[1:]), moreau
    # The bibliography still gives the work in full.
    data = json.loads(run("--facts-dir", pact, "brief", "-f", "json", "--bibliography").stdout)
    assert any("Moreau" in entry and "Nordland" in entry for entry in data["bibliography"])
