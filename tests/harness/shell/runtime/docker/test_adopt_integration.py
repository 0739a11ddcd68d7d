"""Adopting running containers: a test starts three Raft KV containers with compose-style labels
(as ``docker compose up`` would), then Splitbrain tests them with ``--adopt``, partitions, kills
and pauses them, heals, and leaves them running. Bad adoptions are refused with exit 254."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.types
import pytest
from click.testing import CliRunner

from checkers.verdict import ExitCode, Verdict
from harness.cli import cli
from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.shell.run import run_test
from harness.shell.runtime.docker._runtime import PROJECT_ROOT, ip_forward
from harness.shell.runtime.netns import pick_subnet, used_networks

pytestmark = [pytest.mark.integration]

PROJECT = f"sbadopt{os.getpid()}"
LABEL = f"com.docker.compose.project={PROJECT}"


def _subnet(engine: docker.DockerClient) -> ipaddress.IPv4Network:
    used = list(used_networks())
    for net in engine.networks.list():
        for pool in (net.attrs.get("IPAM") or {}).get("Config") or []:
            if pool.get("Subnet"):
                used.append(ipaddress.IPv4Network(pool["Subnet"]))
    return pick_subnet(PROJECT, used)


@pytest.fixture(scope="module")
def compose_project(engine: docker.DockerClient, node_image: str) -> Iterator[list[str]]:
    """Three Raft KV services on an internal network of their own, named and labelled as
    docker compose names and labels them; removed afterwards."""
    subnet = _subnet(engine)
    hosts = list(subnet.hosts())
    network = engine.networks.create(
        f"{PROJECT}_default", driver="bridge", internal=True,
        ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(
            subnet=str(subnet), gateway=str(hosts[-1]))]),
        labels={"com.docker.compose.project": PROJECT})
    services = ["n1", "n2", "n3"]
    ips = {s: str(hosts[i]) for i, s in enumerate(services)}
    peers = ",".join(f"{s}={ips[s]}:8001" for s in services)
    names = []
    try:
        for service in services:
            name = f"{PROJECT}-{service}-1"
            container = engine.containers.create(
                node_image, ["python3", "-m", "targets.raftkv", "--id", service, "--host",
                             ips[service], "--client-port", "8000", "--peer-port", "8001",
                             "--peers", peers, "--data-dir", "/var/lib/raftkv"],
                name=name, hostname=service, init=True, environment={
                    "PYTHONPATH": str(PROJECT_ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
                volumes={str(PROJECT_ROOT): {"bind": str(PROJECT_ROOT), "mode": "ro"}},
                labels={"com.docker.compose.project": PROJECT,
                        "com.docker.compose.service": service},
                network=network.name, networking_config={
                    network.name: engine.api.create_endpoint_config(ipv4_address=ips[service])})
            container.start()
            container.reload()
            _drop_default_route(int(container.attrs["State"]["Pid"]))
            names.append(name)
        yield names
    finally:
        for name in names or [f"{PROJECT}-{s}-1" for s in services]:
            with contextlib.suppress(docker.errors.NotFound):
                engine.containers.get(name).remove(force=True)
        network.remove()


def _drop_default_route(pid: int) -> None:
    subprocess.run(["nsenter", f"--target={pid}", "--net", "--", "ip", "route", "del",
                    "default"], capture_output=True, check=False)


@pytest.mark.timeout(300)
def test_adopted_containers_are_tested_partitioned_healed_and_left_running(
    tmp_path: Path, engine: docker.DockerClient, compose_project: list[str]
) -> None:
    forward = ip_forward()
    test = TestConfig(
        name="adopted", target="raftkv", workload="register", seed=7,
        nemesis=("partition", "kill", "pause"), time_limit=20, rate=50, concurrency=5,
        store=tmp_path / "store", runtime=RuntimeKind.DOCKER,
        runtime_options=options({"adopt": LABEL}),
        # one container at a time is killed or paused, so a majority keeps serving and the run
        # shows the faults were survived (not just an outage)
        nemesis_options=options({"interval": "3", "recovery": "4", "kill.targets": "one",
                                 "pause.targets": "one"}),
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.VALID, (outcome.run_dir / "results.json").read_text()
    history = (outcome.run_dir / "history.jsonl").read_text()
    for f in ('"start-partition"', '"kill"', '"pause"'):
        assert f in history, f
    assert compose_project[0] in history  # the nodes are the containers, by name
    for name in compose_project:
        container = engine.containers.get(name)
        assert container.status == "running", name  # never removed, killed ones restarted
        pid = int(container.attrs["State"]["Pid"])
        rules = subprocess.run(["nsenter", f"--target={pid}", "--net", "--", "iptables", "-w",
                                "-S"], capture_output=True, text=True, check=True).stdout
        assert "sb-" not in rules, rules  # healed: none of our chains are left
        assert (outcome.run_dir / "nodes" / name / "container.log").exists()
    assert ip_forward() == forward


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("args", "words"), [
    (["--adopt", "com.docker.compose.project=no-such-project"], "no container has this label"),
    (["--adopt-names", "no-such-x,no-such-y,no-such-z", "--nemesis", "partition"],
     "no container named"),
    (["--adopt", LABEL, "--nemesis", "clock"], "splitbrain.faketime-file"),
    (["--docker-image", "no-such-image:1"], "no such image"),
])
def test_impossible_adoptions_and_images_exit_254_before_anything_starts(
    tmp_path: Path, compose_project: list[str], args: list[str], words: str
) -> None:
    result = CliRunner().invoke(cli, ["run", "--runtime", "docker", "--store",
                                      str(tmp_path / "store"), "--time-limit", "5", *args])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "store").exists()  # refused before the run directory existed
