"""Long JSON listings copy each fact's JSON from the cache: the same text as converting
every fact afresh, for any selection, and an entry that is not whole is never used."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def entries() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "briefgen").glob("list-*.bin"))


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    base = tmp_path / "facts"
    subprocess.run(
        [sys.executable, BENCH / "generate.py", "--facts", "300", "--seed", "2", base],
        check=True,
        capture_output=True,
    )
    return base


def afresh(run, monkeypatch, *args: object) -> str:
    monkeypatch.setenv("BRIEFGEN_CACHE", "0")
    try:
        return run(*args).stdout
    finally:
        monkeypatch.delenv("BRIEFGEN_CACHE")


def test_a_listing_copied_from_the_cache_is_the_one_converted_afresh(run, generated, monkeypatch):
    monkeypatch.setattr("briefgen.listcache.MIN_FACTS", 100)
    everything = ("--facts-dir", generated, "facts", "-f", "json")
    expected = afresh(run, monkeypatch, *everything)
    first = run(*everything)  # the base parsed and cached; its entry written, then read
    [entry] = entries()
    assert first.stdout == expected
    assert run(*everything).stdout == expected and entries() == [entry]
    # Any selection: runs of neighbours and single facts, in the base's order.
    for selection in (("--kind", "figure"), ("--since", "2023-06"), ("--search", "port")):
        listed = run(*everything, *selection)
        assert listed.exit_code == 0
        assert listed.stdout == afresh(run, monkeypatch, *everything, *selection), selection
    # A short listing of a base with no entry converts its facts itself.
    monkeypatch.setattr("briefgen.listcache.MIN_FACTS", 10_000)
    entry.unlink()
    assert run(*everything).stdout == expected and entries() == []


def test_an_entry_cut_short_or_of_another_base_is_not_used(run, generated, monkeypatch):
    monkeypatch.setattr("briefgen.listcache.MIN_FACTS", 1)
    everything = ("--facts-dir", generated, "facts", "-f", "json")
    expected = afresh(run, monkeypatch, *everything)
    run(*everything)
    run(*everything)
    [entry] = entries()
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert run(*everything).stdout == expected
    entry.write_bytes(whole[:-1])
    assert run(*everything).stdout == expected
    # A changed fact is another base: another entry, the old one dropped.
    items = sorted((generated / "items").glob("*.yaml"))[0]
    text = items.read_text(encoding="utf-8")
    items.write_text(text.replace('en: "In ', 'en: "Revised: in ', 1), encoding="utf-8")
    run(*everything)
    changed = run(*everything)
    assert changed.stdout == afresh(run, monkeypatch, *everything)
    assert entry not in entries() and len(entries()) == 1


def test_a_base_pickled_for_the_cache_is_the_same_base(generated):
    from briefgen import store

    base = store.load(generated, cache=False)
    again = pickle.loads(pickle.dumps(base, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == base
    assert [type(f) for f in again.facts] == [type(f) for f in base.facts]
    assert [f.sources for f in again.facts] == [f.sources for f in base.facts]
    source = next(iter(again.sources.values()))
    # Copies still take updates (the citation code copies sources).
    assert source._replace(title=None).title is None


def test_the_console_script_ends_with_the_status_and_the_whole_output(generated, tmp_path):
    """The process ends without freeing its objects one by one, and loses nothing."""
    script = [sys.executable, "-m", "briefgen", "--facts-dir", str(generated)]
    listed = subprocess.run([*script, "facts", "-f", "json"], capture_output=True, text=True)
    assert listed.returncode == 0 and listed.stdout.rstrip().endswith("]\n}")
    unknown = subprocess.run([*script, "brief", "-t", "nope"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "unknown theme 'nope'" in unknown.stderr
