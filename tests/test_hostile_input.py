"""Hostile fact files: bidirectional and control characters, huge texts, alias bombs,
deep nesting, links out of the base, script URLs, markup in every field that reaches a brief.

Fact files are curated data, so what could mislead a reader is refused when the
base is read (``file:line: id: message``, exit 3) rather than neutralised in
each renderer; what is merely special to a format (Markdown, rich markup) is
escaped by that format's renderer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FACT = """- id: hostile
  kind: event
  themes: [trade]
  text:
    en: {text}
    fr: Texte.
  sources: [{{ref: moreau-2025, locator: "§1"}}]
"""
EN_LINE = 5  # line of "en:" within FACT


def add_fact(base: Path, text: str, encoding: str = "utf-8") -> tuple[Path, int]:
    """Append a fact whose English text is the YAML ``text``; the file and the text's line."""
    path = base / "items" / "trade.yaml"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + FACT.format(text=text), encoding=encoding)
    return path, before.count("\n") + EN_LINE


def bidi_message(char: str) -> str:
    return (
        f"U+{ord(char):04X} {unicodedata.name(char)} is not allowed: "
        "bidirectional controls can make text display differently from what it says"
    )


@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_bidirectional_controls_are_refused_as_written(run, pact_copy, char):
    path, line = add_fact(pact_copy, f"Costs rose {char}by 4% in 2024.")
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == f"{path}:{line}: hostile: {bidi_message(char)}\n"


@pytest.mark.parametrize(
    ("escaped", "message"),
    [
        (r'"Costs \u202erose"', bidi_message("\u202e")),
        (r'"Costs \u2066rose\u2069"', bidi_message("\u2066")),
        (r'"\e[31mred\e[0m"', "control character U+001B is not allowed (only tab and newline are)"),
        (r'"line\rspoofed"', "control character U+000D is not allowed (only tab and newline are)"),
        (r'"nul\0byte"', "control character U+0000 is not allowed (only tab and newline are)"),
        (r'"del\x7f"', "control character U+007F is not allowed (only tab and newline are)"),
        (r'"csi\x9b31m"', "control character U+009B is not allowed (only tab and newline are)"),
    ],
)
def test_escaped_bidirectional_and_control_characters_are_refused(run, pact_copy, escaped, message):
    path, line = add_fact(pact_copy, escaped)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == f"{path}:{line}: hostile: {message}\n"


def test_controls_are_refused_in_sources_and_in_comments_too(run, pact_copy):
    sources = pact_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(
        text.replace('title: "Un pacte à haut risque"', 'title: "Un pacte \\u202eà haut risque"')
        + "# a comment \u2067hiding\u2069 something\n",
        encoding="utf-8",
    )
    lines = sources.read_text(encoding="utf-8").splitlines()
    title = next(n for n, line in enumerate(lines, 1) if "Un pacte" in line)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{sources}:{title}: anon-news: {bidi_message(chr(0x202E))}",
        f"{sources}:{len(lines)}: intel: {bidi_message(chr(0x2067))}",
        f"{sources}:{len(lines)}: intel: {bidi_message(chr(0x2069))}",
    ]


def test_right_to_left_text_tabs_and_line_breaks_are_fine(run, pact_copy):
    # Arabic and Hebrew need no control characters; the implicit marks LRM and RLM are harmless.
    add_fact(pact_copy, '"قال الوزير \u200fإن التجارة\tזה בסדר\u200e (2024)"')
    result = run("--facts-dir", pact_copy, "brief", "-f", "md", "--pages", "0")
    assert result.exit_code == 0, result.stderr
    assert "- قال الوزير \u200fإن التجارة זה בסדר\u200e (2024)[^" in result.stdout


@pytest.mark.parametrize(
    ("where", "old", "new"),
    [
        ("items/trade.yaml", "en: Trade between", "en: {big} Trade between"),
        ("items/trade.yaml", 'quote: "1,5 milliard de dollars"', 'quote: "{big}"'),
        ("items/trade.yaml", 'locator: "§3", quote', 'locator: "{big}", quote'),
        ("sources.yaml", 'title: "Un pacte à haut risque"', 'title: "{big}"'),
        ("themes.yaml", "Trade and sanctions", "{big}"),
    ],
    ids=["fact text", "quote", "locator", "source title", "theme title"],
)
def test_a_megabyte_text_is_refused_quickly(run, pact_copy, where, old, new):
    path = pact_copy / where
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new.format(big="x" * 1_000_000), 1), encoding="utf-8")
    line = next(
        n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "xxx" in row
    )
    start = time.perf_counter()
    result = run("--facts-dir", pact_copy, "validate")
    assert time.perf_counter() - start < 10
    assert result.exit_code == 3
    (problem,) = result.stdout.splitlines()
    assert problem.startswith(f"{path}:{line}: ")
    assert problem.endswith("String should have at most 2000 characters")


def test_the_longest_allowed_text_renders_in_every_format(run, pact_copy):
    words = " ".join(["lengthy*[^1]<b>"] * 200)[:2000]
    add_fact(pact_copy, json.dumps(words))
    for fmt in ("md", "json", "term"):
        start = time.perf_counter()
        result = run("--facts-dir", pact_copy, "brief", "-f", fmt, "--pages", "0", "-t", "trade")
        assert time.perf_counter() - start < 10
        assert result.exit_code == 0


def billion_laughs(levels: int = 9) -> str:
    lines = ['- &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        lines.append(f"- &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_anchor(run, pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    # a billion "lol"s if expanded, after 10,000 lines of harmless comments
    path.write_text("# padding\n" * 10_000 + billion_laughs(), encoding="utf-8")
    start = time.perf_counter()
    result = run("--facts-dir", pact_copy, "validate")
    assert time.perf_counter() - start < 5
    assert result.exit_code == 3
    assert result.stdout == f"{path}:10001: YAML anchors and aliases are not allowed\n"


def test_ampersands_and_asterisks_in_text_are_not_anchors(run, pact_copy):
    add_fact(pact_copy, '"R&D spending *rose* & fell; see note * and &c."')
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("[" * 100_000 + "]" * 100_000 + "\n", 1, "invalid YAML: nested more than 32 levels deep"),
        ("- a\n- " + "[" * 5_000 + "]" * 5_000 + "\n", 2, None),
        ("a:\n" + "".join(" " * n + "a:\n" for n in range(1, 40)) + " " * 40 + "x\n", 33, None),
    ],
    ids=["flow", "flow-second-line", "block"],
)
def test_deep_nesting_is_refused_without_crashing(pact_copy, content, line, message):
    # Run in a process of its own: the crash this guards against was a segmentation fault.
    path = pact_copy / "items" / "trade.yaml"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--facts-dir", pact_copy, "validate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    expected = message or "invalid YAML: nested more than 32 levels deep"
    assert result.stdout == f"{path}:{line}: {expected}\n"


def test_a_character_yaml_does_not_allow_is_one_line_with_its_line(run, pact_copy):
    # Written, not escaped: the YAML parser itself refuses it, after accented text
    # (libyaml counts its position in bytes).
    path, line = add_fact(pact_copy, "Café \x07 bell")
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == (
        f"{path}:{line}: invalid YAML: character U+0007 is not allowed in a YAML file\n"
    )


def test_a_linked_items_directory_outside_the_base_is_refused(run, pact_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(pact_copy / "items", outside)
    (pact_copy / "items").symlink_to(outside, target_is_directory=True)
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    # One line for the directory: what it links to is not walked.
    assert result.stdout.splitlines() == [f"{pact_copy}/items: links outside the fact directory"]


def test_links_inside_the_base_are_followed(run, pact_copy):
    shared = pact_copy / "shared"
    shared.mkdir()
    shutil.move(pact_copy / "items" / "trade.yaml", shared / "trade.yaml")
    (pact_copy / "items" / "trade.yaml").symlink_to(Path("..") / "shared" / "trade.yaml")
    assert run("--facts-dir", pact_copy, "validate").exit_code == 0


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_link_is_reported(run, pact_copy, kind):
    link = pact_copy / "items" / "broken.yaml"
    link.symlink_to(pact_copy / "items" / ("missing.yaml" if kind == "dangling" else "broken.yaml"))
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout.startswith(f"{link}: cannot read: ")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https://example.org/a b",
        'https://example.org/"><script>',
        "https://example.org/moreau-2025\n",  # a trailing line break would end a Markdown note
    ],
)
def test_only_web_addresses_are_accepted_as_source_urls(run, pact_copy, url):
    sources = pact_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(
        text.replace("URL: https://example.org/moreau-2025", f"URL: {json.dumps(url)}"),
        encoding="utf-8",
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith("URL:"))
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert result.stdout == (
        f"{sources}:{line}: moreau-2025: URL: URL must be an http:// or https:// address "
        "without spaces\n"
    )


MARKUP = "*x* _y_ [^9] <b>b</b> [bold]rich[/bold] {{ j }} | cell | `code`"


@pytest.fixture
def markup_everywhere(pact_copy):
    """Markup in every field that reaches a brief besides fact text (tested in test_hostile_text)."""

    def put(name: str, old: str, new: str) -> None:
        path = pact_copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    value = json.dumps(MARKUP)
    put("themes.yaml", "{en: Security cooperation,", f"{{en: {value},")
    put("sources.yaml", 'title: "Eastland troops seen at the border"', f"title: {value}")
    put("sources.yaml", "[{literal: Wire Agency}]", f"[{{literal: {value}}}]")
    put("sources.yaml", "publisher: Institut d'études fictives", f"publisher: {value}")
    put(
        "items/security.yaml",
        'locator: "§2", quote: "environ',
        f'locator: {value}, quote: "environ',
    )
    put("items/security.yaml", "unit: soldiers}", f"unit: {value}}}")
    (pact_copy / "measures.yaml").write_text(
        f"- id: troops-deployed\n  title: {{en: {value}, fr: {value}}}\n", encoding="utf-8"
    )
    return pact_copy


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_markup_in_any_field_stays_text_in_markdown(run, markup_everywhere):
    result = run("--facts-dir", markup_everywhere, "brief", "-f", "md", "--pages", "0")
    assert result.exit_code == 0, result.stdout + result.stderr
    html = subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "html", "--wrap=none"],
        input=result.stdout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<b>" not in html and "<em>x</em>" not in html and "<code>" not in html
    assert html.count("*x* _y_ [^9] &lt;b&gt;b&lt;/b&gt; [bold]rich[/bold] {{ j }} | cell |") >= 5
    calls = re.findall(r'href="#fn(\d+)"', html)
    notes = re.findall(r'id="fn(\d+)"', html)
    assert calls == notes == [str(n) for n in range(1, len(notes) + 1)]


def test_markup_in_any_field_stays_text_in_the_terminal_and_json(run, markup_everywhere):
    term = run("--facts-dir", markup_everywhere, "brief", "-f", "term", "--width", "300")
    assert term.exit_code == 0
    assert term.stdout.count("[bold]rich[/bold]") >= 4
    data = json.loads(run("--facts-dir", markup_everywhere, "brief", "-f", "json").stdout)
    assert data["themes"][0]["title"] == MARKUP
    assert any(MARKUP in note["text"] for note in data["notes"])


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP SECRET\n")
    return path


@pytest.mark.parametrize("include", ["secret.txt", "../secret.txt"], ids=["link", "parent"])
def test_a_template_cannot_include_a_file_outside_its_directory(
    run, pact, tmp_path, secret, include
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "secret.txt").symlink_to(secret)
    (templates / "brief.html.j2").write_text(f'<p>{{% include "{include}" %}}</p>\n')
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", templates)
    assert result.exit_code == 1
    assert "TOP SECRET" not in result.stdout + result.stderr
    assert result.stderr.startswith("briefgen: error: template brief.html.j2:1: ")


def test_a_template_linking_outside_is_refused_not_replaced(run, pact, tmp_path, secret):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.html.j2").symlink_to(secret)
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", templates)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "briefgen: error: template brief.html.j2: "
        "brief.html.j2 links outside the template directory\n"
    )


def test_links_inside_the_template_directory_are_followed(run, pact, tmp_path):
    templates = tmp_path / "templates"
    (templates / "parts").mkdir(parents=True)
    (templates / "parts" / "title.j2").write_text("<h1>{{ brief.title }}</h1>")
    (templates / "title.j2").symlink_to(Path("parts") / "title.j2")
    (templates / "brief.html.j2").write_text('{% include "title.j2" %}\n')
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", templates)
    assert (result.exit_code, result.stdout) == (0, "<h1>The Northland–Eastland pact</h1>")


# -- what a fact file may be: a regular file inside the base, of reasonable size ----------


def briefgen_process(*args: object, env: dict[str, str] | None = None, memory: int | None = None):
    """briefgen in a process of its own, given 30 s (and ``memory`` bytes of address space)."""
    import resource

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "briefgen", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
    )


@pytest.mark.parametrize("cache", ["1", "0"], ids=["cache", "no-cache"])
def test_a_named_pipe_is_reported_not_waited_on(pact_copy, cache):
    pipe = pact_copy / "items" / "x.yaml"
    os.mkfifo(pipe)
    result = briefgen_process("--facts-dir", pact_copy, "validate", env={"BRIEFGEN_CACHE": cache})
    assert (result.returncode, result.stdout) == (
        3,
        f"{pipe}: cannot read: a named pipe, not a file\n",
    )


def test_completion_does_not_wait_on_a_named_pipe(pact_copy):
    os.mkfifo(pact_copy / "items" / "x.yaml")
    result = briefgen_process(
        env={
            "_BRIEFGEN_COMPLETE": "bash_complete",
            "COMP_WORDS": "briefgen brief -t s",
            "COMP_CWORD": "3",
            "BRIEFGEN_FACTS_DIR": str(pact_copy),
        }
    )
    assert (result.returncode, result.stdout.strip()) == (0, "")  # a broken base: nothing


def test_a_link_to_a_device_is_refused_before_it_is_read(pact_copy):
    link = pact_copy / "items" / "zero.yaml"
    link.symlink_to("/dev/zero")
    # Reading /dev/zero would never end: it would fill the 2 GiB the process is given.
    result = briefgen_process("--facts-dir", pact_copy, "validate", memory=2 << 30)
    assert (result.returncode, result.stdout) == (3, f"{link}: links outside the fact directory\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_inside_the_base_is_refused_unread(pact_copy):
    import stat

    device = pact_copy / "items" / "zero.yaml"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    result = briefgen_process("--facts-dir", pact_copy, "validate", memory=2 << 30)
    assert (result.returncode, result.stdout) == (
        3,
        f"{device}: cannot read: a device, not a file\n",
    )


def test_a_file_over_the_size_limit_is_refused_unread(run, pact_copy):
    from briefgen.store import MAX_FILE_SIZE

    big = pact_copy / "items" / "big.yaml"
    big.write_text("# " + "x" * MAX_FILE_SIZE + "\n")
    start = time.perf_counter()
    result = run("--facts-dir", pact_copy, "validate")
    assert time.perf_counter() - start < 5
    assert result.exit_code == 3
    assert result.stdout == f"{big}: larger than 8 MiB, the most briefgen reads from one file\n"


def test_thousands_of_problems_in_one_item_are_counted_not_listed(pact_copy):
    path = pact_copy / "items" / "trade.yaml"
    before = path.read_text(encoding="utf-8")
    start_line = before.count("\n") + 1
    keys = "".join(f"  key{n}: {n}\n" for n in range(40_000))
    path.write_text(
        before + "- id: many-keys\n  kind: event\n  themes: [trade]\n"
        "  text: {en: A., fr: B.}\n  sources: [{ref: moreau-2025}]\n" + keys,
        encoding="utf-8",
    )
    start = time.perf_counter()
    result = briefgen_process("--facts-dir", pact_copy, "validate")
    assert time.perf_counter() - start < 10  # it took minutes: each key was looked up in all
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert len(lines) == 21
    first_key = start_line + 5
    assert lines[0] == f"{path}:{first_key}: many-keys: unknown key 'key0'"
    assert (
        lines[-1] == f"{path}:{first_key + 19}: many-keys: … and 39980 more problems in this item"
    )


# -- messages: whatever a file name, an id or an argument holds, it reaches the terminal inert --

OSC_TITLE = "\x1b]0;owned\x07"  # retitles the terminal
OSC_CLIPBOARD = "\x1b]52;c;ZWNobyBvd25lZA==\x07"  # writes the clipboard
CSI = "\x9b2J"  # C1: clears the screen
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_messages_escape_control_and_bidirectional_characters(run, pact_copy):
    odd = pact_copy / "items" / f"{OSC_CLIPBOARD}\u202e.yaml"
    odd.write_text("- [unclosed\n")
    add_fact(pact_copy, '"text"')  # a fact with an id to spoil
    trade = pact_copy / "items" / "trade.yaml"
    trade.write_text(trade.read_text().replace("id: hostile", f"id: {json.dumps(OSC_TITLE + CSI)}"))
    result = run("--facts-dir", pact_copy, "validate")
    assert result.exit_code == 3
    assert not RAW.search(result.stdout + result.stderr)
    assert r"\x1b]52;c;ZWNobyBvd25lZA==\x07\u202e.yaml:2: invalid YAML:" in result.stdout
    assert r": \x1b]0;owned\x07\x9b2J: id: String should match pattern" in result.stdout
    brief = run("--facts-dir", pact_copy, "brief")
    assert brief.exit_code == 3 and brief.stderr.startswith("briefgen: error: ")
    assert not RAW.search(brief.stdout + brief.stderr)
    assert r"\x1b]" in brief.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["brief", "--theme", OSC_TITLE],
        ["brief", "--format", OSC_TITLE],
        [f"--{OSC_TITLE}"],
        ["brief", "--changed-since", OSC_CLIPBOARD],
        [OSC_CLIPBOARD],
    ],
    ids=["our error", "click's bad value", "click's unknown option", "a revision", "a command"],
)
def test_usage_errors_escape_what_was_typed(run, pact, args):
    result = run("--facts-dir", pact, *args)
    assert result.exit_code == 2
    assert not RAW.search(result.stdout + result.stderr)
    assert r"\x1b]" in result.stderr


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ('"{0}".format_map({})', "IndexError"),
        ('"{x}".format_map({})', "KeyError: 'x'"),
        ("1 // 0", "ZeroDivisionError"),
    ],
)
def test_a_template_that_fails_in_python_is_a_template_error(
    run, pact, tmp_path, expression, error
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.html.j2").write_text(f"<p>\n{{{{ {expression} }}}}</p>\n")
    result = run("--facts-dir", pact, "brief", "-f", "html", "--template", templates)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"briefgen: error: template brief.html.j2:2: {error}")
    assert result.stderr.count("\n") == 1
