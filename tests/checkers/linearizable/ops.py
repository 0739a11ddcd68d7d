"""Compact construction of operation lists for hand-written tests.

``"p f value output call ret"`` per operation: ``_`` is ``None``, values are JSON, ``ret`` ``_``
means indeterminate (info); an output ``fail`` makes a failed operation. An optional 7th field is
the key.
"""

from __future__ import annotations

import json

from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType


def _json(text: str) -> JSON:
    parsed: JSON = None if text == "_" else json.loads(text)
    return parsed


def ops(*specs: str) -> list[Operation]:
    out = []
    for spec in specs:
        fields = spec.split()
        process, f, value, output, call, ret = fields[:6]
        key = _json(fields[6]) if len(fields) > 6 else None
        assert not isinstance(key, list | dict)
        indeterminate = ret == "_"
        failed = output == "fail"
        out.append(
            Operation(
                process=int(process),
                f=f,
                value=_json(value),
                output=None if indeterminate or failed else _json(output),
                type=OpType.INFO if indeterminate else OpType.FAIL if failed else OpType.OK,
                call=int(call),
                ret=None if indeterminate else int(ret),
                call_time=int(call),
                ret_time=None if indeterminate else int(ret),
                key=key,
            )
        )
    return out
