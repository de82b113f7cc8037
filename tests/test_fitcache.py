"""The fitting's choice is kept in the cache: the next brief of the same base and options
reuses it, and a changed fact makes the brief fitted afresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def entries() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "briefgen").glob("fit-*.json"))


def test_the_choice_is_reused_and_a_changed_fact_invalidates_it(run, tmp_path, monkeypatch):
    base = tmp_path / "facts"
    subprocess.run(
        [sys.executable, BENCH / "generate.py", "--facts", "300", "--seed", "1", base],
        check=True,
        capture_output=True,
    )
    first = run("--facts-dir", base, "brief", "-f", "md")
    assert first.exit_code == 0 and "facts omitted to fit 1 page" in first.stderr
    [entry] = entries()
    again = run("--facts-dir", base, "brief", "-f", "md")
    assert again.stdout == first.stdout and again.stderr == first.stderr
    assert entries() == [entry]

    # The entry is what the next run uses: with one more fact left out, the brief is shorter.
    choice = json.loads(entry.read_text())
    monkeypatch.setenv("BRIEFGEN_CACHE", "0")
    fresh = run("--facts-dir", base, "brief", "-f", "md").stdout
    monkeypatch.delenv("BRIEFGEN_CACHE")
    assert fresh == first.stdout
    everything = json.loads(run("--facts-dir", base, "facts", "-f", "json").stdout)["facts"]
    kept = [f["id"] for f in everything if f["id"] not in choice["omit"]]
    choice["omit"].append(kept[0])
    entry.write_text(json.dumps(choice))
    tampered = run("--facts-dir", base, "brief", "-f", "md")
    assert tampered.exit_code == 0 and tampered.stdout != first.stdout

    # A fact changes: the base's key changes, the old entry goes, the brief is fitted again.
    items = sorted((base / "items").glob("*.yaml"))[0]
    text = items.read_text(encoding="utf-8")
    items.write_text(text.replace('en: "In ', 'en: "Revised: in ', 1), encoding="utf-8")
    edited = run("--facts-dir", base, "brief", "-f", "md")
    monkeypatch.setenv("BRIEFGEN_CACHE", "0")
    expected = run("--facts-dir", base, "brief", "-f", "md")
    assert edited.exit_code == 0
    assert edited.stdout == expected.stdout and edited.stderr == expected.stderr
    assert entry not in entries() and len(entries()) == 1


def test_without_the_cache_nothing_is_kept(run, fixtures, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_CACHE", "0")
    assert run("--facts-dir", fixtures / "pact", "brief", "-f", "md").exit_code == 0
    assert entries() == []
