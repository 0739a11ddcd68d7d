from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from tests.conftest import CORPUS

KNOSSOS = CORPUS / "knossos"
GOOD = KNOSSOS / "cas-register" / "good" / "memstress3-4.edn"
BAD = KNOSSOS / "cas-register" / "bad" / "cas-failure.edn"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def test_valid_and_invalid_files_with_summary_table() -> None:
    code, out, _ = run("check", str(GOOD), "--model", "knossos-cas-register")
    assert code == 0 and "valid" in out and "1 file(s)" in out
    code, out, _ = run("check", str(BAD), "--model", "knossos-cas-register")
    assert code == 1
    assert "could not linearize next" in out  # the readable explanation
    code, out, _ = run("check", str(GOOD), str(BAD), "--model", "knossos-cas-register")
    assert code == 1 and "2 file(s): 1 invalid, 1 valid" in out


def test_json_lines_per_file() -> None:
    code, out, _ = run("check", str(GOOD), str(BAD), "--model", "knossos-cas-register", "--json")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] for r in rows] == ["valid", "invalid"]
    assert all(r["file"] and isinstance(r["seconds"], float) for r in rows)


def test_folder_of_histories(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "a.edn")
    (tmp_path / "nested").mkdir()
    shutil.copy(BAD, tmp_path / "nested" / "b.edn")
    (tmp_path / "controller.log").write_text("not a history\n")
    code, out, _ = run("check", str(tmp_path), "--model", "knossos-cas-register", "--json")
    assert code == 1
    assert [Path(json.loads(x)["file"]).name for x in out.splitlines()] == ["a.edn", "b.edn"]


def test_unknown_when_the_budget_is_exhausted() -> None:
    hard = KNOSSOS / "cas-register" / "good" / "mongodb-v0-ack-rollback-8.edn"
    code, out, _ = run("check", str(hard), "--model", "knossos-cas-register", "--json",
                       "--time-limit", "0.000001")
    row = json.loads(out)
    assert (code, row["verdict"]) == (2, "unknown")


def test_malformed_file_exits_254_naming_file_line_field(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_text(
        '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}\n'
        '{"index":1,"time":5,"type":"ok","process":"zero","f":"read","value":1}\n'
    )
    code, out, err = run("check", str(path), "--model", "register")
    assert code == 254
    assert f"{path}, line 2: field 'process'" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "args",
    [
        ["check", "nope.jsonl", "--model", "register"],
        ["check", str(GOOD), "--model", "no-such-model"],
        ["check", str(GOOD)],
        ["check", str(GOOD), "--model", "register", "--format", "xml"],
    ],
)
def test_bad_arguments_exit_254(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 254 and "Error" in err


def test_help_has_examples() -> None:
    code, out, _ = run("check", "--help")
    assert code == 0 and "Examples:" in out and "--model" in out


@pytest.mark.parametrize(
    ("name", "text", "line", "field"),
    [
        ("h.edn", "[{:type :invoke :f :read :process 0}\n {:type :ok :f :read :process 0.5}]",
         2, "process"),
        ("jepsen.log", "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
         "INFO  jepsen.util - 0\t:okay\t:read\t1\n", 2, "type"),
        ("h.jsonl", '{"index":0,"time":0,"type":"invoke","process":0,"f":"read"}\n'
         '{"index":1,"time":"late","type":"ok","process":0,"f":"read"}\n', 2, "time"),
    ],
)
def test_every_format_reports_bad_fields_without_traceback(
    tmp_path: Path, name: str, text: str, line: int, field: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run("check", str(path), "--model", "register")
    assert code == 254
    assert f"{path}, line {line}: field '{field}'" in err
    assert "Traceback" not in out + err
