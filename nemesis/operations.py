"""The ``f`` of every nemesis operation, and the errors faults raise."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from harness.kernel.jsontypes import JSON
from nemesis.registry import NemesisOptionError


class F(StrEnum):
    START_PARTITION = "start-partition"
    STOP_PARTITION = "stop-partition"
    KILL = "kill"
    START = "start"  # restart what was killed
    PAUSE = "pause"
    RESUME = "resume"
    BUMP_CLOCK = "bump-clock"
    STROBE_CLOCK = "strobe-clock"
    RATE_CLOCK = "rate-clock"
    RESET_CLOCK = "reset-clock"
    START_LOSS = "start-loss"
    STOP_LOSS = "stop-loss"
    START_BANDWIDTH = "start-bandwidth"
    STOP_BANDWIDTH = "stop-bandwidth"
    START_DELAY = "start-delay"
    STOP_DELAY = "stop-delay"


class NemesisSetupError(RuntimeError):
    """A fault cannot work against this target or on this machine (said at setup, clearly)."""


class UnsupportedByTargetError(NemesisOptionError, NemesisSetupError):
    """The target lacks an ability the nemesis needs (e.g. clock faults on etcd): bad input."""


class FaultError(RuntimeError):
    """An operation could not be carried out (recorded in the op's ``error``)."""


def arguments(value: JSON) -> Mapping[str, JSON]:
    """The invocation's value as a mapping (a nemesis op's arguments are a JSON object)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FaultError(f"expected a JSON object of arguments, got {value!r}")
    return value


def number(args: Mapping[str, JSON], key: str, default: float) -> float:
    raw = args.get(key, default)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FaultError(f"argument {key!r} must be a number, got {raw!r}")
    return float(raw)


def text(args: Mapping[str, JSON], key: str, default: str) -> str:
    raw = args.get(key, default)
    if not isinstance(raw, str):
        raise FaultError(f"argument {key!r} must be a string, got {raw!r}")
    return raw


__all__ = ["F", "FaultError", "NemesisSetupError",
    "UnsupportedByTargetError", "arguments", "number", "text"]
