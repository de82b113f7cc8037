"""Read one YAML document into plain data: lists, dicts, strings, numbers, booleans, None.

PyYAML's C parser produces the events; this module builds the data from them
in one pass, without PyYAML's constructor (several times slower) and without
composing a node tree. Reading the events is also what makes the reader safe:

- an anchor or alias stops the read at once, so an alias bomb ("billion
  laughs") is refused after reading a few bytes and is never expanded;
- nesting is limited (fact files need a handful of levels), because PyYAML's
  C composer, used to find line numbers, recurses and crashes on very deep
  input;
- tags other than the plain JSON-like ones are refused;
- a key given twice in one mapping is an error, not silently overwritten.

Dates stay text: :class:`~briefgen.model.PartialDate` reads them, with a clear
message for ``2024-02-30``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from briefgen.errors import excerpt

MAX_DEPTH = 32
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null")
)
_SEQ_TAGS = frozenset({"!", "tag:yaml.org,2002:seq"})
_MAP_TAGS = frozenset({"!", "tag:yaml.org,2002:map"})

# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
# make text display in another order than it is stored: a quote could read one
# way in print and another in `verify` ("Trojan Source"). Control characters
# other than tab and newline can rewrite a terminal line or hide text. Fact
# files are curated data, so such characters are refused once, here, for
# every value, instead of being neutralised in each renderer.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
# In the file itself the YAML parser already refuses control characters; the
# bidirectional controls are printable to it, so they are looked for here.
_FORBIDDEN_IN_FILE = re.compile(f"[{_BIDI_CONTROLS}]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what the YAML parser counts as a line


class YAMLProblem(Exception):
    """Why a YAML document was refused, and on which line (1-based)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """A parsed document and what the reader noticed on the way."""

    data: Any = None
    # First line of each item of a top-level list, to name the item a line belongs to.
    item_lines: list[int] = field(default_factory=list)
    # (line, character) of the forbidden characters, in the file or in an escaped value;
    # each character once per line, however often it is repeated there.
    forbidden: list[tuple[int, str]] = field(default_factory=list)


@cache
def yaml_module() -> tuple[Any, Any]:
    """PyYAML and its safe loader (the C one when available), imported on first use.

    The loader leaves dates as text (no timestamp resolver).
    """
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class FactLoader(safe):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
            first: [
                (tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"
            ]
            for first, resolvers in safe.yaml_implicit_resolvers.items()
        }

    return yaml, FactLoader


def line_of(text: str, position: int) -> int:
    """The 1-based line of ``position`` in ``text``, counting lines as the YAML parser does."""
    return len(_LINE_BREAK.findall(text, 0, position)) + 1


_NO_KEY = object()  # a mapping waiting for a key, not for a value


def parse(text: str) -> Document:
    """Read ``text``, a single YAML document.

    Raises :class:`YAMLProblem` for what this reader refuses, and PyYAML's
    ``MarkedYAMLError`` for syntax errors.
    """
    yaml, loader_class = yaml_module()
    events = yaml.events
    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    mapping_start, mapping_end = events.MappingStartEvent, events.MappingEndEvent
    sequence_start, sequence_end = events.SequenceStartEvent, events.SequenceEndEvent
    document_start = events.DocumentStartEvent

    loader = loader_class(text)
    next_event = loader.get_event
    document = Document()
    item_lines = document.item_lines
    escapes = "\\" in text
    forbidden = FORBIDDEN.search
    plain: dict[str, Any] = {}  # plain scalars seen, already resolved (many repeat)
    # The container being filled (None at the top), whether it is a mapping,
    # and the key waiting for its value; the enclosing ones on the stack.
    parent: Any = None
    in_mapping = False
    key: Any = _NO_KEY
    stack: list[tuple[Any, bool, Any]] = []
    depth = 0  # len(stack)
    documents = 0
    try:
        # get_event() gives None after the end of the stream.
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None:
                    raise _anchor(event)
                value = event.value
                tag = event.tag
                if tag is None and event.implicit[0]:  # plain: text, or a number, boolean, null
                    resolved = plain.get(value, _NO_KEY)
                    if resolved is _NO_KEY:
                        resolved = plain[value] = _resolve(loader, value, event)
                    value = resolved
                else:
                    if tag is not None and tag != "!":
                        value = _tagged(loader, tag, value, event)
                    # Escapes ("\u202e", "\x1b") put characters in a value that the file does not show.
                    if escapes and event.style == '"' and isinstance(value, str):
                        match = forbidden(value)
                        if match:
                            document.forbidden.append((_line(event), match.group()))
                if depth == 1 and not in_mapping:
                    item_lines.append(_line(event))
                if not in_mapping:
                    if parent is None:
                        document.data = value
                    else:
                        parent.append(value)
                elif key is not _NO_KEY:
                    parent[key] = value
                    key = _NO_KEY
                elif value in parent:
                    raise YAMLProblem(_line(event), f"invalid YAML: duplicate key {excerpt(value)}")
                else:
                    key = value
                continue
            if kind is mapping_start or kind is sequence_start:
                if event.anchor is not None:
                    raise _anchor(event)
                allowed = _MAP_TAGS if kind is mapping_start else _SEQ_TAGS
                if event.tag is not None and event.tag not in allowed:
                    raise YAMLProblem(
                        _line(event), f"invalid YAML: tag {excerpt(event.tag)} is not allowed"
                    )
                if depth >= MAX_DEPTH:
                    raise YAMLProblem(
                        _line(event), f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
                    )
                if depth == 1 and not in_mapping:
                    item_lines.append(_line(event))
                stack.append((parent, in_mapping, key))
                depth += 1
                in_mapping = kind is mapping_start
                parent = {} if in_mapping else []
                key = _NO_KEY
            elif kind is mapping_end or kind is sequence_end:
                value = parent
                parent, in_mapping, key = stack.pop()
                depth -= 1
                if not in_mapping:
                    if parent is None:
                        document.data = value
                    else:
                        parent.append(value)
                elif key is not _NO_KEY:
                    parent[key] = value
                    key = _NO_KEY
                else:
                    raise YAMLProblem(
                        _line(event), "invalid YAML: a mapping key must be a single value"
                    )
            elif kind is alias_event:
                raise _anchor(event)
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    raise YAMLProblem(
                        _line(event), "invalid YAML: expected a single document, found another"
                    )
    finally:
        loader.dispose()
    found = set(document.forbidden)
    if not text.isascii():
        line, counted = 1, 0
        for match in _FORBIDDEN_IN_FILE.finditer(text):
            line += len(_LINE_BREAK.findall(text, counted, match.start()))
            counted = match.start()
            found.add((line, match.group()))
    document.forbidden = sorted(found)
    return document


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _anchor(event: Any) -> YAMLProblem:
    # Aliases let a tiny file expand into a huge one ("billion laughs"); nothing needs them.
    return YAMLProblem(_line(event), "YAML anchors and aliases are not allowed")


def _resolve(loader: Any, value: str, event: Any) -> Any:
    """A plain scalar as YAML 1.1 reads it: null, boolean, number, else the text itself."""
    if value[:1] not in loader.yaml_implicit_resolvers or (value[:1].isalpha() and len(value) > 5):
        # Cannot be a null, a boolean ("false" is the longest word that is one) or a
        # number (which starts with a digit, a sign or a dot): most ids and words.
        return value
    tag = loader.resolve(yaml_module()[0].ScalarNode, value, (True, False))
    if tag == _STR or tag not in _SCALAR_TAGS:
        return value  # also "=" and "<<": text here, as no fact file needs YAML's special keys
    return _construct(loader, tag, value, event)


def _tagged(loader: Any, tag: str, value: str, event: Any) -> Any:
    if tag not in _SCALAR_TAGS:
        raise YAMLProblem(_line(event), f"invalid YAML: tag {excerpt(tag)} is not allowed")
    return value if tag == _STR else _construct(loader, tag, value, event)


def _construct(loader: Any, tag: str, value: str, event: Any) -> Any:
    node = yaml_module()[0].ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        return loader.yaml_constructors[tag](loader, node)
    except (KeyError, ValueError, TypeError):
        kind = tag.rsplit(":", 1)[-1]
        raise YAMLProblem(
            _line(event), f"invalid YAML: {excerpt(value)} is not a valid {kind}"
        ) from None
