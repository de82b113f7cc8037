"""Values no brief can hold: noncharacters, numbers out of range, and the same characters
given on the command line instead of in a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TRADE = "items/trade.yaml"
TEXT = "en: Trade between the two countries reached 1.5 billion dollars."
VALUE = "value: 1500000000"


def _replace(base: Path, name: str, old: str, new: str) -> None:
    path = base / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "problem"),
    [
        (TRADE, TEXT, 'en: "Trade\\uFFFE between"', 6, "text.en: U+FFFE is a noncharacter"),
        (TRADE, TEXT, 'en: "Trade\\uFFFF between"', 6, "text.en: U+FFFF is a noncharacter"),
        (TRADE, TEXT, 'en: "Trade\\uFDD0 between"', 6, "text.en: U+FDD0 is a noncharacter"),
        (TRADE, TEXT, 'en: "Trade\\U0010FFFF"', 6, "text.en: U+10FFFF is a noncharacter"),
        (TRADE, '"§3"', '"§3\\uFFFE"', 9, "sources.locator: U+FFFE is a noncharacter"),
        (TRADE, 'quote: "1,5', 'quote: "\\uFFFF1,5', 9, "sources.quote: U+FFFF is a noncharacter"),
        (TRADE, VALUE, "value: 1" + "0" * 400, 11, "quantity.value: a quantity must be at most"),
        (TRADE, VALUE, "value: -1" + "0" * 16, 11, "quantity.value: a quantity must be at most"),
        (TRADE, VALUE, "low: 1" + "0" * 300 + ".0", 11, "quantity.low: a quantity must be at most"),
    ],
)
def test_what_no_brief_can_hold_is_refused_at_its_line(
    pact_copy, run, name, old, new, line, problem
):
    _replace(pact_copy, name, old, new)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3, result.output
    assert f"{pact_copy}/{name}:{line}: trade-volume: {problem}" in result.stdout
    # Every command refuses it the same way; none ends in an internal error.
    result = run("--facts-dir", pact_copy, "brief", "-f", "docx", "-o", pact_copy / "x.docx")
    assert result.exit_code == 3 and "internal error" not in result.stderr, result.stderr
    assert f"{name}:{line}: trade-volume:" in result.stderr
    assert not (pact_copy / "x.docx").exists()


def test_a_quantity_up_to_2_53_is_kept(pact_copy, run):
    _replace(pact_copy, TRADE, VALUE, f"value: {2**53}")
    result = run("--facts-dir", pact_copy, "facts", "--format", "json", "-t", "trade")
    assert result.exit_code == 0, result.stderr
    assert str(2**53) in result.stdout


def test_a_noncharacter_in_a_source_name_is_refused(pact_copy, run):
    _replace(pact_copy, "sources.yaml", "{family: Moreau,", '{family: "Mor\\uFFFEeau",')
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert f"{pact_copy}/sources.yaml:4: moreau-2025: author.family: U+FFFE" in result.stdout


@pytest.mark.parametrize("text", ["Rep\ufffeort", "Rep\ud800ort"])
def test_an_imported_title_with_no_text_in_it_is_a_problem_at_its_line(
    pact_copy, tmp_path, run, text
):
    library = tmp_path / "library.json"
    library.write_text(json.dumps([{"id": "new", "type": "report", "title": text}]))
    result = run("--facts-dir", pact_copy, "sources", "import", library)
    assert result.exit_code == 3, result.stderr
    code = f"U+{ord(text[3]):04X}"
    assert result.stderr.startswith(f"{library}:1: new: title: {code} is a ")


@pytest.mark.parametrize("option", ["--title", "--subtitle", "--marking", "--author", "--subject"])
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a\x1b]0;owned\x07", "U+001B"),  # retitles a terminal
        ("a\x01b", "U+0001"),  # breaks a Word brief
        ("a\u2028b", "U+2028"),  # a line break in a mail header
        ("a\u202eb", "U+202E"),  # reverses what follows, in every format
        ("a\nb", "U+000A"),
        ("a\ufffeb", "U+FFFE"),
    ],
)
def test_a_string_of_the_command_line_is_checked_as_one_of_a_file(
    pact, tmp_path, run, option, value, code
):
    out = tmp_path / "brief.docx"
    mail = ["--to", "desk@example.org", "--from", "me@example.org"]
    fmt = ["-f", "eml", *mail] if option == "--subject" else ["-f", "docx"]
    result = run("--facts-dir", pact, "brief", *fmt, option, value, "-o", out)
    assert result.exit_code == 2, result.stderr
    assert f"Invalid value for '{option}': character {code} is not allowed" in result.stderr
    assert "\x1b" not in result.stderr and value not in result.stderr
    assert not out.exists()


def test_a_string_of_the_command_line_that_is_not_utf_8_is_refused(pact, tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "brief.md"
    command = [sys.executable, "-m", "briefgen", "--facts-dir", str(pact), "brief"]
    result = subprocess.run(
        [*(os.fsencode(a) for a in command), b"--title", b"caf\xe9", b"-o", os.fsencode(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert "Invalid value for '--title': not valid UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_serve_checks_its_strings_too(pact):
    import subprocess
    import sys

    command = [sys.executable, "-m", "briefgen", "--facts-dir", str(pact), "serve"]
    # Without the check, the server would start: the timeout ends the test then.
    result = subprocess.run(
        [*command, "--port", "0", "--marking", "x\x1b[2J"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "Invalid value for '--marking': character U+001B is not allowed" in result.stderr
