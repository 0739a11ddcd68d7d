"""The ssh runtime's registration: options, capabilities, validation, preflight and cleanup."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from harness.kernel.config import RuntimeKind, TestConfig
from harness.kernel.nodes import ManagedRuntime, RuntimeOptionError, RuntimeUnavailableError
from harness.shell.runtime.faults import Fault, faults_of
from harness.shell.runtime.registry import RuntimeRequest, RuntimeSpec, register
from harness.shell.runtime.runstate import RunState
from harness.shell.runtime.ssh._hosts import HostEntry, HostsFileError, read_hosts
from harness.shell.runtime.ssh._options import (
    DEFAULT_CONFIG,
    DEFAULT_KNOWN_HOSTS,
    HostKeyError,
    SshConnectError,
    SshOptions,
)
from harness.shell.runtime.ssh._preflight import Needs, refusals, table

OPTIONS = {
    "hosts": "the hosts file: one node per line, 'NAME HOST[:PORT]' (--hosts)",
    "user": "login user when the SSH config names none (--ssh-user; default root)",
    "key": "private key file (--ssh-key; default: the SSH config's, else the default keys)",
    "known-hosts": "known_hosts file for host-key verification (--ssh-known-hosts)",
    "config": "SSH config file (--ssh-config; default ~/.ssh/config; 'none' for none)",
    "no-host-key-check": "true: accept any host key, loudly logged (--ssh-no-host-key-check)",
    "dir": "where runs keep files on the hosts (--ssh-dir; default /var/tmp/splitbrain)",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def options_of(test: TestConfig) -> SshOptions:
    """The SSH options of ``test`` (``--runtime-opt``); raises :class:`RuntimeOptionError`."""
    flag = (test.runtime_option("no-host-key-check") or "false").lower()
    if flag not in _TRUE | _FALSE:
        raise RuntimeOptionError(f"no-host-key-check must be true or false, not {flag!r}")
    key = test.runtime_option("key")
    config = test.runtime_option("config")
    known = test.runtime_option("known-hosts")
    if key is not None and not Path(key).expanduser().is_file():
        raise RuntimeOptionError(f"--ssh-key {key}: no such file")
    return SshOptions(
        user=test.runtime_option("user") or None,
        key=None if key is None else Path(key),
        known_hosts=DEFAULT_KNOWN_HOSTS if known is None else Path(known),
        config=DEFAULT_CONFIG if config is None else (None if config == "none" else Path(config)),
        insecure=flag in _TRUE,
    )


def hosts_of(test: TestConfig) -> tuple[HostEntry, ...]:
    path = test.runtime_option("hosts")
    if not path:
        raise RuntimeOptionError("the ssh runtime needs --hosts FILE ('NAME HOST[:PORT]' lines)")
    try:
        return read_hosts(Path(path))
    except HostsFileError as e:
        raise RuntimeOptionError(str(e)) from e


def _node_names(options: Mapping[str, str]) -> tuple[str, ...] | None:
    path = options.get("hosts")
    if not path:
        return None
    try:
        return tuple(e.name for e in read_hosts(Path(path)))
    except HostsFileError as e:
        raise RuntimeOptionError(str(e)) from e


def _validate(test: TestConfig) -> None:
    entries = hosts_of(test)
    names = tuple(e.name for e in entries)
    seen: dict[str, str] = {}
    for e in entries:
        if e.host in seen:
            raise RuntimeOptionError(
                f"nodes {seen[e.host]} and {e.name} are both on {e.host}: one node per host "
                "(nodes are told apart by address: partitions and ports would collide)")
        seen[e.host] = e.name
    if tuple(test.nodes) != names:
        raise RuntimeOptionError(
            f"the hosts file names the nodes {', '.join(names)}; the test has "
            f"{', '.join(test.nodes)} (with --runtime ssh the nodes come from --hosts)")
    options_of(test)


def _refuses(test: TestConfig) -> Mapping[Fault, str]:
    if test.target == "redis":
        return {Fault.CLOCK: "Redis on ssh hosts runs the hosts' redis-server, and Debian's "
                             "(with jemalloc) hangs at start under libfaketime"}
    return {}


def needs_of(test: TestConfig) -> Needs:
    faults = faults_of(test.nemesis)
    why: dict[str, str] = {}
    iptables = bool(faults & {Fault.PARTITION, Fault.LOSS})
    if iptables:
        why["iptables"] = "--nemesis " + ",".join(test.nemesis)
    faketime = Fault.CLOCK in faults
    programs: tuple[str, ...] = ()
    if test.target == "etcd":
        programs = ("etcd",)
    elif test.target == "redis":
        programs = ("redis-server",)
    why.update({p: f"--target {test.target}" for p in programs})
    python = test.target == "raftkv"
    if python:
        why["python"] = "the Raft KV (it deploys itself and runs on the host's python3)"
    if faketime:
        why["faketime"] = "--nemesis clock"
    return Needs(iptables=iptables, faketime=faketime, python=python, programs=programs, why=why)


def _preflight(test: TestConfig) -> TestConfig:
    """Log in to every host and check it can run the test; print the table (stderr)."""
    from harness.shell.runtime.ssh.runtime import connect_all, probe

    options = options_of(test)
    if options.insecure:
        print("splitbrain: WARNING: --ssh-no-host-key-check: host keys are NOT verified; "
              "anyone between here and the hosts can impersonate them", file=sys.stderr)
    try:
        hosts = connect_all(hosts_of(test), options)
    except HostKeyError as e:
        raise RuntimeOptionError(f"host key verification failed: {e}") from e
    except SshConnectError as e:
        raise RuntimeUnavailableError(str(e)) from e
    try:
        facts = list(probe(hosts).values())
    finally:
        for host in hosts.values():
            host.close()
    print("splitbrain: ssh hosts:\n" + table(facts), file=sys.stderr)
    refused = refusals(facts, needs_of(test))
    if refused:
        raise RuntimeOptionError(
            "the hosts cannot run this test:\n  " + "\n  ".join(refused))
    return test


def _create(request: RuntimeRequest) -> ManagedRuntime:
    from harness.shell.runtime.ssh.runtime import DEFAULT_DIR, SshRuntime

    test = request.test
    return SshRuntime(hosts_of(test), options_of(test),
                      base_dir=test.runtime_option("dir") or DEFAULT_DIR,
                      state_dir=request.state_dir)


def cleanup_state(state: RunState) -> list[str]:
    """Reconnect to a dead run's hosts and remove what it left (see :func:`tidy_host`)."""
    from harness.shell.runtime.ssh._hosts import HostEntry
    from harness.shell.runtime.ssh.runtime import connect_all, parallel, probe, tidy_host

    details = state.details
    raw_hosts = details.get("hosts")
    raw_options = details.get("options")
    root = details.get("remote_root")
    if not isinstance(raw_hosts, list) or not isinstance(raw_options, dict) or \
            not isinstance(root, str):
        raise RuntimeError(f"run-state file {state.path}: no ssh details")
    entries = []
    for i, h in enumerate(raw_hosts):
        if not isinstance(h, dict):
            raise RuntimeError(f"run-state file {state.path}: bad host entry {h!r}")
        port = h.get("port")
        entries.append(HostEntry(name=str(h["name"]), host=str(h["host"]),
                                 port=port if isinstance(port, int) else None, line=i + 1))
    options = SshOptions.from_json(dict(raw_options))
    try:
        hosts = connect_all(entries, options)
    except SshConnectError as e:
        raise RuntimeError(f"cannot reach the run's hosts to clean up: {e}") from e
    try:
        probe(hosts)
        store = Path(state.store_dir) if state.store_dir else None
        done = parallel(list(hosts), lambda node: tidy_host(
            hosts[node], node, root, store, details.get("chain_prefix")))
    finally:
        for host in hosts.values():
            host.close()
    return [line for lines in done.values() for line in lines]


register(RuntimeSpec(
    kind=RuntimeKind.SSH,
    summary="real hosts over SSH (--hosts FILE; paramiko, host keys verified; root or sudo)",
    create=_create,
    cleanup=cleanup_state,
    validate=_validate,
    preflight=_preflight,
    options=OPTIONS,
    node_names=_node_names,
    refuses=_refuses,
    faults={
        Fault.PARTITION: "iptables DROP rules in a chain of the run's own on each host",
        Fault.KILL: "SIGKILL by PID (checked by start time), then a restart",
        Fault.PAUSE: "SIGSTOP/SIGCONT by PID",
        Fault.CLOCK: "libfaketime on the host (the preflight checks it is installed)",
        Fault.LOSS: "iptables statistic in the run's chain",
    },
    unsupported={
        Fault.BANDWIDTH: "a tbf qdisc would shape the host's whole interface, the controller's "
                         "SSH connection included",
        Fault.DELAY: "the NFQUEUE delayer needs the NetfilterQueue Python package on each host",
    },
))

__all__ = ["OPTIONS", "cleanup_state", "hosts_of", "needs_of", "options_of"]
