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
from briefgen.pagemodel import runs_heads_in
from briefgen.paper import sheet
from briefgen.renderers.html import document_keywords, document_subject

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

    from briefgen.cite import Citation
    from briefgen.renderers.options import RenderOptions

# The margins of the print template (templates/print.css), in millimetres.
MARGINS_MM = (
    12.0,
    15.0,
    12.0,
    15.0,
)  # top, right, bottom, left: the PDF's sides; its notes need more room

# Where the header and the footer sit, from the page's edge: the marking clear of the text.
HEADER_MM, FOOTER_MM = 5.0, 5.0
# The PDF's sizes (9.5pt text, 7.5pt notes), on lines a little closer than its 12.35pt
# and 9.6pt: the PDF runs its notes on, one after the other, where Word gives each note a
# paragraph of its own, so that a brief of short notes ("Ibid., para. 12") takes more
# lines at the foot of the page. With these, every shipped one-page brief opens as one
# page in LibreOffice (tests/test_docx.py); the top and foot margins are 1 and 2 mm
# less than the PDF's for the same reason.
BODY_LINE = 12.0
BULLET_AFTER = 1.0
RUN_IN_GAP = 3.0  # above the first bullet of a section whose head runs in
NOTE_LINE = 8.6
# The key points' box: its rule and its padding, in points.
BOX_RULE, BOX_PADDING = 2.5, 8.0
# Where a bullet's text starts, in points.
BULLET_INDENT = 11.0
# The shares of the text's width the value, date and source of an estimate take.
ESTIMATE_COLUMNS = (0.17, 0.17, 0.66)
VALUE_PADDING = 10.0  # pt between a value and its date, as in the PDF

FOOTNOTE_TEXT = "FootnoteText"
FOOTNOTE_REFERENCE = "FootnoteReference"
HYPERLINK = "Hyperlink"

# The brief's own styles (their names; each is also its id without spaces).
BYLINE = "Brief Byline"
BOTTOM_LINE = "Brief Bottom Line"
SIDE = "Brief Contradiction"
GAP = "Brief Gap"
COLOPHON = "Brief Colophon"
TABLE_TEXT = "Brief Table Text"
TABLE_HEAD = "Brief Table Head"
MARKING = "Brief Marking"
ESTIMATES = "Brief Estimates"
DETAIL = "Brief Detail"
RUN_IN = "Brief Run-in"
VERSUS = "Brief Versus"
VALUE = "Brief Value"
PAGE_NUMBER = "Brief Page Number"

# The PDF's inks (templates/brief.css), as Word writes colours.
INK, MUTED, ACCENT, RULE, TINT, MARK = "1A1A1A", "5A5F66", "1F3A5F", "B8BEC6", "EEF1F5", "8B1A1A"
# A row's rule: the PDF's tint, one step darker, which prints.
ROW_RULE = "DDE1E6"


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
        brief, lang = self.brief, self.lang
        self._setup()
        self._title()
        if brief.is_empty:
            self.document.add_paragraph(brief.empty_text)
        if brief.judgments:
            self._judgments()
        if brief.key_points:
            self._key_points()
        # One page of several themes, as on the PDF's: each one's head runs in.
        run_in = runs_heads_in(brief, self.options.pages == 1)
        for section in brief.sections:
            if not run_in:
                self._heading(section.title)
            for i, item in enumerate(section.items):
                self._bullet(item, head=section.title if run_in and i == 0 else None)
        if brief.estimates:
            self._estimates()
        if brief.contradictions:
            self._contradictions()
        if brief.removed:
            self._heading(label(lang, "removed"))
            for item in brief.removed:
                paragraph = self.document.add_paragraph(style="List Bullet")
                paragraph.add_run(item.text)
                paragraph.add_run(f" ({item.fact.id})", style=DETAIL)
        if brief.notes:
            # On a page, as in the PDF: the summary and the grades' legend close the text, small.
            legend = brief.legend()
            text = f"{brief.summary_text()} {legend}" if legend else brief.summary_text()
            self.document.add_paragraph(text, style=COLOPHON)
        if brief.bibliography_entries:
            self._heading(label(lang, "bibliography"))
            for entry in brief.bibliography_entries:
                paragraph = self.document.add_paragraph(style="Bibliography")
                _citation(paragraph, entry, self.document.part)
        # Word numbers footnotes in the order they are called: that order must be the brief's.
        expected = [note.number for note in brief.notes]
        assert self.calls == expected, f"notes called out of order: {self.calls} != {expected}"
        return _reproducible_zip(self._save(), self.brief.date)

    # -- the document as a whole --------------------------------------------

    def _setup(self) -> None:
        from docx.shared import Mm

        document, brief = self.document, self.brief
        section = document.sections[0]
        width, height = sheet(self.options.paper).mm
        section.page_width, section.page_height = Mm(width), Mm(height)
        top, right, bottom, left = MARGINS_MM
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        # The marking sits in the margins, 5 mm from the text, as on the PDF's page.
        section.header_distance, section.footer_distance = Mm(HEADER_MM), Mm(FOOTER_MM)
        _Styles(document).define()
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
        """The marking at the top and the foot of every page; the page number at the foot,
        on the right, as on the PDF's page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
        from docx.shared import Mm

        marking = self.brief.marking
        header = section.header.paragraphs[0]
        header.style = MARKING
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if marking:
            header.add_run(marking)
        footer = section.footer.paragraphs[0]
        footer.style = MARKING
        width = self._text_width_mm()
        stops = footer.paragraph_format.tab_stops
        stops.add_tab_stop(Mm(width / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(Mm(width), WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run("\t" + (marking or "") + "\t")
        _field(footer, "PAGE", PAGE_NUMBER)
        footer.add_run(" / ", style=PAGE_NUMBER)
        _field(footer, "NUMPAGES", PAGE_NUMBER)

    def _text_width_mm(self) -> float:
        width, _ = sheet(self.options.paper).mm
        return width - MARGINS_MM[1] - MARGINS_MM[3]

    def _title(self) -> None:
        brief = self.brief
        self.document.add_paragraph(brief.title, style="Title")
        if brief.subtitle:
            self.document.add_paragraph(brief.subtitle, style="Subtitle")
        self.document.add_paragraph(" · ".join(brief.byline()), style=BYLINE)

    def _heading(self, text: str, level: int = 1) -> Paragraph:
        return self.document.add_heading(text, level=level)

    def _save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # -- statements and their notes -----------------------------------------

    def _bullet(self, item: Item, *, boxed: bool = False, head: str | None = None) -> None:
        """A bullet; ``head``, a section's head run in at its start."""
        from docx.shared import Pt

        paragraph = self.document.add_paragraph(style="List Bullet")
        if boxed:
            _box(paragraph)
        if head is not None:
            paragraph.paragraph_format.space_before = Pt(RUN_IN_GAP)
            paragraph.add_run(head + " ", style=RUN_IN)
        self._statement(paragraph, item, strong=boxed)

    def _key_points(self) -> None:
        """The key points in a tinted box with a rule on its left, as on the PDF's page."""
        heading = self._heading(label(self.lang, "key_points"))
        _box(heading)
        for item in self.brief.key_points:
            self._bullet(item, boxed=True)

    def _judgments(self) -> None:
        """The bottom line (a paragraph with a run-in label), the key judgments and the
        legend of their likelihood terms."""
        brief, lang = self.brief, self.lang
        bottom = brief.bottom_line
        assert bottom is not None
        paragraph = self.document.add_paragraph(style=BOTTOM_LINE)
        paragraph.add_run(label(lang, "bottom_line") + " ", style=RUN_IN)
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
        paragraph.add_run(" " + item.confidence_sentence(), style=DETAIL)
        self._call(paragraph, self._note(item.note))
        if item.status:
            paragraph.add_run(f" ({label(self.lang, 'status_' + item.status)})").italic = True
        change = item.change()
        if change:
            paragraph.add_run(" " + change, style=DETAIL)

    def _statement(
        self, paragraph: Paragraph, item: Item, text: str | None = None, *, strong: bool = False
    ) -> None:
        """``text`` (the item's own by default), its footnote, and its status in a digest.
        A statement starts with its date; its grade follows it, and after its note the
        other estimates of its measure, each with its own."""
        if item.date and text is None:
            paragraph.add_run(item.date + " ", style=DETAIL)
        paragraph.add_run(item.text if text is None else text).bold = strong or None
        if item.grade:
            paragraph.add_run(f" [{item.grade}]", style=DETAIL)
        self._calls(paragraph, item)
        if item.spread and text is None:
            paragraph.add_run(" [", style=DETAIL)
            for before, other in item.spread.parts():
                paragraph.add_run(before, style=DETAIL)
                self._calls(paragraph, other)
            paragraph.add_run(item.spread.tail() + "]", style=DETAIL)
        if item.status:
            paragraph.add_run(f" ({label(self.lang, 'status_' + item.status)})").italic = True

    def _calls(self, paragraph: Paragraph, item: Item) -> None:
        """The footnote of ``item``, or where it has one already a reference to it."""
        if item.repeated and item.note is not None:
            _note_reference(paragraph, item.note)
        else:
            for number in item.notes:
                self._call(paragraph, self._note(number))

    def _note(self, number: int) -> Note:
        return self.brief.notes[number - 1]

    def _call(self, paragraph: Paragraph, note: Note) -> None:
        self.calls.append(note.number)
        self.footnotes.add(paragraph, note, self.lang)

    # -- contradictions -------------------------------------------------------

    def _contradictions(self) -> None:
        """Each pair one side under the other, held together by a rule on the left."""
        self._heading(label(self.lang, "contradictions"))
        for index, pair in enumerate(self.brief.contradictions):
            if index:
                # A paragraph between two pairs, or Word draws their rules as one.
                self.document.add_paragraph(style=GAP)
            self._statement(self.document.add_paragraph(style=SIDE), pair.left)
            paragraph = self.document.add_paragraph(style=SIDE)
            paragraph.add_run(label(self.lang, "versus") + " ", style=VERSUS)
            self._statement(paragraph, pair.right)

    # -- competing estimates ------------------------------------------------

    def _estimates(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.shared import Mm

        lang = self.lang
        self._heading(label(lang, "estimates"))
        room = self._text_width_mm()
        widths = [Mm(room * share) for share in ESTIMATE_COLUMNS]
        for index, group in enumerate(self.brief.estimates):
            if index:
                self.document.add_paragraph(style=GAP)  # two tables in a row would be one
            spread = f" [{group.spread}]" if group.spread else ""
            caption = self._heading(group.title + " ", level=2)
            caption.add_run(f"({group.unit}){spread}", style=DETAIL)
            table = self.document.add_table(rows=1, cols=3, style=ESTIMATES)
            table.autofit = False
            heads = (label(lang, "value"), label(lang, "as_of"), label(lang, "source"))
            for cell, text in zip(table.rows[0].cells, heads, strict=True):
                cell.paragraphs[0].style = TABLE_HEAD
                cell.paragraphs[0].add_run(text)
                _cell_rule(cell, RULE)
            table.rows[0].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _cell_padding(table.rows[0].cells[0], VALUE_PADDING)
            # The head row is repeated on each page the table runs onto.
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for row in group.rows:
                value, as_of, source = table.add_row().cells
                for cell in (value, as_of, source):
                    cell.paragraphs[0].style = TABLE_TEXT
                value.paragraphs[0].add_run(row.value, style=VALUE)
                value.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _cell_padding(value, VALUE_PADDING)
                as_of.paragraphs[0].add_run(row.as_of)
                self._statement(source.paragraphs[0], row.item, text=row.source)
            # Word reads the cells' widths, LibreOffice the grid's: both are set.
            for column, column_width in zip(table.columns, widths, strict=True):
                column.width = column_width
                for cell in column.cells:
                    cell.width = column_width


# Fonts a Word user has, whose metric twins (Caladea, Carlito) LibreOffice has: the same
# line breaks in both. East Asian text (Hangul) falls back to a font that holds it.
SERIF = "Cambria"
SANS = "Calibri"
EAST_ASIAN = "Malgun Gothic"


def _fonts(face: str) -> str:
    return f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:cs="{face}" w:eastAsia="{EAST_ASIAN}"/>'


def _pt(points: float) -> int:
    """Points in twentieths, as Word measures spacing."""
    return round(points * 20)


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _spacing(before: float = 0, after: float = 0, line: float | None = None) -> str:
    """Space before and after a paragraph, and its line height (exact) when given, in points."""
    rule = (
        f' w:line="{_pt(line)}" w:lineRule="exact"' if line else ' w:line="240" w:lineRule="auto"'
    )
    return f'<w:spacing w:before="{_pt(before)}" w:after="{_pt(after)}"{rule}/>'


def _border(side: str, width: float, color: str, space: float) -> str:
    # Widths in eighths of a point, space in points.
    return (
        f'<w:{side} w:val="single" w:sz="{round(width * 8)}" w:space="{round(space)}" '
        f'w:color="{color}"/>'
    )


# Run properties: the sans for labels, figures and dates, in the PDF's sizes and inks.
_HEAD = f'{_fonts(SANS)}<w:b/><w:bCs/><w:caps/><w:color w:val="{ACCENT}"/><w:spacing w:val="12"/>'


class _Styles:
    """The brief's styles: the PDF's type scale, spacing and inks (templates/brief.css and
    print.css), on Word's built-in styles where Word has one for the role."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.element = document.styles.element

    def define(self) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn

        # The document's defaults: the serif, 9.5pt, no space between paragraphs.
        defaults = self.element.find(qn("w:docDefaults"))
        assert defaults is not None
        run = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        assert run is not None
        fonts = run.find(qn("w:rFonts"))
        assert fonts is not None
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for attribute in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attribute}"), SERIF)
        fonts.set(qn("w:eastAsia"), EAST_ASIAN)
        # Pairs kerned at every size, as LibreOffice and WeasyPrint do: Word's lines then
        # break where theirs do.
        kerning = parse_xml(f'<w:kern xmlns:w="{_W}" w:val="2"/>')
        size = run.find(qn("w:sz"))
        if size is not None:
            size.addprevious(kerning)
        else:
            run.append(kerning)
        paragraph = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        assert paragraph is not None
        spacing = paragraph.find(qn("w:spacing"))
        assert spacing is not None
        spacing.set(qn("w:after"), "0")

        line = BODY_LINE
        self.restyle(
            "Normal",
            f"<w:widowControl/>{_spacing(line=line)}",
            f'{_fonts(SERIF)}<w:color w:val="{INK}"/>{_size(9.5)}',
        )
        self.restyle(
            "Title",
            f"<w:keepNext/>{_spacing(line=17 * 1.15)}",
            f'{_fonts(SANS)}<w:b/><w:bCs/><w:color w:val="{ACCENT}"/>{_size(17)}',
        )
        self.restyle("Subtitle", f"<w:keepNext/>{_spacing(before=2)}", f"<w:i/><w:iCs/>{_size(11)}")
        self.add(
            "paragraph",
            BYLINE,
            f"<w:keepNext/><w:pBdr>{_border('bottom', 1.2, ACCENT, 5)}</w:pBdr>"
            f"{_spacing(before=4, after=8)}",
            f'{_fonts(SANS)}<w:color w:val="{MUTED}"/>{_size(8)}',
        )
        # A section's head: small capitals over a hairline; a table's caption below it.
        self.restyle(
            "Heading 1",
            f"<w:keepNext/><w:keepLines/><w:pBdr>{_border('bottom', 0.5, RULE, 1)}</w:pBdr>"
            f'{_spacing(before=5, after=2.5)}<w:outlineLvl w:val="0"/>',
            f"{_HEAD}{_size(8.5)}",
        )
        self.restyle(
            "Heading 2",
            f'<w:keepNext/><w:keepLines/>{_spacing(after=2)}<w:outlineLvl w:val="1"/>',
            f'{_fonts(SANS)}<w:b/><w:bCs/><w:color w:val="{INK}"/>{_size(8.5)}',
        )
        self.restyle(
            "List Bullet",
            f'<w:numPr><w:numId w:val="{self.bullets()}"/></w:numPr>{_spacing(after=BULLET_AFTER, line=line)}',
            "",
        )
        self.add(
            "paragraph",
            BOTTOM_LINE,
            f"<w:pBdr>{_border('left', 2.5, ACCENT, 8)}</w:pBdr>"
            f'{_spacing(before=2, after=7, line=line)}<w:ind w:left="{_pt(10.5)}"/>',
            "<w:b/><w:bCs/>",
        )
        self.add(
            "paragraph",
            SIDE,
            f"<w:pBdr>{_border('left', 1.5, RULE, 7)}</w:pBdr>"
            f'{_spacing(line=line)}<w:ind w:left="{_pt(8.5)}"/>',
            "",
        )
        self.add("paragraph", GAP, _spacing(line=4), _size(1))
        self.add(
            "paragraph",
            COLOPHON,
            _spacing(before=5, line=7.5 * 1.28),
            f'<w:color w:val="{MUTED}"/>{_size(7.5)}',
        )
        self.add("paragraph", TABLE_TEXT, _spacing(line=8.5 * 1.3), _size(8.5))
        self.add(
            "paragraph",
            TABLE_HEAD,
            f"<w:keepNext/>{_spacing(line=7.5 * 1.3)}",
            f'{_fonts(SANS)}<w:caps/><w:color w:val="{MUTED}"/><w:spacing w:val="8"/>{_size(7.5)}',
        )
        self.add(
            "paragraph",
            MARKING,
            _spacing(),
            f'{_fonts(SANS)}<w:b/><w:bCs/><w:caps/><w:color w:val="{MARK}"/><w:spacing w:val="15"/>'
            f"{_size(7.5)}",
        )
        self.add(
            "paragraph",
            "Bibliography",
            f'{_spacing(after=3)}<w:ind w:left="{_pt(13.5)}" w:hanging="{_pt(13.5)}"/>',
            _size(9),
        )
        self.add(
            "character",
            DETAIL,
            "",
            f'{_fonts(SANS)}<w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{MUTED}"/>{_size(8)}',
        )
        self.add("character", RUN_IN, "", f"{_HEAD}{_size(8.5)}")
        self.add(
            "character",
            VERSUS,
            "",
            f'{_fonts(SANS)}<w:caps/><w:color w:val="{MUTED}"/><w:spacing w:val="9"/>{_size(7.5)}',
        )
        self.add("character", VALUE, "", f"{_fonts(SANS)}<w:b/><w:bCs/>")
        self.add(
            "character",
            PAGE_NUMBER,
            "",
            f'<w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{MUTED}"/><w:spacing w:val="0"/>',
        )
        self.add(
            "character",
            HYPERLINK,
            "",
            f'<w:color w:val="{ACCENT}"/><w:u w:val="single"/>',
        )
        # Estimates: rules under the rows as light as the PDF's, no vertical lines.
        # In the schema's order: top, left, bottom, right, insideH, insideV.
        rule = {side: _border(side, 0.5, ROW_RULE, 0) for side in ("bottom", "insideH")}
        edges = ("top", "left", "bottom", "right", "insideH", "insideV")
        borders = "".join(rule.get(side, f'<w:{side} w:val="nil"/>') for side in edges)
        self.add(
            "table",
            ESTIMATES,
            "",
            "",
            table=(
                f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>"
                f'<w:top w:w="{_pt(1.5)}" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
                f'<w:bottom w:w="{_pt(1.5)}" w:type="dxa"/><w:right w:w="{_pt(6)}" w:type="dxa"/>'
                "</w:tblCellMar></w:tblPr>"
            ),
        )

    def bullets(self) -> int:
        """The bullets' list: a small square in the accent colour, the text 11pt in."""
        from docx.oxml import parse_xml

        numbering = self.document.part.numbering_part.element
        ids = [
            int(n.get(f"{{{_W}}}abstractNumId")) for n in numbering.findall(f"{{{_W}}}abstractNum")
        ]
        nums = [int(n.get(f"{{{_W}}}numId")) for n in numbering.findall(f"{{{_W}}}num")]
        abstract, num = max(ids) + 1, max(nums) + 1
        indent = _pt(BULLET_INDENT)
        definition = parse_xml(
            f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract}">'
            '<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="bullet"/><w:lvlText w:val="\u25aa"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{indent}"/></w:tabs>'
            f'<w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr>'
            f'<w:rPr>{_fonts(SANS)}<w:color w:val="{ACCENT}"/></w:rPr></w:lvl></w:abstractNum>'
        )
        # The schema wants every abstractNum before the first num.
        first = numbering.find(f"{{{_W}}}num")
        if first is not None:
            first.addprevious(definition)
        else:
            numbering.append(definition)
        numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{_W}" w:numId="{num}"><w:abstractNumId w:val="{abstract}"/></w:num>'
            )
        )
        return num

    def restyle(self, name: str, paragraph: str, run: str) -> None:
        """Give a built-in style the brief's paragraph and run properties, and only those."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn

        style = self.document.styles[name].element
        for tag in ("w:pPr", "w:rPr"):
            for old in style.findall(qn(tag)):
                style.remove(old)
        style.append(parse_xml(f'<w:pPr xmlns:w="{_W}">{paragraph}</w:pPr>'))
        style.append(parse_xml(f'<w:rPr xmlns:w="{_W}">{run}</w:rPr>'))

    def add(self, kind: str, name: str, paragraph: str, run: str, table: str = "") -> None:
        from docx.oxml import parse_xml

        based = "TableNormal" if kind == "table" else "Normal" if kind == "paragraph" else None
        parts = [f'<w:name w:val="{name}"/>']
        if based:
            parts.append(f'<w:basedOn w:val="{based}"/>')
        parts.append("<w:qFormat/>" if kind != "table" else "")
        if paragraph:
            parts.append(f"<w:pPr>{paragraph}</w:pPr>")
        if run:
            parts.append(f"<w:rPr>{run}</w:rPr>")
        parts.append(table)
        self.element.append(
            parse_xml(
                f'<w:style xmlns:w="{_W}" w:type="{kind}" w:customStyle="1" '
                f'w:styleId="{name.replace(" ", "").replace("-", "")}">{"".join(parts)}</w:style>'
            )
        )


def _box(paragraph: Paragraph) -> None:
    """The key points' box: a tint, a rule on the left, the text 8pt inside. Word and
    LibreOffice draw paragraphs with the same borders and indents as one box."""
    from docx.oxml import parse_xml

    properties = paragraph._p.get_or_add_pPr()
    borders = (
        _border("top", 0.5, TINT, 4)
        + _border("left", BOX_RULE, ACCENT, BOX_PADDING)
        + _border("bottom", 0.5, TINT, 3)
        + _border("right", 0.5, TINT, BOX_PADDING)
    )
    # The head and the bullets have the same indents, the bullets' own, or they are not one
    # box; the box's rule and padding stand out into the margins (readers such as pandoc
    # take a bullet indented past its list for a quotation).
    indents = f'<w:ind w:left="{_pt(BULLET_INDENT)}" w:hanging="{_pt(BULLET_INDENT)}"/>'
    for xml in (
        f"<w:pBdr>{borders}</w:pBdr>",
        f'<w:shd w:val="clear" w:color="auto" w:fill="{TINT}"/>',
        indents,
    ):
        _set_property(properties, parse_xml(f'<w:pPr xmlns:w="{_W}">{xml}</w:pPr>')[0])


# The paragraph properties the box sets, in the order of the schema (CT_PPrBase).
_PARAGRAPH_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
)  # fmt: skip


def _set_property(properties: Any, element: Any) -> None:
    """Put ``element`` among a paragraph's properties where the schema wants it."""
    name = str(element.tag).split("}")[-1]
    rank = _PARAGRAPH_ORDER.index(name)
    for child in list(properties):
        child_name = str(child.tag).split("}")[-1]
        if child_name == name:
            properties.remove(child)
    for child in properties:
        child_name = str(child.tag).split("}")[-1]
        if child_name not in _PARAGRAPH_ORDER or _PARAGRAPH_ORDER.index(child_name) > rank:
            child.addprevious(element)
            return
    properties.append(element)


def _cell_padding(cell: Any, right: float) -> None:
    """Room on the right of a cell (a value's, before its date), in points."""
    from docx.oxml import parse_xml

    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:tcMar xmlns:w="{_W}"><w:right w:w="{_pt(right)}" w:type="dxa"/></w:tcMar>')
    )


def _cell_rule(cell: Any, color: str) -> None:
    """A rule under a table's cell (its head row)."""
    from docx.oxml import parse_xml

    properties = cell._tc.get_or_add_tcPr()
    properties.append(
        parse_xml(f'<w:tcBorders xmlns:w="{_W}">{_border("bottom", 0.5, color, 0)}</w:tcBorders>')
    )


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
            '<w:spacing w:after="0" w:line="120" w:lineRule="exact"/></w:pPr>'
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
        """The notes as the PDF sets them: 7.5pt on a 9.6pt line; calls in the sans."""
        from docx.oxml import parse_xml

        styles = self.document.styles.element
        styles.append(
            parse_xml(
                f'<w:style xmlns:w="{_W}" w:type="paragraph" w:styleId="{FOOTNOTE_TEXT}">'
                '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/>'
                f"<w:pPr>{_spacing(line=NOTE_LINE)}</w:pPr><w:rPr>{_size(7.5)}</w:rPr></w:style>"
            )
        )
        styles.append(
            parse_xml(
                f'<w:style xmlns:w="{_W}" w:type="character" w:styleId="{FOOTNOTE_REFERENCE}">'
                '<w:name w:val="footnote reference"/>'
                f'<w:rPr>{_fonts(SANS)}<w:vertAlign w:val="superscript"/></w:rPr></w:style>'
            )
        )

    def add(self, paragraph: Paragraph, note: Note, lang: str) -> None:
        """Call ``note`` at the end of ``paragraph``, and write it in the footnotes part."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor
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
        mark.bold = True
        mark.font.color.rgb = RGBColor.from_string(MUTED)
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


def _field(paragraph: Paragraph, instruction: str, style: str | None = None) -> None:
    """A field Word computes when it lays the page out: ``PAGE``, ``NUMPAGES``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple", {qn("w:instr"): instruction})
    run = OxmlElement("w:r")
    if style is not None:
        run.get_or_add_rPr().style = style.replace(" ", "")
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
