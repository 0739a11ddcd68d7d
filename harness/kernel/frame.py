"""Histories as pandas DataFrames, for analysis in notebooks (:meth:`History.to_frame`).

pandas is an optional extra (``pip install 'splitbrain[frames]'``); nothing else in Splitbrain
imports it, and nothing imports this module unless asked for a frame.
"""

from __future__ import annotations

import json

try:
    import pandas as pd
except ImportError as e:
    raise ImportError(
        "History.to_frame() needs pandas: pip install 'splitbrain[frames]'"
    ) from e

from harness.kernel.history import History
from harness.kernel.jsontypes import JSON


def _cell(value: JSON) -> object:
    # Lists and maps are kept as compact JSON text so that columns stay hashable and sortable.
    return json.dumps(value, separators=(",", ":")) if isinstance(value, list | dict) else value


def events_frame(history: History) -> pd.DataFrame:
    """One row per event: index, time, type, process, f, value, key, node, error."""
    return pd.DataFrame(
        {
            "index": [op.index for op in history.ops],
            "time": [op.time for op in history.ops],
            "type": [op.type.value for op in history.ops],
            "process": [str(op.process) for op in history.ops],
            "f": [op.f for op in history.ops],
            "value": [_cell(op.value) for op in history.ops],
            "key": [_cell(op.key) for op in history.ops],
            "node": [op.node for op in history.ops],
            "error": [op.error for op in history.ops],
        }
    )


def operations_frame(history: History) -> pd.DataFrame:
    """One row per client operation, with its latency (NaN when indeterminate)."""
    ops = history.operations()
    start = [o.call_time for o in ops]
    end = [o.ret_time for o in ops]
    return pd.DataFrame(
        {
            "process": [o.process for o in ops],
            "f": [o.f for o in ops],
            "type": [o.type.value for o in ops],
            "value": [_cell(o.value) for o in ops],
            "output": [_cell(o.output) for o in ops],
            "key": [_cell(o.key) for o in ops],
            "node": [o.node for o in ops],
            "start_ns": start,
            "end_ns": pd.array(end, dtype="Int64"),
            "latency_ns": pd.array(
                [None if e is None else e - s for s, e in zip(start, end, strict=True)],
                dtype="Int64",
            ),
        }
    )


__all__ = ["events_frame", "operations_frame"]
