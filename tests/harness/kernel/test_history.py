from __future__ import annotations

import pytest

from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History, history_of
from harness.kernel.ops import Op, OpType


def op(i: int, t: OpType, p: int | str, f: str, v: object = None, **kw: object) -> Op:
    return Op(index=i, time=i * 10, type=t, process=p, f=f, value=v, **kw)  # type: ignore[arg-type]


def test_pairs_invocations_with_completions_and_drops_nemesis() -> None:
    h = history_of([
        op(0, OpType.INVOKE, 0, "write", 1),
        op(1, OpType.INFO, "nemesis", "partition", "halves"),
        op(2, OpType.INVOKE, 1, "read"),
        op(3, OpType.OK, 0, "write", 1),
        op(4, OpType.OK, 1, "read", 1),
        op(5, OpType.INVOKE, 2, "cas", [1, 2]),
        op(6, OpType.FAIL, 2, "cas", [1, 2]),
    ])
    ops = h.operations()
    assert [(o.process, o.f, o.type, o.call, o.ret) for o in ops] == [
        (0, "write", OpType.OK, 0, 3),
        (1, "read", OpType.OK, 2, 4),
        (2, "cas", OpType.FAIL, 5, 6),
    ]
    assert ops[1].output == 1 and ops[1].value is None
    assert len(h.nemesis_ops()) == 1


def test_never_completed_invoke_is_info_and_info_has_no_return() -> None:
    h = history_of([
        op(0, OpType.INVOKE, 0, "write", 1),
        op(1, OpType.INVOKE, 1, "write", 2),
        op(2, OpType.INFO, 1, "write", 2),
    ])
    ops = h.operations()
    assert [o.type for o in ops] == [OpType.INFO, OpType.INFO]
    assert all(o.ret is None and o.indeterminate for o in ops)


def test_splits_by_key() -> None:
    h = history_of([
        op(0, OpType.INVOKE, 0, "write", 1, key="a"),
        op(1, OpType.INVOKE, 1, "write", 2, key="b"),
        op(2, OpType.OK, 1, "write", 2),
        op(3, OpType.OK, 0, "write", 1),
    ])
    groups = h.by_key()
    assert sorted(groups) == ["a", "b"]
    assert groups["b"][0].value == 2


def test_completion_without_invoke_names_line_and_field() -> None:
    h = History(
        (op(0, OpType.OK, 3, "read", 1),), source="h.jsonl", lines=(7,)
    )
    with pytest.raises(HistoryFormatError) as e:
        h.operations()
    assert (e.value.file, e.value.line, e.value.field) == ("h.jsonl", 7, "type")


def test_mismatched_f_and_double_invoke_are_errors() -> None:
    with pytest.raises(HistoryFormatError, match="does not match"):
        history_of([op(0, OpType.INVOKE, 0, "read"), op(1, OpType.OK, 0, "write")]).operations()
    with pytest.raises(HistoryFormatError, match="has not completed"):
        history_of([op(0, OpType.INVOKE, 0, "read"), op(1, OpType.INVOKE, 0, "read")]).operations()
