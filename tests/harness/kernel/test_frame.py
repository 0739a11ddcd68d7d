from __future__ import annotations

import subprocess
import sys

import pandas as pd

from harness.kernel.history import history_of
from harness.kernel.ops import Op, OpType


def _history() -> list[Op]:
    return [
        Op(index=0, time=10, type=OpType.INVOKE, process=0, f="write", value=[1, 2], key=3),
        Op(index=1, time=15, type=OpType.INFO, process="nemesis", f="partition", value="x"),
        Op(index=2, time=40, type=OpType.OK, process=0, f="write", value=[1, 2], key=3,
           node="n1"),
        Op(index=3, time=50, type=OpType.INVOKE, process=1, f="read"),
        Op(index=4, time=90, type=OpType.INFO, process=1, f="read", error="timeout"),
    ]


def test_events_frame_has_one_row_per_event() -> None:
    frame = history_of(_history()).to_frame()
    assert list(frame["index"]) == [0, 1, 2, 3, 4]
    assert list(frame["process"]) == ["0", "nemesis", "0", "1", "1"]
    assert frame["value"][0] == "[1,2]"  # lists stay hashable, as compact JSON
    assert frame["error"][4] == "timeout"


def test_operations_frame_has_latency_and_no_latency_when_indeterminate() -> None:
    frame = history_of(_history()).to_frame(operations=True)
    assert list(frame["f"]) == ["write", "read"]
    assert frame["latency_ns"][0] == 30
    assert frame["latency_ns"][1] is pd.NA


def test_without_pandas_the_error_names_the_extra() -> None:
    code = ("import sys; sys.modules['pandas'] = None\n"
            "from harness.kernel.history import history_of\n"
            "try:\n    history_of([]).to_frame()\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'splitbrain[frames]'" in out.stdout


def test_nothing_else_imports_pandas() -> None:
    code = ("import sys, harness.cli, harness.shell.run, reports, checkers.linearizable, "
            "checkers.eventual, workloads.registry, targets.registry\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
