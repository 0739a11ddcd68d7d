"""The client API: HTTP requests on any node, served by the leader (followers forward them).

Answers follow the contract in README.md: ``definite: true`` when the operation certainly did not
take effect, ``definite: false`` when its outcome is unknown.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable
from typing import Protocol

from harness.kernel.jsontypes import JSON
from targets.raftkv._codec import Forward, ForwardReply
from targets.raftkv._config import BugMode, NodeConfig
from targets.raftkv._core import RaftCore, Role
from targets.raftkv._http import Request, Response
from targets.raftkv._kv import (
    KVStore,
    Op,
    encode_cas,
    encode_delete,
    encode_put,
    encode_txn,
    run_txn,
)
from targets.raftkv._requests import Outcome, Proposal, ProposalResult, ReadAsk, resolve
from targets.raftkv._transport import PeerTransport


class NodeView(Protocol):
    """What the API needs from the node: read-only state, the peers, and the inbox."""

    @property
    def config(self) -> NodeConfig: ...

    @property
    def core(self) -> RaftCore: ...

    @property
    def kv(self) -> KVStore: ...

    @property
    def transport(self) -> PeerTransport: ...

    def submit(self, item: Proposal | ReadAsk) -> None: ...


def _definite(status: int, message: str) -> Response:
    return Response(status=status, body={"error": message, "definite": True})


def _unknown(message: str) -> Response:
    return Response(status=504, body={"error": message, "definite": False})


class ClientApi:
    def __init__(self, node: NodeView) -> None:
        self.node = node
        self._timeout = node.config.request_timeout_ms / 1000
        self._ctx = itertools.count(1)
        self._forwards: dict[int, tuple[str, asyncio.Future[ForwardReply | None]]] = {}
        self._forward_ids = itertools.count(1)

    def forward_reply(self, reply: ForwardReply) -> None:
        waiting = self._forwards.pop(reply.id, None)
        if waiting is not None:
            resolve(waiting[1], reply)

    def abandon_forwards(self, to: Callable[[str], bool]) -> None:
        """Requests forwarded to nodes ``to`` accepts will get no answer (outcome unknown)."""
        for fid, (dst, future) in list(self._forwards.items()):
            if to(dst):
                del self._forwards[fid]
                resolve(future, None)

    def status(self) -> dict[str, JSON]:
        core = self.node.core
        role = core.role
        return {
            "id": self.node.config.node_id,
            "role": "candidate" if role is Role.PRE_CANDIDATE else role.value,
            "term": core.term,
            "commit_index": core.commit_index,
            "last_applied": self.node.kv.applied_index,
            "leader": core.leader_id,
            "wall_clock": time.time(),
            "bug": self.node.config.bug.value if self.node.config.bug else None,
        }

    async def handle(self, request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        if path == "/status":
            if request.method != "GET":
                return _definite(405, "use GET /status")
            return Response(status=200, body=self.status())
        if path == "/txn":
            if request.method != "POST":
                return _definite(405, "use POST /txn")
            try:
                parsed_txn = json.loads(request.body or b"null")
            except ValueError:
                return _definite(400, "body is not JSON")
            problem = _check_txn(parsed_txn)
            if problem:
                return _definite(400, problem)
            return await self._route("txn", "", parsed_txn)
        if not path.startswith("/kv/"):
            return _definite(404, f"no such resource {path}")
        rest = path[len("/kv/") :]
        method = request.method
        if method == "POST" and rest.endswith("/cas"):
            kind, rest = "cas", rest[: -len("/cas")]
        elif method in ("GET", "PUT", "DELETE"):
            kind = {"GET": "get", "PUT": "put", "DELETE": "delete"}[method]
        else:
            return _definite(405, f"{method} {path} is not supported")
        key = urllib.parse.unquote(rest)
        if not key:
            return _definite(400, "empty key")
        body: dict[str, JSON] = {}
        if kind in ("put", "cas"):
            try:
                parsed = json.loads(request.body or b"null")
            except ValueError:
                return _definite(400, "body is not JSON")
            if not isinstance(parsed, dict):
                return _definite(400, "body must be a JSON object")
            body = parsed
            problem = _check_body(kind, body)
            if problem:
                return _definite(400, problem)
        return await self._route(kind, key, body)

    async def _route(self, kind: str, key: str, body: dict[str, JSON]) -> Response:
        if kind == "get" and self.node.config.bug is BugMode.STALE_READS:
            return Response(status=200, body={"value": self.node.kv.get(key)})
        for _attempt in range(2):
            leader = await self._await_leader()
            if leader is None:
                return _definite(503, "no leader")
            if leader == self.node.config.node_id:
                response = await self._execute(kind, key, body)
            else:
                response = await self._forward(leader, kind, key, body)
            if response.body.get("error") != "not leader":
                return response
        return response

    async def _await_leader(self) -> str | None:
        deadline = asyncio.get_running_loop().time() + self._timeout / 2
        while True:
            leader = self.node.core.leader_id
            if leader is not None:
                return leader
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await asyncio.sleep(0.01)

    async def _execute(self, kind: str, key: str, body: dict[str, JSON]) -> Response:
        loop = asyncio.get_running_loop()
        if kind == "get":
            ready: asyncio.Future[bool] = loop.create_future()
            self.node.submit(ReadAsk(ctx=next(self._ctx), future=ready))
            try:
                ok = await asyncio.wait_for(ready, self._timeout)
            except TimeoutError:
                return _definite(503, "read not confirmed in time")
            if not ok:
                return _definite(503, "not leader")
            return Response(status=200, body={"value": self.node.kv.get(key)})
        local: list[list[object]] | None = None
        if kind == "txn":
            ops: list[list[object]] = body["ops"]  # type: ignore[assignment]
            if self.node.config.bug is BugMode.TXN_READS_OUTSIDE_LOG:
                # Bug: reads come from this leader's applied state now, not from the log
                # entry; only the writes go through the log (documented in README.md).
                local = run_txn(dict(self.node.kv.data), ops)
                ops = [m for m in ops if m[0] != "r"]
            data, op = encode_txn(ops), Op.TXN
        elif kind == "put":
            data, op = encode_put(key, str(body["value"])), Op.PUT
        elif kind == "delete":
            data, op = encode_delete(key), Op.DELETE
        else:
            expected = body["expected"]
            data = encode_cas(key, None if expected is None else str(expected), str(body["new"]))
            op = Op.CAS
        future: asyncio.Future[ProposalResult] = loop.create_future()
        self.node.submit(Proposal(data=data, op=op, future=future))
        try:
            result = await asyncio.wait_for(future, self._timeout)
        except TimeoutError:
            return _unknown("commit timeout")
        if result.outcome is Outcome.NOT_LEADER:
            return _definite(503, "not leader")
        if result.outcome is Outcome.LOST:
            return _definite(503, "entry replaced by a new leader's log")
        if op is Op.TXN:
            if local is not None:
                return Response(status=200, body={"ok": True, "value": local})  # type: ignore[dict-item]
            results = result.applied.results if result.applied is not None else None
            if results is None:
                return _unknown("transaction outcome not known")
            return Response(status=200, body={"ok": True, "value": results})  # type: ignore[dict-item]
        if op is Op.CAS and result.applied is not None and not result.applied.ok:
            return Response(
                status=409,
                body={"error": "cas mismatch", "definite": True, "value": result.applied.current},
            )
        return Response(status=200, body={"ok": True})

    async def _forward(self, leader: str, kind: str, key: str, body: dict[str, JSON]) -> Response:
        loop = asyncio.get_running_loop()
        fid = next(self._forward_ids)
        future: asyncio.Future[ForwardReply | None] = loop.create_future()
        self._forwards[fid] = (leader, future)
        frame = Forward(src=self.node.config.node_id, id=fid, method=kind, key=key, body=body)
        if not self.node.transport.send(leader, frame):
            self._forwards.pop(fid, None)
            return _definite(503, f"leader {leader} unreachable")
        try:
            reply = await asyncio.wait_for(future, self._timeout + 0.25)
        except TimeoutError:
            self._forwards.pop(fid, None)
            reply = None
        if reply is None:
            if kind == "get":
                return _definite(503, "read forwarded to the leader got no answer")
            return _unknown(f"no answer from leader {leader}")
        return Response(status=reply.status, body=reply.body)

    async def serve_forward(self, frame: Forward) -> None:
        if self.node.core.role is Role.LEADER:
            response = await self._execute(frame.method, frame.key, frame.body)
        else:
            response = _definite(503, "not leader")
        self.node.transport.send(
            frame.src, ForwardReply(id=frame.id, status=response.status, body=response.body)
        )


def _check_txn(body: JSON) -> str | None:
    usage = 'POST /txn needs {"ops": [["append"|"r"|"w", key, value], ...]}'
    if not isinstance(body, dict) or not isinstance(body.get("ops"), list):
        return usage
    for m in body["ops"]:  # type: ignore[union-attr]
        if not (isinstance(m, list) and len(m) == 3 and m[0] in ("append", "r", "w")
                and not isinstance(m[1], list | dict)):
            return usage
    return None


def _check_body(kind: str, body: dict[str, JSON]) -> str | None:
    if kind == "put":
        if not isinstance(body.get("value"), str):
            return 'PUT needs {"value": "<string>"}'
        return None
    if "expected" not in body or not (
        body["expected"] is None or isinstance(body["expected"], str)
    ):
        return 'cas needs {"expected": "<string>" | null, "new": "<string>"}'
    if not isinstance(body.get("new"), str):
        return 'cas needs {"expected": "<string>" | null, "new": "<string>"}'
    return None
