"""briefgen as a process in a pipeline: what goes to stdout, what to stderr; the cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys


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
