"""brief: formats, languages, output files, exit codes, reproducibility."""

from __future__ import annotations

import json
import os
import re

import pytest

from briefgen.errors import OutputError

DATE = ("--date", "2025-12-01")


def test_json_brief_matches_golden(run, pact, golden):
    result = run("--facts-dir", pact, "brief", "-f", "json", *DATE)
    assert result.exit_code == 0
    golden("pact-brief-en.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["schema"] == 3
    # every note number called somewhere is defined once, in order: one per statement
    called = [item["note"] for item in _items(data) if not item["repeated"]]
    assert (
        sorted(called)
        == [note["number"] for note in data["notes"]]
        == list(range(1, len(called) + 1))
    )


def _items(data):
    yield from data["key_points"]
    for section in data["sections"]:
        yield from section["items"]
    for group in data["estimates"]:
        yield from group["rows"]
    for pair in data["contradictions"]:
        yield pair["left"]
        yield pair["right"]


def test_brief_structure(run, pact):
    data = json.loads(run("--facts-dir", pact, "brief", "-f", "json").stdout)
    listing = json.loads(run("--facts-dir", pact, "facts", "-f", "json").stdout)["facts"]
    item_sources = {f["id"]: f["sources"] for f in listing}
    assert [i["fact"] for i in data["key_points"]] == [
        "clause-automatic",
        "troops-12000",
        "trade-volume",
    ]
    assert [s["theme"] for s in data["sections"]] == ["security", "trade"]
    # a fact shown as a key point, estimate or contradiction is not repeated as a bullet
    section_facts = [i["fact"] for s in data["sections"] for i in s["items"]]
    assert section_facts == ["pact-signed", "drills-announced", "sanctions-evaded"]
    (group,) = data["estimates"]
    assert group["measure"] == "troops-deployed"
    assert [(r["display"], r["as_of"], r["source"]) for r in group["rows"]] == [
        ("8,000–10,000", "2024", "Northland Intelligence Service"),
        ("12,000", "October 2024", "Wire Agency"),
    ]
    (pair,) = data["contradictions"]
    assert (pair["left"]["fact"], pair["right"]["fact"]) == (
        "clause-automatic",
        "clause-not-automatic",
    )
    assert data["summary"]["total"] == 4
    # one note per statement, citing each of its sources with its chain and grade
    assert [len(n["references"]) for n in data["notes"]] == [
        len(item_sources[i["fact"]]) for i in _items(data) if not i["repeated"]
    ]
    (reference,) = data["notes"][1]["references"]
    assert (reference["source"], reference["via"], reference["grade"]) == (
        "moreau-2025",
        ["wire"],
        "B3",
    )


def test_contradiction_is_shown_even_when_the_other_side_is_not_selected(run, pact):
    data = json.loads(run("--facts-dir", pact, "brief", "-f", "json", "--until", "2024-06").stdout)
    (pair,) = data["contradictions"]
    assert pair["right"]["fact"] == "clause-not-automatic"  # undated, so not selected itself


def test_french_brief(run, pact):
    md = run("--facts-dir", pact, "brief", "-f", "md", "--lang", "fr", *DATE).stdout
    # The whole base: the title names it, the byline lists no themes but gives the date of
    # the latest information shown.
    assert md.startswith(
        "# Le pacte Nordland–Estland\n\n1er décembre 2025 · "
        "Date limite de l’information\u00a0: février 2025 · "
    )
    assert "## Points clés" in md
    # a key point that is also a competing estimate calls the note it already has
    assert "| 12\u202f000 | octobre 2024 | Wire Agency² |" in md
    assert "cité dans" in md


def test_terminal_format_is_plain_text_when_not_a_terminal(run, pact):
    result = run("--facts-dir", pact, "brief", "-f", "term", "--width", "70", "-t", "security")
    assert result.exit_code == 0
    text = result.stdout
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 70
    assert "The pact’s assistance clause is automatic.¹" in text
    assert re.search(r"^ *1\. Moreau, Pacte Nordland–Estland", text, flags=re.M)


def test_default_format_when_piped_is_markdown(run, pact):
    assert run("--facts-dir", pact, "brief").stdout.startswith("# The Northland–Eastland pact\n")


def test_output_file_format_from_extension_and_atomic_write(run, pact, tmp_path):
    target = tmp_path / "brief.json"
    result = run("--facts-dir", pact, "brief", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["schema"] == 3
    assert os.listdir(tmp_path) == ["brief.json"]  # no temporary file left behind


def test_unknown_output_extension_is_a_usage_error_unless_the_format_is_given(run, pact, tmp_path):
    target = tmp_path / "brief.pfd"  # a typo of .pdf
    result = run("--facts-dir", pact, "brief", "-o", target)
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen: error: cannot tell the format of 'brief.pfd'")
    assert ".md, .markdown, .txt, .json, .html, .htm, .pdf, .docx, .eml" in result.stderr
    assert "-f" in result.stderr and len(result.stderr.splitlines()) == 1
    assert os.listdir(tmp_path) == []  # nothing written
    # -f says what the file is
    forced = run("--facts-dir", pact, "brief", "-f", "md", "-o", target)
    assert forced.exit_code == 0
    assert target.read_text().startswith("# The Northland–Eastland pact\n")


def test_same_inputs_give_byte_identical_output(run, pact):
    for fmt in ("md", "json", "term"):
        first = run("--facts-dir", pact, "brief", "-f", fmt, *DATE).stdout
        second = run("--facts-dir", pact, "brief", "-f", fmt, *DATE).stdout
        assert first == second


def test_source_date_epoch_sets_the_date(run, pact, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert "14 November 2023 ·" in run("--facts-dir", pact, "brief", "-f", "md").stdout


def test_unwritable_output_is_a_one_line_error(run, pact, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file\n")
    target = blocker / "brief.md"
    result = run("--facts-dir", pact, "brief", "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"briefgen: error: cannot write {target}: Not a directory\n"
    assert blocker.read_text() == "a file\n"


def test_output_into_a_missing_directory(run, pact, tmp_path):
    target = tmp_path / "missing" / "brief.md"
    result = run("--facts-dir", pact, "brief", "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"briefgen: error: cannot write {target}: No such file or directory\n"
    assert not target.parent.exists()


def test_failed_render_leaves_existing_file_untouched(run, pact, tmp_path, monkeypatch):
    target = tmp_path / "brief.md"
    target.write_text("old brief\n")

    def explode(*args, **kwargs):
        raise OutputError("disk full")

    monkeypatch.setattr("briefgen.output.os.replace", explode)
    result = run("--facts-dir", pact, "brief", "-o", target)
    assert result.exit_code == 1
    assert result.stderr == "briefgen: error: disk full\n"
    assert target.read_text() == "old brief\n"
    assert sorted(os.listdir(tmp_path)) == ["brief.md"]


def test_empty_selection_exits_4_unless_allowed(run, pact):
    empty = run("--facts-dir", pact, "brief", "--new-since", "2030-01-01")
    assert (empty.exit_code, empty.stdout) == (4, "")
    assert empty.stderr == "briefgen: error: nothing added to the fact base since 2030-01-01\n"
    quiet = run("--quiet", "--facts-dir", pact, "brief", "--new-since", "2030-01-01")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (4, "", "")
    allowed = run(
        "--facts-dir", pact, "brief", "--new-since", "2030-01-01", "--allow-empty", "-f", "md"
    )
    assert allowed.exit_code == 0
    assert "Nothing new." in allowed.stdout  # a --new-since digest with nothing in it


def test_unexpected_error_is_one_line_unless_debug(run, pact, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("briefgen.brief.build_brief", broken)
    result = run("--facts-dir", pact, "brief", "-f", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        "briefgen: error: internal error: RuntimeError: boom (run with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError):
        run("--debug", "--facts-dir", pact, "brief", "-f", "md")


def test_date_needs_a_day(run, pact):
    result = run("--facts-dir", pact, "brief", "--date", "2025-12")
    assert result.exit_code == 2
    assert "--date needs a full date" in result.stderr


def test_relative_dates(run, pact, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741392000")  # 2025-03-08
    result = run("--facts-dir", pact, "facts", "-f", "jsonl", "--new-since", "1w")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "clause-not-automatic",
        "troops-8000-10000",
        "drills-announced",
        "sanctions-evaded",
    ]


@pytest.mark.parametrize("fmt, name", [("pdf", "a PDF"), ("docx", "a Word document")])
def test_binary_formats_are_refused_on_a_terminal(pact, fmt, name):
    from click.testing import CliRunner

    from briefgen.cli import cli
    from briefgen.environment import Environment

    # Standard output on a terminal, as the environment a run starts in says.
    terminal = Environment(stdout_isatty=True)
    result = CliRunner().invoke(cli, ["--facts-dir", str(pact), "brief", "-f", fmt], obj=terminal)
    assert result.exit_code == 2
    assert f"refusing to write {name} to the terminal" in result.stderr


def test_measures_name_their_unit_in_each_language(run, pact_copy):
    (pact_copy / "measures.yaml").write_text(
        "- id: troops-deployed\n"
        "  title: {en: Troops deployed, fr: Troupes déployées}\n"
        "  unit: {en: soldiers, fr: soldats}\n"
    )
    french = run("--facts-dir", pact_copy, "brief", "-f", "md", "--lang", "fr").stdout
    assert "### Troupes déployées (soldats)" in french
    english = run("--facts-dir", pact_copy, "brief", "-f", "md").stdout
    assert "### Troops deployed (soldiers)" in english
