from __future__ import annotations

import gc
from dataclasses import dataclass

import pytest

from harness.kernel.bulk import gc_paused, positional_constructor
from harness.kernel.history import Operation
from harness.kernel.ops import Op, OpType


def test_positional_constructor_builds_what_the_dataclass_would() -> None:
    make = positional_constructor(Op)
    built = make(3, 40, OpType.OK, 2, "read", [1, 2], "k", "n1", None)
    assert built == Op(index=3, time=40, type=OpType.OK, process=2, f="read", value=[1, 2],
                       key="k", node="n1", error=None)
    assert type(built) is Op
    with pytest.raises(AttributeError):  # still frozen (FrozenInstanceError)
        built.index = 4  # type: ignore[misc]
    operation = positional_constructor(Operation)(1, "add", 5, None, OpType.INFO, 0, None, 10,
                                                  None, None, None, "timeout")
    assert operation.indeterminate and operation.error == "timeout" and operation.call_time == 10


def test_positional_constructor_refuses_records_without_slots() -> None:
    @dataclass(frozen=True)
    class Plain:
        a: int

    with pytest.raises(TypeError, match="Plain"):
        positional_constructor(Plain)


def test_gc_paused_restores_the_collectors_state() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # was off before: stays off
    finally:
        gc.enable()
