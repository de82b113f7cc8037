"""The note of a key judgment: its basis, and the works of the facts the page leaves out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

TOURIST_OFFICE = """- id: tourist-office
  type: report
  title: Visitor season plan
  author: [{literal: Island Tourist Office}]
  issued: 2025-09
  reliability: B
  descriptor: {en: tourist office, fr: office du tourisme}
"""

DRILL_JUDGMENT = """- id: drill-precaution
  themes: [unrest]
  text:
    en: The planned drill reads as a precaution, not as a sign that an eruption is near.
    fr: L'exercice prévu se lit comme une précaution, non comme le signe d'une éruption proche.
  confidence: low
  basis: [quakes-rising, evacuation-drill]
"""


@pytest.fixture
def judged(tmp_path: Path, fixtures: Path) -> Path:
    """The judged base, with a judgment on the unrest resting on a fact of the response
    whose work, the tourist office's plan, no other fact cites."""
    base = shutil.copytree(fixtures / "judged", tmp_path / "facts")
    items = base / "items" / "response.yaml"
    text = items.read_text(encoding="utf-8")
    old = "  sources: [{ref: radio}]\n  credibility: 3"
    assert text.count(old) == 1
    items.write_text(
        text.replace(old, "  sources: [{ref: tourist-office, locator: p. 4}]\n  credibility: 3"),
        encoding="utf-8",
    )
    with (base / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write(TOURIST_OFFICE)
    with (base / "judgments.yaml").open("a", encoding="utf-8") as handle:
        handle.write(DRILL_JUDGMENT)
    return base


def notes(markdown: str) -> dict[str, str]:
    return dict(re.findall(r"^\[\^(\d+)\]: (.*)$", markdown, re.M))


def test_a_work_no_note_on_the_page_names_is_named_by_its_short_form(run, judged):
    assert run("--facts-dir", judged, "validate").exit_code == 0
    result = run("--facts-dir", judged, "brief", "-t", "unrest", "-f", "md")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    call = re.search(
        r"not as a sign that an eruption is near\. \*Low confidence\.\*\[\^(\d+)\]", md
    )
    assert call, md
    by_number = notes(md)
    note = by_number[call[1]]
    # The drill is a fact of the response: not on this page, so its work is named,
    # by authors and short title, as no other note names it.
    assert "An evacuation drill" not in md
    assert note.endswith("and facts from Island Tourist Office, *Visitor season plan*.")
    others = [text for number, text in by_number.items() if number != call[1]]
    assert not any("Tourist Office" in text for text in others)
    # The page's own fact of the basis is called by its note's number.
    quakes = next(n for n, text in by_number.items() if "Monthly volcano bulletin" in text)
    assert note.startswith(f"Basis: note {quakes}, and facts from ")


def test_a_work_another_note_names_is_named_as_that_note_names_it(run, judged):
    md = run("--facts-dir", judged, "brief", "-t", "unrest", "-f", "md").stdout
    # "The unrest will very likely continue" rests on the alert, a fact of the response
    # from the radio's news, which the note of another fact on the page names already.
    call = re.search(r"continue through the winter\. \*High confidence\.\*\[\^(\d+)\]", md)
    assert call, md
    note = notes(md)[call[1]]
    assert note.endswith("and facts from “Morning news”.")
    assert any("cited in “Morning news”" in text for text in notes(md).values())
