from __future__ import annotations

import time
from pathlib import Path

import pytest

from nemesis.ledger import leftovers
from nemesis.operations import F
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


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_partition_cuts_across_and_keeps_sides_and_controller(tmp_path: Path) -> None:
    with cluster(tmp_path) as ctx:
        start_listeners(ctx, tmp_path)
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            assert tcp_connects(ctx, "n1", "n2")
            started = time.monotonic()
            done = nemesis.invoke(ctx, nemesis_op(F.START_PARTITION, {"topology": "halves"}))
            print(f"partition applied in {time.monotonic() - started:.3f} s")
            assert done.error is None, done.error
            assert done.value == {
                "topology": "halves", "grudge": {"n1": ["n2", "n3"], "n2": ["n1"], "n3": ["n1"]},
                "verified": True,  # the rules were read back from every node
            }
            assert not tcp_connects(ctx, "n1", "n2")
            assert not tcp_connects(ctx, "n3", "n1")
            assert tcp_connects(ctx, "n2", "n3")
            assert all(controller_connects(ctx, n) for n in ctx.nodes)
            assert "partition" in leftovers(ctx.run_dir)["partition"]
            assert nemesis.active_faults() == ["partition halves: n1<n2,n3; n2<n1; n3<n1"]

            started = time.monotonic()
            healed = nemesis.invoke(ctx, nemesis_op(F.STOP_PARTITION, None))
            print(f"partition healed in {time.monotonic() - started:.3f} s")
            assert healed.value == {"healed": "partition"}
            assert tcp_connects(ctx, "n1", "n2")
            assert leftovers(ctx.run_dir) == {}
            assert nemesis.active_faults() == []
        finally:
            nemesis.teardown(ctx)
        for node in ctx.nodes:
            rules = ctx.runtime.exec(node, ["iptables", "-w", "-S"]).stdout
            assert "sb-" not in rules, f"teardown left rules on {node}: {rules}"


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_one_way_grudge_blocks_one_direction_only(tmp_path: Path) -> None:
    with cluster(tmp_path) as ctx:
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
            # TCP needs both directions, so it fails either way round
            assert not tcp_connects(ctx, "n1", "n2")
            assert tcp_connects(ctx, "n1", "n3")
        finally:
            nemesis.teardown(ctx)
        send_udp(ctx, "n1", "n2", "after-heal")
        assert until(lambda: "after-heal" in logs["n2"].read_text())


@pytest.mark.integration
@pytest.mark.timeout(60)
def test_unknown_topology_is_reported_not_raised(tmp_path: Path) -> None:
    with cluster(tmp_path, ("n1", "n2")) as ctx:
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            done = nemesis.invoke(ctx, nemesis_op(F.START_PARTITION, {"topology": "bridge"}))
            assert done.error == "bridge needs at least 3 nodes, got 2"
            assert leftovers(ctx.run_dir) == {}
            assert nemesis.active_faults() == []
        finally:
            nemesis.teardown(ctx)
