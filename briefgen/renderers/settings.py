"""The effective configuration, as ``briefgen config`` shows it: a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from briefgen.jsontext import LISTING_SCHEMA, dumps
from briefgen.renderers.listing import table


def render_settings(rows: Sequence[Any], fmt: str) -> str:
    """The effective configuration (``briefgen config``)."""

    def shown(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [shown(v) for v in value]
        return value if value is None or isinstance(value, (bool, int, float)) else str(value)

    if fmt == "json":
        data = [{"key": r.key, "value": shown(r.value), "origin": r.origin} for r in rows]
        return dumps({"schema": LISTING_SCHEMA, "settings": data})
    cells = [[r.key, json.dumps(shown(r.value), ensure_ascii=False), r.origin] for r in rows]
    return table(["Setting", "Value", "From"], cells)
