"""``splitbrain check --model list-append|rw-register`` on Jepsen/Elle EDN histories."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from harness.cli import cli

G1C = """\
{:type :invoke, :f :txn, :value [[:append :x 1] [:r :y nil]], :process 0, :index 0}
{:type :invoke, :f :txn, :value [[:append :y 1] [:r :x nil]], :process 1, :index 1}
{:type :ok, :f :txn, :value [[:append :x 1] [:r :y [1]]], :process 0, :index 2}
{:type :ok, :f :txn, :value [[:append :y 1] [:r :x [1]]], :process 1, :index 3}
"""
CLEAN = """\
{:type :invoke, :f :txn, :value [[:append 1 1] [:r 1 nil]], :process 0, :index 0}
{:type :ok, :f :txn, :value [[:append 1 1] [:r 1 [1]]], :process 0, :index 1}
{:type :invoke, :f :txn, :value [[:r 1 nil] [:append 2 5]], :process 1, :index 2}
{:type :ok, :f :txn, :value [[:r 1 [1]] [:append 2 5]], :process 1, :index 3}
"""
BAD_READ = """\
{:type :invoke, :f :txn, :value [[:append :x 1]], :process 0}
{:type :ok, :f :txn, :value [[:append :x 1]], :process 0}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 0}
{:type :ok, :f :txn, :value [[:r :x 3]], :process 0}
"""


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    f = tmp_path / "history.edn"
    f.write_text(text)
    result = CliRunner().invoke(cli, ["check", str(f), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def test_g1c_is_found_and_named_in_json(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, G1C, "--model", "list-append", "--json")
    assert code == 1
    row = json.loads(out)
    assert row["verdict"] == "invalid"
    assert row["anomalies"] == ["G1c"]
    assert row["not"] == ["read-committed"]
    assert "serializable" in row["also-not"]


def test_text_output_draws_the_cycle(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, G1C, "--model", "list-append")
    assert code == 1
    assert "T0 --wr--> T1" in out and "T1 --wr--> T0" in out


def test_clean_history_is_valid(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, CLEAN, "--model", "list-append", "--json")
    assert code == 0
    row = json.loads(out)
    assert row["anomalies"] == [] and row["not"] == []
    assert "strict-serializable" in row["possible"]


def test_consistency_model_decides_the_verdict(tmp_path: Path) -> None:
    write_skew = G1C.replace("[:r :y [1]]", "[:r :y []]").replace("[:r :x [1]]", "[:r :x []]")
    code, out, _ = run(tmp_path, write_skew, "--model", "list-append", "--json",
                       "--consistency-model", "snapshot-isolation")
    assert code == 0 and json.loads(out)["anomalies"] == ["G2-item"]
    code, _, _ = run(tmp_path, write_skew, "--model", "list-append",
                     "--consistency-model", "serializable")
    assert code == 1


def test_uninterpretable_txn_is_254_with_file_line_and_field(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, BAD_READ, "--model", "list-append")
    assert code == 254
    assert "history.edn" in err and "line 4" in err and "field 'value'" in err


def test_history_without_txns_is_254(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, '{:type :invoke, :f :read, :value nil, :process 0}\n'
                                 '{:type :ok, :f :read, :value 1, :process 0}\n',
                       "--model", "list-append")
    assert code == 254 and "no txn operations" in err
