"""Fitting a brief to a length: which facts are left out, and what the user is told."""

from __future__ import annotations

import json
import re

import pytest
import yaml

# Enough words to make each generated fact a bullet of two or three lines.
FILLER = "It says little, at length, so that a page holds only a few such facts in all. " * 2


@pytest.fixture
def big_base(pact_copy):
    """The pact base plus 40 generated facts of priority 1 to 3: about two pages."""
    facts = []
    for n in range(40):
        priority = 1 + n % 3
        facts.append({
            "id": f"filler-{n:02d}",
            "kind": "event" if n % 2 else "assessment",
            "themes": ["security"],
            "date": f"2023-{1 + n % 12:02d}",
            "text": {"en": f"Filler fact {n} of priority {priority}. " + FILLER, "fr": f"Fait {n}."},
            "sources": [{"ref": "anon-news", "locator": f"§{n}"}],
            "priority": priority,
        })  # fmt: skip
    (pact_copy / "items" / "filler.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True))
    return pact_copy


def shown_facts(data):
    items = [*data["key_points"], *(i for s in data["sections"] for i in s["items"])]
    items += [r for g in data["estimates"] for r in g["rows"]]
    items += [side for c in data["contradictions"] for side in (c["left"], c["right"])]
    return {i["fact"] for i in items}


def test_default_is_one_page_and_says_what_was_left_out(run, big_base):
    result = run("--facts-dir", big_base, "brief", "-f", "json")
    data = json.loads(result.stdout)
    omitted, shown = data["omitted"], shown_facts(data)
    assert omitted and not shown & set(omitted)
    assert len(omitted) + len(shown) == 48
    # the first three facts left out are named, the others counted
    head, _, tail = result.stderr.partition(": ")
    assert head == f"{len(omitted)} facts omitted to fit 1 page"
    assert tail.split(" and ")[0].split(", ") == omitted[:3]
    more = re.fullmatch(
        r".* and (\d+) more \(listed in --format json\); use --pages (\d+) to include them\n",
        tail,
        flags=re.S,
    )
    assert more and int(more[1]) == len(omitted) - 3
    # what two pages hold does not all fit on one
    assert int(more[2]) >= 2
    two = json.loads(run("--facts-dir", big_base, "brief", "-f", "json", "--pages", more[2]).stdout)
    assert two["omitted"] == []


def test_lowest_priority_goes_first(run, big_base):
    data = json.loads(run("--facts-dir", big_base, "brief", "-f", "json").stdout)
    omitted = data["omitted"]
    facts = {
        f["id"]: f
        for f in json.loads(run("--facts-dir", big_base, "facts", "-f", "json").stdout)["facts"]
    }
    priorities = [facts[i].get("priority", 2) for i in omitted]
    # 13 generated facts at priority 3 plus the fixture's one: all of them are left out first
    assert priorities[:14] == [3] * 14
    assert 1 not in priorities[: priorities.count(3)]
    kept = [f for f in facts if f not in omitted]
    assert all(facts[f].get("priority", 2) <= 2 for f in kept)


def test_estimates_and_contradictions_survive_fitting(run, big_base):
    data = json.loads(run("--facts-dir", big_base, "brief", "-f", "json").stdout)
    # troops-8000-10000 has priority 2 but competes with a priority-1 estimate: kept as a pair
    assert [r["fact"] for r in data["estimates"][0]["rows"]] == [
        "troops-8000-10000",
        "troops-12000",
    ]
    assert data["contradictions"][0]["right"]["fact"] == "clause-not-automatic"


def test_more_pages_and_no_limit(run, big_base):
    one = json.loads(run("--facts-dir", big_base, "brief", "-f", "json").stdout)
    two = json.loads(run("--facts-dir", big_base, "brief", "-f", "json", "--pages", "2").stdout)
    assert len(two["omitted"]) < len(one["omitted"])
    assert set(two["omitted"]) <= set(one["omitted"])
    everything = run("--facts-dir", big_base, "brief", "-f", "json", "--pages", "0")
    assert json.loads(everything.stdout)["omitted"] == []
    assert everything.stderr == ""


def test_quiet_silences_the_report(run, big_base):
    result = run("--quiet", "--facts-dir", big_base, "brief", "-f", "md")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_importance_order_key_points_then_a_bullet_per_theme_then_priority(pact) -> None:
    from briefgen import BriefOptions, BriefRecipe, load
    from briefgen.fitting import importance_order

    base = load(pact, cache=False)
    recipe = BriefRecipe(base, base.facts)
    assert [fact.id for fact in importance_order(recipe)] == [
        # the key points, in their rank
        "clause-automatic",
        "troops-12000",
        "trade-volume",
        # a bullet for each theme of the brief, before any theme gets a second
        "pact-signed",  # security: a fact no table or contradiction takes away
        "sanctions-evaded",  # trade
        # priority 2, but the second estimate of a measure whose first is priority 1
        "troops-8000-10000",
        # priority 2 (the other side of a contradiction is shown with either side)
        "clause-not-automatic",
        "drills-announced",  # priority 3
    ]
    # Without key points, the bullets of each theme still come first.
    no_key_points = BriefRecipe(base, base.facts, options=BriefOptions(key_points=0))
    order = [fact.id for fact in importance_order(no_key_points)]
    assert order[:2] == ["pact-signed", "trade-volume"]
    assert order[-3:] == ["sanctions-evaded", "clause-not-automatic", "drills-announced"]


def test_the_shipped_widths_are_those_of_the_shipped_fonts(tmp_path) -> None:
    """The estimate reads ``widths.json``; measured again, the fonts give the same file."""
    import shutil

    from briefgen.paths import package_data
    from briefgen.typesetting import FONT_FILES, write_widths

    fonts = package_data("templates") / "fonts"
    for file in FONT_FILES.values():
        shutil.copy(fonts / file, tmp_path / file)
    written = write_widths(tmp_path)
    assert written.read_bytes() == (fonts / "widths.json").read_bytes()


def test_the_order_of_importance_read_lazily_reads_as_a_list() -> None:
    """Fitting reads the order of importance only as far as it needs: any index, slice,
    iteration or reversal gives what the whole list would."""
    from briefgen.fitting import _Ordered

    items = [f"fact-{i}" for i in range(10)]

    def lazy() -> _Ordered:
        return _Ordered(items[:2], iter(items[2:]), len(items))  # type: ignore[arg-type]

    for index in (slice(None, 3), slice(-3, None), slice(-5, 8), slice(2, 9, 2), slice(None)):
        assert lazy()[index] == items[index], index
    for position in (0, 5, -1):
        assert lazy()[position] == items[position]
    assert list(lazy()) == items and len(lazy()) == len(items)
    assert list(reversed(lazy())) == items[::-1]
