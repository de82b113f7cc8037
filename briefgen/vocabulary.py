"""The closed vocabularies of the fact format, defined once.

The model validates against them, the command line offers them as choices and
the JSON Schema lists them. This module imports nothing heavy: ``briefgen
--help`` reads it.
"""

from __future__ import annotations

from typing import Literal, get_args

Kind = Literal["event", "figure", "statement", "assessment"]
KINDS: tuple[Kind, ...] = get_args(Kind)
