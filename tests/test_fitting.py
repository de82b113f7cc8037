"""Fitting a brief to a length: which facts are left out, and what the user is told."""

from __future__ import annotations

import json

import pytest
import yaml


@pytest.fixture
def big_base(pact_copy):
    """The pact base plus 40 generated facts of priority 1 to 3."""
    facts = []
    for n in range(40):
        priority = 1 + n % 3
        facts.append({
            "id": f"filler-{n:02d}",
            "kind": "event" if n % 2 else "assessment",
            "themes": ["security"],
            "date": f"2023-{1 + n % 12:02d}",
            "text": {"en": f"Filler fact {n} of priority {priority}.", "fr": f"Fait {n}."},
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
    assert len(data["omitted"]) == 48 - 12
    # the first ten facts left out are named; 48 facts need 4 pages of 12
    head, _, tail = result.stderr.partition(": ")
    assert head == "36 facts omitted to fit 1 page"
    assert tail.split(" and ")[0].split(", ") == data["omitted"][:10]
    assert tail.endswith(" and 26 more (listed in --format json); use --pages 4 to include them\n")
    assert not shown_facts(data) & set(data["omitted"])


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
    two = run("--facts-dir", big_base, "brief", "-f", "json", "--pages", "2")
    assert len(json.loads(two.stdout)["omitted"]) == 48 - 24
    everything = run("--facts-dir", big_base, "brief", "-f", "json", "--pages", "0")
    assert json.loads(everything.stdout)["omitted"] == []
    assert everything.stderr == ""


def test_quiet_silences_the_report(run, big_base):
    result = run("--quiet", "--facts-dir", big_base, "brief", "-f", "md")
    assert result.exit_code == 0
    assert result.stderr == ""
