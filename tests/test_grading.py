"""Grades checked against the Admiralty scale's own definitions, and a base's own rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefgen.paths import package_data


@pytest.fixture
def grades(tmp_path: Path, fixtures: Path) -> Path:
    """A base whose facts each keep to the grading rules or break one of them."""
    return shutil.copytree(fixtures / "grades", tmp_path / "facts")


def test_each_rule_is_reported_on_the_line_of_the_grade(run, grades):
    result = run("--facts-dir", grades, "validate")
    assert result.exit_code == 3
    f = f"{grades}/items/dam.yaml"
    assert result.stdout.splitlines() == [
        f"{f}:17: cost-overrun: credibility 1 (confirmed) needs two independent original "
        "sources; it has one (agency)",
        f"{f}:25: turbines-stolen: credibility 5 (improbable) needs a 'contradicts' link with a "
        "fact graded more credible",
        f"{f}:54: flow-falling: credibility 2 (probably true) contradicts 'flow-rising', also "
        "2 (probably true): of two facts that contradict each other, at most one is graded 1 or 2",
        f"{f}:63: opened-2020: credibility 3 (possibly true) contradicts 'opened-2019', which is "
        "1 (confirmed): a fact contradicting confirmed information is 4 (doubtful) at best",
        f"{f}:72: fish-gone: credibility 2 (probably true) rests only on sources whose "
        "reliability cannot be judged (F): 3 (possibly true) at best, unless a source graded "
        "A-E corroborates it",
        f"{f}:88: dam-pays-off: credibility 2 (probably true), but base.yaml grades the kind "
        "'assessment' 3 (possibly true) at best",
        f"{f}:103: dam-inspected: credibility 3 (possibly true), which base.yaml keeps for the "
        "kind 'assessment' and claims reaching the base only through F sources; the chain "
        "gazette via agency is graded A-E throughout: 2 (probably true) if consistent with the "
        "base, 4 (doubtful) if it clashes",
    ]
    assert result.stderr == "7 problems found\n"


def test_grades_that_keep_to_the_scale_pass(run, grades):
    path = grades / "items" / "dam.yaml"
    text = path.read_text()
    for fact_id, wrong, right in [
        ("cost-overrun", "credibility: 1", "credibility: 2"),
        ("turbines-stolen", "credibility: 5", "credibility: 4"),
        ("flow-falling", "credibility: 2", "credibility: 4"),
        ("opened-2020", "credibility: 3", "credibility: 5"),
        ("fish-gone", "credibility: 2", "credibility: 3"),
        ("dam-pays-off", "credibility: 2", "credibility: 3"),
        ("dam-inspected", "credibility: 3", "credibility: 2"),
    ]:
        start = text.index(f"- id: {fact_id}\n")
        at = text.index(wrong, start)
        text = text[:at] + right + text[at + len(wrong) :]
    path.write_text(text)
    result = run("--facts-dir", grades, "validate")
    assert result.exit_code == 0, result.stdout
    assert "14 facts, 1 themes, 5 sources: no problems" in result.stderr


def test_every_command_refuses_a_misgraded_base(run, grades):
    for args in (("brief", "-f", "md"), ("facts", "-f", "json"), ("themes",)):
        result = run("--facts-dir", grades, *args)
        assert result.exit_code == 3, args
        assert result.stdout == ""
        assert result.stderr == (
            f"briefgen: error: {grades}/items/dam.yaml:17: cost-overrun: credibility 1 "
            "(confirmed) needs two independent original sources; it has one (agency) "
            "(and 6 more problems; run 'briefgen validate')\n"
        )


def test_three_is_held_to_its_words_only_where_the_base_reserves_it(run, grades):
    # Without base.yaml's cap on assessments, a 3 on a well-sourced event is the analyst's call.
    (grades / "base.yaml").write_text("title: {en: Reservoir watch}\nlanguages: [en]\n")
    result = run("--facts-dir", grades, "validate")
    assert result.exit_code == 3
    assert "dam-inspected" not in result.stdout
    assert "dam-leaks" not in result.stdout


def test_a_fact_reported_by_another_rule_is_not_reported_twice(run, grades):
    # opened-2020, a 3 on a C source, contradicts a confirmed fact: that rule alone speaks.
    result = run("--facts-dir", grades, "validate")
    assert [line for line in result.stdout.splitlines() if "opened-2020" in line] == [
        f"{grades}/items/dam.yaml:63: opened-2020: credibility 3 (possibly true) contradicts "
        "'opened-2019', which is 1 (confirmed): a fact contradicting confirmed information is "
        "4 (doubtful) at best"
    ]


def test_mistakes_in_the_rules_of_base_yaml_are_reported_on_their_line(run, grades):
    (grades / "base.yaml").write_text(
        "title: {en: Reservoir watch}\n"
        "languages: [en]\n"
        "grading:\n"
        "  kinds:\n"
        "    asessment: {best-credibility: 3}\n"
        "    event:\n"
        "      best-credibilty: 2\n"
        "    figure: {best-credibility: 7}\n"
    )
    result = run("--facts-dir", grades, "validate")
    assert result.exit_code == 3
    f = f"{grades}/base.yaml"
    assert result.stdout.splitlines()[:4] == [
        f"{f}:5: unknown key 'asessment' (did you mean 'assessment'?)",
        f"{f}:7: missing required key 'grading.kinds.event.best-credibility'",
        f"{f}:7: unknown key 'best-credibilty' (did you mean 'best-credibility'?)",
        f"{f}:8: grading.kinds.figure.best-credibility: Input should be less than or equal to 6",
    ]


def test_the_shipped_base_grades_judgements_possibly_true_at_best(run, tmp_path):
    base = shutil.copytree(package_data("facts"), tmp_path / "facts")
    assert run("--facts-dir", base, "validate").exit_code == 0
    path = base / "items" / "china.yaml"
    text = path.read_text()
    start = text.index("- id: china-opposes-peninsula-escalation\n")
    at = text.index("credibility: 3", start)
    path.write_text(text[:at] + "credibility: 2" + text[at + len("credibility: 3") :])
    line = text[:at].count("\n") + 1
    result = run("--facts-dir", base, "validate")
    assert result.exit_code == 3
    assert result.stdout == (
        f"{path}:{line}: china-opposes-peninsula-escalation: credibility 2 (probably true), "
        "but base.yaml grades the kind 'assessment' 3 (possibly true) at best\n"
    )


def test_a_digest_compares_with_a_base_graded_before_the_rules(run, pact, pact_copy, tmp_path):
    # The base as it was: a fact "confirmed" by a single source, which the rules refuse now.
    before = shutil.copytree(pact, tmp_path / "before")
    path = before / "items" / "security.yaml"
    text = path.read_text()
    at = text.index("credibility: 2")  # pact-signed, cited once
    path.write_text(text[:at] + "credibility: 1" + text[at + len("credibility: 2") :])
    assert run("--facts-dir", before, "validate").exit_code == 3
    result = run("--facts-dir", pact_copy, "brief", "-f", "json", "--changed-since", before)
    assert result.exit_code == 0, result.stderr
    brief = json.loads(result.stdout)
    items = [*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])]
    assert {i["fact"]: i["status"] for i in items if i["status"]} == {"pact-signed": "changed"}


def test_the_shipped_base_keeps_three_for_judgements_and_unjudged_sources(run, tmp_path):
    base = shutil.copytree(package_data("facts"), tmp_path / "facts")
    path = base / "items" / "economy.yaml"
    text = path.read_text()
    start = text.index("- id: russia-supplies-energy-and-food\n")
    at = text.index("credibility: 2", start)
    path.write_text(text[:at] + "credibility: 3" + text[at + len("credibility: 2") :])
    line = text[:at].count("\n") + 1
    result = run("--facts-dir", base, "validate")
    assert result.exit_code == 3
    assert result.stdout == (
        f"{path}:{line}: russia-supplies-energy-and-food: credibility 3 (possibly true), which "
        "base.yaml keeps for the kind 'assessment' and claims reaching the base only through F "
        "sources; the chain niquet-2025 is graded A-E throughout: 2 (probably true) if "
        "consistent with the base, 4 (doubtful) if it clashes\n"
    )
