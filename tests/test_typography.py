"""Typographic apostrophes and quotation marks in the brief's language, in every format."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefgen.paths import package_data
from briefgen.typography import typeset

SHIPPED = package_data("facts")
SELECTIONS = ("military", "economy", "china", "japan", "ihl", None)
NBSP = "\u00a0"
STRAIGHT = re.compile(r"['\"]")
URL = re.compile(r"https?://\S+")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ('Putin\'s "expendable" troops', "en", "Putin’s “expendable” troops"),
        ("'Neo-cold war', the '90s and don't", "en", "‘Neo-cold war’, the ’90s and don’t"),
        ("l'artillerie", "fr", "l’artillerie"),
        ('des soldats "sacrifiables"', "fr", f"des soldats «{NBSP}sacrifiables{NBSP}»"),
        ('"le "mot" dit"', "fr", f"«{NBSP}le “mot” dit{NBSP}»"),
        ("un “no limits” partenariat", "fr", f"un «{NBSP}no limits{NBSP}» partenariat"),
        ("« déjà »", "fr", f"«{NBSP}déjà{NBSP}»"),
        # A title the style has quoted keeps its inner marks.
        (f"«{NBSP}the “Treaty”{NBSP}»", "fr", f"«{NBSP}the “Treaty”{NBSP}»"),
        # An address is not prose.
        ('see https://example.org/a\'b "here"', "en", "see https://example.org/a'b “here”"),
        ("Already “typographic”", "en", "Already “typographic”"),
    ],
)
def test_typeset(text: str, lang: str, expected: str) -> None:
    assert typeset(text, lang) == expected


class _Text(HTMLParser):
    """The text content of an HTML page: what a reader sees, not its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    paragraphs += [c.text for t in document.tables for row in t.rows for c in row.cells]
    # The footnotes part, which python-docx does not read: its runs' text.
    for part in document.part.package.parts:
        if part.partname.endswith("/footnotes.xml"):
            paragraphs += re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", part.blob.decode())
    return "\n".join(paragraphs)


def _straight(text: str) -> list[str]:
    """Each straight quotation mark or apostrophe of ``text`` outside URLs, in context."""
    prose = URL.sub("", text)
    return [prose[max(m.start() - 30, 0) : m.end() + 30] for m in STRAIGHT.finditer(prose)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_straight_quote_in_any_shipped_brief(run, tmp_path, lang) -> None:
    """Every shipped selection in every format of the brief: the base's ASCII ' and " are
    printed as the language's marks; French briefs use « » with no-break spaces inside."""
    french_quotes = 0
    for theme in SELECTIONS:
        options = [*(("-t", theme) if theme else ()), "--lang", lang]
        texts = {}
        for fmt in ("md", "term"):
            result = run("--facts-dir", SHIPPED, "brief", *options, "-f", fmt)
            assert result.exit_code == 0, result.stderr
            texts[fmt] = result.stdout
        html = run("--facts-dir", SHIPPED, "brief", *options, "-f", "html")
        texts["html"] = _html_text(html.stdout)
        for fmt in ("pdf", "docx"):
            target = tmp_path / f"{theme}.{fmt}"
            result = run("--facts-dir", SHIPPED, "brief", *options, "-o", target)
            assert result.exit_code == 0, result.stderr
            if fmt == "pdf":
                texts[fmt] = subprocess.run(
                    ["pdftotext", target, "-"], capture_output=True, text=True, check=True
                ).stdout
            else:
                texts[fmt] = _docx_text(target)
        for fmt, text in texts.items():
            assert len(text) > 1000, (theme, fmt)
            assert _straight(text) == [], (theme, fmt)
            if lang == "fr":
                # pdftotext writes a no-break space as a space: the PDF is held to a space.
                space = r"\s" if fmt == "pdf" else "[\u00a0\u202f]"
                assert not re.search(rf"«(?!{space})|(?<!{space})»", text), (theme, fmt)
                french_quotes += text.count("«")
            else:
                assert "«" not in text or "»" in text
    if lang == "fr":
        assert french_quotes > 0  # the test reads French quotation marks
