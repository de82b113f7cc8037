"""Fact text full of Markdown, HTML and Jinja syntax is shown as written, never interpreted."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

HOSTILE = "Costs rose [^1] <script>alert(1)</script> {{ x }} {% if %} | *bold* _it_ ~s~ $x$ @key #tag & &amp;"


@pytest.fixture
def hostile_base(pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    text = path.read_text()
    # JSON strings are valid YAML double-quoted scalars: the text arrives exactly as written.
    text = text.replace(
        "Trade between the two countries reached 1.5 billion dollars.", json.dumps(HOSTILE)
    )
    text = text.replace(
        "The pact helps Eastland evade international sanctions.",
        json.dumps("- 1. > # The pact helps Eastland evade international sanctions."),
    )
    path.write_text(text, encoding="utf-8")
    return pact_copy


def test_markdown_escapes_everything(run, hostile_base):
    md = run("--facts-dir", hostile_base, "brief", "-f", "md", "-t", "trade").stdout
    line = next(line for line in md.splitlines() if "Costs rose" in line)
    assert line == (
        r"- *2024* Costs rose \[\^1\] \<script\>alert(1)\</script\> \{\{ x \}\} \{% if %\} \| \*bold\* "
        r"\_it\_ \~s\~ \$x\$ \@key \#tag & \&amp;[^1]"
    )
    assert r"\- 1. \> \# The pact helps" in md


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("flavour", ["markdown", "gfm"])
def test_pandoc_reads_the_hostile_text_literally(run, hostile_base, flavour):
    md = run("--facts-dir", hostile_base, "brief", "-f", "md", "-t", "trade").stdout
    html = subprocess.run(
        ["pandoc", "-f", flavour, "-t", "html", "--wrap=none"],
        input=md,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ x }} {% if %} | *bold* _it_ ~s~ $x$ @key #tag &amp; &amp;amp;" in html
    # the note calls are the brief's own, one per note, nothing from the fact text
    calls = re.findall(r'href="#fn(\d+)"', html)
    notes = re.findall(r'id="fn(\d+)"', html)
    assert calls == notes == [str(n) for n in range(1, len(notes) + 1)]


def test_json_keeps_the_text_verbatim(run, hostile_base):
    data = json.loads(run("--facts-dir", hostile_base, "brief", "-f", "json", "-t", "trade").stdout)
    assert data["key_points"][0]["text"] == HOSTILE


def test_terminal_prints_markup_literally(run, hostile_base):
    text = run(
        "--facts-dir", hostile_base, "brief", "-f", "term", "--width", "200", "-t", "trade"
    ).stdout
    assert HOSTILE + "¹" in text


FORMULAS = [
    '=HYPERLINK("https://example.org/x","click")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
]


def test_csv_cells_never_start_a_spreadsheet_formula(run, pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    text = path.read_text()
    text = text.replace(
        "Trade between the two countries reached 1.5 billion dollars.", json.dumps(FORMULAS[0])
    )
    text = text.replace(
        "Les échanges entre les deux pays ont atteint 1,5 milliard de dollars.",
        json.dumps(FORMULAS[1]),
    )
    text = text.replace("unit: USD", f"unit: {json.dumps(FORMULAS[2])}")
    text = text.replace(
        "The pact helps Eastland evade international sanctions.", json.dumps(FORMULAS[3])
    )
    path.write_text(text, encoding="utf-8")
    result = run("--facts-dir", pact_copy, "facts", "-f", "csv", "-t", "trade")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # the text is kept, behind a quote mark that spreadsheets show as text
    assert "'" + FORMULAS[0] in cells
    assert "'" + FORMULAS[2] in cells
    assert "'" + FORMULAS[3] in cells
    assert "'" + FORMULAS[1] in cells
