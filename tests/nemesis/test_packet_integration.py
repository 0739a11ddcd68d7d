from __future__ import annotations

import re
from pathlib import Path

import pytest

from nemesis.ledger import leftovers
from nemesis.operations import F
from nemesis.packet import PacketNemesis
from tests.nemesis.cluster import (
    cluster,
    controller_connects,
    nemesis_op,
    start_listeners,
    tcp_connects,
    until,
)


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_loss_bandwidth_and_delay_really_happen_and_heal(tmp_path: Path) -> None:
    with cluster(tmp_path, ("n1", "n2")) as ctx:
        start_listeners(ctx, tmp_path)
        nemesis = PacketNemesis(seed=1).setup(ctx)
        try:
            # total loss on n2: nothing from n1 arrives, the controller still gets through
            done = nemesis.invoke(ctx, nemesis_op(
                F.START_LOSS, {"targets": "all", "probability": 1.0}))
            assert done.value == {"nodes": ["n1", "n2"], "probability": 1.0}
            assert not tcp_connects(ctx, "n1", "n2")
            assert controller_connects(ctx, "n2")
            assert "loss" in leftovers(ctx.run_dir)["packet"]
            nemesis.invoke(ctx, nemesis_op(F.STOP_LOSS))
            assert tcp_connects(ctx, "n1", "n2")

            done = nemesis.invoke(ctx, nemesis_op(
                F.START_BANDWIDTH, {"targets": "all", "rate": "2mbit"}))
            assert done.error is None, done.error
            assert "tbf" in ctx.runtime.exec("n1", ["tc", "qdisc", "show", "dev", "eth0"]).stdout
            assert tcp_connects(ctx, "n1", "n2")
            nemesis.invoke(ctx, nemesis_op(F.STOP_BANDWIDTH))
            assert "tbf" not in ctx.runtime.exec("n1", ["tc", "qdisc", "show"]).stdout

            done = nemesis.invoke(ctx, nemesis_op(
                F.START_DELAY, {"targets": "all", "delay_ms": 100, "jitter_ms": 10}))
            assert done.error is None, done.error
            assert nemesis.active_faults() == [
                "delay {'delay_ms': 100.0, 'jitter_ms': 10.0} on n1, n2"
            ]
            assert tcp_connects(ctx, "n1", "n2", timeout=5.0)
            nemesis.invoke(ctx, nemesis_op(F.STOP_DELAY))
            log = ctx.node_dir("n2") / "delayer.log"
            assert until(lambda: "released" in log.read_text())
            released = re.search(r"released (\d+) packets", log.read_text())
            assert released is not None and int(released.group(1)) > 0
            assert tcp_connects(ctx, "n1", "n2")
            assert leftovers(ctx.run_dir) == {}
        finally:
            nemesis.teardown(ctx)
        for node in ctx.nodes:
            assert "sb-" not in ctx.runtime.exec(node, ["iptables", "-w", "-S"]).stdout
