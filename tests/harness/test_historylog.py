from __future__ import annotations

from pathlib import Path

from harness.historylog import HistoryLog
from harness.jsonl import dumps_op, read_jsonl
from harness.ops import NEMESIS, Op, OpType


def test_lines_match_dumps_op_and_appear_only_when_flushed(tmp_path: Path) -> None:
    ops = [
        Op(index=0, time=5, type=OpType.INVOKE, process=0, f="cas", value=[1, 2], key=3,
           node="n1"),
        Op(index=1, time=9, type=OpType.INFO, process=NEMESIS, f="start",
           value={"grudge": {"n1": ["n2"]}}, error="x"),
    ]
    path = tmp_path / "history.jsonl"
    with HistoryLog(path) as log:
        log.write(ops[0])
        assert path.read_text() == ""
        log.flush()
        assert path.read_text() == dumps_op(ops[0]) + "\n"
        log.write(ops[1])
    assert path.read_text() == "".join(dumps_op(op) + "\n" for op in ops)
    assert list(read_jsonl(path).ops) == ops
