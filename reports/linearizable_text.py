"""A readable plain-text explanation of a linearizability result (the checker returns data)."""

from __future__ import annotations

from checkers.linearizable import (
    KeyResult,
    LinearizabilityResult,
    OperationRef,
    PartialLinearization,
    StuckReason,
)
from checkers.verdict import Verdict
from harness.kernel.valuetext import show_key

MAX_KEYS = 10
"""Invalid or unknown keys explained in detail; the rest are counted."""


def _key_name(key: KeyResult) -> str:
    name = "(no key)" if key.key is None else f"key {show_key(key.key)}"
    return name if key.group is None else f"{name}, group {key.group}"


def _op(op: OperationRef) -> str:
    when = f"[{op.call}..{'∞' if op.ret is None else op.ret}]"
    crashed = " (indeterminate)" if op.ret is None else ""
    return f"process {op.process} {op.description} {when}{crashed}"


def _prefix(number: int, prefix: PartialLinearization, why: str | None) -> list[str]:
    lines = [f"    partial linearization {number}: {prefix.length} operation(s) linearized"]
    if prefix.tail:
        shown = len(prefix.tail)
        more = f" (last {shown})" if shown < prefix.length else ""
        lines.append(f"      in order{more}:")
        lines.extend(f"        {_op(op)}" for op in prefix.tail)
    lines.append(f"      state then: {prefix.state}")
    lines.append("      could not linearize next:")
    for stuck in prefix.stuck:
        if stuck.explanation and stuck.explanation == why:
            text = "(why: see above)"
        elif stuck.explanation:
            text = stuck.explanation
        elif stuck.reason is StuckReason.ILLEGAL:
            text = "not allowed in this state"
        else:
            text = f"allowed (state would be {stuck.next_state}), but nothing linearizes after it"
        lines.append(f"        {_op(stuck.operation)}:")
        lines.append(f"          {text}")
    hidden = prefix.stuck_total - len(prefix.stuck)
    if hidden > 0:
        lines.append(f"        ... and {hidden} more")
    return lines


def _key(key: KeyResult) -> list[str]:
    head = f"  {_key_name(key)}: {key.verdict.value.upper()}"
    facts = f"{key.operations} operations, {key.pruned} pruned, {key.configurations} configurations"
    lines = [f"{head} ({facts}, {key.seconds:.3f} s)"]
    if key.reason is not None:
        lines.append(f"    reason: {key.reason.value}")
    if key.detail:
        lines.append(f"    {key.detail}")
    why = headline(key)
    if why is not None:
        lines.append(f"    why: {why}")
    if key.counterexample is not None:
        for number, prefix in enumerate(key.counterexample.prefixes, 1):
            lines.extend(_prefix(number, prefix, why))
    return lines


def headline(key: KeyResult) -> str | None:
    """The key's explanation in one sentence: that of the first operation found illegal after
    the first longest partial linearization (``None`` without a counterexample)."""
    if key.counterexample is None:
        return None
    for prefix in key.counterexample.prefixes:
        for stuck in prefix.stuck:
            if stuck.reason is StuckReason.ILLEGAL and stuck.explanation:
                return stuck.explanation
    return None


def explain(result: LinearizabilityResult) -> str:
    """Several lines: the verdict, a count per verdict, then the invalid and undecided keys."""
    words = {
        Verdict.VALID: "linearizable",
        Verdict.INVALID: "NOT linearizable",
        Verdict.UNKNOWN: "undecided",
    }
    lines = [
        f"{words[result.verdict]} ({result.verdict.value}) under model {result.model}: "
        f"{result.operations} operations in {len(result.keys)} independent part(s), "
        f"{result.seconds:.3f} s",
        f"  valid: {len(result.valid_keys)}, invalid: {len(result.invalid_keys)}, "
        f"unknown: {len(result.unknown_keys)}",
    ]
    if result.reason is not None:
        lines.append(f"  why: {result.reason}")
    interesting = [*result.invalid_keys, *result.unknown_keys]
    for key in interesting[:MAX_KEYS]:
        lines.extend(_key(key))
    if len(interesting) > MAX_KEYS:
        lines.append(f"  ... and {len(interesting) - MAX_KEYS} more invalid or unknown part(s)")
    return "\n".join(lines)


__all__ = ["explain", "headline"]
