"""The README's examples run as written, in a fresh copy of the project."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _commands(text: str) -> list[str]:
    """The ``$ ...`` lines of the console blocks of ``text``, without their comments."""
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    lines = [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]
    return [re.sub(r"\s+# .*$", "", line) for line in lines]


def _latest_addition() -> str:
    """SOURCE_DATE_EPOCH of the day the shipped base last grew: the tour's "this week"."""
    days = re.findall(r"^\s*added: (\d{4}-\d{2}-\d{2})", _all_facts(), flags=re.M)
    day = datetime.strptime(max(days), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    return str(int(day.timestamp()))


def _all_facts() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "facts").rglob("*.yaml"))


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the project's fact base and examples, and the environment of a new user:
    no configuration, ``briefgen`` on the PATH, a ``sendmail`` that keeps what it is sent."""
    project = tmp_path / "briefgen"
    project.mkdir()
    shutil.copytree(ROOT / "facts", project / "facts")
    shutil.copytree(ROOT / "examples", project / "examples", ignore=shutil.ignore_patterns("out"))
    tools = tmp_path / "bin"
    tools.mkdir()
    sendmail = tools / "sendmail"
    sendmail.write_text(f'#!/bin/sh\ncat > "{tmp_path}/sent.eml"\n')
    sendmail.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env.update(
        PATH=os.pathsep.join([str(tools), str(Path(sys.executable).parent), env.get("PATH", "")]),
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        SOURCE_DATE_EPOCH=_latest_addition(),
        NO_COLOR="1",
    )
    return project, env


def test_the_tour_runs_as_written_in_a_fresh_copy(clone):
    project, env = clone
    commands = _commands(_section("A tour"))
    assert len(commands) >= 10 and all("briefgen " in c for c in commands)
    # ARTICLES stands for the directory of the articles' texts, which a clone has not
    (project / "ARTICLES").mkdir()
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command}"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"$ {command}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    for name in ("military.md", "military.pdf", "military.docx"):
        assert (project / name).stat().st_size > 1000, name
    assert (project / "military.pdf").read_bytes().startswith(b"%PDF-")
    built = sorted(p.name for p in (project / "examples" / "out").iterdir())
    assert len(built) == 3 and {Path(n).suffix for n in built} == {".pdf", ".docx", ".md"}
    sent = email.message_from_bytes((project.parent / "sent.eml").read_bytes())
    assert sent["To"] == "desk@example.org" and sent["From"] == "briefs@example.org"


def test_sources_import_prints_what_the_readme_shows(clone):
    project, env = clone
    block = _section("Adding to the base")
    example = re.search(r"```console\n(\$ briefgen sources import .*?)```", block, flags=re.S)
    assert example, "the README shows sources import"
    # each command, and what it prints, as the README shows them
    shown = re.split(r"^\$ ", example[1], flags=re.M)[1:]
    assert len(shown) == 3
    code = None
    for step in shown:
        command, _, output = step.partition("\n")
        if command == "echo $?":
            assert output == f"{code}\n"
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True
        )
        code = result.returncode
        assert result.stdout + result.stderr == output, f"$ {command}"
    assert code == 3


def test_the_python_api_examples_run_as_written(clone):
    project, env = clone
    blocks = re.findall(r"```python\n(.*?)```", _section("Python API"), flags=re.S)
    assert len(blocks) >= 2
    five = blocks[0].strip().splitlines()
    assert len([line for line in five if line.strip()]) <= 5  # "a brief in five lines"
    outputs = []
    for block in blocks:
        result = subprocess.run(
            [sys.executable, "-c", block],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0].startswith("# ") and "[^1]:" in outputs[0]  # a brief, in Markdown
    assert (project / "military.pdf").read_bytes().startswith(b"%PDF-")
