"""The JSON value type shared by histories, configs and results."""

from __future__ import annotations

from typing import TypeAlias

JSON: TypeAlias = bool | int | float | str | list["JSON"] | dict[str, "JSON"] | None
"""Any value that round-trips through ``json.dumps``/``json.loads``."""

Scalar: TypeAlias = bool | int | float | str | None
"""A JSON scalar: the type of a history ``key``."""

__all__ = ["JSON", "Scalar"]
