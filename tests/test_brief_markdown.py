"""The Markdown brief: what an analyst pipes into pandoc or pastes into a wiki."""

from __future__ import annotations

import re


def test_brief_markdown_matches_golden(run, pact, golden):
    result = run("--facts-dir", pact, "brief", "--format", "md", "--date", "2025-12-01")
    assert result.exit_code == 0, result.stderr
    golden("pact-brief-en.md", result.stdout)


def test_every_note_marker_has_exactly_one_definition(run, pact):
    result = run("--facts-dir", pact, "brief", "-f", "md")
    body, _, notes = result.stdout.partition("\n[^1]:")
    called = re.findall(r"\[\^(\d+)\](?!:)", body)
    defined = re.findall(r"^\[\^(\d+)\]:", "[^1]:" + notes, flags=re.M)
    assert called == [str(n) for n in range(1, len(called) + 1)]
    assert defined == called
