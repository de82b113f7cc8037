"""briefgen build: the [[brief]] tables of briefgen.toml, written in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build import check_pattern, confine
from briefgen.errors import UsageError

needs_pdf_tools = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")


@pytest.fixture
def project(tmp_path: Path, pact: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory holding a copy of the pact base; the working directory."""
    shutil.copytree(pact, tmp_path / "facts")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def summary(stderr: str) -> list[str]:
    """The summary table's lines, its head first."""
    lines = stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("Brief ")) :]


def configure(project: Path, text: str) -> None:
    (project / "briefgen.toml").write_text(
        'facts-dir = "facts"\nmarking = "OFFICIAL"\n\n' + text, encoding="utf-8"
    )


BRIEFS = """\
[[brief]]
name = "security"
theme = ["security"]
output = "out/{theme}-{lang}-{date}.md"

[[brief]]
name = "both-fr"
theme = ["security", "trade"]
lang = "fr"
style = "chicago"
output = "out/{name}/{theme}.html"

[[brief]]
name = "everything"
output = "out/{theme}-{date}.json"
pages = 0

[[brief]]
name = "word"
theme = "trade"
output = "out/{theme}.docx"
"""


def test_every_brief_is_written_as_brief_would_write_it(run, project):
    configure(project, BRIEFS)
    result = run("build")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    out = project / "out"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "all-2025-12-01.json",
        "both-fr/security+trade.html",
        "security-en-2025-12-01.md",
        "trade.docx",
    ]
    same = [
        ("security-en-2025-12-01.md", ("-t", "security", "-f", "md")),
        (
            "both-fr/security+trade.html",
            ("-t", "security", "-t", "trade", "--lang", "fr", "--style", "chicago", "-f", "html"),
        ),
        ("all-2025-12-01.json", ("--pages", "0", "-f", "json")),
    ]
    for name, options in same:
        brief = run("--facts-dir", "facts", "brief", "--marking", "OFFICIAL", *options)
        assert (out / name).read_text(encoding="utf-8") == brief.stdout, name
    run("--facts-dir", "facts", "brief", "-t", "trade", "--marking", "OFFICIAL", "-o", "t.docx")
    assert (out / "trade.docx").read_bytes() == (project / "t.docx").read_bytes()


def test_the_summary_says_what_each_brief_holds(run, project):
    configure(project, BRIEFS)
    stderr = run("build").stderr
    assert stderr.startswith("briefgen: using settings from briefgen.toml (not a trusted")
    lines = summary(stderr)
    assert lines[0].split() == ["Brief", "File", "Pages", "Facts", "Omitted", "Time"]
    name, file, pages, facts, omitted, seconds, unit = lines[1].split()
    assert (name, file, pages, facts, omitted, unit) == (
        "security",
        "out/security-en-2025-12-01.md",
        "–",
        "6",  # as the JSON brief's summary counts them
        "0",
        "s",
    )
    assert float(seconds) >= 0
    assert [line.split()[0] for line in lines[1:]] == ["security", "both-fr", "everything", "word"]
    assert run("--quiet", "build").stderr == ""


@needs_pdf_tools
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pdfs_are_byte_for_byte_those_of_brief(run, project, jobs):
    configure(
        project,
        '[[brief]]\nname = "a4"\ntheme = ["security"]\noutput = "{name}.pdf"\n\n'
        '[[brief]]\nname = "letter"\npaper = "letter"\nlang = "fr"\noutput = "{paper}.pdf"\n\n'
        '[[brief]]\nname = "mail"\nformat = "eml"\nto = ["desk@example.org"]\n'
        'from = "briefs@example.org"\nattach-pdf = true\noutput = "{name}.eml"\n',
    )
    result = run("build", "--jobs", jobs)
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in summary(result.stderr)[1:]}
    assert rows["a4"][1:3] == ["a4.pdf", "1"]
    assert rows["mail"][1:3] == ["mail.eml", "1"]  # the pages of the PDF it carries
    for name, options in [
        ("a4.pdf", ("-t", "security")),
        ("letter.pdf", ("--paper", "letter", "--lang", "fr")),
        (
            "mail.eml",
            (
                "-f",
                "eml",
                "--to",
                "desk@example.org",
                "--from",
                "briefs@example.org",
                "--attach-pdf",
            ),
        ),
    ]:
        target = project / f"brief-{name}"
        made = run("--facts-dir", "facts", "brief", "--marking", "OFFICIAL", "-o", target, *options)
        assert made.exit_code == 0, made.stderr
        assert (project / name).read_bytes() == target.read_bytes(), name


def test_named_briefs_only(run, project):
    configure(project, BRIEFS)
    result = run("build", "word", "security")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        "security-en-2025-12-01.md",
        "trade.docx",
    ]
    unknown = run("build", "wrod")
    assert unknown.exit_code == 2
    assert "unknown brief 'wrod'; briefgen.toml declares: security, both-fr, everything, word" in (
        unknown.stderr
    )


def test_dry_run_lists_and_writes_nothing(run, project):
    configure(project, BRIEFS + '\n[[brief]]\nname = "new"\nnew-since = "2030"\noutput = "n.md"\n')
    result = run("build", "--dry-run")
    assert result.exit_code == 4
    assert result.stdout.splitlines() == [
        "security    md    out/security-en-2025-12-01.md",
        "both-fr     html  out/both-fr/security+trade.html",
        "everything  json  out/all-2025-12-01.json",
        "word        docx  out/trade.docx",
        "new         md    n.md  (nothing to say: skipped)",
    ]
    assert not (project / "out").exists()


def test_an_empty_brief_is_skipped_and_exits_4_unless_allowed(run, project):
    empty = '[[brief]]\nname = "new"\nnew-since = "2030"\noutput = "new.md"\n'
    configure(project, BRIEFS + "\n" + empty)
    result = run("build")
    assert result.exit_code == 4
    assert "new: nothing to say; skipped" in result.stderr
    assert not (project / "new.md").exists()
    assert (project / "out" / "trade.docx").exists()  # the others are written
    quiet = run("--quiet", "build")
    assert quiet.exit_code == 4 and quiet.stderr == ""

    configure(project, BRIEFS + "\n" + empty + "allow-empty = true\n")
    assert run("build").exit_code == 0
    assert "Nothing new." in (project / "new.md").read_text(encoding="utf-8")


def test_a_failure_does_not_stop_the_others_unless_fail_fast(run, project):
    (project / "blocked").write_text("a file where a directory should be", encoding="utf-8")
    failing = '[[brief]]\nname = "blocked"\noutput = "blocked/{name}.md"\n\n'
    configure(project, failing + BRIEFS)
    result = run("--quiet", "build", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "briefgen: error: blocked: cannot write blocked/blocked.md: blocked is not a directory"
    )
    assert len(result.stderr.splitlines()) == 1
    assert (project / "out" / "trade.docx").exists()

    shutil.rmtree(project / "out")
    fast = run("build", "--jobs", "1", "--fail-fast")
    assert fast.exit_code == 1
    assert not (project / "out").exists()
    assert "not made (--fail-fast)" in fast.stderr


def test_an_invalid_base_writes_nothing(run, project):
    configure(project, BRIEFS)
    items = project / "facts" / "items" / "security.yaml"
    items.write_text(items.read_text(encoding="utf-8") + "- id: broken\n", encoding="utf-8")
    result = run("build")
    assert result.exit_code == 3
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('theme = ["security"]\noutput = "x.md"\n', "briefgen.toml:4: a [[brief]] needs a name"),
        ('name = "a b"\noutput = "x.md"\n', "briefgen.toml:5: name: a [[brief]] needs a name"),
        ('name = "x"\n', "briefgen.toml:4: brief 'x' needs an output file"),
        ('name = "x"\noutput = "{topic}.md"\n', "briefgen.toml:6: output: unknown placeholder"),
        ('name = "x"\noutput = "{theme!r}.md"\n', "output: unknown placeholder {theme}"),
        ('name = "x"\noutput = "x.md"\nlnag = "fr"\n', "briefgen.toml:7: lnag: unknown key"),
        ('name = "x"\noutput = "x.md"\npages = -1\n', "briefgen.toml:7: pages:"),
        ('name = "x"\noutput = "x.md"\nfacts-dir = "f"\n', "7: facts-dir: is set for the whole"),
        ('name = "x"\noutput = "x.md"\ntheme = ["nope"]\n', "briefgen.toml:4: brief 'x': unknown"),
        ('name = "x"\noutput = "x.bin"\n', "cannot tell the format of 'x.bin'"),
        ('name = "x"\noutput = "../x.md"\n', "briefgen.toml:4: brief 'x': output ../x.md lies"),
        ('name = "x"\noutput = "/tmp/x.md"\n', "output /tmp/x.md lies outside"),
        ('name = "x"\noutput = "~/x.md"\n', "lies outside"),
        ('name = "x"\noutput = "a.md"\n\n[[brief]]\nname = "x"\noutput = "b.md"\n', "9: name: two"),
        (
            'name = "x"\noutput = "a.md"\n\n[[brief]]\nname = "y"\noutput = "a.md"\n',
            "briefgen.toml:8: briefs 'x' and 'y' both write a.md",
        ),
    ],
)
def test_a_wrong_table_is_a_usage_error_with_its_line(run, project, table, message):
    configure(project, "[[brief]]\n" + table)
    result = run("build")
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert not any(p.suffix in (".md", ".docx") for p in project.iterdir())


def test_settings_above_the_tables_and_profiles_hold_for_every_brief(run, project, monkeypatch):
    configure(
        project,
        'author = "Desk"\n\n[profile.weekly]\nnew-since = "2025-03-01"\n\n'
        '[[brief]]\nname = "md"\noutput = "{name}.md"\n',
    )
    monkeypatch.setenv("BRIEFGEN_BRIEF_LANG", "fr")  # the environment does not change a table
    assert run("--profile", "weekly", "build").exit_code == 0
    text = (project / "md.md").read_text(encoding="utf-8")
    assert text.startswith("**OFFICIAL**\n\n# The Northland–Eastland pact\n\n*New since 1 March")
    assert "Desk" in text
    # brief, in the same directory, still reads its settings and ignores the tables.
    brief = run("brief", "-f", "md")
    assert brief.exit_code == 0 and brief.stdout.startswith("**OFFICIAL**")


def test_without_a_configuration(run, project):
    result = run("build")
    assert result.exit_code == 2
    assert "no briefgen.toml here" in result.stderr
    configure(project, "")
    assert "no [[brief]] tables" in run("build").stderr


# -- where an output may go -------------------------------------------------------


def test_confine_keeps_outputs_inside_the_directory_of_the_configuration(tmp_path):
    root = tmp_path / "project"
    (root / "out").mkdir(parents=True)
    assert confine(Path("out/a.pdf"), root) == root.resolve() / "out" / "a.pdf"
    assert confine(Path("new/deeper/a.pdf"), root) == root.resolve() / "new" / "deeper" / "a.pdf"
    assert confine(root / "out" / "a.pdf", root) == root.resolve() / "out" / "a.pdf"
    for escape in ("../a.pdf", "out/../../a.pdf", "/tmp/a.pdf", str(tmp_path / "a.pdf")):
        with pytest.raises(UsageError, match="lies outside"):
            confine(Path(escape), root)
    with pytest.raises(UsageError, match="names a directory"):
        confine(Path("out/.."), root)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "link").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="lies outside"):
        confine(Path("link/a.pdf"), root)
    # A link in the file's own place is refused: neither followed nor replaced.
    (root / "out" / "b.pdf").symlink_to(elsewhere / "b.pdf")
    with pytest.raises(UsageError, match="is a symbolic link"):
        confine(Path("out/b.pdf"), root)

    # A directory the user trusts may write where it says.
    assert confine(Path("link/a.pdf"), root, trusted=True) == elsewhere.resolve() / "a.pdf"
    assert confine(Path("../a.pdf"), root, trusted=True) == tmp_path.resolve() / "a.pdf"


def test_a_trusted_project_writes_where_it_says(run, project, tmp_path, monkeypatch):
    configure(project, '[[brief]]\nname = "x"\noutput = "../shared/{name}.md"\n')
    assert run("build").exit_code == 2
    monkeypatch.setenv("BRIEFGEN_TRUSTED_DIRECTORIES", str(project.parent))  # not this one
    assert run("build").exit_code == 2
    monkeypatch.setenv("BRIEFGEN_TRUSTED_DIRECTORIES", str(project))
    assert run("build").exit_code == 0
    assert (project.parent / "shared" / "x.md").is_file()


def test_an_untrusted_table_sets_no_more_than_the_file(run, project):
    (project / "templates").mkdir()
    configure(project, '[[brief]]\nname = "x"\noutput = "x.html"\ntemplate = "templates"\n')
    result = run("build")
    assert result.exit_code == 2
    assert "briefgen.toml:7: template: a briefgen.toml cannot load templates" in result.stderr


def test_check_pattern():
    check_pattern("out/{name}-{theme}-{lang}-{date}.{format}")
    check_pattern("{{literal}}/{paper}-{style}.pdf")
    for bad in ("{0}.pdf", "{}.pdf", "{name.upper}.pdf", "{date:%Y}.pdf", "{name", "name}"):
        with pytest.raises(ValueError):
            check_pattern(bad)


def test_shell_completion_offers_the_names_of_the_briefs(project, monkeypatch):
    from click.shell_completion import ShellComplete

    from briefgen.cli import cli

    configure(project, BRIEFS)
    complete = ShellComplete(cli, {}, "briefgen", "_BRIEFGEN_COMPLETE")
    names = [item.value for item in complete.get_completions(["build"], "")]
    assert names == ["security", "both-fr", "everything", "word"]
    assert [item.value for item in complete.get_completions(["build"], "b")] == ["both-fr"]
