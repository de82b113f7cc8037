"""Word output: read back the way a colleague's tools would, with pandoc, LibreOffice and unzip."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

MARKING = "OFFICIAL – FOR INTERNAL USE"
needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc")


def make_docx(run, base: Path, target: Path, *options: str) -> Path:
    result = run("--facts-dir", base, "brief", "-o", target, *options)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return target


def brief_json(run, base: Path, *options: str) -> dict[str, Any]:
    result = run("--facts-dir", base, "brief", "-f", "json", *options)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def pandoc_ast(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


def inlines_text(inlines: list[dict[str, Any]]) -> str:
    """pandoc's inlines as plain text, as pandoc's own stringify would write them."""
    parts = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Superscript", "Subscript", "SmallCaps", "Underline"):
            parts.append(inlines_text(content))
        elif kind in ("Link", "Span"):
            parts.append(inlines_text(content[1]))
        elif kind == "Quoted":
            quote = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
            parts.append(quote[0] + inlines_text(content[1]) + quote[1])
    return "".join(parts)


def notes_of(node: Any) -> list[str]:
    """The text of every footnote in a pandoc AST, in document order."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("t") == "Note":
            blocks = node["c"]
            found.append(
                " ".join(inlines_text(b["c"]) for b in blocks if b["t"] in ("Para", "Plain"))
            )
            return found
        for value in node.values():
            found += notes_of(value)
    elif isinstance(node, list):
        for value in node:
            found += notes_of(value)
    return found


def blocks_of(ast: dict[str, Any], kind: str) -> list[Any]:
    return [b for b in ast["blocks"] if b["t"] == kind]


def expected_note(note: dict[str, Any], lang: str = "en") -> str:
    label = "Analyst’s comment:" if lang == "en" else "Commentaire de l’analyste :"
    text = note["text"]
    return f"{text} {label} {note['comment']}" if note["comment"] else text


def with_a_comment(base: Path) -> None:
    path = base / "items" / "security.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  priority: 2\n  added: 2025-01-10\n",
            "  priority: 2\n  added: 2025-01-10\n"
            "  comment: {en: 'Signed in haste & <unread> by most.', fr: 'Signé à la hâte.'}\n",
            1,
        ),
        encoding="utf-8",
    )


@needs_pandoc
def test_pandoc_reads_one_footnote_per_note_with_the_notes_text(run, pact_copy, tmp_path):
    with_a_comment(pact_copy)
    path = make_docx(run, pact_copy, tmp_path / "brief.docx", "--marking", MARKING)
    expected = brief_json(run, pact_copy, "--marking", MARKING)
    notes = notes_of(pandoc_ast(path))
    assert len(notes) == len(expected["notes"]) == 8
    assert notes == [expected_note(n) for n in expected["notes"]]
    assert any("Analyst’s comment: Signed in haste & <unread> by most." in n for n in notes)

    markdown = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "markdown", "--wrap=none", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Word numbers footnotes in the order they are called: the brief's numbers.
    definitions = re.findall(r"^\[\^(\d+)\]:", markdown, re.M)
    assert definitions == [str(n["number"]) for n in expected["notes"]]
    # A key point in bold, as in the PDF's box.
    assert "**About 12,000 Eastland soldiers were deployed, according to a wire report.**[^2]" in (
        markdown
    )
    # A fact shown again calls the note it has: Word's cross-reference to a footnote.
    assert re.search(r"Wire Agency\^2\^", markdown)
    assert re.search(
        r"^Jun\s2024 The pact[’']s assistance clause is automatic\. \\\[B3\\\]\^1\^$",
        markdown,
        re.M,
    )


@needs_pandoc
def test_headings_lists_and_the_estimates_table_are_word_structures(run, pact, tmp_path):
    # On two pages, as on paper, a section's head is a heading of its own.
    path = make_docx(run, pact, tmp_path / "brief.docx", "--pages", "2")
    ast = pandoc_ast(path)
    assert inlines_text(ast["meta"]["title"]["c"]) == "The Northland–Eastland pact"
    headings = [(b["c"][0], inlines_text(b["c"][2])) for b in blocks_of(ast, "Header")]
    assert headings == [
        (1, "Key points"),
        (1, "Security cooperation"),
        (1, "Trade and sanctions"),
        (1, "Competing estimates"),
        (2, "Troops deployed (soldiers)"),
        (1, "Contradictions"),
    ]
    bullets = [
        inlines_text(item[0]["c"]) for block in blocks_of(ast, "BulletList") for item in block["c"]
    ]
    # A bullet starts with its fact's date; a side of a contradiction ends with its grade.
    assert bullets[0] == "Jun\u00a02024 The pact’s assistance clause is automatic."
    assert "12\u00a0Jun\u00a02024 Northland and Eastland signed a mutual defence pact." in bullets
    # The two sides of a contradiction, one under the other (held by a rule on their left).
    paragraphs = [inlines_text(b["c"]) for b in blocks_of(ast, "Para")]
    # (ending in the call of the note it already has)
    assert "Jun\u00a02024 The pact’s assistance clause is automatic. [B3]1" in paragraphs
    assert (
        "versus Assistance under the pact is not automatic but a political decision. [C4]"
        in paragraphs
    )

    (table,) = blocks_of(ast, "Table")
    head_rows = table["c"][3][1]
    body_rows = table["c"][4][0][3]

    def cells(row: Any) -> list[str]:
        return [" ".join(inlines_text(b["c"]) for b in cell[4]) for cell in row[1]]

    assert [cells(r) for r in head_rows] == [["Estimate", "As of", "Source"]]
    assert [cells(r) for r in body_rows] == [
        ["8,000–10,000", "2024", "Northland Intelligence Service"],
        ["12,000", "October 2024", "Wire Agency2"],  # the call of a note already made
    ]


def test_properties_header_footer_and_language(run, pact, tmp_path):
    path = make_docx(
        run,
        pact,
        tmp_path / "brief.docx",
        "--marking",
        MARKING,
        "--author",
        "Analysis desk",
        "--lang",
        "fr",
        "--paper",
        "letter",
    )
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        core = package.read("docProps/core.xml").decode()
        document = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
        headers = [package.read(n).decode() for n in names if re.match(r"word/header\d*\.xml", n)]
        footers = [package.read(n).decode() for n in names if re.match(r"word/footer\d*\.xml", n)]
        footnotes = package.read("word/footnotes.xml").decode()
        dates = {info.date_time for info in package.infolist()}
    assert "<dc:title>Le pacte Nordland–Estland</dc:title>" in core
    assert "<dc:creator>Analysis desk</dc:creator>" in core
    assert "<dc:subject>Thèmes : Coopération de sécurité" in core
    assert "<dc:language>fr</dc:language>" in core
    assert "<cp:keywords>Coopération de sécurité, Commerce et sanctions, Droit international<" in (
        core
    )
    assert "2025-12-01T00:00:00Z" in core  # the brief's date
    assert "python-docx" not in core
    assert "docProps/thumbnail.jpeg" not in names  # the template's picture of an empty page
    assert '<w:lang w:val="fr"' in styles
    assert len(headers) == 1 and MARKING in headers[0]
    assert len(footers) == 1 and MARKING in footers[0] and 'w:instr="PAGE"' in footers[0]
    assert MARKING not in document
    assert 'w:w="12240"' in document and 'w:h="15840"' in document  # US letter, in twips
    assert document.count("<w:footnoteReference") == footnotes.count("<w:footnoteRef/>") == 8
    assert document.count("NOTEREF _RefNote") == 2  # the two facts shown twice
    assert dates == {(2025, 12, 1, 0, 0, 0)}


def test_the_same_brief_and_date_give_the_same_bytes(run, pact, tmp_path):
    first = make_docx(run, pact, tmp_path / "a.docx").read_bytes()
    again = make_docx(run, pact, tmp_path / "b.docx").read_bytes()
    other = make_docx(run, pact, tmp_path / "c.docx", "--date", "2025-12-02").read_bytes()
    assert first == again
    assert first != other


@needs_pandoc
def test_text_is_text_whatever_it_holds(run, tmp_path):
    base = Path(__file__).parent / "fixtures" / "edge"
    path = make_docx(run, base, tmp_path / "edge.docx", "--pages", "0")
    plain = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'A leaflet read <img src="file:///etc/passwd"> and {{ 7*7 }} and [^1] *stars*.' in plain
    assert "ㅈ (jieut); the envoy Сергей Шойгу signed as Шойгу." in plain


def test_the_format_comes_from_the_extension_or_the_option(run, pact, tmp_path):
    by_option = tmp_path / "brief.bin"
    result = run("--facts-dir", pact, "brief", "-f", "docx", "-o", by_option)
    assert result.exit_code == 0, result.stderr
    assert zipfile.is_zipfile(by_option)
    assert zipfile.is_zipfile(make_docx(run, pact, tmp_path / "brief.docx"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_libreoffice_opens_it_and_prints_every_note(run, pact, tmp_path):
    path = make_docx(run, pact, tmp_path / "brief.docx", "--marking", MARKING)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "brief.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Header and footer (letter-spaced: pdftotext may put spaces between the letters).
    assert _bare(text).count(_bare(MARKING)) == 2
    assert "The Northland–Eastland pact" in text
    # The last note at the foot of the page (pdftotext puts its raised number on a line of
    # its own), as the JSON brief words it.
    last = brief_json(run, pact, "--marking", MARKING)["notes"][-1]
    wording = re.escape(last["text"].replace("\u00a0", " "))
    assert re.search(rf"^\s*{last['number']}\s+{wording}$", text.replace("\u00a0", " "), re.M)
    assert re.search(r"Wire Agency2$", text, re.M)  # the note it has, called again


SHIPPED_THEMES = ("military", "economy", "china", "japan", "ihl", None)  # None: the whole base


def _bare(text: str) -> str:
    """Text as pdftotext and a fact can both be compared: without spaces or hyphens, which
    line breaks move."""
    return re.sub(r"[\s\-\u00ad\u2010-\u2014]", "", text)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_every_shipped_one_page_brief_opens_as_one_page_with_its_facts(run, tmp_path):
    """Each theme of the shipped base and the whole base, en and fr, A4 and Letter: the Word
    brief LibreOffice lays out (in Carlito and Caladea, the metric twins of Calibri and
    Cambria) is one page, and holds every statement the JSON brief of the same options lists."""
    from briefgen.paths import package_data

    shipped = package_data("facts")
    expected: dict[str, list[str]] = {}
    for theme, lang, paper in itertools.product(SHIPPED_THEMES, ("en", "fr"), ("a4", "letter")):
        options = [*(("-t", theme) if theme else ()), "--lang", lang, "--paper", paper]
        options += ["--marking", "OFFICIAL"]
        name = f"{theme or 'all'}-{lang}-{paper}"
        make_docx(run, shipped, tmp_path / f"{name}.docx", *options)
        brief = brief_json(run, shipped, *options)
        items = [*brief["key_points"], *(i for s in brief["sections"] for i in s["items"])]
        items += [
            side for pair in brief["contradictions"] for side in (pair["left"], pair["right"])
        ]
        texts = [judgment["text"] for judgment in brief["judgments"]]
        texts += [item["text"] for item in items]
        for group in brief["estimates"]:
            # A table's rows; estimates listed beside a value, by their values.
            rows = group["rows"] if group["beside"] is None else group["rows"][1:]
            texts += [
                row["display"] + (row["as_of"] + row["source"] if group["beside"] is None else "")
                for row in rows
            ]
        assert len(texts) >= 12, name
        expected[name] = texts
    # One LibreOffice for all of them: it starts once.
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *sorted(str(p) for p in tmp_path.glob("*.docx")),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    for name, texts in expected.items():
        pdf = tmp_path / f"{name}.pdf"
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), name
        printed = subprocess.run(
            ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
        ).stdout
        page = _bare(printed)
        assert page.count("OFFICIAL") == 2, name  # header and footer
        missing = [text for text in texts if _bare(text) not in page]
        assert missing == [], name


@needs_pandoc
def test_on_one_page_of_several_themes_each_head_runs_in(run, pact, tmp_path):
    ast = pandoc_ast(make_docx(run, pact, tmp_path / "brief.docx"))
    headings = [inlines_text(b["c"][2]) for b in blocks_of(ast, "Header")]
    assert "Key points" in headings and "Contradictions" in headings
    assert "Security cooperation" not in headings and "Trade and sanctions" not in headings
    bullets = [
        inlines_text(item[0]["c"]) for block in blocks_of(ast, "BulletList") for item in block["c"]
    ]
    # The first bullet of each section starts with its head; the others do not.
    for section in brief_json(run, pact)["sections"]:
        first = section["items"][0]
        (bullet,) = [b for b in bullets if b.endswith(first["text"])]
        assert bullet.startswith(section["title"] + " "), bullet
        assert not any(b.startswith(section["title"]) for b in bullets if b != bullet)
