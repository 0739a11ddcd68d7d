from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.kernel.config import TestConfig
from harness.shell.store import StoreError, collect_logs, create_run, write_json


def _test(name: str = "raftkv-register") -> TestConfig:
    return TestConfig(name=name, target="raftkv", workload="register", seed=42)


def test_run_directory_layout_and_latest(tmp_path: Path) -> None:
    when = datetime(2026, 11, 21, 17, 5, 9, 123456, tzinfo=UTC)
    run = create_run(tmp_path, _test(), now=when)
    assert run.path == tmp_path / "raftkv-register" / "20261121T170509.123"
    stored = json.loads(run.test_json.read_text())
    assert stored["seed"] == 42 and stored["test"]["target"] == "raftkv"
    assert stored["start_time"].startswith("2026-11-21T17:05:09")
    assert "python" in stored["versions"]
    assert run.history.exists() and (run.path / "nodes").is_dir()
    assert (tmp_path / "latest").resolve() == run.path.resolve()
    again = create_run(tmp_path, _test(), now=when)
    assert again.path.name == "20261121T170509.124"
    assert (tmp_path / "latest").resolve() == again.path.resolve()


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "x" * 101])
def test_bad_test_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(StoreError, match="test name"):
        create_run(tmp_path, _test(name))


def test_results_and_node_logs(tmp_path: Path) -> None:
    run = create_run(tmp_path, _test())
    write_json(run.results, {"verdict": "valid"})
    assert json.loads(run.results.read_text()) == {"verdict": "valid"}
    log = tmp_path / "server.log"
    log.write_text("hello\n")
    copied = collect_logs(run.node_dir("n1"), {"server.log": log, "gone.log": tmp_path / "missing"})
    assert [p.read_text() for p in copied] == ["hello\n"]
