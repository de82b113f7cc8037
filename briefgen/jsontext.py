"""JSON as briefgen writes it, and the JSON forms of a fact base's objects.

Every JSON document briefgen writes (the brief, the listings, the settings,
the JSON Schemas) goes through :func:`dumps`, so all have the same shape:
UTF-8, indented, stable, a final newline, a ``"schema"`` version at the top.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from briefgen.model import Fact, Source

# The versions of the documents scripts read: the brief (``brief -f json``), and
# the listings (``themes``, ``facts``, ``sources``, ``config`` with ``-f json``).
BRIEF_SCHEMA: Literal[3] = 3
LISTING_SCHEMA: Literal[1] = 1


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    """A fact as JSON data, with the field names of the fact format."""
    return _dump(fact)


def source_to_dict(source: Source) -> dict[str, Any]:
    """A source with its CSL field names; absent fields are left out."""
    return _dump(source)


def _dump(record: Fact | Source) -> dict[str, Any]:
    """``record`` as JSON data under the format's field names, leaving out None and empty lists."""
    from briefgen.model import record_data

    data = record_data(record, json=True)
    return {key: value for key, value in data.items() if value != []}


# Where pydantic_core's JSON differs from json.dumps's: numbers between 1e-9 and
# 1e-4, written 0.00001 or 1e-7 instead of 1e-05 or 1e-07. Strings that merely
# look like that only cost the slower path. (The pattern starts with a literal,
# which the regular expression engine looks for fast, and checks for the digit
# before it last, so that an id like "climate-2" is not taken for a number.)
_SMALL_DECIMAL = "0.0000"
_ONE_DIGIT_EXPONENT = re.compile(r"e-[0-9](?![0-9])(?<=[0-9]e-[0-9])")


def dumps(data: Any) -> str:
    """JSON as briefgen writes it: UTF-8, indented, stable, one final newline.

    The text is that of ``json.dumps(data, ensure_ascii=False, indent=2)``.
    pydantic_core writes it about five times faster (json's indented encoder
    is pure Python, which shows on a 10,000-fact listing); json itself is used
    where the two would differ.
    """
    import pydantic_core

    try:
        text = pydantic_core.to_json(data, indent=2).decode()
    except (ValueError, TypeError, pydantic_core.PydanticSerializationError):
        text = None
    if text is None or _SMALL_DECIMAL in text or _ONE_DIGIT_EXPONENT.search(text):
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return text + "\n"


def iter_listing(
    head: dict[str, Any], key: str, items: Iterable[Any], chunks: Iterator[bytes] | None = None
) -> Iterator[str | bytes]:
    """The text of ``dumps({**head, key: list(items)})``, in pieces: one per item.

    The items are converted, written and dropped one by one, so that a listing
    of 100,000 facts is never held in memory, as data or as text. ``chunks``,
    where given, are the members already written, encoded, in pieces (from
    :mod:`briefgen.listcache`): the members :func:`member_text` makes of the
    items, separated by a comma and a new line.
    """
    if chunks is None:
        members = map(member_text, items)
        first: str | bytes | None = next(members, None)
        rest: Iterator[str | bytes] = (f"{MEMBER_SEPARATOR}{text}" for text in members)
    else:
        first, rest = next(chunks, None), chunks
    if first is None:
        yield dumps({**head, key: []})
        return
    envelope = dumps({**head, key: [None]})  # with a placeholder for the members
    before, after = envelope.rsplit("null", 1)
    yield before
    yield first
    yield from rest
    yield after


# Between two members of a listing: :func:`dumps` indents them by two levels.
MEMBER_SEPARATOR = ",\n    "


def member_text(item: Any) -> str:
    """``item`` as a member of a listing: :func:`dumps` indents it by two levels."""
    return dumps(item)[:-1].replace("\n", "\n    ")
