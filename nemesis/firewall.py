"""iptables rules inside node namespaces, in chains of our own so healing removes exactly ours.

Each fault kind owns one chain per run (``sb-<run>-part``, ``-loss``, ``-delay``) in the
``filter`` table, jumped to from ``INPUT``. Replacing a chain's rules is one ``iptables-restore
--noflush`` per node (atomic on that node); the nodes are done in parallel so a cut is near
simultaneous. Rules match source addresses of other *nodes* only, so the controller's traffic is
never touched.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from harness.kernel.nodes import ExecError, NodeRuntime
from nemesis.operations import FaultError

Rule = tuple[str, ...]
"""The match and target of one rule, e.g. ``("-s", "10.0.0.2", "-j", "DROP")``."""

T = TypeVar("T")


class Chain(StrEnum):
    PARTITION = "part"
    LOSS = "loss"
    DELAY = "delay"


class Position(StrEnum):
    FIRST = "first"  # inserted at the top of INPUT (drops)
    LAST = "last"  # appended to INPUT (NFQUEUE: after every drop)


def run_tag(run_dir: Path) -> str:
    """A short tag unique to the run, for chain names (at most 28 characters in all)."""
    return f"{zlib.crc32(str(run_dir.resolve()).encode()):08x}"


def chain_name(tag: str, chain: Chain) -> str:
    return f"sb-{tag}-{chain.value}"


def replace_script(name: str, rules: Sequence[Rule]) -> str:
    """``iptables-restore --noflush`` input that creates/flushes chain ``name`` and fills it."""
    lines = ["*filter", f":{name} - [0:0]"]
    lines += [" ".join(("-A", name, *rule)) for rule in rules]
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def drop_from(address: str) -> Rule:
    return ("-s", address, "-j", "DROP")


def parallel(nodes: Sequence[str], action: Callable[[str], T]) -> dict[str, T]:
    """``action(node)`` for every node at once; the first error is raised after all finished."""
    if not nodes:
        return {}
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        futures = {node: pool.submit(action, node) for node in nodes}
    return {node: future.result() for node, future in futures.items()}


class Firewall:
    """One chain of ours on every node of a runtime."""

    def __init__(self, runtime: NodeRuntime, tag: str, chain: Chain, position: Position) -> None:
        self._runtime = runtime
        self.name = chain_name(tag, chain)
        self._position = position
        self._installed: set[str] = set()

    @property
    def installed(self) -> frozenset[str]:
        return frozenset(self._installed)

    def install(self, nodes: Sequence[str]) -> None:
        """Create the (empty) chain and the jump from INPUT on each node."""

        def one(node: str) -> None:
            if node in self._installed:
                return
            self._restore(node, replace_script(self.name, []), ensure_jump=True)
            self._installed.add(node)

        parallel(nodes, one)

    def _jump(self) -> tuple[str, ...]:
        return ("-I", "INPUT", "1") if self._position is Position.FIRST else ("-A", "INPUT")

    def replace(self, rules: Mapping[str, Sequence[Rule]]) -> None:
        """Set the chain's rules on each node named (others keep theirs)."""
        controller = self._runtime.controller_address
        for node, node_rules in rules.items():
            for rule in node_rules:
                if controller in rule:
                    raise FaultError(f"refusing a rule on {node} that matches the controller")
        self.install(list(rules))
        # the jump is checked again: a node restarted as a whole (a container) has a fresh
        # network namespace without our chain
        parallel(list(rules), lambda node: self._restore(
            node, replace_script(self.name, rules[node]), ensure_jump=True))

    def sources(self, node: str) -> frozenset[str]:
        """The source addresses the chain drops on ``node``, read back from iptables."""
        try:
            listing = self._runtime.net_exec(node, ["iptables", "-w", "-S", self.name]).stdout
        except ExecError as e:
            raise FaultError(f"reading back {self.name} on {node} failed: {e}") from e
        out: set[str] = set()
        for line in listing.splitlines():
            words = line.split()
            if words[:2] == ["-A", self.name] and "-s" in words and "DROP" in words:
                out.add(words[words.index("-s") + 1].removesuffix("/32"))
        return frozenset(out)

    def verify(self, expected: Mapping[str, frozenset[str]]) -> dict[str, str]:
        """Compare each node's dropped sources with ``expected``; the mismatches, described."""
        found = parallel(sorted(expected), self.sources)
        return {
            node: f"drops {sorted(found[node])}, expected {sorted(want)}"
            for node, want in expected.items() if found[node] != want
        }

    def flush(self, nodes: Sequence[str] | None = None) -> None:
        """Empty the chain on ``nodes`` (default: everywhere it is installed)."""
        targets = sorted(self._installed if nodes is None else set(nodes) & self._installed)
        parallel(targets, lambda node: self._restore(node, replace_script(self.name, [])))

    def uninstall(self) -> list[str]:
        """Remove the jump and the chain everywhere; returns the errors (best effort)."""
        errors: list[str] = []

        def one(node: str) -> None:
            for argv in (
                ["-F", self.name], ["-D", "INPUT", "-j", self.name], ["-X", self.name],
            ):
                result = self._runtime.net_exec(node, ["iptables", "-w", *argv], check=False)
                if not result.ok and not _already_gone(result.stderr):
                    errors.append(f"{node}: iptables {' '.join(argv)}: {result.stderr.strip()}")
            self._installed.discard(node)

        parallel(sorted(self._installed), one)
        return errors

    def _restore(self, node: str, script: str, *, ensure_jump: bool = False) -> None:
        """``iptables-restore --noflush`` of ``script``; with ``ensure_jump``, in the same
        command, the jump from INPUT is added unless it is there."""
        argv = ["iptables-restore", "-w", "--noflush"]
        if ensure_jump:
            jump = " ".join(self._jump())
            argv = ["sh", "-c", f"iptables-restore -w --noflush && "
                    f"{{ iptables -w -C INPUT -j {self.name} 2>/dev/null || "
                    f"iptables -w {jump} -j {self.name}; }}"]
        try:
            self._runtime.net_exec(node, argv, stdin=script)
        except ExecError as e:
            raise FaultError(f"iptables-restore on {node} failed: {e}") from e


def _already_gone(stderr: str) -> bool:
    """iptables' complaints when the chain or the jump is not there (e.g. a restarted
    container's fresh network namespace): nothing left to remove."""
    return "does a matching rule exist" in stderr or "No chain/target/match" in stderr


__all__ = [
    "Chain",
    "Firewall",
    "Position",
    "Rule",
    "chain_name",
    "drop_from",
    "parallel",
    "replace_script",
    "run_tag",
]
