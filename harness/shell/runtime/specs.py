"""The built-in runtimes' specs (factories import their implementation lazily)."""

from __future__ import annotations

from collections.abc import Mapping

from harness.kernel.config import RuntimeKind, TestConfig
from harness.kernel.nodes import ManagedRuntime
from harness.kernel.protocols import DB
from harness.shell import faketime
from harness.shell.runtime import runstate
from harness.shell.runtime.faults import Fault
from harness.shell.runtime.registry import RuntimeRequest, RuntimeSpec, SweepResult, register
from harness.shell.runtime.runstate import RunState


def _netns_create(request: RuntimeRequest) -> ManagedRuntime:
    from harness.shell.runtime.netns import NetnsRuntime

    return NetnsRuntime(request.test.nodes, state_dir=request.state_dir)


def _netns_preflight(test: TestConfig) -> TestConfig:
    from harness.shell.runtime.netns import check_prerequisites

    check_prerequisites()
    return test


def _netns_cleanup(state: RunState) -> list[str]:
    from harness.shell.runtime.cleanup import wait_gone
    from harness.shell.runtime.netns import kill_recorded, remove_network

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

def _docker_create(request: RuntimeRequest) -> ManagedRuntime:
    from harness.shell.runtime.docker._options import parse

    test = request.test
    options = parse(test)
    if options.adopting:
        from harness.shell.runtime.docker._adopt import AdoptedRuntime

        return AdoptedRuntime(options, state_dir=request.state_dir)
    from harness.shell.runtime.docker._runtime import DockerRuntime

    return DockerRuntime(test.nodes, state_dir=request.state_dir, image=options.image)


def _docker_wrap_db(test: TestConfig, db: DB) -> DB:
    from harness.shell.runtime.docker._options import parse

    if not parse(test).adopting:
        return db
    from harness.shell.runtime.docker._adopt import AdoptedDB

    return AdoptedDB(db)


def _docker_preflight(test: TestConfig) -> TestConfig:
    from harness.shell.runtime.docker._preflight import preflight

    return preflight(test)


def _docker_validate(test: TestConfig) -> None:
    from harness.shell.runtime.docker._options import validate

    validate(test)


def _docker_node_names(options: Mapping[str, str]) -> tuple[str, ...] | None:
    """--adopt-names fixes the nodes (--adopt by label: the preflight finds them)."""
    names = options.get("adopt-names")
    if names is None:
        return None
    return tuple(n.strip() for n in names.split(",") if n.strip()) or None


def _docker_cleanup(state: RunState) -> list[str]:
    from harness.shell.runtime.docker._cleanup import cleanup_state

    return cleanup_state(state)


def _docker_sweep(run_id: str | None) -> list[SweepResult]:
    from harness.shell.runtime.docker._cleanup import sweep

    return sweep(run_id)


register(RuntimeSpec(
    kind=RuntimeKind.DOCKER,
    summary="one container per node on a per-run internal network (Docker engine at "
            "DOCKER_HOST or the default socket; --adopt: your running containers)",
    create=_docker_create,
    cleanup=_docker_cleanup,
    validate=_docker_validate,
    preflight=_docker_preflight,
    sweep=_docker_sweep,
    wrap_db=_docker_wrap_db,
    node_names=_docker_node_names,
    options={
        "image": "the node image (--docker-image; default: built once from Debian packages)",
        "adopt": "LABEL=VALUE: take the running containers with this label as the nodes",
        "adopt-names": "A,B,C: take these running containers as the nodes",
    },
    faults={
        Fault.PARTITION: "iptables DROP rules in the container's network namespace (nsenter)",
        Fault.KILL: "SIGKILL of the target's processes (adopted: docker kill), then a restart",
        Fault.PAUSE: "SIGSTOP/SIGCONT (adopted: docker pause)",
        Fault.CLOCK: "libfaketime in the image, control files in the shared run directory",
        Fault.LOSS: "iptables statistic in the container's network namespace",
        Fault.BANDWIDTH: "tc tbf in the container's network namespace",
        Fault.DELAY: "NFQUEUE + the delayer entering the container's network namespace",
    },
))

__all__: list[str] = []
