"""SIGKILL of the controller mid-run, then ``splitbrain cleanup``: every container and network of
that run is removed, and nothing else (another labelled run's, an unlabelled container)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import docker
import docker.errors
import pytest

from harness.shell.runtime.docker._engine import LABEL_CONTROLLER, LABEL_RUN
from harness.shell.runtime.runstate import process_start_time
from tests.conftest import ROOT
from tests.harness.shell.runtime.docker.helpers import run_containers, run_networks

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
SPLITBRAIN = str(Path(sys.executable).parent / "splitbrain")
ORPHAN = f"orphan{os.getpid()}"
"""The run id of a dead run's leftover (unique: other test sessions may sweep at once)."""


def test_cleanup_after_sigkill_removes_that_run_only(
    tmp_path: Path, engine: docker.DockerClient, node_image: str
) -> None:
    state_dir = tmp_path / "state"
    env = {**os.environ, "SPLITBRAIN_STATE_DIR": str(state_dir)}
    # bystanders: a container of another, live run (this test is its controller), and one
    # without our label; and a dead run's leftover without a run-state file (the sweep's)
    me = f"{os.getpid()}:{process_start_time(os.getpid())}"
    other = engine.containers.run(
        node_image, ["sleep", "infinity"], detach=True, init=True, network_mode="none",
        labels={LABEL_RUN: "0ther0", LABEL_CONTROLLER: me},
        name=f"sb-test-bystander-{os.getpid()}")
    orphan = engine.containers.run(
        node_image, ["sleep", "infinity"], detach=True, init=True, network_mode="none",
        labels={LABEL_RUN: ORPHAN, LABEL_CONTROLLER: f"{os.getpid()}:1"},
        name=f"sb-test-orphan-{os.getpid()}")
    plain = engine.containers.run(node_image, ["sleep", "infinity"], detach=True, init=True,
                                  network_mode="none", name=f"not-splitbrain-{os.getpid()}")
    output = (tmp_path / "controller.out").open("wb")
    controller = subprocess.Popen(
        [SPLITBRAIN, "run", "--runtime", "docker", "--nodes", "3",
         "--time-limit", "120", "--rate", "50", "--seed", "5", "--store", str(tmp_path / "store"),
         "--nemesis", "partition", "--nemesis-opt", "interval=1"],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        run_id = _wait_for_workload(state_dir, tmp_path / "store")
        assert len(run_containers(engine, run_id)) == 3
        controller.send_signal(signal.SIGKILL)
        controller.wait(10)
        assert len(run_containers(engine, run_id)) == 3  # left behind by the dead controller
        result = subprocess.run(
            [SPLITBRAIN, "cleanup", "--state-dir", str(state_dir), "--runtime", "docker",
             "--no-sweep"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
            check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"run {run_id}: removed" in result.stdout and "container sb-" in result.stdout
        # a dead run without a run-state file: found by its label (only this one: --run-id)
        swept = subprocess.run(
            [SPLITBRAIN, "cleanup", "--state-dir", str(state_dir), "--runtime", "docker",
             "--run-id", ORPHAN], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120, check=False)
        assert swept.returncode == 0, swept.stdout + swept.stderr
        assert f"run {ORPHAN}: removed container sb-test-orphan-{os.getpid()}" in swept.stdout
        assert run_containers(engine, run_id) == [] and run_networks(engine, run_id) == []
        other.reload()
        plain.reload()
        assert other.status == "running" and plain.status == "running"
        assert list(state_dir.glob("*.json")) == []
        history = next((tmp_path / "store").glob("*/2*/history.jsonl"))
        assert history.read_text().count("\n") > 10  # the prefix survived
    finally:
        if controller.poll() is None:
            controller.kill()
        output.close()
        for c in (other, plain, orphan):
            with contextlib.suppress(docker.errors.NotFound):
                c.remove(force=True)


def _wait_for_workload(state_dir: Path, store: Path, timeout: float = 120.0) -> str:
    """The run id, once the workload has started and a partition is in place."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = list(state_dir.glob("*.json"))
        logs = list(store.glob("*/2*/history.jsonl"))
        if states and logs and '"start-partition"' in logs[0].read_text():
            return str(json.loads(states[0].read_text())["run_id"])
        time.sleep(0.2)
    raise AssertionError("the run did not start its workload")
