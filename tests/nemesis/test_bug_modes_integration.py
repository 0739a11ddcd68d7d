"""The Raft KV's deliberate bugs are caught under the fitting nemesis; the correct mode is not
accused under every nemesis at once. Real namespaces, rules, signals and libfaketime."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkers.verdict import Verdict
from harness.kernel import generators as g
from harness.kernel.config import TestConfig, options
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.shell.run import RunOutcome, run_test
from nemesis import packages  # noqa: F401  (registers the built-in nemeses)
from nemesis.ledger import leftovers
from nemesis.operations import F
from nemesis.registry import build

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ATTEMPTS = 3
"""Seeds tried before a bug counts as missed (a loaded machine can starve a short run)."""


def run(tmp_path: Path, seed: int, *, bug: str | None, nemesis: str, time_limit: float,
        concurrency: int = 6, single_key: bool = False, **nemesis_opts: str) -> RunOutcome:
    test = TestConfig(
        name=f"bug-{bug or 'none'}", target="raftkv", workload="register",
        nodes=("n1", "n2", "n3"), concurrency=concurrency, time_limit=time_limit, rate=100,
        seed=seed, store=tmp_path / "store", nemesis=tuple(nemesis.split(",")),
        workload_options=options({"keys": "single"} if single_key else {}),
        target_options=options({"bug": bug} if bug else {}),
        nemesis_options=options({"recovery": "2", **nemesis_opts}),
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert leftovers(outcome.run_dir) == {}, "every fault was healed"
    return outcome


def caught(tmp_path: Path, *, bug: str, nemesis: str, time_limit: float,
           concurrency: int = 6, single_key: bool = False, attempts: int = ATTEMPTS,
           **nemesis_opts: str) -> list[Verdict]:
    verdicts = []
    for seed in range(1, int(os.environ.get("NEMESIS_BUG_ATTEMPTS", attempts)) + 1):
        outcome = run(tmp_path / str(seed), seed, bug=bug, nemesis=nemesis,
                      time_limit=time_limit, concurrency=concurrency, single_key=single_key,
                      **nemesis_opts)
        verdicts.append(outcome.verdict)
        print(f"{bug} seed {seed}: {outcome.verdict.value}")
        if outcome.verdict is Verdict.INVALID and "NEMESIS_BUG_ATTEMPTS" not in os.environ:
            break
    return verdicts


@pytest.mark.timeout(300)
def test_stale_reads_caught_under_partition(tmp_path: Path) -> None:
    verdicts = caught(tmp_path, bug="stale-reads", nemesis="partition", time_limit=10.0,
                      interval="1.5", topologies="halves,random-halves,isolate-primary")
    assert Verdict.INVALID in verdicts, verdicts


@pytest.mark.timeout(300)
def test_unsynced_writes_caught_under_kills(tmp_path: Path) -> None:
    # kill -9 of every node (a superset of "a majority"): the unsynced suffix is lost everywhere
    verdicts = caught(tmp_path, bug="unsynced-writes", nemesis="kill", time_limit=20.0,
                      single_key=True, interval="2", targets="all", attempts=5)
    assert Verdict.INVALID in verdicts, verdicts


LEASE_OPTIONS = {
    "partition.interval": "4", "clock.interval": "6", "topologies": "isolate-primary",
    "clock.targets": "primaries", "clock-faults": "bump", "skew-direction": "back",
    "skew-min-ms": "15000", "skew-ms": "20000",
}


def skewed_isolation_seeds(time_limit: float) -> Iterator[int]:
    """Seeds whose schedule bumps the primary's clock back and then, while it is still bumped,
    isolates the primary for at least 3 s (the schedule is pure: same seed, same faults)."""
    for seed in range(1, 1000):
        test = TestConfig(name="t", target="raftkv", workload="register", seed=seed,
                          nodes=("n1", "n2", "n3"), time_limit=time_limit,
                          nemesis=("partition", "clock"), nemesis_options=options(LEASE_OPTIONS))
        package = build(test)
        assert package.generator is not None
        sim = g.simulate(g.time_limit(time_limit, package.generator), concurrency=0)
        # (time the clock was bumped, time the primary was isolated after it), while they last
        bumped: float | None = None
        isolated: float | None = None
        for op in sim.history[::2]:  # invocations (each is followed by its completion)
            t = op.time / g.NS_PER_S
            ended = op.f in (F.RESET_CLOCK, F.STOP_PARTITION)
            if ended and isolated is not None and t - isolated >= 3.0:
                yield seed
                break
            if op.f == F.BUMP_CLOCK:
                bumped, isolated = t, None
            elif op.f == F.START_PARTITION:
                isolated = t if bumped is not None else None
                bumped = None  # a later isolation may hit another leader
            elif ended:
                bumped = isolated = None


@pytest.mark.timeout(300)
def test_lease_reads_caught_under_clock_skew_and_partition(tmp_path: Path) -> None:
    verdicts = []
    for seed in itertools.islice(skewed_isolation_seeds(20.0), ATTEMPTS):
        outcome = run(tmp_path / str(seed), seed, bug="lease-reads", nemesis="partition,clock",
                      time_limit=20.0, concurrency=15, **LEASE_OPTIONS)
        verdicts.append(outcome.verdict)
        print(f"lease-reads seed {seed}: {outcome.verdict.value}")
        if outcome.verdict is Verdict.INVALID:
            break
    assert Verdict.INVALID in verdicts, verdicts


@pytest.mark.timeout(300)
def test_correct_mode_valid_under_every_nemesis_at_once(tmp_path: Path) -> None:
    outcome = run(tmp_path, 5, bug=None, nemesis="partition,kill,pause,clock,packet",
                  time_limit=15.0, interval="1.5")
    assert outcome.verdict is Verdict.VALID, outcome.results
    history = read_jsonl(outcome.run_dir / "history.jsonl")
    ok = [op for op in history.operations() if op.type is OpType.OK]
    assert len(ok) > 100, "the cluster did work between and after the faults"
    fs = {op.f for op in history.nemesis_ops()}
    assert len(fs) >= 6, f"several kinds of fault happened: {sorted(fs)}"
