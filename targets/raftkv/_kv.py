"""The replicated state machine: a map of string keys to string values.

Commands are JSON objects encoded once, when proposed: ``{"op": "put", "k", "v"}``,
``{"op": "cas", "k", "e", "n"}`` (expected may be null = absent), ``{"op": "del", "k"}`` and
``{"op": "txn", "ops": [[f, k, v], ...]}`` (micro-ops ``append``, ``r``, ``w`` applied together,
in one log entry, on keys of their own namespace ``txn/<k as JSON>``); the empty string is the
leader's no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum


class Op(StrEnum):
    PUT = "put"
    CAS = "cas"
    DELETE = "del"
    TXN = "txn"


@dataclass(frozen=True, kw_only=True, slots=True)
class Applied:
    """The outcome of one command: ``ok`` is False only for a cas whose expectation failed;
    ``current`` is the value the key had before the command."""

    ok: bool
    current: str | None
    results: list[list[object]] | None = None
    """For a txn: its micro-ops with reads filled in."""


def encode_put(key: str, value: str) -> str:
    return json.dumps({"op": Op.PUT.value, "k": key, "v": value})


def encode_cas(key: str, expected: str | None, new: str) -> str:
    return json.dumps({"op": Op.CAS.value, "k": key, "e": expected, "n": new})


def encode_delete(key: str) -> str:
    return json.dumps({"op": Op.DELETE.value, "k": key})


def encode_txn(ops: list[list[object]]) -> str:
    return json.dumps({"op": Op.TXN.value, "ops": ops})


def txn_key(key: object) -> str:
    """The store key of a transaction's key (its own namespace)."""
    return "txn/" + json.dumps(key)


def run_txn(data: dict[str, str], ops: list[list[object]]) -> list[list[object]]:
    """Apply micro-ops to ``data`` in order; returns them with reads filled in. ``append``
    extends the JSON list at the key, ``w`` stores the JSON value, ``r`` reads it (nil when
    absent)."""
    out: list[list[object]] = []
    for f, k, v in ops:
        key = txn_key(k)
        current = data.get(key)
        if f == "append":
            items = json.loads(current) if current is not None else []
            items.append(v)
            data[key] = json.dumps(items)
            out.append([f, k, v])
        elif f == "w":
            data[key] = json.dumps(v)
            out.append([f, k, v])
        else:
            out.append([f, k, None if current is None else json.loads(current)])
    return out


class KVStore:
    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.applied_index = 0

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def apply(self, index: int, command: str) -> Applied:
        self.applied_index = index
        if not command:
            return Applied(ok=True, current=None)
        cmd = json.loads(command)
        if cmd["op"] == Op.TXN:
            return Applied(ok=True, current=None, results=run_txn(self.data, cmd["ops"]))
        key = cmd["k"]
        current = self.data.get(key)
        op = cmd["op"]
        if op == Op.PUT:
            self.data[key] = cmd["v"]
        elif op == Op.DELETE:
            self.data.pop(key, None)
        elif op == Op.CAS:
            if current != cmd["e"]:
                return Applied(ok=False, current=current)
            self.data[key] = cmd["n"]
        return Applied(ok=True, current=current)

    def snapshot_data(self) -> str:
        return json.dumps({"kv": self.data}, separators=(",", ":"))

    def restore(self, index: int, data: str) -> None:
        self.data = dict(json.loads(data)["kv"]) if data else {}
        self.applied_index = index
