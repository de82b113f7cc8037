"""The fact base shipped with briefgen: valid, true to its articles, and a one-page brief per theme."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess

import pytest

from briefgen.paths import package_data
from briefgen.store import load
from briefgen.typography import typeset

SHIPPED = package_data("facts")
THEMES = ("military", "economy", "china", "japan", "ihl")


def test_shipped_base_is_valid_and_large_enough(run):
    result = run("--facts-dir", SHIPPED, "validate")
    assert result.exit_code == 0, result.stdout
    themes = json.loads(run("--facts-dir", SHIPPED, "themes", "-f", "json").stdout)["themes"]
    assert [t["id"] for t in themes] == list(THEMES)
    assert all(t["facts"] >= 8 for t in themes), themes
    facts = json.loads(run("--facts-dir", SHIPPED, "facts", "-f", "json").stdout)["facts"]
    assert len(facts) >= 90
    assert all(f["text"]["en"] and f["text"]["fr"] for f in facts)


def test_every_quote_is_in_its_article(run, seeds):
    result = run("--facts-dir", SHIPPED, "verify", "--texts", seeds)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    # No fact states plainly what the sentence it quotes only reports or supposes.
    assert " in 5 texts checked: no failures, no hedge warnings" in result.stderr
    # Likelihood terms a grade contradicts are checked below, on their own.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert [w for w in warnings if "bears (a likelihood under" not in w] == []


def test_no_fact_claims_a_likelihood_its_grade_contradicts(run, seeds):
    result = run("--facts-dir", SHIPPED, "verify", "--texts", seeds)
    assert "bears (a likelihood under" not in result.stderr
    assert "likelihood warning" not in result.stderr


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_theme_gives_a_brief(run, lang):
    for theme in THEMES:
        result = run("--facts-dir", SHIPPED, "brief", "-t", theme, "--lang", lang, "-f", "json")
        assert result.exit_code == 0, (theme, result.stderr)
        brief = json.loads(result.stdout)
        assert len(brief["key_points"]) >= 3, theme
        shown = len(brief["key_points"]) + sum(len(s["items"]) for s in brief["sections"])
        assert shown >= 5, theme
        assert brief["notes"], theme


# What a one-page brief of the shipped base must hold, by selection (() is the whole base):
# the least each holds in every language, paper and style, or every fact of its theme.
# The key judgments (four on a theme, six on the whole base) take the room of three or
# four facts a page; on the whole base, the heads of its five themes run in.
LEAST_FACTS = {"military": 14, (): 14}
BASE_TITLE = {"en": "Russia–North Korea alliance", "fr": "L’alliance Russie–Corée du Nord"}


def _shown(brief: dict) -> list[str]:
    items = [*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])]
    items += [row for group in brief["estimates"] for row in group["rows"]]
    items += [side for pair in brief["contradictions"] for side in (pair["left"], pair["right"])]
    return list(dict.fromkeys(item["fact"] for item in items))


def _largest_blank_band(pdf) -> float:
    """The tallest gap between two lines of text, as a share of the page's height."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", pdf, "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', layout)[1])
    lines = sorted(
        (float(top), float(bottom))
        for top, bottom in re.findall(
            r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', layout
        )
    )
    return max(b[0] - a[1] for a, b in itertools.pairwise(lines)) / height


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("style", ["iso690", "chicago"])
def test_one_page_briefs_are_full_and_the_same_in_every_format(run, tmp_path, paper, lang, style):
    """Each theme and the whole base: one full page, and the facts of the PDF in every format."""
    for theme in (*THEMES, ()):
        options = [*(("-t", theme) if theme else ()), "--lang", lang, "--paper", paper,
                   "--style", style, "--marking", "OFFICIAL"]  # fmt: skip
        target = tmp_path / f"{theme or 'all'}.pdf"
        result = run("--facts-dir", SHIPPED, "brief", *options, "-o", target)
        assert result.exit_code == 0, (theme, result.stderr)
        assert "warning" not in result.stderr, (theme, result.stderr)
        info = subprocess.run(["pdfinfo", target], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), theme
        text = _bare(
            subprocess.run(["pdftotext", target, "-"], capture_output=True, text=True).stdout
        )
        assert text.count("OFFICIAL") == 2, theme  # top and bottom of the page

        brief = json.loads(run("--facts-dir", SHIPPED, "brief", *options, "-f", "json").stdout)
        # The title names the selection; the brief opens with its bottom line and at least
        # three key judgments (the whole base: one on each theme), each stated in the PDF
        # with its yardstick term and its confidence.
        assert brief["title"] == (brief["themes"][0]["title"] if theme else BASE_TITLE[lang])
        judgments = brief["judgments"]
        assert len(judgments) >= (4 if theme else 1 + len(THEMES)), theme
        if not theme:
            assert {t for j in judgments[1:] for t in j["themes"]} >= set(THEMES)
        for judgment in judgments:
            assert _bare(judgment["text"]) in text, (theme, judgment["id"])
            assert _bare(judgment["confidence_text"]) in text.lower(), (theme, judgment["id"])
            if judgment["likelihood"]:
                assert _bare(judgment["likelihood"]["name"]) in _bare(judgment["text"])
        bottom = text.index(_bare(judgments[0]["text"]))
        assert bottom < min(text.index(_bare(j["text"])) for j in judgments[1:])

        shown = _shown(brief)
        everything = json.loads(
            run("--facts-dir", SHIPPED, "brief", *options, "-f", "json", "--pages", "0").stdout
        )
        texts = {item_id: item["text"] for item_id, item in _texts(everything).items()}
        # The PDF prints exactly the facts the JSON brief lists, and no other: the text of
        # each statement, and for a competing estimate its value and who gives it.
        stated = [item["fact"] for item in _texts(brief, with_rows=False).values()]
        for fact in stated:
            assert _bare(texts[fact]) in text, (theme, fact)
        # A row of an estimates table, read line by line: its chart's scale stands beside it.
        layout = _bare(
            subprocess.run(
                ["pdftotext", "-layout", target, "-"], capture_output=True, text=True
            ).stdout
        )
        for group in brief["estimates"]:
            if group["beside"] is None:
                for row in group["rows"]:
                    wanted = _bare(f"{row['display']}{row['as_of']}{row['source']}")
                    assert wanted in layout, (theme, row)
            else:
                # Listed beside the value its fact states, after that fact's text.
                at = text.index(_bare(texts[group["beside"]]))
                for row in group["rows"][1:]:
                    assert _bare(row["display"]) in text[at:], (theme, row)
        for fact in brief["omitted"]:
            assert _bare(texts[fact]) not in text, (theme, fact)
        # The Markdown brief holds the same facts, in the same words.
        md = run("--facts-dir", SHIPPED, "brief", *options, "-f", "md").stdout
        assert all(_markdown_escaped(texts[fact]) in md for fact in stated), theme
        assert not brief["omitted"] or all(
            _markdown_escaped(texts[fact]) not in md for fact in brief["omitted"]
        ), theme
        # Full: enough facts, a section for every theme, no empty band (unless all is shown).
        least = min(LEAST_FACTS.get(theme, 12), len(_shown(everything)))
        assert len(shown) >= least, (theme, len(shown))
        if not theme:
            assert [s["theme"] for s in brief["sections"]] == list(THEMES)
        if brief["omitted"]:
            assert _largest_blank_band(target) <= 0.04, theme
        # One note per statement.
        assert [n["number"] for n in brief["notes"]] == list(range(1, len(brief["notes"]) + 1))


def _bare(text: str) -> str:
    """Text as pdftotext and a fact can both be compared: without spaces or hyphens, which
    line breaks move (pdftotext joins a word broken after its hyphen)."""
    return re.sub(r"[\s\-\u2010-\u2014]", "", text)


def _texts(brief: dict, *, with_rows: bool = True) -> dict:
    items = [*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])]
    if with_rows:
        items += [row for group in brief["estimates"] for row in group["rows"]]
    items += [side for pair in brief["contradictions"] for side in (pair["left"], pair["right"])]
    return {item["fact"]: item for item in items}


def _markdown_escaped(text: str) -> str:
    from briefgen.renderers.markdown import escape

    return escape(text)


# Claims faithfully reported from an article that the public record contradicts.
CONTRADICTED_BY_THE_RECORD = {
    "treaty-ratified-2024-12-04": ("military", "instruments of ratification"),
    "expendable-soldiers-war-crimes": ("ihl", "Neither makes sending one's own troops"),
    "russia-peninsula-nuclear-intent-doubt": ("ihl", "very probably a slip"),
    "dprk-icbm-7000-km": ("military", "apogee"),
}


@pytest.mark.parametrize("fact_id", sorted(CONTRADICTED_BY_THE_RECORD))
def test_claims_the_record_contradicts_carry_a_comment_in_their_note(run, fact_id):
    facts = json.loads(run("--facts-dir", SHIPPED, "facts", "-f", "json").stdout)["facts"]
    fact = next(f for f in facts if f["id"] == fact_id)
    assert fact["credibility"] == 4
    assert set(fact["comment"]) == {"en", "fr"}
    theme, words = CONTRADICTED_BY_THE_RECORD[fact_id]
    for lang, label in (("en", "*Analyst’s comment:*"), ("fr", "*Commentaire de l’analyste :*")):
        md = run("--facts-dir", SHIPPED, "brief", "-t", theme, "--lang", lang, "--pages", "0",
                 "-f", "md").stdout  # fmt: skip
        notes = [line for line in md.splitlines() if line.startswith("[^")]
        # The base's plain marks, set as the brief's language sets them.
        comment = typeset(fact["comment"][lang], lang)
        # French typesetting puts no-break spaces before colons: compare without spaces.
        wanted = _bare(f"{label} {_markdown_escaped(comment)}")
        assert any(wanted in _bare(note) for note in notes), lang
    assert words in fact["comment"]["en"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_value_is_shown_without_the_other_estimates_of_its_measure(run, lang):
    """Every selection, the whole base included: a value of a measure with other estimates
    in the selection is shown with them, in its table or as a range beside it."""
    base = load(SHIPPED)
    measure = {f.id: f.quantity.measure for f in base.facts if f.quantity}
    checked = 0
    for theme, pages in itertools.product((*THEMES, ()), ("1", "2")):
        options = [*(("-t", theme) if theme else ()), "--lang", lang, "-f", "json"]
        brief = json.loads(run("--facts-dir", SHIPPED, "brief", *options, "--pages", pages).stdout)
        everything = json.loads(
            run("--facts-dir", SHIPPED, "brief", *options, "--pages", "0").stdout
        )
        estimates: dict[str, int] = {}
        for fact in _shown(everything):
            if fact in measure:
                estimates[measure[fact]] = estimates.get(measure[fact], 0) + 1
        tables = {measure[group["rows"][0]["fact"]]: group for group in brief["estimates"]}
        stated = [*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])]
        stated += [
            side for pair in brief["contradictions"] for side in (pair["left"], pair["right"])
        ]
        for item in stated:
            m = measure.get(item["fact"])
            if m is None or estimates.get(m, 0) < 2:
                continue
            checked += 1
            table = tables.get(m)
            assert table is not None, (theme, item)
            if table["beside"] is not None:
                # Listed beside the value: every other estimate, or the lowest, the highest
                # and the latest and how many more there are.
                assert table["beside"] == item["fact"], (theme, item)
                assert item["spread"], (theme, item)
                assert len(table["rows"]) + table["more"] == estimates[m], (theme, m)
                values = [v for r in table["rows"] for v in (r["value"], r["low"], r["high"])]
                selected = set(_shown(everything))
                every = [
                    v for f in base.facts if f.id in selected and measure.get(f.id) == m
                    for v in f.quantity.numbers()
                ]  # fmt: skip
                assert min(every) in values and max(every) in values, (theme, m)
            else:
                assert len(table["rows"]) == estimates[m] or table["spread"], (theme, m)
        for m, table in tables.items():
            if table["beside"] is not None:
                continue
            checked += 1
            assert len(table["rows"]) == estimates[m] or (
                table["spread"] and re.search(rf"\b{estimates[m]}\b", table["spread"])
            ), (theme, m)
    assert checked >= 5  # the test reads the values it means to
