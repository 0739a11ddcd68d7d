"""The example plugin's server and client, as real processes on loopback (no root needed):
what each answer of the server becomes in the history."""

from __future__ import annotations

import json
import logging
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from splitbrain_example_kv.client import KVClient
from splitbrain_example_kv.db import answers
from splitbrain_example_kv.target import target

from harness.cli import cli
from harness.kernel.clock import ManualClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import NoopDB
from harness.shell.runtime.static import StaticRuntime
from targets.registry import TargetError

PRIMARY, REPLICA = "127.0.0.1", "127.0.0.2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((PRIMARY, 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """A primary on 127.0.0.1 and a replica on 127.0.0.2, same port."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.port = tmp, free_port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, host: str) -> None:
        argv = [sys.executable, "-m", "splitbrain_example_kv.server", "--host", host,
                "--port", str(self.port), "--data", str(self.tmp / f"{host}.json")]
        if host == PRIMARY:
            argv += ["--primary", "--replicas", f"{REPLICA}:{self.port}"]
        self.procs[host] = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not answers(host, self.port):
            assert time.monotonic() < deadline, f"{host} did not start"
            time.sleep(0.05)

    def signal(self, host: str, sig: signal.Signals) -> None:
        self.procs[host].send_signal(sig)
        if sig is signal.SIGKILL:
            self.procs[host].wait()

    def close(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGCONT)
            proc.kill()
            proc.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(tmp_path)
    try:
        c.start(REPLICA)
        c.start(PRIMARY)
        yield c
    finally:
        c.close()


def context(tmp_path: Path) -> RunContext:
    runtime = StaticRuntime({"n1": PRIMARY, "n2": REPLICA})
    return RunContext(test=TestConfig(name="t", target="example-kv", workload="register",
                                      nodes=("n1", "n2")),
                      runtime=runtime, db=NoopDB(), run_dir=tmp_path, clock=ManualClock(),
                      rng=random.Random(1), log=logging.getLogger("test"))


def invoke(client: KVClient, ctx: RunContext, f: str, value: JSON = None) -> Op:
    op = Op(index=0, time=0, type=OpType.INVOKE, process=0, f=f, value=value, key=3)
    done = client.invoke(ctx, op)
    assert (done.process, done.f, done.key) == (0, f, 3)
    return done


def test_writes_reads_and_cas_on_the_primary(cluster: Cluster, tmp_path: Path) -> None:
    ctx = context(tmp_path)
    client = KVClient(port=cluster.port, local_reads=False).open(ctx, "n2")
    assert invoke(client, ctx, "read").type is OpType.OK
    assert invoke(client, ctx, "read").value is None
    assert invoke(client, ctx, "write", 1).type is OpType.OK
    assert invoke(client, ctx, "read").value == 1  # n2's client reads on the primary
    assert invoke(client, ctx, "cas", [1, 2]).type is OpType.OK
    mismatch = invoke(client, ctx, "cas", [1, 4])
    assert mismatch.type is OpType.FAIL  # certainly not applied
    assert invoke(client, ctx, "read").value == 2


def test_local_reads_see_the_replica_which_lags_behind(cluster: Cluster, tmp_path: Path) -> None:
    ctx = context(tmp_path)
    client = KVClient(port=cluster.port, local_reads=True).open(ctx, "n2")
    invoke(client, ctx, "write", 1)
    deadline = time.monotonic() + 10
    while invoke(client, ctx, "read").value != 1:  # replicated in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    cluster.signal(REPLICA, signal.SIGSTOP)
    invoke(client, ctx, "write", 2)  # the primary acknowledges it, the replica cannot take it
    cluster.signal(REPLICA, signal.SIGCONT)
    time.sleep(0.05)  # the replicator retries every 0.1 s: usually not there yet
    value = invoke(client, ctx, "read").value
    assert value in (1, 2)
    deadline = time.monotonic() + 10
    while invoke(client, ctx, "read").value != 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_paused_primary_makes_writes_info_and_reads_fail(
    cluster: Cluster, tmp_path: Path
) -> None:
    ctx = context(tmp_path)
    client = KVClient(port=cluster.port, local_reads=False, timeout=0.3).open(ctx, "n1")
    cluster.signal(PRIMARY, signal.SIGSTOP)
    write = invoke(client, ctx, "write", 1)
    assert write.type is OpType.INFO and write.error is not None  # it may yet happen
    assert invoke(client, ctx, "read").type is OpType.FAIL  # a read changes nothing
    assert invoke(client, ctx, "cas", [1, 2]).type is OpType.INFO
    cluster.signal(PRIMARY, signal.SIGCONT)


def test_a_killed_primary_refuses_and_keeps_acknowledged_writes(
    cluster: Cluster, tmp_path: Path
) -> None:
    ctx = context(tmp_path)
    client = KVClient(port=cluster.port, local_reads=False).open(ctx, "n1")
    assert invoke(client, ctx, "write", 4).type is OpType.OK
    cluster.signal(PRIMARY, signal.SIGKILL)
    refused = invoke(client, ctx, "write", 1)
    assert refused.type is OpType.FAIL and "refused" in (refused.error or "")
    cluster.start(PRIMARY)
    assert invoke(client, ctx, "read").value == 4


def test_a_replica_refuses_writes_with_503(cluster: Cluster, tmp_path: Path) -> None:
    ctx = context(tmp_path)
    client = KVClient(port=cluster.port, local_reads=False).open(ctx, "n1")
    client.write_host = REPLICA
    done = invoke(client, ctx, "write", 1)
    assert done.type is OpType.FAIL and "not the primary" in (done.error or "")


@pytest.mark.parametrize(("opts", "words"), [
    ((("colour", "red"),), "unknown option"),
    ((("port", "http"),), "port must be"),
    ((("reads", "any"),), "reads must be primary or local"),
])
def test_bad_target_options(opts: tuple[tuple[str, str], ...], words: str) -> None:
    with pytest.raises(TargetError, match=words):
        target(TestConfig(name="t", target="example-kv", workload="register",
                          target_options=opts))


def test_the_target_serves_the_register_workload_only() -> None:
    made = target(TestConfig(name="t", target="example-kv", workload="register"))
    assert set(made.clients) == {"register"}
    with pytest.raises(TargetError, match="does not support workload 'set'"):
        made.client("set")


def test_installed_from_its_folder_and_listed_with_its_distribution() -> None:
    import importlib.metadata

    import splitbrain_example_kv

    dist = importlib.metadata.distribution("splitbrain-example-kv")  # scripts/setup installs it
    source = Path(__file__).resolve().parents[2] / "examples" / "plugin-kv"
    assert source not in Path(splitbrain_example_kv.__file__).resolve().parents  # a real copy
    assert [(ep.name, ep.value) for ep in dist.entry_points
            if ep.group == "splitbrain.targets"] == [
        ("example-kv", "splitbrain_example_kv.target:target")]
    listed = [json.loads(line) for line in
              CliRunner().invoke(cli, ["list", "--json"]).stdout.splitlines()]
    (row,) = [r for r in listed if r["name"] == "example-kv"]
    assert row["origin"] == f"splitbrain-example-kv {dist.version}" and row["error"] is None
