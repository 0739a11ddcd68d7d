"""The built-in runtimes' specs (factories import their implementation lazily)."""

from __future__ import annotations

from harness import faketime
from harness.config import RuntimeKind, TestConfig
from harness.runtime import runstate
from harness.runtime.base import ManagedRuntime
from harness.runtime.faults import Fault
from harness.runtime.registry import RuntimeRequest, RuntimeSpec, register
from harness.runtime.runstate import RunState


def _netns_create(request: RuntimeRequest) -> ManagedRuntime:
    from harness.runtime.netns import NetnsRuntime

    return NetnsRuntime(request.test.nodes, state_dir=request.state_dir)


def _netns_preflight(test: TestConfig) -> None:
    from harness.runtime.netns import check_prerequisites

    check_prerequisites()


def _netns_cleanup(state: RunState) -> list[str]:
    from harness.runtime.cleanup import wait_gone
    from harness.runtime.netns import kill_recorded, remove_network

    removed = kill_recorded(state)
    if removed:
        wait_gone(state)
    removed += remove_network(state)
    # libfaketime's /dev/shm files of the run's processes (dead now, or still the same ones)
    pids = [p.pid for p in state.processes
            if runstate.process_start_time(p.pid) in (None, p.start_time)]
    removed += [f"file {path}" for path in faketime.remove_shm_files(pids)]
    return removed


register(RuntimeSpec(
    kind=RuntimeKind.NETNS,
    summary="one Linux network namespace per node on a per-run bridge (needs root, iproute2)",
    create=_netns_create,
    cleanup=_netns_cleanup,
    preflight=_netns_preflight,
    faults={
        Fault.PARTITION: "iptables DROP rules inside the node namespaces",
        Fault.KILL: "SIGKILL of the target's processes, then a restart",
        Fault.PAUSE: "SIGSTOP/SIGCONT",
        Fault.CLOCK: "libfaketime control files",
        Fault.LOSS: "iptables statistic",
        Fault.BANDWIDTH: "tc tbf",
        Fault.DELAY: "NFQUEUE + userspace delayer",
    },
))

__all__: list[str] = []
