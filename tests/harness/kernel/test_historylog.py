from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.kernel.historylog import HistoryLog
from harness.kernel.jsonl import dumps_op, read_jsonl, write_jsonl
from harness.kernel.ops import NEMESIS, Op, OpType


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


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                     st.floats(allow_nan=False, allow_infinity=False))
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)


@settings(deadline=None)
@given(st.builds(
    Op, index=st.just(0), time=st.integers(0, 2**62),
    type=st.sampled_from(list(OpType)), process=st.one_of(st.integers(0, 10**6), st.just(NEMESIS)),
    f=st.text(min_size=1), value=_json, key=_scalars, node=st.one_of(st.none(), st.text()),
    error=st.one_of(st.none(), st.text()),
))
def test_every_op_reads_back_as_written(op: Op) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.jsonl"
        write_jsonl(path, [op])
        assert read_jsonl(path).ops == (op,)
        assert path.read_bytes() == (dumps_op(op) + "\n").encode()
