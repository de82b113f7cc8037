"""briefgen as a process in a pipeline: what goes to stdout, what to stderr; the cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def briefgen(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_stdout_holds_only_the_document_when_piped(pact_copy):
    # a second page of facts so that fitting has something to report on stderr
    items = pact_copy / "items" / "more.yaml"
    filler = "A fact that takes a line or two of the page as facts do in a brief. " * 2
    items.write_text(
        "".join(
            f"- id: extra-{n:02d}\n  kind: event\n  themes: [trade]\n  priority: 3\n"
            f"  text: {{en: Extra {n}. {filler}, fr: Extra {n}.}}\n"
            f"  sources: [{{ref: anon-news}}]\n"
            for n in range(40)
        )
    )
    result = briefgen("--facts-dir", pact_copy, "brief")
    assert result.returncode == 0
    assert result.stdout.startswith("# The Northland–Eastland pact\n")  # Markdown when piped
    assert "\x1b" not in result.stdout and "omitted" not in result.stdout
    assert re.fullmatch(
        r"\d+ facts omitted to fit 1 page: extra-.* and \d+ more \(listed in --format json\); "
        r"use --pages \d to include them\n",
        result.stderr,
    )
    quiet = briefgen("--quiet", "--facts-dir", pact_copy, "brief")
    assert quiet.stdout == result.stdout and quiet.stderr == ""


def test_no_color_and_errors_stay_off_stdout(pact):
    result = briefgen("--facts-dir", pact, "brief", "-t", "nope", env={"NO_COLOR": "1"})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("briefgen: error: unknown theme 'nope'")
    assert "Traceback" not in result.stderr


def test_cache_is_never_stale(run, pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    assert (
        "reached 1.5 billion dollars" in run("--facts-dir", pact_copy, "brief", "-f", "md").stdout
    )
    info = path.stat()
    # same size, same modification time: only the content tells the change
    path.write_text(path.read_text().replace("reached 1.5 billion", "reaches 1.5 billion"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert (
        "reaches 1.5 billion dollars" in run("--facts-dir", pact_copy, "brief", "-f", "md").stdout
    )


def test_cache_directory_can_be_deleted(run, pact, tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = run("--facts-dir", pact, "brief", "-f", "md").stdout
    assert list((tmp_path / "cache" / "briefgen").glob("*.pickle"))
    shutil.rmtree(tmp_path / "cache")
    assert run("--facts-dir", pact, "brief", "-f", "md").stdout == first


def many_facts(base, count=1500):
    """Enough facts for a listing far larger than a pipe holds (64 KiB)."""
    (base / "items" / "many.yaml").write_text(
        "".join(
            f"- id: many-{n}\n  kind: event\n  themes: [trade]\n  priority: 3\n"
            f"  text: {{en: Fact number {n} of many., fr: Fait numéro {n}.}}\n"
            f"  sources: [{{ref: anon-news}}]\n"
            for n in range(count)
        )
    )
    return base


def briefgen_to(stdout, *args):
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )


COMMANDS = [
    ["themes"],
    ["facts", "-f", "jsonl"],
    ["sources", "-f", "bibtex"],
    ["brief", "-f", "pdf"],
    ["validate"],  # on a broken base: the problems go to stdout
    ["--help"],
    ["brief", "--help"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_gone_away_ends_every_command_quietly_with_status_1(pact_copy, args):
    if args == ["validate"]:
        (pact_copy / "items" / "bad.yaml").write_text("- id: bad\n")
    reading, writing = os.pipe()
    os.close(reading)  # nobody will read: the first write fails
    try:
        result = briefgen_to(writing, "--facts-dir", pact_copy, *args)
    finally:
        os.close(writing)
    assert (result.returncode, result.stderr) == (1, "")


@pytest.mark.parametrize("args", [["facts"], ["facts", "-f", "csv"]], ids=" ".join)
def test_a_reader_that_leaves_midway_is_noticed(pact_copy, args):
    # `briefgen facts | head -c 1`: a large write is cut short, and the run must not end as
    # if all was well (status 0, the document silently truncated).
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "--facts-dir", many_facts(pact_copy), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(1) in (b"I", b"i")
    process.stdout.close()
    assert process.wait(timeout=120) == 1
    assert process.stderr.read() == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "args",
    [["facts", "-f", "jsonl"], ["brief", "-f", "md"], ["--help"], ["brief", "--help"]],
    ids=" ".join,
)
def test_a_full_standard_output_is_one_line_and_status_1(pact, args):
    with open("/dev/full", "w") as full:
        result = briefgen_to(full, "--facts-dir", pact, *args)
    assert (result.returncode, result.stderr) == (
        1,
        "briefgen: error: cannot write to standard output: No space left on device\n",
    )
