from __future__ import annotations

from pathlib import Path

import pytest

from nemesis.firewall import Chain, Firewall, Position, drop_from, replace_script, run_tag
from nemesis.operations import F, FaultError, NemesisSetupError
from nemesis.partition import PartitionNemesis
from tests.nemesis.cluster import nemesis_op
from tests.nemesis.fakes import FakeRuntime, fake_context


def test_replace_script_declares_flushes_and_fills_the_chain() -> None:
    script = replace_script("sb-1-part", [drop_from("10.0.0.2"), drop_from("10.0.0.3")])
    assert script == (
        "*filter\n:sb-1-part - [0:0]\n-A sb-1-part -s 10.0.0.2 -j DROP\n"
        "-A sb-1-part -s 10.0.0.3 -j DROP\nCOMMIT\n"
    )


def test_run_tag_is_stable_and_short(tmp_path: Path) -> None:
    assert run_tag(tmp_path) == run_tag(tmp_path)
    assert run_tag(tmp_path) != run_tag(tmp_path / "other")
    assert len(f"sb-{run_tag(tmp_path)}-delay") <= 28


def test_rules_matching_the_controller_are_refused() -> None:
    runtime = FakeRuntime(["n1", "n2"])
    firewall = Firewall(runtime, "t", Chain.PARTITION, Position.FIRST)
    with pytest.raises(FaultError, match="controller"):
        firewall.replace({"n1": [drop_from(runtime.controller_address)]})


def test_partition_writes_one_restore_per_node_and_heal_empties_them(tmp_path: Path) -> None:
    runtime = FakeRuntime(["n1", "n2", "n3"])
    ctx = fake_context(tmp_path, nodes=["n1", "n2", "n3"], runtime=runtime)
    nemesis = PartitionNemesis(seed=0).setup(ctx)
    runtime.calls.clear()
    nemesis.invoke(ctx, nemesis_op(F.START_PARTITION, {"grudge": {"n1": ["n2", "n3"]}}))
    scripts = {node: stdin for node, argv, stdin in runtime.calls
               if "iptables-restore" in " ".join(argv)}
    chain = f"sb-{run_tag(tmp_path)}-part"
    assert scripts["n1"] is not None
    assert f"-A {chain} -s 10.9.0.2 -j DROP" in scripts["n1"]
    assert f"-A {chain} -s 10.9.0.3 -j DROP" in scripts["n1"]
    assert scripts["n2"] == f"*filter\n:{chain} - [0:0]\nCOMMIT\n"
    runtime.calls.clear()
    nemesis.teardown(ctx)
    argvs = [argv for _, argv, _ in runtime.calls]
    assert ("iptables", "-w", "-D", "INPUT", "-j", chain) in argvs
    assert ("iptables", "-w", "-X", chain) in argvs


def test_partition_setup_fails_clearly_without_iptables(tmp_path: Path) -> None:
    runtime = FakeRuntime(["n1", "n2"], fail={"iptables": "iptables: command not found"})
    ctx = fake_context(tmp_path, nodes=["n1", "n2"], runtime=runtime)
    with pytest.raises(NemesisSetupError, match="iptables does not work inside node n1"):
        PartitionNemesis(seed=0).setup(ctx)
