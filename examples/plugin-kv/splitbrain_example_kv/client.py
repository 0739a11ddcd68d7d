"""The example KV's client for the register workload: what each answer means for the history."""

from __future__ import annotations

import http.client
import json

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete


class RefusedError(Exception):
    """The server certainly did nothing: it refused the connection, or answered 503."""


class KVClient:
    """A :class:`harness.kernel.protocols.Client`; one per logical process, opened on one node."""

    def __init__(self, *, port: int, local_reads: bool, timeout: float = 1.0,
                 read_host: str = "", write_host: str = "") -> None:
        self.port, self.local_reads, self.timeout = port, local_reads, timeout
        self.read_host, self.write_host = read_host, write_host

    def open(self, ctx: RunContext, node: str) -> KVClient:
        primary = ctx.runtime.address(ctx.nodes[0])  # n1 runs the primary
        reads = ctx.runtime.address(node) if self.local_reads else primary
        return KVClient(port=self.port, local_reads=self.local_reads, timeout=self.timeout,
                        read_host=reads, write_host=primary)

    def setup(self, ctx: RunContext) -> None:
        pass  # nothing to create before the test

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        path = f"/kv/{op.key}"  # the register workload's keys are ints (or None, one key)
        try:
            if op.f == "read":
                return complete(op, OpType.OK, self._call(self.read_host, "GET", path))
            if op.f == "write":
                self._call(self.write_host, "PUT", path, op.value)
                return complete(op, OpType.OK, op.value)
            if op.f == "cas":  # value [expected, new]; a mismatch certainly changed nothing
                swapped = self._call(self.write_host, "POST", f"/cas/{op.key}", op.value)
                return complete(op, OpType.OK if swapped else OpType.FAIL, op.value)
        except RefusedError as e:
            return complete(op, OpType.FAIL, None, error=str(e))
        except (OSError, http.client.HTTPException) as e:
            # a timeout or a reset after the request went out: a write may or may not have
            # happened, so it is info; a read changed nothing, so it can be fail
            kind = OpType.FAIL if op.f == "read" else OpType.INFO
            return complete(op, kind, None, error=f"{type(e).__name__}: {e}")
        raise ValueError(f"the example KV has no operation {op.f!r}")

    def _call(self, host: str, method: str, path: str, body: JSON = None) -> JSON:
        conn = http.client.HTTPConnection(host, self.port, timeout=self.timeout)
        try:
            try:
                conn.connect()
            except ConnectionRefusedError as e:
                raise RefusedError(f"{host}:{self.port} refused the connection") from e
            conn.request(method, path, body=None if method == "GET" else json.dumps(body))
            response = conn.getresponse()
            answer: JSON = json.loads(response.read())
            if response.status == 503:
                raise RefusedError(f"{host}: {answer}")
            return answer
        finally:
            conn.close()

    def teardown(self, ctx: RunContext) -> None:
        pass

    def close(self, ctx: RunContext) -> None:
        pass  # one connection per request: nothing stays open
