"""Shell completion: the scripts, and theme and source ids offered from the base."""

from __future__ import annotations

import subprocess


def test_completion_offers_theme_ids(pact):
    import os
    import sys

    env = {
        **os.environ,
        "_BRIEFGEN_COMPLETE": "bash_complete",
        "COMP_WORDS": "briefgen brief -t s",
        "COMP_CWORD": "3",
        "BRIEFGEN_FACTS_DIR": str(pact),
    }
    result = subprocess.run(
        [sys.executable, "-m", "briefgen"], env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["plain,security"]


def test_completion_script(run):
    result = run("completion", "zsh")
    assert result.exit_code == 0
    assert "_BRIEFGEN_COMPLETE=zsh_complete" in result.stdout
