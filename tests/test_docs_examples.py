"""The shell examples of docs/*.md run as written, in one fresh copy of the project.

The docs follow the README's convention: a command a user types is a ``$ `` line of a
``console`` block, and ``ARTICLES`` stands for the directory of the articles' texts. A block
that cannot run on a new user's machine (a server's paths, a git remote, minutes of
benchmarks) says so on the line before it: ``<!-- not run: why -->``. Every other shell
block (``sh``, ``bash``, ``shell``, ``console`` or unlabelled) fails the test, so no
example escapes it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
SHELL = {"", "console", "sh", "bash", "shell"}
NOT_RUN = re.compile(r"<!-- not run: (.+?) -->\n$")


def _blocks(path: Path) -> list[tuple[int, str, str, str | None]]:
    """(line, language, content, why it is not run) of each fenced block of ``path``."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```(\S*)\n(.*?)^```", text, flags=re.S | re.M):
        before = text[: match.start()]
        why = NOT_RUN.search(before)
        found.append((before.count("\n") + 1, match[1], match[2], why[1] if why else None))
    return found


def _commands(content: str) -> list[str]:
    """The ``$ `` lines of a console block, without their comments."""
    lines = [line[2:] for line in content.splitlines() if line.startswith("$ ")]
    return [re.sub(r"\s+# .*$", "", line) for line in lines]


def _examples() -> list[tuple[str, str]]:
    """(where, command) of every command the docs show to run, in the docs' order."""
    examples = []
    for path in DOCS:
        for line, language, content, why in _blocks(path):
            if language == "console" and why is None:
                examples += [(f"{path.name}:{line}", c) for c in _commands(content)]
    return examples


def test_every_shell_block_of_the_docs_is_run_or_says_why_not():
    unmarked, skipped = [], []
    for path in DOCS:
        for line, language, content, why in _blocks(path):
            if language not in SHELL:
                continue
            if why is not None:
                skipped.append((f"{path.name}:{line}", why))
            elif language != "console" or not _commands(content):
                unmarked.append(f"{path.name}:{line} ({language or 'unlabelled'})")
    assert not unmarked, "shell blocks neither run as `$ ` lines nor marked 'not run'"
    # the few that need a server, a git remote or minutes of benchmarks
    assert len(skipped) <= 11, skipped
    assert len(_examples()) >= 8


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the project's tracked files, and the environment of a new user."""
    home = tmp_path_factory.mktemp("docs")
    project = home / "briefgen"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    (project / "ARTICLES").mkdir()  # the directory of the articles' texts, which a clone has not
    days = re.findall(
        r"^\s*added: (\d{4}-\d{2}-\d{2})",
        "".join(p.read_text(encoding="utf-8") for p in (project / "facts").rglob("*.yaml")),
        flags=re.M,
    )
    latest = datetime.strptime(max(days), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        HOME=str(home / "home"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        SOURCE_DATE_EPOCH=str(int(latest.timestamp())),
        NO_COLOR="1",
    )
    return project, env


@pytest.mark.parametrize(("where", "command"), _examples(), ids=[w for w, _ in _examples()])
def test_a_docs_example_runs_as_written_in_a_fresh_copy(project, where, command):
    directory, env = project
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{where}: $ {command}\n{result.stderr}"
    assert "Traceback" not in result.stderr
