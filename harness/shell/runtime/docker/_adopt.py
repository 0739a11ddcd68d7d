"""Adopting a user's running containers as the nodes (``--adopt LABEL=VALUE``,
``--adopt-names a,b,c``): their images are not changed and they are never removed.

- The nodes are the containers, named by their container names, at their addresses on the one
  network they all share (the controller is that network's gateway, on this host).
- The target already runs in them: :class:`AdoptedDB` only waits for the target's client port
  (:class:`~harness.kernel.protocols.ServesClients`), and kills, restarts, pauses and resumes whole
  containers through the engine. Partitions and packet faults use the containers' network
  namespaces, as for the containers the harness creates.
- Clock faults need the container to run its target under libfaketime reading a control file
  the container names with the label ``splitbrain.faketime-file=/path``, and libfaketime in the
  image; otherwise ``--nemesis clock`` is refused before anything starts (exit 254).
- At the end every container the run killed or paused is running again, and the run's rules are
  gone; the containers' logs (``docker logs``) are copied into the store.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import docker
import docker.errors
from docker.models.containers import Container

from harness.kernel.context import RunContext
from harness.kernel.nodes import ExecResult, RuntimeOptionError, RuntimeUnavailableError
from harness.kernel.protocols import (
    DB,
    HasPrimaries,
    ProcessState,
    ReportsClock,
    ServesClients,
)
from harness.shell import faketime
from harness.shell.runtime.docker import _namespaces as ns
from harness.shell.runtime.docker._engine import connect, engine_url
from harness.shell.runtime.docker._options import DockerOptions
from harness.shell.runtime.faults import Fault, faults_of
from harness.shell.runtime.netns import NetnsProcess
from harness.shell.runtime.runstate import RunState

log = logging.getLogger("splitbrain.docker")

LABEL_FAKETIME = "splitbrain.faketime-file"
READY_TIMEOUT_S = 30.0


@dataclass(frozen=True, kw_only=True, slots=True)
class Adopted:
    """One adopted container."""

    node: str
    container_id: str
    address: str
    gateway: str
    faketime_file: str | None


def find_containers(client: docker.DockerClient, options: DockerOptions,
                    faults: Sequence[str] = ()) -> list[Adopted]:
    """The containers to adopt, sorted by name; :class:`RuntimeOptionError` (exit 254) if none
    match, one is not running, they share no network, or a fault cannot work on them."""
    containers: list[Container]
    if options.adopt_label is not None:
        key, value = options.adopt_label
        what = f"--adopt {key}={value}"
        matching = client.containers.list(all=True, filters={"label": f"{key}={value}"})
        if not matching:
            raise RuntimeOptionError(f"{what}: no container has this label (docker ps -a "
                                     f"--filter label={key}={value} lists none)")
        containers = sorted(matching, key=lambda c: str(c.name))
    else:
        what = "--adopt-names"
        containers = []
        for name in options.adopt_names:
            try:
                containers.append(client.containers.get(name))
            except docker.errors.NotFound:
                raise RuntimeOptionError(f"{what}: no container named {name!r}") from None
    stopped = [str(c.name) for c in containers if c.status != "running"]
    if stopped:
        raise RuntimeOptionError(f"{what}: not running: {', '.join(stopped)} (start them first)")
    network = _shared_network(containers, what)
    adopted = []
    for c in containers:
        net = c.attrs["NetworkSettings"]["Networks"][network]
        adopted.append(Adopted(
            node=str(c.name), container_id=str(c.id), address=str(net["IPAddress"]),
            gateway=str(net.get("Gateway") or ""),
            faketime_file=c.labels.get(LABEL_FAKETIME) or None,
        ))
    if not adopted[0].gateway:
        raise RuntimeOptionError(f"{what}: network {network!r} has no gateway on this host, so "
                                 "the controller cannot reach the containers")
    if Fault.CLOCK in faults_of(faults):
        _check_clock(adopted, what)
    return adopted


def _shared_network(containers: Sequence[Container], what: str) -> str:
    names = [set((c.attrs["NetworkSettings"].get("Networks") or {}).keys()) - {"host", "none"}
             for c in containers]
    common = sorted(set.intersection(*names)) if names else []
    if not common:
        listed = ", ".join(str(c.name) for c in containers)
        raise RuntimeOptionError(
            f"{what}: the containers share no network ({listed}); adopt containers of one "
            "compose project or network")
    return str(common[0])


def _check_clock(adopted: Sequence[Adopted], what: str) -> None:
    missing = [a.node for a in adopted if a.faketime_file is None]
    if missing:
        raise RuntimeOptionError(
            f"{what}: clock faults need the target in each container to run under libfaketime "
            f"reading a control file named by the label {LABEL_FAKETIME}=/path; "
            f"{', '.join(missing)} have no such label: drop 'clock' from --nemesis")
    for a in adopted:
        pid = _pid_of(a.container_id)
        result = ns.run(a.node, pid, ns.NODE, ["test", "-e", str(faketime.LIBFAKETIME)],
                        timeout=10, check=False)
        if not result.ok:
            raise RuntimeOptionError(
                f"{what}: the image of {a.node} has no libfaketime ({faketime.LIBFAKETIME}), so "
                "clock faults cannot work there: drop 'clock' from --nemesis")


def _pid_of(container_id: str, client: docker.DockerClient | None = None) -> int:
    own = client is None
    c = client or connect()
    try:
        pid = int(c.api.inspect_container(container_id)["State"]["Pid"])
    finally:
        if own:
            c.close()
    if pid <= 0:
        raise RuntimeUnavailableError(f"container {container_id[:12]} is not running")
    return pid


class AdoptedRuntime:
    """The adopted containers as nodes (see the module docstring)."""

    def __init__(self, options: DockerOptions, *, state_dir: Path | None = None) -> None:
        self.run_id = secrets.token_hex(3)
        self._options = options
        self._state_dir = state_dir
        self.state: RunState | None = None
        self._client: docker.DockerClient | None = None
        self._adopted: dict[str, Adopted] = {}
        self._pids: dict[str, int] = {}
        self._killed: set[str] = set()
        self._paused: set[str] = set()
        self._procs: list[NetnsProcess] = []
        self._lock = threading.Lock()

    def start(self, *, store_dir: Path | None = None) -> AdoptedRuntime:
        client = connect()
        self._client = client
        found = find_containers(client, self._options)
        self._adopted = {a.node: a for a in found}
        self._pids = {a.node: _pid_of(a.container_id, client) for a in found}
        state = RunState.create(self.run_id, self._state_dir, runtime="docker", details={
            "engine": engine_url(), "adopted": {a.node: a.container_id for a in found}})
        state.store_dir = None if store_dir is None else str(store_dir)
        state.save()
        self.state = state
        log.info("docker runtime %s: adopted %s", self.run_id,
                 ", ".join(f"{a.node} ({a.address})" for a in found))
        return self

    def close(self) -> None:
        """Stop our host processes; restart and thaw what the run killed or paused. The
        containers themselves are never removed."""
        for proc in list(self._procs):
            with contextlib.suppress(OSError):
                proc.kill()
        for node in sorted(self._paused):
            with contextlib.suppress(docker.errors.DockerException):
                self.resume_node(node)
        for node in sorted(self._killed):
            try:
                self.start_node(node)
            except (docker.errors.DockerException, RuntimeUnavailableError) as e:
                log.error("could not restart adopted container %s: %s", node, e)
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.state is not None:
            self.state.delete()
            self.state = None

    def __enter__(self) -> AdoptedRuntime:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- NodeRuntime ---------------------------------------------------------------------------

    @property
    def nodes(self) -> Sequence[str]:
        return tuple(self._adopted)

    def address(self, node: str) -> str:
        return self._adopted[node].address

    @property
    def controller_address(self) -> str:
        first = next(iter(self._adopted.values()))
        return first.gateway

    def exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
             check: bool = True, stdin: str | None = None) -> ExecResult:
        return ns.run(node, self._pids[node], ns.NODE, argv, timeout=timeout, check=check,
                      stdin=stdin)

    def net_exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
                 check: bool = True, stdin: str | None = None) -> ExecResult:
        return ns.run(node, self._pids[node], ns.NET, argv, timeout=timeout, check=check,
                      stdin=stdin)

    def spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
              env: Mapping[str, str] | None = None, cwd: Path | None = None) -> NetnsProcess:
        raise RuntimeOptionError(
            f"adopted containers run their own processes; cannot start {name} on {node}")

    def net_spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
                  env: Mapping[str, str] | None = None) -> NetnsProcess:
        assert self.state is not None, "runtime not started"
        proc = ns.spawn_in_net(self, node=node, pid=self._pids[node], name=name, argv=argv,
                               log_path=log_path, env=env, state=self.state)
        with self._lock:
            self._procs.append(proc)
        return proc

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        ns.write(node, self._pids[node], str(path), data)

    def get_file(self, node: str, path: Path) -> bytes:
        return ns.read(node, self._pids[node], str(path))

    def processes(self) -> Sequence[NetnsProcess]:
        with self._lock:
            return [p for p in self._procs if p.alive()]

    def _reaped(self, proc: NetnsProcess) -> None:
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)
        if self.state is not None:
            self.state.remove_process(proc.pid)

    # --- NodeControl ---------------------------------------------------------------------------

    def kill_node(self, node: str) -> None:
        assert self._client is not None
        with self._lock:
            self._killed.add(node)
        with contextlib.suppress(docker.errors.APIError):
            self._client.api.kill(self._adopted[node].container_id)

    def start_node(self, node: str) -> None:
        assert self._client is not None
        cid = self._adopted[node].container_id
        self._client.api.start(cid)
        self._pids[node] = _pid_of(cid, self._client)
        with self._lock:
            self._killed.discard(node)

    def pause_node(self, node: str) -> None:
        assert self._client is not None
        with self._lock:
            self._paused.add(node)
        self._client.api.pause(self._adopted[node].container_id)

    def resume_node(self, node: str) -> None:
        assert self._client is not None
        with contextlib.suppress(docker.errors.APIError):
            self._client.api.unpause(self._adopted[node].container_id)
        with self._lock:
            self._paused.discard(node)

    def container_log(self, node: str, tail: int | None = None) -> bytes:
        assert self._client is not None
        raw = self._client.api.logs(self._adopted[node].container_id, stdout=True, stderr=True,
                                    tail="all" if tail is None else tail)
        return raw if isinstance(raw, bytes) else b""

    def container_status(self, node: str) -> str:
        """The engine's status of the container: running, paused, exited, ..."""
        assert self._client is not None
        info = self._client.api.inspect_container(self._adopted[node].container_id)
        return str(info["State"].get("Status", "unknown"))

    def faketime_file(self, node: str) -> Path | None:
        path = self._adopted[node].faketime_file
        return None if path is None else Path(path)


class AdoptedDB:
    """The target as it already runs in adopted containers: DB, Killable, Pausable,
    ReportsProcessState, and the target's HasPrimaries, ReportsClock and clock control file when
    it has them."""

    def __init__(self, inner: DB) -> None:
        self.inner = inner

    def _runtime(self, ctx: RunContext) -> AdoptedRuntime:
        runtime = ctx.runtime
        if not isinstance(runtime, AdoptedRuntime):
            raise RuntimeOptionError("adopted targets need the docker runtime with --adopt")
        return runtime

    def _port(self) -> int:
        if not isinstance(self.inner, ServesClients):
            raise RuntimeOptionError(
                "this target does not say which port its clients use (ServesClients), so it "
                "cannot be tested in adopted containers")
        return self.inner.client_port()

    def setup(self, ctx: RunContext, node: str) -> None:
        self._wait_port(ctx, node)

    def teardown(self, ctx: RunContext, node: str) -> None:
        runtime = self._runtime(ctx)
        with contextlib.suppress(docker.errors.DockerException, OSError):
            data = runtime.container_log(node)
            (ctx.node_dir(node) / "container.log").write_bytes(data)

    def kill(self, ctx: RunContext, node: str) -> None:
        self._runtime(ctx).kill_node(node)

    def start(self, ctx: RunContext, node: str) -> None:
        self._runtime(ctx).start_node(node)
        self._wait_port(ctx, node)

    def pause(self, ctx: RunContext, node: str) -> None:
        self._runtime(ctx).pause_node(node)

    def resume(self, ctx: RunContext, node: str) -> None:
        self._runtime(ctx).resume_node(node)

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        if isinstance(self.inner, HasPrimaries):
            return self.inner.primaries(ctx)
        return []

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        return self._runtime(ctx).faketime_file(node)

    def process_state(self, ctx: RunContext, node: str) -> ProcessState:
        """ReportsProcessState, from the container's state and the target's port."""
        status = self._runtime(ctx).container_status(node)
        if status == "paused":
            return ProcessState.UNRESPONSIVE
        if status != "running":
            return ProcessState.DOWN
        try:
            with socket.create_connection((ctx.runtime.address(node), self._port()), 0.5):
                return ProcessState.RUNNING
        except OSError:
            return ProcessState.UNRESPONSIVE

    def wall_clock(self, ctx: RunContext, node: str) -> float | None:
        return self.inner.wall_clock(ctx, node) if isinstance(self.inner, ReportsClock) else None

    def _wait_port(self, ctx: RunContext, node: str) -> None:
        from targets.supervision import TargetStartError

        port = self._port()
        address = ctx.runtime.address(node)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                with socket.create_connection((address, port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                runtime = self._runtime(ctx)
                tail = runtime.container_log(node, tail=15).decode(errors="replace")
                raise TargetStartError(
                    f"adopted container {node} does not accept connections on {address}:{port} "
                    f"within {READY_TIMEOUT_S:g} s (is the target's client port option right?); "
                    "last lines of its log:\n"
                    + "\n".join("    " + line for line in tail.rstrip().splitlines()))
            time.sleep(0.1)


__all__ = ["LABEL_FAKETIME", "Adopted", "AdoptedDB", "AdoptedRuntime", "find_containers"]
