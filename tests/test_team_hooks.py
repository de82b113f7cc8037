"""The pre-commit hooks a team's repository runs: which files start them, and what they run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def _hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_hooks_start_on_fact_files_only():
    hooks = _hooks()
    assert set(hooks) == {"briefgen-validate", "briefgen-verify"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
    validate = re.compile(hooks["briefgen-validate"]["files"])
    verify = re.compile(hooks["briefgen-verify"]["files"])
    for path in (
        "facts/items/military.yaml",
        "facts/items/asia/japan.yml",
        "facts/sources.yaml",
        "base/themes.yaml",
        "themes.yaml",
        "facts/base.yaml",
        "facts/measures.yaml",
    ):
        assert validate.search(path), path
    for path in ("facts/items/military.yaml", "facts/sources.yaml", "facts/texts/004_abc.txt"):
        assert verify.search(path), path
    for path in ("README.md", "src/items.py", "facts/texts/notes.yaml.bak", ".github/ci.yaml"):
        assert not validate.search(path), path
    for path in ("README.md", "facts/themes.yaml", "docs/texts.md"):
        assert not verify.search(path), path


def test_hooks_run_validate_and_verify_in_a_repository(tmp_path, pact):
    """Run each hook's command as pre-commit does: at the top of the repository."""
    shutil.copytree(pact, tmp_path / "facts")
    hooks = _hooks()
    briefgen = [sys.executable, "-m", "briefgen"]

    def hook(name: str) -> subprocess.CompletedProcess[str]:
        entry = hooks[name]["entry"].split()
        assert entry[0] == "briefgen"
        return subprocess.run(
            [*briefgen, *entry[1:], *hooks[name]["args"]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )

    assert hook("briefgen-validate").returncode == 0
    passed = hook("briefgen-verify")
    assert passed.returncode == 0, passed.stderr
    assert "6 quotes in 2 texts checked: no failures" in passed.stderr
    items = tmp_path / "facts" / "items" / "trade.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("1,5 milliard", "2,5 milliards"), encoding="utf-8"
    )
    failed = hook("briefgen-verify")
    assert failed.returncode == 3
    assert "trade-volume: quote not found in moreau-2025" in failed.stdout
    items.write_text("- id: broken\n", encoding="utf-8")
    invalid = hook("briefgen-validate")
    assert invalid.returncode == 3
    assert "facts/items/trade.yaml:1: broken: missing required key 'kind'" in invalid.stdout
