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


__all__ = ["NEMESIS", "Op", "OpType", "Process"]
