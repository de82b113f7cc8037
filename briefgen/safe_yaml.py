"""Read one YAML document into plain data: lists, dicts, strings, numbers, booleans, None.

PyYAML's C parser produces the events; this module builds the data from them
in one pass, without PyYAML's constructor (several times slower) and without
composing a node tree. Reading the events is also what makes the reader safe:

- an anchor or alias stops the read at once, so an alias bomb ("billion
  laughs") is refused after reading a few bytes and is never expanded;
- nesting is limited to 32 levels (fact files need five), so that no deeply
  nested input reaches code that recurses;
- tags other than the plain JSON-like ones are refused;
- a key given twice in one mapping is an error, not silently overwritten.

Line numbers of the nodes a problem is about are found by reading the events
again (:func:`locate`), only when there is a problem to report.

Of PyYAML this uses only: its safe loader (the C one when available), to get
events, resolve a plain scalar's tag and construct the scalars of the JSON-like
tags; the event classes; and its error classes (libyaml's nesting limit, of
PyYAML 6.0.4 and later, is reported in this module's words).
``tests/test_safe_yaml.py`` checks each against what PyYAML's own constructor
makes of the same text, with libyaml and with PyYAML's Python parser.

Dates stay text: :class:`~briefgen.model.PartialDate` reads them, with a clear
message for ``2024-02-30``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
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
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")
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
_ITEM = object()  # a list waiting for its next item (or the document for its node)


def parse(text: str) -> Document:
    """Read ``text``, a single YAML document.

    Raises :class:`YAMLProblem` for what this reader refuses, and PyYAML's
    ``MarkedYAMLError`` for other syntax errors.
    """
    document = _Reader(text).read()
    if not text.isascii():
        found = set(document.forbidden)
        line, counted = 1, 0
        for match in _FORBIDDEN_IN_FILE.finditer(text):
            line += len(_LINE_BREAK.findall(text, counted, match.start()))
            counted = match.start()
            found.add((line, match.group()))
        document.forbidden = sorted(found)
    return document


def locate(text: str, locs: Iterable[Sequence[object]]) -> dict[tuple[object, ...], int]:
    """The line of each of ``locs`` (list indexes and mapping keys) in ``text``.

    The line of a mapping key is that of the key itself; a loc that leads
    nowhere gets the line of its closest parent. ``text`` is read once,
    whatever the number of locs, keeping only the lines asked for.
    """
    wanted = [tuple(loc) for loc in locs]
    locator = _Locator(text, wanted)
    with contextlib.suppress(YAMLProblem, yaml_module()[0].YAMLError):
        locator.read()  # a file with problems may still hold the lines asked for before them
    return {loc: locator.line(loc) for loc in wanted}


_TOO_DEEP = f"invalid YAML: nested more than {MAX_DEPTH} levels deep"


class _Reader:
    """Builds plain data from PyYAML's parser events, one method per event type.

    ``parent`` is the container being filled (None before the document's
    node). ``key`` says what the next node is: an item of the list ``parent``
    (or the document) when it is :data:`_ITEM`; a key of the mapping
    ``parent`` when it is :data:`_NO_KEY`; else the value of ``key``.
    Containers are put in their parent when they start, so the enclosing
    ones only need to be remembered on ``stack`` to come back to them.
    """

    __slots__ = (
        "document",
        "documents",
        "escapes",
        "key",
        "loader",
        "parent",
        "plain",
        "stack",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.loader: Any = None
        self.text = text
        self.document = Document()
        self.escapes = "\\" in text  # only an escape can hide a control character in a value
        self.plain: dict[str, Any] = {}  # plain scalars seen, already resolved (many repeat)
        self.parent: Any = None
        self.key: Any = _ITEM
        self.stack: list[tuple[Any, Any]] = []
        self.documents = 0

    def read(self) -> Document:
        """Every event of the text, to its end; the document they make."""
        yaml, loader_class = yaml_module()
        try:
            # PyYAML's Python reader checks the characters of the whole text here.
            self.loader = loader_class(self.text)
            self.read_events()
        except yaml.reader.ReaderError as exc:
            raise self.unreadable(exc) from None
        except yaml.MarkedYAMLError as exc:
            # libyaml 0.2.6 (PyYAML 6.0.4) stops at 1,000 levels itself: looking ahead
            # along one line of brackets, it can get there before this reader has seen
            # 33 levels. The outcome is the same, so it is said the same way.
            if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
                raise YAMLProblem(exc.problem_mark.line + 1, _TOO_DEEP) from None
            raise
        finally:
            if self.loader is not None:
                self.loader.dispose()
        return self.document

    def read_events(self) -> None:
        events = yaml_module()[0].events
        # Bound methods in a local: kept on the reader, they would make a reference cycle,
        # which the paused garbage collector would leave in memory with the whole text.
        handlers: dict[type, Callable[[Any], None]] = {
            events.MappingStartEvent: self.mapping_start,
            events.SequenceStartEvent: self.sequence_start,
            events.MappingEndEvent: self.collection_end,
            events.SequenceEndEvent: self.collection_end,
            events.AliasEvent: self.alias,
            events.DocumentStartEvent: self.document_start,
        }
        next_event, scalar_event, scalar = self.loader.get_event, events.ScalarEvent, self.scalar
        # get_event() gives None after the end of the stream.
        while (event := next_event()) is not None:
            if type(event) is scalar_event:  # most events: looked for first
                scalar(event)
            elif (handler := handlers.get(type(event))) is not None:
                handler(event)

    def unreadable(self, error: Any) -> YAMLProblem:
        """PyYAML's ReaderError (a character YAML does not allow) with a line number, which it
        lacks: it gives a position in the text, in bytes of UTF-8 for libyaml."""
        before = self.text[: error.position]
        libyaml = getattr(yaml_module()[0], "CParser", None)
        if libyaml is not None and isinstance(self.loader, libyaml):
            before = self.text.encode("utf-8")[: error.position].decode("utf-8", errors="ignore")
        return YAMLProblem(
            line_of(before, len(before)),
            f"invalid YAML: character U+{error.character:04X} is not allowed in a YAML file",
        )

    def scalar(self, event: Any) -> None:
        if event.anchor is not None:
            raise _anchor(event)
        value = event.value
        tag = event.tag
        if tag is None and event.implicit[0]:  # plain: text, or a number, boolean, null
            resolved = self.plain.get(value, _NO_KEY)
            if resolved is _NO_KEY:
                resolved = self.plain[value] = _resolve(self.loader, value, event)
            value = resolved
        else:
            if tag is not None and tag != "!":
                value = _tagged(self.loader, tag, value, event)
            # Escapes ("\u202e", "\x1b") put characters in a value that the file does not show.
            # Every forbidden character is unprintable: most values need no search.
            if (
                self.escapes
                and event.style == '"'
                and isinstance(value, str)
                and not value.isprintable()
                and (match := FORBIDDEN.search(value))
            ):
                self.document.forbidden.append((_line(event), match.group()))
        key = self.key
        if key is _NO_KEY:
            if value in self.parent:
                raise YAMLProblem(_line(event), f"invalid YAML: duplicate key {excerpt(value)}")
            self.key = value
        elif key is _ITEM:
            self.add_item(value, event)
        else:
            self.parent[key] = value
            self.key = _NO_KEY

    def mapping_start(self, event: Any) -> None:
        self.start(event, {}, _MAP_TAGS)

    def sequence_start(self, event: Any) -> None:
        self.start(event, [], _SEQ_TAGS)

    def start(
        self, event: Any, container: dict[Any, Any] | list[Any], tags: frozenset[str]
    ) -> None:
        if event.anchor is not None:
            raise _anchor(event)
        if event.tag is not None and event.tag not in tags:
            raise YAMLProblem(
                _line(event), f"invalid YAML: tag {excerpt(event.tag)} is not allowed"
            )
        if len(self.stack) >= MAX_DEPTH:
            raise YAMLProblem(_line(event), _TOO_DEEP)
        key = self.key
        if key is _NO_KEY:
            raise YAMLProblem(_line(event), "invalid YAML: a mapping key must be a single value")
        if key is _ITEM:
            self.add_item(container, event)
        else:
            self.parent[key] = container
        self.stack.append((self.parent, _ITEM if key is _ITEM else _NO_KEY))
        self.parent = container
        self.key = _NO_KEY if tags is _MAP_TAGS else _ITEM

    def collection_end(self, event: Any) -> None:
        self.parent, self.key = self.stack.pop()

    def alias(self, event: Any) -> None:
        raise _anchor(event)

    def document_start(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise YAMLProblem(
                _line(event), "invalid YAML: expected a single document, found another"
            )

    def add_item(self, value: Any, event: Any) -> None:
        """Add ``value``, which ``event`` starts, to the list being filled, or make it the document."""
        if self.parent is None:
            self.document.data = value
            return
        if len(self.stack) == 1:  # an item of a top-level list
            self.document.item_lines.append(_line(event))
        self.parent.append(value)


class _Locator(_Reader):
    """A reader that notes the line of the nodes at some locs, and of their parents."""

    def __init__(self, text: str, locs: Iterable[tuple[object, ...]]) -> None:
        super().__init__(text)
        self.wanted = {loc[:n] for loc in locs for n in range(len(loc) + 1)}
        self.node_lines: dict[tuple[object, ...], int] = {}
        self.key_lines: dict[tuple[object, ...], int] = {}
        self.paths: list[tuple[object, ...]] = []  # of the containers being filled

    def scalar(self, event: Any) -> None:
        is_key = self.key is _NO_KEY
        path = None if is_key else self.path()
        super().scalar(event)
        if is_key:
            path = (*self.paths[-1], self.key)
            if path in self.wanted:
                self.key_lines[path] = _line(event)
        elif path in self.wanted:
            self.node_lines[path] = _line(event)

    def start(
        self, event: Any, container: dict[Any, Any] | list[Any], tags: frozenset[str]
    ) -> None:
        path = self.path()
        super().start(event, container, tags)
        self.paths.append(path)
        if path in self.wanted:
            self.node_lines[path] = _line(event)

    def collection_end(self, event: Any) -> None:
        super().collection_end(event)
        self.paths.pop()

    def path(self) -> tuple[object, ...]:
        """The loc of the node about to be added."""
        if self.parent is None:
            return ()
        step = len(self.parent) if self.key is _ITEM else self.key
        return (*self.paths[-1], step)

    def line(self, loc: tuple[object, ...]) -> int:
        if loc in self.key_lines:
            return self.key_lines[loc]
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.node_lines:
                return self.node_lines[loc[:n]]
        return 1


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
    if _DATE.fullmatch(value):  # text too, as the timestamp resolver is left out; many dates
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
