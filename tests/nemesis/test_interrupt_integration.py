"""Faults in force when the controller is interrupted are healed (SIGINT: by teardown; SIGKILL:
the nodes go with `splitbrain cleanup`, which names what the nemesis ledgers held)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.shell.runtime import runstate
from nemesis.ledger import leftovers

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"

pytestmark = [pytest.mark.integration]


def start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {**os.environ, "SPLITBRAIN_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [str(SPLITBRAIN), "run", "--nodes", "3", "--concurrency", "3", "--rate", "50",
         "--time-limit", "120", "--seed", "3", "--store", str(tmp_path / "store"),
         "--nemesis", "partition,pause", "--nemesis-opt", "interval=1",
         # the mixed schedule holds one fault at a time: run each kind on its own timeline
         "--nemesis-opt", "overlap=true"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return proc, env


def wait_for_faults(tmp_path: Path, timeout: float = 90.0) -> Path:
    """The run directory, once both a partition and a pause are in force."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run_dir in (tmp_path / "store").glob("*/*"):
            held = leftovers(run_dir)
            if "partition" in held and "pause" in held:
                return run_dir
        time.sleep(0.05)
    raise AssertionError("no partition and pause were ever in force together")


def stop(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        proc.send_signal(sig)
        proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.timeout(240)
def test_sigint_heals_the_faults_in_force(tmp_path: Path) -> None:
    proc, _ = start(tmp_path)
    try:
        run_dir = wait_for_faults(tmp_path)
    finally:
        stop(proc, signal.SIGINT)
    assert leftovers(run_dir) == {}, "teardown healed the partition and resumed the nodes"
    assert list((tmp_path / "state").glob("*.json")) == []


@pytest.mark.timeout(240)
def test_sigkill_then_cleanup_names_and_settles_the_faults(tmp_path: Path) -> None:
    proc, env = start(tmp_path)
    try:
        run_dir = wait_for_faults(tmp_path)
        (state_path,) = (tmp_path / "state").glob("*.json")
        state = runstate.load(state_path)
    finally:
        stop(proc, signal.SIGKILL)
    try:
        assert "partition" in leftovers(run_dir)
        done = subprocess.run([str(SPLITBRAIN), "cleanup"], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "nemesis partition: partition" in done.stdout
        assert "(healed)" in done.stdout
        assert leftovers(run_dir) == {}
        assert "nemesis pause: paused" in done.stdout
        for ns in state.namespaces:
            assert not Path("/run/netns", ns).exists()
    finally:
        # a failed assertion must not leave the killed run's namespaces and processes behind
        # (pytest later deletes tmp_path, and with it the run state cleanup needs)
        subprocess.run([str(SPLITBRAIN), "cleanup"], env=env, capture_output=True, timeout=60,
                       check=False)
