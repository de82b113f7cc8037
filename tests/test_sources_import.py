"""sources import: CSL-JSON and BibTeX files into sources.yaml, refused whole when anything is wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ZOTERO = [
    {
        "id": "http://zotero.org/users/1/items/ABCD1234",
        "type": "article-journal",
        "title": "North Korea's   arms\nexports",
        "container-title": "Journal of Fictional Studies",
        "author": [
            {"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"},
            {"family": "Smith", "given": "John", "suffix": "Jr."},
            {"literal": "Panel of Experts"},
        ],
        "issued": {"date-parts": [[2024, 3]]},
        "DOI": "10.1000/xyz123",
        "page": "12-30",
        "volume": "4",
        "language": "English",
    },
    {
        "id": "kcna-2024",
        "type": "webpage",
        "container-title": "KCNA",
        "URL": "https://kcna.example/item",
        "accessed": {"raw": "2025-01-15"},
        "custom": {"reliability": "D", "descriptor": {"en": "state agency", "fr": "agence d'État"}},
    },
]

BIBTEX = r"""% exported by hand
@string{frs = "Fondation pour la recherche strat{\'e}gique"}

@report{Niquet:2025,
  author = {Niquet, Val{\'e}rie and {UN Panel of Experts}},
  title = {L'axe strat{\'e}gique {Russie}-Cor{\'e}e du Nord},
  institution = frs,
  location = {Levallois-Perret},
  date = {2025-01-07},
  issn = {2273-4644},
  url = {https://www.frstrategie.org/a_b%20c},
  langid = {french},
  pages = {1--6},
}

@article{guardian,
  journaltitle = {The Guardian},
  entrysubtype = {newspaper},
  title = {Arms \& troops},
  year = 2025, month = apr, day = 25,
  number = {7},
}
"""


@pytest.fixture
def empty_base(tmp_path, pact) -> Path:
    """The pact base with one source of its own and no facts, to import into."""
    base = tmp_path / "base"
    (base / "items").mkdir(parents=True)
    shutil.copy(pact / "base.yaml", base)
    shutil.copy(pact / "themes.yaml", base)
    (base / "sources.yaml").write_text(
        "# Sources read so far.\n\n- id: seed\n  type: webpage\n  URL: https://example.org/seed\n",
        encoding="utf-8",
    )
    (base / "items" / "none.yaml").write_text("[]\n", encoding="utf-8")
    return base


def test_import_bibtex_maps_fields_keeps_the_file_and_grades_f(run, empty_base, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIBTEX, encoding="utf-8")
    before = (empty_base / "sources.yaml").read_text(encoding="utf-8")
    result = run("--facts-dir", empty_base, "sources", "import", bib)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "niquet-2025\nguardian\n"
    assert "added 2 sources to " in result.stderr
    assert "reliability F (cannot be judged) until graded" in result.stderr
    assert "(key Niquet:2025)" in result.stderr
    assert "left out, having no place in a source: number (1), pages (1)" in result.stderr
    after = (empty_base / "sources.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    # The file has a blank line above its item: the new ones get one too.
    assert after[len(before) :] == (
        "\n- id: niquet-2025\n"
        "  type: report\n"
        '  title: "L\'axe stratégique Russie-Corée du Nord"\n'
        '  author: [{family: Niquet, given: Valérie}, {literal: "UN Panel of Experts"}]\n'
        '  publisher: "Fondation pour la recherche stratégique"\n'
        "  publisher-place: Levallois-Perret\n"
        "  ISSN: 2273-4644\n"
        "  issued: 2025-01-07\n"
        '  URL: "https://www.frstrategie.org/a_b%20c"\n'
        "  language: fr\n"
        "  reliability: F\n"
        "\n- id: guardian\n"
        "  type: article-newspaper\n"
        '  title: "Arms & troops"\n'
        '  container-title: "The Guardian"\n'
        "  issued: 2025-04-25\n"
        "  reliability: F\n"
    )
    assert run("--facts-dir", empty_base, "validate").exit_code == 0
    listed = json.loads(run("--facts-dir", empty_base, "sources", "-f", "json").stdout)
    assert [(s["id"], s["reliability"]) for s in listed["sources"]] == [
        ("seed", "F"),
        ("niquet-2025", "F"),
        ("guardian", "F"),
    ]


def test_import_csl_json_from_zotero(run, empty_base, tmp_path):
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps(ZOTERO, indent=2), encoding="utf-8")
    result = run("--facts-dir", empty_base, "sources", "import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "http-zotero.org-users-1-items-abcd1234\nkcna-2024\n"
    assert "left out, having no place in a source: page (1), volume (1)" in result.stderr
    text = (empty_base / "sources.yaml").read_text(encoding="utf-8")
    assert (
        '  title: "North Korea\'s arms exports"\n'
        "  author:\n"
        '    - {family: "de la Fontaine", given: Jean}\n'
        '    - {family: Smith, given: "John, Jr."}\n'
        '    - {literal: "Panel of Experts"}\n'
    ) in text
    assert "  issued: 2024-03\n" in text
    assert '  URL: "https://doi.org/10.1000/xyz123"\n  language: en\n' in text
    assert "  accessed: 2025-01-15\n" in text
    # A grade from elsewhere is not this base's: F, but the descriptor is kept.
    assert '  reliability: F\n  descriptor: {en: "state agency", fr: "agence d\'État"}\n' in text
    assert run("--facts-dir", empty_base, "validate").exit_code == 0


def test_import_round_trips_an_export(run, pact, empty_base, tmp_path):
    """What 'sources --format bibtex' (or csl-json) writes, 'sources import' reads back."""
    for fmt, name in (("bibtex", "pact.bib"), ("csl-json", "pact.json")):
        target = tmp_path / fmt
        shutil.copytree(empty_base, target)
        exported = run("--facts-dir", pact, "sources", "--format", fmt).stdout
        (tmp_path / name).write_text(exported, encoding="utf-8")
        result = run("--facts-dir", target, "sources", "import", tmp_path / name)
        assert result.exit_code == 0, result.stderr
        original = json.loads(run("--facts-dir", pact, "sources", "-f", "csl-json").stdout)
        imported = json.loads(run("--facts-dir", target, "sources", "-f", "csl-json").stdout)[1:]
        for item in original:
            custom = item.pop("custom", {})
            if fmt == "csl-json":  # the descriptor and the local text travel in 'custom'
                item["custom"] = {k: v for k, v in custom.items() if k != "reliability"}
                item["custom"]["reliability"] = "F"
            else:
                item["custom"] = {"reliability": "F"}
        assert imported == original


def test_import_refuses_duplicates_and_invalid_entries_with_their_lines(run, empty_base, tmp_path):
    items = [
        {"id": "seed", "type": "webpage", "URL": "https://example.org/seed"},
        {"id": "dup", "type": "report", "title": "A"},
        {"id": "dup", "type": "report", "title": "B"},
        {"id": "untitled", "type": "report"},
        {"id": "bad-url", "type": "webpage", "title": "x", "URL": "javascript:alert(1)"},
        {"id": "odd", "type": "poem", "title": "x"},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    before = (empty_base / "sources.yaml").read_bytes()
    result = run("--facts-dir", empty_base, "sources", "import", path)
    assert result.exit_code == 3
    assert result.stdout == ""
    shown = str(path)
    # Each item starts on the line of its "{".
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == " {"]
    assert result.stderr.splitlines() == [
        f"{shown}:{starts[0]}: seed: the base already has this source",
        f"{shown}:{starts[2]}: dup: duplicate id (first at line {starts[1]})",
        f"{shown}:{starts[3]}: untitled: a source needs a 'title', an 'author', "
        "a 'container-title' or a 'URL'",
        f"{shown}:{starts[4]}: bad-url: URL: URL must be an http:// or https:// address "
        "without spaces",
        f"{shown}:{starts[5]}: odd: type: 'poem' is not a CSL type (article-journal, report, "
        "webpage, ...)",
        "briefgen: error: 5 problems in " + shown + "; nothing imported",
    ]
    assert (empty_base / "sources.yaml").read_bytes() == before


def test_import_reports_bad_files_with_their_lines(run, empty_base, tmp_path):
    bib = tmp_path / "broken.bib"
    bib.write_text(
        "@report{ok, title = {Fine}}\n\n@article{broken,\n  title = {No end,\n", encoding="utf-8"
    )
    result = run("--facts-dir", empty_base, "sources", "import", bib)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{bib}:3: invalid BibTeX: ")
    duplicate = tmp_path / "dup.bib"
    duplicate.write_text("@misc{a, title={A}}\n@misc{a, title={B}}\n", encoding="utf-8")
    result = run("--facts-dir", empty_base, "sources", "import", duplicate)
    assert result.exit_code == 3
    assert f"{duplicate}:2: a: duplicate key in the file" in result.stderr
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('[\n  {"id": "a", "type": "report", "title": "A"},\n  {"id": }\n]\n')
    result = run("--facts-dir", empty_base, "sources", "import", broken_json)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{broken_json}:3: invalid JSON: Expecting value")
    missing = run("--facts-dir", empty_base, "sources", "import", tmp_path / "nope.bib")
    assert missing.exit_code == 2
    assert "nope.bib: no such file" in missing.stderr


def test_import_from_stdin_dry_run_writes_nothing(run, empty_base):
    before = (empty_base / "sources.yaml").read_bytes()
    result = run("--facts-dir", empty_base, "sources", "import", "-", "--dry-run", input=BIBTEX)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("- id: niquet-2025\n  type: report\n")
    assert "would add 2 sources to " in result.stderr
    assert (empty_base / "sources.yaml").read_bytes() == before


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_bibtex_is_read_as_pandoc_reads_it(run, empty_base, tmp_path):
    """The same .bib imported directly and through pandoc's CSL-JSON gives the same sources."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIBTEX.replace("  pages = {1--6},\n", ""), encoding="utf-8")
    converted = subprocess.run(
        ["pandoc", "-f", "biblatex", "-t", "csljson", str(bib)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (tmp_path / "refs.json").write_text(converted, encoding="utf-8")
    direct, through_pandoc = tmp_path / "direct", tmp_path / "pandoc"
    shutil.copytree(empty_base, direct)
    shutil.copytree(empty_base, through_pandoc)
    assert run("--facts-dir", direct, "sources", "import", bib).exit_code == 0
    result = run("--facts-dir", through_pandoc, "sources", "import", tmp_path / "refs.json")
    assert result.exit_code == 0, result.stderr
    ours = json.loads(run("--facts-dir", direct, "sources", "-f", "csl-json").stdout)
    theirs = json.loads(run("--facts-dir", through_pandoc, "sources", "-f", "csl-json").stdout)
    # pandoc makes the apostrophe typographic and gives French its region; nothing else differs.
    theirs_text = json.dumps(theirs, ensure_ascii=False).replace("’", "'").replace("fr-FR", "fr")
    assert json.dumps(ours, ensure_ascii=False) == theirs_text
