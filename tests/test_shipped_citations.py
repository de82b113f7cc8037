"""The citations of the shipped base: every short note names one work, French titles are set
the French way."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from briefgen.paths import package_data
from briefgen.store import load

SHIPPED = package_data("facts")
THEMES = ("military", "economy", "china", "japan", "ihl")
NBSP = "\u00a0"

# How a note separates its sources, and a chain its works ("X, cited in Y").
SEPARATOR = {"en": "; ", "fr": f"{NBSP}; "}
JUDGMENT_WORKS = re.compile(
    r"(?:, and facts from |, et faits tirés de |Basis: facts from |Fondement\u00a0: faits tirés de )"
)
CITED_IN = re.compile(r",?(?P<inner>\u202f?[\u2019\u201d]*) (?:cited in|cité dans) ")
# A locator ending the last work of a chain: "para. 7, n. 7", "§§ 1 et 15", "12n3".
LOCATOR = re.compile(
    rf"(?:, (?:(?:paras?\.|§§?|nn?\.|pp?\.|secs?\.|sect\.){NBSP}\S+(?: (?:and|et) \S+)*|\d+n\d+))+$"
)


def short_forms(brief: dict) -> dict[str, set[str]]:
    """Every short form the notes of ``brief`` print, and the works it names.

    A work is named in short form wherever it is not named for the first time, and, in
    compact notes, everywhere.
    """
    named: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    for note in brief["notes"]:
        if note["judgment"]:
            # A judgment's note names the works of the facts of its basis the page leaves
            # out, each once and in short form, after the notes it calls.
            works = list(dict.fromkeys(r["source"] for r in note["references"]))
            lead = JUDGMENT_WORKS.split(note["text"].removesuffix("."), maxsplit=1)
            written = lead[1].split(SEPARATOR[brief["lang"]]) if len(lead) > 1 else []
            assert len(written) == len(works), note["text"]
            for text, source in zip(written, works, strict=True):
                named[_as_read(text)].add(source)
                seen.add(source)
            continue
        # One citation per work, chain and grade: places in one work are given together.
        cited = list(
            dict.fromkeys((r["source"], tuple(r["via"]), r["grade"]) for r in note["references"])
        )
        citations = [
            one
            for citation in note["text"].removesuffix(".").split(SEPARATOR[brief["lang"]])
            for one in _one_per_original(citation)
        ]
        assert len(citations) == len(cited), note["text"]
        for citation, (read, via, grade) in zip(citations, cited, strict=True):
            citation = citation.removesuffix(f" [{grade}]")
            if citation.startswith("Ibid."):
                continue  # the single work of the note before
            works = CITED_IN.sub(lambda m: f"{m['inner']}\n", citation).split("\n")
            ids = [*reversed(via), read]
            assert len(works) == len(ids), (citation, ids)
            for written, source in zip(works, ids, strict=True):
                if source in seen or brief["compact"]:
                    named[_as_read(LOCATOR.sub("", written))].add(source)
                seen.add(source)
    return named


# Originals reported by the same chain share it: "A [B3] and B [C3], cited in X, para. 8".
SHARED_CHAIN = re.compile(
    rf"^(?P<originals>.+?{NBSP}\[[A-F][1-6]\](?:(?:,| and| et) .+?{NBSP}\[[A-F][1-6]\])+)"
    r"(?P<chain>, (?:cited in|cité dans) .+)$"
)
ORIGINAL = re.compile(rf"(.+?){NBSP}\[([A-F][1-6])\](?:(?:,| and| et) |$)")


def _one_per_original(citation: str) -> list[str]:
    """A citation of originals that share a chain, as one citation per original, each
    with the chain and the original's grade at its end, as a note of one would print it."""
    shared = SHARED_CHAIN.match(citation)
    if not shared:
        return [citation]
    return [
        f"{original}{shared['chain']}{NBSP}[{grade}]"
        for original, grade in ORIGINAL.findall(shared["originals"])
    ]


def _as_read(text: str) -> str:
    """A name as a reader tells it from another: regardless of case and quotation marks."""
    return " ".join(re.sub(r"[\"“”‘’«»\[\]]", "", text).split()).casefold()


def _brief(run, *args: str) -> dict:
    result = run("--facts-dir", SHIPPED, "brief", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("style", ["iso690", "chicago"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_short_note_names_two_works_alike(run, style: str, lang: str) -> None:
    """CMOS 14.29–14.30: a short form identifies its work. Over every note of the whole base
    in full and compact notes, and of the one-page brief of each theme and of the base."""
    selections = [
        (["--pages", "0"], False),
        (["--pages", "0", "--notes", "compact"], True),
        *((["-t", theme], True) for theme in THEMES),
        ([], True),
    ]
    short = 0
    for args, compact in selections:
        brief = {**_brief(run, "--style", style, "--lang", lang, *args), "compact": compact}
        named = short_forms(brief)
        alike = {text: works for text, works in named.items() if len(works) > 1}
        assert not alike, (args, alike)
        short += len(named)
    assert short > 100  # the test reads the notes it means to


def test_the_works_the_base_once_named_alike_are_told_apart(run) -> None:
    brief = _brief(run, "--pages", "0", "--notes", "compact", "--style", "chicago")
    named = short_forms({**brief, "compact": True})
    # Three untitled Wall Street Journal pages, now with titles supplied from their URLs:
    # three short forms, none of which needs the URL.
    wall_street = [
        next(text for text, works in named.items() if source in works)
        for source in ("wsj-prisoners", "wsj-growing-role", "wsj-spy-satellite")
    ]
    assert len(set(wall_street)) == 3, wall_street
    assert not any("https://" in text for text in named), [t for t in named if "https://" in t]
    governments = {text for text in named if text.startswith("government of south korea")}
    assert governments == {"government of south korea, 2024", "government of south korea, n.d."}


def test_french_titles_follow_french_typography() -> None:
    """A no-break space before : ; ? ! and typographic apostrophes, as briefgen's own words."""
    sources = load(SHIPPED).sources.values()
    french = [s for s in sources if s.language == "fr" and s.title]
    assert len(french) >= 6
    for source in french:
        assert "'" not in source.title, source.id
        assert not re.search(r"(?<!\u00a0)[:;?!]", source.title), source.id
        assert not re.search(r" [:;?!]", source.title), source.id


def test_no_shipped_short_title_starts_with_an_article_or_ends_badly() -> None:
    from briefgen.cite import short_title, short_title_problem

    base = load(SHIPPED)
    titled = [s for s in base.sources.values() if s.title]
    assert titled
    assert {s.id: short_title_problem(s) for s in titled if short_title_problem(s)} == {}
    assert {s.id: short_title(s) for s in titled}["lee-2003"] == "Political philosophy of Juche"


@pytest.mark.parametrize("style", ["iso690", "chicago"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_note_prints_no_date_for_a_statement_the_base_dates(run, style, lang) -> None:
    """A speaker's dated statements are dated works: a statement of the base with a date
    cites its speech, interview or communication with that date, never "n.d."."""
    from briefgen.cite import STATEMENT_TYPES

    base = load(SHIPPED)
    brief = _brief(run, "--pages", "0", "--notes", "full", "--style", style, "--lang", lang)
    notes = {note["fact"]: note["text"] for note in brief["notes"] if not note["judgment"]}
    undated = {"en": "n.d.", "fr": f"s.{NBSP}d."}[lang]
    checked = 0
    for fact in base.facts:
        if fact.kind != "statement" or fact.date is None or fact.id not in notes:
            continue
        for ref in fact.sources:
            if base.sources[ref.origin].type not in STATEMENT_TYPES:
                continue
            assert base.sources[ref.origin].issued is not None, (fact.id, ref.origin)
            # The original comes first in its chain: "Putin, …, cited in …".
            said = re.split(r" (?:cited in|cité dans) ", notes[fact.id])[0]
            assert undated not in said, (fact.id, said)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("lang", "names", "not_names"),
    [
        (
            "fr",
            [
                "Sources sud-coréennes non nommées",
                "Ministère de la Défense nationale (Corée du Sud)",
            ],
            ["Unnamed South Korean sources", "Ministry of National Defense"],
        ),
        (
            "en",
            ["Unnamed South Korean sources", "Ministry of National Defense (South Korea)"],
            ["non nommées", "Ministère de la Défense"],
        ),
    ],
)
def test_briefs_name_the_sources_in_their_language(run, lang, names, not_names) -> None:
    result = run(
        "--facts-dir", SHIPPED, "brief", "--lang", lang, "-f", "md", "--pages", "0",
        "--bibliography",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for name in names:
        assert name in result.stdout, name
    for name in not_names:
        assert name not in result.stdout, name


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_page_notes_write_each_chain_once_and_no_url(run, lang: str) -> None:
    """A one-pager's note writes a chain once for the originals it reports at one place
    ("A [B3] and B [C3], cited in X, para. 8"), and no note prints a URL."""
    cited_in = "cited in" if lang == "en" else "cité dans"
    checked = 0
    for args in [*(["-t", theme] for theme in THEMES), []]:
        brief = _brief(run, "--lang", lang, *args)
        for note in brief["notes"]:
            assert "http" not in note["text"], note["text"]
            if note["judgment"]:
                continue
            chains = {
                (r["source"], tuple(r["via"][:-1]), r["locator"]): len(r["via"])
                for r in note["references"]
            }
            assert note["text"].count(cited_in) == sum(chains.values()), note["text"]
            checked += any(len(r["via"]) for r in note["references"])
    assert checked > 20  # the test reads notes with chains
