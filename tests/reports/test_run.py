from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reports import RunError, load_run


def test_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="no such directory"):
        load_run(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(RunError, match="not a directory"):
        load_run(tmp_path / "file")
    with pytest.raises(RunError, match="not a run directory"):
        load_run(tmp_path)


def test_crashed_run_still_loads(tmp_path: Path) -> None:
    good = {"index": 0, "time": 0, "type": "invoke", "process": 0, "f": "read", "value": None}
    (tmp_path / "history.jsonl").write_text(json.dumps(good) + '\n{"index": 1, "ti')
    (tmp_path / "test.json").write_text("{not json")
    run = load_run(tmp_path)
    assert run.history is not None and len(run.history) == 1
    assert run.config is None and run.results is None
    text = " | ".join(run.problems)
    assert "test.json is not valid JSON" in text
    assert "line 2" in text
    assert "results.json is missing" in text


def test_node_logs_listed_and_symlink_escape_skipped(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text('{"verdict": "valid"}')
    (tmp_path / "nodes" / "n1").mkdir(parents=True)
    (tmp_path / "nodes" / "n1" / "server.log").write_text("hello")
    outside = tmp_path.parent / f"{tmp_path.name}-secret"
    outside.write_text("secret")
    os.symlink(outside, tmp_path / "nodes" / "n1" / "escape.log")
    run = load_run(tmp_path)
    assert [(n.node, n.path, n.size) for n in run.node_logs] == [
        ("n1", "nodes/n1/server.log", 5)]
    assert "results.json" in run.files
