"""The example KV's lifecycle on the harness's nodes: a primary on n1, replicas on the others."""

from __future__ import annotations

import http.client
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.kernel.context import RunContext
from targets.supervision import NodeProcesses


def answers(host: str, port: int) -> bool:
    """Does the server on ``host:port`` answer ``GET /status``?"""
    conn = http.client.HTTPConnection(host, port, timeout=0.5)
    try:
        conn.request("GET", "/status")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


class KVDB:
    """DB, Killable, Pausable, HasPrimaries and HasLogFiles for the example KV."""

    def __init__(self, *, port: int) -> None:
        self.port = port
        self.procs = NodeProcesses("example-kv")  # spawn, wait, kill, pause: by PID, per node

    def setup(self, ctx: RunContext, node: str) -> None:  # DB: start, return once it serves
        self.start(ctx, node)

    def teardown(self, ctx: RunContext, node: str) -> None:  # DB: stop (the log stays)
        self.procs.stop(node)

    def start(self, ctx: RunContext, node: str) -> None:  # Killable: (re)start, same data
        host = ctx.runtime.address(node)  # each node has its own address; same port on all
        argv = [sys.executable, "-m", "splitbrain_example_kv.server", "--host", host,
                "--port", str(self.port), "--data", str(ctx.node_dir(node) / "data.json")]
        if node == ctx.nodes[0]:
            replicas = [f"{ctx.runtime.address(n)}:{self.port}" for n in ctx.nodes[1:]]
            argv += ["--primary", "--replicas", ",".join(replicas)]
        proc = self.procs.spawn(ctx, node, "server", argv,
                                log_path=self.log_files(ctx, node)["server.log"])
        if proc is not None:  # None: it was still running
            self.procs.wait_ready(node, proc, lambda: answers(host, self.port),
                                  timeout_s=10, what="GET /status")

    def kill(self, ctx: RunContext, node: str) -> None:  # Killable
        self.procs.kill(node)

    def pause(self, ctx: RunContext, node: str) -> None:  # Pausable
        self.procs.pause(node)

    def resume(self, ctx: RunContext, node: str) -> None:  # Pausable
        self.procs.resume(node)

    def primaries(self, ctx: RunContext) -> Sequence[str]:  # HasPrimaries
        return [ctx.nodes[0]]

    def log_files(self, ctx: RunContext, node: str) -> Mapping[str, Path]:  # HasLogFiles
        return {"server.log": ctx.node_dir(node) / "server.log"}
