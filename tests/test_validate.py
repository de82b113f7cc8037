"""validate: every problem of a fact base at once, as file:line: id: message, exit 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_valid_base(run, pact):
    result = run("--facts-dir", pact, "validate")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "8 facts, 3 themes, 4 sources: no problems" in result.stderr


def test_a_short_title_that_breaks_the_key_word_rule_is_a_warning(run, pact_copy):
    append(
        pact_copy / "sources.yaml",
        """
- id: howell
  type: article-magazine
  title: "North Korea and Russia's dangerous partnership"
  title-short: "The North Korea and Russia's"
  reliability: B
- id: sabbagh
  type: article-newspaper
  title: "North Korean arms more significant than troops"
  title-short: "North Korean Arms Are"
  reliability: B
""",
    )
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    f = f"{pact_copy}/sources.yaml"
    lines = (pact_copy / "sources.yaml").read_text(encoding="utf-8").splitlines()
    howell = lines.index("- id: howell") + 1
    assert warnings == [
        f"warning: {f}:{howell}: howell: short title 'The North Korea and Russia's' starts "
        "with an article; give a 'title-short' of key words (CMOS 14.33)",
        f"warning: {f}:{howell + 5}: sabbagh: short title 'North Korean Arms Are' ends on a "
        "function word or an auxiliary ('Are'); give a 'title-short' of key words (CMOS 14.33)",
    ]
    assert "no problems" in result.stderr


def test_broken_yaml_names_file_and_line(run, pact_copy):
    (pact_copy / "items" / "trade.yaml").write_text("- id: x\n  kind: [event\n  themes: [trade]\n")
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout.startswith(f"{pact_copy}/items/trade.yaml:3: invalid YAML:")


def test_every_problem_is_reported_at_once(run, pact_copy):
    append(
        pact_copy / "items" / "trade.yaml",
        """
- id: trade-volume
  kind: event
  themes: [trade]
  text: {en: Duplicate., fr: Doublon.}
  sources: [{ref: moreau-2025}]
- id: bad-one
  kind: figure
  themes: [trade, tarde]
  date: 2024-02-30
  text: {en: Only English.}
  souces: []
  sources:
    - ref: moreau-2026
      via: wirre
  contradicts: [nothing-here]
- id: figure-without-quantity
  kind: figure
  themes: [trade]
  text: {en: A figure., fr: Un chiffre.}
  sources: [{ref: moreau-2025, quote: "1,5 milliard"}]
""",
    )
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    f = f"{pact_copy}/items/trade.yaml"
    assert result.stdout.splitlines() == [
        f"{f}:28: trade-volume: duplicate id (first defined at {f}:1)",
        f"{f}:36: bad-one: date: day out of range: 30",
        f"{f}:38: bad-one: unknown key 'souces' (did you mean 'sources'?)",
        f"{f}:43: figure-without-quantity: a figure needs a 'quantity'",
    ]
    assert result.stderr == "4 problems found\n"


def test_cross_reference_problems(run, pact_copy):
    append(
        pact_copy / "items" / "trade.yaml",
        """
- id: dangling
  kind: event
  themes: [trade, tarde]
  text: {en: Only English.}
  sources:
    - ref: moreau-2026
      via: wirre
  contradicts: [nothing-here]
""",
    )
    result = run("--facts-dir", pact_copy, "validate")
    f = f"{pact_copy}/items/trade.yaml"
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{f}:30: dangling: unknown theme 'tarde' (did you mean 'trade'?)",
        f"{f}:31: dangling: text has no 'fr' version",
        f"{f}:33: dangling: unknown source 'moreau-2026' (did you mean 'moreau-2025'?)",
        f"{f}:34: dangling: unknown source 'wirre' (did you mean 'wire'?)",
        f"{f}:35: dangling: contradicts unknown fact 'nothing-here'",
    ]


def test_other_commands_refuse_an_invalid_base_in_one_line(run, pact_copy):
    append(
        pact_copy / "themes.yaml", "- id: extra\n  title: {en: Extra}\n  colour: red\n  icon: x\n"
    )
    result = run("--facts-dir", pact_copy, "brief", "-f", "md")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"briefgen: error: {pact_copy}/themes.yaml:")
    assert "(and 1 more problem; run 'briefgen validate')" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: &x [1]\nb: *x\n", "YAML anchors and aliases are not allowed"),
        ("!!python/object:os.system {}\n", "invalid YAML"),
        ("just a string\n", "expected a YAML list, found a string"),
    ],
)
def test_unsafe_or_malformed_yaml(run, pact_copy, content, message):
    (pact_copy / "items" / "trade.yaml").write_text(content)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert message in result.stdout


def test_non_utf8_file(run, pact_copy):
    (pact_copy / "items" / "trade.yaml").write_bytes(b"- id: x\n  text: {en: caf\xe9}\n")
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == f"{pact_copy}/items/trade.yaml:2: not valid UTF-8 text\n"


def test_symlink_out_of_the_base_is_refused(run, pact_copy, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("[]\n")
    (pact_copy / "items" / "link.yaml").symlink_to(outside)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert "link.yaml: links outside the fact directory" in result.stdout


def test_missing_directory_is_a_usage_error(run, tmp_path):
    result = run("--facts-dir", tmp_path / "nope", "themes")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr or "not found" in result.stderr


def test_measure_units_must_agree(run, pact_copy):
    path = pact_copy / "items" / "security.yaml"
    path.write_text(
        path.read_text().replace(
            "low: 8000, high: 10000, unit: soldiers", "low: 8000, high: 10000, unit: troops"
        )
    )
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert (
        "measure 'troops-deployed' is in 'soldiers' in fact troops-12000, not 'troops'"
        in result.stdout
    )


def test_verify_checks_quotes_and_numbers(run, pact, pact_copy):
    ok = run("--facts-dir", pact, "verify", "--texts", pact / "texts")
    assert ok.exit_code == 0
    assert "6 quotes in 2 texts checked: no failures" in ok.stderr
    path = pact_copy / "items" / "security.yaml"
    text = path.read_text()
    text = text.replace('quote: "environ 12 000 soldats"', 'quote: "environ 13 000 soldats"')
    text = text.replace("low: 8000, high: 10000", "low: 8000, high: 11000")
    path.write_text(text)
    bad = run("--facts-dir", pact_copy, "verify", "--texts", pact / "texts")
    assert bad.exit_code == 3
    assert bad.stdout.splitlines() == [
        "troops-12000: quote not found in moreau-2025: 'environ 13 000 soldats'",
        "troops-12000: 12000 is not in the quote from moreau-2025: 'environ 13 000 soldats'",
        "troops-8000-10000: 11000 is not in the quote from anon-news: '8 000 à 10 000 soldats'",
    ]


def test_a_comment_is_checked_like_the_text(run, pact_copy):
    append(
        pact_copy / "items" / "trade.yaml",
        """
- id: trade-doubled
  kind: statement
  themes: [trade]
  text: {en: Trade doubled., fr: Les échanges ont doublé.}
  sources: [{ref: moreau-2025}]
  credibility: 3
  comment:
    en: Customs figures show a smaller rise.
- id: trade-halved
  kind: statement
  themes: [trade]
  text: {en: Trade halved., fr: Les échanges ont diminué de moitié.}
  sources: [{ref: anon-news}]
  credibility: 4
  comment: {en: Unlikely., fr: Peu probable., de: Unwahrscheinlich.}
- id: trade-flat
  kind: statement
  themes: [trade]
  text: {en: Trade stalled., fr: Les échanges ont stagné.}
  sources: [{ref: anon-news}]
  coment: {en: A typo.}
""",
    )
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    f = f"{pact_copy}/items/trade.yaml"
    assert result.stdout.splitlines() == [
        f"{f}:34: trade-doubled: comment has no 'fr' version",
        f"{f}:42: trade-halved: language 'de' is not one of the base's (en, fr)",
        f"{f}:48: trade-flat: unknown key 'coment' (did you mean 'comment'?)",
    ]


def test_a_comment_comes_with_the_fact_in_json(run, pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    path.write_text(
        path.read_text().replace(
            "  credibility: 2\n",
            "  credibility: 2\n  comment: {en: Customs put it lower., fr: Les douanes l'estiment"
            " plus bas.}\n",
            1,
        )
    )
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0
    facts = json.loads(run("--facts-dir", pact_copy, "facts", "-f", "json").stdout)["facts"]
    assert [(f["id"], f["comment"]) for f in facts if "comment" in f] == [
        ("trade-volume", {"en": "Customs put it lower.", "fr": "Les douanes l'estiment plus bas."})
    ]
    schema = json.loads(run("schema").stdout)
    comment = schema["$defs"]["Fact"]["properties"]["comment"]
    assert [branch["type"] for branch in comment["anyOf"]] == ["object", "null"]


def test_a_source_must_say_what_identifies_it(run, pact_copy):
    append(
        pact_copy / "sources.yaml",
        "- id: a-page\n  type: article-newspaper\n  container-title: The Daily Planet\n"
        "- id: nothing\n  type: webpage\n  reliability: F\n",
    )
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == (
        f"{pact_copy}/sources.yaml:36: nothing: "
        "a source needs a 'title', an 'author', a 'container-title' or a 'URL'\n"
    )
