"""The register workload's client for the Raft KV: read / write / cas on string values.

History values are JSON scalars (the generator uses ints); on the wire they are strings.
``Unavailable`` -> ``fail`` (certainly not applied); ``Indeterminate`` -> ``info``, except for
reads, which change nothing and so may safely be recorded as ``fail``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from harness.context import RunContext
from harness.jsontypes import JSON, Scalar
from harness.ops import Op, OpType
from harness.protocols import complete
from targets.raftkv.client import Indeterminate, RaftKVClient, Unavailable

DEFAULT_KEY = "r"


class KVConnection(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def cas(self, key: str, expected: str | None, new: str) -> bool: ...

    def close(self) -> None: ...


Connect = Callable[[str, int, float], KVConnection]


@dataclass(frozen=True, kw_only=True, slots=True)
class Errors:
    """Which exceptions mean what."""

    definite: tuple[type[BaseException], ...]
    indeterminate: tuple[type[BaseException], ...]


def _raftkv_client() -> tuple[Connect, Errors]:
    def connect(host: str, port: int, timeout: float) -> KVConnection:
        return RaftKVClient(host, port, timeout=timeout)

    return connect, Errors(definite=(Unavailable,), indeterminate=(Indeterminate,))


def encode(value: JSON) -> str:
    return str(value)


def decode(text: str | None) -> Scalar:
    """Wire string -> history value (ints stay ints)."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


class RaftKVRegisterClient:
    """A :class:`harness.protocols.Client` for the register workload on the Raft KV."""

    def __init__(
        self,
        *,
        port: int = 8000,
        timeout: float = 2.0,
        connect: Connect | None = None,
        errors: Errors | None = None,
        conn: KVConnection | None = None,
        node: str | None = None,
    ) -> None:
        self._port = port
        self._timeout = timeout
        self._connect = connect
        self._errors = errors
        self._conn = conn
        self._node = node

    def open(self, ctx: RunContext, node: str) -> RaftKVRegisterClient:
        connect, errors = self._connect, self._errors
        if connect is None or errors is None:
            connect, errors = _raftkv_client()
        conn = connect(ctx.runtime.address(node), self._port, self._timeout)
        return RaftKVRegisterClient(port=self._port, timeout=self._timeout, connect=connect,
                                    errors=errors, conn=conn, node=node)

    def setup(self, ctx: RunContext) -> None:
        pass

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        conn, errors = self._conn, self._errors
        assert conn is not None and errors is not None, "client not opened"
        key = DEFAULT_KEY if op.key is None else str(op.key)
        try:
            if op.f == "read":
                return complete(op, OpType.OK, decode(conn.get(key)), node=self._node)
            if op.f == "write":
                conn.put(key, encode(op.value))
                return complete(op, OpType.OK, op.value, node=self._node)
            if op.f == "cas":
                if not (isinstance(op.value, list) and len(op.value) == 2):
                    raise ValueError(f"cas needs [expected, new], got {op.value!r}")
                expected, new = op.value
                swapped = conn.cas(key, None if expected is None else encode(expected),
                                   encode(new))
                kind = OpType.OK if swapped else OpType.FAIL
                return complete(op, kind, op.value, node=self._node,
                                error=None if swapped else "cas mismatch")
            raise ValueError(f"the register workload has no operation {op.f!r}")
        except errors.definite as e:
            return complete(op, OpType.FAIL, None, error=_text(e), node=self._node)
        except errors.indeterminate as e:
            kind = OpType.FAIL if op.f == "read" else OpType.INFO
            return complete(op, kind, None, error=_text(e), node=self._node)

    def teardown(self, ctx: RunContext) -> None:
        pass

    def close(self, ctx: RunContext) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _text(e: BaseException) -> str:
    return str(e) or type(e).__name__


__all__ = ["Errors", "KVConnection", "RaftKVRegisterClient", "decode", "encode"]
