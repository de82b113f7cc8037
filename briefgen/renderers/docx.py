"""Word (.docx): the brief as a document a colleague can edit, with native footnotes.

Written with python-docx, imported here, when a Word document is made. It
gives the document, its styles, paragraphs, runs, tables, header and
footer, and its properties. What it has no API for is written as Office
Open XML with its low-level API, and only that:

- the footnotes part (``word/footnotes.xml``), its separators, the styles
  of footnote text and calls, and each call (``w:footnoteReference``):
  python-docx has no footnote API; its releases read and write comments,
  not notes;
- hyperlinks (``w:hyperlink``), in the text and in the notes, and the
  ``NOTEREF`` field of a note called again;
- the page number field of the footer, a table header row repeated on each
  page, the document's language.

Every statement calls its note as a real Word footnote, numbered by Word
in the order of the calls. The brief numbers its notes in reading order, so
Word's numbers are the brief's: a test reads the document back with pandoc
and compares. A fact shown a second time (a key point that is also one side
of a contradiction) calls the note it already has: a ``NOTEREF`` field to
a bookmark on the first call, which is how Word itself refers to a
footnote again (Insert > Cross-reference > Footnote number). Headings use Word's built-in
heading styles (the navigation pane and a table of contents find them),
bullets its list styles, competing estimates are a table.

The same brief and date give the same bytes: the document's dates are the
brief's, and the zip entries carry that date too.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING, Any

from briefgen.brief import Brief, Item, JudgmentItem, Note
from briefgen.labels import label
from briefgen.renderers.html import document_keywords, document_subject

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

    from briefgen.cite import Citation
    from briefgen.production import RenderOptions

# Page size and the margins of the print template (templates/print.css), in millimetres.
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGINS_MM = (15.0, 18.0, 16.0, 18.0)  # top, right, bottom, left

FOOTNOTE_TEXT = "FootnoteText"
FOOTNOTE_REFERENCE = "FootnoteReference"
HYPERLINK = "Hyperlink"


def render_docx(brief: Brief, options: RenderOptions) -> bytes:
    """The brief as the bytes of a .docx file."""
    from briefgen.errors import RenderError

    try:
        import docx  # noqa: F401
    except ImportError:
        raise RenderError(
            "Word output needs python-docx: pip install python-docx (it comes with briefgen)"
        ) from None
    return _DocxWriter(brief, options).write()


class _DocxWriter:
    """Writes one brief into a new Word document."""

    def __init__(self, brief: Brief, options: RenderOptions) -> None:
        import docx

        self.brief = brief
        self.options = options
        self.lang = brief.lang
        self.document: Document = docx.Document()
        self.footnotes = _Footnotes(self.document)
        self.calls: list[int] = []  # note numbers in the order the text first calls them

    def write(self) -> bytes:
        brief = self.brief
        self._setup()
        self._title()
        if brief.is_empty:
            self.document.add_paragraph(brief.empty_text)
        if brief.judgments:
            self._judgments()
        if brief.key_points:
            self._heading(label(self.lang, "key_points"))
            for item in brief.key_points:
                self._bullet(item)
        for section in brief.sections:
            self._heading(section.title)
            for item in section.items:
                self._bullet(item)
        if brief.estimates:
            self._estimates()
        if brief.contradictions:
            self._heading(label(self.lang, "contradictions"))
            for pair in brief.contradictions:
                self._bullet(pair.left)
                paragraph = self.document.add_paragraph(style="List Bullet 2")
                paragraph.add_run(f"{label(self.lang, 'versus')}: ").italic = True
                self._statement(paragraph, pair.right)
        if brief.removed:
            self._heading(label(self.lang, "removed"))
            for item in brief.removed:
                paragraph = self.document.add_paragraph(style="List Bullet")
                paragraph.add_run(f"{item.text} ({item.fact.id})")
        if brief.notes:
            self._heading(label(self.lang, "sources"))
            self.document.add_paragraph(brief.summary_text(), style="Small")
            legend = brief.legend()
            if legend:
                self.document.add_paragraph(legend, style="Small")
        if brief.bibliography_entries:
            self._heading(label(self.lang, "bibliography"))
            for entry in brief.bibliography_entries:
                paragraph = self.document.add_paragraph(style="Bibliography")
                _citation(paragraph, entry, self.document.part)
        # Word numbers footnotes in the order they are called: that order must be the brief's.
        expected = [note.number for note in brief.notes]
        assert self.calls == expected, f"notes called out of order: {self.calls} != {expected}"
        return _reproducible_zip(self._save(), self.brief.date)

    # -- the document as a whole --------------------------------------------

    def _setup(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Mm, Pt, RGBColor

        document, brief = self.document, self.brief
        section = document.sections[0]
        width, height = PAPER_MM.get(self.options.paper, PAPER_MM["a4"])
        section.page_width, section.page_height = Mm(width), Mm(height)
        top, right, bottom, left = MARGINS_MM
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)

        styles = document.styles
        normal = styles["Normal"]
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(4)
        small = styles.add_style("Small", WD_STYLE_TYPE.PARAGRAPH)
        small.base_style = normal
        small.font.size = Pt(8.5)
        entry = styles.add_style("Bibliography", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = normal
        entry.paragraph_format.left_indent = Mm(5)
        entry.paragraph_format.first_line_indent = Mm(-5)
        link = styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER)
        link.style_id = HYPERLINK
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        link.font.underline = True
        self.footnotes.add_styles()
        _set_language(document, self.lang)

        core = document.core_properties
        core.title = _property(brief.title)
        core.subject = _property(document_subject(brief))
        core.author = core.last_modified_by = _property(brief.author or "")
        core.keywords = _keywords(document_keywords(brief))
        core.language = self.lang
        core.comments = ""
        core.category = _property(brief.marking or "")
        core.revision = 1
        moment = dt.datetime.combine(brief.date, dt.time())
        core.created = core.modified = moment
        _drop_thumbnail(document)
        self._marking(section)

    def _marking(self, section: Any) -> None:
        """The marking at the top and the foot of every page; the page number at the foot."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        marking = self.brief.marking
        header = section.header.paragraphs[0]
        footer = section.footer.paragraphs[0]
        if marking:
            for paragraph in (header, footer):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.add_run(marking).bold = True
            footer = section.footer.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE")
        footer.add_run(" / ")
        _field(footer, "NUMPAGES")

    def _title(self) -> None:
        brief = self.brief
        self.document.add_paragraph(brief.title, style="Title")
        if brief.subtitle:
            self.document.add_paragraph(brief.subtitle, style="Subtitle")
        self.document.add_paragraph(" · ".join(brief.byline()), style="Small")

    def _heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    def _save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # -- statements and their notes -----------------------------------------

    def _bullet(self, item: Item) -> None:
        self._statement(self.document.add_paragraph(style="List Bullet"), item)

    def _judgments(self) -> None:
        """The bottom line (a paragraph with a run-in label), the key judgments and the
        legend of their likelihood terms."""
        brief, lang = self.brief, self.lang
        bottom = brief.bottom_line
        assert bottom is not None
        paragraph = self.document.add_paragraph()
        paragraph.add_run(label(lang, "bottom_line").upper() + " ").bold = True
        self._judgment(paragraph, bottom, bold=True)
        if brief.key_judgments:
            self._heading(label(lang, "key_judgments"))
            for item in brief.key_judgments:
                self._judgment(self.document.add_paragraph(style="List Bullet"), item)

    def _judgment(self, paragraph: Paragraph, item: JudgmentItem, *, bold: bool = False) -> None:
        """A judgment: its likelihood term in bold, its confidence apart, its footnote."""
        before, term, after = item.parts()
        for text, strong in ((before, bold), (term, True), (after, bold)):
            if text:
                paragraph.add_run(text).bold = strong or None
        paragraph.add_run(" " + item.confidence_sentence()).italic = True
        self._call(paragraph, self._note(item.note))
        if item.status:
            paragraph.add_run(f" ({label(self.lang, 'status_' + item.status)})").italic = True
        change = item.change()
        if change:
            paragraph.add_run(" " + change).italic = True

    def _statement(self, paragraph: Paragraph, item: Item, text: str | None = None) -> None:
        """``text`` (the item's own by default), its footnote, and its status in a digest.
        A statement starts with its date; the spread of its estimate and its grade follow it."""
        if item.date and text is None:
            paragraph.add_run(item.date + " ").italic = True
        paragraph.add_run(item.text if text is None else text)
        if item.spread and text is None:
            paragraph.add_run(f" [{item.spread}]").italic = True
        if item.grade:
            paragraph.add_run(f" [{item.grade}]").italic = True
        if item.repeated and item.note is not None:
            _note_reference(paragraph, item.note)
        else:
            for number in item.notes:
                self._call(paragraph, self._note(number))
        if item.status:
            paragraph.add_run(f" ({label(self.lang, 'status_' + item.status)})").italic = True

    def _note(self, number: int) -> Note:
        return self.brief.notes[number - 1]

    def _call(self, paragraph: Paragraph, note: Note) -> None:
        self.calls.append(note.number)
        self.footnotes.add(paragraph, note, self.lang)

    # -- competing estimates ------------------------------------------------

    def _estimates(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.shared import Mm

        lang = self.lang
        self._heading(label(lang, "estimates"))
        width, _ = PAPER_MM.get(self.options.paper, PAPER_MM["a4"])
        room = width - MARGINS_MM[1] - MARGINS_MM[3]
        widths = [Mm(room * share) for share in (0.18, 0.2, 0.62)]
        for group in self.brief.estimates:
            spread = f" [{group.spread}]" if group.spread else ""
            self._heading(f"{group.title} ({group.unit}){spread}", level=2)
            table = self.document.add_table(rows=1, cols=3, style="Table Grid")
            table.autofit = False
            heads = (label(lang, "value"), label(lang, "as_of"), label(lang, "source"))
            for cell, text in zip(table.rows[0].cells, heads, strict=True):
                cell.paragraphs[0].add_run(text).bold = True
            # The head row is repeated on each page the table runs onto.
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for row in group.rows:
                value, as_of, source = table.add_row().cells
                value.paragraphs[0].add_run(row.value).bold = True
                value.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                as_of.paragraphs[0].add_run(row.as_of)
                self._statement(source.paragraphs[0], row.item, text=row.source)
            # Word reads the cells' widths, LibreOffice the grid's: both are set.
            for column, column_width in zip(table.columns, widths, strict=True):
                column.width = column_width
                for cell in column.cells:
                    cell.width = column_width
            self.document.add_paragraph()


class _Footnotes:
    """The footnotes part of a document: made when the document is, filled note by note."""

    def __init__(self, document: Document) -> None:
        from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import parse_xml

        self.document = document
        # The separator lines above the notes, which Word and LibreOffice expect
        # as the notes numbered -1 and 0.
        xml = (
            f'<w:footnotes xmlns:w="{_W}" xmlns:r="{_R}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
            "</w:footnotes>"
        )
        document_part = document.part
        self.part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CONTENT_TYPE.WML_FOOTNOTES,
            parse_xml(xml),
            document_part.package,
        )
        document_part.relate_to(self.part, RELATIONSHIP_TYPE.FOOTNOTES)
        settings = document.settings.element
        properties = parse_xml(
            f'<w:footnotePr xmlns:w="{_W}"><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        _insert_in_order(settings, properties)

    def add_styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        styles = self.document.styles
        text = styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
        text.style_id = FOOTNOTE_TEXT
        text.base_style = styles["Normal"]
        text.font.size = Pt(8)
        text.paragraph_format.space_after = Pt(0)
        call = styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
        call.style_id = FOOTNOTE_REFERENCE
        call.font.superscript = True

    def add(self, paragraph: Paragraph, note: Note, lang: str) -> None:
        """Call ``note`` at the end of ``paragraph``, and write it in the footnotes part."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        run = paragraph.add_run()
        run._r.get_or_add_rPr().style = FOOTNOTE_REFERENCE
        run._r.append(OxmlElement("w:footnoteReference", {qn("w:id"): str(note.number)}))
        # A bookmark on the call, for a later call of the same note to refer to.
        marks = {qn("w:id"): str(note.number), qn("w:name"): _bookmark(note.number)}
        run._r.addprevious(OxmlElement("w:bookmarkStart", marks))
        run._r.addnext(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(note.number)}))

        footnote = OxmlElement("w:footnote", {qn("w:id"): str(note.number)})
        self.part.element.append(footnote)
        p = OxmlElement("w:p")
        footnote.append(p)
        text = Paragraph(p, paragraph._parent)
        text.style = "footnote text"
        mark = text.add_run()
        mark._r.get_or_add_rPr().style = FOOTNOTE_REFERENCE
        mark._r.append(OxmlElement("w:footnoteRef"))
        text.add_run(" ")
        _citation(text, note.citation, self.part)
        if note.comment:
            text.add_run(f" {label(lang, 'comment')} ").italic = True
            text.add_run(note.comment)


# -- Office Open XML that python-docx does not write -----------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _citation(paragraph: Paragraph, citation: Citation, part: Any) -> None:
    """A citation's segments as runs: titles in italics, URLs as links, grades smaller."""
    from docx.shared import Pt

    for segment in citation:
        if not segment.text:
            continue
        if segment.url:
            _hyperlink(paragraph, segment.text, segment.url, part)
            continue
        run = paragraph.add_run(segment.text)
        if segment.italic and segment.text.strip():
            run.italic = True
        if segment.grade:
            run.font.size = Pt(7)


def _hyperlink(paragraph: Paragraph, text: str, url: str, part: Any) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink", {qn("r:id"): rid})
    run = OxmlElement("w:r")
    run.get_or_add_rPr().style = HYPERLINK
    run.text = text
    link.append(run)
    paragraph._p.append(link)


def _bookmark(number: int) -> str:
    # A name starting with "_" is hidden from Word's list of bookmarks.
    return f"_RefNote{number}"


def _note_reference(paragraph: Paragraph, number: int) -> None:
    """The number of a note already called, as Word's cross-reference to a footnote.

    A complex field (begin, instruction, result, end) rather than a simple one:
    readers that do not compute fields, pandoc among them, show its result.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(*children: Any, text: str | None = None) -> Any:
        element = OxmlElement("w:r")
        properties = element.get_or_add_rPr()
        properties.style = FOOTNOTE_REFERENCE
        properties.append(OxmlElement("w:vertAlign", {qn("w:val"): "superscript"}))
        element.extend(children)
        if text is not None:
            element.text = text
        return element

    # \f: formatted as a footnote call; \h: a link to the note.
    instruction = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction.text = f" NOTEREF {_bookmark(number)} \\f \\h "
    paragraph._p.extend(
        [
            run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"})),
            run(instruction),
            run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"})),
            run(text=str(number)),
            run(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"})),
        ]
    )


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word computes when it lays the page out: ``PAGE``, ``NUMPAGES``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple", {qn("w:instr"): instruction})
    run = OxmlElement("w:r")
    run.text = "1"
    field.append(run)
    paragraph._p.append(field)


def _set_language(document: Document, lang: str) -> None:
    """The language of the text, for Word's spelling and hyphenation."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    language = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert language is not None
    language.set(qn("w:val"), lang)


# The settings that come after w:footnotePr, in the order of the schema (ECMA-376, CT_Settings).
_AFTER_FOOTNOTE_PROPERTIES = frozenset(
    [
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
)


def _insert_in_order(settings: Any, element: Any) -> None:
    """Put the footnote properties among the settings where the schema wants them."""
    for child in settings:
        if str(child.tag).split("}")[-1] in _AFTER_FOOTNOTE_PROPERTIES:
            child.addprevious(element)
            return
    settings.append(element)


def _drop_thumbnail(document: Document) -> None:
    """python-docx's template carries a thumbnail of an empty page: not this document's."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del rels[rid]


# python-docx holds each document property to 255 characters.
PROPERTY_LIMIT = 255


def _property(text: str) -> str:
    return text if len(text) <= PROPERTY_LIMIT else text[: PROPERTY_LIMIT - 1] + "…"


def _keywords(keywords: list[str]) -> str:
    """As many whole keywords as the property holds, themes first."""
    kept = ""
    for keyword in keywords:
        longer = f"{kept}, {keyword}" if kept else keyword
        if len(longer) > PROPERTY_LIMIT:
            break
        kept = longer
    return kept


def _reproducible_zip(data: bytes, date: dt.date) -> bytes:
    """The same package, every entry dated ``date``: the same brief gives the same bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
