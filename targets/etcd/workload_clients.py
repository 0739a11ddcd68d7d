"""etcd stores for the workloads: a register per key (the client itself), a set as one key per
element under a prefix, and a counter as a compare-on-revision transaction loop.

Reads follow ``--target-opt reads=``; final reads of the set and counter are always serializable
(the member's own state), which is what convergence is about.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from targets.etcd.client import EtcdClient, Indeterminate, Unavailable
from workloads.counter import CounterClient
from workloads.outcomes import Errors
from workloads.register import RegisterClient
from workloads.set import SetClient
from workloads.txn import TxnClient

SET_PREFIX = "set/"
COUNTER_KEY = "counter"
ERRORS = Errors(definite=(Unavailable,), indeterminate=(Indeterminate,))


class EtcdSet:
    def __init__(self, client: EtcdClient) -> None:
        self._client = client

    def add(self, element: int) -> None:
        self._client.put(f"{SET_PREFIX}{element}", "1")

    def read(self, *, final: bool) -> list[int]:
        serializable = self._client.serializable
        self._client.serializable = serializable or final
        try:
            kvs = self._client.range_prefix(SET_PREFIX)
        finally:
            self._client.serializable = serializable
        return [int(kv.key[len(SET_PREFIX):]) for kv in kvs]

    def close(self) -> None:
        self._client.close()


class EtcdCounter:
    """``add``: read the value and its revision, then put value+delta if the revision is
    unchanged; retry on conflict until ``deadline_s`` (then: certainly not applied)."""

    def __init__(self, client: EtcdClient, deadline_s: float) -> None:
        self._client = client
        self._deadline_s = deadline_s

    def add(self, delta: int) -> None:
        give_up = time.monotonic() + self._deadline_s
        while True:
            kv = self._client.get_kv(COUNTER_KEY)
            current, revision = (0, 0) if kv is None else (int(kv.value), kv.mod_revision)
            if self._client.cas_revision(COUNTER_KEY, revision, str(current + delta)):
                return
            if time.monotonic() > give_up:
                raise Unavailable("counter add: too many conflicting updates")

    def read(self, *, final: bool) -> int:
        serializable = self._client.serializable
        self._client.serializable = serializable or final
        try:
            value = self._client.get(COUNTER_KEY)
        finally:
            self._client.serializable = serializable
        return 0 if value is None else int(value)

    def close(self) -> None:
        self._client.close()


class EtcdTxn:
    """Transactions as optimistic etcd txns: read each key (value and mod revision), compute the
    writes (``append`` extends a JSON list, ``w`` sets a JSON value), then commit in one etcd
    ``txn`` whose compares require every key read or written to be unchanged; on conflict start
    again (certainly not applied) until ``deadline_s``. Keys live under ``txn/``."""

    def __init__(self, client: EtcdClient, deadline_s: float) -> None:
        self._client = client
        self._deadline_s = deadline_s

    def txn(self, mops: list[list[JSON]]) -> list[list[JSON]]:
        give_up = time.monotonic() + self._deadline_s
        while True:
            keys = {f"txn/{json.dumps(m[1])}" for m in mops}
            state: dict[str, JSON] = {}
            revisions: dict[str, int] = {}
            for key in sorted(keys):
                kv = self._client.get_kv(key)
                state[key] = None if kv is None else json.loads(kv.value)
                revisions[key] = 0 if kv is None else kv.mod_revision
            out: list[list[JSON]] = []
            puts: dict[str, str] = {}
            for f, k, v in mops:
                key = f"txn/{json.dumps(k)}"
                if f == "append":
                    current = state[key]
                    state[key] = [*(current if isinstance(current, list) else []), v]
                    puts[key] = json.dumps(state[key])
                    out.append([f, k, v])
                elif f == "w":
                    state[key] = v
                    puts[key] = json.dumps(v)
                    out.append([f, k, v])
                else:
                    out.append([f, k, state[key]])
            if self._client.txn_if_unchanged(revisions, puts):
                return out
            if time.monotonic() > give_up:
                raise Unavailable("txn: too many conflicting updates")

    def close(self) -> None:
        self._client.close()


@dataclass(frozen=True, kw_only=True, slots=True)
class EtcdConnect:
    """Makes etcd connections and workload clients with one set of options."""

    port: int
    timeout: float
    serializable: bool

    def _client(self, ctx: RunContext, node: str) -> EtcdClient:
        return EtcdClient(ctx.runtime.address(node), self.port, timeout=self.timeout,
                          serializable=self.serializable)

    def register_client(self) -> RegisterClient:
        return RegisterClient(self._client, ERRORS)

    def set_client(self) -> SetClient:
        return SetClient(lambda ctx, node: EtcdSet(self._client(ctx, node)), ERRORS)

    def counter_client(self) -> CounterClient:
        return CounterClient(
            lambda ctx, node: EtcdCounter(self._client(ctx, node), self.timeout), ERRORS
        )

    def txn_client(self) -> TxnClient:
        return TxnClient(lambda ctx, node: EtcdTxn(self._client(ctx, node), self.timeout),
                         ERRORS)


__all__ = ["COUNTER_KEY", "SET_PREFIX", "EtcdConnect", "EtcdCounter", "EtcdSet", "EtcdTxn"]
