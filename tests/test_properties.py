"""Properties that hold for any fact base, checked on bases hypothesis makes up.

- A valid base always gives a brief (Markdown and JSON, whole or fitted to a
  page) in which every note marker has exactly one note and every note is
  called, numbered 1, 2, 3, ... in reading order; a cached load gives the
  same brief as a fresh one.
- An invalid base (a wrong type, a bad date, an unknown key, a dangling
  reference, a huge or control-laden string, bytes that are not UTF-8, broken
  YAML), whatever its line endings and byte order mark, always exits 3 naming
  the file and the line of the problem, and never shows a traceback.

Example counts come from the hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from briefgen.cli import cli
from briefgen.model import FOLDABLE_SPACE

BIDI_AND_CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
MARKUP = "*_[]^<>|`{}#~$@&!\\-+1. "
KINDS = ("event", "figure", "statement", "assessment")


def invoke(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# -- writing a base: one key per line, values as JSON (which YAML reads) -------------------


@dataclass
class Written:
    """A YAML list file, and the line each item's keys are on."""

    text: str
    lines: list[dict[str, int]]


def write_list(items: list[dict[str, Any]]) -> Written:
    out: list[str] = []
    lines = []
    for item in items:
        where = {}
        for n, (key, value) in enumerate(item.items()):
            where[key] = len(out) + 1
            out.append(f"{'- ' if n == 0 else '  '}{key}: {json.dumps(value, ensure_ascii=False)}")
        lines.append(where)
    return Written("\n".join(out) + "\n", lines)


def write_base(root: Path, themes: list, sources: list, facts: list) -> Written:
    (root / "items").mkdir(parents=True)
    (root / "base.yaml").write_text('title: {en: "Base", fr: "Base"}\nlanguages: [en, fr]\n')
    (root / "themes.yaml").write_text(write_list(themes).text, encoding="utf-8")
    (root / "sources.yaml").write_text(write_list(sources).text, encoding="utf-8")
    written = write_list(facts)
    (root / "items" / "facts.yaml").write_text(written.text, encoding="utf-8")
    return written


# -- valid bases ----------------------------------------------------------------------------

# Letters, digits, punctuation, symbols and spaces of every script, and all of Markdown's
# special characters: what fact text legitimately holds.
text = (
    st.text(
        st.one_of(
            st.characters(
                categories=("L", "N", "P", "S", "Zs"), exclude_characters=BIDI_AND_CONTROLS
            ),
            st.sampled_from(MARKUP),
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: FOLDABLE_SPACE.sub(" ", s).strip(" "))
    .filter(bool)
)
partial_dates = st.one_of(
    st.integers(1990, 2030),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),
)


@st.composite
def valid_bases(draw: st.DrawFn) -> tuple[list, list, list]:
    theme_ids = [f"theme-{n}" for n in range(draw(st.integers(1, 3)))]
    source_ids = [f"source-{n}" for n in range(draw(st.integers(1, 4)))]
    themes = [{"id": t, "title": {"en": draw(text), "fr": draw(text)}} for t in theme_ids]
    sources = [
        {
            "id": s,
            "type": "report",
            "title": draw(text),
            "reliability": draw(st.sampled_from("ABCDEF")),
            "descriptor": {"en": draw(text), "fr": draw(text)},
        }
        for s in source_ids
    ]
    count = draw(st.integers(1, 14))
    fact_ids = [f"fact-{n}" for n in range(count)]
    facts = []
    for fact_id in fact_ids:
        kind = draw(st.sampled_from(KINDS))
        refs = []
        for _ in range(draw(st.integers(1, 3))):
            ref: dict[str, Any] = {"ref": draw(st.sampled_from(source_ids))}
            via = draw(st.lists(st.sampled_from(source_ids), max_size=2, unique=True))
            if via:
                ref["via"] = via
            if draw(st.booleans()):
                ref["locator"] = draw(text)
            if kind == "figure" or draw(st.booleans()):
                ref["quote"] = draw(text)
            refs.append(ref)
        fact: dict[str, Any] = {
            "id": fact_id,
            "kind": kind,
            "themes": draw(st.lists(st.sampled_from(theme_ids), min_size=1, unique=True)),
            "text": {"en": draw(text), "fr": draw(text)},
            "sources": refs,
            "priority": draw(st.integers(1, 3)),
            # Grades that no rule of the Admiralty scale forbids, whatever the sources and
            # links drawn (the rules have their own tests, in test_grading.py).
            "credibility": draw(st.sampled_from((3, 4, 6))),
        }
        if draw(st.booleans()):
            fact["date"] = draw(partial_dates)
        if kind == "figure":
            measure = draw(st.integers(0, 2))  # few measures: competing estimates
            number = draw(st.integers(-(10**12), 10**12) | st.floats(-1e6, 1e6).map(round))
            fact["quantity"] = {"measure": f"m{measure}", "value": number, "unit": f"u{measure}"}
        others = [f for f in fact_ids if f != fact_id]
        contradicts = (
            draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
        )
        if contradicts:
            fact["contradicts"] = contradicts
        facts.append(fact)
    return themes, sources, facts


# A note call in Markdown: [^n] not escaped (an even number of backslashes before it).
CALL = re.compile(r"(?<!\\)(?:\\\\)*\[\^(\d+)\](?!:)")
DEFINITION = re.compile(r"^\[\^(\d+)\]: ", re.M)


def check_markdown_notes(markdown: str) -> None:
    body = DEFINITION.split(markdown, maxsplit=1)[0]
    calls = [int(n) for n in CALL.findall(body)]
    defined = [int(n) for n in DEFINITION.findall(markdown)]
    assert defined == list(range(1, len(defined) + 1)), "notes are numbered 1, 2, 3, ..."
    assert sorted(set(calls)) == defined, "every note is called and every call has its note"
    assert sorted(calls) == defined, "each note is called once"
    assert calls == sorted(calls), "notes are numbered in reading order"


def check_json_notes(data: dict[str, Any]) -> None:
    items = [*data["key_points"], *(i for s in data["sections"] for i in s["items"])]
    items += [row for group in data["estimates"] for row in group["rows"]]
    items += [side for pair in data["contradictions"] for side in (pair["left"], pair["right"])]
    # one note per statement, called once, in reading order; a fact shown a second
    # time calls the note it already has
    calls = [item["note"] for item in items if not item["repeated"]]
    defined = [note["number"] for note in data["notes"]]
    assert defined == list(range(1, len(defined) + 1))
    assert sorted(calls) == defined
    first = {item["fact"]: item["note"] for item in reversed(items)}
    assert all(item["note"] == first[item["fact"]] for item in items if item["repeated"])
    assert all(note["references"] for note in data["notes"])
    cited = {note["fact"] for note in data["notes"]}
    assert cited == {item["fact"] for item in items}


@given(valid_bases(), st.sampled_from(["en", "fr"]), st.sampled_from(["0", "1"]))
def test_every_note_is_called_once_and_every_call_has_its_note(base, lang, pages):
    themes, sources, facts = base
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "facts"
        write_base(root, themes, sources, facts)
        args = ("--facts-dir", root, "brief", "-l", lang, "--pages", pages)
        markdown = invoke(*args, "-f", "md")
        assert markdown.exit_code == 0, markdown.stderr
        check_markdown_notes(markdown.stdout)
        as_json = invoke(*args, "-f", "json")
        assert as_json.exit_code == 0, as_json.stderr
        check_json_notes(json.loads(as_json.stdout))
        # the second run reads the base from the cache: same brief
        assert invoke(*args, "-f", "md").stdout == markdown.stdout


# -- invalid bases --------------------------------------------------------------------------

# (key, value) set on one fact of a valid base: each makes the base invalid.
WRONG_VALUES = [
    ("kind", "rumour"),
    ("kind", 12),
    ("themes", {"theme-0": 1}),
    ("themes", ["no-such-theme"]),
    ("text", "just a string"),
    ("text", {"en": "English only"}),
    ("text", {"en": "x" * 5000, "fr": "y"}),
    ("text", {"en": "bell\x07", "fr": "y"}),
    ("text", {"en": "evil \u202eoverride", "fr": "y"}),
    ("sources", []),
    ("sources", [{"ref": "no-such-source"}]),
    ("sources", [{"ref": "source-0", "via": ["nobody"]}]),
    ("priority", "high"),
    ("priority", 0),
    ("credibility", [1]),
    ("date", "2024-13"),
    ("date", "2024-02-30"),
    ("date", True),
    ("date", "yesterday"),
    ("colour", "red"),
    ("contradicts", ["no-such-fact"]),
    ("tags", [{"a": 1}]),
]
LINE_ENDINGS = ["\n", "\r\n", "\r"]


def reencode(text: str, endings: list[str], bom: bool) -> bytes:
    """``text`` with each line ended by the next of ``endings`` in turn, and maybe a BOM."""
    lines = text.split("\n")
    out = "".join(line + endings[n % len(endings)] for n, line in enumerate(lines[:-1]))
    return (b"\xef\xbb\xbf" if bom else b"") + (out + lines[-1]).encode("utf-8")


@st.composite
def invalid_bases(draw: st.DrawFn) -> tuple[tuple[list, list, list], int, str, Any]:
    themes, sources, facts = draw(valid_bases())
    index = draw(st.integers(0, len(facts) - 1))
    key, value = draw(st.sampled_from(WRONG_VALUES))
    return (themes, sources, facts), index, key, value


def check_refused(root: Path, path: Path, lines: range | None) -> None:
    """Every command exits 3, and validate names ``path`` and one of ``lines``."""
    for args in (("validate",), ("brief", "-f", "md"), ("facts", "-f", "json")):
        result = invoke("--facts-dir", root, *args)
        assert result.exit_code == 3, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
    problems = invoke("--facts-dir", root, "validate").stdout.splitlines()
    prefixes = [f"{path}:{n}:" for n in lines] if lines else [f"{path}:"]
    assert any(p.startswith(tuple(prefixes)) for p in problems), (prefixes, problems)


@given(
    invalid_bases(),
    st.lists(st.sampled_from(LINE_ENDINGS), min_size=1, max_size=3),
    st.booleans(),
)
def test_a_wrong_value_is_reported_on_its_line(case, endings, bom):
    (themes, sources, facts), index, key, value = case
    fact = facts[index]
    if key == "contradicts":
        assume(value[0] not in {f["id"] for f in facts})
    fact[key] = value
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "facts"
        written = write_base(root, themes, sources, facts)
        path = root / "items" / "facts.yaml"
        path.write_bytes(reencode(written.text, endings, bom))
        # The problem is on the changed line, or on the fact's first line when the
        # change breaks a rule about the whole fact (a figure left without a quote).
        where = written.lines[index]
        check_refused(root, path, range(where["id"], where[key] + 1))


@given(valid_bases(), st.data())
def test_bytes_that_are_not_utf8_are_reported_on_their_line(base, data):
    themes, sources, facts = base
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "facts"
        written = write_base(root, themes, sources, facts)
        path = root / "items" / "facts.yaml"
        lines = written.text.split("\n")
        line = data.draw(st.integers(1, len(lines) - 1))
        bad = data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9t\xe9"]))
        raw = "\n".join(lines[: line - 1]).encode() + (b"\n" if line > 1 else b"")
        raw += bad + "\n".join(lines[line - 1 :]).encode()
        path.write_bytes(raw)
        check_refused(root, path, range(line, line + 1))


@given(valid_bases(), st.data())
def test_broken_yaml_is_reported_in_its_file(base, data):
    themes, sources, facts = base
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "facts"
        written = write_base(root, themes, sources, facts)
        path = root / "items" / "facts.yaml"
        lines = written.text.split("\n")
        line = data.draw(st.integers(1, len(lines) - 1))
        junk = data.draw(
            st.sampled_from(["  : [unclosed", "- {a: }}", "\t- tab", "  - &anchor x", "*alias"])
        )
        path.write_text("\n".join([*lines[: line - 1], junk, *lines[line - 1 :]]), encoding="utf-8")
        check_refused(root, path, None)


@given(
    valid_bases(), st.lists(st.sampled_from(LINE_ENDINGS), min_size=1, max_size=3), st.booleans()
)
def test_line_endings_and_byte_order_marks_change_nothing(base, endings, bom):
    themes, sources, facts = base
    with tempfile.TemporaryDirectory() as tmp:
        plain, other = Path(tmp) / "plain", Path(tmp) / "other"
        write_base(plain, themes, sources, facts)
        write_base(other, themes, sources, facts)
        for path in other.rglob("*.yaml"):
            path.write_bytes(reencode(path.read_text(encoding="utf-8"), endings, bom))
        first = invoke("--facts-dir", plain, "brief", "-f", "json", "--pages", "0")
        second = invoke("--facts-dir", other, "brief", "-f", "json", "--pages", "0")
        assert first.exit_code == second.exit_code == 0
        assert first.stdout == second.stdout


# -- the JSON writer ------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(json_values)
def test_json_is_written_as_json_dumps_writes_it(value):
    from briefgen.jsontext import dumps

    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@given(st.dictionaries(st.text(), json_values, max_size=3), st.lists(json_values, max_size=5))
def test_a_listing_made_item_by_item_is_the_same_document(head, items):
    from briefgen.jsontext import dumps, iter_listing

    head.pop("facts", None)
    assert "".join(iter_listing(head, "facts", iter(items))) == dumps({**head, "facts": items})


@given(st.text(st.one_of(st.characters(), st.sampled_from(MARKUP + "\t\n\r\x85\u2028&;#"))))
def test_markdown_escaping_skips_only_what_changes_nothing(text):
    from briefgen.renderers import markdown

    # the substitutions escape() makes, made unconditionally
    expected = FOLDABLE_SPACE.sub(" ", text)
    expected = markdown._SPECIAL.sub(r"\\\1", expected)
    expected = markdown._LIST_START.sub(
        lambda m: "\\" + m[1] if m[1] in "-+" else m[1] + "\\", expected, count=1
    )
    assert markdown.escape(text) == expected
