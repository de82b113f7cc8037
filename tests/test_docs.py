"""The documentation that is made from the code is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_reference_is_made_from_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "README.md", "docs/commands.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        "the command reference is out of date: run 'cog -r README.md docs/commands.md'\n"
        + result.stdout
        + result.stderr
    )
