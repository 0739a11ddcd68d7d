"""``--runtime ssh``: each node is a real host, controlled over SSH (paramiko).

Lifecycle: :meth:`SshRuntime.start` logs in to every host (host keys verified), probes it (root or
``sudo -n``, libfaketime, the controller's address as the host sees it), records everything in
the run-state file, and creates the run's root on each host, ``<dir>/<run-id>/``. Files the
controller would keep under the run directory live there (:class:`PathMap`); the Raft KV runs with
the host's ``python3`` and the project's code as one zip (:mod:`_deploy`). :meth:`close` kills
what is still running, fetches the node logs into the store, removes the run's iptables chains
(``sb-<tag>-*``) and the run's root, and nothing else.
"""

from __future__ import annotations

import logging
import secrets
import shlex
import socket
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from harness.kernel.jsontypes import JSON
from harness.kernel.nodes import ExecError, ExecResult, RuntimeUnavailableError
from harness.shell import faketime
from harness.shell.runtime.runstate import ProcessRecord, RunState
from harness.shell.runtime.ssh import _process
from harness.shell.runtime.ssh._chains import parse_sweep, sweep_script
from harness.shell.runtime.ssh._connect import SshConnectError, SshOptions, load_config, resolve
from harness.shell.runtime.ssh._deploy import ZIP_NAME, code_zip
from harness.shell.runtime.ssh._host import Host
from harness.shell.runtime.ssh._hosts import HostEntry
from harness.shell.runtime.ssh._paths import PathMap
from harness.shell.runtime.ssh._preflight import PROBE, HostFacts, parse_probe, table
from harness.shell.runtime.ssh._process import RemoteProcess

log = logging.getLogger("splitbrain.ssh")

DEFAULT_DIR = "/var/tmp/splitbrain"
"""Where runs keep their files on the hosts (``<dir>/<run-id>/``)."""

T = TypeVar("T")


def parallel(items: Sequence[str], action: Callable[[str], T]) -> dict[str, T]:
    """``action(item)`` for all items at once; the first error is raised after all finished."""
    if not items:
        return {}
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = {item: pool.submit(action, item) for item in items}
    return {item: future.result() for item, future in futures.items()}


def chain_prefix(store_dir: Path) -> str:
    """The prefix of every iptables chain the run's nemeses create (see :mod:`nemesis.firewall`)."""
    from nemesis.firewall import run_tag

    return f"sb-{run_tag(store_dir)}-"


def connect_all(entries: Sequence[HostEntry], options: SshOptions) -> dict[str, Host]:
    """Log in to every host in parallel; on any failure, close the others and raise."""
    config = load_config(options)
    hosts: dict[str, Host] = {}
    lock = threading.Lock()

    def one(entry: HostEntry) -> None:
        host = Host.open(entry.name, resolve(entry.host, entry.port, options, config), options,
                         config)
        with lock:
            hosts[entry.name] = host

    with ThreadPoolExecutor(max_workers=len(entries)) as pool:
        futures = [pool.submit(one, e) for e in entries]
    errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        for host in hosts.values():
            host.close()
        first = errors[0]
        assert first is not None
        raise first
    return {e.name: hosts[e.name] for e in entries}


def probe(hosts: Mapping[str, Host]) -> dict[str, HostFacts]:
    """Run the preflight probe on every host; sets ``Host.sudo`` from what it finds."""

    def one(node: str) -> HostFacts:
        host = hosts[node]
        result = host.run(["sh", "-c", PROBE], timeout=20, privileged=False)
        facts = parse_probe(node, host.endpoint.hostname, result.stdout)
        host.sudo = not facts.root and facts.sudo
        return facts

    return parallel(list(hosts), one)


def host_address(hostname: str) -> str:
    """The IPv4 address of ``hostname`` as the controller resolves it."""
    try:
        return str(socket.getaddrinfo(hostname, None, socket.AF_INET)[0][4][0])
    except (OSError, IndexError) as e:
        raise RuntimeUnavailableError(f"cannot resolve host {hostname!r}: {e}") from e


class SshRuntime:
    """Nodes on SSH hosts; create with :meth:`start`, release with :meth:`close`."""

    def __init__(self, entries: Sequence[HostEntry], options: SshOptions, *,
                 base_dir: str = DEFAULT_DIR, state_dir: Path | None = None,
                 run_id: str | None = None) -> None:
        if not entries:
            raise ValueError("at least one host is needed")
        self._entries = tuple(entries)
        self._options = options
        self._base = base_dir.rstrip("/") or "/"
        self._state_dir = state_dir
        self._run_id = run_id if run_id is not None else secrets.token_hex(3)
        self.state: RunState | None = None
        self._hosts: dict[str, Host] = {}
        self._facts: dict[str, HostFacts] = {}
        self._addr: dict[str, str] = {}
        self._paths: PathMap | None = None
        self._store_dir: Path | None = None
        self._procs: list[RemoteProcess] = []
        self._lock = threading.Lock()
        self._deployed: set[str] = set()
        self._uploaded: set[tuple[str, str]] = set()
        self._deploy_lock = threading.Lock()

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def remote_root(self) -> str:
        return f"{self._base}/{self._run_id}"

    @property
    def facts(self) -> Mapping[str, HostFacts]:
        return dict(self._facts)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self, *, store_dir: Path | None = None) -> SshRuntime:
        self._store_dir = store_dir
        local = store_dir if store_dir is not None else Path(f"/nonexistent/{self._run_id}")
        self._paths = PathMap(local=local, remote=self.remote_root)
        details: dict[str, JSON] = {
            "hosts": [{"name": e.name, "host": e.host, "port": e.port} for e in self._entries],
            "options": dict[str, JSON](self._options.to_json()),
            "remote_root": self.remote_root,
            "chain_prefix": None if store_dir is None else chain_prefix(store_dir),
        }
        state = RunState.create(self._run_id, self._state_dir, runtime="ssh", details=details)
        state.store_dir = None if store_dir is None else str(store_dir)
        state.save()  # recorded before anything exists on the hosts
        self.state = state
        try:
            self._hosts = connect_all(self._entries, self._options)
        except SshConnectError as e:
            raise RuntimeUnavailableError(str(e)) from e
        self._facts = probe(self._hosts)
        self._addr = {n: host_address(h.endpoint.hostname) for n, h in self._hosts.items()}
        log.info("ssh runtime %s: %d hosts, files under %s on each\n%s", self._run_id,
                 len(self._hosts), self.remote_root, table(list(self._facts.values())))
        if self._options.insecure:
            log.warning("HOST KEYS NOT VERIFIED (--ssh-no-host-key-check)")

        def prepare(node: str) -> None:
            host = self._hosts[node]
            made = host.shell(f"mkdir -p {shlex.quote(self.remote_root)}/nodes/{node}", timeout=20)
            if not made.ok:
                raise RuntimeUnavailableError(
                    f"{node}: cannot create {self.remote_root}: {made.stderr.strip()}")
            if host.sudo:  # SFTP writes as the login user
                host.shell(f"chown -R {shlex.quote(host.endpoint.user)} "
                           f"{shlex.quote(self.remote_root)}")

        parallel(list(self._hosts), prepare)
        return self

    def close(self) -> None:
        """Kill what still runs, fetch logs, remove the run's chains and files on every host."""
        if self.state is None:
            for host in self._hosts.values():
                host.close()
            return
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            try:
                proc.kill()
            except (OSError, RuntimeError) as e:
                log.warning("killing %r failed: %s", proc, e)
        errors: list[str] = []
        prefix = self.state.details.get("chain_prefix")

        def finish(node: str) -> None:
            try:
                for line in tidy_host(self._hosts[node], node, self.remote_root,
                                      self._store_dir, prefix):
                    log.info("%s: %s", node, line)
            except (OSError, RuntimeError) as e:
                errors.append(f"{node}: {e}")

        parallel(list(self._hosts), finish)
        for error in errors:
            log.warning("ssh teardown: %s", error)
        for host in self._hosts.values():
            host.close()
        if not errors:
            self.state.delete()
        self.state = None

    def __enter__(self) -> SshRuntime:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- NodeRuntime -----------------------------------------------------------------------

    @property
    def nodes(self) -> Sequence[str]:
        return tuple(e.name for e in self._entries)

    def address(self, node: str) -> str:
        return self._addr[node]

    @property
    def controller_address(self) -> str:
        for facts in self._facts.values():
            if facts.controller_address:
                return facts.controller_address
        return "127.0.0.1"

    def host(self, node: str) -> Host:
        return self._hosts[node]

    def _map(self) -> PathMap:
        assert self._paths is not None, "runtime not started"
        return self._paths

    def exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0, check: bool = True,
             stdin: str | None = None) -> ExecResult:
        paths = self._map()
        mapped = [paths.text(a) for a in argv]
        result = self._hosts[node].run(
            mapped, timeout=timeout, stdin=None if stdin is None else paths.text(stdin))
        result = ExecResult(argv=tuple(argv), returncode=result.returncode,
                            stdout=result.stdout, stderr=result.stderr)
        if check and not result.ok:
            raise ExecError(node, result)
        return result

    def net_exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
                 check: bool = True, stdin: str | None = None) -> ExecResult:
        """The host's own tools run in its own network namespace: the same as :meth:`exec`."""
        return self.exec(node, argv, timeout=timeout, check=check, stdin=stdin)

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        remote = self._map().path(path)
        host = self._hosts[node]
        parent = remote.rsplit("/", 1)[0] or "/"
        if not remote.startswith(self.remote_root + "/"):
            host.shell(f"mkdir -p {shlex.quote(parent)}")
        else:
            self._mkdirs(host, parent)
        host.write_bytes(remote, self._map().data(data))

    def get_file(self, node: str, path: Path) -> bytes:
        return self._hosts[node].read_bytes(self._map().path(path))

    def _mkdirs(self, host: Host, remote_dir: str) -> None:
        key = (host.node, remote_dir)
        with self._deploy_lock:
            if key in self._uploaded:
                return
        host.makedirs(remote_dir)
        with self._deploy_lock:
            self._uploaded.add(key)

    def spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
              env: Mapping[str, str] | None = None, cwd: Path | None = None) -> RemoteProcess:
        assert self.state is not None, "runtime not started"
        paths = self._map()
        host = self._hosts[node]
        facts = self._facts[node]
        argv = list(argv)
        env_out = {k: paths.text(v) for k, v in (env or {}).items()}
        if argv and argv[0] == sys.executable:
            argv[0] = "python3"
            code = self._deploy(node)
            old = env_out.get("PYTHONPATH")
            env_out["PYTHONPATH"] = f"{code}:{old}" if old else code
        elif argv and argv[0].startswith(sys.prefix + "/"):
            argv[0] = Path(argv[0]).name  # a program from the controller's venv: the host's own
        preload = env_out.get("LD_PRELOAD")
        if preload and str(faketime.LIBFAKETIME) in preload:
            if facts.faketime is None:
                raise RuntimeUnavailableError(f"{node}: libfaketime is not installed on the host")
            env_out["LD_PRELOAD"] = preload.replace(str(faketime.LIBFAKETIME), facts.faketime)
        self._upload_python_dirs(node, env or {})
        mapped_argv = [paths.text(a) for a in argv]
        remote_log = paths.path(log_path)
        remote_dir = remote_log.rsplit("/", 1)[0]
        self._mkdirs(host, remote_dir)
        proc = _process.spawn(host, name, mapped_argv, remote_dir=remote_dir, log_path=log_path,
                              env=env_out, cwd=None if cwd is None else paths.path(cwd),
                              on_exit=self._reaped)
        with self._lock:
            self._procs.append(proc)
        self.state.add_process(ProcessRecord(pid=proc.pid, start_time=proc.start_time,
                                             node=node, name=name))
        log.info("started %s on %s: pid %d", name, node, proc.pid)
        return proc

    def net_spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
                  env: Mapping[str, str] | None = None) -> RemoteProcess:
        return self.spawn(node, name, argv, log_path=log_path, env=env)

    def processes(self) -> Sequence[RemoteProcess]:
        with self._lock:
            return [p for p in self._procs if p.alive()]

    def _reaped(self, proc: RemoteProcess) -> None:
        with self._lock:
            if proc not in self._procs:
                return
            self._procs.remove(proc)
        if self.state is not None:
            self.state.remove_process(proc.pid)

    # --- deployment --------------------------------------------------------------------------

    def _deploy(self, node: str) -> str:
        """Upload the project's code zip to ``node`` once; returns its path there."""
        remote = f"{self.remote_root}/{ZIP_NAME}"
        with self._deploy_lock:
            if node in self._deployed:
                return remote
        self._hosts[node].write_bytes(remote, code_zip())
        with self._deploy_lock:
            self._deployed.add(node)
        return remote

    def _upload_python_dirs(self, node: str, env: Mapping[str, str]) -> None:
        """Directories under the run directory named in ``PYTHONPATH`` (e.g. libfaketime's
        ``sitecustomize.py``) are copied to the host, once."""
        paths = self._map()
        for part in env.get("PYTHONPATH", "").split(":"):
            local = Path(part)
            if not part or not local.is_dir() or paths.path(local) == part:
                continue
            remote_dir = paths.path(local)
            key = (node, "upload:" + remote_dir)
            with self._deploy_lock:
                if key in self._uploaded:
                    continue
            self._mkdirs(self._hosts[node], remote_dir)
            for file in sorted(local.iterdir()):
                if file.is_file():
                    self._hosts[node].write_bytes(f"{remote_dir}/{file.name}", file.read_bytes())
            with self._deploy_lock:
                self._uploaded.add(key)


def tidy_host(host: Host, node: str, remote_root: str, store_dir: Path | None,
              prefix: object) -> list[str]:
    """What a run leaves on one host, removed: processes (by pid file and start time), the
    run's iptables chains, libfaketime's files of those processes; logs fetched into
    ``store_dir/nodes/<node>/`` first; then the run's root. Returns what was done."""
    done: list[str] = []
    root = shlex.quote(remote_root)
    killed = host.shell(_process.kill_script(f"{root}/nodes/*/*.pid {root}/nodes/*/*/*.pid"),
                        timeout=30)
    pids: list[str] = []
    for line in killed.stdout.splitlines():
        if line.startswith("killed "):
            _, pid, name = line.split(maxsplit=2)
            pids.append(pid)
            done.append(f"process {name} on {node} (pid {pid})")
    if isinstance(prefix, str):
        swept = host.shell(sweep_script(prefix), timeout=30)
        done += [f"{line} on {node}" for line in parse_sweep(swept.stdout)]
    if store_dir is not None:
        for name in host.listdir(f"{remote_root}/nodes/{node}"):
            if name.endswith(".log"):
                dest = store_dir / "nodes" / node / name
                if host.get(f"{remote_root}/nodes/{node}/{name}", dest):
                    done.append(f"fetched {name} from {node}")
    shm = " ".join(f"/dev/shm/faketime_shm_{p} /dev/shm/sem.faketime_sem_{p}" for p in pids)
    host.shell(f"rm -rf {root} {shm}".strip(), timeout=30)
    done.append(f"removed {remote_root} on {node}")
    return done


__all__ = ["DEFAULT_DIR", "SshRuntime", "chain_prefix", "connect_all", "probe", "tidy_host"]
