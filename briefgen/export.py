"""Bibliography files of the sources: CSL-JSON (pandoc, Zotero) and BibTeX (biblatex, biber).

The fact base already uses CSL names, so CSL-JSON is close to a dump; what
CSL has no variable for (the reliability grade, the descriptor, the local
text) goes under ``custom``, the object CSL-JSON keeps for such data.
Both files carry the short title briefgen's notes use, so that a CSL
processor or biblatex writes the same short notes.
BibTeX maps the CSL types to biblatex entry types and escapes what LaTeX
would read as commands, keeping other characters as UTF-8 for biber; the
capitals of titles are braced, so that no style lowercases them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from briefgen.cite import short_title
from briefgen.model import Name, PartialDate, Source, record_data, worded


def source_to_csl(source: Source, lang: str | None = None) -> dict[str, Any]:
    """``source`` as a CSL-JSON item: CSL variables, dates as ``date-parts``, name objects.

    CSL has one value per variable: a text the base gives per language is exported in
    ``lang`` (by default, in the first language it has).
    """
    source = source.in_language(lang)
    item: dict[str, Any] = {"id": source.id, "type": source.type}
    for field, value in record_data(source).items():
        if field in ("id", "type") or field in _CUSTOM or value in ((), []):
            continue
        if isinstance(value, PartialDate):
            item[field] = {"date-parts": [value.parts()]}
        elif field in ("author", "editor"):
            item[field] = [_csl_name(name) for name in value]
        elif field == "note":
            # A curator's remark: "annote" is for the reader, where styles print "note"
            # in every citation.
            item["annote"] = value
        else:
            item[field] = value
    short = _short_title(source)
    if short:
        item["title-short"] = short
    custom = {field: getattr(source, field) for field in _CUSTOM if getattr(source, field)}
    if custom:
        item["custom"] = custom
    return item


# Fields of a source that CSL has no variable for.
_CUSTOM = ("reliability", "descriptor", "text")


def _csl_name(name: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in name.items() if value is not None}


def render_csl_json(sources: Iterable[Source], lang: str | None = None) -> str:
    """A CSL-JSON file: an array of items, as ``pandoc --citeproc`` and Zotero read it;
    texts given per language in ``lang``."""
    items = [source_to_csl(source, lang) for source in sources]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# CSL type -> biblatex entry type, and the entrysubtype biblatex styles use for periodicals.
BIBLATEX_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "dataset": "dataset",
    "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference",
    "entry": "inreference",
    "legal_case": "jurisdiction",
    "legislation": "legislation",
    "bill": "legislation",
    "treaty": "legal",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "paper-conference": "inproceedings",
    "post": "online",
    "post-weblog": "online",
    "report": "report",
    "standard": "standard",
    "thesis": "thesis",
    "webpage": "online",
}
ENTRY_SUBTYPES = {"article-newspaper": "newspaper", "article-magazine": "magazine"}
# The field a CSL container-title goes to, by biblatex entry type.
CONTAINER_FIELDS = {
    "article": "journaltitle",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "inreference": "booktitle",
}
# The field a CSL publisher goes to, by biblatex entry type.
PUBLISHER_FIELDS = {
    "report": "institution",
    "thesis": "institution",
    "online": "organization",
    "misc": "organization",
    "standard": "organization",
}
# biblatex's language identifiers (babel names) of the CSL language codes.
LANGIDS = {
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "ru": "russian",
    "uk": "ukrainian",
    "zh": "chinese",
}


def entry_type(source: Source) -> str:
    """The biblatex entry type of ``source``; an article without a periodical is ``misc``."""
    kind = BIBLATEX_TYPES.get(source.type, "misc")
    if source.type == "article":
        kind = "article" if source.container_title else "misc"
    return kind


def source_to_bibtex(source: Source, lang: str | None = None) -> str:
    """``source`` as one biblatex entry, keyed by its id; texts given per language in
    ``lang`` (by default, the first language they have)."""
    source = source.in_language(lang)
    kind = entry_type(source)
    fields: list[tuple[str, str]] = []
    if source.author:
        fields.append(("author", _names(source.author)))
    if source.editor:
        fields.append(("editor", _names(source.editor)))
    if source.title:
        fields.append(("title", protect_capitals(escape(source.title))))
    short = _short_title(source)
    if short:
        fields.append(("shorttitle", protect_capitals(escape(short))))
    if source.container_title:
        container = _container_field(source, kind)
        fields.append((container, protect_capitals(escape(source.container_title))))
    if source.type in ENTRY_SUBTYPES:
        fields.append(("entrysubtype", ENTRY_SUBTYPES[source.type]))
    if source.collection_title:
        fields.append(("series", protect_capitals(escape(source.collection_title))))
    if source.number:
        fields.append(("number", escape(source.number)))
    if source.publisher:
        fields.append((PUBLISHER_FIELDS.get(kind, "publisher"), escape(source.publisher)))
    if source.publisher_place:
        fields.append(("location", escape(source.publisher_place)))
    if source.issued:
        fields.append(("date", str(source.issued)))
    if source.ISSN:
        fields.append(("issn", escape(source.ISSN)))
    if source.URL:
        fields.append(("url", _url(source.URL)))
    if source.accessed:
        fields.append(("urldate", str(source.accessed)))
    langid = LANGIDS.get(source.language.split("-")[0]) if source.language else None
    if langid:
        fields.append(("langid", langid))
    if source.note:
        # "annotation" is for the reader; biblatex styles do not print it, as they would "note".
        fields.append(("annotation", escape(source.note)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{kind}{{{source.id},\n{body}}}\n"


def _container_field(source: Source, kind: str) -> str:
    """The field a biblatex entry of ``kind`` names its container in."""
    container = CONTAINER_FIELDS.get(kind)
    if container is None and kind in ("online", "misc") and not source.publisher:
        container = "organization"
    return container or "titleaddon"


def render_bibtex(sources: Iterable[Source], lang: str | None = None) -> str:
    """A ``.bib`` file for biblatex and biber (UTF-8), in ``lang`` where texts differ."""
    return "\n".join(source_to_bibtex(source, lang) for source in sources)


def _short_title(source: Source) -> str | None:
    """The short title of briefgen's notes, when it is not the title itself."""
    short = short_title(source)
    return short if short and short != source.title else None


def protect_capitals(value: str) -> str:
    """``value`` (escaped) with every word holding a capital in braces, ``{North} {Koreans}``,
    so that the sentence case of biblatex styles and pandoc keeps names and acronyms."""
    return re.sub(r"\S+", _brace_word, value)


def _brace_word(match: re.Match[str]) -> str:
    # Punctuation around the word stays outside the braces: "[{La}", "{Ukraine}]".
    edges = _EDGES.fullmatch(match[0])
    assert edges is not None  # the middle group takes whatever the edges leave
    before, word, after = edges.groups()
    # Capitals outside the escapes' command names ("\textbraceleft{}" has none).
    letters = re.sub(r"\\[A-Za-z]+", "", word)
    if not any(c.isupper() for c in letters):
        return match[0]
    return f"{before}{{{word}}}{after}"


_EDGES = re.compile(r"([\[(“‘«\"']*)(.*?)([\])”’»\"',.;:!?]*)", re.DOTALL)


def _names(names: tuple[Name, ...]) -> str:
    """``Family, Given and {{Institution}}``: braces keep an institution's name whole."""
    written = []
    for name in names:
        literal = worded(name.literal, None)
        if literal:
            written.append(f"{{{escape(literal)}}}")
        elif name.given:
            written.append(f"{escape(name.family or '')}, {escape(name.given)}")
        else:
            written.append(escape(name.family or ""))
    return " and ".join(written)


_SPECIAL = re.compile(r"[\\&%$#_{}~^]")
# BibTeX counts every brace to find where a field ends, even "\{": a value's own
# braces are written as commands, so that none can close its field and start another.
_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape(value: str) -> str:
    """``value`` as literal text in a BibTeX field: ``& % $ # _ { } ~ ^ \\`` escaped, and no
    brace left to count."""
    return _SPECIAL.sub(lambda m: _REPLACEMENTS.get(m[0], "\\" + m[0]), value)


def _url(url: str) -> str:
    # biblatex reads url verbatim, so nothing is escaped, but braces must balance.
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
