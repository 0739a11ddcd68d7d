from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.kernel.context import RunContext
from harness.kernel.protocols import NoopDB
from nemesis.ledger import leftovers
from nemesis.operations import F, NemesisSetupError
from nemesis.process import ProcessFault, ProcessNemesis
from tests.nemesis.cluster import nemesis_op
from tests.nemesis.fakes import RecordingDB, fake_context


def test_kill_majority_then_start_restarts_exactly_those(tmp_path: Path) -> None:
    db = RecordingDB()
    ctx = fake_context(tmp_path, db=db)
    nemesis = ProcessNemesis(ProcessFault.KILL, seed=3).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.KILL, {"targets": "majority"}))
    assert isinstance(done.value, dict)
    killed = done.value["nodes"]
    assert isinstance(killed, list) and len(killed) == 3
    assert sorted(n for what, n in db.calls if what == "kill") == killed
    assert nemesis.active_faults() == [f"down: {', '.join(killed)}"]
    assert leftovers(tmp_path) == {"kill": {"down": killed}}
    restarted = nemesis.invoke(ctx, nemesis_op(F.START))
    assert restarted.value == {"nodes": killed}
    assert sorted(n for what, n in db.calls if what == "start") == killed
    assert nemesis.active_faults() == []
    assert leftovers(tmp_path) == {}


class ElectingDB(RecordingDB):
    """No primary for the first two questions (an election after a restart), then n2."""

    def __init__(self) -> None:
        super().__init__(primaries=[])
        self.asked = 0

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        self.asked += 1
        return ["n2"] if self.asked > 2 else []


def test_a_fault_on_the_primaries_waits_for_an_election(tmp_path: Path) -> None:
    db = ElectingDB()
    ctx = fake_context(tmp_path, db=db)
    nemesis = ProcessNemesis(ProcessFault.PAUSE, seed=3).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.PAUSE, {"targets": "primaries"}))
    assert done.value == {"targets": "primaries", "nodes": ["n2"]}
    assert db.asked == 3
    nemesis.teardown(ctx)


def test_pause_primaries_and_teardown_resumes(tmp_path: Path) -> None:
    db = RecordingDB(primaries=["n4"])
    ctx = fake_context(tmp_path, db=db)
    nemesis = ProcessNemesis(ProcessFault.PAUSE, seed=3).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.PAUSE, {"targets": "primaries"}))
    assert done.value == {"targets": "primaries", "nodes": ["n4"]}
    nemesis.teardown(ctx)
    assert db.calls == [("pause", "n4"), ("resume", "n4")]


def test_bad_targets_is_an_op_error(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path)
    nemesis = ProcessNemesis(ProcessFault.KILL, seed=3).setup(ctx)
    done = nemesis.invoke(ctx, nemesis_op(F.KILL, {"targets": "most"}))
    assert done.error == "unknown targets 'most'"


def test_refuses_a_target_that_cannot_be_killed(tmp_path: Path) -> None:
    ctx = fake_context(tmp_path, db=NoopDB())
    with pytest.raises(NemesisSetupError, match="kill and restart processes"):
        ProcessNemesis(ProcessFault.KILL, seed=0).setup(ctx)
