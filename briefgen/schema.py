"""JSON Schemas: of the fact files (for editors and YAML language servers) and of
briefgen's JSON outputs (for the scripts that consume them)."""

from __future__ import annotations

from typing import Any

SCHEMAS = ("facts", "themes", "sources", "measures", "judgments", "base", "brief", "facts-json")


def json_schema(what: str) -> dict[str, Any]:
    """The JSON Schema named ``what``, one of :data:`SCHEMAS`.

    ``facts``, ``themes``, ``sources``, ``measures``, ``judgments``, ``base``: an
    ``items/*.yaml``, ``themes.yaml``, ``sources.yaml``, ``measures.yaml``,
    ``judgments.yaml`` or ``base.yaml`` file. ``brief``: the output of
    ``brief --format json``.
    ``facts-json``: the output of ``facts --format json``.
    """
    from pydantic import TypeAdapter

    from briefgen.fact_format import BaseInfo, Fact, Judgment, Measure, Source, Theme
    from briefgen.jsontext import LISTING_SCHEMA
    from briefgen.renderers.json import BriefJSON

    file_models: dict[str, Any] = {
        "facts": Fact,
        "themes": Theme,
        "sources": Source,
        "measures": Measure,
        "judgments": Judgment,
    }
    if what in file_models:
        title = f"briefgen {what} file"
        model = file_models[what]
        schema = TypeAdapter(list[model]).json_schema(by_alias=True)  # type: ignore[valid-type]
        if what == "judgments":
            _list_likelihood_terms(schema)
    elif what == "base":
        from briefgen.yardsticks import yardstick_ids

        title = "briefgen base file"
        schema = TypeAdapter(BaseInfo).json_schema(by_alias=True)
        # The yardsticks are data: the model checks the name, the schema lists them.
        schema["properties"]["yardstick"]["enum"] = list(yardstick_ids())
    elif what == "brief":
        title = "briefgen brief, JSON output"
        schema = _closed(TypeAdapter(BriefJSON).json_schema())
    elif what == "facts-json":
        title = "briefgen facts, JSON output"
        facts = TypeAdapter(list[Fact]).json_schema(by_alias=True, mode="serialization")
        schema = {
            "type": "object",
            "properties": {
                "schema": {"const": LISTING_SCHEMA},
                "facts": {"type": "array", "items": facts["items"]},
            },
            "required": ["schema", "facts"],
            "additionalProperties": False,
            "$defs": facts.get("$defs", {}),
        }
    else:
        raise ValueError(f"unknown schema {what!r}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def _list_likelihood_terms(schema: dict[str, Any]) -> None:
    """Name the terms a judgment's likelihood may take: those of every yardstick (which of
    them a base may use depends on its ``base.yaml``, checked by ``validate``)."""
    from briefgen.yardsticks import yardstick, yardstick_ids

    terms = sorted({t.id for y in yardstick_ids() for t in yardstick(y).terms})
    likelihood = schema["$defs"]["Judgment"]["properties"]["likelihood"]
    for option in likelihood["anyOf"]:
        if option.get("type") == "string":
            option["enum"] = terms


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """Forbid keys the schema does not name, so that any change to the output shows."""
    for definition in [schema, *schema.get("$defs", {}).values()]:
        if definition.get("type") == "object" and "properties" in definition:
            definition.setdefault("additionalProperties", False)
    return schema
