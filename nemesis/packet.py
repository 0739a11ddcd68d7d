"""Packet faults on traffic between nodes: loss, a bandwidth limit, and delay.

- ``start-loss`` ``{"targets", "probability"}``: the chosen nodes drop each packet from other
  nodes with that probability (iptables ``statistic --mode random``);
- ``start-bandwidth`` ``{"targets", "rate"}``: a ``tbf`` qdisc on the chosen nodes' interface
  (e.g. ``"1mbit"``; it shapes everything the node sends);
- ``start-delay`` ``{"targets", "delay_ms", "jitter_ms"}``: packets from other nodes go through
  NFQUEUE to a userspace delayer (:mod:`nemesis.delayer`) inside the node, since there is no netem;
- ``stop-loss``, ``stop-bandwidth``, ``stop-delay`` undo them. The controller's traffic is never
  dropped or delayed (rules match other nodes' addresses only).
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.nodes import ExecError, ProcessHandle
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete
from nemesis.firewall import Chain, Firewall, Position, Rule, parallel, run_tag
from nemesis.ledger import Ledger
from nemesis.operations import F, FaultError, NemesisSetupError, arguments, number, text
from nemesis.partition import check_iptables
from nemesis.process import target_nodes
from nemesis.targets import Targets, TargetsError

QUEUE = 7
RATE = re.compile(r"^\d+(\.\d+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$")
DELAYER_READY_S = 10.0


class PacketFault(StrEnum):
    LOSS = "loss"
    BANDWIDTH = "bandwidth"
    DELAY = "delay"


STARTS = {F.START_LOSS: PacketFault.LOSS, F.START_BANDWIDTH: PacketFault.BANDWIDTH,
          F.START_DELAY: PacketFault.DELAY}
STOPS = {F.STOP_LOSS: PacketFault.LOSS, F.STOP_BANDWIDTH: PacketFault.BANDWIDTH,
         F.STOP_DELAY: PacketFault.DELAY}


def loss_rule(address: str, probability: float) -> Rule:
    return ("-s", address, "-m", "statistic", "--mode", "random", "--probability",
            f"{probability:.6f}", "-j", "DROP")


def queue_rule(address: str, queue: int = QUEUE) -> Rule:
    return ("-s", address, "-j", "NFQUEUE", "--queue-num", str(queue), "--queue-bypass")


def tbf_argv(interface: str, rate: str) -> list[str]:
    return ["tc", "qdisc", "replace", "dev", interface, "root", "tbf", "rate", rate,
            "burst", "32kbit", "latency", "400ms"]


def interface_of(ctx: RunContext, node: str) -> str:
    """The interface inside ``node`` that carries its node address."""
    address = ctx.runtime.address(node)
    out = ctx.runtime.net_exec(node, ["ip", "-o", "-4", "addr", "show"]).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3].split("/")[0] == address:
            return fields[1].split("@")[0]
    raise NemesisSetupError(f"no interface with address {address} inside {node}")


class PacketNemesis:

    def __init__(self, *, seed: int, kinds: frozenset[PacketFault] = frozenset(PacketFault)
                 ) -> None:
        self.kinds = kinds
        self.fs = frozenset(f.value for f, k in (*STARTS.items(), *STOPS.items()) if k in kinds)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._loss: Firewall | None = None
        self._delay: Firewall | None = None
        self._interfaces: dict[str, str] = {}
        self._active: dict[PacketFault, dict[str, JSON]] = {}
        self._shaped: set[str] = set()
        self._delayers: dict[str, ProcessHandle] = {}
        self._ledger: Ledger | None = None

    # --- Nemesis ---------------------------------------------------------------------------------

    def setup(self, ctx: RunContext) -> PacketNemesis:
        tag = run_tag(ctx.run_dir)
        if self.kinds & {PacketFault.LOSS, PacketFault.DELAY}:
            check_iptables(ctx)
        if PacketFault.DELAY in self.kinds and importlib.util.find_spec("netfilterqueue") is None:
            raise NemesisSetupError(
                "packet delay needs the PyPI package NetfilterQueue (built against Debian "
                "libnetfilter-queue-dev; scripts/setup installs both)"
            )
        if PacketFault.BANDWIDTH in self.kinds:
            try:
                ctx.runtime.net_exec(ctx.nodes[0], ["tc", "qdisc", "show"])
            except (ExecError, OSError) as e:
                raise NemesisSetupError(f"tc (iproute2) does not work inside nodes: {e}") from e
            self._interfaces = parallel(list(ctx.nodes), lambda n: interface_of(ctx, n))
        if PacketFault.LOSS in self.kinds:
            self._loss = Firewall(ctx.runtime, tag, Chain.LOSS, Position.FIRST)
            self._loss.install(list(ctx.nodes))
        if PacketFault.DELAY in self.kinds:
            self._delay = Firewall(ctx.runtime, tag, Chain.DELAY, Position.LAST)
            self._delay.install(list(ctx.nodes))
        self._ledger = Ledger(ctx.run_dir, "packet")
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        try:
            args = arguments(op.value)
            if op.f in STARTS:
                kind = STARTS[F(op.f)]
                if kind not in self.kinds:
                    raise FaultError(f"packet {kind.value} is not enabled")
                nodes = self._targets(ctx, args)
                done = {
                    PacketFault.LOSS: self._start_loss,
                    PacketFault.BANDWIDTH: self._start_bandwidth,
                    PacketFault.DELAY: self._start_delay,
                }[kind](ctx, nodes, args)
                self._record(kind, done)
                return complete(op, OpType.INFO, done)
            if op.f in STOPS:
                kind = STOPS[F(op.f)]
                self._stop(ctx, kind)
                return complete(op, OpType.INFO, {"healed": kind.value})
        except (FaultError, TargetsError) as e:
            return complete(op, OpType.INFO, op.value, error=str(e))
        return complete(op, OpType.INFO, op.value, error=f"packet cannot do {op.f!r}")

    def teardown(self, ctx: RunContext) -> None:
        errors: list[str] = []
        for kind in PacketFault:
            if kind in self.kinds:
                try:
                    self._stop(ctx, kind)
                except Exception as e:
                    errors.append(f"{kind.value}: {e}")
        for firewall in (self._loss, self._delay):
            if firewall is not None:
                errors += firewall.uninstall()
        if errors:
            raise FaultError("healing packet faults: " + "; ".join(errors))

    def active_faults(self) -> Sequence[str]:
        with self._lock:
            active = dict(self._active)
        out = []
        for kind, done in sorted(active.items()):
            nodes = done.get("nodes")
            where = ", ".join(str(n) for n in nodes) if isinstance(nodes, list) else "?"
            what = {k: v for k, v in done.items() if k not in ("nodes", "targets")}
            out.append(f"{kind.value} {what} on {where}")
        return out

    # --- faults ----------------------------------------------------------------------------------

    def _targets(self, ctx: RunContext, args: Mapping[str, JSON]) -> tuple[str, ...]:
        return target_nodes(ctx, args, default=Targets.ALL, rng=self._rng)

    def _peer_rules(self, ctx: RunContext, nodes: Sequence[str], rule: Callable[[str], Rule]
                    ) -> dict[str, list[Rule]]:
        return {
            node: [rule(ctx.runtime.address(p)) for p in ctx.nodes if p != node]
            if node in nodes else []
            for node in ctx.nodes
        }

    def _start_loss(self, ctx: RunContext, nodes: Sequence[str], args: Mapping[str, JSON]
                    ) -> dict[str, JSON]:
        assert self._loss is not None
        p = number(args, "probability", 0.2)
        if not 0.0 < p <= 1.0:
            raise FaultError(f"loss probability must be in (0, 1], got {p:g}")
        self._loss.replace(self._peer_rules(ctx, nodes, lambda a: loss_rule(a, p)))
        return {"nodes": list[JSON](nodes), "probability": p}

    def _start_bandwidth(self, ctx: RunContext, nodes: Sequence[str], args: Mapping[str, JSON]
                         ) -> dict[str, JSON]:
        rate = text(args, "rate", "1mbit")
        if not RATE.match(rate):
            raise FaultError(f"bandwidth rate must look like 500kbit or 1mbit, got {rate!r}")
        self._unshape(ctx)

        def shape(node: str) -> None:
            with self._lock:
                self._shaped.add(node)
            ctx.runtime.net_exec(node, tbf_argv(self._interfaces[node], rate))

        parallel(list(nodes), shape)
        return {"nodes": list[JSON](nodes), "rate": rate}

    def _start_delay(self, ctx: RunContext, nodes: Sequence[str], args: Mapping[str, JSON]
                     ) -> dict[str, JSON]:
        assert self._delay is not None
        delay = number(args, "delay_ms", 50.0)
        jitter = number(args, "jitter_ms", 0.0)
        if not 0.0 < delay <= 10_000.0 or not 0.0 <= jitter <= delay:
            raise FaultError(
                f"delay needs 0 < delay_ms <= 10000 and 0 <= jitter_ms <= delay_ms, got "
                f"{delay:g} and {jitter:g}"
            )
        self._stop(ctx, PacketFault.DELAY)
        seed = self._rng.randrange(1 << 31)

        def start(node: str) -> None:
            log = ctx.node_dir(node) / "delayer.log"
            proc = ctx.runtime.net_spawn(
                node, "delayer",
                [sys.executable, "-m", "nemesis.delayer", "--queue", str(QUEUE),
                 "--delay-ms", f"{delay:g}", "--jitter-ms", f"{jitter:g}", "--seed", str(seed)],
                log_path=log,
            )
            with self._lock:
                self._delayers[node] = proc
            _wait_for_line(proc, "delayer: queue")

        parallel(list(nodes), start)
        self._delay.replace(self._peer_rules(ctx, nodes, queue_rule))
        return {"nodes": list[JSON](nodes), "delay_ms": delay, "jitter_ms": jitter}

    def _stop(self, ctx: RunContext, kind: PacketFault) -> None:
        if kind is PacketFault.LOSS and self._loss is not None:
            self._loss.flush()
        elif kind is PacketFault.BANDWIDTH:
            self._unshape(ctx)
        elif kind is PacketFault.DELAY:
            if self._delay is not None:
                self._delay.flush()  # first stop queueing, then stop the delayers
            with self._lock:
                delayers, self._delayers = dict(self._delayers), {}
            parallel(list(delayers), lambda node: delayers[node].stop(timeout=3.0))
        self._record(kind, None)

    def _unshape(self, ctx: RunContext) -> None:
        with self._lock:
            shaped = sorted(self._shaped)

        def unshape(node: str) -> None:
            ctx.runtime.net_exec(
                node, ["tc", "qdisc", "del", "dev", self._interfaces[node], "root"], check=False)
            with self._lock:
                self._shaped.discard(node)

        parallel(shaped, unshape)

    def _record(self, kind: PacketFault, done: dict[str, JSON] | None) -> None:
        with self._lock:
            if done is None:
                self._active.pop(kind, None)
            else:
                self._active[kind] = done
        if self._ledger is not None:
            if done is None:
                self._ledger.clear(kind.value)
            else:
                self._ledger.record(kind.value, done)


def _wait_for_line(proc: ProcessHandle, marker: str) -> None:
    deadline = time.monotonic() + DELAYER_READY_S
    while time.monotonic() < deadline:
        try:
            if marker in proc.log_path.read_text(errors="replace"):
                return
        except FileNotFoundError:
            pass
        if not proc.alive():
            raise FaultError(f"the delayer on {proc.node} exited: "
                             f"{proc.log_path.read_text(errors='replace')[-300:]}")
        time.sleep(0.02)
    raise FaultError(f"the delayer on {proc.node} did not start within {DELAYER_READY_S:g} s")


__all__ = [
    "PacketFault",
    "PacketNemesis",
    "interface_of",
    "loss_rule",
    "queue_rule",
    "tbf_argv",
]
