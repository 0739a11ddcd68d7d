"""The partition nemesis: turns a grudge into DROP rules inside the node namespaces.

``start-partition`` takes ``{"topology": "<name>"}`` (see :class:`~nemesis.topology.Topology`) or
``{"grudge": {"n1": ["n2"], ...}}`` and completes with the topology and the grudge applied;
a new partition replaces the previous one. ``stop-partition`` heals.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.nodes import ExecError
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import HasPrimaries, complete
from nemesis import topology
from nemesis.firewall import Chain, Firewall, Position, Rule, drop_from, run_tag
from nemesis.ledger import Ledger
from nemesis.operations import F, FaultError, NemesisSetupError, arguments, text
from nemesis.targets import current_primaries
from nemesis.topology import Topology, TopologyError


def grudge_rules(ctx: RunContext, grudge: topology.Grudge) -> dict[str, list[Rule]]:
    """Every node's DROP rules for ``grudge`` (nodes without a grudge get none)."""
    return {
        node: [drop_from(ctx.runtime.address(o)) for o in sorted(grudge.get(node, ()))]
        for node in ctx.nodes
    }


def grudge_argument(raw: JSON, nodes: Sequence[str]) -> dict[str, frozenset[str]]:
    """A grudge given as an op argument: ``{"n1": ["n2", "n3"], ...}``."""
    if not isinstance(raw, dict):
        raise FaultError(f"grudge must map nodes to lists of nodes, got {raw!r}")
    entries: list[str] = []
    for node, senders in raw.items():
        if not isinstance(senders, list) or not all(isinstance(s, str) for s in senders):
            raise FaultError(f"grudge of {node!r} must be a list of nodes, got {senders!r}")
        entries.append(f"{node}<{','.join(str(s) for s in senders)}")
    return topology.parse_grudge(";".join(entries), nodes)


def describe(grudge: topology.Grudge) -> str:
    return "; ".join(f"{n}<{','.join(sorted(grudge[n]))}" for n in sorted(grudge)) or "nothing"


class PartitionNemesis:
    fs = frozenset({F.START_PARTITION.value, F.STOP_PARTITION.value})

    def __init__(self, *, seed: int) -> None:
        self._rng = random.Random(seed)
        self._firewall: Firewall | None = None
        self._ledger: Ledger | None = None
        self._active: str | None = None

    def setup(self, ctx: RunContext) -> PartitionNemesis:
        check_iptables(ctx)
        self._ledger = Ledger(ctx.run_dir, "partition")
        self._firewall = Firewall(ctx.runtime, run_tag(ctx.run_dir), Chain.PARTITION,
                                  Position.FIRST)
        self._firewall.install(list(ctx.nodes))
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        try:
            if op.f == F.START_PARTITION:
                return complete(op, OpType.INFO, self._start(ctx, arguments(op.value)))
            if op.f == F.STOP_PARTITION:
                self._heal()
                return complete(op, OpType.INFO, {"healed": "partition"})
        except (FaultError, TopologyError) as e:
            return complete(op, OpType.INFO, op.value, error=str(e))
        return complete(op, OpType.INFO, op.value, error=f"partition cannot do {op.f!r}")

    def teardown(self, ctx: RunContext) -> None:
        if self._firewall is None:
            return
        try:
            self._heal()
        finally:
            errors = self._firewall.uninstall()
            if errors:
                raise FaultError("removing partition rules: " + "; ".join(errors))

    def active_faults(self) -> Sequence[str]:
        return [] if self._active is None else [self._active]

    def _start(self, ctx: RunContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
        firewall, ledger = self._ready()
        if "grudge" in args:
            grudge = grudge_argument(args["grudge"], ctx.nodes)
            name = "grudge"
        else:
            name = text(args, "topology", Topology.RANDOM_HALVES.value)
            try:
                shape = Topology(name)
            except ValueError:
                raise FaultError(f"unknown topology {name!r}") from None
            primaries: Sequence[str] = ()
            if shape is Topology.ISOLATE_PRIMARY:
                if not isinstance(ctx.db, HasPrimaries):
                    raise FaultError("the target cannot name its primaries")
                primaries = current_primaries(ctx.db, ctx)
            grudge = topology.build(shape, ctx.nodes, self._rng, primaries=primaries)
        firewall.replace(grudge_rules(ctx, grudge))
        applied: dict[str, JSON] = {
            node: list[JSON](senders) for node, senders in topology.to_json(grudge).items()
        }
        ledger.record("partition", {"chain": firewall.name, "grudge": applied})
        self._active = f"partition {name}: {describe(grudge)}"
        # read the rules back: the partition is what the nodes' firewalls really hold
        mismatches = firewall.verify({
            node: frozenset(ctx.runtime.address(o) for o in grudge.get(node, ()))
            for node in ctx.nodes
        })
        out: dict[str, JSON] = {"topology": name, "grudge": applied, "verified": not mismatches}
        if mismatches:
            out["verification"] = "; ".join(f"{n}: {m}" for n, m in sorted(mismatches.items()))
        return out

    def _heal(self) -> None:
        firewall, ledger = self._ready()
        firewall.flush()
        ledger.clear("partition")
        self._active = None

    def _ready(self) -> tuple[Firewall, Ledger]:
        if self._firewall is None or self._ledger is None:
            raise FaultError("the partition nemesis was not set up")
        return self._firewall, self._ledger


def check_iptables(ctx: RunContext) -> None:
    """Refuse at setup, clearly, when iptables cannot run inside the nodes."""
    node = ctx.nodes[0]
    try:
        ctx.runtime.net_exec(node, ["iptables", "-w", "-L", "INPUT", "-n"])
    except (ExecError, OSError) as e:
        raise NemesisSetupError(
            f"iptables does not work inside node {node} (install iptables; scripts/setup "
            f"does): {e}"
        ) from e


__all__ = ["PartitionNemesis", "check_iptables", "describe", "grudge_rules"]
