"""End to end: real namespaces, real Raft KV nodes, the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checkers.verdict import ExitCode, Verdict
from harness.kernel.config import TestConfig
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.shell.run import run_test
from harness.shell.runtime import runstate

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


def _gone(state: runstate.RunState) -> None:
    """Nothing the run recorded is left: namespaces, veths, bridge, processes."""
    for ns in state.namespaces:
        assert not Path("/run/netns", ns).exists(), ns
    for link in [*state.veths, state.bridge]:
        assert link is not None
        assert not Path("/sys/class/net", link).exists(), link
    for proc in state.processes:
        start = runstate.process_start_time(proc.pid)
        if start == proc.start_time:  # same process: it must at least be dead (a zombie)
            status = Path(f"/proc/{proc.pid}/status").read_text()
            assert "\nState:\tZ" in status, f"{proc} still running"


@pytest.mark.integration
@pytest.mark.timeout(180)
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_correct_raftkv_is_valid(tmp_path: Path, seed: int) -> None:
    multi = seed != 12
    test = TestConfig(
        name="it", target="raftkv", workload="register", nodes=("n1", "n2", "n3"),
        concurrency=6, time_limit=4.0, rate=150, seed=seed, store=tmp_path / "store",
        workload_options=(() if multi else (("keys", "single"),)),
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.VALID, outcome.results
    assert outcome.exit_code is ExitCode.VALID
    history = read_jsonl(outcome.run_dir / "history.jsonl")
    ok = [op for op in history.operations() if op.type is OpType.OK]
    assert len(ok) > 20, (len(ok), len(history.operations()))
    assert ({op.key for op in ok} == {None}) is not multi
    stored = json.loads((outcome.run_dir / "test.json").read_text())
    assert stored["seed"] == seed
    assert json.loads((outcome.run_dir / "results.json").read_text())["verdict"] == "valid"
    assert (outcome.run_dir / "nodes" / "n2" / "raftkv.log").stat().st_size > 0
    assert list((tmp_path / "state").glob("*.json")) == []


def _start(tmp_path: Path, time_limit: int = 60) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {**os.environ, "SPLITBRAIN_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [str(SPLITBRAIN), "run", "--nodes", "3", "--concurrency", "4", "--rate", "100",
         "--time-limit", str(time_limit), "--seed", "5", "--store", str(tmp_path / "store")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return proc, env


def _wait_for_ops(tmp_path: Path, count: int = 40, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        histories = list((tmp_path / "store").glob("*/*/history.jsonl"))
        if histories and len(histories[0].read_bytes().splitlines()) >= count:
            return histories[0]
        time.sleep(0.1)
    raise AssertionError("the run never recorded operations")


def _state_of(tmp_path: Path) -> runstate.RunState:
    (path,) = (tmp_path / "state").glob("*.json")
    return runstate.load(path)


@pytest.mark.integration
@pytest.mark.timeout(180)
def test_sigkill_leaves_a_readable_history_and_cleanup_removes_the_rest(tmp_path: Path) -> None:
    proc, env = _start(tmp_path)
    try:
        history_path = _wait_for_ops(tmp_path)
        state = _state_of(tmp_path)
        assert len(state.processes) == 3
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    prefix = read_jsonl(history_path)
    assert len(prefix) >= 40
    assert any(op.type is OpType.OK for op in prefix.operations())
    assert Path("/run/netns", state.namespaces[0]).exists()  # left behind by the crash
    done = subprocess.run([str(SPLITBRAIN), "cleanup"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert state.run_id in done.stdout
    _gone(state)
    assert list((tmp_path / "state").glob("*.json")) == []


@pytest.mark.integration
@pytest.mark.timeout(180)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_sigint_and_sigterm_tear_down_by_themselves(tmp_path: Path, sig: signal.Signals) -> None:
    proc, _ = _start(tmp_path)
    try:
        history_path = _wait_for_ops(tmp_path)
        state = _state_of(tmp_path)
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == ExitCode.UNKNOWN
    _gone(state)
    assert list((tmp_path / "state").glob("*.json")) == []
    results = json.loads((history_path.parent / "results.json").read_text())
    assert results["verdict"] == "unknown" and "interrupted" in results["reason"]
    assert len(read_jsonl(history_path)) >= 40


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_a_node_that_does_not_start_is_named_and_everything_is_torn_down(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "SPLITBRAIN_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [str(SPLITBRAIN), "run", "--nodes", "3", "--time-limit", "2", "--store",
         str(tmp_path / "store"), "--target-opt", "ready-timeout=0.001"],
        env=env, capture_output=True, text=True, timeout=100, check=False,
    )
    assert done.returncode == ExitCode.HARNESS_FAILED
    assert "raftkv on n" in done.stderr and "did not answer" in done.stderr
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "state").glob("*.json")) == []
    (log,) = (tmp_path / "store").glob("*/*/controller.log")
    run_id = log.read_text().split("netns runtime ")[1].split(":")[0]
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                           check=True).stdout
    assert f"sb-{run_id}-" not in names
    assert not Path("/sys/class/net", f"sb{run_id}br").exists()

