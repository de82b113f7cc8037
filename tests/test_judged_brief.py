"""The analytic brief: a bottom line and key judgments first, in every format; the
presentation rules an analyst signs for (the better-supported side of a contradiction
first, no value without its spread, dates, a source summary statement, a cut-off date,
a running head)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JUDGMENTS = """\
- id: pact-holds
  themes: [security, trade]
  date: 2025-02
  text:
    en: "The pact will likely hold through 2025, as both governments keep investing in it."
    fr: "Le pacte tiendra probablement en 2025, car les deux gouvernements continuent d'y investir."
  likelihood: likely
  confidence: moderate
  basis: [pact-signed, troops-12000, drills-announced]
  priority: 1
- id: sanctions-keep-leaking
  themes: [trade]
  text:
    en: "Sanctions on Eastland will very likely keep leaking through the pact."
    fr: "Les sanctions contre l'Estland continueront très probablement de fuir par le pacte."
  likelihood: very-likely
  confidence: low
  basis: [sanctions-evaded]
- id: clause-is-political
  themes: [security]
  text:
    en: "The defence clause reads as a political signal more than a binding promise."
    fr: "La clause de défense se lit comme un signal politique plus qu'une promesse ferme."
  confidence: low
  basis: [clause-automatic, clause-not-automatic]
"""

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@pytest.fixture
def judged(pact_copy: Path) -> Path:
    """The pact base with three judgments of its analysts."""
    (pact_copy / "judgments.yaml").write_text(JUDGMENTS, encoding="utf-8")
    return pact_copy


def brief(run, base, *args) -> str:
    result = run("--facts-dir", base, "brief", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def pdf_text(path: Path, *pages: int) -> str:
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", *first_last, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_judged_base_is_valid(run, judged):
    result = run("--facts-dir", judged, "validate")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_markdown_opens_with_the_bottom_line_then_the_key_judgments(run, judged):
    md = brief(run, judged, "-f", "md")
    body = md[md.index("\n\n", md.index("\n\n") + 1) :]  # after the title and byline
    assert body.lstrip().startswith(
        "**Bottom line:** The pact will **likely** hold through 2025, as both governments keep"
        " investing in it. *Moderate confidence.*[^1]"
    )
    # The key judgments, each with its likelihood term and confidence, before the facts.
    judgments = md.index("## Key judgments")
    assert judgments < md.index("## Key points")
    assert "Sanctions on Eastland will **very likely** keep leaking through the pact." in md
    assert "*Low confidence.*" in md
    # A judgment that is not a probability states its confidence alone.
    assert "- The defence clause reads as a political signal more than a binding promise." in md
    # One note each, citing the notes of the facts the judgment rests on.
    data = json.loads(brief(run, judged, "-f", "json"))
    fact_notes = {n["fact"]: n["number"] for n in data["notes"] if not n["judgment"]}
    basis = ("pact-signed", "troops-12000", "drills-announced")
    expected = sorted(fact_notes[f] for f in basis if f in fact_notes)
    note = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", md, re.M))["1"]
    assert note.startswith("Basis: notes ")
    # Said once, for every judgment: they are the analysts' own, not a source's words.
    assert "Judgments: the analysts’ own." in md
    assert sorted(int(n) for n in re.findall(r"\d+", note)) == expected
    # The likelihood terms used are explained, with their bands and the yardstick.
    assert "Likelihood (ICD 203): likely 55–80" in md


def test_a_brief_of_one_theme_is_titled_by_it_and_dated(run, judged):
    md = brief(run, judged, "-f", "md", "-t", "security")
    assert md.startswith("# Security cooperation\n\nThe Northland–Eastland pact · 1 December 2025")
    # The information cut-off date: the latest date of the facts shown.
    assert "Information cut-off: January 2025" in md
    # A theme's own bottom line first: a judgment on the theme alone comes before one
    # that is also on another theme of the base.
    data = json.loads(brief(run, judged, "-f", "json", "-t", "security"))
    assert [j["id"] for j in data["judgments"]] == ["pact-holds", "clause-is-political"]


def test_json_schema_3_carries_the_judgments_summary_statement_and_cutoff(run, judged):
    data = json.loads(brief(run, judged, "-f", "json"))
    assert data["schema"] == 3
    assert data["cutoff"] == "2025-02"
    assert data["yardstick"] == "icd-203"
    first = data["judgments"][0]
    assert first["id"] == "pact-holds"
    assert first["likelihood"] == {"term": "likely", "name": "likely", "low": 55, "high": 80}
    assert first["confidence"] == "moderate"
    assert first["basis"] == ["pact-signed", "troops-12000", "drills-announced"]
    note = data["notes"][first["note"] - 1]
    assert note["judgment"] is True and note["fact"] == "pact-holds"
    summary = data["summary"]
    assert summary["statement"].startswith("Sources by kind:")
    assert "second-hand" in summary["statement"]
    assert summary["reliability"] == ["B", "C"] and summary["credibility"] == [2, 4]
    # The thinnest basis: the judgment resting on one fact graded 3.
    thinnest = data["judgments"][
        [j["id"] for j in data["judgments"]].index("sanctions-keep-leaking")
    ]
    assert summary["thinnest"]["note"] == thinnest["note"]
    assert f"judgment of note {thinnest['note']}" in summary["statement"]


def test_french_brief_states_the_judgments_in_french(run, judged):
    md = brief(run, judged, "-f", "md", "--lang", "fr")
    assert "**En bref\u00a0:**" in md or "**En bref:**" in md
    assert "Le pacte tiendra **probablement** en 2025" in md
    assert "*Confiance modérée.*" in md
    assert "## Jugements clés" in md
    assert "Fondement\u00a0: notes" in md
    assert "Jugements\u00a0: ceux des analystes." in md


def test_terminal_and_html_state_likelihood_and_confidence(run, judged):
    term = flat(brief(run, judged, "-f", "term", "--width", "100"))
    assert "BOTTOM LINE The pact will likely hold through 2025" in term
    assert "Moderate confidence." in term and "Low confidence." in term
    html = brief(run, judged, "-f", "html")
    assert (
        'Bottom line</span> The pact will <strong class="likelihood">likely</strong> hold' in html
    )
    assert '<strong class="likelihood">very likely</strong>' in html
    assert '<span class="confidence">Low confidence.</span>' in html


@needs_poppler
def test_pdf_opens_with_the_bottom_line_and_its_terms(run, judged, tmp_path):
    target = tmp_path / "b.pdf"
    brief(run, judged, "-o", target)
    text = flat(pdf_text(target))
    assert text.index("BOTTOM LINE") < text.index("KEY JUDGMENTS") < text.index("KEY POINTS")
    assert "The pact will likely hold through 2025" in text
    assert "Moderate confidence." in text
    assert "very likely" in text and "Low confidence." in text


def test_docx_states_the_judgments_with_a_footnote_each(run, judged, tmp_path):
    pytest.importorskip("docx")
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    target = tmp_path / "b.docx"
    brief(run, judged, "-o", target)
    md = subprocess.run(
        ["pandoc", str(target), "-t", "plain", "--wrap=none"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    # The run-in label is set in capitals by its style: its text is as written.
    assert "Bottom line The pact will likely hold through 2025" in md
    assert "Moderate confidence.[1]" in md
    assert "Key judgments" in md.splitlines()[md.splitlines().index("Key judgments")]


def test_mail_carries_the_judgments_in_both_parts(run, judged):
    eml = brief(run, judged, "-f", "eml", "--to", "desk@example.org", "--from", "b@example.org")
    import email

    message = email.message_from_string(eml)
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    assert "BOTTOM LINE: The pact will likely hold" in parts["text/plain"]
    assert re.search(r'<strong class="likelihood"[^>]*>likely</strong>', parts["text/html"])


def test_a_base_without_judgments_has_no_judgment_section(run, pact, tmp_path):
    for fmt in ("md", "term", "html", "json"):
        out = brief(run, pact, "-f", fmt)
        assert "Bottom line" not in out and "Key judgments" not in out, fmt
        assert "BOTTOM LINE" not in out, fmt
    assert json.loads(brief(run, pact, "-f", "json"))["judgments"] == []


def test_contradictions_put_the_better_supported_side_first_with_grades(run, pact):
    md = brief(run, pact, "-f", "md")
    # clause-automatic is graded B3, clause-not-automatic C4: the first leads.
    section = md[md.index("## Contradictions") :]
    assert re.search(r"^- .*The pact’s assistance clause is automatic\. \\\[B3\\\]", section, re.M)
    assert re.search(r"^  - \*versus:\* Assistance under the pact .*\\\[C4\\\]", section, re.M)
    term = brief(run, pact, "-f", "term", "--width", "160")
    assert re.search(r"automatic\.\s\[B3\]¹ +versus +Assistance under the pact", term)
    assert "political decision. [C4]" in flat(term)
    html = brief(run, pact, "-f", "html")
    assert '<span class="side-grade">[B3]</span>' in html
    assert '<span class="side-grade">[C4]</span>' in html


def test_the_lower_graded_side_never_comes_first(run, pact_copy):
    # Swap the grades: the other side now leads.
    path = pact_copy / "items" / "security.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "credibility: 3\n  priority: 1\n  added", "credibility: 5\n  priority: 1\n  added"
    )
    path.write_text(text.replace("  credibility: 4\n", "  credibility: 2\n", 1), encoding="utf-8")
    data = json.loads(brief(run, pact_copy, "-f", "json"))
    pair = data["contradictions"][0]
    assert pair["left"]["fact"] == "clause-not-automatic", pair


def test_a_value_is_shown_with_the_other_estimates_each_with_its_note(run, pact):
    from briefgen import store
    from briefgen.brief import build_brief
    from briefgen.renderers.markdown import render_markdown

    # Both estimates on the page: the table shows them, nothing is listed beside a value.
    data = json.loads(brief(run, pact, "-f", "json", "-t", "security"))
    rows = [r["fact"] for e in data["estimates"] for r in e["rows"]]
    assert {"troops-12000", "troops-8000-10000"} <= set(rows)
    assert all(r["spread"] is None for e in data["estimates"] for r in e["rows"])
    assert all(e["beside"] is None for e in data["estimates"])
    # One of them left out to fit: the other is stated with it beside, dated, with its note.
    base = store.load(pact)
    kept = [f for f in base.facts if f.id != "troops-8000-10000"]
    shown = build_brief(base, kept, ("security",), omitted=[base.fact("troops-8000-10000")])
    (item,) = [i for i in shown.key_points if i.fact.id == "troops-12000"]
    assert str(item.spread) == "other estimate: 8,000–10,000 (2024)"
    (other,) = item.spread.others
    assert other.item.note == item.note + 1
    assert "troops-8000-10000" in {f.id for f in shown.facts}
    assert not shown.omitted
    md = render_markdown(shown).replace("\\", "")
    assert f"[^{item.note}] [other estimate: 8,000–10,000 (2024)[^{other.item.note}]]" in md
    assert f"[^{other.item.note}]:" in md


def test_beside_a_value_the_lowest_highest_and_latest_of_many_estimates(pact_copy):
    """Of more than three other estimates, the lowest, the highest and the latest are
    listed beside the value, and the brief says how many more the selection holds."""
    from briefgen import store
    from briefgen.brief import build_brief
    from briefgen.renderers.markdown import render_markdown

    path = pact_copy / "items" / "security.yaml"
    extra = "".join(
        f"""
- id: troops-extra-{n}
  kind: figure
  themes: [security]
  date: 2024-0{month}
  text: {{en: "Another count put the troops at {n}.", fr: "Un autre compte : {n}."}}
  sources:
    - {{ref: anon-news, locator: "§9", quote: "{n} soldats"}}
  credibility: 3
  quantity: {{measure: troops-deployed, value: {n}, unit: soldiers}}
  priority: 3
  added: 2025-03-01
"""
        for n, month in ((500, 1), (4000, 2), (20000, 3), (7000, 5), (6000, 4))
    )
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    base = store.load(pact_copy)
    others = [
        f
        for f in base.facts
        if f.quantity and f.quantity.measure == "troops-deployed" and f.id != "troops-12000"
    ]
    kept = [f for f in base.facts if f not in others]
    shown = build_brief(base, kept, ("security",), omitted=others)
    (item,) = [i for i in shown.key_points if i.fact.id == "troops-12000"]
    # 500 the lowest, 20,000 the highest, 7,000 (May 2024) the latest; by date.
    assert str(item.spread).replace("\u00a0", " ") == (
        "other estimates: 500 (Jan 2024); 20,000 (Mar 2024); 7,000 (May 2024) and 3 more"
    )
    assert [o.item.note for o in item.spread.others] == [
        item.note + 1,
        item.note + 2,
        item.note + 3,
    ]
    assert "and 3 more]" in render_markdown(shown).replace("\\", "")
    # The three not listed are left out, and said to be.
    assert {f.id for f in shown.omitted} == {
        "troops-8000-10000",
        "troops-extra-4000",
        "troops-extra-6000",
    }


def test_bullets_show_their_dates(run, pact):
    md = brief(run, pact, "-f", "md", "-t", "security")
    assert "- *12\u00a0Jun\u00a02024* Northland and Eastland signed a mutual defence pact." in md


@needs_poppler
def test_pages_after_the_first_carry_a_running_head(run, tmp_path):
    target = tmp_path / "b.pdf"
    result = run("brief", "-t", "military", "--pages", "2", "-o", target)  # the shipped base
    assert result.exit_code == 0, result.stderr
    info = subprocess.run(["pdfinfo", target], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M)
    first, second = pdf_text(target, 1), pdf_text(target, 2)
    assert "Page 1 of 2" not in first
    assert "Military cooperation · 1 December 2025" in second
    assert "Page 2 of 2" in second


def test_changed_since_lists_changed_judgments_old_and_new(run, judged, tmp_path):
    before = tmp_path / "before"
    shutil.copytree(judged, before)
    path = judged / "judgments.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "very likely keep leaking through the pact.", "likely keep leaking through the pact."
    ).replace("continueront très probablement", "continueront probablement")
    text = text.replace("likelihood: very-likely", "likelihood: likely")
    path.write_text(text, encoding="utf-8")
    data = json.loads(brief(run, judged, "-f", "json", "--changed-since", before))
    (changed,) = data["judgments"]
    assert changed["id"] == "sanctions-keep-leaking" and changed["status"] == "changed"
    assert changed["previous"]["likelihood"] == "very-likely"
    assert changed["likelihood"]["term"] == "likely"
    md = brief(run, judged, "-f", "md", "--changed-since", before)
    assert "Previously: Sanctions on Eastland will very likely keep leaking" in md
