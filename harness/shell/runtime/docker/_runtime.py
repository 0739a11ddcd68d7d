"""Nodes as containers the harness creates: one per node, on a per-run internal network.

What :meth:`DockerRuntime.start` does, in order (each thing recorded before it exists):

1. the run-state file (``runtime: docker``; the engine's address, the network's name);
2. a network ``sb-<run>`` (bridge, ``internal``) with a free /24 of its own; the host side of
   the bridge is the gateway ``.254``, which is the controller's address;
3. one container per node from the node image (``sleep infinity`` under the engine's init),
   with the run directory bind-mounted read-write and the project read-only at the same paths,
   and a static address ``.1``, ``.2``, ...;
4. the default route the engine adds inside each container is deleted, and its absence checked.

Nothing may route out: the network is internal, containers have no default route, the engine
runs with iptables, forwarding and masquerading off (``scripts/docker-engine``), and the host's
``ip_forward`` is checked unchanged at :meth:`close`. Every container and the network carry
``splitbrain.run=<run id>`` and the controller's PID and start time, for ``splitbrain cleanup``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import docker
import docker.errors
import docker.types

import targets
from harness.kernel.nodes import (
    ExecResult,
    RuntimeOptionError,
    RuntimeUnavailableError,
)
from harness.shell.runtime import runstate
from harness.shell.runtime.docker import _namespaces as ns
from harness.shell.runtime.docker._engine import (
    LABEL_CONTROLLER,
    LABEL_NODE,
    LABEL_RUN,
    connect,
    engine_url,
)
from harness.shell.runtime.docker._image import ensure_image
from harness.shell.runtime.docker._process import ExecProcess
from harness.shell.runtime.netns import NetnsProcess, pick_subnet, used_networks
from harness.shell.runtime.runstate import RunState

log = logging.getLogger("splitbrain.docker")

MAX_NODES = 200
SHM_SIZE = "512m"
"""/dev/shm of each container (etcd's in-memory data directory preallocates 64 MB of WAL)."""
IP_FORWARD = Path("/proc/sys/net/ipv4/ip_forward")
PROJECT_ROOT = Path(targets.__file__).resolve().parents[1]
"""The directory holding the harness' packages, mounted read-only into every container."""
PYCACHE = Path("/var/cache/splitbrain/pycache" if os.geteuid() == 0
               else Path.home() / ".cache" / "splitbrain" / "pycache")
"""Bytecode of the project compiled by the nodes' Python (``PYTHONPYCACHEPREFIX``), shared by
every container and run: the project is mounted read-only, and compiling the Raft KV at every
start costs about a second."""
NODE_PYTHON = "python3"
"""Python programs of the controller (``sys.executable``) run with the node's python3, the
project on ``PYTHONPATH``."""

T = TypeVar("T")


def ip_forward() -> str:
    try:
        return IP_FORWARD.read_text().strip()
    except OSError:
        return "?"


@dataclass(frozen=True, kw_only=True, slots=True)
class _Node:
    name: str
    container_id: str
    address: str


class DockerRuntime:
    """Containers on an internal network; create with :meth:`start`, remove with :meth:`close`.

    ``image`` is the user's image (``--docker-image``); None builds or reuses the node image.
    """

    def __init__(self, nodes: Sequence[str], *, state_dir: Path | None = None,
                 run_id: str | None = None, image: str | None = None) -> None:
        if not nodes:
            raise ValueError("at least one node is needed")
        if len(nodes) > MAX_NODES:
            raise ValueError(f"at most {MAX_NODES} nodes")
        self.run_id = run_id if run_id is not None else secrets.token_hex(3)
        self._names = tuple(nodes)
        self._state_dir = state_dir
        self._image = image
        self.state: RunState | None = None
        self.subnet: ipaddress.IPv4Network | None = None
        self.network_name = f"sb-{self.run_id}"
        self._client: docker.DockerClient | None = None
        self._nodes: dict[str, _Node] = {}
        self._pids: dict[str, int] = {}
        self._shared: tuple[Path, ...] = ()
        self._procs: list[ExecProcess | NetnsProcess] = []
        self._lock = threading.Lock()
        self._ip_forward = ip_forward()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self, *, store_dir: Path | None = None) -> DockerRuntime:
        client = connect()
        self._client = client
        image = self._resolve_image(client)
        url = engine_url()
        controller_start = runstate.process_start_time(os.getpid())
        labels = {LABEL_RUN: self.run_id, LABEL_CONTROLLER: f"{os.getpid()}:{controller_start}"}
        state = RunState.create(self.run_id, self._state_dir, runtime="docker",
                                details={"engine": url, "network": self.network_name})
        self.state = state
        state.store_dir = None if store_dir is None else str(store_dir)
        self.subnet = self._pick_subnet(client)
        state.subnet = str(self.subnet)
        state.save()
        hosts = list(self.subnet.hosts())
        gateway = str(self.subnet.network_address + 254)
        ipam = docker.types.IPAMConfig(pool_configs=[
            docker.types.IPAMPool(subnet=str(self.subnet), gateway=gateway)])
        client.networks.create(self.network_name, driver="bridge", internal=True, ipam=ipam,
                               labels=labels)
        shared = [PROJECT_ROOT]
        prefix = Path(sys.prefix).resolve()
        if not prefix.is_relative_to(PROJECT_ROOT):  # programs from the virtualenv (redis)
            shared.append(prefix)
        if store_dir is not None:
            store_dir.mkdir(parents=True, exist_ok=True)
            shared.insert(0, store_dir.resolve())
        self._shared = tuple(shared)
        writable = None if store_dir is None else store_dir.resolve()
        binds: dict[str, Mapping[str, str]] = {
            str(p): {"bind": str(p), "mode": "rw" if p == writable else "ro"} for p in shared}
        PYCACHE.mkdir(parents=True, exist_ok=True)
        binds[str(PYCACHE)] = {"bind": str(PYCACHE), "mode": "rw"}

        def create(index: int) -> _Node:
            node = self._names[index]
            address = str(hosts[index])
            api = client.api
            host_config = api.create_host_config(
                binds=binds, shm_size=SHM_SIZE, init=True, network_mode=self.network_name)
            endpoints = {self.network_name: api.create_endpoint_config(ipv4_address=address)}
            # types-docker has this argument wrong: it is a mapping of network -> endpoint
            networking = api.create_networking_config(endpoints)  # type: ignore[arg-type]
            created = api.create_container(
                image, command=["sleep", "infinity"], name=f"sb-{self.run_id}-{node}",
                hostname=node, labels={**labels, LABEL_NODE: node}, host_config=host_config,
                networking_config=networking,
                environment={"PYTHONPATH": str(PROJECT_ROOT), "PYTHONPYCACHEPREFIX": str(PYCACHE)},
            )
            cid = str(created["Id"])
            api.start(cid)
            entry = _Node(name=node, container_id=cid, address=address)
            self._pids[node] = self._container_pid(cid)
            self._no_default_route(node)
            return entry

        created = _parallel(len(self._names), create)
        self._nodes = {n.name: n for n in created}
        log.info("docker runtime %s: %d containers of %s on %s (network %s)", self.run_id,
                 len(self._nodes), image, self.subnet, self.network_name)
        return self

    def close(self) -> None:
        """Kill our processes, remove the containers and the network, drop the state."""
        for proc in list(self._procs):
            try:
                proc.kill()
            except OSError as e:
                log.warning("killing %r failed: %s", proc, e)
        if self.state is None:
            return
        client = self._client
        if client is not None:
            for line in remove_run(client, self.run_id):
                log.info("removed %s", line)
        if client is not None:
            client.close()
            self._client = None
        after = ip_forward()
        if after != self._ip_forward:
            log.error("the host's ip_forward changed during the run: %s -> %s (not by us: "
                      "the engine must run with --ip-forward=false)", self._ip_forward, after)
        self.state.delete()
        self.state = None

    def __enter__(self) -> DockerRuntime:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _resolve_image(self, client: docker.DockerClient) -> str:
        if self._image is None:
            return ensure_image(client)
        try:
            client.images.get(self._image)
        except docker.errors.ImageNotFound:
            raise RuntimeOptionError(
                f"--docker-image {self._image}: the engine has no such image (no registry is "
                "used; build or load it first, or leave the option out to use the node image "
                "Splitbrain builds)") from None
        return self._image

    def _pick_subnet(self, client: docker.DockerClient) -> ipaddress.IPv4Network:
        used: list[ipaddress.IPv4Network] = list(used_networks())
        for net in client.networks.list():
            for pool in (net.attrs.get("IPAM") or {}).get("Config") or []:
                with contextlib.suppress(ValueError, TypeError):
                    sub = ipaddress.ip_network(pool.get("Subnet", ""), strict=False)
                    if isinstance(sub, ipaddress.IPv4Network):
                        used.append(sub)
        for path in runstate.all_states(self._state_dir):
            if self.state is not None and path == self.state.path:
                continue
            with contextlib.suppress(runstate.RunStateError, ValueError):
                sub_text = runstate.load(path).subnet
                if sub_text:
                    used.append(ipaddress.IPv4Network(sub_text))
        return pick_subnet(self.run_id, used)

    def _container_pid(self, cid: str) -> int:
        assert self._client is not None
        info = self._client.api.inspect_container(cid)
        pid = int(info["State"]["Pid"])
        if pid <= 0:
            raise RuntimeUnavailableError(f"container {cid[:12]} is not running: "
                                          f"{info['State'].get('Status')}")
        return pid

    def _no_default_route(self, node: str) -> None:
        """Delete the default route the engine adds, and check that none is left."""
        pid = self._pids[node]
        ns.run(node, pid, ns.NET, ["ip", "route", "del", "default"], timeout=10, check=False)
        left = ns.run(node, pid, ns.NET, ["ip", "-4", "route", "show", "default"], timeout=10,
                      check=True).stdout.strip()
        left6 = ns.run(node, pid, ns.NET, ["ip", "-6", "route", "show", "default"], timeout=10,
                       check=False).stdout.strip()
        if left or left6:
            raise RuntimeUnavailableError(
                f"container of {node} still has a default route ({left or left6}); refusing to "
                "run")

    # --- NodeRuntime -----------------------------------------------------------------------

    @property
    def nodes(self) -> Sequence[str]:
        return self._names

    def address(self, node: str) -> str:
        return self._nodes[node].address

    @property
    def controller_address(self) -> str:
        assert self.subnet is not None, "runtime not started"
        return str(self.subnet.network_address + 254)

    def container_id(self, node: str) -> str:
        return self._nodes[node].container_id

    def pid(self, node: str) -> int:
        """The host PID of the container's init (for nsenter)."""
        return self._pids[node]

    def exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
             check: bool = True, stdin: str | None = None) -> ExecResult:
        program = list(argv)
        if program and program[0] == sys.executable:  # as in spawn: the node's python3
            program = ["env", f"PYTHONPATH={PROJECT_ROOT}", NODE_PYTHON, *program[1:]]
        result = ns.run(node, self._pids[node], ns.NODE, program, timeout=timeout,
                        check=check, stdin=stdin)
        return result if program == list(argv) else dataclasses.replace(result,
                                                                         argv=tuple(argv))

    def net_exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
                 check: bool = True, stdin: str | None = None) -> ExecResult:
        return ns.run(node, self._pids[node], ns.NET, argv, timeout=timeout, check=check,
                      stdin=stdin)

    def spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
              env: Mapping[str, str] | None = None, cwd: Path | None = None) -> ExecProcess:
        assert self._client is not None and self.state is not None, "runtime not started"
        program = list(argv)
        if program and program[0] == sys.executable:
            program[0] = NODE_PYTHON
        environment = {"SPLITBRAIN_LOG": str(log_path)}
        for key, value in (env or {}).items():
            environment[key] = value
        if "PYTHONPATH" in environment:  # keep the project importable
            environment["PYTHONPATH"] = f"{environment['PYTHONPATH']}{os.pathsep}{PROJECT_ROOT}"
        if self._shared_path(log_path):  # exists once spawn returns, as on netns
            log_path.parent.mkdir(parents=True, exist_ok=True)
            log_path.touch()
        else:
            self.exec(node, ["mkdir", "-p", str(log_path.parent)])
        api = self._client.api
        cid = self._nodes[node].container_id
        created = api.exec_create(
            cid, ["sh", "-c", 'exec "$@" >>"$SPLITBRAIN_LOG" 2>&1', "sh", *program],
            stdout=False, stderr=False, environment=environment,
            workdir=None if cwd is None else str(cwd))
        exec_id = str(created["Id"])
        api.exec_start(exec_id, detach=True)
        pid = 0
        deadline = time.monotonic() + 10.0
        while pid <= 0:
            info = api.exec_inspect(exec_id)
            pid = int(info.get("Pid") or 0)
            if pid <= 0 and not info.get("Running") and info.get("ExitCode") is not None:
                break  # it exited at once (the log says why)
            if time.monotonic() > deadline:
                raise RuntimeUnavailableError(f"docker exec of {name} on {node} did not start")
            if pid <= 0:
                time.sleep(0.01)
        proc = ExecProcess(self, self._client, exec_id, node=node, name=name, pid=pid,
                           log_path=log_path)
        with self._lock:
            self._procs.append(proc)
        log.info("started %s on %s: pid %d", name, node, pid)
        return proc

    def net_spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
                  env: Mapping[str, str] | None = None) -> NetnsProcess:
        """A host program in the container's network namespace (the packet delayer)."""
        assert self.state is not None, "runtime not started"
        proc = ns.spawn_in_net(self, node=node, pid=self._pids[node], name=name, argv=argv,
                               log_path=log_path, env=env, state=self.state)
        with self._lock:
            self._procs.append(proc)
        log.info("started %s in the network of %s: pid %d", name, node, proc.pid)
        return proc

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        if self._shared_path(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        else:
            ns.write(node, self._pids[node], str(path), data)

    def get_file(self, node: str, path: Path) -> bytes:
        if self._shared_path(path):
            return path.read_bytes()
        return ns.read(node, self._pids[node], str(path))

    def processes(self) -> Sequence[ExecProcess | NetnsProcess]:
        with self._lock:
            return [p for p in self._procs if p.alive()]

    def _shared_path(self, path: Path) -> bool:
        """Whether ``path`` is inside a directory shared with the containers (same path)."""
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self._shared)

    def _reaped(self, proc: NetnsProcess) -> None:
        with self._lock:
            if proc not in self._procs:
                return
            self._procs.remove(proc)
        if self.state is not None:
            self.state.remove_process(proc.pid)

    def _exec_reaped(self, proc: ExecProcess) -> None:
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)

    # --- NodeControl -------------------------------------------------------------------------

    def kill_node(self, node: str) -> None:
        assert self._client is not None
        with contextlib.suppress(docker.errors.APIError):
            self._client.api.kill(self._nodes[node].container_id)

    def start_node(self, node: str) -> None:
        assert self._client is not None
        cid = self._nodes[node].container_id
        self._client.api.start(cid)
        self._pids[node] = self._container_pid(cid)
        self._no_default_route(node)  # a restarted container has a fresh network namespace

    def pause_node(self, node: str) -> None:
        assert self._client is not None
        self._client.api.pause(self._nodes[node].container_id)

    def resume_node(self, node: str) -> None:
        assert self._client is not None
        with contextlib.suppress(docker.errors.APIError):
            self._client.api.unpause(self._nodes[node].container_id)


def remove_run(client: docker.DockerClient, run_id: str) -> list[str]:
    """Remove the containers and networks labelled ``splitbrain.run=<run_id>`` (and nothing
    else: the label filter is the only selector)."""
    removed: list[str] = []
    selector: dict[str, str | list[str] | bool] = {"label": f"{LABEL_RUN}={run_id}"}
    for container in client.containers.list(all=True, filters=selector):
        if container.labels.get(LABEL_RUN) != run_id:
            continue  # belt and braces: never act on anything without our label
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)
            removed.append(f"container {container.name}")
    for network in client.networks.list(filters=selector):
        if (network.attrs.get("Labels") or {}).get(LABEL_RUN) != run_id:
            continue
        with contextlib.suppress(docker.errors.NotFound):
            network.remove()
            removed.append(f"network {network.name}")
    return removed


def _parallel(count: int, fn: Callable[[int], T]) -> list[T]:
    with ThreadPoolExecutor(max_workers=min(count, 16)) as pool:
        futures = [pool.submit(fn, i) for i in range(count)]
    return [f.result() for f in futures]


__all__ = ["PROJECT_ROOT", "DockerRuntime", "ip_forward", "remove_run"]
