"""A cache of the fitting's choice: which facts a brief of a set length keeps.

Choosing the facts that fit a page takes a dozen height estimates (see
:mod:`briefgen.fitting`), most of a Markdown brief's time. The choice depends
only on the base, the selection, the options, the paper and briefgen's own
code, so it is kept, beside the parsed bases of :mod:`briefgen.cache`, under
a hash of all of them: the key of the parsed base (a hash of every fact
file), the ids of the selected facts, the options, the date the brief
carries, and the size and time of every file of the package. A changed fact
changes the base's key, so an entry can never be stale.

An entry holds ids, not facts: the brief is built again from the base, so
every format still gets the same facts as a fitting would have chosen. Before
an entry is written, the brief it rebuilds is checked to be the fitted one.
Only bases read through the cache have a key; with ``BRIEFGEN_CACHE=0`` every
brief is fitted afresh.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from briefgen import cache, clock

if TYPE_CHECKING:
    from briefgen.brief import Brief, BriefRecipe, Fit


def _entry(recipe: BriefRecipe, pages: int, paper: str) -> str | None:
    known = cache.key_of(recipe.base)
    if known is None or recipe.changes is not None:
        return None
    digest = hashlib.blake2b(digest_size=20)
    for part in (
        known,
        cache.code_key(),
        "\0".join(f.id for f in recipe.facts),
        "\0".join(recipe.theme_ids),
        repr(recipe.options),
        clock.today().isoformat(),
        f"{pages}\0{paper}",
    ):
        digest.update(part.encode())
        digest.update(b"\0\0")
    where, contents = known.split("-", 1)
    # Named after the base's directory and content: a new content replaces the old entries.
    return f"fit-{where}-{contents[:12]}-{digest.hexdigest()}"


def fit(recipe: BriefRecipe, pages: int = 1, paper: str = "a4") -> Fit:
    """:func:`briefgen.fitting.fit`, the choice taken from the cache when it is there."""
    entry = _entry(recipe, pages, paper) if pages else None
    if entry is not None:
        cached = _read(entry)
        if cached is not None:
            with suppress(KeyError, TypeError, ValueError):
                return _rebuild(recipe, cached)
    from briefgen.fitting import fit as fit_afresh  # only to choose afresh

    fitted = fit_afresh(recipe, pages, paper)
    if entry is not None:
        _store(entry, recipe, fitted)
    return fitted


def _rebuild(recipe: BriefRecipe, choice: dict[str, Any]) -> Fit:
    from briefgen.brief import Fit

    facts = {f.id: f for f in recipe.facts}
    options = replace(recipe.options, timeline=choice["timeline"], key_points=choice["key_points"])
    chosen = replace(recipe, options=options)
    omitted = tuple(facts[i] for i in choice["omitted"])
    brief: Brief
    if choice["built_with_omitted"]:
        brief = chosen.build(omit=set(choice["omit"]), omitted=omitted)
    else:
        brief = replace(chosen.build(omit=set(choice["omit"])), omitted=omitted)
    return Fit(brief, omitted, choice["pages_needed"], chosen, frozenset(choice["omit"]))


def _store(entry: str, recipe: BriefRecipe, fitted: Fit) -> None:
    """Keep the choice of ``fitted`` if the brief it rebuilds is the fitted one."""
    choice: dict[str, Any] = {
        "timeline": fitted.recipe.options.timeline,
        "key_points": fitted.recipe.options.key_points,
        "omit": sorted(fitted.omit),
        "omitted": [f.id for f in fitted.omitted],
        "pages_needed": fitted.pages_needed,
    }
    for built_with_omitted in (True, False):
        choice["built_with_omitted"] = built_with_omitted
        again = _rebuild(recipe, choice)
        if again.brief == fitted.brief and again.recipe.options == fitted.recipe.options:
            _write(entry, json.dumps(choice).encode())
            return


def _read(entry: str) -> dict[str, Any] | None:
    data = cache.read_entry(f"{entry}.json")
    if data is None:
        return None
    try:
        choice = json.loads(data)
    except ValueError:
        return None
    return choice if isinstance(choice, dict) else None


def _write(entry: str, data: bytes) -> None:
    # The entries of an older content of the same directory are dropped.
    stale = entry.rsplit("-", 2)[0] + "-"
    current = entry.rsplit("-", 1)[0] + "-"
    cache.write_entry(
        f"{entry}.json",
        data,
        drop=lambda name: name.startswith(stale) and not name.startswith(current),
    )


__all__ = ["fit"]
