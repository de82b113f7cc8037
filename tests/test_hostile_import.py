"""sources import of hostile or broken bibliography files: a file:line problem, exit 3, never
an internal error; and a reading time in proportion to the file's size."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from briefgen.imports import read_csl_json

NESTED = "{" * 3000 + "x" + "}" * 3000
HOSTILE = {
    # pylatexenc fails on a macro short of its arguments, each in a way of its own.
    "href.bib": (
        "@misc{a,\n  title = {T},\n}\n\n@misc{b,\n  title = {\\href{x}},\n}\n",
        'href.bib:5: b: title: cannot read the LaTeX "\\href{x}"',
    ),
    "color.bib": (
        "@misc{a,\n  title = {\\textcolor{red}},\n}\n",
        'color.bib:1: a: title: cannot read the LaTeX "\\textcolor{red}"',
    ),
    "braces.bib": (
        "@misc{a,\n  title = {" + NESTED + "},\n}\n",
        "braces.bib:1: a: title: braces nested more than 32 deep",
    ),
    "names.bib": (
        "@misc{a,\n  title = {T},\n  author = {{" + NESTED + "}},\n}\n",
        "names.bib:1: a: author: braces nested more than 32 deep",
    ),
    # '²' is a digit to str.isdigit, not a number to int().
    "month.bib": (
        "@misc{a,\n  title = {T},\n  year = {2020},\n  month = {²},\n}\n",
        "month.bib:1: a: issued: invalid date '2020-²'",
    ),
    "months.bib": (
        "@misc{a,\n  title = {T},\n  year = {2020},\n  month = {" + "1" * 5000 + "},\n}\n",
        "months.bib:1: a: issued: invalid date '2020-1111",
    ),
    "deep.json": ("[" * 100_000 + "]" * 100_000, "deep.json:1: invalid JSON: nested too deeply"),
    "digits.json": (
        '[\n{"id": "a", "title": "T"},\n{"id": "b", "title": "T", "issued": {"date-parts": [['
        + "9" * 5000
        + "]]}}\n]",
        "digits.json:3: invalid JSON: a number of more than 20 digits",
    ),
    "number.json": (
        '[{"id": "a", "title": "T", "number": ' + "9" * 5000 + "}]",
        "number.json:1: invalid JSON: a number of more than 20 digits",
    ),
    "overflow.json": (
        '[{"id": "a", "title": "T",\n "issued": {"date-parts": [[1e400]]}}]',
        "overflow.json:1: invalid JSON: a number out of range (1e400)",
    ),
    "nan.json": (
        '[{"id": "a", "title": "T", "issued": {"date-parts": [[NaN]]}}]',
        "nan.json:1: invalid JSON: NaN is not a JSON value",
    ),
    "float.json": (
        '[{"id": "a", "title": "T", "issued": {"date-parts": [[2020.5]]}}]',
        "float.json:1: a: issued: cannot read the date {'date-parts': [[2020.5]]}",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_bibliography_is_a_problem_at_its_line(pact_copy, tmp_path, run, name):
    text, expected = HOSTILE[name]
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    before = (pact_copy / "sources.yaml").read_bytes()
    result = run("--facts-dir", pact_copy, "sources", "import", file)
    assert result.exit_code == 3, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path}/{expected}"), result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.rstrip().endswith(f"1 problem in {file}; nothing imported")
    assert (pact_copy / "sources.yaml").read_bytes() == before


def _library(count: int) -> str:
    items = [
        {
            "id": f"report-{number}",
            "type": "report",
            "title": f"Report number {number}",
            "author": [{"family": "Doe", "given": "Jane"}],
            "issued": {"date-parts": [[2020, 1, 2]]},
            "URL": f"https://example.org/{number}",
        }
        for number in range(count)
    ]
    return json.dumps(items, indent=2)


def test_reading_csl_json_takes_time_in_proportion_to_its_size():
    """Each item's line used to be counted from the start of the file: quadratic."""
    small, large = _library(2_500), _library(20_000)

    def reading_time(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            reading = read_csl_json(text, "library.json")
            best = min(best, time.perf_counter() - started)
        assert not reading.problems
        return best

    assert [e.line for e in read_csl_json(small, "x").entries][:3] == [2, 23, 44]
    ratio = reading_time(large) / reading_time(small)
    # Eight times the items: about eight times the time (it was some forty times).
    assert ratio < 20, f"{ratio:.1f} times the time for 8 times the items"


@pytest.mark.slow
def test_importing_20000_sources_takes_less_than_five_seconds(pact_copy, tmp_path):
    """Measured in processor time (user and system) of the run, which the load of the
    machine running the tests does not change as it changes the time on the clock."""
    import resource

    library = tmp_path / "library.json"
    library.write_text(_library(20_000), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--facts-dir", pact_copy, "sources", "import", library],
        capture_output=True,
        text=True,
        timeout=120,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 20_000
    print(f"20,000 sources imported in {took:.1f} s of processor time")
    assert took < 5, f"took {took:.1f} s"
