"""etcd's lifecycle on harness nodes: one member per node, fast elections, logs in the store.

Killable, Pausable, HasPrimaries (``/v3/maintenance/status``: a member whose leader is itself),
HasLogFiles and ReportsProcessState (process faults verify themselves). Not clock-controllable:
etcd is a Go binary and ignores libfaketime.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.kernel.context import RunContext
from harness.kernel.protocols import ProcessState
from targets.etcd.client import EtcdClient, EtcdError
from targets.etcd.options import DataDir, EtcdOptions
from targets.supervision import NodeProcesses, TargetStartError

BINARY = "etcd"
LOG = "etcd.log"
PROCESS = "etcd"


def find_binary(ctx: RunContext, node: str) -> str:
    """The path of etcd on ``node`` (looked up there, through the runtime)."""
    result = ctx.runtime.exec(node, ["sh", "-c", f"command -v {BINARY}"], check=False)
    path = result.stdout.strip()
    if not result.ok or not path:
        raise TargetStartError(
            f"etcd is not installed on {node} (no 'etcd' on PATH); install the Debian package "
            "etcd-server (scripts/setup does; the docker node image has it)"
        )
    return path


class EtcdDB:
    """DB, Killable, Pausable, HasPrimaries, HasLogFiles and ReportsProcessState for etcd."""

    def __init__(self, options: EtcdOptions) -> None:
        self.options = options
        self._procs = NodeProcesses("etcd")
        self._data: dict[str, Path] = {}
        self._binaries: dict[str, str] = {}
        self._lock = threading.Lock()

    def _log_path(self, ctx: RunContext, node: str) -> Path:
        return ctx.node_dir(node) / LOG

    def data_dir(self, ctx: RunContext, node: str) -> Path:
        """The member's data directory on the node: outside the store (etcd preallocates ~64 MB
        of WAL), kept across kills, removed at teardown."""
        with self._lock:
            path = self._data.get(node)
            if path is None:
                base = "/dev/shm" if self.options.data is DataDir.MEMORY else "/tmp"
                made = ctx.runtime.exec(
                    node, ["mktemp", "-d", "-p", base, f"splitbrain-etcd-{node}-XXXXXX"])
                path = Path(made.stdout.strip())
                self._data[node] = path
            return path

    def _binary(self, ctx: RunContext, node: str) -> str:
        with self._lock:
            known = self._binaries.get(node)
        if known is None:
            known = find_binary(ctx, node)
            with self._lock:
                self._binaries[node] = known
        return known

    def argv(self, ctx: RunContext, node: str) -> list[str]:
        opts = self.options
        ip = ctx.runtime.address(node)
        peer = f"http://{ip}:{opts.peer_port}"
        client = f"http://{ip}:{opts.client_port}"
        cluster = ",".join(
            f"{n}=http://{ctx.runtime.address(n)}:{opts.peer_port}" for n in ctx.nodes
        )
        return [
            self._binary(ctx, node),
            "--name", node,
            "--data-dir", str(self.data_dir(ctx, node) / "member"),
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--listen-client-urls", client,
            "--advertise-client-urls", client,
            "--initial-cluster", cluster,
            "--initial-cluster-state", "new",
            "--initial-cluster-token", f"splitbrain-{ctx.run_dir.name}",
            "--heartbeat-interval", str(opts.heartbeat_ms),
            "--election-timeout", str(opts.election_timeout_ms),
            "--pre-vote=true",
            "--logger", "zap",
            "--log-outputs", "stderr",
        ]

    def client(self, ctx: RunContext, node: str, timeout: float = 0.5) -> EtcdClient:
        return EtcdClient(ctx.runtime.address(node), self.options.client_port, timeout=timeout)

    def _status_ok(self, ctx: RunContext, node: str, *, need_leader: bool) -> bool:
        conn = self.client(ctx, node)
        try:
            status = conn.status()
        except EtcdError:
            return False
        finally:
            conn.close()
        return not need_leader or str(status.get("leader", "0")) not in ("", "0")

    def client_port(self) -> int:
        """ServesClients: the port clients connect to on every node."""
        return self.options.client_port

    # --- DB, Killable ---------------------------------------------------------------------------

    def setup(self, ctx: RunContext, node: str) -> None:
        self._start(ctx, node, need_leader=True)

    def start(self, ctx: RunContext, node: str) -> None:
        """Restart after a kill: ready once the client port accepts connections (a member cut
        off from the majority cannot answer more, and the nemesis must not wait for the heal)."""
        self._start(ctx, node, need_leader=False)

    def _start(self, ctx: RunContext, node: str, *, need_leader: bool) -> None:
        proc = self._procs.spawn(ctx, node, PROCESS, self.argv(ctx, node),
                                 log_path=self._log_path(ctx, node))
        if proc is None:
            return
        if need_leader:
            ready, what = (lambda: self._status_ok(ctx, node, need_leader=True)), "no leader known"
        else:
            ready, what = (lambda: self._listening(ctx, node)), "client port not listening"
        self._procs.wait_ready(node, proc, ready, timeout_s=self.options.ready_timeout_s,
                               what=what)

    def _listening(self, ctx: RunContext, node: str) -> bool:
        try:
            with socket.create_connection(
                (ctx.runtime.address(node), self.options.client_port), timeout=0.5
            ):
                return True
        except OSError:
            return False

    def teardown(self, ctx: RunContext, node: str) -> None:
        self._procs.stop(node, timeout_s=1.0)
        with self._lock:
            path = self._data.pop(node, None)
        if path is not None:
            ctx.runtime.exec(node, ["rm", "-rf", str(path)], check=False, timeout=30.0)

    def kill(self, ctx: RunContext, node: str) -> None:
        self._procs.kill(node)

    # --- Pausable -------------------------------------------------------------------------------

    def pause(self, ctx: RunContext, node: str) -> None:
        self._procs.pause(node)

    def resume(self, ctx: RunContext, node: str) -> None:
        self._procs.resume(node)

    # --- HasPrimaries, HasLogFiles --------------------------------------------------------------

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        def leads(node: str) -> bool:
            conn = self.client(ctx, node)
            try:
                return conn.is_leader()
            except EtcdError:
                return False
            finally:
                conn.close()

        nodes = list(ctx.nodes)
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            flags = list(pool.map(leads, nodes))
        return [n for n, f in zip(nodes, flags, strict=True) if f]

    def log_files(self, ctx: RunContext, node: str) -> Mapping[str, Path]:
        return {LOG: self._log_path(ctx, node)}

    # --- ReportsProcessState (process faults verify themselves with it) ------------------------

    def process_state(self, ctx: RunContext, node: str) -> ProcessState:
        """Down when etcd is not running; running when its status endpoint answers within
        0.5 s (a member cut off from the majority still answers it); else unresponsive."""
        return self._procs.state(node, PROCESS,
                                 lambda: self._status_ok(ctx, node, need_leader=False))


__all__ = ["EtcdDB", "find_binary"]
