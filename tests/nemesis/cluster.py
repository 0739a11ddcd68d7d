"""Helpers for nemesis integration tests: a RunContext on real namespace nodes, and net probes."""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.nodes import ManagedRuntime
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.kernel.protocols import DB, NoopDB
from harness.shell.runtime.netns import NetnsRuntime

PORT = 7000

# A TCP and UDP listener; prints each UDP datagram it receives (one line each).
LISTENER = f"""
import socket, threading, sys
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("0.0.0.0", {PORT})); tcp.listen(64)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("0.0.0.0", {PORT}))
def serve_udp():
    while True:
        data, _ = udp.recvfrom(2048)
        print("udp", data.decode(), flush=True)
threading.Thread(target=serve_udp, daemon=True).start()
print("ready", flush=True)
while True:
    conn, _ = tcp.accept()
    conn.sendall(b"hi")
    conn.close()
"""


@contextlib.contextmanager
def cluster(
    tmp_path: Path,
    nodes: Sequence[str] = ("n1", "n2", "n3"),
    *,
    db: DB | None = None,
    nemesis: tuple[str, ...] = (),
    runtime: str = "netns",
) -> Iterator[RunContext]:
    """Nodes in namespaces (or, with ``runtime="docker"``, containers sharing ``tmp_path``)."""
    test = TestConfig(name="nemesis-it", target="none", workload="none", nodes=tuple(nodes),
                      nemesis=nemesis)
    nodes_runtime: ManagedRuntime
    if runtime == "docker":
        from harness.shell.runtime.docker._runtime import DockerRuntime

        nodes_runtime = DockerRuntime(list(nodes), state_dir=tmp_path / "state")
    else:
        nodes_runtime = NetnsRuntime(list(nodes), state_dir=tmp_path / "state")
    nodes_runtime.start(store_dir=tmp_path if runtime == "docker" else None)
    try:
        yield RunContext(
            test=test, runtime=nodes_runtime, db=db if db is not None else NoopDB(),
            run_dir=tmp_path / "run", clock=MonotonicClock(), rng=random.Random(0),
            log=logging.getLogger("nemesis-it"),
        )
    finally:
        nodes_runtime.close()


def until(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def start_listeners(ctx: RunContext, tmp_path: Path) -> dict[str, Path]:
    logs = {}
    for node in ctx.nodes:
        log = tmp_path / f"listener-{node}.log"
        ctx.runtime.spawn(node, "listener", [sys.executable, "-c", LISTENER], log_path=log)
        logs[node] = log
    for node, log in logs.items():
        assert until(lambda log=log: "ready" in log.read_text()), f"listener on {node}"
    return logs


def tcp_connects(ctx: RunContext, src: str, dst: str, timeout: float = 1.0) -> bool:
    """Whether ``src`` completes a TCP handshake with ``dst``'s listener (and reads its hi)."""
    code = (
        "import socket,sys\n"
        f"s = socket.create_connection(({ctx.runtime.address(dst)!r}, {PORT}), timeout={timeout})\n"
        "sys.exit(0 if s.recv(2) == b'hi' else 3)\n"
    )
    return ctx.runtime.exec(src, [sys.executable, "-c", code], check=False, timeout=10).ok


def send_udp(ctx: RunContext, src: str, dst: str, tag: str, copies: int = 3) -> None:
    code = (
        "import socket,time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"for _ in range({copies}):\n"
        f"    s.sendto({tag!r}.encode(), ({ctx.runtime.address(dst)!r}, {PORT}))\n"
        "    time.sleep(0.02)\n"
    )
    ctx.runtime.exec(src, [sys.executable, "-c", code])


def nemesis_op(f: str, value: JSON = None) -> Op:
    """A nemesis invocation as the interpreter hands it over."""
    return Op(index=0, time=0, type=OpType.INFO, process=NEMESIS, f=f, value=value)


def controller_connects(ctx: RunContext, dst: str) -> bool:
    try:
        with socket.create_connection((ctx.runtime.address(dst), PORT), timeout=1.0) as s:
            return s.recv(2) == b"hi"
    except OSError:
        return False
