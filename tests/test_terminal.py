"""The terminal brief as a reader sees it: lines that break where a reader expects,
contradictions readable at any width, and stderr that says what happened."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from briefgen import (
    BriefOptions,
    BriefRecipe,
    RenderOptions,
    Selection,
    Terminal,
    load,
    produce,
    select_facts,
)
from briefgen.paths import package_data

# Escape codes: SGR styles and OSC 8 links.
ESCAPES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")
GRADE = r"\[[A-F][1-6]\]"
# A line that starts with a grade ("[C3]."), or with a number alone or followed by
# the grade that closed its locator ("8 [C3]."): the number was split from "para."
# on the line before.
SPLIT_START = re.compile(rf"^\s*(?:{GRADE}|\d+\s*{GRADE}|\d+[.,;]?$)")
# A line that ends with a locator's term: its number went to the next line.
SPLIT_END = re.compile(r"(?:\b(?:paras?|nn?|pp?|sec|chap|vol|art|fig)\.|§§?|\d+ and)$")


def _shipped_brief(width: int, color: bool, themes: tuple[str, ...], pages: int) -> list[str]:
    base = load(package_data("facts"), cache=False)
    selection = Selection(themes=themes)
    recipe = BriefRecipe(base, tuple(select_facts(base, selection)), themes, BriefOptions())
    options = RenderOptions(pages=pages, terminal=Terminal(width=width, color=color))
    return [
        ESCAPES.sub("", line) for line in str(produce(recipe, "term", options).data).split("\n")
    ]


@pytest.mark.parametrize("width", [60, 100])
@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
@pytest.mark.parametrize("themes, pages", [(("military",), 1), ((), 0)], ids=["military", "all"])
def test_no_line_splits_a_locator_or_a_grade_or_ends_in_spaces(width, color, themes, pages):
    lines = _shipped_brief(width, color, themes, pages)
    assert any(re.search(rf"para\.\s\d+\s{GRADE}", line) for line in lines)  # there are some
    for number, line in enumerate(lines, 1):
        assert not SPLIT_START.match(line), f"line {number} starts a split: {line!r}"
        assert not SPLIT_END.search(line), f"line {number} ends a split: {line!r}"
        assert line == line.rstrip(), f"line {number} ends in spaces: {line!r}"
        assert len(line) <= width, f"line {number} is wider than {width}: {line!r}"


def _contradictions(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith("Contradictions ─"))
    end = next(i for i, line in enumerate(lines[start + 1 :], start + 1) if "───" in line)
    return lines[start + 1 : end]


def test_contradictions_are_stacked_below_80_columns_and_side_by_side_from_80():
    narrow = _contradictions(_shipped_brief(60, False, ("military",), 1))
    # one side under the other: the first starts a bullet, the second a line of its own
    firsts = [i for i, line in enumerate(narrow) if line.startswith("• ")]
    versus = [i for i, line in enumerate(narrow) if line.startswith("  versus ")]
    assert firsts and len(firsts) == len(versus)
    assert all(f < v for f, v in zip(firsts, versus, strict=True))
    assert not any("   versus   " in line for line in narrow)
    wide = _contradictions(_shipped_brief(100, False, ("military",), 1))
    assert any(re.search(r"\S\s{3,}versus\s{3,}\S", line) for line in wide)


def _briefgen_on_a_terminal(args: list[str], cwd: Path, columns: int) -> tuple[int, str]:
    """Run briefgen with stderr on a terminal of ``columns`` (a made-up environment that
    says so); its exit code and stderr."""
    from click.testing import CliRunner

    from briefgen.cli import cli
    from briefgen.environment import Environment

    terminal = Environment(stderr_isatty=True, stderr_columns=columns)
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            cli, args, obj=terminal, env={"SOURCE_DATE_EPOCH": "1764547200"}
        )
    finally:
        os.chdir(previous)
    return result.exit_code, ESCAPES.sub("", result.stderr)


def test_on_a_terminal_stderr_is_wrapped_and_says_what_was_written(tmp_path):
    code, stderr = _briefgen_on_a_terminal(
        ["brief", "-t", "military", "-f", "md", "-o", "military.md"], tmp_path, 60
    )
    assert code == 0
    lines = stderr.splitlines()
    assert len(lines) > 2 and all(len(line) <= 60 for line in lines)
    notice = " ".join(line.strip() for line in lines[:-1])
    # short: the count, three ids, the rest counted, the way to include them
    assert re.fullmatch(
        r"(\d+) facts omitted to fit 1 page: [\w-]+, [\w-]+, [\w-]+ and \d+ more "
        r"\(listed in --format json\); use --pages \d+ to include them",
        notice,
    ), notice
    assert re.fullmatch(r"wrote military\.md, \d+ facts", lines[-1])
    assert (tmp_path / "military.md").read_text().startswith("# Military cooperation")
    code, stderr = _briefgen_on_a_terminal(["brief", "-t", "military", "-o", "m.pdf"], tmp_path, 60)
    assert code == 0 and stderr.splitlines()[-1] == "wrote m.pdf, 1 page"


def test_piped_stderr_is_one_line_per_warning_and_says_nothing_of_the_file(run, tmp_path):
    result = run("brief", "-t", "military", "-f", "md", "-o", tmp_path / "military.md")
    assert result.exit_code == 0
    assert len(result.stderr.splitlines()) == 1 and "wrote" not in result.stderr
