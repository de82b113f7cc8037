"""The HTML brief: a standalone web page, the same document as the PDF."""

from __future__ import annotations

import json
import re


def test_brief_html_matches_golden(run, pact, golden):
    result = run("--facts-dir", pact, "brief", "--format", "html", "--date", "2025-12-01")
    assert result.exit_code == 0, result.stderr
    # The page without its inline stylesheet, so that a change of style leaves it alone.
    head, style, rest = re.split(r"(?s)(<style>.*?</style>)", result.stdout, maxsplit=1)
    # the screen styles, inline, with their print block; not the PDF's running heads
    assert "--ink:" in style and "@media print" in style and "element(marking)" not in style
    golden("pact-brief-en.html", head + "<style>…</style>" + rest)


def test_html_is_chosen_by_the_output_extension(run, pact, tmp_path):
    result = run("--facts-dir", pact, "brief", "-o", tmp_path / "brief.html")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_the_page_is_standalone(run, pact):
    page = run("--facts-dir", pact, "brief", "-f", "html").stdout
    assert "<style>" in page
    assert not re.search(r"<(link|script|img)\b", page)
    assert "url(" not in page


def test_every_call_links_to_its_note_and_back(run, pact):
    page = run("--facts-dir", pact, "brief", "-f", "html").stdout
    brief = json.loads(run("--facts-dir", pact, "brief", "-f", "json").stdout)
    calls = re.findall(r'<a id="call-(\d+)" href="#note-(\d+)"', page)
    assert [int(call) for call, _ in calls] == [note["number"] for note in brief["notes"]]
    assert all(call == note for call, note in calls)
    notes = re.findall(r'<li id="note-(\d+)" value="\1">(.*?)</li>', page)
    assert [int(n) for n, _ in notes] == [note["number"] for note in brief["notes"]]
    for number, body in notes:
        assert f'<a class="back" href="#call-{number}"' in body


def test_fact_text_is_escaped_not_interpreted(run, fixtures):
    page = run("--facts-dir", fixtures / "edge", "brief", "-f", "html").stdout
    assert (
        "A leaflet read &lt;img src=&#34;file:///etc/passwd&#34;&gt; and {{ 7*7 }} "
        "and [^1] *stars*.&#8288;<sup" in page
    )
    assert "<img" not in page
    # Nothing evaluated {{ 7*7 }} (the charts' coordinates aside, which are numbers).
    assert "49" not in re.sub(r'(?:[xy][12]?|d|width|height|viewBox|textLength)="[^"]*"', "", page)
    assert "ㅈ (jieut)" in page
    assert "Сергей Шойгу" in page


def test_french_brief(run, pact):
    page = run("--facts-dir", pact, "brief", "-f", "html", "--lang", "fr").stdout
    assert '<html lang="fr">' in page
    assert "<h2>Points clés</h2>" in page
    assert 'aria-label="Retour au texte"' in page


def test_a_user_template_overrides_a_built_in_one_by_name(run, pact, tmp_path):
    (tmp_path / "screen.css").write_text("body { max-width: 30rem; }\n")
    page = run("--facts-dir", pact, "brief", "-f", "html", "--template", tmp_path).stdout
    assert "body { max-width: 30rem; }" in page
    assert "<h2>Key points</h2>" in page  # the built-in brief.html.j2 still makes the page

    (tmp_path / "brief.html.j2").write_text("<h1>{{ brief.title }}</h1>\n{{ label('notes') }}\n")
    page = run("--facts-dir", pact, "brief", "-f", "html", "--template", tmp_path).stdout
    assert page == "<h1>The Northland–Eastland pact</h1>\nNotes\n"


def test_templates_run_in_a_sandbox(run, pact, tmp_path):
    (tmp_path / "brief.html.j2").write_text("{{ brief.__class__.__mro__ }}\n")
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen: error: template brief.html.j2:1: ")
    assert "unsafe" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_template_error_names_the_template_and_line(run, pact, tmp_path):
    (tmp_path / "brief.html.j2").write_text("<p>\n{{ brief.no_such_field }}\n")
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen: error: template brief.html.j2:2: ")


def test_html_marks_a_digest_and_shows_the_bibliography(run, pact, pact_copy) -> None:
    (pact_copy / "items" / "trade.yaml").write_text("[]\n")
    path = pact_copy / "items" / "security.yaml"
    path.write_text(
        path.read_text().replace("joint drills for the spring", "joint drills for the summer")
    )
    result = run(
        "--facts-dir", pact_copy, "brief", "-f", "html", "--changed-since", pact, "--bibliography"
    )
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    assert '<em class="status">(changed)</em>' in html
    assert "<h2>Removed</h2>" in html
    assert "The pact helps Eastland evade international sanctions." in html
    assert "<h2>Bibliography</h2>" in html
    # only the work the shown (changed) fact cites is listed, in ISO 690 reference form
    assert '<p class="entry">MOREAU, Claire. <i>Le pacte Nordland–Estland' not in html
    assert '<p class="entry">Un pacte à haut risque. N.d.</p>' in html
