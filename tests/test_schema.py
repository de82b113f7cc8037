"""The published JSON Schemas describe the real outputs, closely enough to catch a change."""

from __future__ import annotations

import json

import jsonschema
import pytest


def schema_of(run, what):
    result = run("schema", what)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "args", [(), ("--lang", "fr", "-t", "security"), ("--pages", "0", "--no-grades")]
)
def test_brief_json_validates_against_its_schema(run, pact, args):
    validator = schema_of(run, "brief")
    data = json.loads(run("--facts-dir", pact, "brief", "-f", "json", *args).stdout)
    assert list(validator.iter_errors(data)) == []
    data["unexpected"] = 1
    assert not validator.is_valid(data)
    del data["unexpected"]
    data["notes"][0]["number"] = "one"
    assert not validator.is_valid(data)


def test_digest_json_validates(run, pact, pact_copy):
    (pact_copy / "items" / "trade.yaml").write_text("[]\n")
    data = json.loads(
        run("--facts-dir", pact_copy, "brief", "-f", "json", "--changed-since", pact).stdout
    )
    assert data["removed"]
    assert list(schema_of(run, "brief").iter_errors(data)) == []


def test_facts_json_validates_against_its_schema(run, pact):
    validator = schema_of(run, "facts-json")
    data = json.loads(run("--facts-dir", pact, "facts", "-f", "json").stdout)
    assert list(validator.iter_errors(data)) == []
    data["facts"][0]["kind"] = "rumour"
    assert not validator.is_valid(data)


def test_fact_file_schema_accepts_the_fixture_files(run, pact):
    import datetime

    import yaml

    def as_json(value):
        # an editor reads YAML 1.2, where 2024-06-12 is text, not a date
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list):
            return [as_json(v) for v in value]
        if isinstance(value, dict):
            return {k: as_json(v) for k, v in value.items()}
        return value

    validator = schema_of(run, "facts")
    for path in sorted((pact / "items").glob("*.yaml")):
        items = as_json(yaml.safe_load(path.read_text()))
        assert list(validator.iter_errors(items)) == [], path
    items[0]["kind"] = "rumour"
    assert not validator.is_valid(items)


def test_schema_takes_its_name_as_an_argument_and_the_old_option_with_a_warning(run):
    assert run("schema").stdout == run("schema", "facts").stdout
    old = run("schema", "--output", "brief")
    assert old.exit_code == 0
    assert old.stdout == run("schema", "brief").stdout
    assert old.stderr == (
        "briefgen: warning: 'schema --output brief' is deprecated and will go in the next "
        "release; use 'schema brief'\n"
    )
    unknown = run("schema", "nothing")
    assert unknown.exit_code == 2


def _yaml_as_json(path):
    """A YAML file as an editor reads it (YAML 1.2: 2024-06-12 is text, not a date)."""
    import datetime

    import yaml

    def as_json(value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list):
            return [as_json(v) for v in value]
        if isinstance(value, dict):
            return {k: as_json(v) for k, v in value.items()}
        return value

    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_judgments_schema_accepts_the_fixture_judgments(run, fixtures):
    validator = schema_of(run, "judgments")
    judgments = _yaml_as_json(fixtures / "judged" / "judgments.yaml")
    assert len(judgments) == 3
    assert list(validator.iter_errors(judgments)) == []
    for key, wrong in [
        ("confidence", "certain"),
        ("likelihood", "probable-ish"),
        ("basis", 3),
        ("likelyhood", "likely"),
    ]:
        broken = [{**judgments[0], key: wrong}, *judgments[1:]]
        assert not validator.is_valid(broken), key
    missing = [{k: v for k, v in judgments[0].items() if k != "confidence"}]
    assert not validator.is_valid(missing)


def test_base_schema_accepts_every_base_yaml_and_names_the_yardsticks(run, fixtures):
    from briefgen.paths import package_data

    validator = schema_of(run, "base")
    paths = [*sorted(fixtures.glob("*/base.yaml")), package_data("facts") / "base.yaml"]
    for path in paths:
        assert list(validator.iter_errors(_yaml_as_json(path) or {})) == [], path
    assert validator.is_valid({"yardstick": "phia"})
    assert not validator.is_valid({"yardstick": "nato"})
    assert not validator.is_valid({"yardstik": "phia"})


def test_measures_schema_accepts_the_shipped_measures(run):
    from briefgen.paths import package_data

    validator = schema_of(run, "measures")
    measures = _yaml_as_json(package_data("facts") / "measures.yaml")
    assert measures
    assert list(validator.iter_errors(measures)) == []
    assert not validator.is_valid([{**measures[0], "unknown": 1}])
