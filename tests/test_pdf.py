"""The PDF brief, checked the way a reader would: through pdftotext, pdfinfo and pdffonts.

Typesetting takes about a second, so each PDF is made once per module and
several things are asserted on it.
"""

from __future__ import annotations

import builtins
import json
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.paths import package_data

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdffonts)"
)

FIXTURES = Path(__file__).parent / "fixtures"
MARKING = "OFFICIAL – FOR INTERNAL USE"
OMITTED = re.compile(
    r"^(\d+) facts? omitted to fit 1 page: (.+); use --pages (\d+) to include (?:them|it)$"
)


@dataclass(frozen=True)
class Pdf:
    """A PDF made by the CLI, with what poppler reads in it."""

    path: Path
    result: Result
    pages: list[str]  # the text of each page
    info: dict[str, str]
    brief: dict[str, Any]  # the same selection as JSON, unfitted: every fact
    shown: dict[str, Any]  # the same brief as JSON, fitted alike: what the PDF prints

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


@pytest.fixture(scope="module")
def make_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``make_pdf(facts_dir, *options)``: run ``briefgen brief`` to a PDF and read it back."""
    directory = tmp_path_factory.mktemp("pdf")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        env.delenv("BRIEFGEN_FACTS_DIR", raising=False)

        def make(facts_dir: Path, *options: str) -> Pdf:
            path = directory / f"brief-{len(list(directory.iterdir()))}.pdf"
            args = ["--facts-dir", str(facts_dir), "brief", "--date", "2025-12-01", *options]
            result = invoke(*args, "-o", str(path))
            assert result.exit_code == 0, result.stderr
            whole = invoke(*args, "--format", "json", "--pages", "0")
            shown = invoke(*args, "--format", "json")
            return Pdf(
                path,
                result,
                pdf_pages(path),
                pdf_info(path),
                json.loads(whole.stdout),
                json.loads(shown.stdout),
            )

        yield make


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run(
        ["pdfinfo", "-isodates", str(path)], capture_output=True, text=True
    ).stdout
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in output.splitlines())
    )


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(name, embedded) of every font in the PDF, as pdffonts lists them."""
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [row.split() for row in output.splitlines()[2:]]
    # The type may hold spaces; the last five columns are emb, sub, uni, object, generation.
    return [(row[0], row[-5]) for row in rows]


def one_line(text: str) -> str:
    return " ".join(text.split())


def no_spaces(text: str) -> str:
    """For notes: pdftotext puts a line break where a URL wraps."""
    return "".join(text.split())


# -- a larger base that cannot fit on one page -------------------------------

SUBJECTS = [
    "The port authority",
    "The energy ministry",
    "A state rail consortium",
    "Customs officials at the northern crossing",
    "The regional governor",
    "Two foreign shipping firms",
    "The national grid operator",
    "Border guards",
    "A parliamentary committee",
]
ACTIONS = [
    "reported a sharp rise in container traffic through the new terminal",
    "announced tariffs on transit cargo bound for third countries",
    "confirmed delays to the second phase of the bridge and rail link",
    "denied that fuel deliveries had been diverted to the military",
    "disclosed a loan from a state bank to finish the pipeline spur",
    "described the new customs regime as a temporary wartime measure",
    "said that inspections of outbound freight had been suspended",
]
CIRCUMSTANCES = [
    "according to figures published in the quarterly bulletin",
    "citing internal documents seen by reporters",
    "after months of negotiations with foreign partners",
    "in a statement that contradicted earlier official accounts",
    "although independent analysts doubted the figures",
]
THEMES = ("ports", "energy", "rail")


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A base whose every theme holds more than one page of facts, of all priorities."""
    root = tmp_path_factory.mktemp("dossier")
    (root / "items").mkdir()
    (root / "base.yaml").write_text("title: {en: Corridor dossier}\nlanguages: [en]\n")
    themes = [{"id": t, "title": {"en": t.capitalize()}} for t in THEMES]
    sources = [
        {
            "id": f"outlet-{n}",
            "type": "article-newspaper",
            "title": f"Corridor report number {n}",
            "container-title": "The Corridor Monitor",
            "issued": f"2025-0{n}",
            "URL": f"https://example.org/corridor/2025/report-{n}",
            "reliability": "BCD"[n % 3],
        }
        for n in range(1, 5)
    ]
    facts = []
    for i in range(120):
        theme = THEMES[i % 3]
        refs = [{"ref": f"outlet-{1 + i % 4}", "locator": f"§{i}"}]
        if i % 4 == 0:
            refs.append({"ref": f"outlet-{1 + (i + 1) % 4}", "locator": f"p. {i}"})
        facts.append(
            {
                "id": f"{theme}-{i:02d}",
                "kind": ("assessment", "event", "statement")[(i // 3) % 3],
                "themes": [theme],
                "date": f"2024-{1 + i % 12:02d}",
                "text": {"en": f"{SUBJECTS[i % 9]} {ACTIONS[i % 7]}, {CIRCUMSTANCES[i % 5]}."},
                "sources": refs,
                # Confirmed (1) only where two outlets report it, as the scale requires.
                "credibility": 1 if len(refs) > 1 else 2 + i % 3,
                "priority": (1, 2, 3, 3, 2, 3)[(i // 3) % 6],
                "added": "2025-06-01",
            }
        )
    for name, data in (("themes", themes), ("sources", sources)):
        (root / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    (root / "items" / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True))
    return root


# -- the fixture base: one page, metadata, marking, reproducible --------------


@pytest.fixture(scope="module")
def pact_pdf(make_pdf: Any) -> Pdf:
    return make_pdf(FIXTURES / "pact", "--marking", MARKING, "--author", "Policy Unit")


def test_pact_brief_is_one_page_with_its_metadata(pact_pdf: Pdf) -> None:
    info = pact_pdf.info
    assert info["Pages"] == "1"
    assert info["Page size"].endswith("(A4)")
    assert info["Title"] == "The Northland–Eastland pact"
    assert info["Author"] == "Policy Unit"
    assert info["Subject"] == (
        "Themes: Security cooperation, Trade and sanctions, International law"
    )
    assert info["Keywords"] == "Security cooperation, Trade and sanctions, International law"
    assert info["CreationDate"] == "2025-12-01T00:00:00Z"
    assert pact_pdf.result.stderr == ""


def test_the_pdf_declares_its_language(make_pdf: Any) -> None:
    pdf = make_pdf(FIXTURES / "pact", "--theme", "law", "--lang", "fr")
    assert b"/Lang (fr)" in b"".join(pdf_streams(pdf.path))
    assert "Droit international" in pdf.text


def pdf_streams(path: Path) -> list[bytes]:
    """The decompressed streams of a PDF (the catalog sits in an object stream)."""
    streams = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", path.read_bytes(), re.S):
        try:
            streams.append(zlib.decompress(stream[1]))
        except zlib.error:
            continue
    return streams


def test_pact_brief_has_a_bookmark_per_section(pact_pdf: Pdf) -> None:
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(pact_pdf.path)], capture_output=True, text=True
    ).stdout
    bookmarks = re.findall(r'<item page="1">(.*?)</item>', xml)
    assert bookmarks == [
        "The Northland–Eastland pact",
        "Key points",
        "Security cooperation",
        "Trade and sanctions",
        "Competing estimates",
        "Contradictions",
    ]


def test_one_page_of_several_themes_runs_their_heads_in(pact_pdf: Pdf, make_pdf: Any) -> None:
    # On one page, each theme's head starts its first bullet, on the same line...
    lines = [one_line(line) for line in pact_pdf.pages[0].splitlines()]
    first = {s["title"]: s["items"][0] for s in pact_pdf.shown["sections"]}
    assert len(first) == 2
    for title, item in first.items():
        head = title.upper() + " "
        assert any(line.startswith(head) and item["text"][:20] in line for line in lines), (
            head,
            lines,
        )
    # ... and on two pages it has a line of its own, above them.
    two = make_pdf(FIXTURES / "pact", "--pages", "2")
    lines = [one_line(line) for line in two.pages[0].splitlines()]
    for title in first:
        assert title.upper() in lines, lines


def test_pact_brief_prints_every_section_and_note(pact_pdf: Pdf) -> None:
    text = one_line(pact_pdf.text)
    for heading in ("KEY POINTS", "SECURITY COOPERATION", "COMPETING ESTIMATES", "CONTRADICTIONS"):
        assert heading in text
    assert "8,000–10,000" in text
    assert "Prepared from 4 sources" in text
    for note in pact_pdf.shown["notes"]:
        footnote = f"{note['number']}. {note['text']}"
        assert no_spaces(footnote) in no_spaces(pact_pdf.text)


def test_same_inputs_make_the_same_pdf(pact_pdf: Pdf, make_pdf: Any) -> None:
    again = make_pdf(FIXTURES / "pact", "--marking", MARKING, "--author", "Policy Unit")
    assert again.path.read_bytes() == pact_pdf.path.read_bytes()


def test_each_theme_of_the_fixture_base_fits_one_page(make_pdf: Any) -> None:
    for theme in ("security", "trade", "law"):
        pdf = make_pdf(FIXTURES / "pact", "--theme", theme)
        assert pdf.info["Pages"] == "1", theme
        assert pdf.result.stderr == "", theme


# -- a longer brief: footnotes on their page, marking on every page -----------


@pytest.fixture(scope="module")
def long_pdf(make_pdf: Any, dossier: Path) -> Pdf:
    return make_pdf(dossier, "--pages", "0", "--marking", MARKING)


def test_no_page_limit_prints_every_fact(long_pdf: Pdf) -> None:
    assert int(long_pdf.info["Pages"]) >= 3
    assert long_pdf.result.stderr == ""
    text = no_spaces(long_pdf.text)
    assert all(no_spaces(note["text"]) in text for note in long_pdf.brief["notes"])


def test_marking_and_page_number_on_every_page(long_pdf: Pdf) -> None:
    count = len(long_pdf.pages)
    for number, page in enumerate(long_pdf.pages, start=1):
        assert page.count(MARKING) == 2, f"page {number}: marking at top and bottom"
        assert re.search(rf"^{number} ?/ ?{count}$", page, flags=re.M), f"page {number}"


def test_every_note_is_at_the_foot_of_the_page_that_calls_it(long_pdf: Pdf) -> None:
    brief = long_pdf.brief
    items = [
        *brief["key_points"],
        *(item for section in brief["sections"] for item in section["items"]),
    ]
    notes = {note["number"]: note for note in brief["notes"]}
    placed = 0
    for number, page in enumerate(long_pdf.pages, start=1):
        text = one_line(page)
        for item in items:
            if item["text"] in text:
                n = item["note"]
                footnote = no_spaces(f"{n}. {notes[n]['text']}")
                assert footnote in no_spaces(page), f"note {n} is not on page {number}"
                placed += 1
    assert placed == len(items)


# -- fitting to one page ------------------------------------------------------


def test_each_theme_of_a_long_base_is_fitted_to_one_page(make_pdf: Any, dossier: Path) -> None:
    for theme in THEMES:
        pdf = make_pdf(dossier, "--theme", theme)
        assert pdf.info["Pages"] == "1", theme
        message = OMITTED.match(pdf.result.stderr.strip())
        assert message, pdf.result.stderr
        assert int(message[3]) >= 2
        omitted = json.loads(
            invoke("--facts-dir", str(dossier), "brief", "-t", theme, "-f", "json").stdout
        )["omitted"]
        assert int(message[1]) == len(omitted)
        assert message[2].startswith(", ".join(omitted[:3]) + " and ")

        full = pdf.brief  # the JSON brief is never fitted: it holds every fact
        facts = {item["fact"]: item for item in _items(full)}
        kept = set(facts) - set(omitted)
        assert set(omitted) <= set(facts)
        # The most important facts stay: the key points, and the best priority.
        assert {item["fact"] for item in full["key_points"]} <= kept
        assert min(facts[f]["priority"] for f in kept) <= min(facts[f]["priority"] for f in omitted)
        text = one_line(pdf.text)
        assert all(facts[f]["text"] not in text for f in omitted)
        assert all(facts[f]["text"] in text for f in kept)
        # The other formats hold the very facts the PDF prints.
        assert {i["fact"] for i in _items(pdf.shown)} == kept
        # The notes are numbered afresh: 1, 2, 3... with no gap left by the omitted facts.
        markers = [
            int(n) for n in re.findall(r"(?:^|\s)(\d+)\. ", pdf.pages[0].split("Grades [B2]")[-1])
        ]
        assert markers == list(range(1, len(kept) + 1))


def _items(brief: dict[str, Any]) -> list[dict[str, Any]]:
    items = [
        *brief["key_points"],
        *(item for section in brief["sections"] for item in section["items"]),
        *(row for group in brief["estimates"] for row in group["rows"]),
        *(item for pair in brief["contradictions"] for item in (pair["left"], pair["right"])),
    ]
    return list({item["fact"]: item for item in items}.values())


# -- text as written, glyphs, fonts, and nothing read ---------------------------


@pytest.fixture(scope="module")
def edge_pdf(make_pdf: Any) -> Iterator[tuple[Pdf, list[str]]]:
    """The edge-case base as PDF, with every URL WeasyPrint asked the fetcher for."""
    from briefgen.renderers.fetcher import PackageFetcher

    requested: list[str] = []
    fetch = PackageFetcher.fetch

    def spy(self: PackageFetcher, url: str, headers: Any = None) -> Any:
        requested.append(url)
        return fetch(self, url, headers)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PackageFetcher, "fetch", spy)
        # Full notes: the first note of a work is its full reference, long URL included.
        yield make_pdf(FIXTURES / "edge", "--notes", "full"), requested


def test_markup_in_a_fact_is_printed_and_reads_nothing(edge_pdf: tuple[Pdf, list[str]]) -> None:
    pdf, requested = edge_pdf
    assert 'A leaflet read <img src="file:///etc/passwd"> and {{ 7*7 }} and [^1] *stars*.' in (
        one_line(pdf.text)
    )
    assert "root:" not in pdf.text
    fonts = (package_data("templates") / "fonts").resolve().as_uri()
    assert requested, "the fonts are read through the fetcher"
    assert all(url.startswith(fonts + "/") for url in requested), requested
    assert pdf.result.stderr == ""


def test_hangul_and_cyrillic_come_back_from_the_shipped_fonts(
    edge_pdf: tuple[Pdf, list[str]],
) -> None:
    pdf, _ = edge_pdf
    text = one_line(pdf.text)
    assert "call sign was ㅈ (jieut)" in text
    assert "Сергей Шойгу" in text
    assert "Анна Petrova" in text
    fonts = pdf_fonts(pdf.path)
    shipped = {"Brief-Serif", "Brief-Serif-Italic", "Brief-Sans", "Brief-Sans-Bold", "Brief-Hangul"}
    assert {name.split("+", 1)[1] for name, _ in fonts} <= shipped | {"Brief-Serif-Bold"}
    assert "Brief-Hangul" in {name.split("+", 1)[1] for name, _ in fonts}
    assert all(embedded == "yes" for _, embedded in fonts)


def test_a_long_url_wraps_and_stays_a_link(edge_pdf: tuple[Pdf, list[str]]) -> None:
    pdf, _ = edge_pdf
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf.path), "-"], capture_output=True, text=True
    ).stdout
    lines = layout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("1. "))
    assert "https://example.org/archive/2025/03/04/" in lines[first]
    assert "utm_medium=print" in lines[first + 1], "the URL runs on to the next line"
    links = subprocess.run(["pdfinfo", "-url", str(pdf.path)], capture_output=True, text=True)
    assert "https://example.org/archive/2025/03/04/notes-from-the-border-a-very-long" in (
        links.stdout
    )


def test_the_fetcher_reads_only_data_urls_and_package_files(tmp_path: Path) -> None:
    from briefgen.renderers.fetcher import PackageFetcher, package_file

    templates = package_data("templates")
    fetcher = PackageFetcher(templates)
    font = (templates / "fonts" / "NotoSerif-Regular.ttf").resolve()
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (
        "file:///etc/passwd",
        secret.as_uri(),
        templates.resolve().as_uri() + "/fonts/../../pyproject.toml",
        templates.resolve().as_uri() + "/fonts",
        "file://otherhost" + str(font),
        "http://example.org/logo.png",
        "https://example.org/logo.png",
        "ftp://example.org/x",
    ):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)
        assert package_file(url, templates) is None
    assert fetcher.refused[0] == "file:///etc/passwd"
    assert len(fetcher.refused) == 8


def test_a_template_cannot_make_the_pdf_read_files(make_pdf: Any, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.css").write_text(
        'body { background: url("file:///etc/passwd"); }\n'
        '.marking { background-image: url("https://example.org/tracker.png"); }\n'
    )
    pdf = make_pdf(FIXTURES / "pact", "--template", str(templates), "--marking", "X")
    assert pdf.info["Pages"] == "1"
    assert "warning: not read: file:///etc/passwd" in pdf.result.stderr
    assert "warning: not read: https://example.org/tracker.png" in pdf.result.stderr


def test_a_one_page_brief_that_cannot_fit_keeps_each_note_on_the_page_that_calls_it(
    make_pdf: Any, tmp_path: Path
) -> None:
    # A one-page brief has all its notes in one footnote, called from its title. A template
    # that leaves no room for any fact on the first page makes it two pages all the same:
    # the notes then go, one by one, to the foot of the page that calls them.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.css").write_text(".title-block { margin-bottom: 240mm; }\n")
    pdf = make_pdf(FIXTURES / "pact", "--theme", "trade", "--template", str(templates))
    assert pdf.info["Pages"] == "2"
    assert "warning: the brief takes 2 pages, more than --pages 1" in pdf.result.stderr
    first, second = (no_spaces(page) for page in pdf.pages)
    # The layout left out more facts than the estimate did: note 1 is that of the fact kept.
    kept = no_spaces(pdf.shown["key_points"][0]["text"])
    assert kept in second and kept not in first
    note = no_spaces(f"1. {pdf.shown['notes'][0]['text']}")
    assert note in second and note not in first


def test_a_print_css_of_ones_own_keeps_a_footnote_per_note(make_pdf: Any, tmp_path: Path) -> None:
    # A print.css written before one-page briefs had their notes as one footnote (here,
    # briefgen's own without the rules for it) still gets its notes at the foot of the page.
    css = (package_data("templates") / "print.css").read_text(encoding="utf-8")
    # Every selector of the one footnote taken out (a rule left with none is dropped).
    own = re.sub(r",? *\.footnotes[^,{]*", "", css)
    assert ".footnotes" not in own
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "print.css").write_text(own, encoding="utf-8")
    pdf = make_pdf(FIXTURES / "pact", "--theme", "trade", "--template", str(templates))
    assert pdf.info["Pages"] == "1"
    page = one_line(pdf.pages[0])
    title = pdf.shown["title"]
    first_note = pdf.shown["notes"][0]["text"]
    # The title stands alone; the notes follow the statements, below them.
    assert no_spaces(first_note) in no_spaces(page)
    assert "1. " in page, "the notes lost their numbers"
    assert page.index(pdf.shown["key_points"][0]["text"]) < page.index("1. ")
    assert page.startswith(title) and first_note not in page[: len(title) + 40]


# -- options and failures ---------------------------------------------------------


def test_letter_paper_and_tagged_pdf(make_pdf: Any) -> None:
    pdf = make_pdf(
        FIXTURES / "pact", "--theme", "trade", "--paper", "letter", "--pdf-variant", "pdf/ua-1"
    )
    assert pdf.info["Page size"] == "612 x 792 pts (letter)"
    assert pdf.info["Tagged"] == "yes"


def test_missing_pango_is_one_line_and_exit_1(
    run: Any, pact: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def without_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    result = run("--facts-dir", pact, "brief", "-o", tmp_path / "brief.pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        "briefgen: error: PDF output needs Pango: "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0\n"
    )
    assert not (tmp_path / "brief.pdf").exists()
