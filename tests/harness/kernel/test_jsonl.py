from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.errors import HistoryFormatError
from harness.kernel.jsonl import JsonlWriter, read_jsonl
from harness.kernel.ops import Op, OpType


def test_writer_round_trips_and_flushes_each_op(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    ops = [
        Op(index=0, time=5, type=OpType.INVOKE, process=0, f="cas", value=[1, 2], key="k"),
        Op(index=1, time=9, type=OpType.INFO, process="nemesis", f="partition", value={"a": [1]}),
        Op(index=2, time=9, type=OpType.FAIL, process=0, f="cas", value=[1, 2], error="nope",
           node="n1"),
    ]
    with JsonlWriter(path) as w:
        w.write(ops[0])
        # flushed per op: a reader sees it before close
        assert read_jsonl(path).ops == (ops[0],)
        for o in ops[1:]:
            w.write(o)
    h = read_jsonl(path)
    assert h.ops == tuple(ops)
    assert h.lines == (1, 2, 3)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"index":0,"time":0,"type":"ok!","process":0,"f":"read"}', "type"),
        ('{"index":0,"time":-1,"type":"ok","process":0,"f":"read"}', "time"),
        ('{"index":"0","time":0,"type":"ok","process":0,"f":"read"}', "index"),
        ('{"index":0,"time":0,"type":"ok","process":0.5,"f":"read"}', "process"),
        ('{"index":0,"time":0,"type":"ok","process":0}', "f"),
        ('{"index":0,"time":0,"type":"ok","process":0,"f":"r","key":[1]}', "key"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "h.jsonl"
    good = '{"index":0,"time":0,"type":"invoke","process":9,"f":"read"}'
    path.write_text(good + "\n" + line.replace('"index":0', '"index":1') + "\n")
    with pytest.raises(HistoryFormatError) as e:
        read_jsonl(path)
    assert (e.value.file, e.value.line, e.value.field) == (str(path), 2, field)
    assert str(path) in str(e.value) and "line 2" in str(e.value)


def test_order_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(
        '{"index":3,"time":10,"type":"invoke","process":0,"f":"read"}\n'
        '{"index":4,"time":9,"type":"ok","process":0,"f":"read"}\n'
    )
    with pytest.raises(HistoryFormatError, match="earlier") as e:
        read_jsonl(path)
    assert e.value.field == "time"


def test_invalid_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text('{"index":0,\n')
    with pytest.raises(HistoryFormatError, match="invalid JSON") as e:
        read_jsonl(path)
    assert e.value.line == 1
    with pytest.raises(HistoryFormatError, match="cannot read"):
        read_jsonl(tmp_path / "missing.jsonl")
