"""The docker runtime's containers: addresses, no route out, processes, files, faketime, close."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest

from harness.shell import faketime
from harness.shell.runtime.docker._engine import LABEL_CONTROLLER, LABEL_NODE, LABEL_RUN
from harness.shell.runtime.docker._runtime import DockerRuntime, ip_forward
from tests.harness.shell.runtime.docker.helpers import default_routes, run_containers, run_networks

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _until(cond: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(cond) and cond():
            return True
        time.sleep(0.05)
    return False


def test_containers_nodes_processes_and_close(
    tmp_path: Path, engine: docker.DockerClient, node_image: str
) -> None:
    forward = ip_forward()
    run_dir = tmp_path / "run"
    rt = DockerRuntime(["n1", "n2", "n3"], state_dir=tmp_path / "state")
    rt.start(store_dir=run_dir)
    try:
        assert run_containers(engine, rt.run_id) == [f"sb-{rt.run_id}-n{i}" for i in (1, 2, 3)]
        assert run_networks(engine, rt.run_id) == [f"sb-{rt.run_id}"]
        network = engine.networks.get(f"sb-{rt.run_id}")
        assert network.attrs["Internal"] is True
        for node in rt.nodes:
            assert default_routes(rt.pid(node)) == "", node  # nothing routes out
            labels = engine.containers.get(rt.container_id(node)).labels
            assert labels[LABEL_RUN] == rt.run_id and labels[LABEL_NODE] == node
            assert labels[LABEL_CONTROLLER].startswith(f"{__import__('os').getpid()}:")
        # the controller reaches every node; nodes reach each other
        ping = subprocess.run(["ping", "-c", "1", "-W", "2", rt.address("n3")],
                              capture_output=True, text=True, check=False)
        assert ping.returncode == 0, ping.stdout + ping.stderr
        hello = rt.exec("n1", ["python3", "-c", "import socket; print(socket.gethostname())"])
        assert hello.stdout.strip() == "n1"
        # a target process: the controller's Python runs as the node's python3, project importable
        log = run_dir / "nodes" / "n2" / "p.log"
        proc = rt.spawn("n2", "p", [sys.executable, "-c",
                                    "import targets.raftkv, time; print('up', flush=True); "
                                    "time.sleep(300)"], log_path=log)
        assert _until(lambda: "up" in log.read_text() if log.exists() else False), log
        proc.pause()
        assert _until(lambda: _state(proc.pid) == "T")
        proc.resume()
        assert _until(lambda: _state(proc.pid) in ("S", "R"))
        assert proc.stop(timeout=3) is not None and not proc.alive()
        # files inside the container (outside the shared run directory) and in it
        rt.put_file("n1", Path("/var/tmp/sb/x"), b"hello")
        assert rt.get_file("n1", Path("/var/tmp/sb/x")) == b"hello"
        assert not Path("/var/tmp/sb/x").exists()  # it really is the container's filesystem
        rt.put_file("n1", run_dir / "shared.txt", b"both")
        assert rt.exec("n1", ["cat", str(run_dir / "shared.txt")]).stdout == "both"
        # network tools of the host act inside the container's network namespace
        assert rt.address("n1") in rt.net_exec("n1", ["ip", "-4", "-o", "addr"]).stdout
    finally:
        rt.close()
    assert run_containers(engine, rt.run_id) == [] and run_networks(engine, rt.run_id) == []
    assert not (tmp_path / "state" / f"{rt.run_id}.json").exists()
    assert ip_forward() == forward


def test_libfaketime_moves_the_clock_of_a_process_in_a_container(
    tmp_path: Path, node_image: str
) -> None:
    run_dir = tmp_path / "run"
    with DockerRuntime(["n1"], state_dir=tmp_path / "state") as rt:
        pass  # start/close without a store directory works too
    rt = DockerRuntime(["n1"], state_dir=tmp_path / "state")
    rt.start(store_dir=run_dir)
    try:
        control = run_dir / "nodes" / "n1" / "faketime.rc"
        rt.put_file("n1", control, (faketime.format_clock(3600.0) + "\n").encode())
        env = faketime.environment(control, python_site=faketime.site_dir(run_dir))
        log = run_dir / "nodes" / "n1" / "clock.log"
        proc = rt.spawn("n1", "clock", [sys.executable, "-c",
                                        "import time; print(time.time(), flush=True)"],
                        log_path=log, env=env)
        proc.wait(20)
        shown = float(log.read_text().split()[0])
        assert 3500 < shown - time.time() < 3700, log.read_text()
    finally:
        rt.close()


def _state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2:].split()[0]
