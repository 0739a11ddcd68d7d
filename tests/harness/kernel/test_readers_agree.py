"""Property: every reader, given a well-formed history rendered in its format (with or without a
byte-order mark, under any file name), reads the same operations as the jsonl reader; and a fuzz
test: random corruptions of valid files in every format give exit 254 or a verdict, never a
traceback, and never ``valid`` when no operation was read."""

from __future__ import annotations

import json
import math
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import cli
from harness.kernel.edn import Keyword
from harness.kernel.historyio import HistoryFormat, load_history
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.values import freeze

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text("abcxyz", min_size=1, max_size=3), inner,
                                            max_size=3)),
    max_leaves=6,
)


@st.composite
def histories(draw: st.DrawFn) -> list[Op]:
    """Well-formed histories: processes invoke then complete, some never complete, a nemesis."""
    ops: list[Op] = []
    pending: dict[int, str] = {}
    for _ in range(draw(st.integers(1, 14))):
        process = draw(st.integers(0, 3))
        if draw(st.integers(0, 6)) == 0:
            ops.append(Op(index=len(ops), time=len(ops), type=OpType.INFO, process="nemesis",
                          f="start", value=None))
            continue
        if process in pending:
            kind = draw(st.sampled_from([OpType.OK, OpType.FAIL, OpType.INFO]))
            f = pending.pop(process)
        else:
            kind = OpType.INVOKE
            f = draw(st.sampled_from(["read", "write", "cas", "add"]))
            pending[process] = f
        ops.append(Op(index=len(ops), time=len(ops), type=kind, process=process, f=f,
                      value=draw(values)))
    if not any(op.is_client for op in ops):
        ops.append(Op(index=len(ops), time=len(ops), type=OpType.INVOKE, process=0, f="read"))
    return ops


def _edn(value: JSON) -> str:
    if value is None:
        return "nil"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "##NaN"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + " ".join(_edn(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} {_edn(v)}" for k, v in value.items()) + "}"


def _proc(op: Op) -> str:
    return ":nemesis" if op.process == "nemesis" else str(op.process)


def render(ops: list[Op], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(op.to_json()) + "\n" for op in ops)
    if fmt == "edn-lines":
        return "".join(
            f"{{:index {op.index}, :time {op.time}, :type :{op.type.value}, "
            f":process {_proc(op)}, :f :{op.f}, :value {_edn(op.value)}}}\n" for op in ops)
    if fmt == "edn-vector":
        return "[" + "\n ".join(
            f"#jepsen.history.Op{{:index {op.index}, :type :{op.type.value}, "
            f":process {_proc(op)}, :f :{op.f}, :value {_edn(op.value)}}}" for op in ops) + "]\n"
    if fmt == "knossos":
        return "".join(f"[{_proc(op)} :{op.type.value} :{op.f} {_edn(op.value)}]\n"
                       for op in ops)
    cols = ["\t".join([_proc(op), f":{op.type.value}", f":{op.f}", _edn(op.value)])
            for op in ops]
    prefix = {
        "text": "",
        "log-2015": "INFO  jepsen.util - ",
        "log-0.1": "INFO [2019-04-01 11:25:24,038] jepsen worker 0 - jepsen.util ",
        "log-logback": "2021-04-01 11:25:24,038{GMT}\tINFO\t[jepsen worker 0] jepsen.util: ",
    }[fmt]
    return "".join(prefix + c + "\n" for c in cols)


FORMATS = ["jsonl", "edn-lines", "edn-vector", "knossos", "text", "log-2015", "log-0.1",
           "log-logback"]


def _seen(ops: list[Op] | tuple[Op, ...]) -> list[tuple[object, ...]]:
    return [(op.type, op.process, op.f, freeze(op.value)) for op in ops]


@SETTINGS
@given(ops=histories(), fmt=st.sampled_from(FORMATS), bom=st.booleans(),
       name=st.sampled_from(["history.jsonl", "history.edn", "jepsen.log", "history.txt",
                             "h", "x.json"]))
def test_every_reader_reads_what_jsonl_reads(tmp_path: Path, ops: list[Op], fmt: str,
                                             bom: bool, name: str) -> None:
    reference = tmp_path / "reference.jsonl"
    reference.write_text(render(ops, "jsonl"))
    expected = load_history(reference, HistoryFormat.JSONL).history
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + render(ops, fmt).encode())
    loaded = load_history(path)
    assert _seen(loaded.history.ops) == _seen(expected.ops)
    assert loaded.history.lines is not None and loaded.history.lines[0] == 1
    want = {"jsonl": HistoryFormat.JSONL, "edn-lines": HistoryFormat.EDN,
            "edn-vector": HistoryFormat.EDN, "knossos": HistoryFormat.EDN}
    assert loaded.format is want.get(fmt, HistoryFormat.JEPSEN_LOG)


def test_keywords_stay_keywords() -> None:
    assert freeze(Keyword("a")) != freeze("a")
    assert freeze([Keyword("a")]) == freeze([Keyword("a")])


def _corrupt(text: str, how: str, where: float, junk: str) -> str:
    at = int(where * len(text))
    if how == "delete":
        return text[:at] + text[at + 3:]
    if how == "insert":
        return text[:at] + junk + text[at:]
    if how == "truncate":
        return text[:at]
    if how == "swap-lines":
        lines = text.splitlines(keepends=True)
        i = int(where * max(1, len(lines) - 1))
        if i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        return "".join(lines)
    return text[:at] + junk[:1] + text[at + 1:]


@SETTINGS
@given(ops=histories(), fmt=st.sampled_from(FORMATS), bom=st.booleans(),
       how=st.sampled_from(["delete", "insert", "truncate", "swap-lines", "replace"]),
       where=st.floats(0, 1), junk=st.sampled_from(["[", "}", "\n", ":", "\"", "x", "\t",
                                                    "\x00", "0x", "#", ";", "nil", "\ufeff"]),
       model=st.sampled_from(["cas-register", "register", "set", "multi-register", "kv"]))
def test_corrupted_files_give_254_or_a_verdict(  # noqa: PLR0917
        tmp_path: Path, ops: list[Op], fmt: str,
                                               bom: bool, how: str, where: float, junk: str,
                                               model: str) -> None:
    text = _corrupt(render(ops, fmt), how, where, junk)
    path = tmp_path / "history.any"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "replace"))
    result = CliRunner().invoke(cli, ["check", str(path), "--model", model, "--json",
                                      "--time-limit", "5"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2, 254), result.output
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code != 254:
        row = json.loads(result.stdout.splitlines()[-1])
        assert row["ops"] > 0
    if result.exit_code == 0:
        assert json.loads(result.stdout.splitlines()[-1])["ops"] > 0
