"""The YAML reader against PyYAML itself: the few parts of PyYAML's loader it relies on
(events, tag resolution, scalar constructors, error marks) must keep meaning what they
mean to PyYAML, whichever release pip installs.

Every value is compared with what PyYAML's own constructor makes of the same text, with
the same resolvers (dates stay text).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from briefgen import safe_yaml

PLAIN_SCALARS = [
    # nulls and booleans, YAML 1.1 spellings
    "~", "null", "Null", "NULL", "", "yes", "No", "on", "OFF", "y", "true", "False",
    # integers: decimal, signs, underscores, octal, hexadecimal, binary, base 60
    "0", "12", "-12", "+3", "1_000", "017", "09", "0x1F", "0b101", "1:30", "190:20:30",
    # floats
    "3.14", "-.5", "1.0e+3", "6.8523015e+5", ".inf", "-.Inf", ".NaN", "1_000.5", "1:30.5",
    # text that looks like something else
    "2024", "2024-10", "2024-10-05", "2024-10-05T10:00:00Z", "1.2.3", "0x", "12abc",
    "yes please", "Trueish", "nulls", "-", ".", "+",
]  # fmt: skip


def constructed(text: str) -> object:
    """What PyYAML's constructor makes of ``text``, with the reader's resolvers."""
    return yaml.load(text, Loader=safe_yaml.yaml_module()[1])  # a safe loader


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scalar", PLAIN_SCALARS)
def test_plain_scalars_resolve_as_pyyaml_resolves_them(scalar):
    text = f"- {scalar}\n"
    (value,) = safe_yaml.parse(text).data
    assert same(value, constructed(text)[0]), (value, constructed(text)[0])


@pytest.mark.parametrize(
    "scalar",
    ['!!int "12"', "!!str 12", "!!float 1", "!!bool yes", '!!null ""', '"12"', "'yes'"],
)
def test_tagged_and_quoted_scalars_construct_as_pyyaml_constructs_them(scalar):
    text = f"- {scalar}\n"
    (value,) = safe_yaml.parse(text).data
    assert same(value, constructed(text)[0])


@pytest.mark.parametrize("scalar", ["=", "<<"])
def test_yaml_special_keys_are_text(scalar):
    assert safe_yaml.parse(f"- {scalar}\n").data == [scalar]


def fact_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return sorted(
        [*(root / "facts").rglob("*.yaml"), *(root / "tests" / "fixtures").rglob("*.yaml")]
    )


def test_every_fact_file_reads_as_pyyaml_reads_it():
    files = fact_files()
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert safe_yaml.parse(text).data == constructed(text), path


def test_pythons_parser_gives_the_same_data(monkeypatch):
    """Without libyaml, PyYAML's Python parser produces the events: same data, same refusals."""
    files = fact_files()
    with_libyaml = [safe_yaml.parse(path.read_text(encoding="utf-8")).data for path in files]
    safe_yaml.yaml_module.cache_clear()
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    try:
        assert not issubclass(safe_yaml.yaml_module()[1], getattr(yaml, "CParser", ()))
        without = [safe_yaml.parse(path.read_text(encoding="utf-8")).data for path in files]
        assert without == with_libyaml
        with pytest.raises(safe_yaml.YAMLProblem) as deep:
            safe_yaml.parse("- x\n- " + "[" * 5000 + "]" * 5000 + "\n")
        assert (deep.value.line, deep.value.message) == (2, safe_yaml._TOO_DEEP)
        with pytest.raises(safe_yaml.YAMLProblem) as control:
            safe_yaml.parse("- é\n- b\x07\n")
        assert control.value.line == 2
    finally:
        safe_yaml.yaml_module.cache_clear()


def test_syntax_errors_carry_pyyaml_marks():
    with pytest.raises(yaml.MarkedYAMLError) as error:
        safe_yaml.parse("- a\n- b: [c\n- d\n")
    assert error.value.problem_mark is not None
    assert error.value.problem_mark.line + 1 == 4


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- " + "[" * 33 + "]" * 33 + "\n", 1),  # the reader's own limit
        ("- a\n- " + "[" * 2000 + "]" * 2000 + "\n", 2),  # libyaml's, since PyYAML 6.0.4
        ("a:\n" + "".join(" " * n + "a:\n" for n in range(1, 40)), 33),
    ],
    ids=["flow", "flow-long", "block"],
)
def test_nesting_is_refused_in_the_same_words_whoever_stops_it(text, line):
    with pytest.raises(safe_yaml.YAMLProblem) as error:
        safe_yaml.parse(text)
    assert (error.value.line, error.value.message) == (line, safe_yaml._TOO_DEEP)


LOCATED = """\
- id: a
  text:
    en: one
- id: b
  sources:
    - ref: x
    - {ref: y, locator: "§2"}
  2024: a number as a key
"""


def test_locate_finds_keys_items_and_the_closest_parent():
    lines = safe_yaml.locate(
        LOCATED,
        [
            (),
            (0,),
            (1,),
            (0, "text"),
            (0, "text", "en"),
            (1, "sources", 1, "locator"),
            (1, "sources", 1, "quote"),  # not there: its parent's line
            (1, 2024),
            (5, "id"),  # no such item: the document's line
        ],
    )
    assert list(lines.values()) == [1, 1, 4, 2, 3, 7, 7, 8, 1]


def test_locate_reads_up_to_a_problem():
    lines = safe_yaml.locate("- id: a\n- id: b\n  x: &anchor 1\n", [(1, "id"), (1, "x")])
    assert lines == {(1, "id"): 2, (1, "x"): 3}
