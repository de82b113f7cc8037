"""The JSON of every fact of a base, kept beside the parsed base for long listings.

``facts --format json`` of 100,000 facts spends most of its time turning each
fact into JSON, the same text on every run of an unchanged base. Once a
listing holds at least :data:`MIN_FACTS` facts of a base read through the
cache (:mod:`briefgen.cache`), the JSON of each fact of the base, indented as
a listing writes it, is kept in one entry; later listings of the same base,
whatever their selection, copy the text of the facts they list from it.

An entry is named after the base's key (a hash of every fact file) and of the
size and time of every file of the package (:func:`briefgen.cache.code_key`):
an entry can never be stale. It holds the texts one after the other, then
where each ends, then how many there are: it is written a fact at a time and
read a run of facts at a time, so that neither holds the whole listing in
memory.
"""

from __future__ import annotations

import operator
import os
import struct
from array import array
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO

from briefgen import cache
from briefgen.jsontext import MEMBER_SEPARATOR

if TYPE_CHECKING:
    from briefgen.model import Fact, FactBase

# Below this many facts, a listing converts its facts itself: fast enough, and no entry
# is written for it.
MIN_FACTS = 2_000
_MAGIC = b"briefgen-listing-1\0"
_TRAILER = struct.Struct("<Q")  # how many texts
_RUN = 1 << 20  # read a megabyte at most at a time
SEPARATOR = MEMBER_SEPARATOR.encode()  # each text starts with it; the listing's first, not


def member_chunks(base: FactBase, facts: Sequence[Fact]) -> Iterator[bytes] | None:
    """The members of a JSON listing of ``facts`` (of ``base``), encoded, in pieces of up
    to a megabyte or so: each fact's JSON indented as a listing writes it, the members
    separated as :func:`briefgen.jsontext.iter_listing` separates them. None where the
    base has no entry and the listing is too short for one."""
    entry = _entry(base)
    if entry is None:
        return None
    handle = cache.open_entry(entry)
    if handle is None and len(facts) >= MIN_FACTS:
        _write(entry, base)
        handle = cache.open_entry(entry)
    if handle is None:
        return None
    ends = _index(handle, len(base.facts))
    if ends is None or not facts:
        handle.close()
        return None
    return _chunks(handle, _ranges(base, facts, ends))


def _entry(base: FactBase) -> str | None:
    known = cache.key_of(base)
    if known is None:
        return None
    where, contents = known.split("-", 1)
    return f"list-{where}-{contents[:16]}-{cache.code_key()[:16]}.bin"


def _write(entry: str, base: FactBase) -> None:
    from briefgen.jsontext import fact_to_dict, member_text  # to write an entry only

    def pieces() -> Iterator[bytes]:
        ends = array("Q")
        end = 0
        for fact in base.facts:
            text = SEPARATOR + member_text(fact_to_dict(fact)).encode()
            end += len(text)
            ends.append(end)
            yield text
        yield ends.tobytes()
        yield _TRAILER.pack(len(ends)) + _MAGIC

    # The entries of an older content of the same directory are dropped.
    where = entry.rsplit("-", 2)[0] + "-"
    cache.write_entry(entry, pieces(), drop=lambda name: name.startswith(where))


def _index(handle: BinaryIO, count: int) -> array[int] | None:
    """Where each text of the entry ends; None unless it holds ``count`` texts, whole.
    (An entry is replaced whole, never changed: an open one stays whole.)"""
    tail = _TRAILER.size + len(_MAGIC)
    size = os.fstat(handle.fileno()).st_size
    if size < tail + 8 * count:
        return None
    handle.seek(size - tail)
    trailer = handle.read(tail)
    if trailer[_TRAILER.size :] != _MAGIC or _TRAILER.unpack(trailer[: _TRAILER.size])[0] != count:
        return None
    handle.seek(size - tail - 8 * count)
    ends = array("Q")
    ends.frombytes(handle.read(8 * count))
    if (ends[-1] if count else 0) != size - tail - 8 * count:
        return None
    return ends


def _ranges(base: FactBase, facts: Sequence[Fact], ends: array[int]) -> list[tuple[int, int]]:
    """Where the texts of ``facts`` are in the entry: runs of neighbours as one range."""
    if len(facts) == len(base.facts) and all(map(operator.is_, facts, base.facts)):
        return [(0, ends[-1])]  # the whole base, in its order: all of it at once
    position = {f.id: i for i, f in enumerate(base.facts)}
    ranges: list[tuple[int, int]] = []
    for fact in facts:
        i = position[fact.id]
        start = ends[i - 1] if i else 0
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], ends[i])
        else:
            ranges.append((start, ends[i]))
    return ranges


def _chunks(handle: BinaryIO, ranges: list[tuple[int, int]]) -> Iterator[bytes]:
    """The bytes of ``ranges``, a megabyte at most at a time; the first without the
    separator that goes between two members."""
    with handle:
        first = True
        for start, end in ranges:
            handle.seek(start)
            while start < end:
                piece = handle.read(min(_RUN, end - start))
                if not piece:
                    raise OSError(f"the cache entry {handle.name} was cut short")
                start += len(piece)
                if first:
                    piece, first = piece[len(SEPARATOR) :], False
                yield piece


__all__ = ["MIN_FACTS", "member_chunks"]
