"""Multi-register: a map of registers, accessed by ``txn`` operations of micro-ops.

A ``txn`` value is a list of ``[f, key, value]`` micro-ops, ``f`` being ``read`` or ``write``,
also spelled ``r`` and ``w`` (Elle's and many Jepsen suites' ``[:w k v]`` / ``[:r k v]``), as a
keyword or a string (one reader for every model: :mod:`checkers.micro_ops`); the completion value
repeats them with the values read. A micro-op that is not of this shape is an
:class:`~checkers.linearizable.InputError` naming the value (bad input). Unwritten keys hold
``default`` (``None`` = absent). With ``nil_read_any`` a ``nil`` read matches any value (Knossos's
semantics; its corpus
also starts every key at 0: the ``knossos-multi-register`` model).

The partition function splits operations into groups of keys that no transaction connects
(union-find over the keys each transaction touches); groups are independent objects, so checking
them separately is exact (locality of linearizability).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checkers.linearizable._model import (
    UNKNOWN,
    Frozen,
    Input,
    InputError,
    Model,
    Output,
    freeze,
    model,
)
from checkers.micro_ops import MicroF, micro_f, spellings
from harness.kernel.history import Operation
from harness.kernel.valuetext import show, show_key

State = tuple[tuple[Frozen, Frozen], ...]
"""The written keys (those not holding ``default``) and their values, sorted by ``repr(key)``."""


def _micro_ops(
    value: Frozen | object, completion: bool = False
) -> tuple[tuple[MicroF, Frozen, Frozen], ...]:
    if type(value) is not tuple:
        raise InputError(
            f"txn value must be a list of [f, key, value] micro-ops, got {show(value)}",
            completion=completion,
        )
    out = []
    for micro in value:
        f = micro_f(micro[0]) if type(micro) is tuple and len(micro) == 3 else None
        if f is None or f is MicroF.APPEND:
            raise InputError(
                f"txn micro-op must be [{spellings(MicroF.READ, MicroF.WRITE)}, key, value], "
                f"got {show(micro)}",
                completion=completion,
            )
        assert type(micro) is tuple
        out.append((f, micro[1], micro[2]))
    return tuple(out)


def multi_register(*, default: Frozen = None, nil_read_any: bool = False) -> Model[State]:
    """The multi-register model."""

    def step(state: State, input: Input, output: Output) -> tuple[bool, State]:
        if input.f != "txn":
            raise InputError(
                f"multi-register: unknown operation {input.f!r} (expected txn)", field="f"
            )
        known = output is not UNKNOWN
        requested = _micro_ops(input.value)
        micros = _micro_ops(output, completion=True) if known else requested
        if len(micros) != len(requested) or any(
            a[:2] != b[:2] for a, b in zip(micros, requested, strict=True)
        ):
            raise InputError(
                "the completion's micro-ops must repeat the invocation's (same functions and "
                f"keys, in order): invoked {input.value!r}, completed with {output!r}",
                completion=True,
            )
        values = dict(state)
        for f, key, val in micros:
            if f is MicroF.WRITE:
                values[key] = val
            elif known and not (val is None and nil_read_any) and values.get(key, default) != val:
                return False, state
        return True, tuple(
            sorted(((k, v) for k, v in values.items() if v != default), key=lambda kv: repr(kv[0]))
        )

    def describe_state(state: State) -> str:
        body = ", ".join(f"{show_key(k)}: {show(v)}" for k, v in state)
        rest = f" (others {show(default)})" if state else f" (all {show(default)})"
        return "{" + body + "}" + rest

    def describe_operation(input: Input, output: Output) -> str:
        try:
            micros = _micro_ops(input.value if output is UNKNOWN else output)
        except ValueError:
            return f"{input.f}({show(input.value)}) -> {show(output)}"
        shown = []
        for f, k, v in micros:
            seen = "?" if output is UNKNOWN and f is MicroF.READ else show(v)
            shown.append(f"{f.value} {show_key(k)} {seen}")
        return f"txn[{', '.join(shown)}]"

    return model(
        "multi-register",
        init=lambda: (),
        step=step,
        partition=partition_by_keys,
        describe_operation=describe_operation,
        describe_state=describe_state,
    )


def _keys_of(operation: Operation) -> list[Frozen]:
    value = freeze(operation.value)
    if type(value) is not tuple:
        return []
    return [m[1] for m in value if type(m) is tuple and len(m) == 3]


def partition_by_keys(operations: Sequence[Operation]) -> Mapping[str, Sequence[Operation]]:
    """Groups of operations whose transactions share no key with another group."""
    parent: dict[Frozen, Frozen] = {}

    def find(k: Frozen) -> Frozen:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    keys_of = [_keys_of(op) for op in operations]
    for keys in keys_of:
        for k in keys[1:]:
            a, b = find(keys[0]), find(k)
            if a != b:
                parent[a] = b
    groups: dict[Frozen, list[Operation]] = {}
    members: dict[Frozen, set[str]] = {}
    for op, keys in zip(operations, keys_of, strict=True):
        root = find(keys[0]) if keys else None
        groups.setdefault(root, []).append(op)
    for k in parent:
        members.setdefault(find(k), set()).add(str(k))
    return {",".join(sorted(members.get(root, set()))) or "-": ops for root, ops in groups.items()}


__all__ = ["multi_register", "partition_by_keys"]
