"""Registers: a single value that is read, written and (for ``cas-register``) compare-and-set.

Semantics for the harness (HELPERS-CONTRACTS): the initial value defaults to ``None`` (absent), and
a read of ``None`` means "absent". Knossos's histories instead assume a register that starts at 0
and a ``nil`` read that matches any value: ask for that with ``init=0, nil_read_any=True`` (the
``knossos-cas-register`` model). Values are compared by :mod:`harness.kernel.values`'s rule: a
register written with ``1`` and read as ``true`` (or ``1.0``, or ``"1"``) was not read back.

Operations: ``read`` (output: the value read), ``write`` (value), ``cas`` (value
``[expected, new]``; an ``ok`` cas swapped, a ``fail`` cas did not happen).
"""

from __future__ import annotations

from checkers.linearizable._model import UNKNOWN, Frozen, Input, InputError, Model, Output, model
from harness.kernel.valuetext import show


def _read(state: Frozen, output: Output, nil_read_any: bool) -> tuple[bool, Frozen]:
    if output is UNKNOWN or (output is None and nil_read_any):
        return True, state
    return output == state, state


def _cas_args(input: Input) -> tuple[Frozen, Frozen]:
    value = input.value
    if type(value) is not tuple or len(value) != 2:
        raise InputError(f"cas value must be [expected, new], got {show(value)}")
    return value[0], value[1]


def register(
    *, init: Frozen = None, nil_read_any: bool = False, cas: bool = False
) -> Model[Frozen]:
    """A read/write register (with ``cas=True``, a compare-and-set register)."""
    name = "cas-register" if cas else "register"

    def step(state: Frozen, input: Input, output: Output) -> tuple[bool, Frozen]:
        f = input.f
        if f == "read":
            return _read(state, output, nil_read_any)
        if f == "write":
            return True, input.value
        if f == "cas" and cas:
            expected, new = _cas_args(input)
            if state == expected:
                return True, new
            return False, state
        known = "read, write, cas" if cas else "read, write"
        raise InputError(f"{name}: unknown operation {f!r} (expected {known})", field="f")

    return model(name, init=lambda: init, step=step, describe_operation=describe_operation)


def describe_operation(input: Input, output: Output) -> str:
    """``read() -> 2``, ``write(4)``, ``cas(3, 5)`` (values as users write them)."""
    if input.f == "read":
        return f"read() -> {show(output)}"
    if input.f == "cas" and isinstance(input.value, tuple) and len(input.value) == 2:
        return f"cas({show(input.value[0])}, {show(input.value[1])})"
    return f"{input.f}({show(input.value)})"


def cas_register(*, init: Frozen = None, nil_read_any: bool = False) -> Model[Frozen]:
    """A compare-and-set register."""
    return register(init=init, nil_read_any=nil_read_any, cas=True)


__all__ = ["cas_register", "register"]
