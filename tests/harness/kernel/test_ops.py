"""The history's unit: Op keeps a dataclass's contract with its own (faster) constructor."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from harness.kernel.ops import Op, OpType


def _op(**change: object) -> Op:
    fields: dict[str, object] = {"index": 1, "time": 2, "type": OpType.OK, "process": 3,
                                 "f": "write", "value": [1, 2], "node": "n1"}
    fields.update(change)
    return Op(**fields)  # type: ignore[arg-type]


def test_every_field_is_set_and_defaults_hold() -> None:
    op = Op(index=4, time=5, type=OpType.INVOKE, process="nemesis", f="start")
    assert (op.index, op.time, op.type, op.process, op.f) == (4, 5, OpType.INVOKE, "nemesis",
                                                              "start")
    assert (op.value, op.key, op.node, op.error) == (None, None, None, None)
    full = _op(key="k", error="e")
    assert [getattr(full, f.name) for f in dataclasses.fields(Op)] == [
        1, 2, OpType.OK, 3, "write", [1, 2], "k", "n1", "e"]


def test_op_stays_a_frozen_keyword_only_dataclass() -> None:
    op = _op()
    with pytest.raises(dataclasses.FrozenInstanceError):
        op.index = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        Op(1, 2, OpType.OK, 3, "write")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="f"):
        Op(index=1, time=2, type=OpType.OK, process=3)  # type: ignore[call-arg]
    assert op == _op() and op != _op(value=[1])
    assert hash(_op(value=5)) == hash(_op(value=5))
    assert dataclasses.replace(op, value=7) == _op(value=7)
    assert pickle.loads(pickle.dumps(op)) == op
    assert copy.copy(op) == op
    assert repr(op).startswith("Op(index=1, time=2, type=<OpType.OK: 'ok'>, process=3")


def test_to_json_writes_the_type_as_text() -> None:
    obj = _op(error="e").to_json()
    assert obj == {"index": 1, "time": 2, "type": "ok", "process": 3, "f": "write",
                   "value": [1, 2], "node": "n1", "error": "e"}
    assert type(obj["type"]) is str
