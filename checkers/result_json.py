"""Reading checker results back from their JSON: the one place that knows the field names.

Every result type writes itself with ``to_json()`` and reads itself back with
``from_json(value, where)`` next to it; ``from_json`` uses a :class:`Fields` reader, so a malformed
stored result raises :class:`ResultFormatError` naming the field (``workload.checkers.set.lost:
expected a list``) and never a ``KeyError``. :func:`result_from_json` picks the type from the
result's ``"checker"`` field (written by every built-in result since ``results.json`` schema 2;
for schema 1 it recognises the few results that had none by their shape).

Consumers (reports, the gate, the run's summary line, the CP/AP classification) receive typed
results and ask them, never the JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias, TypeVar

from checkers.verdict import Verdict
from harness.kernel.errors import BadInputError
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.protocols import CheckResult

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class ResultFormatError(BadInputError):
    """A stored result (``results.json``) does not have the shape its type writes (exit 254)."""


_VERDICTS = {v.value: v for v in Verdict}


def verdict_of(value: JSON) -> Verdict | None:
    """The verdict a result object states (``"verdict"``, or Jepsen's ``"valid?"``), if any."""
    if not isinstance(value, dict):
        return None
    v = value.get("verdict")
    if isinstance(v, str) and v.lower() in _VERDICTS:
        return _VERDICTS[v.lower()]
    jepsen = value.get("valid?")
    if jepsen is True:
        return Verdict.VALID
    if jepsen is False:
        return Verdict.INVALID
    if jepsen == "unknown":
        return Verdict.UNKNOWN
    return None


def _is_int(value: JSON) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """Typed access to the fields of one JSON object; ``where`` names it in errors."""

    def __init__(self, value: JSON, where: str) -> None:
        if not isinstance(value, dict):
            raise ResultFormatError(f"{where or 'the file'}: expected a JSON object, got "
                                    f"{_kind(value)}")
        self.value: dict[str, JSON] = value
        self.where = where

    def at(self, key: str) -> str:
        """The path of field ``key`` (for nested readers and errors)."""
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> ResultFormatError:
        return ResultFormatError(f"{self.at(key)}: {message}")

    def has(self, key: str) -> bool:
        return key in self.value

    def raw(self, key: str) -> JSON:
        """The field's JSON as it is (``None`` when absent)."""
        return self.value.get(key)

    def _get(self, key: str, optional: bool) -> JSON:
        if key not in self.value:
            if optional:
                return None
            raise self.error(key, "missing")
        return self.value[key]

    def text(self, key: str) -> str:
        v = self._get(key, False)
        if not isinstance(v, str):
            raise self.error(key, f"expected a string, got {_kind(v)}")
        return v

    def opt_text(self, key: str) -> str | None:
        v = self._get(key, True)
        if v is not None and not isinstance(v, str):
            raise self.error(key, f"expected a string or null, got {_kind(v)}")
        return v

    def integer(self, key: str) -> int:
        v = self._get(key, False)
        if not _is_int(v):
            raise self.error(key, f"expected an integer, got {_kind(v)}")
        assert isinstance(v, int)
        return v

    def opt_integer(self, key: str) -> int | None:
        v = self._get(key, True)
        if v is not None and not _is_int(v):
            raise self.error(key, f"expected an integer or null, got {_kind(v)}")
        assert v is None or isinstance(v, int)
        return v

    def number(self, key: str) -> float:
        v = self._get(key, False)
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise self.error(key, f"expected a number, got {_kind(v)}")
        return v

    def flag(self, key: str) -> bool:
        v = self._get(key, False)
        if not isinstance(v, bool):
            raise self.error(key, f"expected true or false, got {_kind(v)}")
        return v

    def scalar(self, key: str) -> Scalar:
        v = self._get(key, False)
        if isinstance(v, list | dict):
            raise self.error(key, f"expected a scalar, got {_kind(v)}")
        return v

    def enum(self, key: str, enum: type[E]) -> E:
        text = self.text(key)
        try:
            return enum(text)
        except ValueError:
            known = ", ".join(e.value for e in enum)
            raise self.error(key, f"expected one of {known}, got {text!r}") from None

    def opt_enum(self, key: str, enum: type[E]) -> E | None:
        return None if self._get(key, True) is None else self.enum(key, enum)

    def verdict(self, key: str = "verdict") -> Verdict:
        return self.enum(key, Verdict)

    def array(self, key: str, *, optional: bool = False) -> list[JSON]:
        v = self._get(key, optional)
        if v is None and optional:
            return []
        if not isinstance(v, list):
            raise self.error(key, f"expected a list, got {_kind(v)}")
        return v

    def mapping(self, key: str, *, optional: bool = False) -> dict[str, JSON]:
        v = self._get(key, optional)
        if v is None and optional:
            return {}
        if not isinstance(v, dict):
            raise self.error(key, f"expected an object, got {_kind(v)}")
        return v

    def strs(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        out = []
        for i, v in enumerate(self.array(key, optional=optional)):
            if not isinstance(v, str):
                raise self.error(f"{key}[{i}]", f"expected a string, got {_kind(v)}")
            out.append(v)
        return tuple(out)

    def ints(self, key: str) -> tuple[int, ...]:
        out = []
        for i, v in enumerate(self.array(key)):
            if not _is_int(v):
                raise self.error(f"{key}[{i}]", f"expected an integer, got {_kind(v)}")
            assert isinstance(v, int)
            out.append(v)
        return tuple(out)

    def scalars(self, key: str) -> tuple[Scalar, ...]:
        out: list[Scalar] = []
        for i, v in enumerate(self.array(key)):
            if isinstance(v, list | dict):
                raise self.error(f"{key}[{i}]", f"expected a scalar, got {_kind(v)}")
            out.append(v)
        return tuple(out)

    def int_map(self, key: str) -> dict[str, int]:
        out = {}
        for k, v in self.mapping(key).items():
            if not _is_int(v):
                raise self.error(f"{key}.{k}", f"expected an integer, got {_kind(v)}")
            assert isinstance(v, int)
            out[k] = v
        return out

    def int_values(self) -> dict[str, int]:
        """Every field of this object, each an integer."""
        out = {}
        for k, v in self.value.items():
            if not _is_int(v):
                raise self.error(k, f"expected an integer, got {_kind(v)}")
            assert isinstance(v, int)
            out[k] = v
        return out

    def float_map(self, key: str) -> dict[str, float]:
        out = {}
        for k, v in self.mapping(key).items():
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise self.error(f"{key}.{k}", f"expected a number, got {_kind(v)}")
            out[k] = v
        return out

    def objects(self, key: str, read: Callable[[JSON, str], T], *,
                optional: bool = False) -> tuple[T, ...]:
        """Each element of list ``key`` read by ``read(value, where)``."""
        return tuple(read(v, f"{self.at(key)}[{i}]")
                     for i, v in enumerate(self.array(key, optional=optional)))

    def object(self, key: str, read: Callable[[JSON, str], T]) -> T:
        return read(self._get(key, False), self.at(key))

    def opt_object(self, key: str, read: Callable[[JSON, str], T]) -> T | None:
        v = self._get(key, True)
        return None if v is None else read(v, self.at(key))


def _kind(value: JSON) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return "a list" if isinstance(value, list) else "an object"


@dataclass(frozen=True, kw_only=True, slots=True)
class OtherResult:
    """A result of a checker this code has no type for (a plugin's, or a foreign format's): its
    stated verdict (``None`` if it states none), the kind it names, and its JSON as it is."""

    verdict: Verdict | None
    kind: str | None = None
    data: dict[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return dict(self.data)

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> OtherResult:
        if not isinstance(value, dict):
            return cls(verdict=None, data={"value": value})
        kind = value.get("checker")
        return cls(verdict=verdict_of(value), kind=kind if isinstance(kind, str) else None,
                   data=value)


AnyResult: TypeAlias = CheckResult | OtherResult
"""What a stored result reads back as: a typed result, or an :class:`OtherResult`."""

Reader = Callable[[JSON, str], AnyResult]


def _readers() -> Mapping[str, Reader]:
    """``"checker"`` name -> ``from_json``; imported here, so that reading results costs no import
    of the checkers' machinery until a result is read."""
    from checkers.behaviour import BehaviourResult
    from checkers.compose import CheckerFailure, CompositeResult
    from checkers.counter import CounterResult
    from checkers.coverage import CoverageResult
    from checkers.elle import TxnCheckResult
    from checkers.eventual import SetResult
    from checkers.linearizable import LinearizabilityResult
    from checkers.session import SessionResult
    from checkers.stats import StatsResult

    return {
        "linearizable": LinearizabilityResult.from_json,
        "set": SetResult.from_json,
        "counter": CounterResult.from_json,
        "session": SessionResult.from_json,
        "elle": TxnCheckResult.from_json,
        "behaviour": BehaviourResult.from_json,
        "coverage": CoverageResult.from_json,
        "stats": StatsResult.from_json,
        "failed": CheckerFailure.from_json,
        "compose": CompositeResult.from_json,
    }


def kind_of(value: dict[str, JSON]) -> str | None:
    """The result type of a stored result: its ``"checker"`` field, or for a result written
    before schema 2 (which had none for these) its shape."""
    kind = value.get("checker")
    if isinstance(kind, str):
        return kind
    if "checkers" in value and "verdict" in value:
        return "compose"
    if "guarantees" in value and "checked-reads" in value:
        return "session"
    if value.get("workload") in ("list-append", "rw-register") and "anomalies" in value:
        return "elle"
    if "by_f" in value and "operations" in value:
        return "stats"
    if set(value) == {"verdict", "error"}:
        return "failed"
    return None


def result_from_json(value: JSON, where: str) -> AnyResult:
    """The typed result stored as ``value`` (at ``where`` in its file). Known kinds are read
    strictly (:class:`ResultFormatError` names the field); others become
    :class:`OtherResult`."""
    if not isinstance(value, dict):
        raise ResultFormatError(f"{where}: expected a result object, got {_kind(value)}")
    kind = kind_of(value)
    read = _readers().get(kind) if kind is not None else None
    if read is None:
        return OtherResult.from_json(value, where)
    return read(value, where)


def leaves(name: str, result: AnyResult) -> Iterator[tuple[str, AnyResult]]:
    """``(name, result)`` of every leaf under ``result``: a composed result is opened, its parts
    named ``name/part`` (just ``part`` under the conventional ``workload``)."""
    from checkers.compose import CompositeResult

    if isinstance(result, CompositeResult):
        prefix = "" if name == "workload" else f"{name}/"
        for child, part in result.parts.items():
            for leaf, value in leaves(child, part):
                yield prefix + leaf, value
    else:
        yield name, result


__all__ = ["AnyResult", "Fields", "OtherResult", "ResultFormatError", "kind_of", "leaves",
           "result_from_json", "verdict_of"]
