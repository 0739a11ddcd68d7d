"""``splitbrain check --model register|set``: session guarantees next to linearizability."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from harness.cli import cli

STALE_OWN_WRITE = """\
{:type :invoke, :f :write, :value 1, :process 0}
{:type :ok, :f :write, :value 1, :process 0}
{:type :invoke, :f :read, :value nil, :process 0}
{:type :ok, :f :read, :value nil, :process 0}
"""


def test_register_history_reports_session_guarantees(tmp_path: Path) -> None:
    f = tmp_path / "h.edn"
    f.write_text(STALE_OWN_WRITE)
    result = CliRunner().invoke(cli, ["check", str(f), "--model", "cas-register", "--json"])
    assert result.exit_code == 1, result.output
    row = json.loads(result.stdout)
    session = row["session"]
    assert session["guarantees"]["read-your-writes"] == "violated"
    assert session["guarantees"]["monotonic-writes"] == "not-inferable"
    assert "linearizable" in session["also-not"] or "linearizable" in session["not"]
    assert "monotonic-reads" in session["possible"]
    text = CliRunner().invoke(cli, ["check", str(f), "--model", "cas-register"]).stdout
    assert "session guarantees: read-your-writes violated" in text


def test_models_without_sessions_have_no_session_field(tmp_path: Path) -> None:
    f = tmp_path / "h.edn"
    f.write_text(STALE_OWN_WRITE.replace(":write", ":enqueue").replace(":read", ":dequeue"))
    result = CliRunner().invoke(cli, ["check", str(f), "--model", "fifo-queue", "--json"])
    assert "session" not in json.loads(result.stdout.splitlines()[0])
