"""add --judgment --from FILE: a key judgment appended to judgments.yaml, checked first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

JUDGMENT = """\
themes: [response]
text:
  en: The alert level will likely stay at yellow through November.
  fr: Le niveau d'alerte restera probablement au jaune jusqu'en novembre.
likelihood: likely
confidence: moderate
basis: [alert-raised]
"""


@pytest.fixture
def judged(tmp_path: Path, fixtures: Path) -> Path:
    return shutil.copytree(fixtures / "judged", tmp_path / "facts")


def document(tmp_path: Path, text: str = JUDGMENT) -> Path:
    path = tmp_path / "judgment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_appends_a_judgment_and_leaves_the_file_as_it_was(run, judged, tmp_path):
    path = judged / "judgments.yaml"
    before = path.read_text(encoding="utf-8")
    result = run("--facts-dir", judged, "add", "--judgment", "--from", document(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "the-alert-level-will-likely-stay\n"
    line = before.count("\n") + 1
    assert result.stderr == f"added the-alert-level-will-likely-stay to {path}:{line}\n"
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == (
        "- id: the-alert-level-will-likely-stay\n"
        "  themes: [response]\n"
        "  text:\n"
        '    en: "The alert level will likely stay at yellow through November."\n'
        "    fr: \"Le niveau d'alerte restera probablement au jaune jusqu'en novembre.\"\n"
        "  likelihood: likely\n"
        "  confidence: moderate\n"
        "  basis: [alert-raised]\n"
        "  added: 2025-12-01\n"
    )
    assert run("--facts-dir", judged, "validate").exit_code == 0


def test_add_makes_judgments_yaml_when_the_base_has_none(run, judged, tmp_path):
    (judged / "judgments.yaml").unlink()
    draft = "id: alert-stays\n" + JUDGMENT
    result = run("--facts-dir", judged, "add", "--judgment", "--from", document(tmp_path, draft))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "alert-stays\n"
    assert (judged / "judgments.yaml").read_text(encoding="utf-8").startswith("- id: alert-stays\n")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "confidence: moderate",
            "confidence: high",
            "confidence 'high' is more than its basis bears: at most 'moderate', as only one "
            "independent original source, civil-protection, reaches a fact of it graded 1 or 2 "
            "through sources all graded A–C; high confidence needs two",
        ),
        (
            "through November.",
            "through November, though it could rise.",
            "'could' is a vague hedge",
        ),
        ("basis: [alert-raised]", "basis: [alert-rased]", "basis names unknown fact"),
        ("likelihood: likely", "likelihood: highly-likely", "is a term of the phia yardstick"),
    ],
)
def test_a_judgment_the_rules_refuse_writes_nothing(run, judged, tmp_path, old, new, problem):
    path = judged / "judgments.yaml"
    before = path.read_bytes()
    draft = document(tmp_path, JUDGMENT.replace(old, new))
    result = run("--facts-dir", judged, "add", "--judgment", "--from", draft)
    assert result.exit_code == 3
    assert result.stdout == ""
    first, last = result.stderr.splitlines()[0], result.stderr.splitlines()[-1]
    assert first.startswith(f"{path}:")
    assert problem in first
    assert last == (
        "briefgen: error: the judgment would make the base invalid (1 problem); nothing written"
    )
    assert path.read_bytes() == before


def test_a_judgment_missing_its_fields_is_a_usage_error(run, judged, tmp_path):
    draft = document(tmp_path, "themes: [response]\ntext: {en: The alert stays.}\n")
    result = run("--facts-dir", judged, "add", "--judgment", "--from", draft)
    assert result.exit_code == 2
    assert result.stderr == "briefgen: error: the judgment has no text.fr, confidence, basis\n"


def test_dry_run_prints_the_judgment_and_writes_nothing(run, judged, tmp_path):
    before = (judged / "judgments.yaml").read_bytes()
    result = run(
        "--facts-dir", judged, "add", "--judgment", "--from", document(tmp_path), "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "- id: the-alert-level-will-likely-stay\n  themes: [response]\n"
    )
    assert result.stderr.startswith("would add the-alert-level-will-likely-stay to ")
    assert (judged / "judgments.yaml").read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("--judgment",),
        ("--judgment", "--kind", "event", "--from", "x.yaml"),
        ("--judgment", "--edit"),
    ],
)
def test_judgment_takes_a_document_only(run, judged, args):
    result = run("--facts-dir", judged, "add", *args)
    assert result.exit_code == 2
    assert "--judgment" in result.stderr
