"""Markdown with footnotes (``[^n]``), valid for pandoc and GitHub.

Text from facts and sources is escaped, so that ``*``, ``[^1]``, ``<tag>``,
``|`` or ``{{ x }}`` in a fact is shown as written and cannot break the
document.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefgen.brief import Brief, Item, JudgmentItem, Note
from briefgen.cite import Citation
from briefgen.labels import label
from briefgen.model import FOLDABLE_SPACE, needs_folding
from briefgen.renderers import superscript

if TYPE_CHECKING:
    from briefgen.renderers.options import RenderOptions

# Characters with a meaning somewhere in CommonMark, GitHub or pandoc Markdown.
# "&" only matters where it starts an entity (&amp; &#38;); "!" only before "[", escaped anyway.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~^$@#]|&(?=#?\w+;))")
# The same, without the alternation, to find out quickly whether there is anything to escape.
_SPECIAL_CHARACTER = re.compile(r"[\\`*_{}\[\]<>|~^$@#]")
_LIST_START = re.compile(r"^([-+]|\d{1,9}(?=[.)]))")
_LIST_MARKS = frozenset("-+0123456789")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline content, on one line."""
    # Each substitution is tried only when a search finds work for it: most
    # text needs none, and a brief escapes every text and note.
    if needs_folding(text):
        text = FOLDABLE_SPACE.sub(" ", text)
    if _SPECIAL_CHARACTER.search(text) or ("&" in text and _SPECIAL.search(text)):
        text = _SPECIAL.sub(r"\\\1", text)
    # A leading "-", "+" or "1." would start a list inside the bullet.
    if text[:1] in _LIST_MARKS:
        text = _LIST_START.sub(
            lambda m: "\\" + m[1] if m[1] in "-+" else m[1] + "\\", text, count=1
        )
    return text


def citation(segments: Citation) -> str:
    out = []
    for segment in segments:
        text = escape(segment.text)
        if segment.url:
            out.append(f"<{segment.url}>")
        elif segment.italic and text.strip():
            out.append(f"*{text}*")
        else:
            out.append(text)
    return "".join(out)


def _comment(note: Note, lang: str) -> str:
    return f" *{escape(label(lang, 'comment'))}* {escape(note.comment)}" if note.comment else ""


def _markers(item: Item) -> str:
    if item.repeated:
        # The same fact shown again: its note is already called; point to it in plain text.
        return superscript(item.notes)
    return "".join(f"[^{n}]" for n in item.notes)


def _bullet(item: Item, lang: str) -> str:
    return f"- {_statement(item)}{_markers(item)}{_spread(item)}{_status(item, lang)}"


def _statement(item: Item) -> str:
    """A fact's text, after its date, before its grade."""
    text = escape(item.text.strip())
    if item.date:
        text = f"*{escape(item.date)}* {text}"
    if item.grade:
        text += rf" \[{escape(item.grade)}\]"
    return text


def _spread(item: Item) -> str:
    """After a value's note: the other estimates of its measure, each with its note."""
    if item.spread is None:
        return ""
    listed = "".join(f"{escape(text)}{_markers(other)}" for text, other in item.spread.parts())
    return rf" \[{listed}{escape(item.spread.tail())}\]"


def _judgment(item: JudgmentItem, lang: str) -> str:
    """A judgment: its likelihood term in bold, its confidence a sentence apart, its note."""
    before, term, after = item.parts()
    text = escape(before) + (f"**{escape(term)}**" if term else "") + escape(after)
    status = f" *({label(lang, 'status_' + item.status)})*" if item.status else ""
    change = item.change()
    was = f" *{escape(change)}*" if change else ""
    return f"{text} *{escape(item.confidence_sentence())}*[^{item.note}]{status}{was}"


def _judgments(brief: Brief) -> list[str]:
    lang = brief.lang
    bottom = brief.bottom_line
    if bottom is None:
        return []
    lines = [f"**{label(lang, 'bottom_line')}:** {_judgment(bottom, lang)}", ""]
    if brief.key_judgments:
        lines += [f"## {label(lang, 'key_judgments')}", ""]
        lines += [f"- {_judgment(item, lang)}" for item in brief.key_judgments] + [""]
    return lines


def _status(item: Item, lang: str) -> str:
    return f" *({label(lang, 'status_' + item.status)})*" if item.status else ""


def render_markdown(brief: Brief, options: RenderOptions | None = None) -> str:
    """The brief as Markdown with footnotes."""
    lang = brief.lang
    lines: list[str] = []
    if brief.marking:
        lines += [f"**{escape(brief.marking)}**", ""]
    lines += [f"# {escape(brief.title)}", ""]
    if brief.subtitle:
        lines += [f"*{escape(brief.subtitle)}*", ""]
    lines += [escape(" · ".join(brief.byline())), ""]
    if brief.is_empty:
        lines += [escape(brief.empty_text), ""]
    lines += _judgments(brief)
    if brief.key_points:
        lines += [f"## {label(lang, 'key_points')}", ""]
        lines += [_bullet(item, lang) for item in brief.key_points] + [""]
    for section in brief.sections:
        lines += [f"## {escape(section.title)}", ""]
        lines += [_bullet(item, lang) for item in section.items] + [""]
    lines += _estimates(brief)
    if brief.contradictions:
        lines += [f"## {label(lang, 'contradictions')}", ""]
        for pair in brief.contradictions:
            lines += [
                f"- {_statement(pair.left)}{_markers(pair.left)}{_spread(pair.left)}"
                f"{_status(pair.left, lang)}",
                f"  - *{label(lang, 'versus')}:* {_statement(pair.right)}{_markers(pair.right)}"
                f"{_spread(pair.right)}{_status(pair.right, lang)}",
            ]
        lines.append("")
    if brief.removed:
        lines += [f"## {label(lang, 'removed')}", ""]
        lines += [f"- {escape(item.text)} ({escape(item.fact.id)})" for item in brief.removed]
        lines.append("")
    if brief.notes:
        lines += [f"## {label(lang, 'sources')}", "", escape(brief.summary_text()), ""]
        legend = brief.legend()
        if legend:
            lines += [escape(legend), ""]
        for note in brief.notes:
            lines.append(f"[^{note.number}]: {citation(note.citation)}{_comment(note, lang)}")
        lines.append("")
    if brief.bibliography_entries:
        lines += [f"## {label(lang, 'bibliography')}", ""]
        for entry in brief.bibliography_entries:
            lines += [citation(entry), ""]
    return "\n".join(lines)


def _estimates(brief: Brief) -> list[str]:
    """The competing estimates: a table of each measure's values."""
    lang = brief.lang
    lines: list[str] = []
    if brief.estimates:
        lines += [f"## {label(lang, 'estimates')}", ""]
        for group in brief.estimates:
            spread = f" \\[{escape(group.spread)}\\]" if group.spread else ""
            lines += [f"### {escape(group.title)} ({escape(group.unit)}){spread}", ""]
            lines += [
                f"| {label(lang, 'value')} | {label(lang, 'as_of')} | {label(lang, 'source')} |",
                "|---:|---|---|",
            ]
            for row in group.rows:
                cells = [
                    escape(row.value),
                    escape(row.as_of),
                    escape(row.source) + _markers(row.item) + _status(row.item, lang),
                ]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
    return lines
