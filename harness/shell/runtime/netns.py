"""The default node runtime: one Linux network namespace per node, on a per-run bridge.

Names and the /24 subnet are unique per run; the controller has ``.254`` on the bridge in the root
namespace and reaches every node. Namespaces get no default route; nothing is forwarded or NATed.
Everything is recorded in the run-state file before it is created (see :mod:`runstate`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import secrets
import shutil
import signal
import subprocess
import threading
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

from harness.kernel.nodes import ExecError, ExecResult, RuntimeUnavailableError
from harness.shell import faketime
from harness.shell.runtime import runstate
from harness.shell.runtime.runstate import ProcessRecord, RunState

log = logging.getLogger("splitbrain.netns")

MAX_NODES = 200


def check_prerequisites() -> None:
    """Raise :class:`RuntimeUnavailableError` with a clear message if namespaces are unusable."""
    if os.geteuid() != 0:
        raise RuntimeUnavailableError(
            "the netns runtime needs root (it creates network namespaces, a bridge and veths); "
            "run as root, e.g. with sudo"
        )
    if shutil.which("ip") is None:
        raise RuntimeUnavailableError(
            "the 'ip' command (iproute2) is missing; install it (apt-get install iproute2) "
            "or run scripts/setup"
        )


def _ip(args: Sequence[str], *, stdin: str | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["ip", *args], input=stdin, capture_output=True, text=True, timeout=30, check=False
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def used_networks() -> list[ipaddress.IPv4Network]:
    """Every IPv4 network on a local interface or route (default routes excluded)."""
    nets: list[ipaddress.IPv4Network] = []
    text = _ip(["-4", "-o", "addr", "show"], check=False) + _ip(
        ["-4", "route", "show", "table", "all"], check=False
    )
    for line in text.splitlines():
        for token in line.split():
            if "/" not in token and not token[:1].isdigit():
                continue
            try:
                net = ipaddress.ip_network(token, strict=False)
            except ValueError:
                continue
            if isinstance(net, ipaddress.IPv4Network) and net.prefixlen > 0:
                nets.append(net)
    return nets


def pick_subnet(
    run_id: str, used: Sequence[ipaddress.IPv4Network]
) -> ipaddress.IPv4Network:
    """A free 10.x.y.0/24 (x in 100..199), starting from a place derived from ``run_id``."""
    start = zlib.crc32(run_id.encode()) % (100 * 256)
    for offset in range(100 * 256):
        n = (start + offset) % (100 * 256)
        candidate = ipaddress.IPv4Network(f"10.{100 + n // 256}.{n % 256}.0/24")
        if not any(candidate.overlaps(u) for u in used):
            return candidate
    raise RuntimeUnavailableError("no free 10.x.y.0/24 subnet for the node network")


class ReapListener(Protocol):
    """Told when a :class:`NetnsProcess` has been reaped (to forget it)."""

    def _reaped(self, proc: NetnsProcess) -> None: ...


class NetnsProcess:
    """A process started as a child of the controller (inside a namespace, or entering a
    container's network namespace with nsenter), signalled by PID."""

    def __init__(
        self, runtime: ReapListener, node: str, name: str, popen: subprocess.Popen[bytes],
        log_path: Path,
    ) -> None:
        self._runtime = runtime
        self._node = node
        self._name = name
        self._popen = popen
        self._log_path = log_path

    @property
    def node(self) -> str:
        return self._node

    @property
    def name(self) -> str:
        return self._name

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def log_path(self) -> Path:
        return self._log_path

    def alive(self) -> bool:
        return self._popen.poll() is None

    def signal(self, sig: signal.Signals) -> None:
        if self._popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._popen.pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait()

    def stop(self, timeout: float = 5.0) -> int | None:
        self.signal(signal.SIGTERM)
        self.signal(signal.SIGCONT)  # a paused process cannot act on SIGTERM
        code = self.wait(timeout)
        if code is None:
            self.kill()
            code = self._popen.returncode
        return code

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)

    def wait(self, timeout: float | None = None) -> int | None:
        try:
            code = self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._runtime._reaped(self)
        return code

    def __repr__(self) -> str:
        return f"NetnsProcess({self._node}/{self._name} pid {self.pid})"


class NetnsRuntime:
    """Node namespaces on a bridge; create with :meth:`start`, remove with :meth:`close`."""

    def __init__(self, nodes: Sequence[str], *, state_dir: Path | None = None,
                 run_id: str | None = None) -> None:
        if not nodes:
            raise ValueError("at least one node is needed")
        if len(nodes) > MAX_NODES:
            raise ValueError(f"at most {MAX_NODES} nodes")
        self.run_id = run_id if run_id is not None else _fresh_run_id(nodes)
        self._nodes = tuple(nodes)
        self._state_dir = state_dir
        self.state: RunState | None = None
        self.subnet: ipaddress.IPv4Network | None = None
        self.bridge = f"sb{self.run_id}br"
        self._ns = {node: f"sb-{self.run_id}-{node}" for node in nodes}
        self._veth = {node: f"sb{self.run_id}-{i}" for i, node in enumerate(nodes, 1)}
        self._addr: dict[str, str] = {}
        self._procs: list[NetnsProcess] = []
        self._lock = threading.Lock()
        for name in (self.bridge, *self._veth.values()):
            if len(name) > 15:
                raise ValueError(f"interface name {name!r} is longer than 15 characters")

    # --- lifecycle -------------------------------------------------------------------------

    def start(self, *, store_dir: Path | None = None) -> NetnsRuntime:
        check_prerequisites()
        taken = [n for n in self._ns.values() if _exists_netns(n)] + [
            n for n in (self.bridge, *self._veth.values()) if _exists_link(n)
        ]
        if taken:  # never adopt (and later delete) what is not ours
            raise RuntimeUnavailableError(f"run id {self.run_id} is in use: {', '.join(taken)}")
        state = RunState.create(self.run_id, self._state_dir, runtime="netns")
        self.state = state
        state.store_dir = None if store_dir is None else str(store_dir)
        others = []
        for path in runstate.all_states(self._state_dir):
            if path != state.path:
                try:
                    sub = runstate.load(path).subnet
                except runstate.RunStateError:
                    continue
                if sub:
                    others.append(ipaddress.IPv4Network(sub))
        self.subnet = pick_subnet(self.run_id, [*used_networks(), *others])
        hosts = list(self.subnet.hosts())
        self._addr = {node: str(hosts[i]) for i, node in enumerate(self._nodes)}
        state.subnet = str(self.subnet)
        state.bridge = self.bridge
        state.namespaces = list(self._ns.values())
        state.veths = list(self._veth.values())
        state.save()  # recorded before anything exists
        controller = f"{self.controller_address}/{self.subnet.prefixlen}"
        lines = [
            f"link add {self.bridge} type bridge",
            f"addr add {controller} dev {self.bridge}",
            f"link set {self.bridge} up",
        ]
        for node in self._nodes:
            ns, veth = self._ns[node], self._veth[node]
            lines += [
                f"netns add {ns}",
                f"link add {veth} type veth peer name eth0 netns {ns}",
                f"link set {veth} master {self.bridge} up",
            ]
        _ip(["-batch", "-"], stdin="\n".join(lines) + "\n")
        for node in self._nodes:
            ns = self._ns[node]
            _ip(
                ["-n", ns, "-batch", "-"],
                stdin=f"addr add {self._addr[node]}/{self.subnet.prefixlen} dev eth0\n"
                "link set lo up\nlink set eth0 up\n",
            )
        log.info("netns runtime %s: %d nodes on %s (bridge %s)", self.run_id,
                 len(self._nodes), self.subnet, self.bridge)
        return self

    def close(self) -> None:
        """Kill every process still running, remove namespaces and the bridge, drop the state."""
        for proc in list(self._procs):
            try:
                proc.kill()
            except OSError as e:
                log.warning("killing %r failed: %s", proc, e)
        if self.state is None:
            return
        remove_network(self.state)
        self.state.delete()
        self.state = None

    def __enter__(self) -> NetnsRuntime:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- NodeRuntime -----------------------------------------------------------------------

    @property
    def nodes(self) -> Sequence[str]:
        return self._nodes

    def address(self, node: str) -> str:
        return self._addr[node]

    @property
    def controller_address(self) -> str:
        assert self.subnet is not None, "runtime not started"
        return str(self.subnet.network_address + 254)

    def namespace(self, node: str) -> str:
        """The network namespace of ``node`` (for ``ip netns exec``)."""
        return self._ns[node]

    def exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        full = ["ip", "netns", "exec", self._ns[node], *argv]
        try:
            proc = subprocess.run(full, input=stdin, capture_output=True, text=True,
                                  timeout=timeout, check=False)
            result = ExecResult(argv=tuple(argv), returncode=proc.returncode,
                                stdout=proc.stdout, stderr=proc.stderr)
        except subprocess.TimeoutExpired as e:
            result = ExecResult(argv=tuple(argv), returncode=-1, stdout="",
                                stderr=f"timed out after {e.timeout} s")
        if check and not result.ok:
            raise ExecError(node, result)
        return result

    def net_exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        """The node *is* a network namespace on this host: the same as :meth:`exec`."""
        return self.exec(node, argv, timeout=timeout, check=check, stdin=stdin)

    def net_spawn(
        self,
        node: str,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> NetnsProcess:
        """The same as :meth:`spawn`."""
        return self.spawn(node, name, argv, log_path=log_path, env=env)

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        """Nodes share the host's filesystem: write ``path`` here (atomically)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get_file(self, node: str, path: Path) -> bytes:
        return path.read_bytes()

    def spawn(
        self,
        node: str,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> NetnsProcess:
        assert self.state is not None, "runtime not started"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        with open(log_path, "ab") as out:
            popen = subprocess.Popen(
                ["ip", "netns", "exec", self._ns[node], *argv],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                env=full_env, cwd=cwd, start_new_session=True,  # Ctrl-C goes to us only
            )
        proc = NetnsProcess(self, node, name, popen, log_path)
        start = runstate.process_start_time(popen.pid)
        with self._lock:
            self._procs.append(proc)
        if start is not None:
            self.state.add_process(
                ProcessRecord(pid=popen.pid, start_time=start, node=node, name=name)
            )
        log.info("started %s on %s: pid %d", name, node, popen.pid)
        return proc

    def processes(self) -> Sequence[NetnsProcess]:
        with self._lock:
            return [p for p in self._procs if p.alive()]

    def _reaped(self, proc: NetnsProcess) -> None:
        with self._lock:
            if proc not in self._procs:
                return
            self._procs.remove(proc)
        faketime.remove_shm_files([proc.pid])  # libfaketime leaves them in the host's /dev/shm
        if self.state is not None:
            self.state.remove_process(proc.pid)


def _fresh_run_id(nodes: Sequence[str]) -> str:
    """A random run id none of whose names exist yet."""
    while True:
        run_id = secrets.token_hex(3)
        names = [f"sb{run_id}br", *(f"sb{run_id}-{i}" for i in range(1, len(nodes) + 1))]
        if not any(_exists_link(n) for n in names) and not any(
            _exists_netns(f"sb-{run_id}-{node}") for node in nodes
        ):
            return run_id


def _exists_netns(name: str) -> bool:
    return Path("/run/netns", name).exists()


def _exists_link(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def remove_network(state: RunState) -> list[str]:
    """Delete the namespaces, veths and bridge recorded in ``state`` that still exist."""
    removed: list[str] = []
    for ns in state.namespaces:
        if _exists_netns(ns):
            _ip(["netns", "del", ns], check=False)
            removed.append(f"namespace {ns}")
    for veth in state.veths:
        if _exists_link(veth):
            _ip(["link", "del", veth], check=False)
            removed.append(f"veth {veth}")
    if state.bridge and _exists_link(state.bridge):
        _ip(["link", "del", state.bridge], check=False)
        removed.append(f"bridge {state.bridge}")
    return removed


def kill_recorded(state: RunState) -> list[str]:
    """SIGKILL the processes in ``state`` that are still the recorded ones (same start time)."""
    killed: list[str] = []
    for proc in state.processes:
        if runstate.process_start_time(proc.pid) != proc.start_time:
            continue  # gone, or the PID now belongs to someone else
        try:
            os.kill(proc.pid, signal.SIGKILL)
            killed.append(f"process {proc.name} on {proc.node} (pid {proc.pid})")
        except ProcessLookupError:
            continue
    return killed


__all__ = [
    "MAX_NODES",
    "NetnsProcess",
    "NetnsRuntime",
    "ReapListener",
    "RuntimeUnavailableError",
    "check_prerequisites",
    "kill_recorded",
    "pick_subnet",
    "remove_network",
    "used_networks",
]
