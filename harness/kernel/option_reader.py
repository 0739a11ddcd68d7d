"""The one reader of ``K=V`` options (``--target-opt``, ``--workload-opt``, ...) into typed values.

Every error names the owner and the option (``"etcd option peer-port: 70000 is not in
[1, 65535]"``) and is a :class:`harness.kernel.errors.BadInputError`, so the CLI exits 254 without a
traceback. Each kind of option binds its own subclass of :class:`OptionError` (for example
``targets.option_reader.TargetOptionError``, ``workloads.base.WorkloadOptionError``) so callers
can tell which flag was wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from enum import StrEnum
from typing import TypeVar

from harness.kernel.errors import BadInputError

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
"""What :meth:`OptionReader.flag` accepts (case-insensitive)."""


class OptionError(BadInputError):
    """A ``K=V`` option is unknown or has a bad value (exit 254)."""


class OptionReader:
    """Typed access to one owner's options; rejects unknown keys up front.

    ``owner`` is the name shown in messages (``"etcd"``, ``"counter"``); ``known`` the accepted
    keys. Raises ``error`` (default :class:`OptionError`) naming the unknown keys and listing the
    known ones (or ``known_text``, when the known keys are better described than listed)."""

    def __init__(self, owner: str, options: Mapping[str, str], known: Collection[str], *,
                 error: type[OptionError] = OptionError, known_text: str | None = None) -> None:
        self.owner = owner
        self.options = dict(options)
        self._error_type = error
        unknown = sorted(set(self.options) - set(known))
        if unknown:
            raise error(
                f"unknown {owner} option(s) {', '.join(unknown)}; known: "
                f"{known_text or ', '.join(sorted(known))}"
            )

    def error(self, key: str, message: str) -> OptionError:
        """The error to raise for option ``key``: ``"<owner> option <key>: <message>"``."""
        return self._error_type(f"{self.owner} option {key}: {message}")

    def maybe_integer(self, key: str, low: int, high: int) -> int | None:
        """The integer value of ``key`` in ``[low, high]``, or None when it is absent.

        Accepts ``"3"`` and an integral ``"3.0"``/``"1e3"``; raises the bound error otherwise."""
        raw = self.options.get(key)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                raise self.error(key, f"expected an integer, got {raw!r}") from None
            if not number.is_integer():
                raise self.error(key, f"expected an integer, got {raw!r}") from None
            value = int(number)
        if not low <= value <= high:
            raise self.error(key, f"{value} is not in [{low}, {high}]")
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        """Like :meth:`maybe_integer`, with ``default`` when absent (not range-checked)."""
        value = self.maybe_integer(key, low, high)
        return default if value is None else value

    def _float(self, key: str, expected: str) -> float | None:
        raw = self.options.get(key)
        if raw is None:
            return None
        try:
            return float(raw)
        except ValueError:
            raise self.error(key, f"expected {expected}, got {raw!r}") from None

    def number(self, key: str, default: float, low: float, high: float) -> float:
        """A float in the closed range ``[low, high]``; ``default`` when absent."""
        value = self._float(key, "a number")
        if value is None:
            return default
        if not low <= value <= high:
            raise self.error(key, f"{value:g} is not in [{low:g}, {high:g}]")
        return value

    def seconds(self, key: str, default: float, high: float = 3600.0) -> float:
        """A duration in seconds in ``(0, high]``; ``default`` when absent."""
        value = self._float(key, "seconds")
        if value is None:
            return default
        if not 0 < value <= high:
            raise self.error(key, f"{value:g} is not in (0, {high:g}]")
        return value

    def flag(self, key: str, default: bool) -> bool:
        """``true``/``yes``/``1`` or ``false``/``no``/``0``; ``default`` when absent."""
        raw = self.options.get(key)
        if raw is None:
            return default
        value = BOOLEANS.get(raw.strip().lower())
        if value is None:
            raise self.error(key, f"expected true or false, got {raw!r}")
        return value

    def parsed(self, key: str, parse: Callable[[str], T], default: T) -> T:
        """``parse(value)`` for a value no other method reads (a list of names, a spec);
        ``default`` when absent. ``parse`` raises ``ValueError`` with what was expected."""
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            return parse(raw)
        except ValueError as e:
            raise self.error(key, f"{e}, got {raw!r}") from None

    def choice(self, key: str, enum: type[E], default: E) -> E:
        """One of ``enum``'s values; ``default`` when absent."""
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            return enum(raw)
        except ValueError:
            known = ", ".join(e.value for e in enum)
            raise self.error(key, f"expected one of {known}, got {raw!r}") from None


__all__ = ["BOOLEANS", "OptionError", "OptionReader"]
