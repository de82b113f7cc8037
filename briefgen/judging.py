"""Adding a key judgment to a base's ``judgments.yaml``, the way a fact is added.

The judgment is written as a YAML block of its own, appended to the end of the
file (the rest left byte for byte as it was), and nothing is written unless the
whole base loads with it: every rule of ``validate``, the analytic rules of
:mod:`briefgen.analytic` included, applies before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.authoring import (
    appended,
    check_with,
    current_text,
    item_block,
    read_base,
    slugify,
    unique_id,
)
from briefgen.errors import UsageError
from briefgen.model import FactBase, Judgment
from briefgen.paths import display_path

JUDGMENTS_FILE = "judgments.yaml"
# The order keys are written in, as docs/analytic-standards.md documents them.
JUDGMENT_KEYS = (
    "id",
    "themes",
    "date",
    "text",
    "likelihood",
    "confidence",
    "basis",
    "indicators",
    "priority",
    "added",
)


@dataclass(frozen=True)
class JudgmentAddition:
    """A judgment ready to be appended: the file, its new text, and the base it makes."""

    judgment: Judgment
    path: Path
    block: str
    text: str
    base: FactBase
    line: int  # where the judgment starts in the new text


def missing_fields(draft: Mapping[str, Any], languages: Sequence[str]) -> list[str]:
    """The required fields ``draft`` lacks: a text in each language, themes, confidence, basis."""
    text = draft.get("text")
    have = text if isinstance(text, Mapping) else {}
    missing = [f"text.{lang}" for lang in languages if not have.get(lang)]
    return missing + [key for key in ("themes", "confidence", "basis") if not draft.get(key)]


def prepare_judgment(
    root: Path, base: FactBase, draft: Mapping[str, Any], today: dt.date
) -> JudgmentAddition:
    """Append the judgment ``draft`` (as ``judgments.yaml`` holds one) to that file in
    memory, and validate the base as it would be (:class:`InvalidFactBase` if it
    would not load). Without an id, one is made from its text; ``added`` is ``today``.
    """
    missing = missing_fields(draft, base.info.languages)
    if missing:
        raise UsageError(f"the judgment has no {', '.join(missing)}")
    data = dict(draft)
    data["added"] = today.isoformat()
    if not data.get("id"):
        text = data["text"]
        lang = "en" if text.get("en") else next(iter(text))
        taken = [*(f.id for f in base.facts), *(j.id for j in base.judgments)]
        data["id"] = unique_id(slugify(str(text[lang])), taken)
    data = {k: data[k] for k in [*(k for k in JUDGMENT_KEYS if k in data), *data]}
    # As the store reads it: its line endings kept, links resolved inside the base.
    files = read_base(root)
    path, existing = current_text(root, files, root / JUDGMENTS_FILE)
    block = item_block(data, JUDGMENT_KEYS)
    try:
        text = appended(existing, [block], [data])
    except UsageError as exc:
        raise UsageError(f"cannot add to {display_path(path)}: {exc}") from None
    new_base = check_with(root, {path: text}, files)
    judgment = next(j for j in new_base.judgments if j.id == data["id"])
    line = len(text.splitlines()) - len(block.splitlines()) + 1
    return JudgmentAddition(judgment, path, block, text, new_base, line)
