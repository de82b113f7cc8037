"""Digests for scheduled runs: --new-since, --changed-since (directory or git revision)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest


def test_new_since_titles_the_window(run, pact):
    md = run("--facts-dir", pact, "brief", "-f", "md", "--new-since", "2025-03-01").stdout
    assert md.startswith("# The Northland–Eastland pact\n\n*New since 1 March 2025*\n")
    fr = run("--facts-dir", pact, "brief", "-f", "md", "--lang", "fr", "--new-since", "2025-03-01")
    assert "*Nouveau depuis le 1er mars 2025*" in fr.stdout


def edit(base, fact_text, new_text):
    path = base / "items" / "security.yaml"
    path.write_text(path.read_text().replace(fact_text, new_text))


def change_the_base(base):
    edit(
        base,
        "Both governments announced joint drills for the spring.",
        "Joint drills were postponed.",
    )
    trade = base / "items" / "trade.yaml"
    text = trade.read_text()
    trade.write_text(text[: text.index("- id: sanctions-evaded")])  # removes a fact
    (base / "items" / "new.yaml").write_text(
        "- id: border-closed\n  kind: event\n  themes: [security]\n  date: 2025-04-02\n"
        "  text: {en: The border was closed., fr: La frontière a été fermée.}\n"
        "  sources: [{ref: anon-news, locator: '§5'}]\n  added: 2025-04-03\n"
    )


def digest(run, base, ref, *args):
    result = run("--facts-dir", base, "brief", "-f", "json", "--changed-since", ref, *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    items = [*data["key_points"], *(i for s in data["sections"] for i in s["items"])]
    return data, {i["fact"]: i["status"] for i in items}


def test_changed_since_another_directory(run, pact, pact_copy):
    change_the_base(pact_copy)
    data, shown = digest(run, pact_copy, str(pact))
    assert shown == {"drills-announced": "changed", "border-closed": "new"}
    assert [r["fact"] for r in data["removed"]] == ["sanctions-evaded"]
    assert data["subtitle"] == f"Changes since {pact}"
    md = run("--facts-dir", pact_copy, "brief", "-f", "md", "--changed-since", pact).stdout
    assert re.search(
        r"^- \*[^*]+\* Joint drills were postponed\.\[\^1\] \*\(changed\)\*$", md, re.M
    )
    assert (
        "## Removed\n\n- The pact helps Eastland evade international sanctions. (sanctions-evaded)\n"
        in md
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_a_git_revision(run, pact, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(pact, repo / "facts")

    def git(*args):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    change_the_base(repo / "facts")
    git("add", "-A")
    git("commit", "-qm", "second")
    status_before = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True
    ).stdout

    _, shown = digest(run, repo / "facts", "HEAD~1")
    assert shown == {"drills-announced": "changed", "border-closed": "new"}
    # nothing changed since HEAD itself: exit 4, nothing on stdout
    empty = run("--facts-dir", repo / "facts", "brief", "-f", "md", "--changed-since", "HEAD")
    assert (empty.exit_code, empty.stdout) == (4, "")
    assert empty.stderr == "briefgen: error: nothing new, changed or removed since HEAD\n"
    allowed = run(
        "--facts-dir",
        repo / "facts",
        "brief",
        "-f",
        "md",
        "--changed-since",
        "HEAD",
        "--allow-empty",
    )
    assert allowed.exit_code == 0
    assert "*Changes since HEAD*" in allowed.stdout and "Nothing new." in allowed.stdout
    # read-only: the repository is left as it was
    assert (
        subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True
        ).stdout
        == status_before
    )


def test_changed_since_an_unknown_revision(run, pact_copy):
    result = run("--facts-dir", pact_copy, "brief", "--changed-since", "no-such-ref")
    assert result.exit_code == 2
    assert "neither a directory nor a git revision" in result.stderr


@pytest.fixture
def repo(tmp_path, pact):
    """A git repository holding the pact base in facts/, one commit."""
    repo = tmp_path / "repo"
    shutil.copytree(pact, repo / "facts")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    return repo


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_revision_is_read_without_running_its_filters(run, repo, tmp_path):
    # A filter the user's git configuration defines (git-lfs is one), which the
    # repository's .gitattributes asks for on every file: reading a revision must not run it.
    marker = tmp_path / "the filter ran"
    git(repo, "config", "filter.probe.smudge", f"touch '{marker}'; cat")
    git(repo, "config", "filter.probe.clean", "cat")
    (repo / "facts" / ".gitattributes").write_text("* filter=probe\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "attributes")
    marker.unlink(missing_ok=True)  # committing may have run the clean side
    result = run("--facts-dir", repo / "facts", "brief", "-f", "md", "--changed-since", "HEAD")
    assert (result.exit_code, result.stdout) == (4, "")
    assert not marker.exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("committed", ["absolute link", "relative link", "large file"])
def test_what_a_revision_may_not_hold_is_a_clean_error(run, repo, committed):
    from briefgen.store import MAX_FILE_SIZE

    path = repo / "facts" / "items" / "odd.yaml"
    if committed == "absolute link":
        path.symlink_to("/etc/passwd")
    elif committed == "relative link":
        path.symlink_to("trade.yaml")
    else:
        path.write_text("# " + "x" * MAX_FILE_SIZE + "\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "odd")
    git(repo, "rm", "-q", "facts/items/odd.yaml")
    git(repo, "commit", "-qm", "fixed")
    result = run("--facts-dir", repo / "facts", "brief", "-f", "md", "--changed-since", "HEAD~1")
    assert (result.exit_code, result.stdout) == (3, "")
    message = (
        "larger than 8 MiB, the most briefgen reads from one file"
        if committed == "large file"
        else "a symbolic link: links are not read from a git revision"
    )
    assert result.stderr == f"briefgen: error: HEAD~1:facts/items/odd.yaml: {message}\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_revision_is_never_taken_for_an_option_of_git(run, repo):
    result = run("--facts-dir", repo / "facts", "brief", "--changed-since=--output=x")
    assert result.exit_code == 2
    assert "neither a directory nor a git revision" in result.stderr
    assert not (repo / "facts" / "x").exists()
