from __future__ import annotations

import threading
from pathlib import Path

import pytest

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.protocols import NoopDB
from nemesis.clock import ClockNemesis, NodeClock
from nemesis.ledger import leftovers
from nemesis.operations import F, NemesisSetupError
from tests.nemesis.cluster import nemesis_op, until
from tests.nemesis.fakes import RecordingDB, fake_context


class ClockDB(RecordingDB):
    def __init__(self, directory: Path | None) -> None:
        super().__init__()
        self.directory = directory

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{node}.rc"


def test_bump_accumulates_and_reset_restores(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.BUMP_CLOCK, {"targets": "all", "delta_ms": 1500}))
    assert done.error is None
    nemesis.invoke(ctx, nemesis_op(F.BUMP_CLOCK, {"targets": "all", "delta_ms": -500}))
    assert (tmp_path / "ft" / "n3.rc").read_text() == "+1.000000s\n"
    assert nemesis.clock_of("n3") == NodeClock(offset_ms=1000.0)
    assert "n3 +1000ms" in nemesis.active_faults()[0]
    assert set(leftovers(tmp_path)["clock"]) == {"n1", "n2", "n3", "n4", "n5"}
    reset = nemesis.invoke(ctx, nemesis_op(F.RESET_CLOCK))
    assert reset.value == {"reset": ["n1", "n2", "n3", "n4", "n5"]}
    assert (tmp_path / "ft" / "n3.rc").read_text() == "+0.000000s\n"
    assert nemesis.active_faults() == []
    assert leftovers(tmp_path) == {}


def test_rate_and_teardown(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.RATE_CLOCK, {"targets": "primaries", "rate": 2}))
    assert done.value == {"nodes": ["n1"], "clocks": {"n1": {"offset_ms": 0.0, "rate": 2.0}},
                          "rate": 2.0}
    # the offset moves forward in steps (libfaketime's own rate could never be undone)
    assert until(lambda: nemesis.clock_of("n1").offset_ms > 0.0)
    line = (tmp_path / "ft" / "n1.rc").read_text()
    assert "x" not in line and float(line.strip().rstrip("s")) > 0.0
    nemesis.teardown(ctx)
    assert (tmp_path / "ft" / "n1.rc").read_text() == "+0.000000s\n"
    assert nemesis.clock_of("n1") == NodeClock()


def test_reset_after_rate_stays_real(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    nemesis.invoke(ctx, nemesis_op(F.RATE_CLOCK, {"targets": "all", "rate": 4}))
    assert until(lambda: nemesis.clock_of("n3").offset_ms > 0.0)
    nemesis.invoke(ctx, nemesis_op(F.RESET_CLOCK))
    assert until(lambda: nemesis._drifter is None)
    assert (tmp_path / "ft" / "n3.rc").read_text() == "+0.000000s\n"
    assert nemesis.active_faults() == []


def test_strobe_ends_where_it_started(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    nemesis.invoke(ctx, nemesis_op(F.BUMP_CLOCK, {"targets": "all", "delta_ms": 100}))
    done = nemesis.invoke(ctx, nemesis_op(
        F.STROBE_CLOCK, {"targets": "all", "delta_ms": 5000, "period_ms": 10, "duration_ms": 50}
    ))
    assert isinstance(done.value, dict)
    flips = done.value["flips"]
    assert isinstance(flips, int) and flips >= 1
    assert (tmp_path / "ft" / "n2.rc").read_text() == "+0.100000s\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"rate": 0}, "rate must be in"),
        ({"rate": "fast"}, "must be a number"),
    ],
)
def test_bad_arguments_are_op_errors(tmp_path: Path, value: dict[str, JSON],
                                     message: str) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.RATE_CLOCK, value))
    assert done.error is not None and message in done.error


def test_huge_bump_rejected(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.BUMP_CLOCK, {"delta_ms": 1e12}))
    assert done.error is not None and "delta_ms must be within" in done.error


def test_refuses_targets_without_faketime(tmp_path: Path) -> None:
    with pytest.raises(NemesisSetupError, match="etcd ignore libfaketime"):
        ClockNemesis(seed=0).setup(fake_context(tmp_path, db=NoopDB()))
    with pytest.raises(NemesisSetupError, match="not started under libfaketime on n1"):
        ClockNemesis(seed=0).setup(fake_context(tmp_path, db=ClockDB(None)))


def test_teardown_during_a_strobe_leaves_the_clocks_real(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=ClockDB(tmp_path / "ft"))
    nemesis = ClockNemesis(seed=1).setup(ctx)
    strobe = threading.Thread(target=nemesis.invoke, args=(ctx, nemesis_op(
        F.STROBE_CLOCK, {"targets": "all", "delta_ms": 5000, "period_ms": 5,
                         "duration_ms": 30000})))
    strobe.start()
    assert until((tmp_path / "ft" / "n1.rc").exists)
    nemesis.teardown(ctx)
    strobe.join(timeout=10)
    assert not strobe.is_alive()
    assert all((tmp_path / "ft" / f"n{i}.rc").read_text() == "+0.000000s\n" for i in range(1, 6))
    assert nemesis.active_faults() == []
