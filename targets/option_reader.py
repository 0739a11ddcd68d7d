"""Reading ``--target-opt K=V`` pairs into typed values, with errors that name the option."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import TypeVar

from harness.errors import BadInputError

E = TypeVar("E", bound=StrEnum)


class TargetOptionError(BadInputError):
    """A ``--target-opt`` is unknown or has a bad value."""


class OptionReader:
    """Typed access to one target's options; rejects unknown keys up front."""

    def __init__(self, target: str, options: Mapping[str, str], known: Collection[str]) -> None:
        self.target = target
        self.options = dict(options)
        unknown = sorted(set(self.options) - set(known))
        if unknown:
            raise TargetOptionError(
                f"unknown {target} option(s) {', '.join(unknown)}; known: "
                f"{', '.join(sorted(known))}"
            )

    def _error(self, key: str, message: str) -> TargetOptionError:
        return TargetOptionError(f"{self.target} option {key}: {message}")

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise self._error(key, f"expected an integer, got {raw!r}") from None
        if not low <= value <= high:
            raise self._error(key, f"{value} is not in {low}..{high}")
        return value

    def seconds(self, key: str, default: float, high: float = 3600.0) -> float:
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise self._error(key, f"expected seconds, got {raw!r}") from None
        if not 0 < value <= high:
            raise self._error(key, f"{value:g} is not in (0, {high:g}]")
        return value

    def choice(self, key: str, enum: type[E], default: E) -> E:
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            return enum(raw)
        except ValueError:
            known = ", ".join(e.value for e in enum)
            raise self._error(key, f"expected one of {known}, got {raw!r}") from None


__all__ = ["OptionReader", "TargetOptionError"]
