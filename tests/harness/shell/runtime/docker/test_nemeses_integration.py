"""Every network fault really happens on docker nodes, from the host side (nsenter into the
containers' network namespaces; the node image has no iptables or tc): a one-way grudge, packet
loss, a bandwidth limit and delay through the host's delayer; all healed afterwards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nemesis.ledger import leftovers
from nemesis.operations import F
from nemesis.packet import PacketNemesis
from nemesis.partition import PartitionNemesis
from tests.nemesis.cluster import (
    cluster,
    controller_connects,
    nemesis_op,
    send_udp,
    start_listeners,
    tcp_connects,
    until,
)

pytestmark = [pytest.mark.integration]


@pytest.mark.timeout(180)
def test_one_way_grudge_on_containers(tmp_path: Path, node_image: str) -> None:
    with cluster(tmp_path, runtime="docker") as ctx:
        assert not ctx.runtime.exec("n1", ["sh", "-c", "command -v iptables"],
                                    check=False).ok  # the image has none: rules come from here
        logs = start_listeners(ctx, tmp_path)
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            done = nemesis.invoke(ctx, nemesis_op(F.START_PARTITION, {"grudge": {"n2": ["n1"]}}))
            assert done.value == {"topology": "grudge", "grudge": {"n2": ["n1"]},
                                  "verified": True}
            send_udp(ctx, "n1", "n2", "from-n1")
            send_udp(ctx, "n2", "n1", "from-n2")
            send_udp(ctx, "n3", "n2", "from-n3")
            assert until(lambda: "from-n2" in logs["n1"].read_text())
            assert until(lambda: "from-n3" in logs["n2"].read_text())
            assert "from-n1" not in logs["n2"].read_text()
            assert not tcp_connects(ctx, "n1", "n2")
            assert tcp_connects(ctx, "n1", "n3")
            assert controller_connects(ctx, "n2")  # the controller is never cut off
        finally:
            nemesis.teardown(ctx)
        send_udp(ctx, "n1", "n2", "after-heal")
        assert until(lambda: "after-heal" in logs["n2"].read_text())


@pytest.mark.timeout(180)
def test_loss_bandwidth_and_delay_on_containers(tmp_path: Path, node_image: str) -> None:
    with cluster(tmp_path, ("n1", "n2"), runtime="docker") as ctx:
        start_listeners(ctx, tmp_path)
        nemesis = PacketNemesis(seed=1).setup(ctx)
        try:
            nemesis.invoke(ctx, nemesis_op(F.START_LOSS, {"targets": "all", "probability": 1.0}))
            assert not tcp_connects(ctx, "n1", "n2")
            assert controller_connects(ctx, "n2")
            nemesis.invoke(ctx, nemesis_op(F.STOP_LOSS))
            assert tcp_connects(ctx, "n1", "n2")

            done = nemesis.invoke(ctx, nemesis_op(
                F.START_BANDWIDTH, {"targets": "all", "rate": "2mbit"}))
            assert done.error is None, done.error
            assert "tbf" in ctx.runtime.net_exec("n1", ["tc", "qdisc", "show"]).stdout
            nemesis.invoke(ctx, nemesis_op(F.STOP_BANDWIDTH))
            assert "tbf" not in ctx.runtime.net_exec("n1", ["tc", "qdisc", "show"]).stdout

            done = nemesis.invoke(ctx, nemesis_op(
                F.START_DELAY, {"targets": "all", "delay_ms": 100, "jitter_ms": 10}))
            assert done.error is None, done.error
            assert tcp_connects(ctx, "n1", "n2", timeout=5.0)
            nemesis.invoke(ctx, nemesis_op(F.STOP_DELAY))
            log = ctx.node_dir("n2") / "delayer.log"
            assert until(lambda: "released" in log.read_text())
            released = re.search(r"released (\d+) packets", log.read_text())
            assert released is not None and int(released.group(1)) > 0
            assert leftovers(ctx.run_dir) == {}
        finally:
            nemesis.teardown(ctx)
