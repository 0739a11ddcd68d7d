"""The Raft KV's lifecycle on harness nodes: start, readiness, kill, pause, leaders, logs."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.kernel.context import RunContext
from harness.kernel.nodes import ProcessHandle
from harness.kernel.protocols import ProcessState
from harness.shell import faketime
from targets.raftkv.options import FakeTime, RaftKVOptions
from targets.supervision import TargetStartError, log_tail

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
_LOG = "raftkv.log"


def fetch_status(host: str, port: int, timeout: float = 0.5) -> dict[str, object] | None:
    """``GET /status`` of one node, or None if it does not answer 200 in time."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/status")
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            return None
        obj = json.loads(body)
        return obj if isinstance(obj, dict) else None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        conn.close()


class RaftKVDB:
    """DB, Killable, Pausable, HasPrimaries, HasLogFiles and HasFakeTime for the Raft KV."""

    def __init__(self, options: RaftKVOptions, *, python: str = sys.executable) -> None:
        self.options = options
        self._python = python
        self._procs: dict[str, ProcessHandle] = {}
        self._lock = threading.RLock()  # start() holds it while building the env
        self._clock_files: set[str] = set()
        self._node_locks: dict[str, threading.Lock] = {}

    # --- paths and command -------------------------------------------------------------------

    def _paths(self, ctx: RunContext, node: str) -> tuple[Path, Path]:
        node_dir = ctx.node_dir(node)
        return node_dir / "data", node_dir / _LOG

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        """The libfaketime control file of ``node`` (None when not started under libfaketime)."""
        if not self._uses_faketime(ctx):
            return None
        return ctx.node_dir(node) / "faketime.rc"

    def _uses_faketime(self, ctx: RunContext) -> bool:
        mode = self.options.faketime
        return mode is FakeTime.ON or (mode is FakeTime.AUTO and "clock" in ctx.test.nemesis)

    def argv(self, ctx: RunContext, node: str) -> list[str]:
        opts = self.options
        data_dir, _ = self._paths(ctx, node)
        peers = ",".join(f"{n}={ctx.runtime.address(n)}:{opts.peer_port}" for n in ctx.nodes)
        argv = [
            self._python, "-m", "targets.raftkv",
            "--id", node,
            "--host", ctx.runtime.address(node),
            "--client-port", str(opts.client_port),
            "--peer-port", str(opts.peer_port),
            "--peers", peers,
            "--data-dir", str(data_dir),
        ]
        if opts.election_timeout_ms is not None:
            argv += ["--election-timeout-ms", str(opts.election_timeout_ms)]
        if opts.heartbeat_ms is not None:
            argv += ["--heartbeat-ms", str(opts.heartbeat_ms)]
        if opts.bug is not None:
            argv += ["--bug", opts.bug]
        if opts.snapshot_every is not None:
            argv += ["--snapshot-every", str(opts.snapshot_every)]
        return argv

    def _env(self, ctx: RunContext, node: str) -> dict[str, str]:
        env = {"PYTHONUNBUFFERED": "1"}
        control = self.faketime_file(ctx, node)
        if control is not None:
            if not LIBFAKETIME.exists():
                raise TargetStartError(
                    f"raftkv on {node}: libfaketime is missing ({LIBFAKETIME}); "
                    "install the Debian package faketime (scripts/setup does)"
                )
            with self._lock:
                first = node not in self._clock_files
                self._clock_files.add(node)
            if first:  # restarts keep the clock the nemesis set
                ctx.runtime.put_file(node, control, (faketime.format_clock(0.0) + "\n").encode())
            # also puts a select-based time.sleep on PYTHONPATH (libfaketime EINVAL trap)
            env.update(faketime.environment(control, python_site=faketime.site_dir(ctx.run_dir)))
        return env

    def client_port(self) -> int:
        """ServesClients: the port clients connect to on every node."""
        return self.options.client_port

    # --- DB ----------------------------------------------------------------------------------

    def setup(self, ctx: RunContext, node: str) -> None:
        self.start(ctx, node)

    def teardown(self, ctx: RunContext, node: str) -> None:
        with self._lock:
            proc = self._procs.pop(node, None)
        if proc is not None:
            proc.stop(timeout=3.0)

    # --- Killable ------------------------------------------------------------------------------

    def start(self, ctx: RunContext, node: str) -> None:
        # one node at a time per node, but nodes in parallel: a spawn may take a while (a
        # container runtime's exec), and the shared lock only guards the table
        with self._lock:
            node_lock = self._node_locks.setdefault(node, threading.Lock())
        with node_lock:
            with self._lock:
                proc = self._procs.get(node)
            if proc is not None and proc.alive():
                return
            data_dir, log_path = self._paths(ctx, node)
            data_dir.mkdir(parents=True, exist_ok=True)
            proc = ctx.runtime.spawn(node, "raftkv", self.argv(ctx, node), log_path=log_path,
                                     env=self._env(ctx, node))
            with self._lock:
                self._procs[node] = proc
        self._wait_ready(ctx, node, proc)

    def kill(self, ctx: RunContext, node: str) -> None:
        with self._lock:
            proc = self._procs.get(node)
        if proc is not None:
            proc.kill()

    def _wait_ready(self, ctx: RunContext, node: str, proc: ProcessHandle) -> None:
        host, port = ctx.runtime.address(node), self.options.client_port
        deadline = time.monotonic() + self.options.ready_timeout_s
        while True:
            if fetch_status(host, port, timeout=0.5) is not None:
                return
            if not proc.alive():
                code = proc.wait(0)
                raise TargetStartError(
                    f"raftkv on {node} exited with status {code} while starting; "
                    f"last lines of {proc.log_path}:\n{log_tail(proc.log_path)}"
                )
            if time.monotonic() > deadline:
                raise TargetStartError(
                    f"raftkv on {node} did not answer GET /status on {host}:{port} within "
                    f"{self.options.ready_timeout_s:g} s; last lines of {proc.log_path}:\n"
                    f"{log_tail(proc.log_path)}"
                )
            time.sleep(0.03)

    # --- Pausable ------------------------------------------------------------------------------

    def pause(self, ctx: RunContext, node: str) -> None:
        with self._lock:
            proc = self._procs.get(node)
        if proc is not None:
            proc.pause()

    def resume(self, ctx: RunContext, node: str) -> None:
        with self._lock:
            proc = self._procs.get(node)
        if proc is not None:
            proc.resume()

    # --- HasPrimaries, HasLogFiles ---------------------------------------------------------------

    def statuses(self, ctx: RunContext, timeout: float = 0.5) -> dict[str, dict[str, object]]:
        """``/status`` of every node that answers."""
        nodes = list(ctx.nodes)
        port = self.options.client_port
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            answers = list(pool.map(
                lambda n: fetch_status(ctx.runtime.address(n), port, timeout), nodes
            ))
        return {n: a for n, a in zip(nodes, answers, strict=True) if a is not None}

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        return [n for n, s in self.statuses(ctx).items() if s.get("role") == "leader"]

    # --- ReportsProcessState, ReportsClock (faults verify themselves with these) ---------------

    def process_state(self, ctx: RunContext, node: str) -> ProcessState:
        with self._lock:
            proc = self._procs.get(node)
        if proc is None or not proc.alive():
            return ProcessState.DOWN
        status = fetch_status(ctx.runtime.address(node), self.options.client_port, 0.5)
        return ProcessState.UNRESPONSIVE if status is None else ProcessState.RUNNING

    def wall_clock(self, ctx: RunContext, node: str) -> float | None:
        status = fetch_status(ctx.runtime.address(node), self.options.client_port, 0.5)
        clock = status.get("wall_clock") if status is not None else None
        return float(clock) if isinstance(clock, int | float) else None

    def log_files(self, ctx: RunContext, node: str) -> Mapping[str, Path]:
        return {_LOG: self._paths(ctx, node)[1]}


__all__ = ["LIBFAKETIME", "RaftKVDB", "TargetStartError", "fetch_status", "log_tail"]
