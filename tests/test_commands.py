"""themes, facts, sources, schema, --version: the listing commands, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("briefgen ")


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "Usage: briefgen" in result.stdout
    assert "brief" in result.stdout and "validate" in result.stdout


def test_themes_table_lists_counts(run, pact):
    result = run("--facts-dir", pact, "themes")
    assert result.exit_code == 0
    lines = {
        line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[1:] if line.strip()
    }
    assert lines == {"security": "6", "trade": "2", "law": "2"}


def test_themes_json_and_french_titles(run, pact):
    result = run("--facts-dir", pact, "themes", "--format", "json", "--lang", "fr")
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    assert [t["id"] for t in data["themes"]] == ["security", "trade", "law"]
    assert data["themes"][0]["title"] == "Coopération de sécurité"


def test_themes_markdown(run, pact):
    result = run("--facts-dir", pact, "themes", "--format", "md")
    assert "| `trade` | Trade and sanctions | 2 |" in result.stdout


def test_facts_json_holds_the_fact_format(run, pact):
    result = run("--facts-dir", pact, "facts", "--format", "json", "--theme", "trade")
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    assert [f["id"] for f in data["facts"]] == ["trade-volume", "sanctions-evaded"]
    figure = data["facts"][0]
    assert figure["date"] == "2024"
    assert figure["quantity"] == {"measure": "bilateral-trade", "value": 1500000000, "unit": "USD"}
    assert figure["text"]["fr"].startswith("Les échanges")


def test_facts_jsonl_streams_one_fact_per_line(run, pact):
    result = run("--facts-dir", pact, "facts", "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 8
    assert json.loads(lines[0])["id"] == "pact-signed"


def test_facts_csv(run, pact):
    result = run("--facts-dir", pact, "facts", "--format", "csv", "--kind", "figure")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["troops-12000", "troops-8000-10000", "trade-volume"]
    assert rows[0]["sources"] == "moreau-2025 (via wire)"
    assert rows[1]["value"] == "8000-10000"
    assert rows[0]["text_fr"].startswith("Environ 12 000")


def test_facts_filters_combine(run, pact):
    def ids(*args):
        result = run("--facts-dir", pact, "facts", "--format", "jsonl", *args)
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]

    assert ids("--since", "2024-10", "--until", "2024-12") == [
        "troops-12000",
        "troops-8000-10000",
        "trade-volume",
    ]
    assert ids("--source", "intel") == ["troops-8000-10000"]
    assert ids("--new-since", "2025-02") == [
        "clause-not-automatic",
        "troops-8000-10000",
        "drills-announced",
        "sanctions-evaded",
    ]
    # accents and case are ignored: "echanges" finds "échanges"
    assert ids("--search", "ECHANGES") == ["trade-volume"]
    assert ids("-t", "law", "-t", "trade") == ["pact-signed", "trade-volume", "sanctions-evaded"]


def test_facts_markdown_and_table(run, pact):
    md = run("--facts-dir", pact, "facts", "--format", "md", "--kind", "event").stdout
    assert md == (
        "- **pact-signed** (event, 2024-06-12): Northland and Eastland signed a mutual defence pact."
        " \\[moreau-2025\\]\n"
    )
    table = run("--facts-dir", pact, "facts", "--kind", "event").stdout
    assert "pact-signed" in table and "\x1b[" not in table


def test_unknown_theme_is_a_usage_error_listing_known_themes(run, pact):
    result = run("--facts-dir", pact, "facts", "--theme", "militray")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == "briefgen: error: unknown theme 'militray'; known themes: security, trade, law\n"
    )


def test_nothing_matched_exits_4(run, pact):
    result = run("--facts-dir", pact, "facts", "--search", "no such words")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "no facts match" in result.stderr


def test_bad_date_option(run, pact):
    result = run("--facts-dir", pact, "facts", "--since", "2024-13")
    assert result.exit_code == 2
    assert "is not a date" in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("--since", "3000y"), ("--until", "99999999999d"), ("--new-since", "10" * 20 + "w")],
)
def test_a_relative_date_too_far_back_is_a_usage_error(run, pact, option, value):
    result = run("--facts-dir", pact, "facts", option, value)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '{option}': {value!r} is too far back: "
        "the earliest date is the year 1\n"
    )


def test_sources_listing(run, pact):
    table = run("--facts-dir", pact, "sources").stdout
    assert "moreau-2025" in table and "Northland Intelligence Service" in table
    data = json.loads(run("--facts-dir", pact, "sources", "--format", "json").stdout)
    by_id = {s["id"]: s for s in data["sources"]}
    assert by_id["moreau-2025"]["issued"] == "2025-02-03"
    assert by_id["intel"]["facts"] == 1
    assert "issued" not in by_id["anon-news"]  # unknown stays absent, never invented


def test_schema_describes_a_fact_file(run):
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["type"] == "array"
    fact = schema["$defs"]["Fact"]
    assert set(fact["required"]) == {"id", "kind", "themes", "text", "sources"}
    assert fact["additionalProperties"] is False


def test_unrelated_base_works_unchanged(run, fixtures):
    coffee = fixtures / "coffee"
    assert run("--facts-dir", coffee, "validate").exit_code == 0
    result = run("--facts-dir", coffee, "brief", "-f", "md", "-t", "harvest")
    assert result.exit_code == 0
    assert "## Harvests" in result.stdout
    # a note call, or (for a key point shown again) the number of the note it already has
    call = r"(\[\^\d+\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    assert re.search(rf"^\| 8 \| 2024 \| Growers’ Federation{call} \|$", result.stdout, re.M)
    assert re.search(rf"^\| 10 \| January 2025 \| Okafor & Lind{call} \|$", result.stdout, re.M)
    # a single-language base refuses other languages clearly
    french = run("--facts-dir", coffee, "brief", "--lang", "fr")
    assert french.exit_code == 2
    assert french.stderr == "briefgen: error: unknown language 'fr'; this fact base has: en\n"


def test_library_api_makes_a_brief_without_the_cli(pact):
    from briefgen import BriefOptions, Selection, build_brief, load, render, select_facts

    base = load(pact)
    facts = select_facts(base, Selection(themes=("trade",)))
    brief = build_brief(base, facts, ("trade",), BriefOptions(lang="fr"))
    text = render(brief, "md")
    assert isinstance(text, str)
    assert "## Commerce et sanctions" in text


def test_short_options_are_read_without_a_search_for_close_matches(pact):
    """``-t`` is tried as a long option first; that it is none costs no search for close
    matches (click's, through difflib), and every short option still works."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n"
        f"    cli.main(['--facts-dir', {str(pact)!r}, '-q', 'brief', '-t', 'security',"
        " '-f', 'json', '-l', 'fr'])\n"
        "except SystemExit as done:\n"
        "    print('difflib' in sys.modules, done.code, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stderr == "False 0\n", result.stderr
    brief = json.loads(result.stdout)
    assert brief["lang"] == "fr" and [t["id"] for t in brief["themes"]] == ["security"]


def test_an_unknown_option_is_still_told_and_a_long_one_gets_suggestions(run, pact):
    short = run("--facts-dir", pact, "brief", "-z")
    assert short.exit_code == 2 and "No such option '-z'" in short.stderr
    long = run("--facts-dir", pact, "brief", "--themee", "security")
    assert (
        long.exit_code == 2 and "Did you mean one of" in long.stderr and "'--theme'" in long.stderr
    )
    # An option's value that looks like a short option is its value.
    titled = run("--facts-dir", pact, "brief", "--title", "-t", "-t", "security", "-f", "md")
    assert titled.exit_code == 0 and titled.stdout.startswith("# \\-t")
