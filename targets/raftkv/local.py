"""Run a Raft KV cluster as local subprocesses on loopback, for tests and benchmarks.

``server_argv`` builds the node command line (the netns lifecycle of the controller uses the
same). ``LocalCluster`` owns its processes: it only ever signals the PIDs it started, and
``close()`` (or leaving the ``with`` block) kills them all and removes its temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from targets.raftkv.client import RaftKVClient, RaftKVError

__all__ = ["ClusterError", "LocalCluster", "NodeAddress", "server_argv"]

_REPO_ROOT = Path(__file__).resolve().parent.parent.parent


class ClusterError(RuntimeError):
    """A node did not start, or the cluster did not reach the awaited state in time."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeAddress:
    node_id: str
    host: str
    client_port: int
    peer_port: int


def server_argv(
    node: NodeAddress,
    members: Sequence[NodeAddress],
    data_dir: Path,
    *,
    election_timeout_ms: int | None = None,
    heartbeat_ms: int | None = None,
    snapshot_every: int | None = None,
    bug: str | None = None,
    extra_args: Sequence[str] = (),
    python: str = sys.executable,
) -> list[str]:
    """The command line that runs ``node`` of the cluster ``members``."""
    peers = ",".join(f"{m.node_id}={m.host}:{m.peer_port}" for m in members)
    argv = [
        python, "-m", "targets.raftkv",
        "--id", node.node_id,
        "--host", node.host,
        "--client-port", str(node.client_port),
        "--peer-port", str(node.peer_port),
        "--peers", peers,
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    if election_timeout_ms is not None:
        argv += ["--election-timeout-ms", str(election_timeout_ms)]
    if heartbeat_ms is not None:
        argv += ["--heartbeat-ms", str(heartbeat_ms)]
    if snapshot_every is not None:
        argv += ["--snapshot-every", str(snapshot_every)]
    if bug is not None:
        argv += ["--bug", bug]
    return argv + list(extra_args)


def _free_ports(count: int, host: str) -> list[int]:
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass(kw_only=True)
class _Proc:
    popen: subprocess.Popen[bytes]
    log: IO[bytes]


class LocalCluster:
    def __init__(
        self,
        n: int = 3,
        *,
        base_dir: Path | None = None,
        bug: str | None = None,
        election_timeout_ms: int | None = None,
        heartbeat_ms: int | None = None,
        snapshot_every: int | None = None,
        extra_args: Sequence[str] = (),
        host: str = "127.0.0.1",
        startup_timeout: float = 30.0,
        keep_dir: bool = False,
    ) -> None:
        if n < 1:
            raise ValueError("a cluster needs at least one node")
        self._own_dir = base_dir is None
        self.base_dir = base_dir or Path(tempfile.mkdtemp(prefix="raftkv-"))
        self.keep_dir = keep_dir
        ports = _free_ports(2 * n, host)
        self.nodes = tuple(
            NodeAddress(
                node_id=f"n{i + 1}", host=host, client_port=ports[2 * i], peer_port=ports[2 * i + 1]
            )
            for i in range(n)
        )
        self.ids = tuple(a.node_id for a in self.nodes)
        self.bug = bug
        self._options = {
            "election_timeout_ms": election_timeout_ms,
            "heartbeat_ms": heartbeat_ms,
            "snapshot_every": snapshot_every,
        }
        self.extra_args = tuple(extra_args)
        self.startup_timeout = startup_timeout
        self._procs: dict[str, _Proc] = {}

    # ------------------------------------------------------------------ paths

    def address(self, node_id: str) -> NodeAddress:
        return next(a for a in self.nodes if a.node_id == node_id)

    def data_dir(self, node_id: str) -> Path:
        return self.base_dir / node_id / "data"

    def log_file(self, node_id: str) -> Path:
        return self.base_dir / node_id / "server.log"

    def log_files(self) -> dict[str, Path]:
        return {i: self.log_file(i) for i in self.ids}

    def argv(self, node_id: str) -> list[str]:
        return server_argv(
            self.address(node_id),
            self.nodes,
            self.data_dir(node_id),
            election_timeout_ms=self._options["election_timeout_ms"],
            heartbeat_ms=self._options["heartbeat_ms"],
            snapshot_every=self._options["snapshot_every"],
            bug=self.bug,
            extra_args=self.extra_args,
        )

    def pid(self, node_id: str) -> int | None:
        proc = self._procs.get(node_id)
        return proc.popen.pid if proc is not None and proc.popen.poll() is None else None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> LocalCluster:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        for node_id in self.ids:
            self.start_node(node_id, wait=False)
        for node_id in self.ids:
            self.wait_ready(node_id)

    def start_node(self, node_id: str, *, wait: bool = True) -> None:
        if self.pid(node_id) is not None:
            raise ClusterError(f"{node_id} is already running")
        self.log_file(node_id).parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file(node_id), "ab")  # noqa: SIM115 (closed in _reap)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(_REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
        )
        popen = subprocess.Popen(
            self.argv(node_id),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=_REPO_ROOT,
            env=env,
            start_new_session=True,
        )
        self._procs[node_id] = _Proc(popen=popen, log=log)
        if wait:
            self.wait_ready(node_id)

    def wait_ready(self, node_id: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        address = self.address(node_id)
        while True:
            proc = self._procs.get(node_id)
            if proc is None or proc.popen.poll() is not None:
                raise ClusterError(
                    f"{node_id} exited before it was ready; see {self.log_file(node_id)}"
                )
            client = RaftKVClient(address.host, address.client_port, timeout=1.0)
            with client, contextlib.suppress(RaftKVError):
                client.status()
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"{node_id} not ready after {timeout or self.startup_timeout} s")
            time.sleep(0.05)

    def _signal(self, node_id: str, sig: signal.Signals) -> subprocess.Popen[bytes]:
        proc = self._procs.get(node_id)
        if proc is None or proc.popen.poll() is not None:
            raise ClusterError(f"{node_id} is not running")
        proc.popen.send_signal(sig)
        return proc.popen

    def kill_node(self, node_id: str) -> None:
        """kill -9 (no chance to flush anything)."""
        popen = self._signal(node_id, signal.SIGKILL)
        popen.wait()
        self._reap(node_id)

    def pause_node(self, node_id: str) -> None:
        self._signal(node_id, signal.SIGSTOP)

    def resume_node(self, node_id: str) -> None:
        self._signal(node_id, signal.SIGCONT)

    def _reap(self, node_id: str) -> None:
        proc = self._procs.pop(node_id, None)
        if proc is not None:
            proc.log.close()

    def close(self) -> None:
        for node_id in list(self._procs):
            proc = self._procs[node_id]
            if proc.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.popen.send_signal(signal.SIGKILL)
                proc.popen.wait()
            self._reap(node_id)
        if self._own_dir and not self.keep_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    # ------------------------------------------------------------------ queries

    def client(self, node_id: str, *, timeout: float = 2.0) -> RaftKVClient:
        address = self.address(node_id)
        return RaftKVClient(address.host, address.client_port, timeout=timeout)

    def statuses(self) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        for node_id in self.ids:
            if self.pid(node_id) is None:
                continue
            client = self.client(node_id, timeout=0.5)
            with client, contextlib.suppress(RaftKVError):
                out[node_id] = dict(client.status())
        return out

    def wait_leader(self, timeout: float = 15.0, *, exclude: Sequence[str] = ()) -> str:
        """A node that calls itself leader and that a majority of the nodes follow."""
        deadline = time.monotonic() + timeout
        majority = len(self.ids) // 2 + 1
        while time.monotonic() < deadline:
            statuses = self.statuses()
            for node_id, status in statuses.items():
                if status.get("role") != "leader" or node_id in exclude:
                    continue
                followers = sum(1 for s in statuses.values() if s.get("leader") == node_id)
                if followers >= majority:
                    return node_id
            time.sleep(0.02)
        raise ClusterError(f"no leader after {timeout} s")
