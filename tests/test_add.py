"""add: one fact, from options, a document, $EDITOR or questions, appended without disturbing its file."""

from __future__ import annotations

import codecs
import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from briefgen.authoring import appended, item_block
from briefgen.paragraphs import SourceText, paragraph_number

EVENT = (
    "--kind",
    "event",
    "-t",
    "security",
    "--source",
    "moreau-2025",
    "--quote",
    "Le pacte signé le 12 juin 2024",
    "--credibility",
    "2",
    "--text",
    "en=The pact was signed on 12 June 2024.",
    "--text",
    "fr=Le pacte a été signé le 12 juin 2024.",
)


def test_add_from_options_appends_a_valid_verified_fact(run, pact_copy):
    items = pact_copy / "items" / "security.yaml"
    before = items.read_text(encoding="utf-8")
    result = run("--facts-dir", pact_copy, "add", *EVENT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "the-pact-was-signed-12-june\n"
    assert "added the-pact-was-signed-12-june to " in result.stderr
    after = items.read_text(encoding="utf-8")
    assert after.startswith(before)  # the rest of the file is untouched, byte for byte
    assert after[len(before) :] == (
        "- id: the-pact-was-signed-12-june\n"
        "  kind: event\n"
        "  themes: [security]\n"
        "  text:\n"
        '    en: "The pact was signed on 12 June 2024."\n'
        '    fr: "Le pacte a été signé le 12 juin 2024."\n'
        "  sources:\n"
        "    - ref: moreau-2025\n"
        '      locator: "§1"\n'
        '      quote: "Le pacte signé le 12 juin 2024"\n'
        "  credibility: 2\n"
        "  priority: 2\n"
        "  added: 2025-12-01\n"
    )
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0
    verified = run("--facts-dir", pact_copy, "verify")
    assert verified.exit_code == 0, verified.stdout
    assert "no failures" in verified.stderr
    listed = run("--facts-dir", pact_copy, "facts", "--new-since", "2025-12-01", "-f", "json")
    assert [f["id"] for f in json.loads(listed.stdout)["facts"]] == ["the-pact-was-signed-12-june"]


def test_add_finds_the_paragraph_warns_of_a_lost_hedge_and_fills_the_unit(run, pact_copy):
    result = run(
        "--facts-dir",
        pact_copy,
        "add",
        "--kind",
        "figure",
        "-t",
        "security",
        "--source",
        "moreau-2025",
        "--via",
        "wire",
        "--quote",
        "environ 12 000 soldats",
        "--measure",
        "troops-deployed",
        "--value",
        "12000",
        "--credibility",
        "3",
        "--text",
        "en=Some 12,000 soldiers were deployed in October.",
        "--text",
        "fr=Quelque 12 000 soldats ont été déployés en octobre.",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "some-12000-soldiers-were-deployed-october\n"
    assert (
        "warning: some-12000-soldiers-were-deployed-october: the sentence quoted from "
        "moreau-2025 hedges ('selon'), the en and fr texts do not"
    ) in result.stderr
    text = (pact_copy / "items" / "security.yaml").read_text(encoding="utf-8")
    assert '      via: wire\n      locator: "§2"\n' in text
    assert "  quantity: {measure: troops-deployed, value: 12000, unit: soldiers}\n" in text
    assert run("--facts-dir", pact_copy, "verify").exit_code == 0


def test_add_refuses_a_quote_the_source_does_not_hold(run, pact_copy):
    before = _snapshot(pact_copy)
    args = list(EVENT)
    args[args.index("Le pacte signé le 12 juin 2024")] = "Le pacte signé le 13 juin 2024"
    result = run("--facts-dir", pact_copy, "add", *args)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert (
        "briefgen: error: quote not found in "
        f"{pact_copy / 'texts' / 'moreau.txt'} (source moreau-2025): 'Le pacte signé le 13 juin 2024'"
    ) in result.stderr
    assert _snapshot(pact_copy) == before


def test_add_refuses_a_grade_the_scale_rules_out(run, pact_copy):
    before = _snapshot(pact_copy)
    args = list(EVENT)
    args[args.index("--credibility") + 1] = "1"
    result = run("--facts-dir", pact_copy, "add", *args)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        r".*items/security\.yaml:\d+: the-pact-was-signed-12-june: credibility 1 \(confirmed\) "
        r"needs two independent original sources; it has one \(moreau-2025\)",
        lines[0],
    )
    assert lines[-1] == (
        "briefgen: error: the fact would make the base invalid (1 problem); nothing written"
    )
    assert _snapshot(pact_copy) == before


def test_add_refuses_unknown_ids_and_a_duplicate_id_with_file_and_line(run, pact_copy):
    before = _snapshot(pact_copy)
    duplicate = run("--facts-dir", pact_copy, "add", *EVENT, "--id", "pact-signed")
    assert duplicate.exit_code == 3
    assert duplicate.stderr.startswith(
        f"{pact_copy}/items/security.yaml:75: pact-signed: duplicate id "
        f"(first defined at {pact_copy}/items/security.yaml:1)\n"
    )
    args = [*EVENT, "--contradicts", "no-such-fact", "-t", "scurity"]
    result = run("--facts-dir", pact_copy, "add", *args)
    assert result.exit_code == 3
    assert "unknown theme 'scurity' (did you mean 'security'?)" in result.stderr
    assert "contradicts unknown fact 'no-such-fact'" in result.stderr
    assert _snapshot(pact_copy) == before


def test_add_without_a_terminal_names_what_is_missing(run, pact_copy):
    result = run("--facts-dir", pact_copy, "add", "--kind", "figure", "-t", "security")
    assert result.exit_code == 2
    assert result.stderr == (
        "briefgen: error: missing --text en=..., --text fr=..., --source, --measure, "
        "--value (or --low/--high), --unit, --quote (or use --interactive, --edit or --from)\n"
    )


def test_add_refuses_a_file_outside_items_and_the_shipped_base(run, pact_copy, tmp_path):
    result = run("--facts-dir", pact_copy, "add", *EVENT, "--file", pact_copy / "sources.yaml")
    assert result.exit_code == 2
    assert "--file" in result.stderr and "must be a .yaml file in" in result.stderr
    (tmp_path / "elsewhere").mkdir()
    os.chdir(tmp_path / "elsewhere")
    shipped = run("add", *EVENT)
    assert shipped.exit_code == 2
    assert "give --facts-dir DIR" in shipped.stderr


def test_add_cannot_write_exits_1(run, pact_copy):
    (pact_copy / "items" / "sub").write_text("not a directory\n", encoding="utf-8")
    before = _snapshot(pact_copy)
    result = run("--facts-dir", pact_copy, "add", *EVENT, "--file", pact_copy / "items/sub/x.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"briefgen: error: cannot write {pact_copy}/items/sub/x.yaml: ")
    assert _snapshot(pact_copy) == before


def test_add_from_a_yaml_document_on_stdin_into_a_new_file(run, pact_copy):
    document = """
kind: assessment
themes: [law]
text:
  en: The pact could breach international law.
  fr: Le pacte pourrait enfreindre le droit international.
sources:
  - ref: anon-news
    quote: "n'est pas automatique"
credibility: 3
tags: [legal]
"""
    new_file = pact_copy / "items" / "law.yaml"
    result = run(
        "--facts-dir",
        pact_copy,
        "add",
        "--from",
        "-",
        "--id",
        "pact-may-breach-law",
        "--file",
        new_file,
        input=document,
    )
    assert result.exit_code == 0, result.stderr
    written = (pact_copy / "items" / "law.yaml").read_text(encoding="utf-8")
    assert written.startswith("- id: pact-may-breach-law\n  kind: assessment\n")
    assert '    - ref: anon-news\n      locator: "§1"\n' in written
    assert "  tags: [legal]\n" in written
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0


def test_add_from_a_json_file_and_bad_documents(run, pact_copy, tmp_path):
    fact = {
        "kind": "statement",
        "themes": ["trade"],
        "text": {"en": "Trade grew: 1.5 billion dollars.", "fr": "Les échanges ont crû."},
        "sources": [{"ref": "moreau-2025", "quote": "1,5 milliard de dollars"}],
        "credibility": 2,
    }
    path = tmp_path / "fact.json"
    path.write_text(json.dumps(fact), encoding="utf-8")
    result = run("--facts-dir", pact_copy, "add", "--from", path)
    assert result.exit_code == 0, result.stderr
    assert '      locator: "§3"' in (pact_copy / "items" / "trade.yaml").read_text(encoding="utf-8")
    broken = run("--facts-dir", pact_copy, "add", "--from", "-", input="kind: [event\n")
    assert broken.exit_code == 2
    assert broken.stderr.startswith("briefgen: error: --from standard input:2: ")
    listed = run("--facts-dir", pact_copy, "add", "--from", "-", input="- a\n- b\n")
    assert listed.exit_code == 2
    assert "expected one fact (a mapping), found list" in listed.stderr


def test_add_suggests_an_id_not_taken_and_dry_run_writes_nothing(run, pact_copy):
    assert run("--facts-dir", pact_copy, "add", *EVENT).exit_code == 0
    before = _snapshot(pact_copy)
    result = run("--facts-dir", pact_copy, "add", *EVENT, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("- id: the-pact-was-signed-12-june-2\n")
    assert "would add the-pact-was-signed-12-june-2 to " in result.stderr
    assert _snapshot(pact_copy) == before


def test_add_keeps_comments_blank_lines_and_indentation(run, pact_copy):
    items = pact_copy / "items" / "trade.yaml"
    original = items.read_text(encoding="utf-8")
    spaced = "# Trade: figures first.\n\n" + original.replace("\n- id:", "\n\n  # next\n- id:")
    spaced = "".join(
        ("  " + line if line.strip() and not line.startswith("#") else line) + "\n"
        for line in spaced.splitlines()
    )
    items.write_text(spaced, encoding="utf-8")
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0
    result = run("--facts-dir", pact_copy, "add", *EVENT, "-t", "trade", "--file", items)
    assert result.exit_code == 0, result.stderr
    after = items.read_text(encoding="utf-8")
    assert after.startswith(spaced)
    assert after[len(spaced) :].startswith(
        "\n  - id: the-pact-was-signed-12-june\n    kind: event\n"
    )
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0


def test_add_asks_for_each_field_and_asks_again_after_a_wrong_answer(run, pact_copy):
    answers = [
        "The pact's assistance clause is binding.",  # Text (en)
        "La clause d'assistance du pacte est contraignante.",  # Text (fr)
        "assessment",  # Kind
        "secrity",  # Themes: unknown, asked again
        "security law",
        "moreau-2025",  # Source read
        "",  # Via
        "assistance automatique",  # Quote: not in the text, asked again
        "assistance militaire automatique",
        "",  # Locator: the paragraph found (§1)
        "n",  # Another source?
        "",  # Date: the source's date, for an assessment
        "",  # Credibility: 2, the suggestion for a source graded A-E
        "1",  # Priority
        "",  # Contradicts
        "clause",  # Tags
        "",  # Id: the suggestion
        "y",  # Add it?
    ]
    result = run("--facts-dir", pact_copy, "add", "-i", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "the-pact-assistance-clause-binding\n"
    assert "Error: unknown theme secrity; known: security, trade, law" in result.stderr
    assert (
        "Not in " in result.stderr
        and "moreau.txt: copy the words as the text has them" in result.stderr
    )
    assert "Locator [§1]:" in result.stderr
    assert "Credibility (1 confirmed ... 6 cannot be judged) [2]:" in result.stderr
    text = (pact_copy / "items" / "security.yaml").read_text(encoding="utf-8")
    block = text[text.index("- id: the-pact-assistance-clause-binding") :]
    assert "  themes: [security, law]\n  date: 2025-02-03\n" in block
    assert '      locator: "§1"\n      quote: "assistance militaire automatique"\n' in block
    assert "  credibility: 2\n  priority: 1\n" in block
    assert run("--facts-dir", pact_copy, "verify").exit_code == 0


def test_add_asks_and_nothing_is_written_when_declined(run, pact_copy):
    before = _snapshot(pact_copy)
    answers = [""] * 15 + ["n"]
    result = run(
        "--facts-dir",
        pact_copy,
        "add",
        "-i",
        *EVENT,
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 1
    assert result.stderr.endswith("briefgen: error: nothing added\n")
    assert _snapshot(pact_copy) == before


def test_add_edit_opens_the_editor_on_a_scaffold(run, pact_copy, tmp_path, monkeypatch):
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import os, pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        "pathlib.Path(os.environ['SEEN']).write_text(text, encoding='utf-8')\n"
        "text = text.replace('en: \"\"', 'en: \"Troops were seen at the border.\"')\n"
        "text = text.replace('fr: \"\"', 'fr: \"Des troupes ont été vues à la frontière.\"')\n"
        "text = text.replace('ref: \"\"', 'ref: wire').replace('quote: \"\"', 'quote: \"\"')\n"
        "text = text.replace('credibility: \"\"', 'credibility: 2')\n"
        "path.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.setenv("SEEN", str(tmp_path / "scaffold.yaml"))
    result = run("--facts-dir", pact_copy, "add", "--edit", "-t", "security", "--kind", "event")
    assert result.exit_code == 0, result.stderr
    seen = (tmp_path / "scaffold.yaml").read_text(encoding="utf-8")
    assert "# themes: security, trade, law\n" in seen
    assert "kind: event\nthemes: [security]\n" in seen
    assert result.stdout == "troops-were-seen-the-border\n"
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0


def test_add_asks_again_for_a_grade_the_rules_refuse(run, pact_copy):
    answers = [""] * 10 + ["1"] + [""] * 4 + ["2", "y"]
    result = run("--facts-dir", pact_copy, "add", "-i", *EVENT, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "needs two independent original sources; it has one (moreau-2025)" in result.stderr
    assert "  credibility: 2\n" in (pact_copy / "items" / "security.yaml").read_text("utf-8")


def test_add_edit_keeps_a_refused_fact_to_correct_it(run, pact_copy, tmp_path, monkeypatch):
    editor = tmp_path / "keep.py"
    editor.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "path.write_text(path.read_text().replace('13 juin', '12 juin'))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    args = list(EVENT)
    args[args.index("Le pacte signé le 12 juin 2024")] = "Le pacte signé le 13 juin 2024"
    # --from alone refuses the quote and keeps nothing: a script has its document.
    document = tmp_path / "fact.yaml"
    refused = run("--facts-dir", pact_copy, "add", *args, "--dry-run")
    assert refused.exit_code == 3 and "kept in" not in refused.stderr
    # Without the editor fixing it, the edited fact is kept for another try.
    monkeypatch.setenv("EDITOR", "touch")
    kept = run("--facts-dir", pact_copy, "add", "--edit", *args)
    assert kept.exit_code == 3
    match = re.search(r"the fact is kept in (\S+): 'briefgen add --edit --from \1'", kept.stderr)
    assert match, kept.stderr
    Path(match[1]).replace(document)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    fixed = run("--facts-dir", pact_copy, "add", "--edit", "--from", document)
    assert fixed.exit_code == 0, fixed.stderr
    assert fixed.stdout == "the-pact-was-signed-12-june\n"


def test_add_edit_left_empty_adds_nothing(run, pact_copy, tmp_path, monkeypatch):
    editor = tmp_path / "empty.py"
    editor.write_text(
        "import pathlib, sys\npathlib.Path(sys.argv[1]).write_text('# nothing\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    before = _snapshot(pact_copy)
    result = run("--facts-dir", pact_copy, "add", "--edit")
    assert result.exit_code == 1
    assert result.stderr == "briefgen: error: nothing added: the fact is empty\n"
    assert _snapshot(pact_copy) == before


def test_add_on_a_terminal_asks_for_what_is_missing_and_completes_ids(pact_copy):
    """A real pseudo-terminal: the questions start by themselves, Tab completes a theme."""
    answers = [
        ("Text (en):", "Both sides announced drills.\r"),
        ("Text (fr):", "Les deux camps ont annoncé des manœuvres.\r"),
        ("[event]:", "\r"),
        ("Themes:", "secu\t\r"),
        ("Source read [anon-news]:", "\r"),
        ("Via", "\r"),
        ("Quote", "\r"),
        ("Locator", "§3\r"),
        ("Another source?", "n\r"),
        ("Date", "2025-01\r"),
        ("Credibility", "4\r"),
        ("Priority", "3\r"),
        ("Contradicts", "\r"),
        ("Tags", "\r"),
        ("Id [both-sides-announced-drills]:", "\r"),
        ("[Y/n]:", "y\r"),
    ]
    screen = _drive(
        [
            sys.executable,
            "-m",
            "briefgen",
            "--facts-dir",
            str(pact_copy),
            "add",
            "--kind",
            "event",
            "--source",
            "anon-news",
        ],
        answers,
    )
    assert "added both-sides-announced-drills to " in screen
    text = (pact_copy / "items" / "security.yaml").read_text(encoding="utf-8")
    assert "- id: both-sides-announced-drills\n  kind: event\n  themes: [security]\n" in text


@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_text_is_written_so_that_it_reads_back_the_same(text):
    clean = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]", " ", text).split())
    if not clean:
        return
    item = {"id": "x", "text": {"en": clean, "fr": clean}, "tags": [clean, "a"], "priority": 2}
    existing = "# a comment\n- id: y\n  kind: event\n"
    result = appended(existing, [item_block(item)], [item])
    assert result.startswith(existing)


def test_paragraph_locators_of_the_shipped_base_are_found_again(seeds):
    """Every '§N' of the shipped base with a quote, counted again from the other facts' anchors."""
    from briefgen.store import load

    base = load(Path(__file__).resolve().parents[1] / "facts")
    checked = same = 0
    for source in base.sources.values():
        if not source.text:
            continue
        text = SourceText((seeds / source.text).read_text(encoding="utf-8"))
        cited = [(r.locator, r.quote) for f in base.facts for r in f.sources if r.ref == source.id]
        for locator, quote in cited:
            number = paragraph_number(locator)
            where = text.find(quote) if quote and number else []
            if not where:
                continue
            anchors = [a for a in text.anchors(cited) if a[0] != where[0]]
            located = text.locate(quote, anchors)
            assert located is not None
            checked += 1
            same += located.number == number
    assert checked >= 200
    assert same == checked


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _drive(command: list[str], answers: list[tuple[str, str]], timeout: float = 20) -> str:
    """Run ``command`` on a pseudo-terminal, typing each answer once its prompt shows."""
    import pty

    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100"}
    process = subprocess.Popen(
        command, stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True
    )
    os.close(secondary)
    screen, position = "", 0
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    deadline = time.monotonic() + timeout
    try:
        for prompt, answer in answers:
            while prompt not in screen[position:]:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no prompt {prompt!r}; the screen shows:\n{screen}")
                ready, _, _ = select.select([main], [], [], 0.2)
                if ready:
                    try:
                        screen += decoder.decode(os.read(main, 4096))
                    except OSError:
                        break
            position = screen.index(prompt, position) + len(prompt)
            os.write(main, answer.encode("utf-8"))
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    screen += decoder.decode(os.read(main, 4096))
                except OSError:
                    break
        assert process.wait(timeout=5) == 0, screen
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    return screen
