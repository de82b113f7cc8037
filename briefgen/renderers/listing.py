"""Listings of the fact base (``themes``, ``facts``, ``sources``) as table, JSON, Markdown, CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Sequence

from briefgen.cite import person
from briefgen.jsontext import LISTING_SCHEMA, dumps, fact_to_dict, iter_listing, source_to_dict
from briefgen.model import Fact, FactBase, localized
from briefgen.renderers.markdown import escape
from briefgen.renderers.options import Terminal


def render_themes(base: FactBase, fmt: str, lang: str, terminal: Terminal | None = None) -> str:
    counts = Counter(t for fact in base.facts for t in fact.themes)
    if fmt == "json":
        rows = [
            {
                "id": t.id,
                "title": localized(t.title, lang),
                "description": localized(t.description, lang) if t.description else None,
                "facts": counts[t.id],
            }
            for t in base.themes
        ]
        return dumps({"schema": LISTING_SCHEMA, "themes": rows})
    cells = [[t.id, localized(t.title, lang), str(counts[t.id])] for t in base.themes]
    if fmt == "md":
        lines = ["| Theme | Title | Facts |", "|---|---|---:|"]
        lines += [f"| `{i}` | {escape(title)} | {n} |" for i, title, n in cells]
        return "\n".join(lines) + "\n"
    return table(["Theme", "Title", "Facts"], cells, right={2}, terminal=terminal)


def iter_facts(
    base: FactBase,
    facts: Sequence[Fact],
    fmt: str,
    lang: str,
    terminal: Terminal | None = None,
) -> Iterator[str | bytes]:
    """The facts listed as ``fmt`` (table, json, jsonl, md or csv), in pieces: a fact at a
    time for JSON and JSON Lines (text, or text encoded as it is written)."""
    if fmt == "json":
        from briefgen.listcache import member_chunks

        chunks = member_chunks(base, facts)
        yield from iter_listing(
            {"schema": LISTING_SCHEMA}, "facts", map(fact_to_dict, facts), chunks
        )
    elif fmt == "jsonl":
        for fact in facts:
            yield json.dumps(fact_to_dict(fact), ensure_ascii=False) + "\n"
    else:
        yield _render_facts_whole(base, facts, fmt, lang, terminal)


def _render_facts_whole(
    base: FactBase, facts: Sequence[Fact], fmt: str, lang: str, terminal: Terminal | None
) -> str:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        languages = base.info.languages
        writer.writerow(
            [
                "id",
                "kind",
                "date",
                "themes",
                "priority",
                "credibility",
                *(f"text_{lang}" for lang in languages),
                "sources",
                "value",
                "unit",
            ]
        )
        for f in facts:
            q = f.quantity
            writer.writerow(
                _cell(value)
                for value in [
                    f.id,
                    f.kind,
                    f.date or "",
                    ";".join(f.themes),
                    f.priority,
                    f.credibility,
                    *(f.text.get(lang, "") for lang in languages),
                    ";".join(_refs(f)),
                    "" if q is None else (q.value if q.value is not None else f"{q.low}-{q.high}"),
                    "" if q is None else q.unit,
                ]
            )
        return buffer.getvalue()
    if fmt == "md":
        lines = [
            f"- **{f.id}** ({f.kind}{', ' + str(f.date) if f.date else ''}): "
            f"{escape(f.text_in(lang))} \\[{escape(', '.join(_refs(f)))}\\]"
            for f in facts
        ]
        return "\n".join(lines) + "\n"
    return table(
        ["Id", "Kind", "Date", "Themes", "Text", "Sources"],
        [
            [
                f.id,
                f.kind,
                str(f.date or ""),
                ", ".join(f.themes),
                f.text_in(lang),
                ", ".join(_refs(f)),
            ]
            for f in facts
        ],
        wide={4},
        terminal=terminal,
    )


def render_sources(base: FactBase, fmt: str, lang: str, terminal: Terminal | None = None) -> str:
    """The sources as a table, JSON or Markdown listing."""
    cited: Counter[str] = Counter()
    for fact in base.facts:
        cited.update({s for ref in fact.sources for s in (ref.ref, *ref.via)})
    if fmt == "json":
        sources = [{**source_to_dict(s), "facts": cited[s.id]} for s in base.sources.values()]
        return dumps({"schema": LISTING_SCHEMA, "sources": sources})
    rows = []
    for s in base.sources.values():
        who = "; ".join(person(name) for name in s.author)
        # An untitled item is known by where it appeared (its site or periodical).
        what = s.title or s.container_title or s.URL or ""
        rows.append([s.id, s.reliability, who, what, str(s.issued or ""), str(cited[s.id])])
    if fmt == "md":
        lines = ["| Id | Grade | Author | Title | Date | Facts |", "|---|---|---|---|---|---:|"]
        lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    return table(
        ["Id", "Grade", "Author", "Title", "Date", "Facts"],
        rows,
        right={5},
        wide={3},
        terminal=terminal,
    )


# A spreadsheet reads a cell starting with one of these as a formula, which can run
# commands or send data away; a leading quote mark makes it text again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet takes for a formula (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _refs(fact: Fact) -> list[str]:
    return [ref.ref + (f" (via {', '.join(ref.via)})" if ref.via else "") for ref in fact.sources]


def table(
    headers: list[str],
    rows: list[list[str]],
    right: frozenset[int] | set[int] = frozenset(),
    wide: frozenset[int] | set[int] = frozenset(),
    terminal: Terminal | None = None,
) -> str:
    """A rich table as text: plain when piped, sized to the ``terminal`` when interactive
    (``terminal.color``); 120 columns wide by default."""
    from rich.console import Console
    from rich.table import Table

    terminal = terminal or Terminal(120)
    is_tty, width = terminal.color, terminal.width
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for i, header in enumerate(headers):
        table.add_column(
            header,
            justify="right" if i in right else "left",
            ratio=3 if i in wide else None,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=is_tty,
        no_color=not is_tty or terminal.no_color,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(table)
    text = buffer.getvalue()
    return text if is_tty else "\n".join(line.rstrip() for line in text.split("\n"))
