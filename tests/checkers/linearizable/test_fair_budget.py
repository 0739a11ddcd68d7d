"""Fair budgets: one hard key does not starve the others, the check stops at the first invalid
key when only the verdict is needed, and every key's status is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers.linearizable import KeyStatus, Schedule, UnknownReason, check, get_model
from checkers.verdict import Verdict
from harness.cli import cli
from harness.kernel.jsonl import write_jsonl
from tests.checkers.linearizable.kv_histories import kv_history, porcupine_c50_bad_like

KV = get_model("kv")
LOST = {"1", "2", "4", "6"}


def test_generated_shape() -> None:
    h = porcupine_c50_bad_like()
    ops = h.operations()
    assert len({op.process for op in ops}) == 50
    assert {op.key for op in ops} == {str(k) for k in range(10)}
    assert ops[0].key == "0"  # the hard key comes first in key order
    assert sum(op.f == "append" for op in ops) > len(ops) // 3


def test_c50_bad_shape_is_invalid_within_the_default_budget(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    write_jsonl(path, porcupine_c50_bad_like().ops)
    result = CliRunner().invoke(cli, ["check", str(path), "--model", "kv", "--json"])
    assert result.exit_code == 1, result.output
    row = json.loads(result.stdout)
    assert row["verdict"] == "invalid"
    status = {k["key"]: k["status"] for k in row["result"]["keys"]}
    assert status["0"] in ("unknown", "not-reached")  # the hard key: not decided
    assert LOST & {k for k, s in status.items() if s == "invalid"}
    assert set(status.values()) <= {"valid", "invalid", "unknown", "not-reached"}
    assert row["result"]["key_status"]["invalid"] >= 1


@pytest.mark.slow
def test_every_easy_key_is_decided_while_the_hard_one_runs_out() -> None:
    h = porcupine_c50_bad_like()
    result = check(h, KV, time_limit=12.0, workers=1)
    status = {k.key: k for k in result.keys}
    assert result.verdict is Verdict.INVALID
    assert {k for k, r in status.items() if r.status is KeyStatus.INVALID} == LOST
    assert status["0"].status is KeyStatus.UNKNOWN
    assert status["0"].reason is UnknownReason.TIME_LIMIT
    assert all(r.status is KeyStatus.VALID for k, r in status.items() if k not in LOST | {"0"})


def test_one_key_after_another_starves_the_rest() -> None:
    """The failure that round-robin slices fix: the hard key first takes the whole budget."""
    h = porcupine_c50_bad_like()
    result = check(h, KV, time_limit=1.0, workers=1, schedule=Schedule.SEQUENTIAL,
                   stop_on_invalid=True)
    assert result.verdict is Verdict.UNKNOWN
    assert [k.status for k in result.keys].count(KeyStatus.NOT_REACHED) == 9
    fair = check(h, KV, time_limit=30.0, workers=1, stop_on_invalid=True)
    assert fair.verdict is Verdict.INVALID


@pytest.mark.parametrize("schedule", list(Schedule))
def test_schedules_agree_on_valid_histories(schedule: Schedule) -> None:
    h = kv_history(clients=10, ops_per_client=30, seed=5)
    assert check(h, KV, time_limit=60.0, workers=1, schedule=schedule).verdict is Verdict.VALID
    bad = kv_history(clients=10, ops_per_client=30, seed=5, lost=(3,))
    result = check(bad, KV, time_limit=60.0, workers=1, schedule=schedule)
    assert result.verdict is Verdict.INVALID
    assert [k.key for k in result.keys if k.status is KeyStatus.INVALID] == ["3"]


def test_stop_on_invalid_reports_every_key() -> None:
    bad = kv_history(clients=10, ops_per_client=30, seed=5, lost=(3,))
    result = check(bad, KV, time_limit=60.0, workers=1, stop_on_invalid=True)
    assert result.verdict is Verdict.INVALID
    assert len(result.keys) == 10
    for k in result.keys:
        if k.status is KeyStatus.NOT_REACHED:
            assert k.reason is UnknownReason.STOPPED and k.configurations == 0
        if k.status is KeyStatus.UNKNOWN:
            assert k.reason is UnknownReason.INTERRUPTED


def test_worker_processes_stop_at_the_first_invalid_key() -> None:
    h = porcupine_c50_bad_like()
    result = check(h, KV, time_limit=60.0, workers=2, stop_on_invalid=True)
    assert result.verdict is Verdict.INVALID
    hard = next(k for k in result.keys if k.key == "0")
    # Stopped because another key was invalid, not because the budget ran out.
    assert hard.reason in (UnknownReason.INTERRUPTED, UnknownReason.STOPPED)


def test_keys_searched_side_by_side_share_the_memory_budget() -> None:
    h = porcupine_c50_bad_like()
    result = check(h, KV, time_limit=60.0, workers=1, max_memory=4 << 20)
    status = {k.key: k for k in result.keys}
    assert result.verdict is Verdict.INVALID
    assert status["0"].reason is UnknownReason.MEMORY_LIMIT  # the hard key held the most
    assert {k for k, r in status.items() if r.status is KeyStatus.INVALID} == LOST
