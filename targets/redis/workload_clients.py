"""Redis stores for the set and counter workloads.

Writes (``SADD``, ``INCRBY``) and counter reads go to the primary as Sentinel currently names it,
through the standard client's :class:`redis.sentinel.Sentinel` (asking the node's own Sentinel
first, as an application running on that node would); set reads and every final read go to the
node's own server (primary or replica), so they show what that replica holds. The client never
retries by itself: a retried ``INCRBY`` could apply twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from redis.sentinel import MasterNotFoundError, Sentinel

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from targets.redis.config import SERVICE
from targets.redis.db import connection, no_retry
from workloads.counter import CounterClient
from workloads.outcomes import Errors
from workloads.set import SetClient
from workloads.txn import TxnClient

SET_KEY = "set"
COUNTER_KEY = "counter"


class Rejected(Exception):  # noqa: N818
    """Redis refused the command (e.g. READONLY after a demotion): certainly not applied."""


ERRORS = Errors(definite=(Rejected, MasterNotFoundError),
                indeterminate=(redis.ConnectionError, redis.TimeoutError, redis.RedisError))


def _definite(e: redis.RedisError) -> BaseException:
    """Commands Redis answered with an error did not run; ``ReadOnlyError`` surfaces from the
    Sentinel-managed connection as a ConnectionError naming the demotion."""
    if isinstance(e, redis.ResponseError) or "previous master is now a slave" in str(e):
        return Rejected(str(e))
    return e


class RedisNode:
    """The primary (via Sentinel) and the node's own server."""

    def __init__(self, sentinels: list[tuple[str, int]], local: tuple[str, int],
                 timeout: float) -> None:
        self._sentinel = Sentinel(  # type: ignore[no-untyped-call]
            sentinels, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=no_retry(),
            sentinel_kwargs={"socket_timeout": timeout, "socket_connect_timeout": timeout,
                             "retry": no_retry()},
        )
        self.primary = self._sentinel.master_for(  # type: ignore[no-untyped-call]
            SERVICE, socket_timeout=timeout, socket_connect_timeout=timeout, retry=no_retry(),
            decode_responses=True,
        )
        self.local = connection(local[0], local[1], timeout)

    def close(self) -> None:
        self.primary.close()
        self.local.close()
        for s in self._sentinel.sentinels:
            s.close()


class RedisSet:
    def __init__(self, node: RedisNode) -> None:
        self._node = node

    def add(self, element: int) -> None:
        try:
            self._node.primary.sadd(SET_KEY, str(element))
        except redis.RedisError as e:
            raise _definite(e) from e

    def read(self, *, final: bool) -> list[int]:
        members = self._node.local.smembers(SET_KEY)
        return [int(m) for m in members]

    def close(self) -> None:
        self._node.close()


class RedisTxn:
    """Transactions as ``MULTI``/``EXEC`` on the primary: ``append`` is ``RPUSH``, a list read
    ``LRANGE`` (list-append); ``w`` is ``SET``, a register read ``GET`` (rw-register). Keys live
    under ``txn:``. EXEC runs the queued commands atomically and in isolation on the primary;
    what a failover does to them is what the test finds out."""

    def __init__(self, node: RedisNode, *, lists: bool) -> None:
        self._node = node
        self._lists = lists

    def txn(self, mops: list[list[JSON]]) -> list[list[JSON]]:
        pipe = self._node.primary.pipeline(transaction=True)
        for f, k, v in mops:
            key = f"txn:{k}"
            if f == "append":
                pipe.rpush(key, str(v))
            elif f == "w":
                pipe.set(key, str(v))
            elif self._lists:
                pipe.lrange(key, 0, -1)
            else:
                pipe.get(key)
        try:
            replies = pipe.execute()
        except redis.RedisError as e:
            raise _definite(e) from e
        out: list[list[JSON]] = []
        for (f, k, v), reply in zip(mops, replies, strict=True):
            if f != "r":
                out.append([f, k, v])
            elif self._lists:
                out.append([f, k, [int(x) for x in reply]])
            else:
                out.append([f, k, None if reply is None else int(reply)])
        return out

    def close(self) -> None:
        self._node.close()


class RedisCounter:
    def __init__(self, node: RedisNode) -> None:
        self._node = node

    def add(self, delta: int) -> None:
        try:
            self._node.primary.incrby(COUNTER_KEY, delta)
        except redis.RedisError as e:
            raise _definite(e) from e

    def read(self, *, final: bool) -> int:
        """During the test from the primary (the bounds are about what was acknowledged; an
        asynchronous replica lags by design); the final reads from the node's own server."""
        try:
            value = (self._node.local if final else self._node.primary).get(COUNTER_KEY)
        except redis.RedisError as e:
            raise _definite(e) from e
        return 0 if value is None else int(value)

    def close(self) -> None:
        self._node.close()


@dataclass(frozen=True, kw_only=True, slots=True)
class RedisConnect:
    port: int
    sentinel_port: int
    timeout: float

    def node(self, ctx: RunContext, node: str) -> RedisNode:
        own = ctx.runtime.address(node)
        others = [ctx.runtime.address(n) for n in ctx.nodes if n != node]
        sentinels = [(ip, self.sentinel_port) for ip in [own, *others]]
        return RedisNode(sentinels, (own, self.port), self.timeout)

    def set_client(self) -> SetClient:
        return SetClient(lambda ctx, node: RedisSet(self.node(ctx, node)), ERRORS)

    def counter_client(self) -> CounterClient:
        return CounterClient(lambda ctx, node: RedisCounter(self.node(ctx, node)), ERRORS)

    def list_append_client(self) -> TxnClient:
        return TxnClient(lambda ctx, node: RedisTxn(self.node(ctx, node), lists=True), ERRORS)

    def rw_register_client(self) -> TxnClient:
        return TxnClient(lambda ctx, node: RedisTxn(self.node(ctx, node), lists=False), ERRORS)


__all__ = ["ERRORS", "RedisConnect", "RedisCounter", "RedisNode", "RedisSet", "RedisTxn",
           "Rejected"]
