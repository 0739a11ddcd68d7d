"""Random corruptions of valid files, in every format, give a HistoryFormatError naming the file,
the line and (where a field is at fault) the field. Never any other exception."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.kernel.errors import HistoryFormatError
from harness.kernel.historyio import read_history
from harness.kernel.jsonl import dumps_op
from harness.kernel.ops import Op, OpType

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIELDS = ("index", "time", "type", "process", "f")
BAD_VALUES: dict[str, list[object]] = {
    "index": ["0", -1, 1.5, None, True, [1]],
    "time": ["t", -5, 2.5, None, {"a": 1}],
    "type": ["okay", 1, None, "", "INVOKE"],
    "process": [1.5, "worker", None, [0], True],
    "f": [1, None, "", ["read"]],
}


def _ops(n: int) -> list[Op]:
    ops: list[Op] = []
    for i in range(n):
        process = i // 2 % 3
        kind = OpType.INVOKE if i % 2 == 0 else OpType.OK
        ops.append(Op(index=i, time=i * 100, type=kind, process=process, f="write", value=i // 2))
    return ops


def _check(path: Path, exc: HistoryFormatError, line: int, field: str | None) -> None:
    assert exc.file == str(path)
    assert exc.line == line
    message = str(exc)
    assert str(path) in message and f"line {line}" in message
    if field is not None:
        assert exc.field == field and f"'{field}'" in message


@FUZZ
@given(
    n=st.integers(2, 12),
    data=st.data(),
)
def test_jsonl_field_corruption(tmp_path: Path, n: int, data: st.DataObject) -> None:
    ops = _ops(n * 2)
    target = data.draw(st.integers(0, len(ops) - 1), label="line")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    bad = data.draw(st.sampled_from(BAD_VALUES[field]), label="value")
    lines = [json.loads(dumps_op(o)) for o in ops]
    lines[target][field] = bad
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(obj) + "\n" for obj in lines))
    try:
        read_history(path)
    except HistoryFormatError as e:
        _check(path, e, target + 1, field)
    else:
        raise AssertionError("corruption was accepted")


@FUZZ
@given(n=st.integers(2, 12), data=st.data())
def test_jsonl_truncated_line(tmp_path: Path, n: int, data: st.DataObject) -> None:
    text_lines = [dumps_op(o) for o in _ops(n * 2)]
    target = data.draw(st.integers(0, len(text_lines) - 1))
    cut = data.draw(st.integers(1, len(text_lines[target]) - 1))
    text_lines[target] = text_lines[target][:cut]
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(text_lines) + "\n")
    try:
        read_history(path)
    except HistoryFormatError as e:
        _check(path, e, target + 1, None)
    else:
        raise AssertionError("truncation was accepted")


EDN_BAD = {
    "type": [":okay", "42", '"ok"', "nil"],
    "process": ['"p"', "1.5", ":worker", "nil"],
    "f": ["7", "nil", "[:read]"],
    "time": ["-3", ":t", '"5"'],
}


def _edn_line(op: Op, override: tuple[str, str] | None) -> str:
    fields = {
        "type": f":{op.type.value}",
        "f": f":{op.f}",
        "process": str(op.process),
        "time": str(op.time),
        "value": str(op.value),
    }
    if override is not None:
        fields[override[0]] = override[1]
    return "{" + ", ".join(f":{k} {v}" for k, v in fields.items()) + "}"


@FUZZ
@given(n=st.integers(2, 12), vector=st.booleans(), data=st.data())
def test_edn_field_corruption(tmp_path: Path, n: int, vector: bool, data: st.DataObject) -> None:
    ops = _ops(n * 2)
    target = data.draw(st.integers(0, len(ops) - 1))
    field = data.draw(st.sampled_from(sorted(EDN_BAD)))
    bad = data.draw(st.sampled_from(EDN_BAD[field]))
    lines = [_edn_line(o, (field, bad) if i == target else None) for i, o in enumerate(ops)]
    text = ("[" + "\n ".join(lines) + "]\n") if vector else "\n".join(lines) + "\n"
    path = tmp_path / "history.edn"
    path.write_text(text)
    try:
        read_history(path)
    except HistoryFormatError as e:
        _check(path, e, target + 1, field)
    else:
        raise AssertionError("corruption was accepted")


@FUZZ
@given(n=st.integers(2, 12), data=st.data())
def test_edn_syntax_corruption(tmp_path: Path, n: int, data: st.DataObject) -> None:
    ops = _ops(n * 2)
    target = data.draw(st.integers(0, len(ops) - 1))
    lines = [_edn_line(o, None) for o in ops]
    how = data.draw(st.sampled_from(["unclosed", "extra-close", "bad-string"]))
    if how == "unclosed":
        lines[target] = lines[target][:-1]
    elif how == "extra-close":
        lines[target] = lines[target] + ")"
    else:
        lines[target] = lines[target][:-1] + ' :node "n1}'
    path = tmp_path / "history.edn"
    path.write_text("[" + "\n ".join(lines) + "]\n")
    try:
        read_history(path)
    except HistoryFormatError as e:
        assert e.file == str(path) and e.line is not None
        # An unclosed map is reported where it opened or where the mismatch shows.
        assert target + 1 <= e.line <= len(lines)
        assert f"line {e.line}" in str(e)
    else:
        raise AssertionError("corruption was accepted")


LOG_BAD = {"type": ":bogus", "f": "read", "value": "[1 2", "process": None}


@FUZZ
@given(n=st.integers(2, 12), sep=st.sampled_from(["\t", " ", "  "]), data=st.data())
def test_jepsen_log_corruption(tmp_path: Path, n: int, sep: str, data: st.DataObject) -> None:
    ops = _ops(n * 2)
    target = data.draw(st.integers(0, len(ops) - 1))
    field = data.draw(st.sampled_from(["type", "f", "value"]))
    lines = []
    for i, o in enumerate(ops):
        cols = [str(o.process), f":{o.type.value}", f":{o.f}", str(o.value)]
        if i == target:
            cols[{"type": 1, "f": 2, "value": 3}[field]] = str(LOG_BAD[field])
        lines.append("INFO  jepsen.util - " + sep.join(cols))
    path = tmp_path / "jepsen.log"
    path.write_text("INFO  jepsen.core - starting\n" + "\n".join(lines) + "\n")
    try:
        read_history(path)
    except HistoryFormatError as e:
        _check(path, e, target + 2, field)
    else:
        raise AssertionError("corruption was accepted")
