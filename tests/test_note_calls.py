"""verify holds a quote whose sentence ends with a note call to the citation rule: cite the
note's source in 'via', unless the note cites a legal text or is not in the article's list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def notes(tmp_path: Path, fixtures: Path) -> Path:
    """Three articles marking notes as "(1)", "[1]" and "¹", and facts quoting them."""
    return shutil.copytree(fixtures / "notes", tmp_path / "facts")


def test_a_note_call_ending_the_quoted_sentence_needs_a_via(run, notes):
    texts = notes / "texts"
    result = run("--facts-dir", notes, "verify", "--texts", texts)
    assert result.exit_code == 3
    end = "but the reference names no 'via': cite the note's source"
    assert result.stdout.splitlines() == [
        f"{texts}/essay.txt:3: water-shared: the sentence quoted from essay ends with a note "
        f"call (n. 1), {end}",
        f"{texts}/news.txt:1: dams-multiply: the sentence quoted from news ends with a note "
        f"call (n. 1), {end}",
        f"{texts}/report.txt:1: flow-fell: the sentence quoted from report ends with a note "
        f"call (n. 1), {end}",
    ]
    assert result.stderr == "9 quotes in 3 texts checked: 3 failures, no hedge warnings\n"


def test_crediting_the_note_passes(run, notes):
    path = notes / "items" / "river.yaml"
    text = path.read_text(encoding="utf-8")
    for fact_id, via in [("water-shared", "dupont"), ("dams-multiply", "dams-page"),
                         ("flow-fell", "hydro-institute")]:  # fmt: skip
        start = text.index(f"- id: {fact_id}\n")
        at = text.index("sources: [{ref: ", start) + len("sources: [{")
        text = text[:at] + f"via: {via}, " + text[at:]
    path.write_text(text, encoding="utf-8")
    result = run("--facts-dir", notes, "verify", "--texts", notes / "texts")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_a_legal_note_is_known_by_another_reference_to_it(run, notes):
    # Without the fact showing that note (2) cites the treaty, the ratification is held to it.
    path = notes / "items" / "river.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("# Note (2) cites a legal text")
    end = text.index("# Exempt: the legal text")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    texts = notes / "texts"
    result = run("--facts-dir", notes, "verify", "--texts", texts)
    assert result.exit_code == 3
    assert (
        f"{texts}/essay.txt:3: ratified-may-2024: the sentence quoted from essay ends with a "
        "note call (n. 2), but the reference names no 'via': cite the note's source"
    ) in result.stdout.splitlines()


def test_a_year_in_brackets_is_not_a_note_call(run, notes):
    with (notes / "texts" / "essay.txt").open("a", encoding="utf-8") as essay:
        essay.write("Le premier barrage date de la crue de (1973).\n")
    with (notes / "items" / "river.yaml").open("a", encoding="utf-8") as items:
        items.write(
            "- id: first-dam\n  kind: event\n  themes: [river]\n"
            "  text: {en: The first dam dates from a flood.}\n"
            '  sources: [{ref: essay, quote: "Le premier barrage date de la crue"}]\n'
            "  credibility: 2\n"
        )
    result = run("--facts-dir", notes, "verify", "--texts", notes / "texts")
    assert "first-dam" not in result.stdout
