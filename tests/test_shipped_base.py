"""The fact base shipped with briefgen: valid, true to its articles, and a one-page brief per theme."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import SEEDS

from briefgen.paths import package_data

SHIPPED = package_data("facts")
THEMES = ("military", "economy", "china", "japan", "ihl")


def test_shipped_base_is_valid_and_large_enough(run):
    result = run("--facts-dir", SHIPPED, "validate")
    assert result.exit_code == 0, result.stdout
    themes = json.loads(run("--facts-dir", SHIPPED, "themes", "-f", "json").stdout)["themes"]
    assert [t["id"] for t in themes] == list(THEMES)
    assert all(t["facts"] >= 8 for t in themes), themes
    facts = json.loads(run("--facts-dir", SHIPPED, "facts", "-f", "json").stdout)["facts"]
    assert len(facts) >= 90
    assert all(f["text"]["en"] and f["text"]["fr"] for f in facts)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source articles are not at {SEEDS}")
def test_every_quote_is_in_its_article(run):
    result = run("--facts-dir", SHIPPED, "verify", "--texts", SEEDS)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    # No fact states plainly what the sentence it quotes only reports or supposes.
    assert result.stderr.endswith(" in 5 texts checked: no failures, no hedge warnings\n")
    assert "warning:" not in result.stderr


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_theme_gives_a_brief(run, lang):
    for theme in THEMES:
        result = run("--facts-dir", SHIPPED, "brief", "-t", theme, "--lang", lang, "-f", "json")
        assert result.exit_code == 0, (theme, result.stderr)
        brief = json.loads(result.stdout)
        assert len(brief["key_points"]) >= 3, theme
        shown = len(brief["key_points"]) + sum(len(s["items"]) for s in brief["sections"])
        assert shown >= 5, theme
        assert brief["notes"], theme


@pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed"
)
def test_every_theme_prints_on_one_page(run, tmp_path):
    for theme in THEMES:
        target = tmp_path / f"{theme}.pdf"
        result = run(
            "--facts-dir", SHIPPED, "brief", "-t", theme, "--marking", "OFFICIAL", "-o", target
        )
        assert result.exit_code == 0, (theme, result.stderr)
        info = subprocess.run(
            ["pdfinfo", target], capture_output=True, text=True, check=True
        ).stdout
        pages = next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:"))
        assert pages == "1", theme
        text = subprocess.run(
            ["pdftotext", target, "-"], capture_output=True, text=True, check=True
        ).stdout
        assert text.count("OFFICIAL") == 2, theme  # top and bottom of the page
