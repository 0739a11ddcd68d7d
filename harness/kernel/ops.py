"""The history's unit: one event observed by the controller (DESIGN.md, "History format")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from harness.kernel.jsontypes import JSON, Scalar

NEMESIS = "nemesis"
"""The ``process`` of fault-injection events."""


class OpType(StrEnum):
    """What an event says about its operation."""

    INVOKE = "invoke"
    OK = "ok"  # took effect
    FAIL = "fail"  # certainly did not take effect
    INFO = "info"  # may or may not have taken effect, at any time after the invocation


Process = int | str


@dataclass(frozen=True, kw_only=True, slots=True)
class Op:
    """One line of ``history.jsonl``."""

    index: int
    time: int
    type: OpType
    process: Process
    f: str
    value: JSON = None
    key: Scalar = None
    node: str | None = None
    error: str | None = None

    def __init__(
        self, *, index: int, time: int, type: OpType, process: Process, f: str,
        value: JSON = None, key: Scalar = None, node: str | None = None, error: str | None = None,
    ) -> None:
        # What the dataclass would generate, but through the slots' own setters (a frozen
        # dataclass calls object.__setattr__ per field): about a third faster, and the
        # interpreter and every history reader make one Op per event.
        _set_index(self, index)
        _set_time(self, time)
        _set_type(self, type)
        _set_process(self, process)
        _set_f(self, f)
        _set_value(self, value)
        _set_key(self, key)
        _set_node(self, node)
        _set_error(self, error)

    @property
    def is_client(self) -> bool:
        """True for operations of a client process (not the nemesis)."""
        return isinstance(self.process, int) and not isinstance(self.process, bool)

    def to_json(self) -> dict[str, JSON]:
        """The line's JSON object; optional fields are omitted when absent."""
        out: dict[str, JSON] = {
            "index": self.index,
            "time": self.time,
            "type": self.type._value_,  # what .value gives, without the enum's descriptor
            "process": self.process,
            "f": self.f,
            "value": self.value,
        }
        if self.key is not None:
            out["key"] = self.key
        if self.node is not None:
            out["node"] = self.node
        if self.error is not None:
            out["error"] = self.error
        return out


(_set_index, _set_time, _set_type, _set_process, _set_f, _set_value, _set_key, _set_node,
 _set_error) = (Op.__dict__[name].__set__ for name in (
    "index", "time", "type", "process", "f", "value", "key", "node", "error"))


__all__ = ["NEMESIS", "Op", "OpType", "Process"]
