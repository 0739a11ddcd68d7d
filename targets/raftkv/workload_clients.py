"""Raft KV stores for the workloads. The register is the client itself (one key per register);
the set and counter are built on compare-and-set loops.

The set is sharded over ``SHARDS`` keys (element ``e`` lives in ``set-{e % SHARDS}``), each holding
a JSON list; ``add`` reads a shard and CASes in the extended list until it wins. A read reads every
shard (each read is linearizable, so a read that starts after an add completed contains it). The
counter is one key, incremented by the same loop. A lost CAS race is certainly not applied, so
the loop may retry freely; an indeterminate CAS ends the op as ``info``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from harness.kernel.context import RunContext
from targets.raftkv.client import Indeterminate, RaftKVClient, Unavailable
from workloads.counter import CounterClient
from workloads.outcomes import Errors
from workloads.register import RegisterClient
from workloads.set import SetClient
from workloads.txn import TxnClient

SHARDS = 8
COUNTER_KEY = "counter"
ERRORS = Errors(definite=(Unavailable,), indeterminate=(Indeterminate,))


def shard_key(element: int) -> str:
    return f"set-{element % SHARDS}"


class CasLoop:
    """Read-modify-CAS on one key until the CAS wins or ``deadline_s`` passes."""

    def __init__(self, client: RaftKVClient, deadline_s: float) -> None:
        self.client = client
        self.deadline_s = deadline_s

    def update(self, key: str, change: _Change) -> None:
        give_up = time.monotonic() + self.deadline_s
        while True:
            current = self.client.get(key)
            new = change(current)
            if new is None or self.client.cas(key, current, new):
                return
            if time.monotonic() > give_up:
                raise Unavailable(f"{key}: too many conflicting updates")


class _Change:
    """Old wire value -> new wire value (None: nothing to write)."""

    def __call__(self, current: str | None) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _AddElement(_Change):
    element: int

    def __call__(self, current: str | None) -> str | None:
        elements = parse_list(current)
        if self.element in elements:
            return None
        return json.dumps([*elements, self.element])


@dataclass(frozen=True, slots=True)
class _AddDelta(_Change):
    delta: int

    def __call__(self, current: str | None) -> str | None:
        return str((0 if current is None else int(current)) + self.delta)


def parse_list(text: str | None) -> list[int]:
    if text is None:
        return []
    value = json.loads(text)
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise Indeterminate(f"a set shard holds {text[:80]!r}, not a JSON list of ints")
    return value


class RaftKVSet:
    def __init__(self, client: RaftKVClient, deadline_s: float) -> None:
        self._loop = CasLoop(client, deadline_s)

    def add(self, element: int) -> None:
        self._loop.update(shard_key(element), _AddElement(element))

    def read(self, *, final: bool) -> list[int]:
        out: list[int] = []
        for shard in range(SHARDS):
            out.extend(parse_list(self._loop.client.get(f"set-{shard}")))
        return out

    def close(self) -> None:
        self._loop.client.close()


class RaftKVCounter:
    def __init__(self, client: RaftKVClient, deadline_s: float) -> None:
        self._loop = CasLoop(client, deadline_s)

    def add(self, delta: int) -> None:
        self._loop.update(COUNTER_KEY, _AddDelta(delta))

    def read(self, *, final: bool) -> int:
        value = self._loop.client.get(COUNTER_KEY)
        return 0 if value is None else int(value)

    def close(self) -> None:
        self._loop.client.close()


@dataclass(frozen=True, kw_only=True, slots=True)
class RaftKVConnect:
    port: int
    timeout: float

    def _client(self, ctx: RunContext, node: str) -> RaftKVClient:
        return RaftKVClient(ctx.runtime.address(node), self.port, timeout=self.timeout)

    def register_client(self) -> RegisterClient:
        return RegisterClient(self._client, ERRORS)

    def set_client(self) -> SetClient:
        return SetClient(lambda ctx, node: RaftKVSet(self._client(ctx, node), self.timeout),
                         ERRORS)

    def txn_client(self) -> TxnClient:
        return TxnClient(self._client, ERRORS)

    def counter_client(self) -> CounterClient:
        return CounterClient(
            lambda ctx, node: RaftKVCounter(self._client(ctx, node), self.timeout), ERRORS
        )


__all__ = ["SHARDS", "CasLoop", "RaftKVConnect", "RaftKVCounter", "RaftKVSet", "parse_list",
           "shard_key"]
