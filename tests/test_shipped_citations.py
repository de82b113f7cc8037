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
    r"(?:, and facts from |, et des faits tirés de |basis: facts from |fondement\u00a0: des faits tirés de )"
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
        citations = note["text"].removesuffix(".").split(SEPARATOR[brief["lang"]])
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
