"""JSON Schemas of the fact files, for editors (YAML language servers) and validators."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from briefgen.model import Fact, Source, Theme

FILE_MODELS: dict[str, Any] = {"facts": Fact, "themes": Theme, "sources": Source}


def file_schema(what: str) -> dict[str, Any]:
    """The JSON Schema of a ``items/*.yaml`` (``facts``), ``themes.yaml`` or ``sources.yaml`` file."""
    model = FILE_MODELS[what]
    schema = TypeAdapter(list[model]).json_schema(by_alias=True)  # type: ignore[valid-type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"briefgen {what} file",
        **schema,
    }
